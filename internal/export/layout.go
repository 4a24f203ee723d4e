package export

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"time"

	"github.com/hromada/hromada/internal/survey"
)

// kind is what a column holds.
type kind int

const (
	colResponseID kind = iota // response id
	colRespondent             // pseudonymous respondent id
	colVersion                // survey version answered
	colLanguage               // language answered in
	colStarted                // started_at
	colSubmitted              // completed_at (empty for a draft)
	colDuration               // seconds from start to submission
	colSource                 // deeplink, menu, broadcast:<id>
	colStatus                 // completed or draft (partial exports)
	colStoppedAt              // the question a draft stopped at (partial exports)

	colAnswer // a question's answer: option id(s), number, text, date, phone
	colOption // multi: 1 when the option was chosen, 0 when not
	colOther  // the text typed after choosing "other"
	colLat    // location: latitude
	colLon    // location: longitude
)

// column is one column of the wide layout.
type column struct {
	name   string
	kind   kind
	q      *question // answer columns
	option string    // colOption
	note   string    // description of a metadata column, for the codebook
}

// question is one question as the export shows it: its definition in the
// newest version that asks it, with the options that only older versions
// had appended, so an answer of any version finds its option.
type question struct {
	survey.Question
	choices  []survey.Option // Choices() of the newest definition, then options only older ones had
	other    bool            // some version offers "other" with a text
	versions []int           // the versions that ask it
	first    int             // index of its first column in layout.columns
	ncols    int
	index    int // in layout.questions and layout.answers
}

// choiceLabel returns the label of option id in lang, or id when the
// question has no such option.
func (q *question) choiceLabel(id, lang, fallback string) string {
	for _, o := range q.choices {
		if o.ID == id {
			return o.Label.In(lang, fallback)
		}
	}
	return id
}

// layout is the shape of an export: the columns of the wide form, the
// questions, and what is needed to fill a row.
type layout struct {
	surveyID  string
	questions []*question
	byID      map[string]*question
	answers   []*survey.Answer // of the response being written, by question index
	columns   []column
	langs     []string // languages of all versions, the latest's first
	lang      string   // language of labels and summary
	fallback  string   // the language of a text missing in lang: the survey's first
	loc       *time.Location
	o         Options
	mac       hash.Hash
	scratch   []byte
}

// metadata are the columns before the questions. Question ids are made of
// a-z, 0-9, _ and -, so the leading underscore keeps them apart in practice;
// a question that still collides is renamed (see unique).
var metadata = []column{
	{name: "_response_id", kind: colResponseID, note: "response id (the same in every export; the long CSV's _response_id)"},
	{name: "_respondent", kind: colRespondent, note: "pseudonymous respondent: the same for one citizen in every survey; for an anonymous survey one per response"},
	{name: "_survey_version", kind: colVersion, note: "version of the survey definition answered"},
	{name: "_language", kind: colLanguage, note: "language the survey was answered in"},
	{name: "_started", kind: colStarted, note: "when the citizen started, in the survey's time zone (anonymous surveys: the day only)"},
	{name: "_submitted", kind: colSubmitted, note: "when the citizen confirmed the answers; empty for a draft (anonymous surveys: the day only)"},
	{name: "_duration_seconds", kind: colDuration, note: "seconds from start to submission; empty for a draft (anonymous surveys: whole minutes)"},
	{name: "_source", kind: colSource, note: "how the citizen came: deeplink, menu, broadcast:<id>"},
}

// partialMetadata follow metadata in an export with drafts.
var partialMetadata = []column{
	{name: "_status", kind: colStatus, note: "completed, or draft for a response not submitted"},
	{name: "_stopped_at", kind: colStoppedAt, note: "draft: the question it stopped at (empty when it stopped at the review)"},
}

// newLayout lays out the export of a survey whose versions (oldest first)
// are given.
func newLayout(versions []*survey.Survey, o Options) (*layout, error) {
	latest := versions[len(versions)-1]
	l := &layout{
		surveyID: latest.ID,
		o:        o,
		mac:      hmac.New(sha256.New, o.Key),
		fallback: "uk",
	}
	for i := len(versions) - 1; i >= 0; i-- {
		for _, lang := range versions[i].Languages {
			if !slices.Contains(l.langs, lang) {
				l.langs = append(l.langs, lang)
			}
		}
	}
	if len(l.langs) > 0 {
		l.fallback = l.langs[0]
	}
	l.lang = o.Lang
	if l.lang == "" {
		l.lang = l.fallback
	}
	if o.Lang != "" && !knownLanguage(l, o.Lang) {
		return nil, fmt.Errorf("%w: language %q: the survey is in %v", ErrInvalid, o.Lang, l.langs)
	}
	l.loc = location(latest.TimeZone)

	l.questions = mergeQuestions(versions)
	l.columns = slices.Clone(metadata)
	if o.Partial {
		l.columns = append(l.columns, partialMetadata...)
	}
	kept := l.questions[:0]
	for _, q := range l.questions {
		if q.Type == survey.Note || (!o.Admin && personal(q)) {
			continue
		}
		q.first = len(l.columns)
		l.columns = append(l.columns, q.columns()...)
		q.ncols = len(l.columns) - q.first
		q.index = len(kept)
		kept = append(kept, q)
	}
	l.questions = kept
	l.byID = make(map[string]*question, len(kept))
	for _, q := range kept {
		l.byID[q.ID] = q
	}
	l.answers = make([]*survey.Answer, len(kept))
	unique(l.columns)
	return l, nil
}

// personal reports whether a question's answers are for admins only: a
// phone, a location, or a question marked sensitive.
func personal(q *question) bool {
	return q.Sensitive || q.Type == survey.Phone || q.Type == survey.Location
}

// columns returns the wide columns of a question.
func (q *question) columns() []column {
	switch q.Type {
	case survey.Location:
		return []column{{name: q.ID + "/lat", kind: colLat, q: q}, {name: q.ID + "/lon", kind: colLon, q: q}}
	case survey.Multi:
		cols := []column{{name: q.ID, kind: colAnswer, q: q}}
		for _, o := range q.choices {
			cols = append(cols, column{name: q.ID + "/" + o.ID, kind: colOption, q: q, option: o.ID})
		}
		if q.other {
			cols = append(cols, column{name: q.ID + "/other_text", kind: colOther, q: q})
		}
		return cols
	}
	cols := []column{{name: q.ID, kind: colAnswer, q: q}}
	if q.other {
		cols = append(cols, column{name: q.ID + "/other_text", kind: colOther, q: q})
	}
	return cols
}

// unique renames a column whose name an earlier column has, by appending _2,
// _3, …: only a survey with a question id such as "_source", or an option
// "other_text" besides "other", needs it.
func unique(cols []column) {
	seen := make(map[string]bool, len(cols))
	for i := range cols {
		name := cols[i].name
		for n := 2; seen[name]; n++ {
			name = cols[i].name + "_" + strconv.Itoa(n)
		}
		cols[i].name = name
		seen[name] = true
	}
}

// mergeQuestions returns the questions of all versions: those of the newest
// version in its order, then those only older versions asked, each in the
// order of the newest version that asked it. A question takes its
// definition from the newest version that asks it; options that only older
// versions had are appended to its choices, before "other".
func mergeQuestions(versions []*survey.Survey) []*question {
	var out []*question
	byID := map[string]*question{}
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		for k := range v.Questions {
			def := &v.Questions[k]
			q := byID[def.ID]
			if q == nil {
				q = &question{Question: *def, choices: def.Choices()}
				byID[def.ID] = q
				out = append(out, q)
			} else {
				for _, o := range def.Choices() {
					if !slices.ContainsFunc(q.choices, func(c survey.Option) bool { return c.ID == o.ID }) {
						q.choices = append(q.choices, o)
					}
				}
			}
			if (def.Type == survey.Single || def.Type == survey.Multi) && len(def.Other) > 0 {
				q.other = true
			}
			q.versions = append(q.versions, v.Version)
		}
	}
	for _, q := range out {
		slices.Sort(q.versions)
		// "other" last, after options only older versions had.
		if i := slices.IndexFunc(q.choices, func(o survey.Option) bool { return o.ID == survey.OtherOption }); i >= 0 && q.other {
			o := q.choices[i]
			q.choices = append(slices.Delete(q.choices, i, i+1), o)
		}
	}
	return out
}

// respondent returns the pseudonymous id of a response's respondent: the
// first 16 hex digits of HMAC-SHA256 with the key, over the citizen's
// internal id (the same in every survey) or, for an anonymous response,
// over the survey and response ids (stable within the survey only).
func (l *layout) respondent(responseID, citizenID int64) string {
	b := l.scratch[:0]
	if citizenID != 0 {
		b = append(b, "hromada/respondent/citizen/"...)
		b = strconv.AppendInt(b, citizenID, 10)
	} else {
		b = append(b, "hromada/respondent/anonymous/"...)
		b = append(b, l.surveyID...)
		b = append(b, '/')
		b = strconv.AppendInt(b, responseID, 10)
	}
	l.mac.Reset()
	l.mac.Write(b)
	b = l.mac.Sum(b[:0])
	l.scratch = b
	var out [16]byte
	hex.Encode(out[:], b[:8])
	return string(out[:])
}
