package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"callsvc/api/postgres"
)

// runMigrate applies the embedded migrations to DATABASE_URL (or the private
// cluster) and exits.
func runMigrate(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	log := newLogger(cfg, stderr)
	cfg.Migrate = false
	st, stop, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	if err := postgres.Migrate(ctx, st.Pool()); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintln(stdout, "database migrated")
	return nil
}
