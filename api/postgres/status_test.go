package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
)

func TestMigrationStatus(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	pool := st.Pool()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	exec := func(sql string) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}

	now, err := postgres.MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !now.UpToDate() || now.Current != now.Latest || now.Latest < 1 {
		t.Fatalf("fresh migrated database: %+v, want up to date", now)
	}
	latest := now.Latest

	// The newest migration rolled back: pending.
	exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (` + itoa(latest) + `, false)`)
	got, err := postgres.MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if got.UpToDate() || !cmp.Equal(got.Pending, []int64{latest}) || got.Current >= latest {
		t.Fatalf("after rolling back %d: %+v", latest, got)
	}

	// A version from a newer binary: unknown.
	exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (` + itoa(latest) + `, true), (99999, true)`)
	got, err = postgres.MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if got.UpToDate() || len(got.Pending) != 0 || !cmp.Equal(got.Unknown, []int64{99999}) || got.Current != 99999 {
		t.Fatalf("with version 99999 applied: %+v", got)
	}

	// Never migrated: everything pending, and the check creates nothing.
	exec(`DROP TABLE goose_db_version`)
	got, err = postgres.MigrationStatus(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != 0 || got.Latest != latest || len(got.Pending) != int(latest) {
		t.Fatalf("never migrated: %+v", got)
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil || exists {
		t.Fatalf("MigrationStatus created the version table (exists=%v, err=%v)", exists, err)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
