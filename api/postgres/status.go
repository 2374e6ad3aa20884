package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// MigrationState compares a database's schema with the migrations embedded
// in this binary.
type MigrationState struct {
	Current int64   // highest version applied (0: none, or never migrated)
	Latest  int64   // highest embedded version
	Pending []int64 // embedded versions not applied, in order
	Unknown []int64 // applied versions this binary does not know: the database is newer
}

// UpToDate reports whether the database has exactly the embedded schema.
func (m MigrationState) UpToDate() bool { return len(m.Pending) == 0 && len(m.Unknown) == 0 }

// MigrationStatus reads which migrations the database has, without changing
// anything: unlike goose's own status calls it does not create the version
// table, so a health check on a database nobody migrated leaves it as it
// was.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) (MigrationState, error) {
	var st MigrationState
	embedded, err := embeddedVersions()
	if err != nil {
		return st, fmt.Errorf("migration status: %w", err)
	}
	if len(embedded) > 0 {
		st.Latest = embedded[len(embedded)-1]
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return st, fmt.Errorf("migration status: %w", translate(err))
	}
	var applied []int64
	if exists {
		// A version counts as applied when its newest row says so (goose
		// appends a row with is_applied = false when it migrates down).
		rows, err := pool.Query(ctx, `SELECT version_id FROM (
			SELECT DISTINCT ON (version_id) version_id, is_applied FROM goose_db_version
			ORDER BY version_id, id DESC) v
			WHERE is_applied AND version_id > 0 ORDER BY version_id`)
		if err != nil {
			return st, fmt.Errorf("migration status: %w", translate(err))
		}
		applied, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return st, fmt.Errorf("migration status: %w", translate(err))
		}
	}
	if len(applied) > 0 {
		st.Current = applied[len(applied)-1]
	}
	for _, v := range embedded {
		if !slices.Contains(applied, v) {
			st.Pending = append(st.Pending, v)
		}
	}
	for _, v := range applied {
		if !slices.Contains(embedded, v) {
			st.Unknown = append(st.Unknown, v)
		}
	}
	return st, nil
}

// embeddedVersions lists the versions of the embedded migrations (the
// number before the first "_" of 00001_name.sql), ascending.
func embeddedVersions() ([]int64, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration file %s: bad version: %w", e.Name(), err)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out, nil
}
