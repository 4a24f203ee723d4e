package store_test

import (
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// answerRegion gives citizen's response to def (a region question "where")
// the region, completing it when complete.
func answerRegion(t *testing.T, st *store.Store, def *survey.Survey, version int, citizen store.Citizen, region string, complete bool) {
	t.Helper()
	ctx := t.Context()
	id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: def.ID, Version: version, CitizenID: citizen.ID, Anonymous: def.Anonymous,
		Lang: "uk", Source: "menu", At: tick(1), Current: "where", Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := survey.Answer{Question: "where", Choice: region, At: tick(2)}
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: &a, SavedText: region, Seq: 2, At: tick(2)}); err != nil {
		t.Fatal(err)
	}
	if complete {
		if err := st.Complete(ctx, id, citizen.ID, def.ID, tick(3)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAudiences(t *testing.T) {
	st, ctx := newStore(t)
	named := &survey.Survey{ID: "place", Title: survey.Text{"uk": "Де"}, Languages: []string{"uk"}, TimeZone: "Europe/Kyiv",
		Questions: []survey.Question{{ID: "where", Type: survey.Region, Text: survey.Text{"uk": "Де ви?"}}}}
	anon := &survey.Survey{ID: "anon", Title: survey.Text{"uk": "Анонімно"}, Languages: []string{"uk"}, TimeZone: "Europe/Kyiv", Anonymous: true,
		Questions: []survey.Question{{ID: "where", Type: survey.Region, Text: survey.Text{"uk": "Де ви?"}}}}
	vn, va := saveSurvey(t, st, named), saveSurvey(t, st, anon)
	a, c, d := consent(t, st, 1), consent(t, st, 3), consent(t, st, 4)
	b, err := st.GiveConsent(ctx, 2, "en", "2026-01", t0)
	if err != nil {
		t.Fatal(err)
	}
	answerRegion(t, st, named, vn, a, "UA-63", true)  // Kharkiv region
	answerRegion(t, st, named, vn, b, "UA-32", true)  // Kyiv region
	answerRegion(t, st, named, vn, c, "UA-63", false) // a draft
	answerRegion(t, st, anon, va, d, "UA-63", true)   // anonymous: never used to target
	ev := testEvent("meet", 1, true)
	saveEvent(t, st, ev, t0)
	ra, _ := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: a.ID, At: tick(4)})
	if _, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: c.ID, At: tick(5)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CheckIn(ctx, ra.Code, tick(6)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a    store.Audience
		want int
	}{
		{"everyone", store.Audience{}, 4},
		{"Ukrainian speakers", store.Audience{Language: "uk"}, 3},
		{"Kharkiv region, named answers only", store.Audience{Region: "UA-63"}, 1},
		{"completed", store.Audience{Survey: "place", SurveyState: "completed"}, 2},
		{"started, not completed", store.Audience{Survey: "place", SurveyState: "started"}, 1},
		{"not started", store.Audience{Survey: "place", SurveyState: "not_started"}, 1},
		{"completed the anonymous one", store.Audience{Survey: "anon", SurveyState: "completed"}, 1},
		{"with a seat", store.Audience{Event: "meet", EventState: "registered"}, 1},
		{"waitlisted", store.Audience{Event: "meet", EventState: "waitlisted"}, 1},
		{"attended", store.Audience{Event: "meet", EventState: "attended"}, 1},
		{"Ukrainian AND completed", store.Audience{Language: "uk", Survey: "place", SurveyState: "completed"}, 1},
		{"Kharkiv AND waitlisted", store.Audience{Region: "UA-63", Event: "meet", EventState: "waitlisted"}, 0},
	} {
		n, err := st.AudienceSize(ctx, tc.a)
		if err != nil || n != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, n, err, tc.want)
		}
	}
	// Who cannot be reached or asked to stop is never in an audience.
	if err := st.SetSubscribed(ctx, b.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := st.SetReachable(ctx, 4, false); err != nil {
		t.Fatal(err)
	}
	br, err := st.CreateBroadcast(ctx, store.NewBroadcast{Text: "x", At: time.Now()})
	if err != nil || br.Recipients != 2 {
		t.Errorf("recipients %d %v, want 2", br.Recipients, err)
	}
	if _, err := st.CreateBroadcast(ctx, store.NewBroadcast{Text: "x", Audience: store.Audience{Survey: "place"}, At: time.Now()}); err == nil {
		t.Error("a survey audience without a state was accepted")
	}
}
