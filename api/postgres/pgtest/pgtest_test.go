package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// No TestMain here on purpose: NewDB must also work when Main was not
// called, starting the server lazily.

func TestNewStoreGivesEachTestItsOwnDatabase(t *testing.T) {
	for _, name := range []string{"First", "Second", "Third"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := NewStore(t)
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			// Every database starts migrated and empty, so the same extension
			// is free in each.
			if _, err := st.CreateStaff(ctx, record.Staff{Name: name, Extension: "2001"}); err != nil {
				t.Fatal(err)
			}
			list, _, err := st.ListStaff(ctx, record.ListQuery{})
			if err != nil || len(list) != 1 || list[0].Name != name {
				t.Errorf("staff = %+v, %v; want only %s", list, err, name)
			}
		})
	}
}

func TestNewDBIsDroppedAfterTheTest(t *testing.T) {
	var dsn string
	t.Run("User", func(t *testing.T) { dsn = NewDB(t) })
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	maint, err := withDatabase(dsn, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, maint)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, cfg.Database).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", cfg.Database)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://u:p@db:5432/app?sslmode=disable", "postgres://u:p@db:5432/other?sslmode=disable"},
		{"postgres://postgres@/postgres?host=%2Ftmp%2Fs", "postgres://postgres@/other?host=%2Ftmp%2Fs"},
		{"host=db user=u dbname=app", "host=db user=u dbname=app dbname=other"},
	} {
		got, err := withDatabase(tc.in, "other")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil || cfg.Database != "other" {
			t.Errorf("%q parses to database %q, %v", got, cfg.Database, err)
		}
	}
}

// An outage stops exactly one database, until restored.
func TestOutageStopsOneDatabaseUntilRestored(t *testing.T) {
	t.Parallel()
	down, other := NewStore(t), NewStore(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	restore := Outage(t, down)
	if err := down.Ping(ctx); err == nil {
		t.Fatal("the store answers during its outage")
	}
	if err := other.Ping(ctx); err != nil {
		t.Fatalf("another test's database went down too: %v", err)
	}
	restore()
	if err := down.Ping(ctx); err != nil {
		t.Fatalf("the store does not answer after the outage: %v", err)
	}
}
