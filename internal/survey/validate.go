package survey

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a definition. Most come from Telegram: a message holds at most
// 4096 characters, a button shows about 60 and its data carries 64 bytes.
const (
	// MaxTextLength is the longest text answer (and the default max_length).
	MaxTextLength = 4000
	// MaxOptions is the most options a single or multi question has, besides "other".
	MaxOptions = 20
	// MaxOptionLabel is the longest option label, in characters: labels become buttons.
	MaxOptionLabel = 60
	// MaxScalePoints is the most points on a scale (0 to 10).
	MaxScalePoints = 11

	maxSurveyID = 62   // survey ids travel in deep links: "s_" + id within Telegram's 64-character start parameter
	maxID       = 32   // question and option ids travel in button data with other fields
	maxTitle    = 120  // titles appear in lists and message headers
	maxMessage  = 3500 // intro, question and note texts, leaving room for progress and hints
)

// idPattern is what survey, question and option ids are made of.
var idPattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

// langPattern is a language code: two or three lower-case letters (ISO 639).
var langPattern = regexp.MustCompile(`^[a-z]{2,3}$`)

// validate checks everything that decoding alone cannot: ids, translations,
// ranges, references between questions.
func (d *decoder) validate(s *Survey) {
	l := d.lines
	if s.ID != "" {
		d.checkID(l.at("id"), "", "survey id", s.ID, maxSurveyID, "deep links carry it")
		if strings.HasPrefix(s.ID, registrationPrefix) {
			d.issue(l.at("id"), "ids starting with event- are reserved for event registration questions")
		}
	}
	langs := d.checkLanguages(s)
	d.checkText(langs, s.Title, "title: ", "text", maxTitle, "title")
	d.checkText(langs, s.Intro, "intro: ", "text", maxMessage, "intro")
	if s.Opens != nil && s.Closes != nil && !s.Opens.Before(*s.Closes) {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		const layout = "2006-01-02 15:04"
		d.issuef(l.at("closes"), "closes (%s) must be later than opens (%s)",
			s.Closes.In(loc).Format(layout), s.Opens.In(loc).Format(layout))
	}
	if l["questions"] != 0 && len(s.Questions) == 0 && d.noIssueAt(l.at("questions")) {
		d.issue(l.at("questions"), "questions is empty; a survey needs at least one question")
	}

	ids := map[string]int{} // question id → line of its first use
	answerable := 0
	for i := range s.Questions {
		q := &s.Questions[i]
		path := fmt.Sprintf("questions.%d", i)
		prefix := questionName(q.ID, i) + ": "
		if q.ID != "" {
			line := l.at(path, "id")
			if first, ok := ids[q.ID]; ok {
				d.issuef(line, "question id %q is used twice (first on line %d)", q.ID, first)
			} else {
				ids[q.ID] = line
			}
			d.checkID(line, prefix, "id", q.ID, maxID, "button data carries it")
		}
		if q.Type != Note && q.Type != "" {
			answerable++
		}
		d.checkText(langs, q.Text, prefix+"text: ", "text", maxMessage, path, "text")
		d.checkQuestion(s, langs, q, prefix, path)
		if q.ShowIf != nil {
			d.checkCondition(s, i, q.ShowIf, prefix+"show_if: ", path, "show_if")
		}
	}
	if len(s.Questions) > 0 && answerable == 0 {
		d.issue(l.at("questions"), "the survey has only notes; add a question to answer")
	}
}

// noIssueAt reports whether no issue has been reported at line yet.
func (d *decoder) noIssueAt(line int) bool {
	return !slices.ContainsFunc(d.issues, func(i Issue) bool { return i.Line == line })
}

// checkID checks an id's characters and length.
func (d *decoder) checkID(line int, prefix, what, id string, max int, why string) {
	if !idPattern.MatchString(id) {
		d.issuef(line, `%s%s %q may contain only a-z, 0-9, "-" and "_"`, prefix, what, id)
	} else if len(id) > max {
		d.issuef(line, "%s%s %q is %d characters; at most %d (%s)", prefix, what, id, len(id), max, why)
	}
}

// checkLanguages checks the languages list and returns its valid codes.
func (d *decoder) checkLanguages(s *Survey) []string {
	l := d.lines
	if l["languages"] != 0 && len(s.Languages) == 0 && d.noIssueAt(l.at("languages")) {
		d.issue(l.at("languages"), "languages is empty; list at least one, like [uk, en]")
	}
	var langs []string
	for j, lang := range s.Languages {
		line := l.at("languages", j)
		switch {
		case lang == "ua":
			d.issue(line, `language "ua" is not a language code; Ukrainian is "uk"`)
		case !langPattern.MatchString(lang):
			d.issuef(line, "language %q is not a language code like uk or en", lang)
		case slices.Contains(langs, lang):
			d.issuef(line, "language %q is listed twice", lang)
		default:
			langs = append(langs, lang)
		}
	}
	if i := slices.Index(s.Languages, "uk"); i > 0 {
		d.issue(l.at("languages", i), `"uk" must come first in languages (the first language is the default)`)
	}
	return langs
}

// checkText checks that t has a non-empty text in every language of langs,
// no other languages, and at most max characters in each.
func (d *decoder) checkText(langs []string, t Text, prefix, what string, max int, path ...any) {
	if t == nil || len(langs) == 0 {
		return
	}
	l := d.lines
	for _, lang := range langs {
		if v, ok := t[lang]; !ok {
			d.issuef(l.at(path...), "%smissing the %q %s", prefix, lang, what)
		} else if strings.TrimSpace(v) == "" {
			d.issuef(l.at(append(path, lang)...), "%sthe %q %s is empty", prefix, lang, what)
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line := l.at(append(path, k)...)
		if !slices.Contains(langs, k) {
			d.issuef(line, "%s%q is not one of the languages (%s)", prefix, k, strings.Join(langs, ", "))
			continue
		}
		if n := utf8.RuneCountInString(t[k]); n > max {
			msg := fmt.Sprintf("%sthe %q %s is %d characters; at most %d", prefix, k, what, n, max)
			if max == MaxOptionLabel {
				msg += " fit on a button"
			}
			d.issue(line, msg)
		}
	}
}

// checkQuestion checks the fields of one question's type.
func (d *decoder) checkQuestion(s *Survey, langs []string, q *Question, prefix, path string) {
	l := d.lines
	switch q.Type {
	case Single, Multi:
		choices := len(q.Options)
		if q.Other != nil {
			choices++
		}
		switch {
		case len(q.Options) > MaxOptions:
			d.issuef(l.at(path, "options"), "%s%d options are too many; at most %d fit on a keyboard (besides other)",
				prefix, len(q.Options), MaxOptions)
		case l[path+".options"] != 0 && choices < 2 && d.noIssueAt(l.at(path, "options")):
			d.issuef(l.at(path, "options"), "%sneeds at least 2 options (other counts as one)", prefix)
		}
		seen := map[string]bool{}
		for j, o := range q.Options {
			opath := fmt.Sprintf("%s.options.%d", path, j)
			oprefix := fmt.Sprintf("%soption %d: ", prefix, j+1)
			if o.ID != "" {
				line := l.at(opath, "id")
				switch {
				case seen[o.ID]:
					d.issuef(line, "%soption id %q is used twice", prefix, o.ID)
				case o.ID == OtherOption:
					d.issuef(line, `%soption id "other" is reserved: write other: {uk: "Інше", …} for an "Other" with free text`, prefix)
				default:
					d.checkID(line, prefix, "option id", o.ID, maxID, "button data carries it")
				}
				seen[o.ID] = true
				if idPattern.MatchString(o.ID) {
					oprefix = fmt.Sprintf("%soption %q: ", prefix, o.ID)
				}
			}
			if o.Label != nil {
				if len(o.Label) == 0 {
					d.issuef(l.at(opath), "%sgive its label per language, like {id: %s, %s: \"…\"}", oprefix, o.ID, firstOr(langs, "uk"))
					continue
				}
				d.checkText(langs, o.Label, oprefix, "label", MaxOptionLabel, opath, "label")
			}
		}
		d.checkText(langs, q.Other, prefix+"other: ", "label", MaxOptionLabel, path, "other")
		if q.Type == Multi && !d.failed[path+".min"] && !d.failed[path+".max"] {
			switch {
			case q.MinChoices < 0:
				d.issuef(l.at(path, "min"), "%smin must be 0 or more", prefix)
			case q.MaxChoices < 0:
				d.issuef(l.at(path, "max"), "%smax must be 1 or more", prefix)
			case q.MaxChoices > 0 && q.MinChoices > q.MaxChoices:
				d.issuef(l.at(path, "min"), "%smin (%d) is more than max (%d)", prefix, q.MinChoices, q.MaxChoices)
			case q.MaxChoices > choices && choices >= 2:
				d.issuef(l.at(path, "max"), "%smax (%d) is more than the number of options (%d)", prefix, q.MaxChoices, choices)
			case q.MinChoices > choices && choices >= 2:
				d.issuef(l.at(path, "min"), "%smin (%d) is more than the number of options (%d)", prefix, q.MinChoices, choices)
			}
		}
	case Scale:
		switch {
		case l[path+".from"] == 0 || l[path+".to"] == 0 || d.failed[path+".from"] || d.failed[path+".to"]:
		case q.ScaleMin >= q.ScaleMax:
			d.issuef(l.at(path, "to"), "%sfrom (%d) must be less than to (%d)", prefix, q.ScaleMin, q.ScaleMax)
		case scalePoints(q) == 0:
			points := "more"
			if n := uint64(q.ScaleMax) - uint64(q.ScaleMin); n < 1000 {
				points = strconv.FormatUint(n+1, 10)
			}
			d.issuef(l.at(path, "to"), "%sa scale has at most %d points; %d to %d has %s", prefix,
				MaxScalePoints, q.ScaleMin, q.ScaleMax, points)
		}
		d.checkText(langs, q.ScaleMinLabel, prefix+"labels: from: ", "label", MaxOptionLabel, path, "labels", "from")
		d.checkText(langs, q.ScaleMaxLabel, prefix+"labels: to: ", "label", MaxOptionLabel, path, "labels", "to")
	case FreeText:
		switch {
		case d.failed[path+".min_length"] || d.failed[path+".max_length"]:
		case q.MinLength < 0:
			d.issuef(l.at(path, "min_length"), "%smin_length must be 0 or more", prefix)
		case q.MaxLength < 1:
			d.issuef(l.at(path, "max_length"), "%smax_length must be 1 or more", prefix)
		case q.MaxLength > MaxTextLength:
			d.issuef(l.at(path, "max_length"), "%smax_length %d is too long for a Telegram message; at most %d",
				prefix, q.MaxLength, MaxTextLength)
		case q.MinLength > q.MaxLength:
			d.issuef(l.at(path, "min_length"), "%smin_length (%d) is more than max_length (%d)", prefix, q.MinLength, q.MaxLength)
		}
	case Number:
		if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
			d.issuef(l.at(path, "min"), "%smin (%s) is more than max (%s)", prefix, formatNumber(*q.Min, "en"), formatNumber(*q.Max, "en"))
		}
	case Date:
		if q.MinDate != "" && q.MaxDate != "" && q.MinDate > q.MaxDate {
			d.issuef(l.at(path, "min"), "%smin (%s) is later than max (%s)", prefix, q.MinDate, q.MaxDate)
		}
	case Phone:
		if s.Anonymous {
			d.issuef(l.at(path, "type"), "%san anonymous survey cannot ask for a phone number", prefix)
		}
	case Location:
		if s.Anonymous {
			d.issuef(l.at(path, "type"), "%san anonymous survey cannot ask for a location", prefix)
		}
	}
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// checkCondition checks a show_if of question i: it refers to earlier
// questions that have answers, and compares values they can have. Dates and
// numbers are rewritten in their canonical form (2026-03-15, 12.5).
func (d *decoder) checkCondition(s *Survey, i int, c *Condition, prefix string, path ...any) {
	switch {
	case c.Not != nil:
		d.checkCondition(s, i, c.Not, prefix, append(path, "not")...)
		return
	case c.All != nil || c.Any != nil:
		for j := range c.All {
			d.checkCondition(s, i, &c.All[j], prefix, append(path, "all", j)...)
		}
		for j := range c.Any {
			d.checkCondition(s, i, &c.Any[j], prefix, append(path, "any", j)...)
		}
		return
	case c.Question == "" || c.Op == "":
		return // reported while decoding
	}
	l := d.lines
	qline := l.at(append(path, "question")...)
	ref, j := s.Question(c.Question)
	switch {
	case j < 0:
		var earlier []string
		for _, q := range s.Questions[:i] {
			earlier = append(earlier, q.ID)
		}
		msg := fmt.Sprintf("%sno question %q", prefix, c.Question)
		if sug := suggest(c.Question, earlier); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
		d.issue(qline, msg)
		return
	case j == i:
		d.issuef(qline, "%s%q is this question itself; a condition can only use earlier questions", prefix, c.Question)
		return
	case j > i:
		d.issuef(qline, "%s%q comes later; a condition can only use earlier questions", prefix, c.Question)
		return
	case ref.Type == Note:
		d.issuef(qline, "%s%q is a note, which has no answer", prefix, c.Question)
		return
	}
	if c.Op == OpAnswered {
		return
	}
	switch ref.Type {
	case Phone, Location:
		d.issuef(l.at(append(path, "value")...), "%s%s does not apply to a %s question; use answered: true",
			prefix, c.Op, ref.Type)
		return
	}
	if c.Op == OpLess || c.Op == OpGreater {
		if ref.Type != Number && ref.Type != Scale && ref.Type != Date {
			d.issuef(l.at(append(path, "value")...), "%s%s needs a number, scale or date question; %q is %s",
				prefix, c.Op, c.Question, ref.Type)
			return
		}
	}
	if c.Op == OpOneOf {
		for k := range c.Values {
			c.Values[k] = d.checkValue(ref, c.Values[k], prefix, l.at(append(path, "values", k)...))
		}
		return
	}
	c.Value = d.checkValue(ref, c.Value, prefix, l.at(append(path, "value")...))
}

// checkValue checks that v is a value question ref can have, and returns it
// in canonical form.
func (d *decoder) checkValue(ref *Question, v, prefix string, line int) string {
	switch ref.Type {
	case Single, Multi, YesNo, Region, Scale:
		if hasChoice(ref, v) {
			if ref.Type == Scale {
				n, _ := strconv.Atoi(v)
				return strconv.Itoa(n)
			}
			return v
		}
		var hint string
		switch ref.Type {
		case Region:
			hint = `a region code like UA-32, or "outside"`
		case Scale:
			hint = fmt.Sprintf("%d to %d", ref.ScaleMin, ref.ScaleMax)
		default:
			var ids []string
			for _, o := range ref.Choices() {
				ids = append(ids, o.ID)
			}
			hint = strings.Join(ids, ", ")
		}
		d.issuef(line, "%s%q has no option %q (options: %s)", prefix, ref.ID, v, hint)
	case Number:
		if n, ok := parseNumber(v); ok {
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
		d.issuef(line, "%s%q is not a number", prefix, v)
	case Date:
		if iso, ok := parseDate(v); ok {
			return iso
		}
		d.issuef(line, "%s%q is not a date like 2026-03-15", prefix, v)
	}
	return v
}
