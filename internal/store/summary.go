package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/survey"
)

// SurveyCounts is what Summary counted for one survey: raw counts, small
// ones included. It is for the report package, which hides small counts and
// sensitive questions before anything is shown; never show it as it is.
type SurveyCounts struct {
	Survey    *survey.Survey   // the latest version of the definition, Version set
	Responses int              // completed responses, of every version
	Questions []QuestionCounts // one per question of Survey that takes an answer (not notes), in definition order
	At        time.Time        // when the counts were taken (start of their snapshot)
}

// QuestionCounts is what the completed responses answered to one question.
type QuestionCounts struct {
	QuestionID string
	Answered   int // completed responses with an answer that is not a skip
	Skipped    int // completed responses that skipped the question
	// Options counts, for single, multi, yesno, region and scale questions,
	// the completed responses that chose each option id (a scale point's id
	// is its number; "other" is an option of its own). A multi answer counts
	// once for each option chosen. Ids no longer in the latest definition are
	// kept. Nil for the other types.
	Options map[string]int
	// Median is the median of a number question's answers (interpolated
	// between the two middle ones); nil for other types or when none.
	Median *float64
}

// summaryTotals counts answers and skips per question, and the median of
// number questions. $2 and $3 are the question ids and types of the latest
// definition; answers to questions no longer in it are left out.
const summaryTotals = `
SELECT a.question_id,
       count(*) FILTER (WHERE NOT a.value @> '{"skipped": true}'),
       count(*) FILTER (WHERE a.value @> '{"skipped": true}'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY
           CASE WHEN q.type = 'number' AND jsonb_typeof(a.value -> 'number') = 'number'
                THEN (a.value ->> 'number')::float8 END)
FROM answers a
JOIN responses r ON r.id = a.response_id
JOIN unnest($2::text[], $3::text[]) AS q (id, type) ON q.id = a.question_id
WHERE r.survey_id = $1 AND r.status = 'completed'
GROUP BY a.question_id`

// summaryOptions counts the responses that chose each option: the choice of
// single, yesno and region, each of the choices of multi, the number of
// scale (as the point's id, "3" whatever the JSON spelling).
const summaryOptions = `
SELECT a.question_id, o.option, count(DISTINCT a.response_id)
FROM answers a
JOIN responses r ON r.id = a.response_id
JOIN unnest($2::text[], $3::text[]) AS q (id, type) ON q.id = a.question_id
CROSS JOIN LATERAL (
    SELECT a.value ->> 'choice'
    WHERE q.type IN ('single', 'yesno', 'region')
    UNION ALL
    SELECT c FROM jsonb_array_elements_text(
        CASE WHEN q.type = 'multi' AND jsonb_typeof(a.value -> 'choices') = 'array'
             THEN a.value -> 'choices' ELSE '[]' END) AS c
    UNION ALL
    SELECT trim_scale((a.value ->> 'number')::numeric)::text
    WHERE q.type = 'scale' AND jsonb_typeof(a.value -> 'number') = 'number'
) AS o (option)
WHERE r.survey_id = $1 AND r.status = 'completed' AND o.option IS NOT NULL
GROUP BY a.question_id, o.option`

// Summary counts the completed responses of a survey per question of its
// latest version: answers and skips, per option for choice questions, the
// median for number questions. Responses of every version are counted by
// question id and option id, so a new version (a label fixed) keeps the
// results; drafts are not counted. All counts come from one snapshot, so they
// agree with each other. ErrNotFound when the survey was never saved.
func (s *Store) Summary(ctx context.Context, surveyID string) (*SurveyCounts, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("store: summary of survey %q: %w", surveyID, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	const latest = `
SELECT version, definition, now(),
       (SELECT count(*) FROM responses WHERE survey_id = $1 AND status = 'completed')
FROM survey_versions WHERE survey_id = $1 ORDER BY version DESC LIMIT 1`
	var (
		sum        SurveyCounts
		version    int
		definition []byte
	)
	err = tx.QueryRow(ctx, latest, surveyID).Scan(&version, &definition, &sum.At, &sum.Responses)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: summary of survey %q: %w", surveyID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: summary of survey %q: %w", surveyID, err)
	}
	if sum.Survey, err = decodeSurvey(surveyID, version, definition); err != nil {
		return nil, err
	}

	var ids, types []string
	index := make(map[string]int)
	for _, q := range sum.Survey.Questions {
		if q.Type == survey.Note {
			continue
		}
		c := QuestionCounts{QuestionID: q.ID}
		if len(q.Choices()) > 0 {
			c.Options = make(map[string]int)
		}
		index[q.ID] = len(sum.Questions)
		sum.Questions = append(sum.Questions, c)
		ids, types = append(ids, q.ID), append(types, string(q.Type))
	}

	rows, _ := tx.Query(ctx, summaryTotals, surveyID, ids, types)
	var (
		question          string
		answered, skipped int
		median            *float64
	)
	_, err = pgx.ForEachRow(rows, []any{&question, &answered, &skipped, &median}, func() error {
		c := &sum.Questions[index[question]]
		c.Answered, c.Skipped = answered, skipped
		if median != nil {
			m := *median
			c.Median = &m
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: summary of survey %q: totals: %w", surveyID, err)
	}

	rows, _ = tx.Query(ctx, summaryOptions, surveyID, ids, types)
	var (
		option string
		n      int
	)
	_, err = pgx.ForEachRow(rows, []any{&question, &option, &n}, func() error {
		c := &sum.Questions[index[question]]
		if c.Options != nil {
			c.Options[option] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: summary of survey %q: options: %w", surveyID, err)
	}
	return &sum, nil
}
