package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"callsvc/api/postgres/pgcluster"
)

// PrivateDatabase is the database OpenPrivate creates on its cluster.
const PrivateDatabase = "callsvc"

// OpenPrivate starts a private PostgreSQL cluster under dir (a temporary
// directory when empty, removed at stop), creates database "callsvc" in it
// if needed, migrates and opens a Store. The service uses it when no
// DATABASE_URL is configured. logf (may be nil) receives one line per step.
// stop closes the store and shuts the cluster down; the cluster is also
// stopped if the process dies without calling it.
//
// A fixed dir keeps its data (fsync on) between runs; a temporary one is
// throwaway (fsync off).
func OpenPrivate(ctx context.Context, dir string, logf func(format string, args ...any)) (*Store, func(), error) {
	return OpenPrivateWith(ctx, dir, logf, Options{})
}

// OpenPrivateWith is OpenPrivate with store options (opts.Migrate is implied).
func OpenPrivateWith(ctx context.Context, dir string, logf func(format string, args ...any), opts Options) (*Store, func(), error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Durable: dir != "", Logf: logf, StopOnExit: true})
	if err != nil {
		return nil, nil, fmt.Errorf("private database: %w", err)
	}
	if err := createDatabase(ctx, c.DSN("postgres"), PrivateDatabase); err != nil {
		c.Stop()
		return nil, nil, fmt.Errorf("private database: %w", err)
	}
	opts.Migrate = true
	st, err := Open(ctx, c.DSN(PrivateDatabase), opts)
	if err != nil {
		c.Stop()
		return nil, nil, fmt.Errorf("private database: %w", err)
	}
	logf("postgres: private cluster in %s, database %q ready", c.Dir(), PrivateDatabase)
	stop := func() {
		st.Close()
		if err := c.Stop(); err != nil {
			logf("postgres: stop private cluster: %v", err)
		}
	}
	return st, stop, nil
}

func createDatabase(ctx context.Context, adminDSN, name string) error {
	conn, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return fmt.Errorf("connect: %w", translate(err))
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database: %w", translate(err))
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database: %w", translate(err))
	}
	return nil
}
