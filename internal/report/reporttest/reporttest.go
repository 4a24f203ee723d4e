// Package reporttest fills a test database with known responses to the
// every-type survey (internal/app/testdata/surveys/every-type.yaml), through
// the store calls the bot makes, so tests of reports can check exact counts.
// It is for tests only.
package reporttest

import (
	"fmt"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Completed is the number of completed responses Seed stores.
const Completed = 20

// Secrets are answers Seed stores that no report may show: phone numbers,
// free text, "other" texts and coordinates.
var Secrets = []string{"+380501234560", "+380501234564", "Коментар номер 3", "бібліотека", "не знаю", "50.4501", "30.5234"}

// HiddenQuestions are texts of the questions no report may show: displaced
// (marked sensitive by Seed), home (shown only after displaced), phone and
// where (phone and location).
var HiddenQuestions = []string{"Чи ви переїхали через війну?", "Де ви жили раніше?", "Ваш номер для запрошення", "Де ви зараз?",
	"Did you move because of the war?", "Where did you live before?", "Your number for an invitation", "Where are you now?"}

// at is the fixed clock of the responses.
var at = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// Seed parses the every-type survey at path, marks its question "displaced"
// sensitive, saves it, and stores Completed completed responses and one
// draft. Per question the completed responses answered:
//
//	region    UA-30 ×9, UA-46 ×7, UA-63 ×3, outside ×1
//	displaced yes ×11, no ×9 (sensitive); home UA-14 ×6, UA-65 ×5
//	topics    safety 14, jobs 12, schools 5, other 3 (multi)
//	trust     5 ×8, 4 ×6, 3 ×4, 2 ×2, 1 ×0
//	age       20 … 39 (median 29.5)
//	spend     100, 200, 300, 400; skipped ×16
//	moved_on  3 dates; comment 6 texts, skipped ×14
//	phone     5 numbers, skipped ×15; where 2 locations, skipped ×18
//	vote      yes ×12, no ×6, other ×2
//
// It returns the definition as saved, Version set.
func Seed(t testing.TB, st *store.Store, path string) *survey.Survey {
	t.Helper()
	ctx := t.Context()
	def, issues := survey.ParseFile(path)
	if len(issues) > 0 {
		t.Fatalf("reporttest: %s: %v", path, issues)
	}
	displaced, _ := def.Question("displaced")
	displaced.Sensitive = true
	version, _, err := st.SaveSurvey(ctx, def)
	if err != nil {
		t.Fatalf("reporttest: SaveSurvey: %v", err)
	}
	def.Version = version

	for i := range Completed {
		respond(t, st, def, int64(5000+i), true, answers(i))
	}
	respond(t, st, def, 5999, false, []survey.Answer{
		{Question: "region", Choice: "UA-40"}, {Question: "vote", Choice: survey.OtherOption, Other: "чернетка"},
	})
	return def
}

// answers are the answers of completed response i.
func answers(i int) []survey.Answer {
	num := func(f float64) *float64 { return &f }
	pick := func(bounds []int, values ...string) string {
		for k, b := range bounds {
			if i < b {
				return values[k]
			}
		}
		return values[len(values)-1]
	}
	out := []survey.Answer{
		{Question: "region", Choice: pick([]int{9, 16, 19}, "UA-30", "UA-46", "UA-63", survey.OutsideUkraine)},
		{Question: "displaced", Choice: pick([]int{11}, survey.Yes, survey.No)},
	}
	if i < 11 {
		out = append(out, survey.Answer{Question: "home", Choice: pick([]int{6}, "UA-14", "UA-65")})
	}
	switch {
	case i < 9:
		out = append(out, survey.Answer{Question: "topics", Choices: []string{"safety", "jobs"}})
	case i < 14:
		out = append(out, survey.Answer{Question: "topics", Choices: []string{"safety", "schools"}})
	case i < 17:
		out = append(out, survey.Answer{Question: "topics", Choices: []string{survey.OtherOption}, Other: "бібліотека"})
	default:
		out = append(out, survey.Answer{Question: "topics", Choices: []string{"jobs"}})
	}
	trust := map[string]float64{"a": 5, "b": 4, "c": 3, "d": 2}[pick([]int{8, 14, 18}, "a", "b", "c", "d")]
	out = append(out,
		survey.Answer{Question: "trust", Number: num(trust)},
		survey.Answer{Question: "age", Number: num(float64(20 + i))},
	)
	if i < 4 {
		out = append(out, survey.Answer{Question: "spend", Number: num(float64(100 * (i + 1)))})
	} else {
		out = append(out, survey.Answer{Question: "spend", Skipped: true})
	}
	if i < 3 {
		out = append(out, survey.Answer{Question: "moved_on", Date: fmt.Sprintf("2024-0%d-15", i+1)})
	}
	if i < 6 {
		out = append(out, survey.Answer{Question: "comment", Text: fmt.Sprintf("Коментар номер %d", i)})
	} else {
		out = append(out, survey.Answer{Question: "comment", Skipped: true})
	}
	if i < 5 {
		out = append(out, survey.Answer{Question: "phone", Phone: fmt.Sprintf("+38050123456%d", i)})
	} else {
		out = append(out, survey.Answer{Question: "phone", Skipped: true})
	}
	if i < 2 {
		out = append(out, survey.Answer{Question: "where", Lat: num(50.4501), Lon: num(30.5234)})
	} else {
		out = append(out, survey.Answer{Question: "where", Skipped: true})
	}
	out = append(out, survey.Answer{Question: "vote", Choice: pick([]int{12, 18}, survey.Yes, survey.No, survey.OtherOption)})
	if i >= 18 {
		out[len(out)-1].Other = "не знаю"
	}
	return out
}

// respond stores one response of a new citizen with the given answers, then
// completes it when complete.
func respond(t testing.TB, st *store.Store, def *survey.Survey, telegramID int64, complete bool, answers []survey.Answer) {
	t.Helper()
	ctx := t.Context()
	c, err := st.GiveConsent(ctx, telegramID, "uk", "2026-01", at)
	if err != nil {
		t.Fatalf("reporttest: GiveConsent: %v", err)
	}
	id, err := st.StartResponse(ctx, store.StartResponse{
		SurveyID: def.ID, Version: def.Version, CitizenID: c.ID, Anonymous: def.Anonymous,
		Lang: "uk", Source: "deeplink", At: at, Current: "region", Seq: 1,
	})
	if err != nil {
		t.Fatalf("reporttest: StartResponse: %v", err)
	}
	for k, a := range answers {
		a.At = at.Add(time.Duration(k+1) * time.Minute)
		q, _ := def.Question(a.Question)
		step := store.Step{ResponseID: id, Saved: &a, SavedText: a.Display(q, "uk"), Seq: k + 2, At: a.At}
		if err := st.SaveStep(ctx, step); err != nil {
			t.Fatalf("reporttest: SaveStep(%s): %v", a.Question, err)
		}
	}
	if complete {
		if err := st.Complete(ctx, id, c.ID, def.ID, at.Add(time.Hour)); err != nil {
			t.Fatalf("reporttest: Complete: %v", err)
		}
	}
}
