package survey

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRegistrationSurveyID(t *testing.T) {
	tests := []struct {
		name     string
		surveyID string
		event    string
		ok       bool
	}{
		{"a registration survey", "event-kharkiv-dialogue", "kharkiv-dialogue", true},
		{"a survey", "reintegration", "", false},
		{"the prefix alone", "event-", "", false},
		{"the prefix elsewhere", "my-event-x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := EventIDOf(tt.surveyID)
			if got != tt.event || ok != tt.ok {
				t.Errorf("EventIDOf(%q) = %q, %v; want %q, %v", tt.surveyID, got, ok, tt.event, tt.ok)
			}
			if ok && RegistrationSurveyID(got) != tt.surveyID {
				t.Errorf("RegistrationSurveyID(%q) = %q", got, RegistrationSurveyID(got))
			}
		})
	}
}

// TestSurveyIDPrefixReserved: a survey file may not take the id of an
// event's registration questions.
func TestSurveyIDPrefixReserved(t *testing.T) {
	_, issues := Parse("s.yaml", []byte(strings.Replace(minimal, "id: minimal", "id: event-minimal", 1)))
	if len(issues) != 1 || issues[0].String() != "s.yaml:2: ids starting with event- are reserved for event registration questions" {
		t.Errorf("issues = %v", issues)
	}
}

const registrationQuestions = `questions:
  - {id: format, type: single, text: {uk: "Як?", en: "How?"}, options: [{id: in_person, uk: "Особисто", en: "In person"}, {id: online, uk: "Онлайн", en: "Online"}]}
  - {id: phone, type: phone, optional: true, text: {uk: "Телефон", en: "Phone"}}
`

func TestRegistration(t *testing.T) {
	e := mustParseEvent(t, eventSrc("registration: {opens: 2027-01-20 09:00, closes: 2027-02-10 12:00}\n"+registrationQuestions))
	got := e.Registration()
	want := &Survey{
		ID:        "event-kyiv-talk",
		Title:     Text{"uk": "Розмова", "en": "Talk"},
		Languages: []string{"uk", "en"},
		TimeZone:  "Europe/Kyiv",
		Opens:     e.Opens,
		Closes:    &e.Closes,
		Multiple:  true,
		Questions: e.Questions,
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("Registration() = %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if got.Opens == e.Opens || got.Closes == &e.Closes {
		t.Error("the registration survey shares its times with the event")
	}
	// The registration survey is a valid survey, which survey files cannot name.
	if _, issues := Parse("reg.yaml", []byte(`id: event-kyiv-talk
languages: [uk, en]
title: {uk: "Т", en: "T"}
questions: [{id: q, type: yesno, text: {uk: "?", en: "?"}}]`)); len(issues) != 1 {
		t.Errorf("a survey file named like a registration: issues = %v", issues)
	}
	for _, tt := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before opens", e.Opens.Add(-time.Second), false},
		{"at opens", *e.Opens, true},
		{"at closes", e.Closes, false},
	} {
		if got.IsOpen(tt.at) != tt.want || e.IsOpen(tt.at) != tt.want {
			t.Errorf("%s: the survey's IsOpen = %v, the event's %v; want %v", tt.name, got.IsOpen(tt.at), e.IsOpen(tt.at), tt.want)
		}
	}
	if r := mustParseEvent(t, eventSrc("")).Registration(); r != nil {
		t.Errorf("an event without questions: Registration() = %+v", r)
	}
}

func TestEventIsOpen(t *testing.T) {
	starts := time.Date(2027, 2, 10, 16, 0, 0, 0, time.UTC)
	opens := starts.Add(-7 * 24 * time.Hour)
	tests := []struct {
		name  string
		event Event
		at    time.Time
		want  bool
	}{
		{"no opens: open at once", Event{Closes: starts, Ends: starts.Add(time.Hour)}, time.Time{}, true},
		{"before opens", Event{Opens: &opens, Closes: starts, Ends: starts.Add(time.Hour)}, opens.Add(-time.Second), false},
		{"at opens", Event{Opens: &opens, Closes: starts, Ends: starts.Add(time.Hour)}, opens, true},
		{"just before closes", Event{Opens: &opens, Closes: starts, Ends: starts.Add(time.Hour)}, starts.Add(-time.Second), true},
		{"at closes", Event{Opens: &opens, Closes: starts, Ends: starts.Add(time.Hour)}, starts, false},
		{"closes at the end", Event{Closes: starts.Add(time.Hour), Ends: starts.Add(time.Hour)}, starts.Add(30 * time.Minute), true},
		{"over, whatever closes says", Event{Closes: starts.Add(2 * time.Hour), Ends: starts.Add(time.Hour)}, starts.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.event.IsOpen(tt.at); got != tt.want {
				t.Errorf("IsOpen(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	e, issues := ParseEventFile("../../events/kharkiv-dialogue.yaml")
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, e) {
		t.Errorf("after a JSON round trip:\n%+v\nwant\n%+v", back, *e)
	}
	if back.Checksum() != e.Checksum() {
		t.Error("the checksum changed in a JSON round trip")
	}
	for _, key := range []string{`"pin":{"lat":49.9935,"lon":36.2304}`, `"reminders":[86400000000000,3600000000000]`, `"feedback":"reintegration"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON has no %s:\n%s", key, b)
		}
	}
}

func TestEventChecksum(t *testing.T) {
	src := eventSrc("place:\n  address: {uk: \"Київ\", en: \"Kyiv\"}\n  lat: 50.45\n  lon: 30.52\n" + registrationQuestions)
	a := mustParseEvent(t, src)
	// The same event written otherwise: other key order, RFC 3339 times, the default reminders named.
	b := mustParseEvent(t, "# the same\n"+strings.NewReplacer(
		`title: {uk: "Розмова", en: "Talk"}`, "title:\n  en: Talk\n  uk: Розмова",
		"starts: 2027-02-10 18:00", "starts: 2027-02-10T16:00:00Z",
	).Replace(src)+"reminders: [1h, 1d]\n")
	if a.Checksum() != b.Checksum() || len(a.Checksum()) != 64 {
		t.Errorf("the same event: checksums %q and %q", a.Checksum(), b.Checksum())
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	local := *a
	local.Starts = a.Starts.In(kyiv)
	if local.Checksum() != a.Checksum() {
		t.Error("the checksum depends on the times' location")
	}
	changes := []struct {
		name   string
		change func(e *Event)
	}{
		{"capacity", func(e *Event) { e.Capacity++ }},
		{"waitlist", func(e *Event) { e.Waitlist = !e.Waitlist }},
		{"starts", func(e *Event) { e.Starts = e.Starts.Add(time.Minute) }},
		{"closes", func(e *Event) { e.Closes = e.Closes.Add(-time.Minute) }},
		{"opens", func(e *Event) { t := e.Starts.Add(-time.Hour); e.Opens = &t }},
		{"reminders", func(e *Event) { e.Reminders = []time.Duration{time.Hour} }},
		{"pin", func(e *Event) { e.Pin = &Pin{Lat: e.Pin.Lat, Lon: e.Pin.Lon + 0.001} }},
		{"address", func(e *Event) { e.Address = Text{"uk": "Львів", "en": "Lviv"} }},
		{"online", func(e *Event) { e.Online = "https://meet.example.org/other" }},
		{"feedback", func(e *Event) { e.Feedback = "reintegration" }},
		{"a question", func(e *Event) {
			e.Questions = slices.Clone(e.Questions)
			e.Questions[1].Optional = false
		}},
	}
	for _, tt := range changes {
		t.Run(tt.name, func(t *testing.T) {
			c := *a
			tt.change(&c)
			if c.Checksum() == a.Checksum() {
				t.Errorf("changing %s keeps the checksum", tt.name)
			}
		})
	}
	if !a.Questions[1].Optional {
		t.Fatal("a change leaked into the event")
	}
}
