package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/survey"
)

// t0 is the fixed clock of the tests; tick(n) is n minutes later.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func tick(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

func num(f float64) *float64 { return &f }

// newStore returns a store on a fresh database and a context for the test.
func newStore(t testing.TB) (*store.Store, context.Context) {
	t.Helper()
	return storetest.New(t), t.Context()
}

// testSurvey is a small definition with three questions.
func testSurvey(id string, anonymous bool) *survey.Survey {
	return &survey.Survey{
		ID:        id,
		Title:     survey.Text{"uk": "Опитування", "en": "Survey"},
		Languages: []string{"uk", "en"},
		TimeZone:  "Europe/Kyiv",
		Anonymous: anonymous,
		Questions: []survey.Question{
			{ID: "age", Type: survey.Number, Text: survey.Text{"uk": "Вік?"}, Integer: true, Min: num(14), Max: num(120)},
			{ID: "district", Type: survey.Single, Text: survey.Text{"uk": "Район?"}, Options: []survey.Option{
				{ID: "center", Label: survey.Text{"uk": "Центр"}},
				{ID: "north", Label: survey.Text{"uk": "Північ"}},
			}},
			{ID: "comment", Type: survey.FreeText, Text: survey.Text{"uk": "Коментар?"}, Optional: true,
				ShowIf: &survey.Condition{Question: "district", Op: survey.OpEquals, Value: "center"}},
		},
	}
}

func saveSurvey(t testing.TB, st *store.Store, def *survey.Survey) int {
	t.Helper()
	v, _, err := st.SaveSurvey(t.Context(), def)
	if err != nil {
		t.Fatalf("SaveSurvey(%s): %v", def.ID, err)
	}
	return v
}

func consent(t testing.TB, st *store.Store, telegramID int64) store.Citizen {
	t.Helper()
	c, err := st.GiveConsent(t.Context(), telegramID, "uk", "2026-01", t0)
	if err != nil {
		t.Fatalf("GiveConsent(%d): %v", telegramID, err)
	}
	return c
}

// startFixture saves the survey, creates a citizen and starts a response.
func startFixture(t testing.TB, st *store.Store, anonymous bool) (citizen store.Citizen, version int, responseID int64) {
	t.Helper()
	def := testSurvey("city", anonymous)
	version = saveSurvey(t, st, def)
	citizen = consent(t, st, 1001)
	responseID, err := st.StartResponse(t.Context(), store.StartResponse{
		SurveyID: def.ID, Version: version, CitizenID: citizen.ID, Anonymous: anonymous,
		Lang: "uk", Source: "deeplink", At: tick(1), Current: "age", Seq: 1,
	})
	if err != nil {
		t.Fatalf("StartResponse: %v", err)
	}
	return citizen, version, responseID
}

func ageAnswer(age float64, at time.Time) *survey.Answer {
	return &survey.Answer{Question: "age", Number: num(age), At: at}
}

// pgCode returns the SQLSTATE of err, or "" when it is not a Postgres error.
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// count runs a SELECT count(*) … and returns the number.
func count(t testing.TB, st *store.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.Pool().QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
