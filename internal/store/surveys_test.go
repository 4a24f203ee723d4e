package store_test

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

func TestSaveSurveyVersions(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	v1def := testSurvey("city", false)
	v2def := testSurvey("city", false)
	v2def.Questions[0].Text = survey.Text{"uk": "Скільки вам років?"}

	steps := []struct {
		name        string
		def         *survey.Survey
		wantVersion int
		wantCreated bool
	}{
		{"new survey", v1def, 1, true},
		{"same definition", testSurvey("city", false), 1, false},
		{"changed definition", v2def, 2, true},
		{"changed again is stored", v2def, 2, false},
		{"back to the first definition", v1def, 1, false},
		{"another survey counts on its own", testSurvey("roads", true), 1, true},
	}
	for _, s := range steps {
		v, created, err := st.SaveSurvey(ctx, s.def)
		if err != nil {
			t.Fatalf("%s: SaveSurvey: %v", s.name, err)
		}
		if v != s.wantVersion || created != s.wantCreated {
			t.Errorf("%s: SaveSurvey = (%d, %v), want (%d, %v)", s.name, v, created, s.wantVersion, s.wantCreated)
		}
	}

	got, err := st.SurveyVersion(ctx, "city", 2)
	if err != nil {
		t.Fatalf("SurveyVersion: %v", err)
	}
	want := *v2def
	want.Version = 2
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("SurveyVersion(city, 2) =\n%+v\nwant\n%+v", got, &want)
	}
	if got.Checksum() != v2def.Checksum() {
		t.Errorf("checksum changed in the round trip")
	}

	latest, v, err := st.LatestSurvey(ctx, "city")
	if err != nil || v != 2 || latest.Version != 2 {
		t.Errorf("LatestSurvey = (v%d, %d, %v), want version 2", latest.Version, v, err)
	}

	if _, err := st.SurveyVersion(ctx, "city", 3); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SurveyVersion(city, 3): err = %v, want ErrNotFound", err)
	}
	if _, _, err := st.LatestSurvey(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestSurvey(nope): err = %v, want ErrNotFound", err)
	}
	if _, _, err := st.SaveSurvey(ctx, testSurvey("Not Valid!", false)); pgCode(err) != "23514" {
		t.Errorf("SaveSurvey with a bad id: err = %v, want check violation", err)
	}
}

func TestSaveSurveyConcurrent(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)

	// Ten processes start with the same definition; a second survey races
	// with two different definitions.
	type result struct {
		version int
		created bool
		err     error
	}
	results := make([]result, 10)
	changed := make([]result, 10)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			v, c, err := st.SaveSurvey(ctx, testSurvey("city", false))
			results[i] = result{v, c, err}
		})
		wg.Go(func() {
			def := testSurvey("roads", false)
			if i%2 == 1 {
				def.Title = survey.Text{"uk": "Дороги"}
			}
			v, c, err := st.SaveSurvey(ctx, def)
			changed[i] = result{v, c, err}
		})
	}
	wg.Wait()

	created := 0
	for i, r := range results {
		if r.err != nil || r.version != 1 {
			t.Errorf("goroutine %d: SaveSurvey = (%d, %v, %v), want version 1", i, r.version, r.created, r.err)
		}
		if r.created {
			created++
		}
	}
	if created != 1 {
		t.Errorf("created = %d times, want once", created)
	}
	for i, r := range changed {
		if r.err != nil {
			t.Errorf("roads goroutine %d: %v", i, r.err)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM survey_versions WHERE survey_id = 'city'`); n != 1 {
		t.Errorf("city versions = %d, want 1", n)
	}
	if n := count(t, st, `SELECT count(*) FROM survey_versions WHERE survey_id = 'roads'`); n != 2 {
		t.Errorf("roads versions = %d, want 2", n)
	}
}
