package survey

import (
	"slices"
	"strconv"
)

// Visible reports whether q is shown to a citizen with these answers: it has
// no show_if, or its show_if holds.
//
// A show_if looks only at earlier questions that are themselves visible: the
// answer of a hidden question counts as no answer, whatever the map holds. A
// skipped question counts as not answered. On a question without an answer:
//
//   - equals, not_equals, one_of, less_than and greater_than are false
//     (not_equals means "answered, with another value");
//   - answered: false is true, answered: true is false;
//   - not: {…} is the negation, so not: {question: q, equals: x} is true when
//     q has no answer ("anything but x, or nothing").
//
// equals and one_of compare option ids (single, yesno, region), membership
// (multi: one of the chosen options), numbers (scale, number), dates
// (YYYY-MM-DD) or the exact text (text). less_than and greater_than compare
// numbers and dates.
func Visible(def *Survey, answers map[string]Answer, q *Question) bool {
	if def == nil || q == nil {
		return false
	}
	if q.ShowIf == nil {
		return true
	}
	for i := range def.Questions {
		if &def.Questions[i] == q {
			return visibility(def, answers)[i]
		}
	}
	if _, i := def.Question(q.ID); i >= 0 {
		return visibility(def, answers)[i]
	}
	// A question from elsewhere: judge it after all of def's questions.
	return holds(def, answers, visibility(def, answers), len(def.Questions), q.ShowIf, 0)
}

// visibility returns, for each question of def, whether it is shown. One pass
// in order is enough: a condition only looks at earlier questions.
func visibility(def *Survey, answers map[string]Answer) []bool {
	vis := make([]bool, len(def.Questions))
	for i := range def.Questions {
		c := def.Questions[i].ShowIf
		vis[i] = c == nil || holds(def, answers, vis, i, c, 0)
	}
	return vis
}

// maxConditionEval bounds the nesting followed when evaluating a condition
// (a definition built in code could nest, or even loop, without limit).
const maxConditionEval = 32

// holds evaluates c for the question at index i, given the visibility of the
// questions before it.
func holds(def *Survey, answers map[string]Answer, vis []bool, i int, c *Condition, depth int) bool {
	if depth > maxConditionEval {
		return false
	}
	switch {
	case c.Not != nil:
		return !holds(def, answers, vis, i, c.Not, depth+1)
	case c.All != nil:
		for k := range c.All {
			if !holds(def, answers, vis, i, &c.All[k], depth+1) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for k := range c.Any {
			if holds(def, answers, vis, i, &c.Any[k], depth+1) {
				return true
			}
		}
		return false
	}
	ref, j := def.Question(c.Question)
	a, ok := answers[c.Question]
	answered := j >= 0 && j < i && vis[j] && ok && !a.Skipped
	if c.Op == OpAnswered {
		return answered == (c.Value != "false")
	}
	if !answered {
		return false
	}
	switch c.Op {
	case OpEquals:
		return matches(ref, a, c.Value)
	case OpNotEquals:
		return !matches(ref, a, c.Value)
	case OpOneOf:
		return slices.ContainsFunc(c.Values, func(v string) bool { return matches(ref, a, v) })
	case OpLess:
		cmp, ok := compare(ref, a, c.Value)
		return ok && cmp < 0
	case OpGreater:
		cmp, ok := compare(ref, a, c.Value)
		return ok && cmp > 0
	}
	return false
}

// matches reports whether answer a to ref equals v.
func matches(ref *Question, a Answer, v string) bool {
	switch ref.Type {
	case Single, YesNo, Region:
		return a.Choice == v
	case Multi:
		return slices.Contains(a.Choices, v)
	case Scale, Number:
		cmp, ok := compare(ref, a, v)
		return ok && cmp == 0
	case Date:
		cmp, ok := compare(ref, a, v)
		return ok && cmp == 0
	case FreeText:
		return a.Text == v
	}
	return false
}

// compare compares answer a to ref with v: -1, 0 or +1, and whether they are comparable.
func compare(ref *Question, a Answer, v string) (int, bool) {
	switch ref.Type {
	case Scale, Number:
		if a.Number == nil {
			return 0, false
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			var ok bool
			if x, ok = parseNumber(v); !ok {
				return 0, false
			}
		}
		switch n := *a.Number; {
		case n < x:
			return -1, true
		case n > x:
			return 1, true
		case n == x:
			return 0, true
		}
	case Date:
		if a.Date == "" {
			return 0, false
		}
		if len(v) != 10 || v[4] != '-' {
			var ok bool
			if v, ok = parseDate(v); !ok {
				return 0, false
			}
		}
		switch {
		case a.Date < v:
			return -1, true
		case a.Date > v:
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
