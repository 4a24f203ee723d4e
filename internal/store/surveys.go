package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/survey"
)

// SaveSurvey stores def as a version of its survey: the same definition as an
// existing version (same def.Checksum) returns that version with created
// false, also when it is an older version the definition went back to; a
// changed one becomes the next version (1 for a new survey) with created true.
// It does not set def.Version; the caller does.
// Concurrent calls for one survey are serialised on the survey row, so a
// definition saved from many processes at once gets exactly one version.
func (s *Store) SaveSurvey(ctx context.Context, def *survey.Survey) (version int, created bool, err error) {
	definition, err := json.Marshal(def)
	if err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}
	sum := def.Checksum()
	if sum == "" {
		return 0, false, fmt.Errorf("store: save survey %q: definition has no checksum (not encodable as JSON)", def.ID)
	}

	// Fast path: the definition is already stored (every start of the bot).
	const find = `SELECT version FROM survey_versions WHERE survey_id = $1 AND checksum = $2`
	err = s.pool.QueryRow(ctx, find, def.ID, sum).Scan(&version)
	if err == nil {
		return version, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // no-op after Commit

	// Create the survey if needed and lock its row: savers of one survey take
	// turns. The versions are read by a later statement, whose snapshot
	// includes whatever the previous holder of the lock committed.
	const create = `INSERT INTO surveys (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`
	if _, err := tx.Exec(ctx, create, def.ID); err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}
	const lock = `SELECT FROM surveys WHERE id = $1 FOR UPDATE`
	if _, err := tx.Exec(ctx, lock, def.ID); err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: lock: %w", def.ID, err)
	}
	const versions = `
SELECT coalesce(max(version), 0),
       (SELECT version FROM survey_versions WHERE survey_id = $1 AND checksum = $2)
FROM survey_versions WHERE survey_id = $1`
	var (
		latest   int
		existing *int
	)
	if err := tx.QueryRow(ctx, versions, def.ID, sum).Scan(&latest, &existing); err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}
	if existing != nil {
		return *existing, false, nil
	}
	version = latest + 1
	const insert = `INSERT INTO survey_versions (survey_id, version, definition, checksum) VALUES ($1, $2, $3, $4)`
	if _, err := tx.Exec(ctx, insert, def.ID, version, definition, sum); err != nil {
		return 0, false, fmt.Errorf("store: save survey %q version %d: %w", def.ID, version, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, false, fmt.Errorf("store: save survey %q: %w", def.ID, err)
	}
	return version, true, nil
}

// SurveyVersion returns one stored version of a survey definition, its
// Version set, or ErrNotFound.
func (s *Store) SurveyVersion(ctx context.Context, surveyID string, version int) (*survey.Survey, error) {
	const q = `SELECT definition FROM survey_versions WHERE survey_id = $1 AND version = $2`
	var definition []byte
	err := s.pool.QueryRow(ctx, q, surveyID, version).Scan(&definition)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: survey %q version %d: %w", surveyID, version, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: survey %q version %d: %w", surveyID, version, err)
	}
	return decodeSurvey(surveyID, version, definition)
}

// LatestSurvey returns the most recently created version of a survey (the
// highest number, Version set), or ErrNotFound when the survey was never
// saved. A running bot answers the version SaveSurvey gave it, which is not
// this one when a definition went back to an earlier version.
func (s *Store) LatestSurvey(ctx context.Context, surveyID string) (*survey.Survey, int, error) {
	const q = `SELECT version, definition FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT 1`
	var (
		version    int
		definition []byte
	)
	err := s.pool.QueryRow(ctx, q, surveyID).Scan(&version, &definition)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, fmt.Errorf("store: latest survey %q: %w", surveyID, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: latest survey %q: %w", surveyID, err)
	}
	def, err := decodeSurvey(surveyID, version, definition)
	if err != nil {
		return nil, 0, err
	}
	return def, version, nil
}

func decodeSurvey(surveyID string, version int, definition []byte) (*survey.Survey, error) {
	var def survey.Survey
	if err := json.Unmarshal(definition, &def); err != nil {
		return nil, fmt.Errorf("store: decode survey %q version %d: %w", surveyID, version, err)
	}
	def.Version = version
	return &def, nil
}
