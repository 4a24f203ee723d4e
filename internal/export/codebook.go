package export

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/survey"
)

// codebook writes the codebook sheet: a row per column of the responses
// sheet, and a row per option that says what its code means.
func (b *workbook) codebook() error {
	l := b.l
	header := []string{"column", "question", "type", "option"}
	for _, lang := range l.langs {
		header = append(header, "text_"+lang)
	}
	header = append(header, "optional", "show_if", "versions", "note")
	var rows [][]any
	add := func(column, question, typ, option string, t survey.Text, optional bool, showIf, versions, note string) {
		r := make([]any, 0, len(header))
		r = append(r, column, question, typ, option)
		for _, lang := range l.langs {
			r = append(r, t[lang])
		}
		opt := ""
		if optional {
			opt = "yes"
		}
		rows = append(rows, append(r, opt, showIf, versions, note))
	}
	for _, c := range l.columns {
		if c.kind < colAnswer {
			add(c.name, "", "metadata", "", nil, false, "", "", c.note)
		}
	}
	for _, q := range l.questions {
		versions := joinInts(q.versions)
		showIf := ""
		if q.ShowIf != nil {
			if j, err := json.Marshal(q.ShowIf); err == nil {
				showIf = string(j)
			}
		}
		for i := q.first; i < q.first+q.ncols; i++ {
			c := l.columns[i]
			switch c.kind {
			case colAnswer:
				note := answerNote(q)
				add(c.name, q.ID, string(q.Type), "", q.Text, q.Optional, showIf, versions, note)
				if q.Type != survey.Multi {
					for _, o := range q.choices {
						add(c.name, q.ID, "option", o.ID, optionLabel(q, o), false, "", "", "")
					}
				}
			case colOption:
				o := optionOf(q, c.option)
				add(c.name, q.ID, "option", o.ID, optionLabel(q, o), false, "", "",
					"1 when chosen, 0 when not; empty when not asked or skipped")
			case colOther:
				add(c.name, q.ID, "other_text", "", q.Other, false, "", versions,
					`the text typed after choosing "other"`)
			case colLat:
				add(c.name, q.ID, "latitude", "", q.Text, q.Optional, showIf, versions, "degrees, WGS 84")
			case colLon:
				add(c.name, q.ID, "longitude", "", q.Text, q.Optional, showIf, versions, "degrees, WGS 84")
			}
		}
	}
	sw, err := b.stream(sheetCodebook, header, len(rows))
	if err != nil {
		return err
	}
	return setRows(sw, rows)
}

// answerNote says what a question's main column holds.
func answerNote(q *question) string {
	var s string
	switch q.Type {
	case survey.Multi:
		s = "the chosen option ids joined with ; (labels joined with \"; \" in an export with labels); one 0/1 column per option follows"
	case survey.Single, survey.YesNo, survey.Region:
		s = "option id (its label in an export with labels)"
	case survey.Scale:
		s = fmt.Sprintf("a whole number from %d to %d", q.ScaleMin, q.ScaleMax)
	case survey.Number:
		s = "a number"
		if q.Integer {
			s = "a whole number"
		}
	case survey.Date:
		s = "a date, YYYY-MM-DD"
	case survey.FreeText:
		s = "the text typed"
	case survey.Phone:
		s = "the citizen's phone number, +380…"
	}
	if q.Sensitive {
		s += "; sensitive"
	}
	return s + "; " + Skipped + " when skipped, empty when not asked"
}

// optionOf returns option id of q (an option with no label when q has none).
func optionOf(q *question, id string) survey.Option {
	for _, o := range q.choices {
		if o.ID == id {
			return o
		}
	}
	return survey.Option{ID: id}
}

// optionLabel is the label of an option for the codebook; a scale's end
// points get their end labels.
func optionLabel(q *question, o survey.Option) survey.Text {
	if q.Type != survey.Scale {
		return o.Label
	}
	switch o.ID {
	case strconv.Itoa(q.ScaleMin):
		if len(q.ScaleMinLabel) > 0 {
			return q.ScaleMinLabel
		}
	case strconv.Itoa(q.ScaleMax):
		if len(q.ScaleMaxLabel) > 0 {
			return q.ScaleMaxLabel
		}
	}
	return o.Label
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
