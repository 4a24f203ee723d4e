package export_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/survey"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// key is the pseudonym key of the tests.
var key = []byte("test-pseudonym-key-0123456789abcdef")

// t0 is the fixed clock of the fixture: 1 March 2026, 10:00 UTC (12:00 in Kyiv).
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

func num(f float64) *float64 { return &f }

// Telegram ids of the fixture's citizens: none may appear in an export.
const (
	olenaTG  = 5_000_000_001
	petroTG  = 5_000_000_002
	marynaTG = 5_000_000_003
)

// The typed texts of the fixture: Cyrillic, commas, quotes, line breaks and
// a formula.
const (
	otherTopic = "ремонт, \"дороги\"\nі тротуари"
	comment    = "Сказав \"так\", потім — ні;\r\nа ще: =1+2"
	formula    = "=HYPERLINK(\"http://x\")"
)

// fixture is the city survey (two versions) with four responses:
//
//  1. Olena, version 1, completed: every question, the home branch shown,
//     "other" in topics, comment skipped, pets (only in version 1);
//  2. Petro, version 2, completed: "other" district, the branch hidden,
//     optional questions skipped, a comment with quotes, a line break and a formula;
//  3. Maryna, version 2, a draft stopped at topics;
//  4. Olena again, in the mood survey (anonymous).
type fixture struct {
	st       *store.Store
	v1, v2   *survey.Survey
	mood     *survey.Survey
	citizens map[int64]store.Citizen
}

func parse(t testing.TB, name string) *survey.Survey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	def, issues := survey.Parse(name, data)
	if len(issues) > 0 {
		t.Fatalf("%s: %v", name, issues)
	}
	return def
}

const moodYAML = `
id: mood
languages: [uk]
title: {uk: "Настрій"}
anonymous: true
responses: many
questions:
  - id: mood
    type: scale
    from: 1
    to: 3
    text: {uk: "Як ви?"}
`

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{st: storetest.New(t), citizens: map[int64]store.Citizen{}}
	f.v1 = f.save(t, parse(t, "city-v1.yaml"))
	f.v2 = f.save(t, parse(t, "city-v2.yaml"))
	mood, issues := survey.Parse("mood.yaml", []byte(moodYAML))
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	f.mood = f.save(t, mood)
	for _, tg := range []int64{olenaTG, petroTG, marynaTG} {
		c, err := f.st.GiveConsent(t.Context(), tg, "uk", "2026-01", t0)
		if err != nil {
			t.Fatal(err)
		}
		f.citizens[tg] = c
	}

	f.respond(t, f.v1, olenaTG, "uk", "deeplink", at(0), at(7).Add(1500*time.Millisecond), "",
		survey.Answer{Question: "district", Choice: "center"},
		survey.Answer{Question: "displaced", Choice: "yes"},
		survey.Answer{Question: "home", Choice: "UA-14"},
		survey.Answer{Question: "topics", Choices: []string{"roads", "other"}, Other: otherTopic},
		survey.Answer{Question: "trust", Number: num(4)},
		survey.Answer{Question: "age", Number: num(35)},
		survey.Answer{Question: "moved_on", Date: "2022-03-01"},
		survey.Answer{Question: "comment", Skipped: true},
		survey.Answer{Question: "income", Number: num(12000.5)},
		survey.Answer{Question: "phone", Phone: "+380501234567"},
		survey.Answer{Question: "where", Lat: num(50.4501), Lon: num(30.5234)},
		survey.Answer{Question: "pets", Choice: "yes"},
	)
	f.respond(t, f.v2, petroTG, "en", "broadcast:7", at(60), at(64), "",
		survey.Answer{Question: "district", Choice: "other", Other: formula},
		survey.Answer{Question: "displaced", Choice: "no"},
		survey.Answer{Question: "topics", Choices: []string{"parks", "transport"}},
		survey.Answer{Question: "trust", Number: num(2)},
		survey.Answer{Question: "age", Number: num(70)},
		survey.Answer{Question: "moved_on", Skipped: true},
		survey.Answer{Question: "comment", Text: comment},
		survey.Answer{Question: "income", Skipped: true},
		survey.Answer{Question: "phone", Skipped: true},
		survey.Answer{Question: "where", Skipped: true},
		survey.Answer{Question: "priority", Choice: "now"},
	)
	f.respond(t, f.v2, marynaTG, "uk", "menu", at(120), time.Time{}, "topics",
		survey.Answer{Question: "district", Choice: "north"},
		survey.Answer{Question: "displaced", Choice: "no"},
	)
	f.respond(t, f.mood, olenaTG, "uk", "menu", at(200), at(201), "", survey.Answer{Question: "mood", Number: num(3)})
	f.respond(t, f.mood, olenaTG, "uk", "menu", at(300), at(301), "", survey.Answer{Question: "mood", Number: num(1)})
	return f
}

func (f *fixture) save(t testing.TB, def *survey.Survey) *survey.Survey {
	t.Helper()
	v, _, err := f.st.SaveSurvey(t.Context(), def)
	if err != nil {
		t.Fatal(err)
	}
	def.Version = v
	return def
}

// respond stores a response the way the dialogue does: start, one step per
// answer a minute apart, and complete at done (a draft stopped at current
// when done is zero).
func (f *fixture) respond(t testing.TB, def *survey.Survey, telegramID int64, lang, source string, start, done time.Time, current string, answers ...survey.Answer) {
	t.Helper()
	ctx := t.Context()
	c := f.citizens[telegramID]
	id, err := f.st.StartResponse(ctx, store.StartResponse{SurveyID: def.ID, Version: def.Version, CitizenID: c.ID,
		Anonymous: def.Anonymous, Lang: lang, Source: source, At: start, Current: answers[0].Question, Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range answers {
		a.At = start.Add(time.Duration(i+1) * time.Minute / 2)
		q, _ := def.Question(a.Question)
		next := current
		if i+1 < len(answers) {
			next = answers[i+1].Question
		}
		err := f.st.SaveStep(ctx, store.Step{ResponseID: id, Saved: &a, SavedText: a.Display(q, lang),
			Current: next, Seq: i + 2, At: a.At})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !done.IsZero() {
		if err := f.st.Complete(ctx, id, c.ID, def.ID, done); err != nil {
			t.Fatal(err)
		}
	}
}

// export runs export.Write and returns what it wrote.
func (f *fixture) export(t testing.TB, surveyID string, o export.Options) []byte {
	t.Helper()
	if o.Key == nil {
		o.Key = key
	}
	var b bytes.Buffer
	if err := export.Write(context.Background(), &b, f.st, surveyID, o); err != nil {
		t.Fatalf("Write(%s, %+v): %v", surveyID, o, err)
	}
	return b.Bytes()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
