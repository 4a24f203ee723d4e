// Package report turns the counts of a survey's completed responses into
// what may be shown outside a raw admin export: per-question tables
// (Summary), Telegram messages (Text), bar charts (Chart) and a
// self-contained HTML page (HTML).
//
// Everything here is safe to show to organisers, decision-makers and
// citizens, so the package must never let out what could point at a person:
//   - questions marked sensitive, every phone and location question, and the
//     follow-ups shown depending on their answers, are left out entirely (not
//     even their number of answers);
//   - free answers (text, dates, numbers) are never shown, only how many there
//     are, and for numbers the median once enough people answered;
//   - small counts are hidden (see Build for the rule), and a hidden count is
//     not kept in the Summary, so no caller can show it by mistake.
//
// It reads nothing itself but through Load, and writes nothing but to the
// io.Writer it is given.
package report

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// DefaultThreshold is the smallest count shown when Options.Threshold is not
// set: counts of 0 to 4 read "<5".
const DefaultThreshold = 5

// Options tunes a Summary.
type Options struct {
	// Threshold is the smallest count shown; 0 or less means DefaultThreshold.
	Threshold int
}

// Hiding says whether a count is shown and, if not, why.
type Hiding int

const (
	// Shown means the count and its percentage are shown.
	Shown Hiding = iota
	// Small means the count is below the threshold and reads "<5".
	Small
	// Complement means the count is not small but is hidden so that the one Small
	// count of its question cannot be worked out by subtracting the others
	// from the total.
	Complement
)

// Cell is one count as it may be shown. A hidden cell has Count and
// Percent 0: the real number never leaves Build.
type Cell struct {
	Count   int
	Percent float64 // of the question's Answered, 0–100; for multi the shares add up to more than 100
	Hidden  Hiding
}

// Row is one option of a choice question with its count.
type Row struct {
	Option string      // option id; a scale point's number
	Label  survey.Text // per language; the id itself for options no longer in the definition
	Cell
}

// QuestionSummary is what may be shown of the answers to one question.
type QuestionSummary struct {
	ID          string
	Type        survey.Type
	Text        survey.Text
	DefaultLang string // the survey's default language, where Text and labels fall back to
	Threshold   int    // the threshold the cells were hidden with
	Optional    bool   // citizens could skip it
	Answered    int    // completed responses that answered (always shown)
	Skipped     Cell   // completed responses that skipped it; hidden when small
	// Median of a number question's answers; nil for other types and when
	// fewer than Threshold people answered.
	Median *float64
	// Rows are the options of a single, multi, yesno, region or scale
	// question in definition order (options no longer in the definition
	// after them); nil for the other types.
	Rows []Row
}

// Summary is what may be shown of a survey's results: its questions that are
// not sensitive, with small counts hidden.
type Summary struct {
	SurveyID    string
	Version     int // the definition version whose questions and labels are used
	Title       survey.Text
	DefaultLang string
	Responses   int       // completed responses, of every version
	At          time.Time // when the counts were taken
	TimeZone    string    // the survey's IANA time zone, for showing At
	Threshold   int
	Questions   []QuestionSummary // in definition order
}

// Load reads the counts of a survey's completed responses and builds its
// Summary. Errors of the store (store.ErrNotFound for an unknown survey)
// are returned wrapped.
func Load(ctx context.Context, st *store.Store, surveyID string, opts Options) (Summary, error) {
	counts, err := st.Summary(ctx, surveyID)
	if err != nil {
		return Summary{}, err
	}
	return Build(counts, opts), nil
}

// Reportable reports whether a question may appear in a summary: it takes an
// answer, is not marked sensitive, and is not a phone or location question.
func Reportable(q *survey.Question) bool {
	switch q.Type {
	case survey.Note, survey.Phone, survey.Location:
		return false
	}
	return !q.Sensitive
}

// Build makes the Summary of counts. It leaves out the questions that are not
// Reportable and those whose show_if refers to one of them (directly or
// through another such question): who was asked a follow-up tells how the
// sensitive question was answered. It hides small counts by this rule, per
// question:
//
//  1. every option count below the threshold is hidden as Small ("<5"),
//     zeros included, and its percentage is not shown;
//  2. when exactly one count of a question is Small (and it has other
//     options), the smallest of the other counts is hidden too, as
//     Complement, so the Small one cannot be recovered by subtracting the
//     shown counts from the total (ties go to the option listed first). The
//     rule is applied to multi questions too, although their counts need not
//     add up to the total;
//  3. the number of people who answered stays shown; the number who skipped
//     is hidden when below the threshold;
//  4. the median of a number question is shown only when at least
//     threshold people answered; minimum and maximum are never shown, as
//     they are one person's answer.
func Build(counts *store.SurveyCounts, opts Options) Summary {
	threshold := opts.Threshold
	if threshold < 1 {
		threshold = DefaultThreshold
	}
	def := counts.Survey
	lang := ""
	if len(def.Languages) > 0 {
		lang = def.Languages[0]
	}
	s := Summary{
		SurveyID:    def.ID,
		Version:     def.Version,
		Title:       def.Title,
		DefaultLang: lang,
		Responses:   counts.Responses,
		At:          counts.At,
		TimeZone:    def.TimeZone,
		Threshold:   threshold,
	}
	left := leftOut(def)
	for _, c := range counts.Questions {
		q, _ := def.Question(c.QuestionID)
		if q == nil || left[q.ID] {
			continue
		}
		qs := QuestionSummary{
			ID:          q.ID,
			Type:        q.Type,
			Text:        q.Text,
			DefaultLang: lang,
			Threshold:   threshold,
			Optional:    q.Optional,
			Answered:    c.Answered,
			Skipped:     Cell{Count: c.Skipped},
		}
		if c.Skipped < threshold {
			qs.Skipped = Cell{Hidden: Small}
		}
		if q.Type == survey.Number && c.Median != nil && c.Answered >= threshold {
			m := *c.Median
			qs.Median = &m
		}
		if choices := q.Choices(); len(choices) > 0 {
			qs.Rows = rows(q, choices, c.Options, c.Answered, threshold)
		}
		s.Questions = append(s.Questions, qs)
	}
	return s
}

// leftOut returns the ids of the questions a summary leaves out: those not
// Reportable and those shown depending on one of them.
func leftOut(def *survey.Survey) map[string]bool {
	out := make(map[string]bool)
	for changed := true; changed; {
		changed = false
		for i := range def.Questions {
			q := &def.Questions[i]
			if !out[q.ID] && (!Reportable(q) || refersTo(q.ShowIf, out)) {
				out[q.ID] = true
				changed = true
			}
		}
	}
	return out
}

// refersTo reports whether condition c looks at the answer of any of ids.
func refersTo(c *survey.Condition, ids map[string]bool) bool {
	if c == nil {
		return false
	}
	if c.Question != "" && ids[c.Question] {
		return true
	}
	for i := range c.All {
		if refersTo(&c.All[i], ids) {
			return true
		}
	}
	for i := range c.Any {
		if refersTo(&c.Any[i], ids) {
			return true
		}
	}
	return refersTo(c.Not, ids)
}

// rows counts each option, adds the ids counted that the definition no longer
// has, and hides the small counts.
func rows(q *survey.Question, choices []survey.Option, options map[string]int, answered, threshold int) []Row {
	out := make([]Row, 0, len(choices))
	known := make(map[string]bool, len(choices))
	for _, o := range choices {
		known[o.ID] = true
		out = append(out, Row{Option: o.ID, Label: label(q, o), Cell: Cell{Count: options[o.ID]}})
	}
	var gone []string
	for id := range options {
		if !known[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		out = append(out, Row{Option: id, Label: survey.Text{"uk": id, "en": id}, Cell: Cell{Count: options[id]}})
	}

	small := -1
	smalls := 0
	for i := range out {
		if out[i].Count < threshold {
			out[i].Hidden = Small
			small = i
			smalls++
		}
	}
	if smalls == 1 && len(out) > 1 {
		next := -1
		for i := range out {
			if i != small && (next < 0 || out[i].Count < out[next].Count) {
				next = i
			}
		}
		out[next].Hidden = Complement
	}
	for i := range out {
		if out[i].Hidden != Shown {
			out[i].Count = 0
			continue
		}
		if answered > 0 {
			out[i].Percent = 100 * float64(out[i].Count) / float64(answered)
		}
	}
	return out
}

// label is an option's label; the end points of a scale carry their end
// labels ("1 (Not at all)").
func label(q *survey.Question, o survey.Option) survey.Text {
	if q.Type != survey.Scale {
		return o.Label
	}
	var end survey.Text
	switch o.ID {
	case strconv.Itoa(q.ScaleMin):
		end = q.ScaleMinLabel
	case strconv.Itoa(q.ScaleMax):
		end = q.ScaleMaxLabel
	}
	if len(end) == 0 {
		return o.Label
	}
	out := make(survey.Text, len(end))
	for l, s := range end {
		out[l] = o.ID + " (" + s + ")"
	}
	return out
}
