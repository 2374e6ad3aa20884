package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/rs/zerolog"

	"callsvc/api/postgres"
)

// openStore connects to DATABASE_URL, or — when none is configured — starts
// a private PostgreSQL cluster under the data directory and says so.
func openStore(ctx context.Context, cfg config, log zerolog.Logger) (*postgres.Store, func(), error) {
	if cfg.DatabaseURL != "" {
		st, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{Migrate: cfg.Migrate})
		if err != nil {
			return nil, nil, fmt.Errorf("open database: %w", err)
		}
		return st, st.Close, nil
	}
	dir := ""
	if cfg.DataDir != "" {
		dir = filepath.Join(cfg.DataDir, "pg")
	}
	log.Info().Str("dir", dir).Msg("no DATABASE_URL: starting a private PostgreSQL cluster")
	logf := func(format string, args ...any) { log.Info().Msgf(format, args...) }
	return postgres.OpenPrivate(ctx, dir, logf)
}
