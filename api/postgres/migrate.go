package postgres

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations numbered 00001_name.sql, 00002_name.sql, ...: a change to the
// schema adds the next number.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies every pending embedded migration. Several service
// instances may call it at once: a PostgreSQL advisory lock lets one migrate
// while the others wait.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockTimeout(1, 300), // probe every second for five minutes
		lock.WithUnlockTimeout(1, 60),
	)
	if err != nil {
		return fmt.Errorf("migrate: locker: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
		goose.WithLogger(goose.NopLogger()),
	)
	if err != nil {
		return fmt.Errorf("migrate: provider: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: up: %w", translate(err))
	}
	return nil
}

// MigrationsDigest identifies the embedded migrations (a hex SHA-256 over
// their names and contents): equal digests mean equal schemas. pgtest names
// its template database by it.
func MigrationsDigest() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(migrationFiles, "migrations") // embedded: cannot fail
	for _, e := range entries {
		b, _ := migrationFiles.ReadFile("migrations/" + e.Name())
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
