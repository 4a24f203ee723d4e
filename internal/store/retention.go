package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ExpireAnswers deletes the answers to question of survey given before
// now - keep, and records in retention_runs how many it deleted, in one
// transaction. It returns that number.
func (s *Store) ExpireAnswers(ctx context.Context, surveyID, question string, keep time.Duration, now time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
DELETE FROM answers a USING responses r
WHERE a.response_id = r.id AND r.survey_id = $1 AND a.question_id = $2 AND a.answered_at < $3`,
			surveyID, question, now.Add(-keep))
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO retention_runs (ran_at, survey_id, question_id, kept_for, deleted) VALUES ($1, $2, $3, $4, $5)`,
			now, surveyID, question, keep, n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: expire answers of %s.%s: %w", surveyID, question, err)
	}
	return n, nil
}

// RetentionJob is the daily run of the retention rules (a River periodic job).
type RetentionJob struct{}

// Kind names the job for River.
func (RetentionJob) Kind() string { return "retention" }

// ExpireOther removes the typed "Other" text from the answers to a choice
// question of survey given before now - keep (the choice of "Other" stays),
// and records in retention_runs how many it removed, in one transaction.
func (s *Store) ExpireOther(ctx context.Context, surveyID, question string, keep time.Duration, now time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The text reads "…<label>: <other>" with the other text last (also
		// for several choices), so cutting ": <other>" leaves the label.
		tag, err := tx.Exec(ctx, `
UPDATE answers a
SET value = a.value - 'other',
    value_text = CASE WHEN right(a.value_text, length(a.value ->> 'other') + 2) = ': ' || (a.value ->> 'other')
                      THEN left(a.value_text, length(a.value_text) - length(a.value ->> 'other') - 2)
                      ELSE a.value_text END
FROM responses r
WHERE a.response_id = r.id AND r.survey_id = $1 AND a.question_id = $2 AND a.answered_at < $3 AND a.value ? 'other'`,
			surveyID, question, now.Add(-keep))
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `INSERT INTO retention_runs (ran_at, survey_id, question_id, kept_for, deleted) VALUES ($1, $2, $3, $4, $5)`,
			now, surveyID, question, keep, n)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: expire other texts of %s.%s: %w", surveyID, question, err)
	}
	return n, nil
}
