package locale

import (
	"io/fs"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	ids := map[string]map[string]bool{}
	for _, lang := range Languages {
		data, err := fs.ReadFile(files, lang+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s.yaml: %v", lang, err)
		}
		ids[lang] = map[string]bool{}
		for id := range m {
			ids[lang][id] = true
		}
	}
	for _, lang := range Languages {
		for id := range ids["uk"] {
			if !ids[lang][id] {
				t.Errorf("%s.yaml lacks %q", lang, id)
			}
		}
		for id := range ids[lang] {
			if !ids["uk"][id] {
				t.Errorf("%s.yaml has %q that uk.yaml lacks", lang, id)
			}
		}
	}
}

func TestUkrainianPlurals(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    int
		want string
	}{
		{1, "1 варіант."}, {2, "2 варіанти."}, {5, "5 варіантів."}, {21, "21 варіант."}, {22, "22 варіанти."}, {11, "11 варіантів."},
	} {
		got := c.N("uk", "err_too_few", tc.n, nil)
		if !strings.HasSuffix(got, tc.want) {
			t.Errorf("err_too_few(%d) = %q, want suffix %q", tc.n, got, tc.want)
		}
	}
	if got := c.N("en", "err_too_few", 1, nil); got != "Choose at least 1 option." {
		t.Errorf("en one = %q", got)
	}
}

func TestPick(t *testing.T) {
	for code, want := range map[string]string{"": "uk", "uk": "uk", "uk-UA": "uk", "ru": "ru", "ru-RU": "ru", "be": "ru", "en": "en", "en-GB": "en", "de": "en", "pl": "en"} {
		if got := Pick(code); got != want {
			t.Errorf("Pick(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestUnknownLanguageFallsBackToUkrainian(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("de", "btn_back", nil); got != "⬅ Назад" {
		t.Fatalf("T(de) = %q", got)
	}
	if got := c.T("en", "resume", map[string]any{"Title": "X"}); got != "Continuing the survey “X” where you left off." {
		t.Fatalf("resume = %q", got)
	}
}
