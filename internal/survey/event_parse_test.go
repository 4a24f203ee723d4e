package survey

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// baseEvent is a valid event, one key a line; eventSrc changes it.
const baseEvent = `id: kyiv-talk
languages: [uk, en]
title: {uk: "Розмова", en: "Talk"}
starts: 2027-02-10 18:00
ends: 2027-02-10 20:00
online: https://meet.example.org/abc
capacity: 40
`

// eventSrc returns baseEvent with changes: each top-level key of changes
// (with its indented lines) replaces the line of that key in place, or is
// added at the end when baseEvent has no such key. So a replaced key keeps
// its line (1 to 7) and added keys start at line 8.
func eventSrc(changes string) string {
	var order []string
	blocks := map[string]string{}
	key := ""
	for ln := range strings.Lines(strings.TrimPrefix(changes, "\n")) {
		if ln != "" && ln[0] != ' ' && ln[0] != '-' {
			key, _, _ = strings.Cut(ln, ":")
			if _, ok := blocks[key]; !ok {
				order = append(order, key)
			}
		}
		blocks[key] += ln
	}
	var b strings.Builder
	for ln := range strings.Lines(baseEvent) {
		k, _, _ := strings.Cut(ln, ":")
		if c, ok := blocks[k]; ok {
			b.WriteString(strings.TrimSuffix(c, "\n") + "\n")
			delete(blocks, k)
			continue
		}
		b.WriteString(ln)
	}
	for _, k := range order {
		if c, ok := blocks[k]; ok {
			b.WriteString(strings.TrimSuffix(c, "\n") + "\n")
		}
	}
	return b.String()
}

// mustParseEvent parses an inline event that must be valid.
func mustParseEvent(t testing.TB, src string) *Event {
	t.Helper()
	e, issues := ParseEvent("event.yaml", []byte(src))
	for _, i := range issues {
		t.Error(i)
	}
	if e == nil {
		t.Fatalf("no event from:\n%s", src)
	}
	return e
}

func TestEventSrc(t *testing.T) {
	got := eventSrc("capacity: 5\nwaitlist: true\nplace:\n  address: {uk: a}\n")
	want := strings.Replace(baseEvent, "capacity: 40", "capacity: 5", 1) + "waitlist: true\nplace:\n  address: {uk: a}\n"
	if got != want {
		t.Errorf("eventSrc:\n%s\nwant:\n%s", got, want)
	}
}

// TestParseEventBad checks, rule by rule, the issues of a bad event: each
// want is "line: part of the message", all of them in order and no others.
func TestParseEventBad(t *testing.T) {
	tests := []struct {
		name string
		src  string // given to eventSrc, or the whole file when full
		full bool
		want []string
	}{
		// The file.
		{name: "an empty file", full: true, src: "",
			want: []string{"0: the file is empty; an event starts with id, languages, title, starts, ends, place or online, and capacity"}},
		{name: "a comment only", full: true, src: "# nothing\n",
			want: []string{"0: the file is empty"}},
		{name: "a list instead of a mapping", full: true, src: "- id: x\n",
			want: []string{"1: an event must be a mapping of keys, like id: …"}},
		{name: "a YAML syntax error", full: true, src: "id: [x\n",
			want: []string{"1: YAML syntax: did not find expected ',' or ']'"}},
		{name: "two documents", full: true, src: baseEvent + "---\nid: again\n",
			want: []string{`8: one event per file: remove the second document (after "---")`}},

		// Keys.
		{name: "missing id", src: "id:", want: []string{`1: missing "id"`}},
		{name: "missing languages", src: "languages:",
			want: []string{`1: missing "languages"`, `2: languages is empty; list at least one, like [uk, en]`}},
		{name: "missing title", src: "title:", want: []string{`1: missing "title"`}},
		{name: "missing starts", src: "starts:", want: []string{`1: missing "starts"`}},
		{name: "missing ends", src: "ends:", want: []string{`1: missing "ends"`}},
		{name: "missing capacity", src: "capacity:", want: []string{`1: missing "capacity" (a number of seats, or unlimited)`}},
		{name: "neither place nor online", src: "online:", want: []string{`1: missing "place" or "online": say where the event happens`}},
		{name: "a typo in a key", src: "capasity: 30",
			want: []string{`8: unknown key "capasity" (did you mean "capacity"?)`}},
		{name: "an unknown key", src: "colour: red", want: []string{`8: unknown key "colour"`}},
		{name: "a repeated key", src: "waitlist: true\nwaitlist: false",
			want: []string{`9: key "waitlist" is repeated (first on line 8)`}},
		{name: "opens at the top", src: "opens: 2027-01-20 09:00",
			want: []string{`8: "opens" goes under registration:, like registration: {opens: 2027-01-20 09:00}`}},
		{name: "intro instead of description", src: `intro: {uk: "В", en: "I"}`,
			want: []string{`8: "intro" is a survey key; an event has "description"`}},
		{name: "address at the top", src: `address: {uk: "А", en: "A"}`,
			want: []string{`8: "address" goes under place:`}},
		{name: "anonymous", src: "anonymous: true",
			want: []string{`8: "anonymous" does not apply to an event: registration is never anonymous`}},
		{name: "responses", src: "responses: many",
			want: []string{`8: "responses" does not apply to an event`}},

		// Ids and texts.
		{name: "a bad event id", src: "id: Kyiv Talk",
			want: []string{`1: event id "Kyiv Talk" may contain only a-z, 0-9, "-" and "_"`}},
		{name: "an event id too long", src: "id: " + strings.Repeat("a", 57),
			want: []string{fmt.Sprintf(`1: event id %q is 57 characters; at most 56 (deep links carry it)`, strings.Repeat("a", 57))}},
		{name: "an id a list", src: "id: [a, b]", want: []string{`1: "id" must be a single value, not a list or mapping`}},
		{name: "languages a word", src: "languages: uk", want: []string{`2: "languages" must be a list, like [uk, en]`}},
		{name: "ua is not a language", src: `languages: [ua]`,
			want: []string{`2: language "ua" is not a language code; Ukrainian is "uk"`}},
		{name: "uk not first", src: `languages: [en, uk]`,
			want: []string{`2: "uk" must come first in languages`}},
		{name: "title a string", src: "title: Talk",
			want: []string{`3: "title" must give the text per language, like {uk: "…", en: "…"}`}},
		{name: "title without a language", src: `title: {uk: "Розмова"}`,
			want: []string{`3: title: missing the "en" text`}},
		{name: "title too long", src: fmt.Sprintf(`title: {uk: "Р", en: %q}`, strings.Repeat("T", 121)),
			want: []string{`3: title: the "en" text is 121 characters; at most 120`}},
		{name: "description in another language", src: "description:\n  uk: \"Опис\"\n  ru: \"Описание\"",
			want: []string{`9: description: missing the "en" text`, `10: description: "ru" is not one of the languages (uk, en)`}},
		{name: "description empty in a language", src: `description: {uk: "Опис", en: ""}`,
			want: []string{`8: description: the "en" text is empty`}},

		// Times.
		{name: "an unknown time zone", src: "timezone: Europe/Kiev2",
			want: []string{`8: unknown time zone "Europe/Kiev2"; use an IANA name like Europe/Kyiv`}},
		{name: "starts not a time", src: "starts: 10 лютого",
			want: []string{`4: starts: "10 лютого" is not a time; write it like 2027-02-10 18:00 (local time in the event's time zone)`}},
		{name: "ends a mapping", src: "ends: {at: 20}",
			want: []string{`5: "ends" must be a single value, not a list or mapping`}},
		{name: "ends before starts", src: "ends: 2027-02-10 17:00",
			want: []string{`5: ends (2027-02-10 17:00) must be later than starts (2027-02-10 18:00)`}},
		{name: "ends at starts", src: "ends: 2027-02-10 18:00",
			want: []string{`5: ends (2027-02-10 18:00) must be later than starts (2027-02-10 18:00)`}},
		{name: "registration closes after ends", src: "registration: {closes: 2027-02-10 21:00}",
			want: []string{`8: registration: closes (2027-02-10 21:00) must not be later than ends (2027-02-10 20:00)`}},
		{name: "registration opens after it closes", src: "registration:\n  opens: 2027-02-10 13:00\n  closes: 2027-02-10 12:00",
			want: []string{`10: registration: closes (2027-02-10 12:00) must be later than opens (2027-02-10 13:00)`}},
		{name: "registration opens after the event starts", src: "registration:\n  opens: 2027-02-11 09:00",
			want: []string{`9: registration: opens (2027-02-11 09:00) must be before registration closes (2027-02-10 18:00, when the event starts)`}},
		{name: "registration closes not a time", src: "registration: {closes: soon}",
			want: []string{`8: registration: closes: "soon" is not a time`}},
		{name: "a typo in registration", src: "registration: {open: 2027-01-20}",
			want: []string{`8: registration: unknown key "open" (did you mean "opens"?)`}},
		{name: "registration a word", src: "registration: open",
			want: []string{`8: "registration" must be a mapping, like {opens: 2027-01-20 09:00, closes: 2027-02-10 12:00}`}},

		// Place and link.
		{name: "a link without a scheme", src: "online: meet.example.org/abc",
			want: []string{`6: online: "meet.example.org/abc" is not a web link; write it in full, like https://meet.example.org/abc`}},
		{name: "a link not on the web", src: "online: ftp://files.example.org/x",
			want: []string{`6: online: "ftp://files.example.org/x" is not a web link`}},
		{name: "a link without a host", src: "online: https:///abc",
			want: []string{`6: online: "https:///abc" is not a web link`}},
		{name: "place without an address", src: "place:\n  lat: 50.45\n  lon: 30.52",
			want: []string{`9: place: missing "address"`}},
		{name: "place a word", src: "place: Kyiv",
			want: []string{`8: "place" must be a mapping, like {address: {uk: "…", en: "…"}, lat: 49.99, lon: 36.23}`}},
		{name: "an address without a language", src: "place:\n  address: {uk: \"Київ\"}",
			want: []string{`9: place: address: missing the "en" text`}},
		{name: "lat without lon", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: 50.45",
			want: []string{`10: place: lat and lon go together; add lon`}},
		{name: "lon without lat", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lon: 30.52",
			want: []string{`10: place: lat and lon go together; add lat`}},
		{name: "lat out of range", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: 91\n  lon: 30.52",
			want: []string{`10: place: lat 91 is out of range; a latitude is from -90 to 90`}},
		{name: "lon out of range", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: 50.45\n  lon: -180.5",
			want: []string{`11: place: lon -180.5 is out of range; a longitude is from -180 to 180`}},
		{name: "lat not a number", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: north\n  lon: 30.52",
			want: []string{`10: place: "lat" must be a number`}},
		{name: "lng for lon", src: "place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: 50.45\n  lng: 30.52",
			want: []string{`10: place: lat and lon go together; add lon`, `11: place: unknown key "lng"; write the longitude as "lon"`}},
		{name: "a typo in place", src: "place:\n  adress: {uk: \"Київ\", en: \"Kyiv\"}",
			want: []string{`9: place: unknown key "adress" (did you mean "address"?)`, `9: place: missing "address"`}},

		// Seats.
		{name: "capacity 0", src: "capacity: 0",
			want: []string{`7: capacity must be 1 or more, or unlimited; not 0`}},
		{name: "capacity negative", src: "capacity: -5",
			want: []string{`7: capacity must be 1 or more, or unlimited; not -5`}},
		{name: "capacity a word", src: "capacity: forty",
			want: []string{`7: "capacity" must be a number of seats, or unlimited, not "forty"`}},
		{name: "capacity a fraction", src: "capacity: 40.5",
			want: []string{`7: "capacity" must be a number of seats, or unlimited, not "40.5"`}},
		{name: "capacity Unlimited", src: "capacity: Unlimited",
			want: []string{`7: "capacity" must be a number of seats, or unlimited, not "Unlimited" (did you mean "unlimited"?)`}},
		{name: "capacity a list", src: "capacity: [40]",
			want: []string{`7: "capacity" must be a number of seats, or unlimited`}},
		{name: "waitlist not a boolean", src: "waitlist: maybe",
			want: []string{`8: "waitlist" must be true or false`}},
		{name: "a waitlist with unlimited seats", src: "capacity: unlimited\nwaitlist: true",
			want: []string{`8: waitlist: true needs a number of seats; with unlimited capacity everyone gets one`}},

		// Reminders.
		{name: "reminders a word", src: "reminders: 24h",
			want: []string{`8: "reminders" must be a list, like [24h, 1h]`}},
		{name: "a reminder not a duration", src: "reminders: [2 days, 60]",
			want: []string{`8: reminders: "2 days" is not a duration; write it like 24h, 90m, 1h30m or 2d`,
				`8: reminders: "60" is not a duration`}},
		{name: "a reminder with days in the wrong place", src: "reminders: [12h1d, 1.5d, d]",
			want: []string{`8: reminders: "12h1d" is not a duration`, `8: reminders: "1.5d" is not a duration`, `8: reminders: "d" is not a duration`}},
		{name: "a reminder not positive", src: "reminders: [0s, -1h, -1d]",
			want: []string{`8: reminders: 0s must be positive`, `8: reminders: -1h must be positive`, `8: reminders: -1d must be positive`}},
		{name: "a reminder too early", src: "reminders: [30d, 30d1s, 720h1m]",
			want: []string{`8: reminders: 30d1s is too early; at most 30d before the event`, `8: reminders: 720h1m is too early`}},
		{name: "a reminder listed twice", src: "reminders:\n  - 24h\n  - 1h\n  - 1d",
			want: []string{`11: reminders: 1d is listed twice (first on line 9)`}},
		{name: "a reminder in milliseconds", src: "reminders: [1500ms]",
			want: []string{`8: reminders: 1500ms is not a whole number of seconds`}},

		// Feedback.
		{name: "a feedback id that is no survey id", src: "feedback: Local Elections",
			want: []string{`8: feedback: survey id "Local Elections" may contain only a-z, 0-9, "-" and "_"`}},
		{name: "feedback by a registration", src: "feedback: event-other",
			want: []string{`8: feedback: "event-other" is not a survey; ids starting with event- are reserved for event registration questions`}},

		// Registration questions: the rules of a survey's questions.
		{name: "questions not a list", src: "questions: {id: q}",
			want: []string{`8: "questions" must be a list, like [{id: …, type: …, text: …}]`}},
		{name: "question problems", src: `questions:
  - id: role
    type: single
    text: {uk: "Хто ви?"}
    options:
      - {id: resident, uk: "Мешканець", en: "Resident"}
      - {id: resident, uk: "Переселенець", en: "Displaced"}
  - id: topics
    type: multiple
    text: {uk: "Теми", en: "Topics"}
  - id: role
    type: text
    optonal: true
    text: {uk: "Ще", en: "More"}
    show_if: {question: rol, equals: x}`,
			want: []string{
				`11: question "role": text: missing the "en" text`,
				`14: question "role": option id "resident" is used twice`,
				`16: question "topics": unknown type "multiple" (did you mean "multi"?)`,
				`18: question id "role" is used twice (first on line 9)`,
				`20: question "role": unknown key "optonal" (did you mean "optional"?)`,
				`22: question "role": show_if: no question "rol" (did you mean "role"?)`,
			}},
		{name: "only notes", src: "questions:\n  - {id: info, type: note, text: {uk: \"До уваги\", en: \"Note\"}}",
			want: []string{`9: the registration questions are only notes; add a question to answer, or remove them`}},
		{name: "a question without a language of the event", src: "languages: [uk]\ntitle: {uk: \"Розмова\"}\nquestions:\n  - {id: q, type: yesno, text: {uk: \"Так?\", en: \"Yes?\"}}",
			want: []string{`9: question "q": text: "en" is not one of the languages (uk)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if !tt.full {
				src = eventSrc(src)
			}
			e, issues := ParseEvent("event.yaml", []byte(src))
			if e != nil {
				t.Error("got an event despite issues")
			}
			var got []string
			for _, i := range issues {
				got = append(got, i.String())
			}
			ok := len(got) == len(tt.want)
			for j := 0; ok && j < len(got); j++ {
				line, msg, _ := strings.Cut(tt.want[j], ": ")
				prefix := "event.yaml:" + line + ": "
				if line == "0" {
					prefix = "event.yaml: "
				}
				ok = strings.HasPrefix(got[j], prefix) && strings.Contains(strings.TrimPrefix(got[j], prefix), msg)
			}
			if !ok {
				t.Errorf("issues:\n%s\nwant:\n%s\nfile:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), src)
			}
		})
	}
}

// TestParseEventValues checks what valid files decode to.
func TestParseEventValues(t *testing.T) {
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	at := func(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, loc).UTC()
	}
	tests := []struct {
		name  string
		src   string
		check func(t *testing.T, e *Event)
	}{
		{
			name: "defaults",
			src:  eventSrc(""),
			check: func(t *testing.T, e *Event) {
				if e.TimeZone != DefaultTimeZone || e.Opens != nil || e.Waitlist || e.Feedback != "" || e.Pin != nil || e.Address != nil {
					t.Errorf("defaults: %+v", e)
				}
				if want := at(kyiv, 2027, 2, 10, 18, 0); !e.Starts.Equal(want) || e.Starts.Location() != time.UTC {
					t.Errorf("starts = %v, want %v in UTC", e.Starts, want)
				}
				if !e.Closes.Equal(e.Starts) {
					t.Errorf("closes = %v, want starts %v", e.Closes, e.Starts)
				}
				if !slices.Equal(e.Reminders, []time.Duration{24 * time.Hour, time.Hour}) {
					t.Errorf("reminders = %v, want [24h 1h]", e.Reminders)
				}
				if e.Capacity != 40 || e.Online != "https://meet.example.org/abc" {
					t.Errorf("capacity = %d, online = %q", e.Capacity, e.Online)
				}
			},
		},
		{
			name: "reminders with days, largest first",
			src:  eventSrc("reminders: [1h, 2d, 1d12h, 90m, 45s, 30d]"),
			check: func(t *testing.T, e *Event) {
				want := []time.Duration{30 * 24 * time.Hour, 48 * time.Hour, 36 * time.Hour, 90 * time.Minute, time.Hour, 45 * time.Second}
				if !slices.Equal(e.Reminders, want) {
					t.Errorf("reminders = %v, want %v", e.Reminders, want)
				}
			},
		},
		{
			name: "no reminders",
			src:  eventSrc("reminders: []"),
			check: func(t *testing.T, e *Event) {
				if e.Reminders == nil || len(e.Reminders) != 0 {
					t.Errorf("reminders = %#v, want empty", e.Reminders)
				}
				if got := mustJSON(t, e); !strings.Contains(got, `"reminders":[]`) {
					t.Errorf("JSON %s has no empty reminders", got)
				}
			},
		},
		{
			name: "unlimited seats, a place only, another time zone, RFC 3339",
			src: eventSrc(`online:
capacity: unlimited
timezone: America/New_York
starts: 2027-02-10T18:00:00+02:00
ends: 2027-02-10 20:00
place:
  address: {uk: "Київ, вул. Хрещатик, 36", en: "Kyiv, 36 Khreshchatyk St"}
  lat: 50.4501
  lon: 30.5234
registration:
  opens: 2027-01-20
  closes: 2027-02-10 11:59`),
			check: func(t *testing.T, e *Event) {
				ny, _ := time.LoadLocation("America/New_York")
				if e.Capacity != 0 || e.Online != "" || e.TimeZone != "America/New_York" {
					t.Errorf("capacity %d, online %q, timezone %q", e.Capacity, e.Online, e.TimeZone)
				}
				if want := time.Date(2027, 2, 10, 16, 0, 0, 0, time.UTC); !e.Starts.Equal(want) {
					t.Errorf("starts = %v, want %v", e.Starts, want)
				}
				if want := at(ny, 2027, 2, 10, 20, 0); !e.Ends.Equal(want) {
					t.Errorf("ends = %v, want %v", e.Ends, want)
				}
				if want := at(ny, 2027, 1, 20, 0, 0); e.Opens == nil || !e.Opens.Equal(want) {
					t.Errorf("opens = %v, want %v", e.Opens, want)
				}
				if want := at(ny, 2027, 2, 10, 11, 59); !e.Closes.Equal(want) {
					t.Errorf("closes = %v, want %v", e.Closes, want)
				}
				if e.Pin == nil || *e.Pin != (Pin{Lat: 50.4501, Lon: 30.5234}) || e.Address["en"] != "Kyiv, 36 Khreshchatyk St" {
					t.Errorf("pin %v, address %v", e.Pin, e.Address)
				}
			},
		},
		{
			name: "registration may close when the event ends",
			src:  eventSrc("registration: {closes: 2027-02-10 20:00}"),
			check: func(t *testing.T, e *Event) {
				if !e.Closes.Equal(e.Ends) {
					t.Errorf("closes = %v, want ends %v", e.Closes, e.Ends)
				}
			},
		},
		{
			name: "phone and location questions, conditions in canonical form",
			src: eventSrc(`questions:
  - {id: phone, type: phone, optional: true, text: {uk: "Телефон", en: "Phone"}}
  - {id: where, type: location, text: {uk: "Звідки ви?", en: "Where from?"}}
  - {id: age, type: number, text: {uk: "Вік", en: "Age"}}
  - {id: adult, type: yesno, show_if: {question: age, greater_than: 17.50}, text: {uk: "?", en: "?"}}`),
			check: func(t *testing.T, e *Event) {
				if len(e.Questions) != 4 || !e.Questions[0].Sensitive || !e.Questions[1].Sensitive {
					t.Errorf("questions: %+v", e.Questions)
				}
				if c := e.Questions[3].ShowIf; c == nil || c.Value != "17.5" {
					t.Errorf("show_if = %+v, want the value 17.5", c)
				}
			},
		},
		{
			name: "an empty list of questions",
			src:  eventSrc("questions: []"),
			check: func(t *testing.T, e *Event) {
				if len(e.Questions) != 0 || e.Registration() != nil {
					t.Errorf("questions %v, registration %v", e.Questions, e.Registration())
				}
			},
		},
		{
			name: "an event id of 56 characters",
			src:  eventSrc("id: " + strings.Repeat("a", 56)),
			check: func(t *testing.T, e *Event) {
				if len(RegistrationSurveyID(e.ID)) != maxSurveyID {
					t.Errorf("registration survey id %q", RegistrationSurveyID(e.ID))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, mustParseEvent(t, tt.src))
		})
	}
}

// TestExampleEvents loads events/ as the bot does: the example is valid,
// and its registration questions make a valid survey.
func TestExampleEvents(t *testing.T) {
	events, issues := LoadEvents("../../events")
	for _, i := range issues {
		t.Error(i)
	}
	if len(events) != 1 {
		t.Fatalf("loaded %d events, want 1", len(events))
	}
	e := events[0]
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	if e.ID != "kharkiv-dialogue" || !slices.Equal(e.Languages, []string{"uk", "en"}) ||
		!e.Starts.Equal(time.Date(2027, 2, 10, 18, 0, 0, 0, kyiv)) || !e.Ends.Equal(time.Date(2027, 2, 10, 20, 0, 0, 0, kyiv)) ||
		e.Opens == nil || !e.Opens.Equal(time.Date(2026, 11, 1, 9, 0, 0, 0, kyiv)) || !e.Closes.Equal(time.Date(2027, 2, 10, 12, 0, 0, 0, kyiv)) ||
		e.Capacity != 40 || !e.Waitlist || e.Pin == nil || e.Online == "" || e.Address["en"] == "" ||
		!slices.Equal(e.Reminders, []time.Duration{24 * time.Hour, time.Hour}) || len(e.Questions) != 2 {
		t.Errorf("the example: %+v", e)
	}
	surveys, issues := Load("../../surveys")
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	if e.Feedback != "" && !slices.ContainsFunc(surveys, func(s *Survey) bool { return s.ID == e.Feedback }) {
		t.Errorf("feedback survey %q is not in surveys/", e.Feedback)
	}
	reg := e.Registration()
	data := []byte(mustJSON(t, reg))
	if reg == nil || len(data) == 0 {
		t.Fatal("no registration survey")
	}
}

func TestLoadEvents(t *testing.T) {
	events, issues := LoadEvents("testdata/events/load")
	var got []string
	for _, i := range issues {
		got = append(got, i.String())
	}
	want := []string{
		`testdata/events/load/b.yml:1: event id "same" is already used by testdata/events/load/a.yaml`,
		`testdata/events/load/c.yaml:1: YAML syntax: did not find expected ',' or ']'`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"same", "other"}) || events[0].Capacity != 0 {
		t.Errorf("events = %v, want same (from a.yaml, unlimited) and other", ids)
	}
	_, issues = LoadEvents("testdata/no-such-dir")
	if len(issues) != 1 || issues[0].String() != "testdata/no-such-dir: cannot read: no such file or directory" {
		t.Errorf("a missing directory: issues = %v", issues)
	}
	_, issues = ParseEventFile("testdata/events/no-such-file.yaml")
	if len(issues) != 1 || issues[0].String() != "testdata/events/no-such-file.yaml: cannot read: no such file or directory" {
		t.Errorf("a missing file: issues = %v", issues)
	}
}
