package survey

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// mustParse parses an inline definition that must be valid.
func mustParse(t testing.TB, src string) *Survey {
	t.Helper()
	s, issues := Parse("test.yaml", []byte(src))
	for _, i := range issues {
		t.Error(i)
	}
	if s == nil {
		t.Fatal("no survey")
	}
	return s
}

// TestParseBad checks the exact issues reported for each bad file in
// testdata/bad: every problem, at its line, with its message.
func TestParseBad(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{
			name: "phone and location in an anonymous survey",
			file: "testdata/bad/anonymous.yaml",
			want: []string{
				`testdata/bad/anonymous.yaml:7: question "phone": an anonymous survey cannot ask for a phone number`,
				`testdata/bad/anonymous.yaml:10: question "where": an anonymous survey cannot ask for a location`,
			},
		},
		{
			name: "an empty file",
			file: "testdata/bad/empty.yaml",
			want: []string{
				`testdata/bad/empty.yaml: the file is empty; a survey starts with id, languages, title and questions`,
			},
		},
		{
			name: "a list instead of a mapping",
			file: "testdata/bad/list.yaml",
			want: []string{
				`testdata/bad/list.yaml:1: a survey must be a mapping of keys, like id: …, languages: […], title: …, questions: […]`,
			},
		},
		{
			name: "every kind of question problem",
			file: "testdata/bad/questions.yaml",
			want: []string{
				`testdata/bad/questions.yaml:8: question "topics": unknown key "optonal" (did you mean "optional"?)`,
				`testdata/bad/questions.yaml:9: question "topics": min (4) is more than max (3)`,
				`testdata/bad/questions.yaml:13: question "topics": option id "economy" is used twice`,
				`testdata/bad/questions.yaml:14: question "topics": option id "other" is reserved: write other: {uk: "Інше", …} for an "Other" with free text`,
				`testdata/bad/questions.yaml:15: question "topics": option id "Security" may contain only a-z, 0-9, "-" and "_"`,
				`testdata/bad/questions.yaml:15: question "topics": option 4: missing the "en" label`,
				`testdata/bad/questions.yaml:16: question "topics": option "long": "ua" is not one of the languages (uk, en)`,
				`testdata/bad/questions.yaml:16: question "topics": option "long": the "uk" label is 72 characters; at most 60 fit on a button`,
				`testdata/bad/questions.yaml:17: question "topics": option 6 must be a mapping, like {id: economy, uk: "Економіка", en: "Economy"}`,
				`testdata/bad/questions.yaml:18: question id "topics" is used twice (first on line 5)`,
				`testdata/bad/questions.yaml:19: question "topics": unknown type "multiple" (did you mean "multi"?)`,
				`testdata/bad/questions.yaml:24: question "where": "options" does not apply to a region question (its options are Ukraine's regions, built in)`,
				`testdata/bad/questions.yaml:28: question "mood": a scale has at most 11 points; 0 to 20 has 21`,
				`testdata/bad/questions.yaml:29: question "mood": labels: unknown key "too" (did you mean "to"?)`,
				`testdata/bad/questions.yaml:29: question "mood": labels: from: missing the "en" label`,
				`testdata/bad/questions.yaml:34: question "mood2": from (5) must be less than to (1)`,
				`testdata/bad/questions.yaml:38: question "story": "min" does not apply to a text question (use min_length and max_length)`,
				`testdata/bad/questions.yaml:39: question "story": max_length 5000 is too long for a Telegram message; at most 4000`,
				`testdata/bad/questions.yaml:40: question "story": text: missing the "en" text`,
				`testdata/bad/questions.yaml:43: question "story2": min_length (50) is more than max_length (20)`,
				`testdata/bad/questions.yaml:48: question "age": min (120) is more than max (18.5)`,
				`testdata/bad/questions.yaml:50: question "age": "integer" must be true or false`,
				`testdata/bad/questions.yaml:54: question "born": min (2026-01-01) is later than max (2020-12-31)`,
				`testdata/bad/questions.yaml:57: question 10: id "bad date" may contain only a-z, 0-9, "-" and "_"`,
				`testdata/bad/questions.yaml:59: question 10: "min" must be a date like 2026-03-15`,
				`testdata/bad/questions.yaml:61: question 11: missing "id"`,
				`testdata/bad/questions.yaml:62: question 11: key "type" is repeated (first on line 61)`,
				`testdata/bad/questions.yaml:64: question 11: "options" does not apply to a yesno question (its options are "yes" and "no", built in)`,
				`testdata/bad/questions.yaml:67: question "info": "optional" does not apply to a note (a note has no answer)`,
				`testdata/bad/questions.yaml:73: question "many": 21 options are too many; at most 20 fit on a keyboard (besides other)`,
				`testdata/bad/questions.yaml:94: question "ph": missing "text"`,
				`testdata/bad/questions.yaml:96: question "ph": "options" does not apply to a phone question (only single and multi have options)`,
				`testdata/bad/questions.yaml:97: question "ph": "max" does not apply to a phone question`,
				`testdata/bad/questions.yaml:101: question "choose": needs at least 2 options (other counts as one)`,
				`testdata/bad/questions.yaml:102: question "a_very_long_question_id_that_goes_on": id "a_very_long_question_id_that_goes_on" is 36 characters; at most 32 (button data carries it)`,
				`testdata/bad/questions.yaml:105: question 17 must be a mapping of keys, like {id: …, type: …, text: {uk: "…", en: "…"}}`,
			},
		},
		{
			name: "every kind of show_if problem",
			file: "testdata/bad/show-if.yaml",
			want: []string{
				`testdata/bad/show-if.yaml:24: question "later": show_if: "afterwards" comes later; a condition can only use earlier questions`,
				`testdata/bad/show-if.yaml:28: question "self": show_if: "self" is this question itself; a condition can only use earlier questions`,
				`testdata/bad/show-if.yaml:32: question "noted": show_if: "intro" is a note, which has no answer`,
				`testdata/bad/show-if.yaml:36: question "wrong_option": show_if: "color" has no option "green" (options: red, blue)`,
				`testdata/bad/show-if.yaml:40: question "less_on_single": show_if: less_than needs a number, scale or date question; "color" is single`,
				`testdata/bad/show-if.yaml:44: question "not_a_number": show_if: "eighteen" is not a number`,
				`testdata/bad/show-if.yaml:48: question "phone_equals": show_if: equals does not apply to a phone question; use answered: true`,
				`testdata/bad/show-if.yaml:52: question "two_ops": show_if: use exactly one of equals, not_equals, one_of, less_than, greater_than, answered`,
				`testdata/bad/show-if.yaml:57: question "mixed": show_if: "all" must be the only key of its condition; nest conditions inside it instead`,
				`testdata/bad/show-if.yaml:64: question "nested": show_if: no question "colour" (did you mean "color"?)`,
				`testdata/bad/show-if.yaml:65: question "nested": show_if: "answered" must be true or false`,
				`testdata/bad/show-if.yaml:66: question "nested": show_if: missing "question" (the id of an earlier question)`,
				`testdata/bad/show-if.yaml:67: question "nested": show_if: "all" needs at least one condition`,
				`testdata/bad/show-if.yaml:71: question "typo": show_if: unknown key "less_then" (did you mean "less_than"?)`,
			},
		},
		{
			name: "scale ranges, even at the ends of int",
			file: "testdata/bad/scale-range.yaml",
			want: []string{
				`testdata/bad/scale-range.yaml:5: question "huge": a scale has at most 11 points; -9223372036854775808 to 9223372036854775807 has more`,
				`testdata/bad/scale-range.yaml:6: question "twelve": a scale has at most 11 points; 0 to 11 has 12`,
				`testdata/bad/scale-range.yaml:7: question "words": "from" must be a whole number`,
				`testdata/bad/scale-range.yaml:7: question "words": "to" must be a whole number`,
			},
		},
		{
			name: "survey-level keys",
			file: "testdata/bad/survey.yaml",
			want: []string{
				`testdata/bad/survey.yaml:1: missing "title"`,
				`testdata/bad/survey.yaml:1: survey id "Local Elections" may contain only a-z, 0-9, "-" and "_"`,
				`testdata/bad/survey.yaml:2: language "ua" is not a language code; Ukrainian is "uk"`,
				`testdata/bad/survey.yaml:2: language "en" is listed twice`,
				`testdata/bad/survey.yaml:2: language "UK" is not a language code like uk or en`,
				`testdata/bad/survey.yaml:2: "uk" must come first in languages (the first language is the default)`,
				`testdata/bad/survey.yaml:3: unknown key "titel" (did you mean "title"?)`,
				`testdata/bad/survey.yaml:5: intro: missing the "en" text`,
				`testdata/bad/survey.yaml:6: intro: "ua" is not one of the languages (en, uk)`,
				`testdata/bad/survey.yaml:7: unknown time zone "Europe/Kiev2"; use an IANA name like Europe/Kyiv`,
				`testdata/bad/survey.yaml:8: "anonymous" must be true or false`,
				`testdata/bad/survey.yaml:9: responses must be "one" or "many", not "several"`,
				`testdata/bad/survey.yaml:10: questions is empty; a survey needs at least one question`,
			},
		},
		{
			name: "a YAML syntax error",
			file: "testdata/bad/syntax.yaml",
			want: []string{
				`testdata/bad/syntax.yaml:1: YAML syntax: did not find expected ',' or ']'`,
			},
		},
		{
			name: "opens after closes, an empty translation, a trailing ---",
			file: "testdata/bad/times.yaml",
			want: []string{
				`testdata/bad/times.yaml:5: title: the "en" text is empty`,
				`testdata/bad/times.yaml:7: closes (2026-01-01 00:00) must be later than opens (2026-06-01 09:00)`,
			},
		},
		{
			name: "unreadable times, only notes",
			file: "testdata/bad/times2.yaml",
			want: []string{
				`testdata/bad/times2.yaml:4: opens: "1 червня" is not a time; write it like 2026-01-01 09:00 (local time in the survey's time zone)`,
				`testdata/bad/times2.yaml:5: "closes" must be a single value, not a list or mapping`,
				`testdata/bad/times2.yaml:7: the survey has only notes; add a question to answer`,
			},
		},
		{
			name: "two documents in a file",
			file: "testdata/bad/two-docs.yaml",
			want: []string{
				`testdata/bad/two-docs.yaml:6: one survey per file: remove the second document (after "---")`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, issues := ParseFile(tt.file)
			if s != nil {
				t.Error("got a survey despite issues")
			}
			var got []string
			for _, i := range issues {
				got = append(got, i.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseFileMissing(t *testing.T) {
	_, issues := ParseFile("testdata/bad/no-such-file.yaml")
	if len(issues) != 1 || issues[0].String() != "testdata/bad/no-such-file.yaml: cannot read: no such file or directory" {
		t.Errorf("issues = %v", issues)
	}
}

func TestLoad(t *testing.T) {
	surveys, issues := Load("testdata/load")
	var got []string
	for _, i := range issues {
		got = append(got, i.String())
	}
	want := []string{
		`testdata/load/b.yml:1: survey id "same" is already used by testdata/load/a.yaml`,
		`testdata/load/c.yaml:1: YAML syntax: did not find expected ',' or ']'`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(surveys) != 1 || surveys[0].ID != "same" {
		t.Errorf("surveys = %v, want the one from a.yaml", surveys)
	}
	if _, issues := Load("testdata/no-such-dir"); len(issues) != 1 {
		t.Errorf("a missing directory: issues = %v", issues)
	}
}

func TestIssueString(t *testing.T) {
	tests := []struct {
		name  string
		issue Issue
		want  string
	}{
		{"with a line", Issue{File: "surveys/x.yaml", Line: 14, Msg: "bad"}, "surveys/x.yaml:14: bad"},
		{"without a line", Issue{File: "surveys/x.yaml", Msg: "bad"}, "surveys/x.yaml: bad"},
		{"without a file", Issue{Msg: "bad"}, "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.issue.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

const minimal = `
id: minimal
languages: [uk, en]
title: {uk: "Мінімум", en: "Minimum"}
questions:
  - {id: q1, type: yesno, text: {uk: "Так?", en: "Yes?"}}
`

func TestParseDefaults(t *testing.T) {
	s := mustParse(t, minimal+`
  - {id: story, type: text, text: {uk: "Історія", en: "Story"}}
  - {id: phone, type: phone, optional: true, text: {uk: "Телефон", en: "Phone"}}
  - {id: where, type: location, optional: true, text: {uk: "Де", en: "Where"}}
`)
	if s.TimeZone != "Europe/Kyiv" || s.Anonymous || s.Multiple || s.Opens != nil || s.Closes != nil {
		t.Errorf("defaults: %+v", s)
	}
	if q, _ := s.Question("story"); q.MaxLength != MaxTextLength {
		t.Errorf("text max_length = %d, want %d", q.MaxLength, MaxTextLength)
	}
	for _, id := range []string{"phone", "where"} {
		if q, _ := s.Question(id); !q.Sensitive {
			t.Errorf("%s is not sensitive", id)
		}
	}
}

func TestParseValues(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, s *Survey)
	}{
		{
			name: "opens and closes as local time in the time zone",
			src: `
id: t
languages: [uk]
title: {uk: "Т"}
opens: 2026-01-01 09:00
closes: 2026-07-01
questions: [{id: q, type: yesno, text: {uk: "?"}}]`,
			check: func(t *testing.T, s *Survey) {
				if want := time.Date(2026, 1, 1, 9, 0, 0, 0, kyiv); !s.Opens.Equal(want) {
					t.Errorf("opens = %v, want %v", s.Opens, want)
				}
				if want := time.Date(2026, 7, 1, 0, 0, 0, 0, kyiv); !s.Closes.Equal(want) {
					t.Errorf("closes = %v, want %v", s.Closes, want)
				}
			},
		},
		{
			name: "RFC 3339 times and another time zone",
			src: `
id: t
languages: [en]
title: {en: "T"}
timezone: America/New_York
opens: 2026-01-01T09:00:00+02:00
closes: 2026-01-02 09:00:00
responses: many
anonymous: true
questions: [{id: q, type: yesno, text: {en: "?"}}]`,
			check: func(t *testing.T, s *Survey) {
				if want := time.Date(2026, 1, 1, 7, 0, 0, 0, time.UTC); !s.Opens.Equal(want) {
					t.Errorf("opens = %v, want %v", s.Opens, want)
				}
				if want := time.Date(2026, 1, 2, 14, 0, 0, 0, time.UTC); !s.Closes.Equal(want) {
					t.Errorf("closes = %v, want %v", s.Closes, want)
				}
				if !s.Multiple || !s.Anonymous {
					t.Errorf("multiple = %v, anonymous = %v", s.Multiple, s.Anonymous)
				}
			},
		},
		{
			name: "every type with its keys",
			src: `
id: all-types
languages: [uk, en]
title: {uk: "Усі", en: "All"}
questions:
  - {id: one, type: single, text: {uk: "1", en: "1"}, options: [{id: a, uk: "А", en: "A"}], other: {uk: "Інше", en: "Other"}}
  - {id: many, type: multi, min: 1, max: 2, text: {uk: "2", en: "2"}, options: [{id: a, uk: "А", en: "A"}, {id: b, uk: "Б", en: "B"}]}
  - {id: scale, type: scale, from: 0, to: 10, labels: {from: {uk: "Ні", en: "No"}, to: {uk: "Так", en: "Yes"}}, text: {uk: "3", en: "3"}}
  - {id: yn, type: yesno, text: {uk: "4", en: "4"}, sensitive: true}
  - {id: story, type: text, min_length: 2, max_length: 280, text: {uk: "5", en: "5"}}
  - {id: age, type: number, integer: true, min: 0, max: 120.5, text: {uk: "6", en: "6"}}
  - {id: born, type: date, min: 1900-01-01, max: 31.12.2026, text: {uk: "7", en: "7"}}
  - {id: region, type: region, text: {uk: "8", en: "8"}}
  - {id: phone, type: phone, optional: yes, text: {uk: "9", en: "9"}}
  - {id: where, type: location, text: {uk: "10", en: "10"}}
  - {id: note, type: note, text: {uk: "11", en: "11"}}`,
			check: func(t *testing.T, s *Survey) {
				q := s.Questions
				if len(q) != 11 {
					t.Fatalf("%d questions", len(q))
				}
				if len(q[0].Options) != 1 || q[0].Options[0].Label["en"] != "A" || q[0].Other["uk"] != "Інше" {
					t.Errorf("single: %+v", q[0])
				}
				if q[1].MinChoices != 1 || q[1].MaxChoices != 2 {
					t.Errorf("multi: %+v", q[1])
				}
				if q[2].ScaleMin != 0 || q[2].ScaleMax != 10 || q[2].ScaleMinLabel["en"] != "No" || q[2].ScaleMaxLabel["uk"] != "Так" {
					t.Errorf("scale: %+v", q[2])
				}
				if !q[3].Sensitive {
					t.Errorf("yesno: %+v", q[3])
				}
				if q[4].MinLength != 2 || q[4].MaxLength != 280 {
					t.Errorf("text: %+v", q[4])
				}
				if !q[5].Integer || *q[5].Min != 0 || *q[5].Max != 120.5 {
					t.Errorf("number: %+v", q[5])
				}
				if q[6].MinDate != "1900-01-01" || q[6].MaxDate != "2026-12-31" {
					t.Errorf("date: %+v", q[6])
				}
				if !q[8].Optional {
					t.Errorf("phone: %+v", q[8])
				}
			},
		},
		{
			name: "aliases, and conditions in canonical form",
			src: `
id: aliases
languages: [uk]
title: {uk: "Т"}
questions:
  - id: q1
    type: single
    text: {uk: "1"}
    options: &yes-no
      - {id: "yes", uk: "Так"}
      - {id: "no", uk: "Ні"}
  - {id: q2, type: single, text: {uk: "2"}, options: *yes-no}
  - {id: age, type: number, text: {uk: "3"}}
  - {id: born, type: date, text: {uk: "4"}}
  - id: q5
    type: yesno
    text: {uk: "5"}
    show_if:
      all:
        - {question: age, greater_than: 18.50}
        - {question: born, less_than: 01.02.2000}
        - not: {question: q2, one_of: ["yes"]}
        - any: [{question: q1, answered: false}, {question: q1, not_equals: "no"}]`,
			check: func(t *testing.T, s *Survey) {
				if len(s.Questions[1].Options) != 2 {
					t.Errorf("the alias gave %d options", len(s.Questions[1].Options))
				}
				c := s.Questions[4].ShowIf
				want := &Condition{All: []Condition{
					{Question: "age", Op: OpGreater, Value: "18.5"},
					{Question: "born", Op: OpLess, Value: "2000-02-01"},
					{Not: &Condition{Question: "q2", Op: OpOneOf, Values: []string{"yes"}}},
					{Any: []Condition{{Question: "q1", Op: OpAnswered, Value: "false"}, {Question: "q1", Op: OpNotEquals, Value: "no"}}},
				}}
				if got, w := mustJSON(t, c), mustJSON(t, want); got != w {
					t.Errorf("show_if = %s\nwant %s", got, w)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustParse(t, tt.src))
		})
	}
}

func TestChecksum(t *testing.T) {
	a := mustParse(t, minimal)
	b := mustParse(t, "# the same, written otherwise\n"+strings.ReplaceAll(minimal, "{uk: \"Мінімум\", en: \"Minimum\"}", "\n  en: Minimum\n  uk: Мінімум"))
	b.Version = 7
	if a.Checksum() != b.Checksum() {
		t.Error("the same definition written otherwise has another checksum")
	}
	if len(a.Checksum()) != 64 {
		t.Errorf("checksum %q is not hex SHA-256", a.Checksum())
	}
	c := mustParse(t, strings.Replace(minimal, `"Yes?"`, `"Yes, really?"`, 1))
	if a.Checksum() == c.Checksum() {
		t.Error("a changed text keeps the checksum")
	}
}

func TestQuestionAndIsOpen(t *testing.T) {
	s := mustParse(t, minimal+"opens: 2026-01-01 00:00\ncloses: 2026-02-01 00:00\n")
	if q, i := s.Question("q1"); q == nil || i != 0 || q != &s.Questions[0] {
		t.Errorf("Question(q1) = %v, %d", q, i)
	}
	if q, i := s.Question("nope"); q != nil || i != -1 {
		t.Errorf("Question(nope) = %v, %d", q, i)
	}
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before opens", time.Date(2025, 12, 31, 21, 59, 0, 0, time.UTC), false},
		{"at opens", time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC), true},
		{"between", time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), true},
		{"at closes", time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.IsOpen(tt.at); got != tt.want {
				t.Errorf("IsOpen(%v) = %v", tt.at, got)
			}
		})
	}
	if !(&Survey{}).IsOpen(time.Time{}) {
		t.Error("a survey without opens and closes is not open")
	}
}
