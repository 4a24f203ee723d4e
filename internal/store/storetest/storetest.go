// Package storetest gives each test its own fresh, migrated Postgres database,
// cloned from a template that is migrated once per set of migration files.
//
// The server comes from HROMADA_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable); that database is
// only used to create and drop the others. A test fails, never skips, when
// Postgres is unreachable. This package is for tests only.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/migrations"
)

// EnvURL names the environment variable with the base database URL.
const EnvURL = "HROMADA_TEST_DATABASE_URL"

// DefaultURL is used when EnvURL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// templateLockID is the advisory lock that serialises building the template
// across test binaries running in parallel.
const templateLockID int64 = 0x68726f6d_74706c // "hrom" "tpl"

// server is what all tests of one process share: a pool on the base database
// and the migrated template. It is built once.
type server struct {
	base     *url.URL
	admin    *pgxpool.Pool
	template string
	err      error
}

var (
	once   sync.Once
	shared server
)

// New returns a Store on a fresh migrated database that is dropped when the
// test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	dbURL := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("storetest: open test database: %v", err)
	}
	t.Cleanup(s.Close) // runs before the drop registered by URL
	return s
}

// URL creates a fresh migrated database, drops it (closing any connections
// left) when the test ends, and returns its URL, e.g. for a DATABASE_URL of
// an end-to-end test.
func URL(t testing.TB) string {
	t.Helper()
	srv := get(t)
	return srv.create(t, srv.template)
}

// EmptyURL creates a fresh database without any table, for migration tests,
// and drops it when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	srv := get(t)
	return srv.create(t, "template0")
}

func get(t testing.TB) *server {
	t.Helper()
	once.Do(func() { shared.err = shared.setup() })
	if shared.err != nil {
		t.Fatalf("storetest: %v", shared.err)
	}
	return &shared
}

// create makes a database from template and schedules its drop.
func (s *server) create(t testing.TB, template string) string {
	t.Helper()
	name := "hromada_t_" + randomHex(t, 8)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgx.Identifier{template}.Sanitize()); err != nil {
		t.Fatalf("storetest: create database %s from %s: %v", name, template, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	return s.urlOf(name)
}

func (s *server) urlOf(database string) string {
	u := *s.base
	u.Path = "/" + database
	return u.String()
}

// setup connects to the base database and makes sure the template for the
// current migrations exists.
func (s *server) setup() error {
	raw := os.Getenv(EnvURL)
	if raw == "" {
		raw = DefaultURL
	}
	base, err := url.Parse(raw)
	if err != nil || base.Scheme == "" {
		return fmt.Errorf("%s must be a postgres:// URL, got %q", EnvURL, raw)
	}
	s.base = base

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s.admin, err = pgxpool.New(ctx, raw)
	if err == nil {
		err = s.admin.Ping(ctx)
	}
	if err != nil {
		return fmt.Errorf("cannot reach Postgres at %s (set %s): %w", base.Redacted(), EnvURL, err)
	}

	sum, err := migrationsHash()
	if err != nil {
		return err
	}
	s.template = "hromada_tpl_" + sum[:16]
	return s.buildTemplate(ctx)
}

// buildTemplate creates and migrates the template database unless a complete
// one exists. A template is complete once marked IS_TEMPLATE; a half-built one
// left by a crashed run is dropped and rebuilt. The advisory lock keeps test
// binaries of other packages from building it at the same time.
func (s *server) buildTemplate(ctx context.Context) error {
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockID); err != nil {
		return fmt.Errorf("template: lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", templateLockID) }()

	var complete *bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", s.template).Scan(&complete)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("template: %w", err)
	}
	if complete != nil && *complete {
		return nil
	}
	name := pgx.Identifier{s.template}.Sanitize()
	if complete != nil {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("template: drop unfinished %s: %w", s.template, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("template: create %s: %w", s.template, err)
	}
	if err := migrate(ctx, s.urlOf(s.template)); err != nil {
		return fmt.Errorf("template: migrate %s: %w", s.template, err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" IS_TEMPLATE true"); err != nil {
		return fmt.Errorf("template: mark %s: %w", s.template, err)
	}
	return nil
}

func migrate(ctx context.Context, dbURL string) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close() // no connection may stay on a template
	return store.Migrate(ctx, pool)
}

// migrationsHash is a sha256 over the names and contents of the migration
// files and River's schema version, so changed migrations get a new template.
func migrationsHash() (string, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return "", fmt.Errorf("migrations: %w", err)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, name := range names {
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return "", fmt.Errorf("migrations: %w", err)
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "river\x00%d", store.RiverSchemaVersion)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("storetest: random name: %v", err)
	}
	return hex.EncodeToString(b)
}
