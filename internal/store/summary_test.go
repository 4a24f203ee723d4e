package store_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// fill completes one response of def (saved as version) by a new citizen with
// the given answers, through the same calls the bot makes; with draft it is
// left a draft. It returns the response id.
func fill(t *testing.T, st *store.Store, def *survey.Survey, version int, telegramID int64, draft bool, answers ...survey.Answer) int64 {
	t.Helper()
	ctx := t.Context()
	c := consent(t, st, telegramID)
	id, err := st.StartResponse(ctx, store.StartResponse{
		SurveyID: def.ID, Version: version, CitizenID: c.ID, Anonymous: def.Anonymous,
		Lang: "uk", Source: "deeplink", At: tick(1), Current: def.Questions[0].ID, Seq: 1,
	})
	if err != nil {
		t.Fatalf("StartResponse: %v", err)
	}
	for i, a := range answers {
		a.At = tick(2 + i)
		if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: &a, SavedText: "-", Seq: 2 + i, At: a.At}); err != nil {
			t.Fatalf("SaveStep(%s): %v", a.Question, err)
		}
	}
	if !draft {
		if err := st.Complete(ctx, id, c.ID, def.ID, tick(30)); err != nil {
			t.Fatalf("Complete: %v", err)
		}
	}
	return id
}

func everyType(t *testing.T) *survey.Survey {
	t.Helper()
	def, issues := survey.ParseFile("../app/testdata/surveys/every-type.yaml")
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	return def
}

func TestSummary(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)

	// Version 1 has an option "roads" that version 2 no longer has.
	v1 := everyType(t)
	topics, _ := v1.Question("topics")
	topics.Options = append(topics.Options, survey.Option{ID: "roads", Label: survey.Text{"uk": "Дороги", "en": "Roads"}})
	ver1 := saveSurvey(t, st, v1)

	choice := func(q, id string) survey.Answer { return survey.Answer{Question: q, Choice: id} }
	choices := func(ids ...string) survey.Answer { return survey.Answer{Question: "topics", Choices: ids} }
	number := func(q string, n float64) survey.Answer { return survey.Answer{Question: q, Number: num(n)} }
	skip := func(q string) survey.Answer { return survey.Answer{Question: q, Skipped: true} }

	fill(t, st, v1, ver1, 1, false, choice("region", "UA-30"), choices("safety", "roads"), number("trust", 5), number("age", 20), choice("vote", "yes"))

	v2 := everyType(t)
	ver2 := saveSurvey(t, st, v2)
	if ver2 != 2 {
		t.Fatalf("second version = %d", ver2)
	}
	responses := [][]survey.Answer{
		{choice("region", "UA-30"), choice("displaced", "yes"), choices("safety", "jobs"), number("trust", 5), number("age", 30), number("spend", 100), survey.Answer{Question: "comment", Text: "добре"}, choice("vote", "yes")},
		{choice("region", "UA-30"), choice("displaced", "no"), choices("jobs", "other"), number("trust", 4), number("age", 40), skip("spend"), skip("comment"), choice("vote", "other")},
		{choice("region", "UA-46"), choice("displaced", "yes"), choices("safety"), number("trust", 5), number("age", 50), number("spend", 200), skip("comment"), survey.Answer{Question: "phone", Phone: "+380501234567"}, choice("vote", "no")},
		{choice("region", "outside"), choice("displaced", "yes"), choices("schools", "safety"), number("trust", 1), number("age", 60), skip("spend"), choice("vote", "yes")},
	}
	for i, answers := range responses {
		fill(t, st, v2, ver2, int64(10+i), false, answers...)
	}
	// A draft is not counted.
	fill(t, st, v2, ver2, 99, true, choice("region", "UA-30"), choices("safety"), number("age", 90), choice("vote", "no"))
	// A scale point stored as 5.0 is still point "5".
	if _, err := st.Pool().Exec(ctx, `UPDATE answers SET value = jsonb_set(value, '{number}', '5.0') WHERE question_id = 'trust' AND value ->> 'number' = '5'`); err != nil {
		t.Fatal(err)
	}

	got, err := st.Summary(ctx, "every-type")
	if err != nil {
		t.Fatal(err)
	}
	if got.Survey.Version != 2 || got.Responses != 5 || got.At.IsZero() {
		t.Errorf("version %d, %d responses, at %v; want version 2, 5 responses", got.Survey.Version, got.Responses, got.At)
	}
	want := []store.QuestionCounts{
		{QuestionID: "region", Answered: 5, Options: map[string]int{"UA-30": 3, "UA-46": 1, "outside": 1}},
		{QuestionID: "displaced", Answered: 4, Options: map[string]int{"yes": 3, "no": 1}},
		{QuestionID: "home", Options: map[string]int{}},
		{QuestionID: "topics", Answered: 5, Options: map[string]int{"safety": 4, "jobs": 2, "schools": 1, "other": 1, "roads": 1}},
		{QuestionID: "trust", Answered: 5, Options: map[string]int{"5": 3, "4": 1, "1": 1}},
		{QuestionID: "age", Answered: 5, Median: num(40)},
		{QuestionID: "spend", Answered: 2, Skipped: 2, Median: num(150)},
		{QuestionID: "moved_on"},
		{QuestionID: "comment", Answered: 1, Skipped: 2},
		{QuestionID: "phone", Answered: 1},
		{QuestionID: "where"},
		{QuestionID: "vote", Answered: 5, Options: map[string]int{"yes": 3, "no": 1, "other": 1}},
	}
	if !reflect.DeepEqual(got.Questions, want) {
		t.Errorf("counts:\n got %+v\nwant %+v", got.Questions, want)
		for i := range min(len(got.Questions), len(want)) {
			if !reflect.DeepEqual(got.Questions[i], want[i]) {
				t.Errorf("%s: got %+v, want %+v", want[i].QuestionID, got.Questions[i], want[i])
			}
		}
	}

	if _, err := st.Summary(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Summary of an unknown survey: %v, want ErrNotFound", err)
	}
}

// The counts come from a fixed number of statements whatever the number of
// responses: no per-response loading.
func TestSummaryStatements(t *testing.T) {
	t.Parallel()
	plain, ctx := newStore(t)
	def := everyType(t)
	version := saveSurvey(t, plain, def)

	cfg, err := pgxpool.ParseConfig(plain.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	defer st.Close()

	statements := func() int {
		counter.n = 0
		if _, err := st.Summary(ctx, def.ID); err != nil {
			t.Fatal(err)
		}
		return counter.n
	}
	few := statements()
	for i := range 30 {
		fill(t, plain, def, version, int64(100+i), false,
			survey.Answer{Question: "region", Choice: "UA-30"}, survey.Answer{Question: "topics", Choices: []string{"jobs", "safety"}})
	}
	// BEGIN, the definition, totals, options, ROLLBACK.
	if many := statements(); many != few || many > 5 {
		t.Errorf("Summary sent %d statements with no response and %d with 30, want the same and at most 5", few, many)
	}
}
