package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/hromada/hromada/internal/survey"
)

// SurveyVersions returns every stored version of a survey, oldest first, each
// with its Version set, or ErrNotFound when the survey was never saved.
func (s *Store) SurveyVersions(ctx context.Context, surveyID string) ([]*survey.Survey, error) {
	const q = `SELECT version, definition FROM survey_versions WHERE survey_id = $1 ORDER BY version`
	rows, err := s.pool.Query(ctx, q, surveyID)
	if err != nil {
		return nil, fmt.Errorf("store: versions of survey %q: %w", surveyID, err)
	}
	var defs []*survey.Survey
	var (
		version    int
		definition []byte
	)
	_, err = pgx.ForEachRow(rows, []any{&version, &definition}, func() error {
		def, err := decodeSurvey(surveyID, version, definition)
		if err != nil {
			return err
		}
		defs = append(defs, def)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: versions of survey %q: %w", surveyID, err)
	}
	if len(defs) == 0 {
		return nil, fmt.Errorf("store: versions of survey %q: %w", surveyID, ErrNotFound)
	}
	return defs, nil
}

// ExportFilter chooses the responses of an export.
type ExportFilter struct {
	SurveyID string
	// Partial includes drafts (responses not completed); by default only
	// completed responses are read.
	Partial bool
	// Since and Until bound the time of a response: when it was completed, or
	// for a draft when it was started. Since is inclusive, Until exclusive;
	// nil means no bound.
	Since, Until *time.Time
	// AnswerTimes fills each answer's At with answers.answered_at. It costs
	// Postgres a tenth more time; only an export by answer needs it.
	AnswerTimes bool
	// Count sets ExportResponse.Total: the responses are counted first, in
	// the same snapshot as they are read (a spreadsheet states its size
	// before its rows).
	Count bool
}

// ExportResponse is one response with its answers, as ExportResponses reads
// it. It holds no Telegram id: CitizenID is the internal citizens.id.
type ExportResponse struct {
	ID        int64
	CitizenID int64 // 0 for an anonymous response
	Version   int   // survey version answered
	Lang      string
	Source    string
	Completed bool
	// Current is the question being asked when a draft stopped ("" when
	// completed, or when the draft was at the review).
	Current     string
	StartedAt   time.Time
	CompletedAt time.Time // zero for a draft
	// Answers, one per question answered or skipped, in no set order; each
	// answer's At is answers.answered_at with ExportFilter.AnswerTimes, zero
	// without.
	Answers []survey.Answer
	// Total is the number of responses of the whole export with
	// ExportFilter.Count, 0 without.
	Total int
}

// exportResponses reads the chosen responses, one row per response in id
// order, with its answers as their JSON texts joined with commas and, when
// $5 is true, their times in the same order (one aggregate's input order is
// the other's); NULL for a response without answers. Each response's answers
// come from the answers primary key, so an export reads the answers of its
// own survey only, and Postgres streams the rows while the caller writes the
// previous ones. One row per response rather than one per answer halves
// Postgres's work (docs/export.md).
const exportResponses = `
SELECT r.id, coalesce(r.citizen_id, 0), r.survey_version, r.language, r.source,
       r.status = 'completed', coalesce(r.current_question, ''), r.started_at, r.completed_at,
       a.answers, a.times
FROM responses r
LEFT JOIN LATERAL (
    SELECT string_agg(value::text, ',') AS answers,
           CASE WHEN $5::boolean THEN array_agg(answered_at) END AS times
    FROM answers
    WHERE response_id = r.id
) a ON true
WHERE ` + exportWhere + `
ORDER BY r.id`

// exportWhere chooses the responses of an export.
const exportWhere = `r.survey_id = $1
  AND ($2::boolean OR r.status = 'completed')
  AND ($3::timestamptz IS NULL OR coalesce(r.completed_at, r.started_at) >= $3)
  AND ($4::timestamptz IS NULL OR coalesce(r.completed_at, r.started_at) < $4)`

// ExportResponses calls fn once per response chosen by f, in response id
// order, with the response and all its answers. It reads one query's rows as
// they come, so memory stays that of one response however many there are.
// The *ExportResponse (and its Answers) is reused: it is valid only during
// the call. An error from fn stops the reading and is returned wrapped. No
// survey, or no matching response, is not an error: fn is never called.
//
// It is the hot path of an export (a million answers for 100,000
// responses), so it decodes the answers' JSON with answerDecoder rather
// than encoding/json, straight from the row's buffer.
func (s *Store) ExportResponses(ctx context.Context, f ExportFilter, fn func(*ExportResponse) error) (err error) {
	// Closing rows that were not read to the end reads (and drops) the rest
	// of the result; cancelling first stops the query instead.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// One read-only snapshot for the count and the rows.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("store: export responses of survey %q: %w", f.SurveyID, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // read only: nothing to commit
	// JIT compiling the per-response subquery costs more than it saves: a
	// third of the query's time on 100,000 responses.
	if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
		return fmt.Errorf("store: export responses of survey %q: %w", f.SurveyID, err)
	}
	// The statements are planned for their arguments every time
	// (QueryExecModeCacheDescribe): a generic plan of these ORs hashes and
	// sorts every answer before it sends the first row.
	args := []any{pgx.QueryExecModeCacheDescribe, f.SurveyID, f.Partial, f.Since, f.Until}
	var total int
	if f.Count {
		const count = `SELECT count(*) FROM responses r WHERE ` + exportWhere
		if err := tx.QueryRow(ctx, count, args...).Scan(&total); err != nil {
			return fmt.Errorf("store: count responses of survey %q: %w", f.SurveyID, err)
		}
	}
	rows, err := tx.Query(ctx, exportResponses, append(args, f.AnswerTimes)...)
	if err != nil {
		return fmt.Errorf("store: export responses of survey %q: %w", f.SurveyID, err)
	}
	defer func() {
		if err != nil {
			cancel()
		}
		rows.Close()
	}()
	fail := func(err error) error {
		return fmt.Errorf("store: export responses of survey %q: %w", f.SurveyID, err)
	}

	var (
		cur       = ExportResponse{Total: total}
		completed *time.Time
		times     []pgtype.Timestamptz
		dec       = answerDecoder{names: make(map[string]string)}
	)
	// Every column but the answers' JSON, scanned with plans made once.
	const answers = 9
	dest := []any{&cur.ID, &cur.CitizenID, &cur.Version, &cur.Lang, &cur.Source,
		&cur.Completed, &cur.Current, &cur.StartedAt, &completed, nil, &times}
	fields := rows.FieldDescriptions()
	types := rows.Conn().TypeMap()
	plans := make([]pgtype.ScanPlan, len(dest))
	for i := range dest {
		if i != answers {
			plans[i] = types.PlanScan(fields[i].DataTypeOID, fields[i].Format, dest[i])
		}
	}
	for rows.Next() {
		raw := rows.RawValues()
		for i, plan := range plans {
			if plan == nil {
				continue
			}
			if err := plan.Scan(raw[i], dest[i]); err != nil {
				return fail(fmt.Errorf("column %s: %w", fields[i].Name, err))
			}
		}
		cur.CompletedAt = time.Time{}
		if completed != nil {
			cur.CompletedAt = *completed
		}
		clear(cur.Answers) // drop the strings of the previous response
		cur.Answers = cur.Answers[:0]
		if raw[answers] != nil {
			if cur.Answers, err = dec.list(raw[answers], cur.Answers); err != nil {
				return fail(fmt.Errorf("answers of response %d: %w", cur.ID, err))
			}
			if times != nil && len(times) != len(cur.Answers) {
				return fail(fmt.Errorf("response %d: %d answers, %d times", cur.ID, len(cur.Answers), len(times)))
			}
			for i, t := range times {
				cur.Answers[i].At = t.Time
			}
		}
		if err := fn(&cur); err != nil {
			return fail(err)
		}
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	return nil
}

// answerDecoder decodes the JSON of answers.value as Postgres prints jsonb
// (a flat object of strings, numbers, booleans and one array of strings)
// several times faster than encoding/json, which it falls back to for
// anything else (an unknown key, an escaped id, null). Question and option ids
// repeat in every response, so it keeps one copy of each. It leaves At
// alone: the caller takes answers.answered_at.
type answerDecoder struct {
	names map[string]string // question and option ids seen
}

// maxNames bounds the ids kept: a survey has at most a few thousand.
const maxNames = 10_000

// errNotFlat makes list fall back to encoding/json.
var errNotFlat = errors.New("not a flat answer")

// list appends the answers of a comma-separated list of JSON objects to
// answers.
func (d *answerDecoder) list(data []byte, answers []survey.Answer) ([]survey.Answer, error) {
	n := len(answers)
	p := jsonParser{data: data}
	for {
		answers = append(answers, survey.Answer{})
		if err := d.object(&p, &answers[len(answers)-1]); err != nil {
			return d.slow(data, answers[:n])
		}
		if !p.consume(',') {
			break
		}
	}
	if p.end() != nil {
		return d.slow(data, answers[:n])
	}
	return answers, nil
}

// slow decodes the list with encoding/json.
func (d *answerDecoder) slow(data []byte, answers []survey.Answer) ([]survey.Answer, error) {
	var list []survey.Answer
	b := make([]byte, 0, len(data)+2)
	b = append(append(append(b, '['), data...), ']')
	if err := json.Unmarshal(b, &list); err != nil {
		return answers, err
	}
	for i := range list {
		list[i].At = time.Time{}
	}
	return append(answers, list...), nil
}

// object parses one answer object; errNotFlat (or a syntax error) when it
// cannot.
func (d *answerDecoder) object(p *jsonParser, a *survey.Answer) error {
	if !p.consume('{') {
		return errNotFlat
	}
	if p.consume('}') {
		return nil
	}
	for {
		key, ok := p.rawString()
		if !ok || !p.consume(':') {
			return errNotFlat
		}
		switch string(key) {
		case "q":
			a.Question, ok = d.name(p)
		case "choice":
			a.Choice, ok = d.name(p)
		case "choices":
			ok = p.consume('[')
			a.Choices = a.Choices[:0]
			for ok && !p.consume(']') {
				if len(a.Choices) > 0 && !p.consume(',') {
					return errNotFlat
				}
				var id string
				if id, ok = d.name(p); ok {
					a.Choices = append(a.Choices, id)
				}
			}
		case "other":
			a.Other, ok = p.str()
		case "text":
			a.Text, ok = p.str()
		case "date":
			a.Date, ok = p.str()
		case "phone":
			a.Phone, ok = p.str()
		case "number":
			a.Number, ok = p.number()
		case "lat":
			a.Lat, ok = p.number()
		case "lon":
			a.Lon, ok = p.number()
		case "skipped":
			a.Skipped, ok = p.boolean()
		case "at":
			_, ok = p.rawString()
		default:
			return errNotFlat
		}
		if !ok {
			return errNotFlat
		}
		if p.consume('}') {
			return nil
		}
		if !p.consume(',') {
			return errNotFlat
		}
	}
}

// name reads a string that is an id, keeping one copy of each.
func (d *answerDecoder) name(p *jsonParser) (string, bool) {
	raw, ok := p.rawString()
	if !ok {
		return "", false
	}
	if s, ok := d.names[string(raw)]; ok {
		return s, true
	}
	if bytes.IndexByte(raw, '\\') >= 0 {
		return "", false
	}
	s := string(raw)
	if len(d.names) < maxNames {
		d.names[s] = s
	}
	return s, true
}

// jsonParser reads the few JSON forms of an answer.
type jsonParser struct {
	data []byte
	i    int
}

func (p *jsonParser) space() {
	for p.i < len(p.data) && (p.data[p.i] == ' ' || p.data[p.i] == '\n' || p.data[p.i] == '\t' || p.data[p.i] == '\r') {
		p.i++
	}
}

// consume skips spaces and c, reporting whether c was there.
func (p *jsonParser) consume(c byte) bool {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports errNotFlat unless only spaces are left.
func (p *jsonParser) end() error {
	p.space()
	if p.i != len(p.data) {
		return errNotFlat
	}
	return nil
}

// rawString returns the bytes between the quotes of a string, escapes and
// all.
func (p *jsonParser) rawString() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case '"':
			p.i++
			return p.data[start : p.i-1], true
		case '\\':
			p.i++
		}
		p.i++
	}
	return nil, false
}

// str reads a string, unescaped.
func (p *jsonParser) str() (string, bool) {
	raw, ok := p.rawString()
	if !ok {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), true
	}
	return unescape(raw)
}

// unescape decodes the escapes of a JSON string's raw bytes.
func unescape(raw []byte) (string, bool) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(raw) {
			return "", false
		}
		switch raw[i] {
		case '"', '\\', '/':
			b = append(b, raw[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return "", false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok = hex4(raw[i+3:])
				}
				if d := utf16.DecodeRune(r, r2); ok && d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
	}
	return string(b), true
}

// hex4 reads the four hex digits of a \u escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}

// number reads a number.
func (p *jsonParser) number() (*float64, bool) {
	p.space()
	start := p.i
	for p.i < len(p.data) && strings.IndexByte("+-.0123456789eE", p.data[p.i]) >= 0 {
		p.i++
	}
	x, err := strconv.ParseFloat(string(p.data[start:p.i]), 64)
	if err != nil {
		return nil, false
	}
	return &x, true
}

// boolean reads true or false.
func (p *jsonParser) boolean() (bool, bool) {
	p.space()
	switch {
	case bytes.HasPrefix(p.data[p.i:], []byte("true")):
		p.i += 4
		return true, true
	case bytes.HasPrefix(p.data[p.i:], []byte("false")):
		p.i += 5
		return false, true
	}
	return false, false
}
