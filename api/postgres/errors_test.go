package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"callsvc/api/record"
)

func TestTranslateByCode(t *testing.T) {
	for _, tc := range []struct {
		name, code, msg string
		err             error
	}{
		{"UniqueExtension", record.EConflict, "extension already in use", &pgconn.PgError{Code: "23505", ConstraintName: "staff_extension_key"}},
		{"UniqueUnknown", record.EConflict, "already exists", &pgconn.PgError{Code: "23505", ConstraintName: "other"}},
		{"ForeignKey", record.EInvalid, "staff_id: no such staff member", &pgconn.PgError{Code: "23503", ConstraintName: "api_tokens_staff_id_fkey"}},
		{"Check", record.EInvalid, "role: must be agent or supervisor", &pgconn.PgError{Code: "23514", ConstraintName: "staff_role_check"}},
		{"DataException", record.EInvalid, "invalid value", &pgconn.PgError{Code: "22007"}},
		{"NoRows", record.ENotFound, "not found", pgx.ErrNoRows},
		{"AdminShutdown", record.EUnavailable, "database unavailable", &pgconn.PgError{Code: "57P01"}},
		{"ConnectionException", record.EUnavailable, "database unavailable", &pgconn.PgError{Code: "08006"}},
		{"Deadlock", record.EUnavailable, "database unavailable", &pgconn.PgError{Code: "40P01"}},
		{"EOF", record.EUnavailable, "database unavailable", io.ErrUnexpectedEOF},
		{"Deadline", record.EUnavailable, "database request cancelled or timed out", context.DeadlineExceeded},
		{"SyntaxIsInternal", record.EInternal, "internal error", &pgconn.PgError{Code: "42601", Message: "syntax error at SELECT"}},
		{"OtherIsInternal", record.EInternal, "internal error", errors.New("boom")},
		{"AlreadyTranslated", record.EInvalid, "limit: bad", record.Errorf(record.EInvalid, "limit: bad")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := fmt.Errorf("step: %w", translate(fmt.Errorf("driver: %w", tc.err)))
			if got := record.ErrorCode(err); got != tc.code {
				t.Errorf("code = %q, want %q", got, tc.code)
			}
			if got := record.ErrorMessage(err); got != tc.msg {
				t.Errorf("message = %q, want %q", got, tc.msg)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("cause %v lost from %v", tc.err, err)
			}
		})
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}

func TestOpenUnreachableServerIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	dir := t.TempDir() // no server listens here
	_, err := Open(ctx, "postgres://postgres@/x?host="+dir+"&connect_timeout=5", Options{})
	if got := record.ErrorCode(err); got != record.EUnavailable {
		t.Fatalf("Open = %v (code %q), want %s", err, got, record.EUnavailable)
	}
	_, err = Open(ctx, "postgres://[bad", Options{})
	if got := record.ErrorCode(err); got != record.EInvalid {
		t.Fatalf("Open(bad url) = %v, want %s", err, record.EInvalid)
	}
}
