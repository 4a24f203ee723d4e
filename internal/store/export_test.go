package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

func TestSurveyVersions(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	if _, err := st.SurveyVersions(ctx, "city"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown survey: %v, want ErrNotFound", err)
	}
	def := testSurvey("city", false)
	saveSurvey(t, st, def)
	def.Questions = def.Questions[:2]
	saveSurvey(t, st, def)
	versions, err := st.SurveyVersions(ctx, "city")
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 || versions[0].Version != 1 || versions[1].Version != 2 ||
		len(versions[0].Questions) != 3 || len(versions[1].Questions) != 2 {
		t.Errorf("versions: %+v", versions)
	}
}

// exported collects what ExportResponses gives, copied (it reuses its value).
func exported(t *testing.T, st *store.Store, f store.ExportFilter) []store.ExportResponse {
	t.Helper()
	var out []store.ExportResponse
	err := st.ExportResponses(t.Context(), f, func(r *store.ExportResponse) error {
		c := *r
		c.Answers = append([]survey.Answer(nil), r.Answers...)
		out = append(out, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportResponsesChoosesAndOrders(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	v := saveSurvey(t, st, testSurvey("city", false))
	saveSurvey(t, st, testSurvey("other", false))
	start := func(telegramID int64, surveyID string, anonymous bool, at time.Time, answers ...*survey.Answer) int64 {
		c := consent(t, st, telegramID)
		id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: surveyID, Version: 1, CitizenID: c.ID,
			Anonymous: anonymous, Lang: "uk", Source: "menu", At: at, Current: "age", Seq: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range answers {
			if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: a, SavedText: "x", Current: "district", Seq: i + 2, At: at}); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	complete := func(id int64, telegramID int64, surveyID string, at time.Time) {
		c := consent(t, st, telegramID)
		if err := st.Complete(ctx, id, c.ID, surveyID, at); err != nil {
			t.Fatal(err)
		}
	}
	// 1: completed at tick(10); 2: anonymous, completed at tick(30);
	// 3: a draft started at tick(20) with no answer; 4: another survey.
	r1 := start(1, "city", false, tick(0), ageAnswer(30, tick(1)), &survey.Answer{Question: "district", Choice: "north", At: tick(2)})
	complete(r1, 1, "city", tick(10))
	r2 := start(2, "city", true, tick(5), ageAnswer(40, tick(6)))
	complete(r2, 2, "city", tick(30))
	r3 := start(3, "city", false, tick(20))
	r4 := start(4, "other", false, tick(0), ageAnswer(50, tick(1)))
	complete(r4, 4, "other", tick(3))

	ptr := func(t time.Time) *time.Time { return &t }
	for _, c := range []struct {
		name string
		f    store.ExportFilter
		want []int64
	}{
		{"completed", store.ExportFilter{}, []int64{r1, r2}},
		{"partial", store.ExportFilter{Partial: true}, []int64{r1, r2, r3}},
		{"since, by completion", store.ExportFilter{Since: ptr(tick(10))}, []int64{r1, r2}},
		{"since, after the first", store.ExportFilter{Since: ptr(tick(11))}, []int64{r2}},
		{"until is exclusive", store.ExportFilter{Until: ptr(tick(30))}, []int64{r1}},
		{"a draft by its start", store.ExportFilter{Partial: true, Since: ptr(tick(15)), Until: ptr(tick(25))}, []int64{r3}},
		{"nothing", store.ExportFilter{Since: ptr(tick(100))}, nil},
	} {
		c.f.SurveyID = "city"
		var got []int64
		for _, r := range exported(t, st, c.f) {
			got = append(got, r.ID)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: responses %v, want %v", c.name, got, c.want)
		}
	}

	rs := exported(t, st, store.ExportFilter{SurveyID: "city", Partial: true, AnswerTimes: true})
	first, anon, draft := rs[0], rs[1], rs[2]
	c1 := consent(t, st, 1)
	if first.CitizenID != c1.ID || first.Version != v || first.Lang != "uk" || first.Source != "menu" || !first.Completed ||
		!first.StartedAt.Equal(tick(0)) || !first.CompletedAt.Equal(tick(10)) || first.Current != "" || len(first.Answers) != 2 {
		t.Errorf("first response: %+v", first)
	}
	for _, a := range first.Answers {
		want := map[string]time.Time{"age": tick(1), "district": tick(2)}[a.Question]
		if !a.At.Equal(want) {
			t.Errorf("answer %s at %v, want %v", a.Question, a.At, want)
		}
	}
	if anon.CitizenID != 0 {
		t.Errorf("anonymous response has citizen %d", anon.CitizenID)
	}
	if draft.Completed || !draft.CompletedAt.IsZero() || draft.Current != "age" || len(draft.Answers) != 0 {
		t.Errorf("draft: %+v", draft)
	}
	for _, r := range exported(t, st, store.ExportFilter{SurveyID: "city", Partial: true, Count: true}) {
		if r.Total != 3 {
			t.Errorf("Total = %d, want 3", r.Total)
		}
	}
	if r := exported(t, st, store.ExportFilter{SurveyID: "city"}); r[0].Total != 0 {
		t.Errorf("Total = %d without Count", r[0].Total)
	}
	for _, a := range exported(t, st, store.ExportFilter{SurveyID: "city"})[0].Answers {
		if !a.At.IsZero() {
			t.Errorf("answer %s has a time without AnswerTimes", a.Question)
		}
	}
}

func TestExportResponsesStopsOnError(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	saveSurvey(t, st, testSurvey("city", false))
	for i := range 3 {
		c := consent(t, st, int64(100+i))
		id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "city", Version: 1, CitizenID: c.ID,
			Lang: "uk", Source: "menu", At: tick(i), Current: "age", Seq: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Complete(ctx, id, c.ID, "city", tick(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := st.ExportResponses(ctx, store.ExportFilter{SurveyID: "city"}, func(*store.ExportResponse) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ExportResponses = %v after %d calls, want the callback's error after 1", err, calls)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.ExportResponses(cancelled, store.ExportFilter{SurveyID: "city"}, func(*store.ExportResponse) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// The pool still serves.
	if n := len(exported(t, st, store.ExportFilter{SurveyID: "city"})); n != 3 {
		t.Errorf("%d responses after an aborted export, want 3", n)
	}
}

// The answers come back exactly as encoding/json reads them from Postgres,
// whatever they hold: escapes, control characters, emoji, extreme numbers,
// and JSON the fast decoder leaves to encoding/json.
func TestExportResponsesDecodesAnswersLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	saveSurvey(t, st, testSurvey("city", false))
	c := consent(t, st, 1)

	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Ї", "ґ", " ", ",", ";", `"`, `\`, "/", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1f", "\u2028",
		"😀", "<", ">", "&", "'", "=", `\u0041`, "\u00e9", "e\u0301"}
	text := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	numbers := []float64{0, -1, 0.1, 1e-7, 123456789.125, -2.5e20, 1e21, 49.99999999999999}
	var values []string
	for i := range 300 {
		a := survey.Answer{Question: fmt.Sprintf("q%d", i)}
		switch i % 7 {
		case 0:
			a.Choice, a.Other = "other", text()
		case 1:
			a.Choices, a.Other = []string{"a", "b-c", "d_e"}[:1+rng.IntN(3)], text()
		case 2:
			a.Number = &numbers[rng.IntN(len(numbers))]
		case 3:
			a.Text = text()
		case 4:
			a.Skipped = true
		case 5:
			lat, lon := rng.Float64()*180-90, rng.Float64()*360-180
			a.Lat, a.Lon = &lat, &lon
		case 6:
			a.Date, a.Phone = "2026-03-01", "+380501234567"
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, string(b))
	}
	values = append(values,
		`{"q": "u1", "text": "\ud83d\ude00 \u0444 x"}`, // a surrogate pair
		`{"q": "u2", "future": {"x": [1, 2]}, "text": "unknown keys go to encoding/json"}`,
		`{"q": "u3", "number": null, "choices": []}`,
		`{"q": "u4", "choice": "caf\u00e9"}`, // an escaped id
		`{"q": "u5", "lat": -0.0, "lon": 1E+2, "skipped": false}`,
		`{"q": "u6"}`,
	)
	id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "city", Version: 1, CitizenID: c.ID,
		Lang: "uk", Source: "menu", At: tick(0), Current: "age", Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `
		INSERT INTO answers (response_id, question_id, value, value_text, answered_at)
		SELECT $1, v ->> 'q', v, '', $2 FROM unnest($3::jsonb[]) v`, id, tick(1), values); err != nil {
		t.Fatal(err)
	}

	rows, err := st.Pool().Query(ctx, `SELECT question_id, value::text FROM answers WHERE response_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]survey.Answer{}
	for rows.Next() {
		var q, text string
		if err := rows.Scan(&q, &text); err != nil {
			t.Fatal(err)
		}
		var a survey.Answer
		if err := json.Unmarshal([]byte(text), &a); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		a.At = tick(1)
		want[q] = a
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}

	rs := exported(t, st, store.ExportFilter{SurveyID: "city", Partial: true, AnswerTimes: true})
	if len(rs) != 1 || len(rs[0].Answers) != len(values) {
		t.Fatalf("got %d responses with %d answers, want 1 with %d", len(rs), len(rs[0].Answers), len(values))
	}
	for _, got := range rs[0].Answers {
		w := want[got.Question]
		if len(w.Choices) == 0 && len(got.Choices) == 0 {
			w.Choices, got.Choices = nil, nil // [] and absent read the same
		}
		if !got.At.Equal(w.At) {
			t.Errorf("answer %s at %v, want %v", got.Question, got.At, w.At)
		}
		got.At, w.At = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("answer %s:\n got %#v\nwant %#v", got.Question, got, w)
		}
	}
}
