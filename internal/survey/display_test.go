package survey

import (
	"math"
	"regexp"
	"slices"
	"testing"
)

func TestDisplay(t *testing.T) {
	def := mustParse(t, engineSurvey)
	q := func(id string) *Question { q, _ := def.Question(id); return q }
	tests := []struct {
		name string
		q    *Question
		a    Answer
		lang string
		want string
	}{
		{"single", q("color"), Answer{Choice: "red"}, "uk", "Червоний"},
		{"single in English", q("color"), Answer{Choice: "red"}, "en", "Red"},
		{"single in a missing language", q("color"), Answer{Choice: "red"}, "ru", "Червоний"},
		{"single other", q("color"), Answer{Choice: "other", Other: "Зелений"}, "uk", "Інший: Зелений"},
		{"single other in English", q("color"), Answer{Choice: "other", Other: "Green"}, "en", "Another: Green"},
		{"single unknown option", q("color"), Answer{Choice: "violet"}, "uk", "violet"},
		{"multi", q("tags"), Answer{Choices: []string{"a", "c"}}, "uk", "А; В"},
		{"multi with other", q("tags"), Answer{Choices: []string{"b", "other"}, Other: "Свій"}, "en", "B; Other: Свій"},
		{"multi empty", q("tags"), Answer{}, "uk", "—"},
		{"yesno", q("yn"), Answer{Choice: "yes"}, "uk", "Так"},
		{"yesno in Russian", q("yn"), Answer{Choice: "no"}, "ru", "Нет"},
		{"region", q("reg"), Answer{Choice: "UA-43"}, "uk", "Автономна Республіка Крим"},
		{"region outside", q("reg"), Answer{Choice: "outside"}, "en", "Outside Ukraine"},
		{"scale", q("mood"), Answer{Number: num(7)}, "uk", "7"},
		{"scale zero", q("mood"), Answer{Number: num(0)}, "uk", "0"},
		{"text", q("story"), Answer{Text: "Казка"}, "uk", "Казка"},
		{"whole number", q("age"), Answer{Number: num(42)}, "uk", "42"},
		{"decimal in Ukrainian", q("share"), Answer{Number: num(12.5)}, "uk", "12,5"},
		{"decimal in English", q("share"), Answer{Number: num(12.5)}, "en", "12.5"},
		{"date", q("born"), Answer{Date: "2022-02-24"}, "uk", "24.02.2022"},
		{"phone", q("phone"), Answer{Phone: "+380501234567"}, "uk", "+380501234567"},
		{"location", q("where"), Answer{Lat: num(50.4501), Lon: num(30.5234)}, "uk", "50.4501, 30.5234"},
		{"skipped", q("phone"), Answer{Skipped: true}, "uk", "—"},
		{"note", q("hello"), Answer{}, "uk", "—"},
		{"no question: choices", nil, Answer{Choices: []string{"a", "b"}}, "uk", "a; b"},
		{"no question: other", nil, Answer{Choice: "other", Other: "Своє"}, "uk", "Інше: Своє"},
		{"no question: number", nil, Answer{Number: num(2.5)}, "uk", "2,5"},
		{"no question: date", nil, Answer{Date: "2026-01-02"}, "en", "02.01.2026"},
		{"no question: text", nil, Answer{Text: "так"}, "en", "так"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Display(tt.q, tt.lang); got != tt.want {
				t.Errorf("Display = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRegions(t *testing.T) {
	regions := Regions()
	if len(regions) != 28 {
		t.Fatalf("%d regions, want 24 oblasts + Kyiv + Sevastopol + Crimea + outside", len(regions))
	}
	code := regexp.MustCompile(`^UA-\d\d$`)
	seen := map[string]bool{}
	for _, r := range regions {
		if seen[r.ID] {
			t.Errorf("%s twice", r.ID)
		}
		seen[r.ID] = true
		if !code.MatchString(r.ID) && r.ID != OutsideUkraine {
			t.Errorf("%s is not an ISO 3166-2:UA code", r.ID)
		}
		for _, lang := range []string{"uk", "en", "ru"} {
			if r.Label[lang] == "" {
				t.Errorf("%s has no %s label", r.ID, lang)
			}
		}
		if n := len([]rune(r.Label["uk"])); n > MaxOptionLabel {
			t.Errorf("%s: label too long for a button", r.ID)
		}
	}
	for id, uk := range map[string]string{"UA-05": "Вінницька область", "UA-30": "м. Київ", "UA-40": "м. Севастополь",
		"UA-43": "Автономна Республіка Крим", "UA-32": "Київська область", "UA-09": "Луганська область"} {
		if i := choiceIndex(&Question{Type: Region}, id); i < 0 || regions[i].Label["uk"] != uk {
			t.Errorf("%s is not %s", id, uk)
		}
	}
	if regions[0].ID != "UA-05" || regions[len(regions)-1].ID != OutsideUkraine {
		t.Errorf("order: first %s, last %s", regions[0].ID, regions[len(regions)-1].ID)
	}
	regions[0].Label["uk"] = "змінено"
	if Regions()[0].Label["uk"] == "змінено" {
		t.Error("Regions shares its labels between calls")
	}
}

func TestChoices(t *testing.T) {
	def := mustParse(t, engineSurvey)
	ids := func(id string) []string {
		q, _ := def.Question(id)
		var out []string
		for _, o := range q.Choices() {
			out = append(out, o.ID)
			if !hasChoice(q, o.ID) {
				t.Errorf("%s: hasChoice(%s) is false", id, o.ID)
			}
		}
		return out
	}
	tests := []struct {
		question string
		want     []string
	}{
		{"color", []string{"red", "blue", "other"}},
		{"tags", []string{"a", "b", "c", "other"}},
		{"yn", []string{"yes", "no"}},
		{"mood", []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}},
		{"story", nil},
		{"hello", nil},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			if got := ids(tt.question); !slices.Equal(got, tt.want) {
				t.Errorf("Choices = %v, want %v", got, tt.want)
			}
		})
	}
	if n := len(ids("reg")); n != 28 {
		t.Errorf("region has %d choices", n)
	}
	q, _ := def.Question("yn")
	if l := q.Choices()[0].Label; l["uk"] != "Так" || l["en"] != "Yes" || l["ru"] != "Да" {
		t.Errorf("yes label %v", l)
	}
	for _, q := range []Question{
		{Type: Scale, ScaleMin: math.MinInt, ScaleMax: math.MaxInt},
		{Type: Scale, ScaleMin: 5, ScaleMax: 1},
		{Type: Scale, ScaleMin: math.MaxInt - 3, ScaleMax: math.MaxInt},
	} {
		if n := len(q.Choices()); n != 0 && n != 4 {
			t.Errorf("scale %d..%d has %d choices", q.ScaleMin, q.ScaleMax, n)
		}
	}
	mood, _ := def.Question("mood")
	if l := mood.Choices()[7].Label.In("en", "uk"); l != "7" {
		t.Errorf("scale label %q", l)
	}
}
