package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
)

var _ api.Store = (*postgres.Store)(nil)

// testCtx is a context that ends with the test, bounded so a hung query
// fails the test instead of the whole binary.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func pgtestStore(t *testing.T) *postgres.Store { t.Helper(); return pgtest.NewStore(t) }

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

func TestCancelledContextIsUnavailableAndStillCancelled(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := st.ListCalls(ctx, record.CallFilter{})
	wantCode(t, err, record.EUnavailable)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v: context.Canceled not visible through errors.Is", err)
	}
}

func TestMigrateTwiceIsANoop(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t) // already migrated, from the template
	ctx := testCtx(t)
	if err := postgres.Migrate(ctx, st.Pool()); err != nil {
		t.Fatal(err)
	}
	var version int
	if err := st.Pool().QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version < 1 {
		t.Errorf("schema version %d, want >= 1", version)
	}
}

func TestOpenPrivateKeepsDataInItsDirectory(t *testing.T) {
	if os.Getenv("DATABASE_URL") != "" {
		t.Skip("DATABASE_URL is set: private clusters are not used")
	}
	t.Parallel()
	ctx := testCtx(t)
	// The server runs as the postgres user when we are root, so the
	// directory must be reachable by it: t.TempDir's parent is not.
	dir, err := os.MkdirTemp("", "callsvc-private-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var lines []string
	logf := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	st, stop, err := postgres.OpenPrivate(ctx, dir, logf)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.CreateStaff(ctx, record.Staff{Name: "desk", Extension: "2000"})
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, `database "callsvc" ready`) }) {
		t.Errorf("log lines %q: want one saying the private database is ready", lines)
	}
	st, stop, err = postgres.OpenPrivate(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	list, _, err := st.ListStaff(ctx, record.ListQuery{})
	if err != nil || len(list) != 1 || list[0].Extension != "2000" {
		t.Errorf("after restart: %+v, %v; want the one staff member", list, err)
	}
}

// TestSiblingHasItsOwnConnections (issue 11, high 1): with every connection
// of one store taken, its sibling still answers.
func TestSiblingHasItsOwnConnections(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	st, err := postgres.Open(ctx, pgtest.NewDB(t), postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sib, err := st.Sibling(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer sib.Close()
	for range 2 {
		conn, err := st.Pool().Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := st.Ping(short); err == nil {
		t.Fatal("the store answered with all its connections taken; the test shows nothing")
	}
	if _, _, err := sib.ListStaff(ctx, record.ListQuery{Limit: 1}); err != nil {
		t.Fatalf("the sibling did not answer: %v", err)
	}
	if got := sib.Pool().Config().MaxConns; got != 1 {
		t.Errorf("sibling pool of %d connections, want 1", got)
	}
}
