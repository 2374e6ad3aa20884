// Package pgtest gives tests a fresh, migrated PostgreSQL database each.
//
// One server serves a whole test binary: the one named by DATABASE_URL when
// it is set, else a private throwaway cluster (pgcluster) started on first
// use. The embedded migrations run once per schema version, into a template
// database named by their digest; each test then gets its own copy (CREATE
// DATABASE ... TEMPLATE), so tests can run in parallel without seeing each
// other. When the test ends its database is emptied in the background and
// handed to the next test, unless the test changed more than rows (the
// schema, the migration table, database settings): then it is dropped.
// Copying the template costs PostgreSQL far more than most tests.
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
	// reuse: emptied databases go back to free (with a private cluster, or
	// with Main to drop them at the end on a shared server).
	reuse bool
	mu    sync.Mutex
	// emptied signals free growing or recycling falling.
	emptied   *sync.Cond
	free      []string
	recycling int    // databases being emptied (or dropped) off the tests' path
	print     string // fingerprint of a fresh copy of the template
}

// mainRuns is set by Main: the binary drops its databases before it exits.
var mainRuns atomic.Bool

var (
	setupOnce sync.Once
	shared    *server
	setupErr  error
)

// Main runs the tests of a package (call it from TestMain) and then stops
// the private cluster, if one was started.
func Main(m *testing.M) {
	mainRuns.Store(true)
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
	s.emptied = sync.NewCond(&s.mu)
	// One template per schema, shared by every test binary on the server and
	// kept between runs: with DATABASE_URL, binaries run at once and a binary
	// without Main cannot clean up after itself.
	s.tmpl = "callsvc_tmpl_" + postgres.MigrationsDigest()[:16]
	s.reuse = true
	if u := os.Getenv("DATABASE_URL"); u != "" {
		s.base = u
		s.reuse = mainRuns.Load()
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
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s.mu.Lock()
		for s.recycling > 0 {
			s.emptied.Wait()
		}
		free := s.free
		s.free = nil
		s.mu.Unlock()
		for _, name := range free {
			s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		s.cluster.Stop()
	}
}

// NewDB gives the test a fresh database holding the migrated schema and
// no rows, and returns its connection string. When the test ends it is
// emptied for the next test, or dropped.
func NewDB(tb testing.TB) string {
	tb.Helper()
	s := get(tb)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := s.take(ctx)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if s.reuse {
			s.recycle(name)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.drop(ctx, name); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	dsn, err := withDatabase(s.base, name)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// take returns an emptied database, or a new copy of the template. While
// none is free but some are being emptied it waits for one: that is
// quicker than a copy.
func (s *server) take(ctx context.Context) (string, error) {
	s.mu.Lock()
	for len(s.free) == 0 && s.recycling > 0 {
		s.emptied.Wait()
	}
	if n := len(s.free); n > 0 {
		name := s.free[n-1]
		s.free = s.free[:n-1]
		s.mu.Unlock()
		return name, nil
	}
	s.mu.Unlock()
	name := fmt.Sprintf("%s_%d", s.prefix, s.n.Add(1))
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(s.tmpl)); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	if !s.reuse {
		return name, nil
	}
	s.mu.Lock()
	known := s.print != ""
	s.mu.Unlock()
	if !known {
		var print string
		err := s.onDB(ctx, name, func(conn *pgx.Conn) (err error) {
			print, err = fingerprint(ctx, conn)
			return err
		})
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		s.print = print
		s.mu.Unlock()
	}
	return name, nil
}

// recycle takes name back from a test that ended, in the background so
// the test is done at once: emptied and free for the next test when it
// changed nothing but rows, else dropped. (A database that cannot be
// dropped either is left to the cluster, or on a shared server to its
// binary's name prefix.)
func (s *server) recycle(name string) {
	s.mu.Lock()
	s.recycling++
	s.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := s.empty(ctx, name)
		if err != nil {
			_ = s.drop(ctx, name)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if err == nil {
			s.free = append(s.free, name)
		}
		s.recycling--
		s.emptied.Broadcast()
	}()
}

// settle waits until no database is being recycled.
func (s *server) settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.recycling > 0 {
		s.emptied.Wait()
	}
}

func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database: %w", err)
	}
	return nil
}

// empty deletes every row of name but the migration table's and restarts
// its sequences, after checking that the database is otherwise as the
// template made it. (DELETE, not TRUNCATE: the tables of a test hold a few
// rows, and TRUNCATE makes new files for every table and index.)
func (s *server) empty(ctx context.Context, name string) error {
	// Connections the test left open (its pools are closed by now).
	if _, err := s.admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, name); err != nil {
		return err
	}
	var plain bool
	if err := s.admin.QueryRow(ctx, `SELECT d.datallowconn AND d.datconnlimit = -1 AND NOT d.datistemplate
		AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting r WHERE r.setdatabase = d.oid)
		FROM pg_database d WHERE d.datname = $1`, name).Scan(&plain); err != nil {
		return err
	}
	if !plain {
		return errors.New("database settings changed")
	}
	return s.onDB(ctx, name, func(conn *pgx.Conn) error {
		print, err := fingerprint(ctx, conn)
		if err != nil {
			return err
		}
		s.mu.Lock()
		same := print == s.print
		s.mu.Unlock()
		if !same {
			return errors.New("schema changed")
		}
		// Tables that others reference go last, so no foreign key objects.
		_, err = conn.Exec(ctx, `DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT c.oid::regclass AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'goose_db_version'
				ORDER BY (SELECT count(*) FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.oid), c.relname
			LOOP EXECUTE format('DELETE FROM %s', r.t); END LOOP;
			FOR r IN SELECT c.oid::regclass AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relname NOT LIKE 'goose%'
			LOOP PERFORM setval(r.s, 1, false); END LOOP;
		END $$`)
		return err
	})
}

// fingerprint sums up what a test may not leave changed in a database: its
// schemas, relations and their columns, constraints, functions, triggers,
// extensions and the migrations applied.
func fingerprint(ctx context.Context, conn *pgx.Conn) (string, error) {
	var print string
	err := conn.QueryRow(ctx, `SELECT md5(coalesce(string_agg(x, E'\n' ORDER BY x), '')) FROM (
			SELECT format('ns %s', nspname) AS x FROM pg_namespace
			UNION ALL SELECT format('rel %s %s %s', c.relname, c.relkind, c.relnatts)
				FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
			UNION ALL SELECT format('col %s.%s %s %s', c.relname, a.attname, a.atttypid, a.attnotnull)
				FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
			UNION ALL SELECT format('con %s', c.conname) FROM pg_constraint c
				JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
			UNION ALL SELECT format('fn %s %s', p.proname, p.pronargs) FROM pg_proc p
				JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
			UNION ALL SELECT format('trg %s', tgname) FROM pg_trigger WHERE NOT tgisinternal
			UNION ALL SELECT format('ext %s %s', extname, extversion) FROM pg_extension
			UNION ALL SELECT format('goose %s %s', version_id, is_applied) FROM goose_db_version
		) f`).Scan(&print)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	return print, nil
}

// onDB runs f on a connection to database name.
func (s *server) onDB(ctx context.Context, name string, f func(*pgx.Conn) error) error {
	dsn, err := withDatabase(s.base, name)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return f(conn)
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
