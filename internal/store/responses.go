package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hromada/hromada/internal/survey"
)

// StartResponse is what StartResponse stores for a new draft response.
type StartResponse struct {
	SurveyID  string
	Version   int   // survey version answered; must have been saved
	CitizenID int64 // the citizen answering; always needed for the draft link
	// Anonymous leaves the response's citizen_id NULL: only the draft link
	// (deleted on completion) knows whose it is.
	Anonymous bool
	Lang      string // two-letter language code
	Source    string // how the citizen came: "deeplink", "menu", "broadcast:<id>"; required
	At        time.Time
	Current   string // first question asked
	Seq       int    // the session's seq at the start; later steps need a higher one
}

// StartResponse creates a draft response and the citizen's draft link to it,
// in one statement (so atomically), and returns the response id.
//
// A citizen has at most one draft per survey. If one exists, StartResponse
// creates nothing and returns the existing draft's id together with a
// *DraftExistsError (errors.Is(err, ErrDraftExists)); the caller resumes it
// (DraftFor) or discards it first. Whether the citizen may answer again at all
// (CompletedCount) is the caller's decision.
func (s *Store) StartResponse(ctx context.Context, p StartResponse) (responseID int64, err error) {
	const q = `
WITH r AS (
    INSERT INTO responses (survey_id, survey_version, citizen_id, language, source,
                           current_question, seq, started_at, updated_at)
    VALUES ($1, $2, CASE WHEN $4::boolean THEN NULL ELSE $3::bigint END, $5, $6, nullif($7::text, ''), $8, $9, $9)
    RETURNING id
)
INSERT INTO response_drafts (citizen_id, survey_id, response_id, updated_at)
SELECT $3, $1, id, $9 FROM r
RETURNING response_id`
	// A conflict on the draft's primary key fails the whole statement, so no
	// response row is left behind; then report the draft that won. Retry once
	// if that draft vanished in between.
	for range 2 {
		err = s.pool.QueryRow(ctx, q, p.SurveyID, p.Version, p.CitizenID, p.Anonymous,
			p.Lang, p.Source, p.Current, p.Seq, p.At).Scan(&responseID)
		if err == nil {
			return responseID, nil
		}
		if !isUniqueViolation(err, "response_drafts_pkey") {
			return 0, fmt.Errorf("store: start response of survey %q: %w", p.SurveyID, err)
		}
		const existing = `SELECT response_id FROM response_drafts WHERE citizen_id = $1 AND survey_id = $2`
		err = s.pool.QueryRow(ctx, existing, p.CitizenID, p.SurveyID).Scan(&responseID)
		if err == nil {
			return responseID, fmt.Errorf("store: start response: %w",
				&DraftExistsError{CitizenID: p.CitizenID, SurveyID: p.SurveyID, ResponseID: responseID})
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("store: start response of survey %q: %w", p.SurveyID, err)
		}
	}
	return 0, fmt.Errorf("store: start response of survey %q: draft link keeps changing: %w", p.SurveyID, err)
}

// Step is one accepted step of the conversation, as the survey engine's Result
// describes it.
type Step struct {
	ResponseID int64
	Saved      *survey.Answer // answer to insert or replace; nil when the step saved none
	SavedText  string         // human rendering of Saved, for answers.value_text
	Cleared    []string       // question ids whose answers are removed (now hidden)
	Current    string         // question now asked ("" when reviewing)
	Seq        int            // the session's seq after the step
	At         time.Time
}

// saveStep applies a step in one statement. Every part depends on r, the
// guarded update of the response, so a stale or non-draft step changes nothing.
// The final row says whether it applied and whether the response is a draft.
const saveStep = `
WITH r AS (
    UPDATE responses
    SET current_question = nullif($3::text, ''), seq = $2, updated_at = $4
    WHERE id = $1 AND status = 'draft' AND seq < $2
    RETURNING id
), d AS (
    UPDATE response_drafts SET updated_at = $4 WHERE response_id IN (SELECT id FROM r)
), cleared AS (
    DELETE FROM answers
    WHERE response_id IN (SELECT id FROM r)
      AND question_id = ANY($5::text[])
      AND question_id IS DISTINCT FROM $6::text
), saved AS (
    INSERT INTO answers (response_id, question_id, value, value_text, answered_at)
    SELECT id, $6::text, $7::jsonb, $8::text, $9::timestamptz FROM r WHERE $6::text IS NOT NULL
    ON CONFLICT (response_id, question_id) DO UPDATE
        SET value = EXCLUDED.value, value_text = EXCLUDED.value_text, answered_at = EXCLUDED.answered_at
)
SELECT EXISTS (SELECT FROM r),
       EXISTS (SELECT FROM responses WHERE id = $1 AND status = 'draft')`

// SaveStep stores one step of a draft response in a single statement, so one
// round trip: it upserts the saved answer, deletes the cleared ones and moves
// current_question, seq and updated_at. The step applies only when st.Seq is
// higher than the stored seq: a redelivered or older step changes nothing and
// returns ErrStaleStep. ErrNotFound when the response does not exist or is no
// longer a draft.
func (s *Store) SaveStep(ctx context.Context, st Step) error {
	var (
		question, text *string
		value          []byte
		answeredAt     = st.At
	)
	if st.Saved != nil {
		if st.Saved.Question == "" {
			return fmt.Errorf("store: save step of response %d: answer has no question id", st.ResponseID)
		}
		var err error
		if value, err = json.Marshal(st.Saved); err != nil {
			return fmt.Errorf("store: save step of response %d: %w", st.ResponseID, err)
		}
		question, text = &st.Saved.Question, &st.SavedText
		if !st.Saved.At.IsZero() {
			answeredAt = st.Saved.At
		}
	}
	var applied, draft bool
	err := s.pool.QueryRow(ctx, saveStep, st.ResponseID, st.Seq, st.Current, st.At,
		st.Cleared, question, value, text, answeredAt).Scan(&applied, &draft)
	if err != nil {
		return fmt.Errorf("store: save step of response %d: %w", st.ResponseID, err)
	}
	switch {
	case !applied && !draft:
		return fmt.Errorf("store: save step: draft response %d: %w", st.ResponseID, ErrNotFound)
	case !applied:
		return fmt.Errorf("store: save step %d of response %d: %w", st.Seq, st.ResponseID, ErrStaleStep)
	}
	return nil
}

// Complete marks a draft response completed at time at, deletes the citizen's
// draft link and counts the completion in participations, in one statement.
// For an anonymous response participations keeps only the UTC day of
// completion, so it cannot be matched to responses.completed_at.
//
// It is idempotent: completing an already completed response changes nothing
// and returns nil. ErrNotFound when the response does not exist, is not of
// surveyID, or is a draft that is not citizenID's.
func (s *Store) Complete(ctx context.Context, responseID, citizenID int64, surveyID string, at time.Time) error {
	return complete(ctx, s.pool, responseID, citizenID, surveyID, at)
}

// querier is what the pool and a transaction have in common.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// complete is Complete on q, a pool or a transaction.
func complete(ctx context.Context, q querier, responseID, citizenID int64, surveyID string, at time.Time) error {
	const sql = `
WITH r AS (
    UPDATE responses
    SET status = 'completed', completed_at = $4, updated_at = $4, current_question = NULL
    WHERE id = $1 AND survey_id = $3 AND status = 'draft'
      AND EXISTS (SELECT FROM response_drafts WHERE response_id = $1 AND citizen_id = $2)
    RETURNING citizen_id
), d AS (
    DELETE FROM response_drafts WHERE response_id = $1 AND EXISTS (SELECT FROM r)
), p AS (
    INSERT INTO participations AS p (survey_id, citizen_id, completed_count, last_completed_at)
    SELECT $3, $2, 1, CASE WHEN r.citizen_id IS NULL THEN date_trunc('day', $4::timestamptz, 'UTC') ELSE $4 END
    FROM r
    ON CONFLICT (survey_id, citizen_id) DO UPDATE
        SET completed_count = p.completed_count + 1,
            last_completed_at = greatest(p.last_completed_at, EXCLUDED.last_completed_at)
)
SELECT EXISTS (SELECT FROM r),
       EXISTS (SELECT FROM responses WHERE id = $1 AND survey_id = $3 AND status = 'completed')`
	var completed, already bool
	if err := q.QueryRow(ctx, sql, responseID, citizenID, surveyID, at).Scan(&completed, &already); err != nil {
		return fmt.Errorf("store: complete response %d: %w", responseID, err)
	}
	if completed || already {
		return nil
	}
	// The statement's snapshot predates a concurrent Complete it waited for;
	// look again before calling the response missing.
	const again = `SELECT EXISTS (SELECT FROM responses WHERE id = $1 AND survey_id = $2 AND status = 'completed')`
	if err := q.QueryRow(ctx, again, responseID, surveyID).Scan(&already); err != nil {
		return fmt.Errorf("store: complete response %d: %w", responseID, err)
	}
	if !already {
		return fmt.Errorf("store: complete: draft response %d: %w", responseID, ErrNotFound)
	}
	return nil
}

// Discard deletes a draft response with its answers and draft link (the
// citizen cancelled). ErrNotFound when there is no draft response with that
// id, e.g. it was already discarded or completed; callers that only want it
// gone may ignore that.
func (s *Store) Discard(ctx context.Context, responseID int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM responses WHERE id = $1 AND status = 'draft'`, responseID)
	if err != nil {
		return fmt.Errorf("store: discard response %d: %w", responseID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: discard: draft response %d: %w", responseID, ErrNotFound)
	}
	return nil
}

// CompletedCount is how many responses of the survey the citizen completed
// (0 when none; never ErrNotFound).
func (s *Store) CompletedCount(ctx context.Context, citizenID int64, surveyID string) (int, error) {
	const q = `SELECT coalesce((SELECT completed_count FROM participations WHERE survey_id = $2 AND citizen_id = $1), 0)`
	var n int
	if err := s.pool.QueryRow(ctx, q, citizenID, surveyID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: completed count of survey %q: %w", surveyID, err)
	}
	return n, nil
}

// ResponseAnswers returns the answers of a response by question id (empty
// when it has none), or ErrNotFound when the response does not exist.
func (s *Store) ResponseAnswers(ctx context.Context, responseID int64) (map[string]survey.Answer, error) {
	const q = `
SELECT (SELECT jsonb_object_agg(question_id, value) FROM answers WHERE response_id = r.id)
FROM responses r WHERE r.id = $1`
	var raw []byte
	err := s.pool.QueryRow(ctx, q, responseID).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: answers of response %d: %w", responseID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: answers of response %d: %w", responseID, err)
	}
	answers, err := decodeAnswers(raw)
	if err != nil {
		return nil, fmt.Errorf("store: answers of response %d: %w", responseID, err)
	}
	return answers, nil
}

// decodeAnswers decodes a jsonb object of answers by question id; NULL (no
// answers) gives an empty map.
func decodeAnswers(raw []byte) (map[string]survey.Answer, error) {
	answers := make(map[string]survey.Answer)
	if raw == nil {
		return answers, nil
	}
	if err := json.Unmarshal(raw, &answers); err != nil {
		return nil, fmt.Errorf("decode answers: %w", err)
	}
	return answers, nil
}

// isUniqueViolation reports whether err is a unique violation of constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}
