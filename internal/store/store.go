// Package store is Hromada's Postgres access: citizens and their consent,
// survey versions, responses, answers and the draft links that let a citizen
// resume. All SQL of the bot lives here; every method takes a context and
// wraps errors with %w.
//
// The package must not make decisions that belong to the survey engine or the
// dialogue (which question comes next, whether a citizen may answer again); it
// stores what they decided, atomically, and enforces in the schema what must
// always hold. It must never write a link between an anonymous response and a
// citizen into a table analysts read.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// ErrNotFound means the row asked for does not exist (or is not in the state
// the operation needs, e.g. a response that is no longer a draft). Check it
// with errors.Is.
var ErrNotFound = errors.New("not found")

// ErrDraftExists means the citizen already has a draft response of the survey.
// The error returned wraps it and is a *DraftExistsError carrying the draft's id.
var ErrDraftExists = errors.New("draft response already exists")

// ErrStaleStep is returned by SaveStep for a step whose seq is not above the
// stored one: a redelivered step, or a session older than Postgres (a Redis
// restored from an old snapshot). Nothing was written; rebuild the session
// from the draft.
var ErrStaleStep = errors.New("store: step is older than the stored response")

// DraftExistsError is returned by StartResponse when the citizen already has a
// draft of the survey. errors.Is(err, ErrDraftExists) holds for it.
type DraftExistsError struct {
	CitizenID  int64
	SurveyID   string
	ResponseID int64 // the existing draft response
}

// Error describes the conflict without personal data.
func (e *DraftExistsError) Error() string {
	return fmt.Sprintf("citizen %d already has draft response %d of survey %q", e.CitizenID, e.ResponseID, e.SurveyID)
}

// Unwrap makes errors.Is(err, ErrDraftExists) true.
func (e *DraftExistsError) Unwrap() error { return ErrDraftExists }

// Store is the Postgres access of the bot. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	// jobs inserts River jobs (reminders, promotions) inside the store's own
	// transactions; it is insert-only: the app runs the workers.
	jobs *river.Client[pgx.Tx]
}

// Open connects a pool to databaseURL (a postgres:// URL or key=value DSN; pool
// settings such as pool_max_conns go in it) and pings the database.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	pool, err := pgxpool.New(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: ping: %w", err)
	}
	return New(pool), nil
}

// New wraps an existing pool. Close then closes that pool.
func New(pool *pgxpool.Pool) *Store {
	jobs, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil { // only a broken Config fails, and this one is fixed
		panic(fmt.Sprintf("store: river insert client: %v", err))
	}
	return &Store{pool: pool, jobs: jobs}
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() {
	s.pool.Close()
}

// Pool returns the underlying pool, for Migrate and for tests.
func (s *Store) Pool() *pgxpool.Pool {
	return s.pool
}
