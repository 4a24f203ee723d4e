package survey

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const engineSurvey = `
id: engine
languages: [uk, en]
title: {uk: "Рушій", en: "Engine"}
questions:
  - {id: hello, type: note, text: {uk: "Привіт", en: "Hello"}}
  - id: color
    type: single
    text: {uk: "Колір?", en: "Colour?"}
    options: [{id: red, uk: "Червоний", en: "Red"}, {id: blue, uk: "Синій", en: "Blue"}]
    other: {uk: "Інший", en: "Another"}
  - id: tags
    type: multi
    min: 1
    max: 2
    text: {uk: "Теги?", en: "Tags?"}
    options: [{id: a, uk: "А", en: "A"}, {id: b, uk: "Б", en: "B"}, {id: c, uk: "В", en: "C"}]
    other: {uk: "Інше", en: "Other"}
  - {id: yn, type: yesno, text: {uk: "Так?", en: "Yes?"}}
  - {id: reg, type: region, text: {uk: "Де?", en: "Where?"}}
  - {id: mood, type: scale, from: 0, to: 10, text: {uk: "Настрій?", en: "Mood?"}}
  - {id: story, type: text, min_length: 3, max_length: 10, text: {uk: "Історія?", en: "Story?"}}
  - {id: age, type: number, integer: true, min: 14, max: 120, text: {uk: "Вік?", en: "Age?"}}
  - {id: share, type: number, min: 0, max: 100, text: {uk: "Частка?", en: "Share?"}}
  - {id: born, type: date, min: 1900-01-01, max: 2026-12-31, text: {uk: "Дата?", en: "Date?"}}
  - {id: phone, type: phone, optional: true, text: {uk: "Телефон?", en: "Phone?"}}
  - {id: where, type: location, optional: true, text: {uk: "Місце?", en: "Place?"}}
`

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func TestApplyInput(t *testing.T) {
	def := mustParse(t, engineSurvey)
	tests := []struct {
		name       string
		current    string
		selection  []string
		awaitOther bool
		in         Input

		problem    Problem
		limit      string
		saved      *Answer // At is set to t0 before comparing
		current2   string  // the current question after (Asking), "" for the same
		selection2 []string
		await2     bool
		toggled    bool
	}{
		// notes
		{name: "note: Next", current: "hello", in: Input{Kind: InDone}, current2: "color"},
		{name: "note: text", current: "hello", in: Input{Kind: InText, Text: "ok"}, problem: ErrNeedButton},
		{name: "note: skip", current: "hello", in: Input{Kind: InSkip}, problem: ErrStale},
		{name: "note: choose", current: "hello", in: Input{Kind: InChoose, Option: "red"}, problem: ErrStale},
		// single
		{name: "single: choose", current: "color", in: Input{Kind: InChoose, Option: "blue"},
			saved: &Answer{Question: "color", Choice: "blue"}, current2: "tags"},
		{name: "single: choose other", current: "color", in: Input{Kind: InChoose, Option: "other"}, await2: true},
		{name: "single: other again", current: "color", awaitOther: true, in: Input{Kind: InChoose, Option: "other"}, await2: true},
		{name: "single: other text", current: "color", awaitOther: true, in: Input{Kind: InText, Text: "  Зелений "},
			saved: &Answer{Question: "color", Choice: "other", Other: "Зелений"}, current2: "tags"},
		{name: "single: another option instead of the other text", current: "color", awaitOther: true,
			in: Input{Kind: InChoose, Option: "red"}, saved: &Answer{Question: "color", Choice: "red"}, current2: "tags"},
		{name: "single: back from the other text", current: "color", awaitOther: true, in: Input{Kind: InBack}},
		{name: "single: empty other text", current: "color", awaitOther: true, in: Input{Kind: InText, Text: "  "},
			problem: ErrTooShort, limit: "1", await2: true},
		{name: "single: long other text", current: "color", awaitOther: true, in: Input{Kind: InText, Text: strings.Repeat("я", 1001)},
			problem: ErrTooLong, limit: "1000", await2: true},
		{name: "single: text", current: "color", in: Input{Kind: InText, Text: "червоний"}, problem: ErrNeedButton},
		{name: "single: unknown option", current: "color", in: Input{Kind: InChoose, Option: "green"}, problem: ErrStale},
		{name: "single: toggle", current: "color", in: Input{Kind: InToggle, Option: "red"}, problem: ErrStale},
		{name: "single: done", current: "color", in: Input{Kind: InDone}, problem: ErrStale},
		{name: "single: skip required", current: "color", in: Input{Kind: InSkip}, problem: ErrNotOptional},
		{name: "single: contact", current: "color", in: Input{Kind: InContact, Phone: "380501234567", OwnContact: true}, problem: ErrNeedButton},
		{name: "single: sticker", current: "color", in: Input{Kind: InUnsupported}, problem: ErrUnsupported},
		// multi
		{name: "multi: toggle on", current: "tags", in: Input{Kind: InToggle, Option: "c"}, selection2: []string{"c"}, toggled: true},
		{name: "multi: toggle keeps definition order", current: "tags", selection: []string{"c"},
			in: Input{Kind: InToggle, Option: "a"}, selection2: []string{"a", "c"}, toggled: true},
		{name: "multi: toggle off", current: "tags", selection: []string{"a", "c"},
			in: Input{Kind: InToggle, Option: "a"}, selection2: []string{"c"}, toggled: true},
		{name: "multi: toggle past max", current: "tags", selection: []string{"a", "c"},
			in: Input{Kind: InToggle, Option: "b"}, problem: ErrTooMany, limit: "2", selection2: []string{"a", "c"}},
		{name: "multi: toggle unknown", current: "tags", in: Input{Kind: InToggle, Option: "z"}, problem: ErrStale},
		{name: "multi: choose", current: "tags", in: Input{Kind: InChoose, Option: "a"}, problem: ErrStale},
		{name: "multi: done", current: "tags", selection: []string{"a", "c"}, in: Input{Kind: InDone},
			saved: &Answer{Question: "tags", Choices: []string{"a", "c"}}, current2: "yn"},
		{name: "multi: done with none", current: "tags", in: Input{Kind: InDone}, problem: ErrTooFew, limit: "1"},
		{name: "multi: done with other asks its text", current: "tags", selection: []string{"a", "other"},
			in: Input{Kind: InDone}, selection2: []string{"a", "other"}, await2: true},
		{name: "multi: other text", current: "tags", selection: []string{"a", "other"}, awaitOther: true,
			in: Input{Kind: InText, Text: "Д"}, saved: &Answer{Question: "tags", Choices: []string{"a", "other"}, Other: "Д"}, current2: "yn"},
		{name: "multi: toggle while the other text is asked", current: "tags", selection: []string{"a", "other"}, awaitOther: true,
			in: Input{Kind: InToggle, Option: "other"}, selection2: []string{"a"}, toggled: true},
		{name: "multi: text", current: "tags", selection: []string{"a"}, in: Input{Kind: InText, Text: "a"},
			problem: ErrNeedButton, selection2: []string{"a"}},
		// yesno, region, scale
		{name: "yesno: yes", current: "yn", in: Input{Kind: InChoose, Option: "yes"},
			saved: &Answer{Question: "yn", Choice: "yes"}, current2: "reg"},
		{name: "yesno: maybe", current: "yn", in: Input{Kind: InChoose, Option: "maybe"}, problem: ErrStale},
		{name: "region: Kyiv", current: "reg", in: Input{Kind: InChoose, Option: "UA-30"},
			saved: &Answer{Question: "reg", Choice: "UA-30"}, current2: "mood"},
		{name: "region: outside", current: "reg", in: Input{Kind: InChoose, Option: "outside"},
			saved: &Answer{Question: "reg", Choice: "outside"}, current2: "mood"},
		{name: "region: unknown code", current: "reg", in: Input{Kind: InChoose, Option: "UA-99"}, problem: ErrStale},
		{name: "scale: 0", current: "mood", in: Input{Kind: InChoose, Option: "0"},
			saved: &Answer{Question: "mood", Number: num(0)}, current2: "story"},
		{name: "scale: 10", current: "mood", in: Input{Kind: InChoose, Option: "10"},
			saved: &Answer{Question: "mood", Number: num(10)}, current2: "story"},
		{name: "scale: 11", current: "mood", in: Input{Kind: InChoose, Option: "11"}, problem: ErrStale},
		{name: "scale: 05", current: "mood", in: Input{Kind: InChoose, Option: "05"}, problem: ErrStale},
		{name: "scale: typed", current: "mood", in: Input{Kind: InText, Text: "5"}, problem: ErrNeedButton},
		// text
		{name: "text: trimmed", current: "story", in: Input{Kind: InText, Text: "  Привіт  "},
			saved: &Answer{Question: "story", Text: "Привіт"}, current2: "age"},
		{name: "text: 10 letters", current: "story", in: Input{Kind: InText, Text: "ЇжакЇжакЇж"},
			saved: &Answer{Question: "story", Text: "ЇжакЇжакЇж"}, current2: "age"},
		{name: "text: too short", current: "story", in: Input{Kind: InText, Text: "Ок"}, problem: ErrTooShort, limit: "3"},
		{name: "text: blank", current: "story", in: Input{Kind: InText, Text: " \n "}, problem: ErrTooShort, limit: "3"},
		{name: "text: too long", current: "story", in: Input{Kind: InText, Text: "ЇжакЇжакЇжа"}, problem: ErrTooLong, limit: "10"},
		{name: "text: location", current: "story", in: Input{Kind: InLocation, Lat: 1, Lon: 1}, problem: ErrUnsupported},
		{name: "text: button", current: "story", in: Input{Kind: InChoose, Option: "a"}, problem: ErrStale},
		// number
		{name: "number: whole", current: "age", in: Input{Kind: InText, Text: " 42 "},
			saved: &Answer{Question: "age", Number: num(42)}, current2: "share"},
		{name: "number: whole with ,0", current: "age", in: Input{Kind: InText, Text: "42,0"},
			saved: &Answer{Question: "age", Number: num(42)}, current2: "share"},
		{name: "number: decimal where whole", current: "age", in: Input{Kind: InText, Text: "42,5"}, problem: ErrNotInteger},
		{name: "number: words", current: "age", in: Input{Kind: InText, Text: "сорок"}, problem: ErrNotNumber},
		{name: "number: too small", current: "age", in: Input{Kind: InText, Text: "13"}, problem: ErrTooSmall, limit: "14"},
		{name: "number: too big", current: "age", in: Input{Kind: InText, Text: "121"}, problem: ErrTooBig, limit: "120"},
		{name: "number: decimal comma", current: "share", in: Input{Kind: InText, Text: "12,5"},
			saved: &Answer{Question: "share", Number: num(12.5)}, current2: "born"},
		{name: "number: decimal point", current: "share", in: Input{Kind: InText, Text: "0.25"},
			saved: &Answer{Question: "share", Number: num(0.25)}, current2: "born"},
		{name: "number: above a decimal max", current: "share", in: Input{Kind: InText, Text: "100,5"}, problem: ErrTooBig, limit: "100"},
		{name: "number: below zero", current: "share", in: Input{Kind: InText, Text: "-1"}, problem: ErrTooSmall, limit: "0"},
		{name: "number: contact", current: "share", in: Input{Kind: InContact}, problem: ErrUnsupported},
		// date
		{name: "date: DD.MM.YYYY", current: "born", in: Input{Kind: InText, Text: "24.02.2022"},
			saved: &Answer{Question: "born", Date: "2022-02-24"}, current2: "phone"},
		{name: "date: ISO", current: "born", in: Input{Kind: InText, Text: "1991-08-24"},
			saved: &Answer{Question: "born", Date: "1991-08-24"}, current2: "phone"},
		{name: "date: not a date", current: "born", in: Input{Kind: InText, Text: "31.02.2022"}, problem: ErrNotDate},
		{name: "date: too early", current: "born", in: Input{Kind: InText, Text: "31.12.1899"}, problem: ErrTooSmall, limit: "1900-01-01"},
		{name: "date: too late", current: "born", in: Input{Kind: InText, Text: "01.01.2027"}, problem: ErrTooBig, limit: "2026-12-31"},
		{name: "date: location", current: "born", in: Input{Kind: InLocation}, problem: ErrUnsupported},
		// phone
		{name: "phone: own contact", current: "phone", in: Input{Kind: InContact, Phone: "380501234567", OwnContact: true},
			saved: &Answer{Question: "phone", Phone: "+380501234567"}, current2: "where"},
		{name: "phone: someone else's", current: "phone", in: Input{Kind: InContact, Phone: "380501234567"}, problem: ErrNotOwnPhone},
		{name: "phone: typed", current: "phone", in: Input{Kind: InText, Text: "+380501234567"}, problem: ErrNeedPhone},
		{name: "phone: not a number", current: "phone", in: Input{Kind: InContact, Phone: "12", OwnContact: true}, problem: ErrNeedPhone},
		{name: "phone: location", current: "phone", in: Input{Kind: InLocation, Lat: 50, Lon: 30}, problem: ErrNeedPhone},
		{name: "phone: skip", current: "phone", in: Input{Kind: InSkip},
			saved: &Answer{Question: "phone", Skipped: true}, current2: "where"},
		// location
		{name: "location: shared", current: "where", in: Input{Kind: InLocation, Lat: 50.4501, Lon: 30.5234},
			saved: &Answer{Question: "where", Lat: num(50.4501), Lon: num(30.5234)}, current2: "color"}, // back to the first unanswered
		{name: "location: off the globe", current: "where", in: Input{Kind: InLocation, Lat: 91, Lon: 30}, problem: ErrNeedLocation},
		{name: "location: typed", current: "where", in: Input{Kind: InText, Text: "Київ"}, problem: ErrNeedLocation},
		{name: "location: contact", current: "where", in: Input{Kind: InContact, OwnContact: true, Phone: "380501234567"}, problem: ErrNeedLocation},
		// anywhere while asking
		{name: "back", current: "color", in: Input{Kind: InBack}, current2: "hello"},
		{name: "back on the first", current: "hello", in: Input{Kind: InBack}, problem: ErrNoBack},
		{name: "resume re-shows", current: "color", in: Input{Kind: InResume}},
		{name: "confirm while asking", current: "color", in: Input{Kind: InConfirm}, problem: ErrStale},
		{name: "edit while asking", current: "story", in: Input{Kind: InEdit, Question: "color"}, problem: ErrStale},
		{name: "an unknown kind", current: "story", in: Input{Kind: "wave"}, problem: ErrStale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rebuild(def, 1, "uk", nil, tt.current, Asking, 5)
			s.Selection, s.AwaitOther = tt.selection, tt.awaitOther
			before := mustJSON(t, s)
			tt.in.At = t0
			got, res := Apply(def, s, tt.in)
			if mustJSON(t, s) != before {
				t.Fatal("Apply changed its input")
			}
			if res.Problem != tt.problem || res.Limit != tt.limit {
				t.Errorf("problem %q (limit %q), want %q (limit %q)", res.Problem, res.Limit, tt.problem, tt.limit)
			}
			if tt.problem != NoProblem {
				if !reflect.DeepEqual(got, s) {
					t.Errorf("a rejected input changed the session:\n%s\nwas\n%s", mustJSON(t, got), before)
				}
				return
			}
			if tt.saved != nil {
				tt.saved.At = t0
			}
			if g, w := mustJSON(t, res.Saved), mustJSON(t, tt.saved); g != w {
				t.Errorf("saved %s, want %s", g, w)
			}
			if reflect.DeepEqual(got, s) {
				// nothing changed (Resume, Other tapped again): nothing to bump
			} else if got.Seq != s.Seq+1 {
				t.Errorf("seq %d after %d", got.Seq, s.Seq)
			}
			want := tt.current2
			if want == "" {
				want = tt.current
			}
			if got.Current != want {
				t.Errorf("current %q, want %q", got.Current, want)
			}
			if !reflect.DeepEqual(got.Selection, tt.selection2) || got.AwaitOther != tt.await2 || res.Toggled != tt.toggled {
				t.Errorf("selection %v await %v toggled %v; want %v %v %v",
					got.Selection, got.AwaitOther, res.Toggled, tt.selection2, tt.await2, tt.toggled)
			}
		})
	}
}
