package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"callsvc/api/record"
)

// conflictMessages names, for each unique constraint, what the user got
// wrong. The texts are user-safe; the driver error stays in Err for logs.
var conflictMessages = map[string]string{
	"calls_pkey":            "a call with this id already exists",
	"customers_pkey":        "a customer with this id already exists",
	"customer_numbers_pkey": "phone number already belongs to another customer",
	"staff_pkey":            "a staff member with this id already exists",
	"staff_extension_key":   "extension already in use",
	"staff_endpoint_key":    "endpoint already in use",
	"api_tokens_pkey":       "a token with this id already exists",
	"api_tokens_hash_key":   "token already exists",
}

// invalidMessages names the field behind a check or foreign-key constraint.
var invalidMessages = map[string]string{
	"api_tokens_staff_id_fkey":          "staff_id: no such staff member",
	"api_tokens_role_check":             "role: must be service, agent or supervisor",
	"api_tokens_hash_check":             "hash: too short",
	"staff_role_check":                  "role: must be agent or supervisor",
	"staff_name_check":                  "name: required",
	"staff_extension_check":             "extension: required",
	"staff_endpoint_check":              "endpoint: required",
	"calls_rings_to_answer_check":       "rings_to_answer: must not be negative",
	"calls_answer_ms_check":             "answer_ms: must not be negative",
	"calls_talk_seconds_check":          "talk_seconds: must not be negative",
	"call_events_type_check":            "event type: required",
	"call_events_data_check":            "event data: must be a JSON object",
	"customer_numbers_number_check":     "numbers: must not be empty",
	"customer_numbers_customer_id_fkey": "customer: no such customer",
	"staff_reservations_staff_id_fkey":  "staff_id: no such staff member",
}

// translate turns a driver error into a *record.Error by SQLSTATE code and
// error type, never by message text. The cause is kept for logs and for
// errors.Is (context.Canceled stays visible through Unwrap).
func translate(err error) error {
	if err == nil {
		return nil
	}
	var re *record.Error
	if errors.As(err, &re) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return record.Wrap(record.ENotFound, err, "not found")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return record.Wrap(record.EUnavailable, err, "database request cancelled or timed out")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			msg, ok := conflictMessages[pe.ConstraintName]
			if !ok {
				msg = "already exists"
			}
			return record.Wrap(record.EConflict, err, msg)
		case pe.Code == "23503" || pe.Code == "23514" || pe.Code == "23502" || strings.HasPrefix(pe.Code, "22"):
			msg, ok := invalidMessages[pe.ConstraintName]
			if !ok {
				msg = "invalid value"
			}
			return record.Wrap(record.EInvalid, err, msg)
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, cannot connect now
			pe.Code == "53300",                     // too many connections
			pe.Code == "40001", pe.Code == "40P01": // serialization failure, deadlock: retry
			return record.Wrap(record.EUnavailable, err, "database unavailable")
		}
		return record.Wrap(record.EInternal, err, "")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err) {
		return record.Wrap(record.EUnavailable, err, "database unavailable")
	}
	return record.Wrap(record.EInternal, err, "")
}

// rowError translates the error of a one-row read: no row means the thing
// is missing (named for the user by what); anything else as translate does.
func rowError(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound(what, err)
	}
	return translate(err)
}

// notFound is the ENotFound for a missing thing, named for the user.
func notFound(what string, err error) error {
	return record.Wrap(record.ENotFound, err, what+" not found")
}

// invalid is an EInvalid with a user-safe message.
func invalid(format string, args ...any) error {
	return record.Errorf(record.EInvalid, format, args...)
}
