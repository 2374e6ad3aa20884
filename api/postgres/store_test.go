package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

// testCtx is a context that ends with the test, bounded so a hung query
// fails the test instead of the whole binary.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := record.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	var re *record.Error
	if !errors.As(err, &re) {
		t.Fatalf("error %v is not a *record.Error", err)
	}
}

func TestPingAndMigratedSchema(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx := testCtx(t)
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname = 'calls_notes_trgm_idx'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("trigram index on notes missing: pg_trgm should be available on this server")
	}
}
