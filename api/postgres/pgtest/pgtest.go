// Package pgtest gives tests a fresh, migrated PostgreSQL database each.
//
// One server serves a whole test binary: the one named by DATABASE_URL when
// it is set, else a private throwaway cluster (pgcluster) started on first
// use. The embedded migrations run once per schema version, into a template
// database named by their digest; each test then gets its own copy (CREATE
// DATABASE ... TEMPLATE), dropped when the test ends, so tests can run in
// parallel without seeing each other.
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		st := pgtest.NewStore(t) // *postgres.Store on a fresh database
//		...
//	}
//
// Main is optional: without it the cluster starts lazily and is stopped by
// a watcher process when the test binary exits.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgcluster"
)

// server is the one database server of a test binary. It is package state
// on purpose: every test in the binary shares it, and it must outlive them.
type server struct {
	cluster *pgcluster.Cluster // nil with DATABASE_URL
	base    string             // DSN whose database name is replaced per database
	admin   *pgxpool.Pool      // creates and drops the test databases
	tmpl    string             // migrated template database, named by schema
	prefix  string             // unique per binary: binaries share a DATABASE_URL server
	n       atomic.Int64
}

var (
	setupOnce sync.Once
	shared    *server
	setupErr  error
)

// Main runs the tests of a package (call it from TestMain) and then stops
// the private cluster, if one was started.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

func get(tb testing.TB) *server {
	tb.Helper()
	setupOnce.Do(func() { shared, setupErr = start() })
	if setupErr != nil {
		tb.Fatalf("pgtest: %v", setupErr)
	}
	return shared
}

func start() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var rnd [4]byte
	rand.Read(rnd[:])
	s := &server{prefix: "callsvc_t" + hex.EncodeToString(rnd[:])}
	// One template per schema, shared by every test binary on the server and
	// kept between runs: with DATABASE_URL, binaries run at once and a binary
	// without Main cannot clean up after itself.
	s.tmpl = "callsvc_tmpl_" + postgres.MigrationsDigest()[:16]
	if u := os.Getenv("DATABASE_URL"); u != "" {
		s.base = u
	} else {
		c, err := pgcluster.Start(ctx, pgcluster.Options{StopOnExit: true})
		if err != nil {
			return nil, err
		}
		s.cluster, s.base = c, c.DSN("postgres")
	}
	admin, err := pgxpool.New(ctx, s.base)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	s.admin = admin
	if err := s.makeTemplate(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// makeTemplate creates and migrates the template database unless a complete
// one exists. An advisory lock makes concurrent test binaries wait for the
// one doing it; IS_TEMPLATE, set last, marks it complete.
func (s *server) makeTemplate(ctx context.Context) error {
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", s.tmpl); err != nil {
		return fmt.Errorf("lock template: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", s.tmpl)
	var done *bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", s.tmpl).Scan(&done)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("look for template: %w", err)
	}
	if done != nil && *done {
		return nil
	}
	if done != nil { // left half-made by a binary that died
		if _, err := conn.Exec(ctx, "DROP DATABASE "+ident(s.tmpl)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop broken template: %w", err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident(s.tmpl)); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	dsn, err := withDatabase(s.base, s.tmpl)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err == nil {
		err = postgres.Migrate(ctx, pool)
		pool.Close() // a template must have no connections when copied
	}
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(s.tmpl)+" IS_TEMPLATE true"); err != nil {
		return fmt.Errorf("mark template: %w", err)
	}
	return nil
}

func (s *server) close() {
	if s.admin != nil {
		s.admin.Close()
	}
	if s.cluster != nil {
		s.cluster.Stop()
	}
}

// NewDB creates a fresh database holding the migrated schema and returns
// its connection string. It is dropped when the test ends.
func NewDB(tb testing.TB) string {
	tb.Helper()
	s := get(tb)
	name := fmt.Sprintf("%s_%d", s.prefix, s.n.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(s.tmpl)); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database: %v", err)
		}
	})
	dsn, err := withDatabase(s.base, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// NewStore opens a *postgres.Store on a fresh database (NewDB); it is closed
// when the test ends.
func NewStore(tb testing.TB) *postgres.Store {
	tb.Helper()
	dsn := NewDB(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 8})
	if err != nil {
		tb.Fatalf("pgtest: open store: %v", err)
	}
	tb.Cleanup(st.Close)
	return st
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// withDatabase returns dsn pointing at database name. Both URL and
// keyword/value connection strings are accepted.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse DATABASE_URL: %w", err)
		}
		u.Path = "/" + name
		u.RawPath = ""
		return u.String(), nil
	}
	// In keyword/value form a later keyword overrides an earlier one.
	return dsn + " dbname=" + name, nil
}

// Outage makes st's database unreachable — closed to new connections, its
// open ones ended — a real outage of a real store. restore opens it again;
// it runs at the end of the test too, so the database can be dropped.
func Outage(tb testing.TB, st *postgres.Store) (restore func()) {
	tb.Helper()
	s := get(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var db string
	if err := st.Pool().QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		tb.Fatalf("pgtest: outage: %v", err)
	}
	if _, err := s.admin.Exec(ctx, "ALTER DATABASE "+ident(db)+" ALLOW_CONNECTIONS false"); err != nil {
		tb.Fatalf("pgtest: outage: %v", err)
	}
	var once sync.Once
	restore = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, err := s.admin.Exec(ctx, "ALTER DATABASE "+ident(db)+" ALLOW_CONNECTIONS true"); err != nil {
				tb.Errorf("pgtest: end outage: %v", err)
			}
		})
	}
	tb.Cleanup(restore)
	if _, err := s.admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", db); err != nil {
		tb.Fatalf("pgtest: outage: %v", err)
	}
	st.Pool().Reset()
	if err := st.Ping(ctx); err == nil {
		tb.Fatal("pgtest: outage: the store still answers")
	}
	return restore
}
