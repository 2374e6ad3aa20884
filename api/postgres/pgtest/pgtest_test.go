package pgtest

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"callsvc/api/postgres"
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

// A database whose test changed only rows is emptied and handed to the
// next test (a private cluster reuses; a shared server without Main drops).
func TestNewDBIsEmptiedForTheNextTest(t *testing.T) {
	var first, second string
	get(t).settle() // earlier tests' databases are back: the next one freed is Writes'
	t.Run("Writes", func(t *testing.T) {
		first = NewDB(t)
		st := storeOn(t, first)
		if _, err := st.CreateStaff(t.Context(), record.Staff{Name: "甲", Extension: "2001"}); err != nil {
			t.Fatal(err)
		}
	})
	get(t).settle()
	t.Run("Reads", func(t *testing.T) {
		second = NewDB(t)
		list, _, err := storeOn(t, second).ListStaff(t.Context(), record.ListQuery{})
		if err != nil || len(list) != 0 {
			t.Fatalf("staff = %+v, %v; want none", list, err)
		}
	})
	switch {
	case get(t).reuse && second != first:
		t.Errorf("the next test got %s, not the emptied %s", dbName(t, second), dbName(t, first))
	case second != first && databaseExists(t, first):
		t.Errorf("database %s neither handed on nor dropped", dbName(t, first))
	}
}

// A database whose test changed its schema is dropped after the test.
func TestNewDBIsDroppedAfterASchemaChange(t *testing.T) {
	var dsn string
	t.Run("User", func(t *testing.T) {
		dsn = NewDB(t)
		if _, err := storeOn(t, dsn).Pool().Exec(t.Context(), `CREATE TABLE scratch (n int)`); err != nil {
			t.Fatal(err)
		}
	})
	get(t).settle()
	if databaseExists(t, dsn) {
		t.Errorf("database %s still exists after its test changed the schema", dbName(t, dsn))
	}
}

func storeOn(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(t.Context(), dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

func dbName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

func databaseExists(t *testing.T, dsn string) bool {
	t.Helper()
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
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName(t, dsn)).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	return exists
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
