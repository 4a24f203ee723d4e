package survey

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultTimeZone is the time zone of a survey that names none.
const DefaultTimeZone = "Europe/Kyiv"

// surveyKeys are the keys of a survey file, in the order they are documented.
var surveyKeys = []string{"id", "languages", "title", "intro", "timezone", "opens", "closes",
	"anonymous", "responses", "retention", "share_results", "questions"}

// questionKeys are the keys every question may have (a note has fewer: see keysFor).
var questionKeys = []string{"id", "type", "text", "optional", "show_if", "sensitive"}

// typeKeys are the keys that only some types have.
var typeKeys = []string{"options", "other", "min", "max", "from", "to", "labels",
	"min_length", "max_length", "integer"}

// types are the question types, in the order they are documented.
var types = []Type{Single, Multi, Scale, YesNo, FreeText, Number, Date, Region, Phone, Location, Note}

// allQuestionKeys returns every key a question of some type may have.
func allQuestionKeys() []string {
	return slices.Concat(questionKeys, typeKeys)
}

// keysFor returns the keys a question of type t may have.
func keysFor(t Type) []string {
	switch t {
	case Single:
		return slices.Concat(questionKeys, []string{"options", "other"})
	case Multi:
		return slices.Concat(questionKeys, []string{"options", "other", "min", "max"})
	case Scale:
		return slices.Concat(questionKeys, []string{"from", "to", "labels"})
	case FreeText:
		return slices.Concat(questionKeys, []string{"min_length", "max_length"})
	case Number:
		return slices.Concat(questionKeys, []string{"min", "max", "integer"})
	case Date:
		return slices.Concat(questionKeys, []string{"min", "max"})
	case Note:
		return []string{"id", "type", "text", "show_if"}
	}
	return slices.Clone(questionKeys)
}

// survey decodes the top-level mapping.
func (d *decoder) survey(doc *yaml.Node) *Survey {
	root := resolve(doc)
	if root == nil || isNull(root) {
		d.issue(0, "the file is empty; a survey starts with id, languages, title and questions")
		return nil
	}
	f, ok := d.mapping(root, "", "a survey must be a mapping of keys, like id: …, languages: […], title: …, questions: […]")
	if !ok {
		return nil
	}
	d.lines.set(root.Line)
	d.unknownKeys(f, "", surveyKeys, nil, nil)
	for _, k := range f.keys {
		d.lines.set(line(f.by[k].val), k)
	}
	s := &Survey{TimeZone: DefaultTimeZone}
	for _, k := range []string{"id", "languages", "title", "questions"} {
		if f.get(k) == nil {
			d.issuef(line(root), "missing %q", k)
		}
	}
	if n := f.get("id"); n != nil {
		s.ID, _ = d.scalar(n, "", "id")
	}
	if n := f.get("languages"); n != nil {
		s.Languages = d.languages(n)
	}
	if n := f.get("title"); n != nil {
		s.Title = d.text(n, "", "title", "title")
	}
	if n := f.get("intro"); n != nil {
		s.Intro = d.text(n, "", "intro", "intro")
	}
	loc := d.timeZone(f, &s.TimeZone)
	for _, k := range []string{"opens", "closes"} {
		n := f.get(k)
		if n == nil {
			continue
		}
		v, ok := d.scalar(n, "", k)
		if !ok || loc == nil {
			continue
		}
		t, ok := parseTime(v, loc)
		if !ok {
			d.issuef(line(n), "%s: %q is not a time; write it like 2026-01-01 09:00 (local time in the survey's time zone)", k, v)
			continue
		}
		if k == "opens" {
			s.Opens = &t
		} else {
			s.Closes = &t
		}
	}
	if n := f.get("anonymous"); n != nil {
		s.Anonymous, _ = d.boolean(n, "", "anonymous")
	}
	if n := f.get("responses"); n != nil {
		if v, ok := d.scalar(n, "", "responses"); ok {
			switch v {
			case "one":
			case "many":
				s.Multiple = true
			default:
				d.issuef(line(n), `responses must be "one" or "many", not %q`, v)
			}
		}
	}
	if n := f.get("share_results"); n != nil {
		s.ShareResults, _ = d.boolean(n, "", "share_results")
	}
	if n := f.get("retention"); n != nil {
		if v, ok := d.scalar(n, "", "retention"); ok {
			r, ok := parseReminder(v)
			switch {
			case !ok:
				d.issuef(line(n), "retention: %q is not a duration; write it like 180d or 720h", v)
			case r < time.Second || r > MaxRetention:
				d.issuef(line(n), "retention: %q must be between 1s and %dd", v, int(MaxRetention/(24*time.Hour)))
			default:
				s.Retention = r
			}
		}
	}
	if n := f.get("questions"); n != nil {
		if items, ok := d.list(n, "", "questions", "[{id: …, type: …, text: …}]"); ok {
			for i, it := range items {
				s.Questions = append(s.Questions, d.question(it, i))
			}
		}
	}
	return s
}

// languages decodes the list of languages, [uk, en].
func (d *decoder) languages(n *yaml.Node) []string {
	var out []string
	if items, ok := d.list(n, "", "languages", "[uk, en]"); ok {
		for j, it := range items {
			d.lines.set(line(it), "languages", j)
			if v, ok := d.scalar(it, "", "languages"); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// parseTime reads a time written as local time in loc (2026-01-01 09:00,
// 2026-01-01 09:00:00, 2026-01-01T09:00, or a date alone for midnight) or as
// RFC 3339 with its own offset. It returns the time in UTC.
func parseTime(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04",
		"2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// questionName names question i in issues: `question "id"`, or `question 3`
// (1-based) when it has no id.
func questionName(id string, i int) string {
	if id == "" || !idPattern.MatchString(id) {
		return fmt.Sprintf("question %d", i+1)
	}
	return fmt.Sprintf("question %q", id)
}

// question decodes questions[i].
func (d *decoder) question(n *yaml.Node, i int) Question {
	var q Question
	prefix := questionName("", i) + ": "
	f, ok := d.mapping(n, prefix, questionName("", i)+` must be a mapping of keys, like {id: …, type: …, text: {uk: "…", en: "…"}}`)
	if !ok {
		return q
	}
	path := fmt.Sprintf("questions.%d", i)
	d.lines.set(resolve(n).Line, path)
	for _, k := range f.keys {
		d.lines.set(line(f.by[k].val), path, k)
	}
	if v := f.get("id"); v != nil {
		q.ID, _ = d.scalar(v, prefix, "id")
		prefix = questionName(q.ID, i) + ": "
	}
	known := true
	if v := f.get("type"); v != nil {
		t, _ := d.scalar(v, prefix, "type")
		q.Type = Type(t)
		if !slices.Contains(types, q.Type) {
			known = false
			names := make([]string, len(types))
			for j, t := range types {
				names[j] = string(t)
			}
			msg := fmt.Sprintf("%sunknown type %q", prefix, t)
			if s := suggest(t, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (use " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + ")"
			}
			d.issue(line(v), msg)
		}
	} else {
		known = false
	}
	for _, k := range []string{"id", "type", "text"} {
		if f.get(k) == nil {
			d.issuef(line(resolve(n)), "%smissing %q", prefix, k)
		}
	}
	if known {
		d.unknownKeys(f, prefix, keysFor(q.Type), allQuestionKeys(), func(k string) string {
			return notApply(q.Type, k)
		})
	} else {
		d.unknownKeys(f, prefix, allQuestionKeys(), nil, nil)
	}
	if v := f.get("text"); v != nil {
		q.Text = d.text(v, prefix, "text", path, "text")
	}
	if v := f.get("optional"); v != nil {
		q.Optional, _ = d.boolean(v, prefix, "optional")
	}
	if v := f.get("sensitive"); v != nil {
		q.Sensitive, _ = d.boolean(v, prefix, "sensitive")
	}
	if v := f.get("show_if"); v != nil {
		q.ShowIf = d.condition(v, prefix+"show_if: ", 0, &conditionBudget{left: maxConditionParts}, path, "show_if")
	}
	if !known {
		return q
	}
	switch q.Type {
	case Single, Multi:
		if f.get("options") == nil {
			d.issuef(line(resolve(n)), "%smissing %q", prefix, "options")
		} else {
			q.Options = d.options(f.get("options"), prefix, path)
		}
		if v := f.get("other"); v != nil {
			q.Other = d.text(v, prefix, "other", path, "other")
		}
		if q.Type == Multi {
			if v := f.get("min"); v != nil {
				q.MinChoices = d.wholeAt(v, prefix, "min", path)
			}
			if v := f.get("max"); v != nil {
				q.MaxChoices = d.wholeAt(v, prefix, "max", path)
			}
		}
	case Scale:
		for _, k := range []string{"from", "to"} {
			v := f.get(k)
			if v == nil {
				d.issuef(line(resolve(n)), "%smissing %q", prefix, k)
				continue
			}
			x := d.wholeAt(v, prefix, k, path)
			if k == "from" {
				q.ScaleMin = x
			} else {
				q.ScaleMax = x
			}
		}
		if v := f.get("labels"); v != nil {
			q.ScaleMinLabel, q.ScaleMaxLabel = d.scaleLabels(v, prefix, path)
		}
	case FreeText:
		if v := f.get("min_length"); v != nil {
			q.MinLength = d.wholeAt(v, prefix, "min_length", path)
		}
		q.MaxLength = MaxTextLength
		if v := f.get("max_length"); v != nil {
			q.MaxLength = d.wholeAt(v, prefix, "max_length", path)
		}
	case Number:
		if v := f.get("integer"); v != nil {
			q.Integer, _ = d.boolean(v, prefix, "integer")
		}
		for _, k := range []string{"min", "max"} {
			if v := f.get(k); v != nil {
				if x, ok := d.number(v, prefix, k); ok {
					if k == "min" {
						q.Min = &x
					} else {
						q.Max = &x
					}
				}
			}
		}
	case Date:
		for _, k := range []string{"min", "max"} {
			v := f.get(k)
			if v == nil {
				continue
			}
			s, ok := d.scalar(v, prefix, k)
			if !ok {
				continue
			}
			iso, ok := parseDate(s)
			if !ok {
				d.issuef(line(v), "%s%q must be a date like 2026-03-15", prefix, k)
				continue
			}
			if k == "min" {
				q.MinDate = iso
			} else {
				q.MaxDate = iso
			}
		}
	case Phone, Location:
		// A phone number or a location identifies a person: never logged or summarised.
		q.Sensitive = true
	}
	return q
}

// wholeAt decodes the whole number of key in the question at path; when it is
// not one, the key is marked as failed so that validation does not compare it.
func (d *decoder) wholeAt(n *yaml.Node, prefix, key, path string) int {
	x, ok := d.integer(n, prefix, key)
	if !ok {
		d.failed[path+"."+key] = true
	}
	return x
}

// notApply explains why key is not valid on a question of type t.
func notApply(t Type, key string) string {
	msg := fmt.Sprintf("%q does not apply to a %s question", key, t)
	switch {
	case t == Note && (key == "optional" || key == "sensitive"):
		return fmt.Sprintf("%q does not apply to a note (a note has no answer)", key)
	case key == "options" && t == Region:
		return msg + " (its options are Ukraine's regions, built in)"
	case key == "options" && t == YesNo:
		return msg + ` (its options are "yes" and "no", built in)`
	case key == "options" && t == Scale:
		return msg + " (its options are the numbers from … to)"
	case key == "options":
		return msg + " (only single and multi have options)"
	case t == FreeText && (key == "min" || key == "max"):
		return msg + " (use min_length and max_length)"
	case (t == Single || t == Scale) && (key == "min" || key == "max"):
		return msg + " (only multi, number and date have min and max)"
	}
	return msg
}

// options decodes the options of a single or multi question.
func (d *decoder) options(n *yaml.Node, prefix, path string) []Option {
	items, ok := d.list(n, prefix, "options", `[{id: economy, uk: "Економіка", en: "Economy"}]`)
	if !ok {
		return nil
	}
	opts := make([]Option, 0, len(items))
	for j, it := range items {
		var o Option
		oprefix := fmt.Sprintf("%soption %d: ", prefix, j+1)
		opath := fmt.Sprintf("%s.options.%d", path, j)
		f, ok := d.mapping(it, oprefix, fmt.Sprintf(`%soption %d must be a mapping, like {id: economy, uk: "Економіка", en: "Economy"}`, prefix, j+1))
		if !ok {
			opts = append(opts, o)
			continue
		}
		d.lines.set(resolve(it).Line, opath)
		if v := f.get("id"); v != nil {
			d.lines.set(line(v), opath, "id")
			if id, ok := d.scalar(v, oprefix, "id"); ok {
				o.ID = id
				if idPattern.MatchString(id) {
					oprefix = fmt.Sprintf("%soption %q: ", prefix, id)
				}
			}
		} else {
			d.issuef(line(resolve(it)), "%smissing %q", oprefix, "id")
		}
		o.Label = Text{}
		for _, k := range f.keys {
			if k == "id" {
				continue
			}
			v := f.by[k].val
			d.lines.set(line(f.by[k].key), opath, "label", k)
			if isNull(v) {
				o.Label[k] = ""
			} else if s, ok := d.scalar(v, oprefix, k); ok {
				o.Label[k] = s
			}
		}
		opts = append(opts, o)
	}
	return opts
}

// scaleLabels decodes labels: {from: {…}, to: {…}}.
func (d *decoder) scaleLabels(n *yaml.Node, prefix, path string) (from, to Text) {
	f, ok := d.mapping(n, prefix+"labels: ", prefix+`"labels" must be a mapping, like {from: {uk: "…", en: "…"}, to: {uk: "…", en: "…"}}`)
	if !ok {
		return nil, nil
	}
	d.unknownKeys(f, prefix+"labels: ", []string{"from", "to"}, nil, nil)
	if v := f.get("from"); v != nil {
		from = d.text(v, prefix+"labels: ", "from", path, "labels", "from")
	}
	if v := f.get("to"); v != nil {
		to = d.text(v, prefix+"labels: ", "to", path, "labels", "to")
	}
	return from, to
}
