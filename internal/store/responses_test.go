package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

func TestStartResponseNamed(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, version, id := startFixture(t, st, false)

	var (
		citizenID *int64
		status    string
		current   string
		source    string
	)
	err := st.Pool().QueryRow(ctx, `SELECT citizen_id, status, current_question, source FROM responses WHERE id = $1`, id).
		Scan(&citizenID, &status, &current, &source)
	if err != nil {
		t.Fatal(err)
	}
	if citizenID == nil || *citizenID != citizen.ID || status != "draft" || current != "age" || source != "deeplink" {
		t.Fatalf("response = citizen %v, %s, %s, %s", citizenID, status, current, source)
	}

	// A second start of the same survey returns the draft that exists.
	again, err := st.StartResponse(ctx, store.StartResponse{
		SurveyID: "city", Version: version, CitizenID: citizen.ID, Lang: "uk", Source: "menu", At: tick(2), Current: "age", Seq: 1,
	})
	var exists *store.DraftExistsError
	if !errors.Is(err, store.ErrDraftExists) || !errors.As(err, &exists) || exists.ResponseID != id || again != id {
		t.Fatalf("second StartResponse = (%d, %v), want draft %d exists", again, err, id)
	}
	if n := count(t, st, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("responses = %d after refused start, want 1", n)
	}

	// Starting a survey version that was never saved fails on the foreign key.
	_, err = st.StartResponse(ctx, store.StartResponse{
		SurveyID: "city", Version: version + 1, CitizenID: consent(t, st, 2002).ID, Lang: "uk", Source: "menu", At: tick(2), Seq: 1,
	})
	if pgCode(err) != "23503" {
		t.Errorf("start of an unknown version: err = %v, want foreign key violation", err)
	}
}

func TestStartResponseConcurrent(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	version := saveSurvey(t, st, testSurvey("city", true))
	citizen := consent(t, st, 5)

	ids := make([]int64, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			ids[i], errs[i] = st.StartResponse(ctx, store.StartResponse{
				SurveyID: "city", Version: version, CitizenID: citizen.ID, Anonymous: true,
				Lang: "uk", Source: "menu", At: tick(1), Current: "age", Seq: 1,
			})
		})
	}
	wg.Wait()
	started := 0
	for i := range ids {
		switch {
		case errs[i] == nil:
			started++
		case !errors.Is(errs[i], store.ErrDraftExists):
			t.Errorf("goroutine %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Errorf("goroutine %d got response %d, goroutine 0 got %d", i, ids[i], ids[0])
		}
	}
	if started != 1 {
		t.Errorf("%d starts succeeded, want 1", started)
	}
	if n := count(t, st, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("responses = %d, want 1 (no orphans)", n)
	}
}

// TestAnonymousResponseUnlinked follows an anonymous response to completion
// and then looks through every table: no row that names the response may
// name the citizen, and only citizens, consents and participations (which
// has no response id) may mention the citizen at all.
func TestAnonymousResponseUnlinked(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, _, id := startFixture(t, st, true)

	var citizenID *int64
	if err := st.Pool().QueryRow(ctx, `SELECT citizen_id FROM responses WHERE id = $1`, id).Scan(&citizenID); err != nil {
		t.Fatal(err)
	}
	if citizenID != nil {
		t.Fatalf("anonymous response has citizen_id %d", *citizenID)
	}
	if d, err := st.DraftFor(ctx, citizen.ID, "city"); err != nil || d.ResponseID != id {
		t.Fatalf("DraftFor = (%+v, %v), want the draft link while in progress", d, err)
	}
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: ageAnswer(33, tick(2)), SavedText: "33", Current: "district", Seq: 2, At: tick(2)}); err != nil {
		t.Fatalf("SaveStep: %v", err)
	}
	completedAt := tick(3).Add(17*1e9 + 123456000) // not on a day boundary
	if err := st.Complete(ctx, id, citizen.ID, "city", completedAt); err != nil {
		t.Fatalf("Complete: %v", err)
	}

	tables := []string{}
	rows, err := st.Pool().Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	mayNameCitizen := map[string]bool{"citizens": true, "consents": true, "participations": true}
	for _, table := range tables {
		rows, err := st.Pool().Query(ctx, `SELECT to_jsonb(t)::text FROM `+table+` t`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for rows.Next() {
			var raw string
			if err := rows.Scan(&raw); err != nil {
				t.Fatal(err)
			}
			var row map[string]any
			if err := json.Unmarshal([]byte(raw), &row); err != nil {
				t.Fatal(err)
			}
			namesResponse := row["response_id"] == float64(id) || (table == "responses" && row["id"] == float64(id))
			namesCitizen := row["citizen_id"] == float64(citizen.ID) || row["telegram_id"] == float64(citizen.TelegramID) ||
				(table == "citizens" && row["id"] == float64(citizen.ID))
			if namesResponse && namesCitizen {
				t.Errorf("%s links the anonymous response to the citizen: %s", table, raw)
			}
			if namesCitizen && !mayNameCitizen[table] {
				t.Errorf("%s still mentions the citizen after completion: %s", table, raw)
			}
			if table == "participations" {
				if _, ok := row["response_id"]; ok {
					t.Errorf("participations has a response id: %s", raw)
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}

	// participations keeps only the day, so it cannot be joined on time.
	var last, completed string
	err = st.Pool().QueryRow(ctx, `
SELECT p.last_completed_at::text, r.completed_at::text
FROM participations p, responses r
WHERE p.citizen_id = $1 AND r.id = $2`, citizen.ID, id).Scan(&last, &completed)
	if err != nil {
		t.Fatal(err)
	}
	var sameTime bool
	if err := st.Pool().QueryRow(ctx, `SELECT $1::timestamptz = date_trunc('day', $2::timestamptz, 'UTC')`, last, completed).Scan(&sameTime); err != nil {
		t.Fatal(err)
	}
	if !sameTime || last == completed {
		t.Errorf("participations.last_completed_at = %s, want the UTC day of %s", last, completed)
	}
	if n, err := st.CompletedCount(ctx, citizen.ID, "city"); err != nil || n != 1 {
		t.Errorf("CompletedCount = (%d, %v), want 1", n, err)
	}
	if _, err := st.DraftFor(ctx, citizen.ID, "city"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DraftFor after completion: err = %v, want ErrNotFound", err)
	}
}

func TestSaveStep(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, version, id := startFixture(t, st, false)

	age := ageAnswer(33, tick(2))
	district := &survey.Answer{Question: "district", Choice: "center", At: tick(3)}
	comment := &survey.Answer{Question: "comment", Text: "Більше лавок", At: tick(4)}
	steps := []store.Step{
		{ResponseID: id, Saved: age, SavedText: "33", Current: "district", Seq: 2, At: tick(2)},
		{ResponseID: id, Saved: district, SavedText: "Центр", Current: "comment", Seq: 3, At: tick(3)},
		{ResponseID: id, Saved: comment, SavedText: "Більше лавок", Current: "", Seq: 4, At: tick(4)},
	}
	for _, s := range steps {
		if err := st.SaveStep(ctx, s); err != nil {
			t.Fatalf("SaveStep seq %d: %v", s.Seq, err)
		}
	}
	want := map[string]survey.Answer{"age": *age, "district": *district, "comment": *comment}
	checkDraft(t, st, citizen.ID, store.Draft{ResponseID: id, SurveyID: "city", Version: version, Lang: "uk", Current: "", Seq: 4, Answers: want, UpdatedAt: tick(4)})

	// Redelivered and older steps change nothing and say so, so the caller
	// can rebuild its session from what is stored.
	for _, s := range steps {
		old := s
		old.Saved = &survey.Answer{Question: s.Saved.Question, Text: "replayed", At: tick(9)}
		old.At = tick(9)
		if err := st.SaveStep(ctx, old); !errors.Is(err, store.ErrStaleStep) {
			t.Fatalf("replayed SaveStep seq %d: err = %v, want ErrStaleStep", s.Seq, err)
		}
	}
	checkDraft(t, st, citizen.ID, store.Draft{ResponseID: id, SurveyID: "city", Version: version, Lang: "uk", Current: "", Seq: 4, Answers: want, UpdatedAt: tick(4)})

	// Changing the district hides the comment: a replaced answer and a cleared one.
	north := &survey.Answer{Question: "district", Choice: "north", At: tick(5)}
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: north, SavedText: "Північ", Cleared: []string{"comment", "district"}, Seq: 6, At: tick(5)}); err != nil {
		t.Fatalf("SaveStep with Cleared: %v", err)
	}
	want = map[string]survey.Answer{"age": *age, "district": *north}
	checkDraft(t, st, citizen.ID, store.Draft{ResponseID: id, SurveyID: "city", Version: version, Lang: "uk", Seq: 6, Answers: want, UpdatedAt: tick(5)})
	var text string
	if err := st.Pool().QueryRow(ctx, `SELECT value_text FROM answers WHERE response_id = $1 AND question_id = 'district'`, id).Scan(&text); err != nil || text != "Північ" {
		t.Errorf("value_text = %q, %v; want Північ", text, err)
	}

	// A step that only moves (Back) saves no answer.
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Current: "age", Seq: 7, At: tick(6)}); err != nil {
		t.Fatalf("SaveStep without answer: %v", err)
	}
	checkDraft(t, st, citizen.ID, store.Draft{ResponseID: id, SurveyID: "city", Version: version, Lang: "uk", Current: "age", Seq: 7, Answers: want, UpdatedAt: tick(6)})

	got, err := st.ResponseAnswers(ctx, id)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ResponseAnswers = (%v, %v), want %v", got, err, want)
	}

	// After completion the response takes no more steps.
	if err := st.Complete(ctx, id, citizen.ID, "city", tick(7)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	err = st.SaveStep(ctx, store.Step{ResponseID: id, Saved: ageAnswer(50, tick(8)), Seq: 8, At: tick(8)})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveStep after completion: err = %v, want ErrNotFound", err)
	}
	if err := st.SaveStep(ctx, store.Step{ResponseID: id + 1000, Seq: 1, At: tick(8)}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SaveStep of an unknown response: err = %v, want ErrNotFound", err)
	}
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: &survey.Answer{}, Seq: 9, At: tick(8)}); err == nil {
		t.Errorf("SaveStep of an answer without question id: no error")
	}
	got, err = st.ResponseAnswers(ctx, id)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ResponseAnswers after completion = (%v, %v), want %v", got, err, want)
	}
}

func checkDraft(t *testing.T, st *store.Store, citizenID int64, want store.Draft) {
	t.Helper()
	got, err := st.DraftFor(t.Context(), citizenID, want.SurveyID)
	if err != nil {
		t.Fatalf("DraftFor: %v", err)
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("draft UpdatedAt = %v, want %v", got.UpdatedAt, want.UpdatedAt)
	}
	got.UpdatedAt = want.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DraftFor =\n%+v\nwant\n%+v", got, want)
	}
}

func TestCompleteIdempotent(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, version, id := startFixture(t, st, false)

	if err := st.Complete(ctx, id, citizen.ID+1, "city", tick(5)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Complete by another citizen: err = %v, want ErrNotFound", err)
	}
	if err := st.Complete(ctx, id, citizen.ID, "roads", tick(5)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Complete of another survey: err = %v, want ErrNotFound", err)
	}
	for i := range 3 {
		if err := st.Complete(ctx, id, citizen.ID, "city", tick(5+i)); err != nil {
			t.Fatalf("Complete #%d: %v", i+1, err)
		}
	}
	if n, err := st.CompletedCount(ctx, citizen.ID, "city"); err != nil || n != 1 {
		t.Errorf("CompletedCount = (%d, %v), want 1", n, err)
	}
	var last string
	if err := st.Pool().QueryRow(ctx, `SELECT (last_completed_at = $1)::text FROM participations`, tick(5)).Scan(&last); err != nil || last != "true" {
		t.Errorf("named last_completed_at is not the exact completion time (%s, %v)", last, err)
	}
	var completedAt *string
	if err := st.Pool().QueryRow(ctx, `SELECT completed_at::text FROM responses WHERE id = $1 AND status = 'completed' AND current_question IS NULL`, id).Scan(&completedAt); err != nil {
		t.Errorf("completed response: %v", err)
	}
	if _, err := st.LatestDraft(ctx, citizen.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestDraft after completion: err = %v, want ErrNotFound", err)
	}

	// A second response (survey allows many) counts again.
	id2, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "city", Version: version, CitizenID: citizen.ID, Lang: "uk", Source: "menu", At: tick(10), Seq: 1})
	if err != nil {
		t.Fatalf("StartResponse after completion: %v", err)
	}
	if err := st.Complete(ctx, id2, citizen.ID, "city", tick(11)); err != nil {
		t.Fatalf("Complete second: %v", err)
	}
	if n, err := st.CompletedCount(ctx, citizen.ID, "city"); err != nil || n != 2 {
		t.Errorf("CompletedCount = (%d, %v), want 2", n, err)
	}
	if n, err := st.CompletedCount(ctx, citizen.ID, "roads"); err != nil || n != 0 {
		t.Errorf("CompletedCount of an untouched survey = (%d, %v), want 0", n, err)
	}
	if err := st.Complete(ctx, id2+1000, citizen.ID, "city", tick(12)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Complete of an unknown response: err = %v, want ErrNotFound", err)
	}
}

func TestDiscard(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, version, id := startFixture(t, st, false)
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: ageAnswer(20, tick(2)), SavedText: "20", Current: "district", Seq: 2, At: tick(2)}); err != nil {
		t.Fatal(err)
	}
	if err := st.Discard(ctx, id); err != nil {
		t.Fatalf("Discard: %v", err)
	}
	for _, table := range []string{"responses", "answers", "response_drafts"} {
		if n := count(t, st, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after Discard", table, n)
		}
	}
	if err := st.Discard(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second Discard: err = %v, want ErrNotFound", err)
	}
	if _, err := st.ResponseAnswers(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ResponseAnswers of a discarded response: err = %v, want ErrNotFound", err)
	}

	// A completed response cannot be discarded.
	id2, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "city", Version: version, CitizenID: citizen.ID, Lang: "uk", Source: "menu", At: tick(3), Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Complete(ctx, id2, citizen.ID, "city", tick(4)); err != nil {
		t.Fatal(err)
	}
	if err := st.Discard(ctx, id2); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Discard of a completed response: err = %v, want ErrNotFound", err)
	}
	if got, err := st.ResponseAnswers(ctx, id2); err != nil || len(got) != 0 {
		t.Errorf("ResponseAnswers of a response without answers = (%v, %v), want empty", got, err)
	}
}

func TestDrafts(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen := consent(t, st, 77)
	other := consent(t, st, 78)
	if _, err := st.LatestDraft(ctx, citizen.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestDraft without drafts: err = %v, want ErrNotFound", err)
	}
	if drafts, err := st.Drafts(ctx, citizen.ID); err != nil || len(drafts) != 0 {
		t.Errorf("Drafts without drafts = (%v, %v), want none", drafts, err)
	}

	ids := map[string]int64{}
	for i, name := range []string{"city", "roads", "parks"} {
		v := saveSurvey(t, st, testSurvey(name, i == 1))
		id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: name, Version: v, CitizenID: citizen.ID, Anonymous: i == 1,
			Lang: "en", Source: "broadcast:" + strconv.Itoa(i), At: tick(i), Current: "age", Seq: 1})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	if _, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "city", Version: 1, CitizenID: other.ID, Lang: "uk", Source: "menu", At: tick(20), Seq: 1}); err != nil {
		t.Fatal(err)
	}
	// roads (anonymous) was started second but answered last.
	if err := st.SaveStep(ctx, store.Step{ResponseID: ids["roads"], Saved: ageAnswer(61, tick(10)), SavedText: "61", Current: "district", Seq: 2, At: tick(10)}); err != nil {
		t.Fatal(err)
	}

	latest, err := st.LatestDraft(ctx, citizen.ID)
	if err != nil {
		t.Fatalf("LatestDraft: %v", err)
	}
	if latest.ResponseID != ids["roads"] || latest.Current != "district" || latest.Seq != 2 || latest.Lang != "en" || len(latest.Answers) != 1 {
		t.Errorf("LatestDraft = %+v, want roads with one answer", latest)
	}

	drafts, err := st.Drafts(ctx, citizen.ID)
	if err != nil {
		t.Fatalf("Drafts: %v", err)
	}
	var order []string
	for _, d := range drafts {
		order = append(order, d.SurveyID)
		if d.Answers != nil {
			t.Errorf("Drafts loads answers of %s", d.SurveyID)
		}
	}
	if want := []string{"roads", "parks", "city"}; !reflect.DeepEqual(order, want) {
		t.Errorf("Drafts order = %v, want %v", order, want)
	}
}
