package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/hromada/hromada/migrations"
)

// migrateLockID is the pg_advisory_lock key held while migrating, so that
// replicas starting together migrate one after the other.
const migrateLockID int64 = 0x68726f6d616461 // "hromada"

// RiverSchemaVersion is the version of River's job-queue schema (river_job and
// its tables) that Migrate installs after the migrations package's own. It is
// pinned, not "latest", so that a River upgrade changes the schema only when
// this number is raised on purpose.
const RiverSchemaVersion = 8

// Migrate applies all pending migrations of the migrations package, then
// River's up to RiverSchemaVersion. Concurrent
// callers (several processes starting at once) are serialised by a Postgres
// advisory lock held on a dedicated connection; the later ones find nothing to do.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return withMigrator(ctx, pool, func(p *goose.Provider) error {
		if _, err := p.Up(ctx); err != nil {
			return err
		}
		return migrateRiver(ctx, pool, rivermigrate.DirectionUp, RiverSchemaVersion)
	})
}

// migrateRiver moves River's schema to version (-1 down: remove it).
func migrateRiver(ctx context.Context, pool *pgxpool.Pool, dir rivermigrate.Direction, version int) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river: %w", err)
	}
	if _, err := m.Migrate(ctx, dir, &rivermigrate.MigrateOpts{TargetVersion: version}); err != nil {
		return fmt.Errorf("river: %w", err)
	}
	return nil
}

// MigrateDown rolls migrations back until the schema is at version (0 = no
// tables left, River's included), under the same lock as Migrate. It destroys
// data: it is for the migrate command and for tests.
func MigrateDown(ctx context.Context, pool *pgxpool.Pool, version int64) error {
	return withMigrator(ctx, pool, func(p *goose.Provider) error {
		if version == 0 {
			if err := migrateRiver(ctx, pool, rivermigrate.DirectionDown, -1); err != nil {
				return err
			}
		}
		_, err := p.DownTo(ctx, version)
		return err
	})
}

// withMigrator runs fn with a goose provider over pool while holding the
// migration advisory lock. The lock lives on its own connection (not one of the
// pool's), so it works whatever the pool size.
func withMigrator(ctx context.Context, pool *pgxpool.Pool, fn func(*goose.Provider) error) (err error) {
	lockConn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig)
	if err != nil {
		return fmt.Errorf("store: migrate: connect for lock: %w", err)
	}
	defer func() { _ = lockConn.Close(context.WithoutCancel(ctx)) }() // closing also releases the lock
	if _, err := lockConn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockID); err != nil {
		return fmt.Errorf("store: migrate: lock: %w", err)
	}
	defer func() {
		if _, uerr := lockConn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockID); uerr != nil && err == nil {
			err = fmt.Errorf("store: migrate: unlock: %w", uerr)
		}
	}()

	db := stdlib.OpenDBFromPool(pool)
	defer db.Close() // does not close the pool
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := fn(p); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}
