package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"callsvc/api/record"
)

// Options tune Open. The zero value connects with pgx's pool defaults and
// does not migrate.
type Options struct {
	// Migrate applies pending embedded migrations before Open returns.
	Migrate bool
	// MaxConns caps the pool (0: pgx's default, the larger of 4 and the CPU count).
	MaxConns int32
	// CountryCode is the default country for normalising phone numbers
	// (record.NormalizePhone); empty means record.DefaultCountryCode.
	CountryCode string
	// Tracer, when set, sees every query (logging, metrics); the store itself never logs.
	Tracer pgx.QueryTracer
}

// Store implements api.Store on a pgx connection pool. The compile-time
// check lives in store_test.go, so this package does not import the API
// package and builds while that one is being changed.
type Store struct {
	pool *pgxpool.Pool
	cc   string
}

// Open connects to dsn, pings the server and, when opts.Migrate is set,
// brings the schema up to date.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, record.Wrap(record.EInvalid, err, "bad database URL")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	// pgx prepares and caches statements; after five runs PostgreSQL may
	// switch to a generic plan, which cannot see that a notes pattern is
	// selective or how wide a time range is, and picks call-log plans ten
	// times slower. Planning each query with its values costs well under a
	// millisecond.
	if _, ok := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = opts.Tracer
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", translate(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", translate(err))
	}
	if opts.Migrate {
		if err := Migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
	}
	cc := opts.CountryCode
	if cc == "" {
		cc = record.DefaultCountryCode
	}
	return &Store{pool: pool, cc: cc}, nil
}

// Sibling opens another Store on the same database with a pool of its own
// of maxConns connections (0: as s's), so that one user of the database
// cannot starve another: the call engine routes callers through its own
// pool whatever the API's requests do with theirs. Close it on its own.
func (s *Store) Sibling(ctx context.Context, maxConns int32) (*Store, error) {
	cfg := s.pool.Config() // a copy
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.MinConns = min(2, cfg.MaxConns) // ready before the first call needs one
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", translate(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", translate(err))
	}
	return &Store{pool: pool, cc: s.cc}, nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() { s.pool.Close() }

// Pool is the underlying pool, for code that shares the database
// (migrations, the doctor's checks, tests and benchmarks that use SQL).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping checks the database answers; the API's readiness probe uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping database: %w", translate(err))
	}
	return nil
}

func (s *Store) phone(raw string) string { return record.NormalizePhone(raw, s.cc) }
