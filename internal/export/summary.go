package export

import (
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/survey"
)

// summary counts, while the responses stream past, what the summary sheet
// shows: per question how many answered, skipped or were not asked, and per
// option of a choice question how many chose it.
type summary struct {
	responses int
	questions []*questionCount
}

// questionCount is the count of one question.
type questionCount struct {
	q                 *question
	answered, skipped int
	chosen            map[string]int // by option id; nil for questions without options
	extra             []string       // ids chosen that are not among q.choices, in order seen
}

// summarised reports whether a question gets counts in the summary: never a
// phone, a location or a sensitive question (not even for an admin), never
// a note.
func summarised(q *question) bool {
	return q.Type != survey.Note && !personal(q)
}

// newSummary prepares the counts of l's questions.
func newSummary(l *layout) *summary {
	s := &summary{}
	for _, q := range l.questions {
		if !summarised(q) {
			continue
		}
		c := &questionCount{q: q}
		if len(q.choices) > 0 {
			c.chosen = make(map[string]int, len(q.choices))
		}
		s.questions = append(s.questions, c)
	}
	return s
}

// add counts the response loaded in l.
func (s *summary) add(l *layout) {
	s.responses++
	for _, c := range s.questions {
		a, st := l.answerOf(c.q)
		switch st {
		case skipped:
			c.skipped++
			continue
		case notAsked:
			continue
		}
		c.answered++
		if c.chosen == nil {
			continue
		}
		switch {
		case len(a.Choices) > 0:
			for _, id := range a.Choices {
				c.choose(id)
			}
		case a.Choice != "":
			c.choose(a.Choice)
		case a.Number != nil: // scale
			c.choose(strconv.FormatFloat(*a.Number, 'f', -1, 64))
		}
	}
}

func (c *questionCount) choose(id string) {
	if _, ok := c.chosen[id]; !ok && !c.known(id) {
		c.extra = append(c.extra, id)
	}
	c.chosen[id]++
}

// known reports whether id is one of the question's options.
func (c *questionCount) known(id string) bool {
	for _, o := range c.q.choices {
		if o.ID == id {
			return true
		}
	}
	return false
}

// summary writes the summary sheet: the number of responses; per question
// how many answered, skipped and were not asked (of all responses); per
// option how many chose it (of those who answered the question; a multi
// question's percentages add up to more than 100%).
func (b *workbook) summary(s *summary) error {
	l := b.l
	pct := func(n, of int) any {
		if of == 0 {
			return nil
		}
		return excelize.Cell{StyleID: b.pct, Value: float64(n) / float64(of)}
	}
	rows := [][]any{{"_responses", "", "", s.responses, nil}}
	for _, c := range s.questions {
		q := c.q
		text := q.Text.In(l.lang, l.fallback)
		notAsked := s.responses - c.answered - c.skipped
		rows = append(rows,
			[]any{q.ID, "_answered", text, c.answered, pct(c.answered, s.responses)},
			[]any{q.ID, "_skipped", "", c.skipped, pct(c.skipped, s.responses)},
			[]any{q.ID, "_not_asked", "", notAsked, pct(notAsked, s.responses)},
		)
		if c.chosen == nil {
			continue
		}
		for _, o := range q.choices {
			rows = append(rows, []any{q.ID, o.ID, optionLabel(q, o).In(l.lang, l.fallback), c.chosen[o.ID], pct(c.chosen[o.ID], c.answered)})
		}
		for _, id := range c.extra {
			rows = append(rows, []any{q.ID, id, id, c.chosen[id], pct(c.chosen[id], c.answered)})
		}
	}
	sw, err := b.stream(sheetSummary, []string{"question", "option", "label", "count", "percent"}, len(rows))
	if err != nil {
		return err
	}
	return setRows(sw, rows)
}
