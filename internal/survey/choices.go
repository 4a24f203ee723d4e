package survey

import "strconv"

// Built-in option ids.
const (
	// OtherOption is the id of the "Other" option that a question's Other adds.
	OtherOption = "other"
	// Yes and No are the option ids of a yesno question.
	Yes = "yes"
	No  = "no"
)

// Choices returns the options of q as they are shown, in order: for single
// and multi the options and then "other" (when Other is set); for yesno "yes"
// and "no"; for region Regions(); for scale one option per point, whose id
// and label are the number. Other types have none.
func (q *Question) Choices() []Option {
	switch q.Type {
	case Single, Multi:
		out := make([]Option, 0, len(q.Options)+1)
		out = append(out, q.Options...)
		if len(q.Other) > 0 {
			out = append(out, Option{ID: OtherOption, Label: q.Other})
		}
		return out
	case YesNo:
		return []Option{
			{ID: Yes, Label: Text{"uk": "Так", "en": "Yes", "ru": "Да"}},
			{ID: No, Label: Text{"uk": "Ні", "en": "No", "ru": "Нет"}},
		}
	case Region:
		return Regions()
	case Scale:
		points := scalePoints(q)
		out := make([]Option, 0, points)
		for k := range points {
			s := strconv.Itoa(q.ScaleMin + k)
			out = append(out, Option{ID: s, Label: Text{"uk": s, "en": s, "ru": s}})
		}
		return out
	}
	return nil
}

// scalePoints returns the number of points of a scale, or 0 when its range
// is empty or longer than MaxScalePoints (computed without overflow, for
// definitions that did not come through Parse).
func scalePoints(q *Question) int {
	if q.ScaleMax < q.ScaleMin || uint64(q.ScaleMax)-uint64(q.ScaleMin) >= MaxScalePoints {
		return 0
	}
	return q.ScaleMax - q.ScaleMin + 1
}

// hasChoice reports whether id is one of q.Choices(), without building them.
func hasChoice(q *Question, id string) bool {
	return choiceIndex(q, id) >= 0
}

// choiceIndex returns the position of id in q.Choices(), or -1.
func choiceIndex(q *Question, id string) int {
	switch q.Type {
	case Single, Multi:
		for i, o := range q.Options {
			if o.ID == id {
				return i
			}
		}
		if id == OtherOption && len(q.Other) > 0 {
			return len(q.Options)
		}
	case YesNo:
		switch id {
		case Yes:
			return 0
		case No:
			return 1
		}
	case Region:
		for i, r := range regionList {
			if r.id == id {
				return i
			}
		}
	case Scale:
		n, err := strconv.Atoi(id)
		if err == nil && strconv.Itoa(n) == id && n >= q.ScaleMin && n <= q.ScaleMax && scalePoints(q) > 0 {
			return n - q.ScaleMin
		}
	}
	return -1
}

// choiceLabel returns the label of option id of q in lang, or id itself when
// q has no such option.
func choiceLabel(q *Question, id, lang string) string {
	switch q.Type {
	case Single, Multi:
		for _, o := range q.Options {
			if o.ID == id {
				return o.Label.In(lang, "uk")
			}
		}
		if id == OtherOption && len(q.Other) > 0 {
			return q.Other.In(lang, "uk")
		}
	case YesNo, Region:
		if i := choiceIndex(q, id); i >= 0 {
			return q.Choices()[i].Label.In(lang, "uk")
		}
	}
	return id
}
