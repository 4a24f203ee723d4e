package survey

import (
	"strconv"
	"strings"
)

// skippedMark is how a skipped (or empty) answer reads.
const skippedMark = "—"

// Display returns the answer as a person reads it, in lang: option labels
// (several joined with "; ", as labels may hold commas; "Other" as "Інше: text"), numbers without
// trailing zeros and with a decimal comma (a point in English), dates as
// DD.MM.YYYY, a location as "lat, lon", and "—" for a skipped answer. It is
// what the review shows and what the store keeps as the answer's text.
func (a Answer) Display(q *Question, lang string) string {
	if a.Skipped {
		return skippedMark
	}
	if q == nil {
		q = &Question{ID: a.Question, Type: a.guessType()}
	}
	var s string
	switch q.Type {
	case Single, YesNo, Region:
		s = a.choiceText(q, a.Choice, lang)
	case Multi:
		parts := make([]string, 0, len(a.Choices))
		for _, id := range a.Choices {
			parts = append(parts, a.choiceText(q, id, lang))
		}
		s = strings.Join(parts, "; ")
	case Scale, Number:
		if a.Number != nil {
			s = formatNumber(*a.Number, lang)
		}
	case FreeText:
		s = a.Text
	case Date:
		s = formatDate(a.Date)
	case Phone:
		s = a.Phone
	case Location:
		if a.Lat != nil && a.Lon != nil {
			s = strconv.FormatFloat(*a.Lat, 'f', -1, 64) + ", " + strconv.FormatFloat(*a.Lon, 'f', -1, 64)
		}
	}
	if s == "" {
		return skippedMark
	}
	return s
}

// choiceText is the label of option id, with the "Other" text after it.
func (a Answer) choiceText(q *Question, id, lang string) string {
	label := choiceLabel(q, id, lang)
	if id == OtherOption && a.Other != "" {
		if label == OtherOption {
			label = Text{"uk": "Інше", "en": "Other", "ru": "Другое"}.In(lang, "uk")
		}
		return label + ": " + a.Other
	}
	return label
}

// guessType tells an answer's question type from the fields set, for Display
// without the question.
func (a Answer) guessType() Type {
	switch {
	case len(a.Choices) > 0:
		return Multi
	case a.Choice != "":
		return Single
	case a.Number != nil:
		return Number
	case a.Date != "":
		return Date
	case a.Phone != "":
		return Phone
	case a.Lat != nil:
		return Location
	}
	return FreeText
}
