package dialogue

import (
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/survey"
)

// maxText keeps every message under Telegram's 4096 characters, with room
// for the progress line and a problem line.
const maxText = 3900

func esc(s string) string { return html.EscapeString(s) }

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// show renders the session's current step, with prefix (HTML) above it.
func (t *talk) show(def *survey.Survey, s *survey.Session, prefix string) error {
	var body string
	var out Out
	switch s.Status {
	case survey.Reviewing:
		t.review(def, s, prefix)
		return nil
	case survey.Cancelling:
		body = esc(t.T("cancel_confirm"))
		out.Buttons = [][]Button{{
			{Text: t.T("btn_cancel_yes"), Data: t.act(def, s, opDiscard, 0)},
			{Text: t.T("btn_cancel_no"), Data: t.act(def, s, opKeep, 0)},
		}}
	case survey.Asking:
		body, out = t.question(def, s)
	default: // completed and cancelled sessions are never kept
		return nil
	}
	switch {
	case prefix == "":
	case utf8.RuneCountInString(prefix)+utf8.RuneCountInString(body) > maxText:
		// A long intro and a long question do not fit one message.
		t.send(Out{Text: prefix})
	default:
		body = prefix + "\n\n" + body
	}
	out.Text = body
	t.send(out)
	return nil
}

// act encodes a survey action for the session's current step.
func (t *talk) act(def *survey.Survey, s *survey.Session, op byte, index int) string {
	return action{op: op, response: s.ResponseID, pos: position(def, s), index: index}.String()
}

// question renders the current question: progress, text, a hint, and the
// widget its type calls for.
func (t *talk) question(def *survey.Survey, s *survey.Session) (string, Out) {
	q, _ := def.Question(s.Current)
	lang := surveyLang(def, t.lang)
	fb := def.Languages[0]
	var b strings.Builder
	if n, total := survey.Progress(def, *s); q.Type != survey.Note && total > 0 {
		b.WriteString("<i>" + strconv.Itoa(n) + "/" + strconv.Itoa(total) + "</i>\n")
	}
	b.WriteString("<b>" + esc(clip(q.Text.In(lang, fb), maxText-200)) + "</b>")
	var hint string
	switch {
	case s.AwaitOther:
		hint = t.T("hint_other")
	case q.Type == survey.Single || q.Type == survey.YesNo || q.Type == survey.Region:
		hint = t.T("hint_choose")
	case q.Type == survey.Scale:
		lo, hi := q.ScaleMinLabel.In(lang, fb), q.ScaleMaxLabel.In(lang, fb)
		if lo != "" || hi != "" {
			b.WriteString("\n" + strconv.Itoa(q.ScaleMin) + " — " + esc(lo) + " … " + strconv.Itoa(q.ScaleMax) + " — " + esc(hi))
		}
		hint = t.T("hint_choose")
	case q.Type == survey.Multi:
		hint = t.T("hint_multi")
		if q.MinChoices > 0 || q.MaxChoices > 0 {
			lo, hi := max(q.MinChoices, 1), q.MaxChoices
			if hi == 0 {
				hi = len(q.Choices())
			}
			hint = t.g.d.Catalog.T(t.lang, "hint_multi_range", map[string]any{"Min": lo, "Max": hi})
		}
	case q.Type == survey.FreeText:
		hint = t.T("hint_text")
	case q.Type == survey.Number && q.Integer:
		hint = t.T("hint_integer")
	case q.Type == survey.Number:
		hint = t.T("hint_number")
	case q.Type == survey.Date:
		hint = t.T("hint_date")
	case q.Type == survey.Phone:
		hint = t.T("hint_phone")
	case q.Type == survey.Location:
		hint = t.T("hint_location")
	}
	if q.Optional && q.Type != survey.Note {
		hint = strings.TrimSpace(hint + " " + t.T("hint_optional"))
	}
	if hint != "" {
		b.WriteString("\n<i>" + esc(hint) + "</i>")
	}
	var out Out
	if (q.Type == survey.Phone || q.Type == survey.Location) && !s.AwaitOther {
		out.Keyboard = t.requestKeyboard(def, s, q)
	} else {
		out.Buttons = t.questionButtons(def, s)
	}
	return b.String(), out
}

// questionButtons are the inline buttons of the current question: options
// (with ✓ on a multi question's selection), then Back, Skip and Cancel.
func (t *talk) questionButtons(def *survey.Survey, s *survey.Session) [][]Button {
	q, _ := def.Question(s.Current)
	lang, fb := surveyLang(def, t.lang), def.Languages[0]
	var rows [][]Button
	if !s.AwaitOther {
		switch q.Type {
		case survey.Single, survey.YesNo, survey.Region, survey.Scale:
			var btns []Button
			for i, o := range q.Choices() {
				btns = append(btns, Button{Text: clip(o.Label.In(lang, fb), 60), Data: t.act(def, s, opChoose, i)})
			}
			rows = layout(btns, q.Type)
		case survey.Multi:
			chosen := map[string]bool{}
			for _, id := range s.Selection {
				chosen[id] = true
			}
			var btns []Button
			for i, o := range q.Choices() {
				label := o.Label.In(lang, fb)
				if chosen[o.ID] {
					label = "✅ " + label
				}
				btns = append(btns, Button{Text: clip(label, 60), Data: t.act(def, s, opToggle, i)})
			}
			rows = layout(btns, q.Type)
			rows = append(rows, []Button{{Text: t.T("btn_done"), Data: t.act(def, s, opDone, 0)}})
		case survey.Note:
			rows = append(rows, []Button{{Text: t.T("btn_next"), Data: t.act(def, s, opDone, 0)}})
		}
	}
	var nav []Button
	if hasPrevious(def, s) {
		nav = append(nav, Button{Text: t.T("btn_back"), Data: t.act(def, s, opBack, 0)})
	}
	if q.Optional && q.Type != survey.Note {
		nav = append(nav, Button{Text: t.T("btn_skip"), Data: t.act(def, s, opSkip, 0)})
	}
	nav = append(nav, Button{Text: t.T("btn_cancel"), Data: t.act(def, s, opCancel, 0)})
	return append(rows, nav)
}

// requestKeyboard is the reply keyboard of a phone or location question:
// Telegram shares a contact or a location only from such a keyboard.
func (t *talk) requestKeyboard(def *survey.Survey, s *survey.Session, q *survey.Question) [][]KeyButton {
	first := KeyButton{Text: t.T("btn_share_phone"), RequestContact: true}
	if q.Type == survey.Location {
		first = KeyButton{Text: t.T("btn_share_location"), RequestLocation: true}
	}
	var nav []KeyButton
	if hasPrevious(def, s) {
		nav = append(nav, KeyButton{Text: t.T("btn_back")})
	}
	if q.Optional {
		nav = append(nav, KeyButton{Text: t.T("btn_skip")})
	}
	nav = append(nav, KeyButton{Text: t.T("btn_cancel")})
	return [][]KeyButton{{first}, nav}
}

// layout puts option buttons in rows: a scale's points side by side (at most
// 6 a row), short labels two a row, long ones one a row.
func layout(btns []Button, typ survey.Type) [][]Button {
	per := 1
	switch {
	case typ == survey.Scale:
		per = len(btns)
		if per > 6 {
			per = (per + 1) / 2
		}
	case typ == survey.YesNo || typ == survey.Region:
		per = 2
	default:
		short := true
		for _, b := range btns {
			if utf8.RuneCountInString(b.Text) > 18 {
				short = false
			}
		}
		if short {
			per = 2
		}
	}
	var rows [][]Button
	for len(btns) > 0 {
		n := min(per, len(btns))
		rows = append(rows, btns[:n])
		btns = btns[n:]
	}
	return rows
}

// hasPrevious reports whether Back has somewhere to go.
func hasPrevious(def *survey.Survey, s *survey.Session) bool {
	_, idx := def.Question(s.Current)
	for i := idx - 1; i >= 0; i-- {
		if survey.Visible(def, s.Answers, &def.Questions[i]) {
			return true
		}
	}
	return false
}

// review sends the summary of answers with Confirm, Change and Cancel; a long
// summary is split over several messages, the buttons under the last.
func (t *talk) review(def *survey.Survey, s *survey.Session, prefix string) {
	lang, fb := surveyLang(def, t.lang), def.Languages[0]
	var parts []string
	if prefix != "" {
		parts = append(parts, prefix)
	}
	parts = append(parts, "<b>"+esc(t.T("review_header"))+"</b>")
	for n, i := range answerable(def, s) {
		q := &def.Questions[i]
		a, ok := s.Answers[q.ID]
		value := "—"
		if ok {
			value = a.Display(q, lang)
		}
		parts = append(parts, strconv.Itoa(n+1)+". "+esc(clip(q.Text.In(lang, fb), 200))+"\n→ <b>"+esc(clip(value, 300))+"</b>")
	}
	buttons := [][]Button{
		{{Text: t.T("btn_confirm"), Data: t.act(def, s, opConfirm, 0)}},
		{{Text: t.T("btn_change"), Data: t.act(def, s, opChange, 0)}, {Text: t.T("btn_cancel"), Data: t.act(def, s, opCancel, 0)}},
	}
	var msg string
	for _, p := range parts {
		if msg != "" && utf8.RuneCountInString(msg)+utf8.RuneCountInString(p) > maxText {
			t.send(Out{Text: msg})
			msg = ""
		}
		if msg != "" {
			msg += "\n\n"
		}
		msg += p
	}
	t.send(Out{Text: msg, Buttons: buttons})
}

// changeButtons list the answered questions to pick one to change.
func (t *talk) changeButtons(def *survey.Survey, s *survey.Session) [][]Button {
	lang, fb := surveyLang(def, t.lang), def.Languages[0]
	var rows [][]Button
	for n, i := range answerable(def, s) {
		label := strconv.Itoa(n+1) + ". " + def.Questions[i].Text.In(lang, fb)
		rows = append(rows, []Button{{Text: clip(label, 60), Data: t.act(def, s, opEdit, i)}})
	}
	return append(rows, []Button{{Text: t.T("btn_back"), Data: t.act(def, s, opReview, 0)}})
}

// answerable lists, in order, the indexes of the questions the citizen sees
// and answers (notes and questions hidden by show_if left out): the summary
// numbers them, and "Change an answer" offers them.
func answerable(def *survey.Survey, s *survey.Session) []int {
	var idx []int
	for i := range def.Questions {
		q := &def.Questions[i]
		if q.Type != survey.Note && survey.Visible(def, s.Answers, q) {
			idx = append(idx, i)
		}
	}
	return idx
}
