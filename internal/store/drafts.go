package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/survey"
)

// Draft is a citizen's unfinished response: enough to rebuild the survey
// session when Redis no longer has it.
type Draft struct {
	ResponseID int64
	SurveyID   string
	Version    int
	Lang       string
	Current    string // question being asked ("" when the citizen was reviewing)
	Seq        int
	Answers    map[string]survey.Answer // by question id; nil in Drafts
	UpdatedAt  time.Time
}

// draftColumns are scanned by scanDraft; $answers is the answers aggregate or NULL.
const draftColumns = `r.id, r.survey_id, r.survey_version, r.language, coalesce(r.current_question, ''), r.seq, d.updated_at`

const draftAnswers = `(SELECT jsonb_object_agg(a.question_id, a.value) FROM answers a WHERE a.response_id = r.id)`

// LatestDraft returns the citizen's most recently updated draft with its
// answers, or ErrNotFound when they have none.
func (s *Store) LatestDraft(ctx context.Context, citizenID int64) (Draft, error) {
	const q = `
SELECT ` + draftColumns + `, ` + draftAnswers + `
FROM response_drafts d JOIN responses r ON r.id = d.response_id
WHERE d.citizen_id = $1
ORDER BY d.updated_at DESC, d.response_id DESC
LIMIT 1`
	d, err := s.draft(ctx, q, citizenID)
	if err != nil {
		return Draft{}, fmt.Errorf("store: latest draft: %w", err)
	}
	return d, nil
}

// DraftFor returns the citizen's draft of a survey with its answers, or
// ErrNotFound when they have none.
func (s *Store) DraftFor(ctx context.Context, citizenID int64, surveyID string) (Draft, error) {
	const q = `
SELECT ` + draftColumns + `, ` + draftAnswers + `
FROM response_drafts d JOIN responses r ON r.id = d.response_id
WHERE d.citizen_id = $1 AND d.survey_id = $2`
	d, err := s.draft(ctx, q, citizenID, surveyID)
	if err != nil {
		return Draft{}, fmt.Errorf("store: draft of survey %q: %w", surveyID, err)
	}
	return d, nil
}

func (s *Store) draft(ctx context.Context, q string, args ...any) (Draft, error) {
	var (
		d   Draft
		raw []byte
	)
	err := s.pool.QueryRow(ctx, q, args...).Scan(
		&d.ResponseID, &d.SurveyID, &d.Version, &d.Lang, &d.Current, &d.Seq, &d.UpdatedAt, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return Draft{}, ErrNotFound
	}
	if err != nil {
		return Draft{}, err
	}
	if d.Answers, err = decodeAnswers(raw); err != nil {
		return Draft{}, err
	}
	return d, nil
}

// Drafts lists all of a citizen's drafts, most recently updated first, without
// their answers (for a "continue where you left off" menu). Empty, not
// ErrNotFound, when there are none.
func (s *Store) Drafts(ctx context.Context, citizenID int64) ([]Draft, error) {
	const q = `
SELECT ` + draftColumns + `
FROM response_drafts d JOIN responses r ON r.id = d.response_id
WHERE d.citizen_id = $1
ORDER BY d.updated_at DESC, d.response_id DESC`
	rows, err := s.pool.Query(ctx, q, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	drafts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Draft, error) {
		var d Draft
		err := row.Scan(&d.ResponseID, &d.SurveyID, &d.Version, &d.Lang, &d.Current, &d.Seq, &d.UpdatedAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	return drafts, nil
}

// SurveysOf returns the surveys a citizen has a draft of and those they
// completed at least once, in one query (for the menu's marks).
func (s *Store) SurveysOf(ctx context.Context, citizenID int64) (inProgress, completed map[string]bool, err error) {
	const q = `
SELECT survey_id, true FROM response_drafts WHERE citizen_id = $1
UNION ALL
SELECT survey_id, false FROM participations WHERE citizen_id = $1`
	rows, err := s.pool.Query(ctx, q, citizenID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: surveys of citizen: %w", err)
	}
	defer rows.Close()
	inProgress, completed = map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var id string
		var draft bool
		if err := rows.Scan(&id, &draft); err != nil {
			return nil, nil, fmt.Errorf("store: surveys of citizen: %w", err)
		}
		if draft {
			inProgress[id] = true
		} else {
			completed[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: surveys of citizen: %w", err)
	}
	return inProgress, completed, nil
}
