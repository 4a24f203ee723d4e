package survey

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxOtherLength is the longest text after choosing "Other", in characters.
const MaxOtherLength = 1000

// choose handles a single, yesno, region or scale question.
func (e *engine) choose(q *Question, i int) (Session, Result) {
	s, in := e.s, e.in
	other := q.Type == Single && len(q.Other) > 0
	switch in.Kind {
	case InChoose:
		if !hasChoice(q, in.Option) {
			return e.reject(ErrStale)
		}
		if in.Option == OtherOption && other {
			if s.AwaitOther {
				return e.unchanged()
			}
			n := e.next()
			n.AwaitOther = true
			return n, Result{}
		}
		a := Answer{Question: q.ID, Choice: in.Option, At: in.At}
		if q.Type == Scale {
			x, _ := strconv.ParseFloat(in.Option, 64)
			a = Answer{Question: q.ID, Number: &x, At: in.At}
		}
		return e.save(i, a)
	case InText:
		if !s.AwaitOther || !other {
			return e.reject(ErrNeedButton)
		}
		text, p, limit := checkText(in.Text, 1, MaxOtherLength)
		if p != NoProblem {
			return e.rejectLimit(p, limit)
		}
		return e.save(i, Answer{Question: q.ID, Choice: OtherOption, Other: text, At: in.At})
	case InContact, InLocation:
		return e.reject(ErrNeedButton)
	}
	return e.reject(ErrStale)
}

// multi handles a multi question: toggles build the selection, Done saves it
// (after asking the "Other" text when "other" is among it).
func (e *engine) multi(q *Question, i int) (Session, Result) {
	s, in := e.s, e.in
	switch in.Kind {
	case InToggle:
		if !hasChoice(q, in.Option) {
			return e.reject(ErrStale)
		}
		sel := make([]string, 0, len(s.Selection)+1)
		removed := false
		for _, id := range s.Selection {
			if id == in.Option {
				removed = true
			} else {
				sel = append(sel, id)
			}
		}
		if !removed {
			if q.MaxChoices > 0 && len(sel) >= q.MaxChoices {
				return e.rejectLimit(ErrTooMany, strconv.Itoa(q.MaxChoices))
			}
			sel = append(sel, in.Option)
		}
		n := e.next()
		n.Selection = inChoiceOrder(q, sel)
		n.AwaitOther = false
		return n, Result{Toggled: true}
	case InDone:
		sel := inChoiceOrder(q, s.Selection)
		if len(sel) == 0 {
			if q.Optional {
				return e.save(i, Answer{Question: q.ID, Skipped: true, At: in.At})
			}
			return e.rejectLimit(ErrTooFew, strconv.Itoa(max(q.MinChoices, 1)))
		}
		if len(sel) < q.MinChoices {
			return e.rejectLimit(ErrTooFew, strconv.Itoa(q.MinChoices))
		}
		if slices.Contains(sel, OtherOption) {
			if s.AwaitOther {
				return e.unchanged()
			}
			n := e.next()
			n.Selection = sel
			n.AwaitOther = true
			return n, Result{}
		}
		return e.save(i, Answer{Question: q.ID, Choices: sel, At: in.At})
	case InText:
		sel := inChoiceOrder(q, s.Selection)
		if !s.AwaitOther || !slices.Contains(sel, OtherOption) {
			return e.reject(ErrNeedButton)
		}
		text, p, limit := checkText(in.Text, 1, MaxOtherLength)
		if p != NoProblem {
			return e.rejectLimit(p, limit)
		}
		return e.save(i, Answer{Question: q.ID, Choices: sel, Other: text, At: in.At})
	case InContact, InLocation:
		return e.reject(ErrNeedButton)
	}
	return e.reject(ErrStale)
}

// inChoiceOrder returns the valid ids of sel, once each, in the order of
// q.Choices(); nil when none.
func inChoiceOrder(q *Question, sel []string) []string {
	type pos struct {
		id string
		at int
	}
	ps := make([]pos, 0, len(sel))
	for _, id := range sel {
		if at := choiceIndex(q, id); at >= 0 && !slices.ContainsFunc(ps, func(p pos) bool { return p.id == id }) {
			ps = append(ps, pos{id, at})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b pos) int { return cmp.Compare(a.at, b.at) })
	out := make([]string, len(ps))
	for k, p := range ps {
		out[k] = p.id
	}
	return out
}

// number handles a typed number.
func (e *engine) number(q *Question, i int) (Session, Result) {
	x, ok := parseNumber(e.in.Text)
	if !ok {
		return e.reject(ErrNotNumber)
	}
	if q.Integer && x != math.Trunc(x) {
		return e.reject(ErrNotInteger)
	}
	if q.Min != nil && x < *q.Min {
		return e.rejectLimit(ErrTooSmall, formatNumber(*q.Min, e.s.Lang))
	}
	if q.Max != nil && x > *q.Max {
		return e.rejectLimit(ErrTooBig, formatNumber(*q.Max, e.s.Lang))
	}
	return e.save(i, Answer{Question: q.ID, Number: &x, At: e.in.At})
}

// date handles a typed date.
func (e *engine) date(q *Question, i int) (Session, Result) {
	d, ok := parseDate(e.in.Text)
	if !ok {
		return e.reject(ErrNotDate)
	}
	if q.MinDate != "" && d < q.MinDate {
		return e.rejectLimit(ErrTooSmall, q.MinDate)
	}
	if q.MaxDate != "" && d > q.MaxDate {
		return e.rejectLimit(ErrTooBig, q.MaxDate)
	}
	return e.save(i, Answer{Question: q.ID, Date: d, At: e.in.At})
}

// checkText trims a typed text and checks its length in characters (maxLen 0
// means MaxTextLength); an empty text is always too short. Bytes that are not
// UTF-8 (Telegram never sends them) become U+FFFD, so the answer survives JSON.
func checkText(text string, minLen, maxLen int) (string, Problem, string) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if maxLen <= 0 || maxLen > MaxTextLength {
		maxLen = MaxTextLength
	}
	n := utf8.RuneCountInString(text)
	if n < max(minLen, 1) {
		return "", ErrTooShort, strconv.Itoa(max(minLen, 1))
	}
	if n > maxLen {
		return "", ErrTooLong, strconv.Itoa(maxLen)
	}
	return text, NoProblem, ""
}
