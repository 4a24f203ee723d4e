package export

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// valueKind is the type of a cell.
type valueKind uint8

const (
	empty   valueKind = iota // nothing: not asked
	text                     // text (also codes and labels)
	typed                    // text the citizen typed (guarded against formulas in Excel CSV)
	number                   // a number
	integer                  // a whole number
	instant                  // a time
	day                      // a date, text YYYY-MM-DD
)

// value is one cell of a row, typed, so that the XLSX gets numbers and times
// and the CSV the same text in every format.
type value struct {
	kind valueKind
	text string
	num  float64
	int  int64
	time time.Time
}

// state is what became of one question in one response.
type state uint8

const (
	notAsked state = iota
	answered
	skipped
)

// load takes in the answers of a response, by question: an answer to a
// question the export leaves out is ignored.
func (l *layout) load(r *store.ExportResponse) {
	clear(l.answers)
	for i := range r.Answers {
		if q := l.byID[r.Answers[i].Question]; q != nil {
			l.answers[q.index] = &r.Answers[i]
		}
	}
}

// answerOf returns the answer of q in the response loaded and what became of
// the question. An answer is stored only for a question shown: the survey
// engine deletes the answers of questions that a changed answer hides, in
// the same statement (store.Step.Cleared).
func (l *layout) answerOf(q *question) (*survey.Answer, state) {
	a := l.answers[q.index]
	switch {
	case a == nil:
		return nil, notAsked
	case a.Skipped:
		return a, skipped
	}
	return a, answered
}

// fill writes the wide row of r, loaded, into row (one value per column).
func (l *layout) fill(r *store.ExportResponse, row []value) {
	for i := range row {
		c := &l.columns[i]
		if c.kind >= colAnswer {
			continue
		}
		row[i] = l.meta(c.kind, r)
	}
	for _, q := range l.questions {
		a, st := l.answerOf(q)
		for i := q.first; i < q.first+q.ncols; i++ {
			row[i] = l.cell(&l.columns[i], a, st)
		}
	}
}

// meta returns a metadata cell.
func (l *layout) meta(k kind, r *store.ExportResponse) value {
	switch k {
	case colResponseID:
		return value{kind: integer, int: r.ID}
	case colRespondent:
		return value{kind: text, text: l.respondent(r.ID, r.CitizenID)}
	case colVersion:
		return value{kind: integer, int: int64(r.Version)}
	case colLanguage:
		return value{kind: text, text: r.Lang}
	case colStarted:
		return value{kind: instant, time: l.when(r, r.StartedAt)}
	case colSubmitted:
		if r.CompletedAt.IsZero() {
			return value{}
		}
		return value{kind: instant, time: l.when(r, r.CompletedAt)}
	case colDuration:
		if r.CompletedAt.IsZero() {
			return value{}
		}
		d := r.CompletedAt.Sub(r.StartedAt)
		if r.CitizenID == 0 {
			d = d.Round(time.Minute)
		}
		return value{kind: integer, int: int64(d / time.Second)}
	case colSource:
		return value{kind: text, text: r.Source}
	case colStatus:
		if r.Completed {
			return value{kind: text, text: "completed"}
		}
		return value{kind: text, text: "draft"}
	case colStoppedAt:
		if r.Completed || r.Current == "" {
			return value{}
		}
		return value{kind: text, text: r.Current}
	}
	return value{}
}

// cell returns the value of an answer column.
func (l *layout) cell(c *column, a *survey.Answer, st state) value {
	switch {
	case st == notAsked:
		return value{}
	case st == skipped:
		if c.kind == colOption || c.kind == colOther {
			return value{}
		}
		return value{kind: text, text: Skipped}
	}
	switch c.kind {
	case colOption:
		if a.Choice == c.option || slices.Contains(a.Choices, c.option) {
			return value{kind: integer, int: 1}
		}
		return value{kind: integer}
	case colOther:
		if a.Other == "" {
			return value{}
		}
		return value{kind: typed, text: a.Other}
	case colLat:
		if a.Lat == nil {
			return value{}
		}
		return value{kind: number, num: *a.Lat}
	case colLon:
		if a.Lon == nil {
			return value{}
		}
		return value{kind: number, num: *a.Lon}
	}
	return l.main(c.q, a)
}

// main returns the main value of an answer, from whichever field is set (so
// an answer given to an older version of a question of another type still
// shows): option ids (labels with Options.Labels; several joined with ";",
// labels with "; "), a number, a date YYYY-MM-DD, a typed text, a phone
// number, or a location as "lat,lon".
func (l *layout) main(q *question, a *survey.Answer) value {
	switch {
	case len(a.Choices) > 0:
		sep := ";"
		if l.o.Labels {
			sep = "; "
		}
		var b strings.Builder
		for i, id := range a.Choices {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(l.option(q, id))
		}
		return value{kind: text, text: b.String()}
	case a.Choice != "":
		return value{kind: text, text: l.option(q, a.Choice)}
	case a.Number != nil:
		return value{kind: number, num: *a.Number}
	case a.Date != "":
		return value{kind: day, text: a.Date}
	case a.Text != "":
		return value{kind: typed, text: a.Text}
	case a.Phone != "":
		return value{kind: text, text: a.Phone}
	case a.Lat != nil && a.Lon != nil:
		return value{kind: text, text: formatNumber(*a.Lat) + "," + formatNumber(*a.Lon)}
	}
	return value{}
}

// option returns an option's id, or its label with Options.Labels.
func (l *layout) option(q *question, id string) string {
	if !l.o.Labels {
		return id
	}
	return q.choiceLabel(id, l.lang, l.fallback)
}

// formatNumber writes a number the way every reader parses it: a point, no
// exponent, no trailing zeros.
func formatNumber(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// Time layouts of the CSV files.
const (
	timeLayout      = "2006-01-02T15:04:05Z07:00" // RFC 3339 with the survey's offset
	excelTimeLayout = "2006-01-02 15:04:05"       // what Excel reads as a date and time
)

// csvText returns the CSV text of a cell.
func (l *layout) csvText(v value) string {
	switch v.kind {
	case text, day:
		return v.text
	case typed:
		if l.o.Excel && formulaLike(v.text) {
			return "'" + v.text
		}
		return v.text
	case number:
		return formatNumber(v.num)
	case integer:
		return strconv.FormatInt(v.int, 10)
	case instant:
		if l.o.Excel {
			return v.time.In(l.loc).Format(excelTimeLayout)
		}
		return v.time.In(l.loc).Format(timeLayout)
	}
	return ""
}

// formulaLike reports whether Excel would take a text for a formula.
func formulaLike(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// when is a time of response r as exported. An anonymous response's times
// are cut to the day (in the survey's time zone), as in the analytics views:
// exact times would let an analyst match it with a named response of the same
// citizen completed just before or after.
func (l *layout) when(r *store.ExportResponse, t time.Time) time.Time {
	if r.CitizenID != 0 || t.IsZero() {
		return t
	}
	y, m, d := t.In(l.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, l.loc)
}

// SafeCell returns s as a spreadsheet cell that Excel shows as text: one
// that starts like a formula gets a leading apostrophe.
func SafeCell(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}
