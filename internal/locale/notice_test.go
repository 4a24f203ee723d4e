package locale

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultNotice(t *testing.T) {
	n := DefaultNotice()
	if n.Version == "" {
		t.Fatal("no version")
	}
	for _, l := range Languages {
		// Who runs it, what is stored, for how long, how to erase it.
		for _, want := range []string{"/mydata", "/forget"} {
			if !strings.Contains(n.Text(l), want) {
				t.Errorf("%s notice does not mention %s", l, want)
			}
		}
	}
	if n.Text("xx") != n.Texts["uk"] {
		t.Error("an unknown language does not fall back to Ukrainian")
	}
}

func TestParseNotice(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"no version", "texts: {uk: a, en: b, ru: c}\n", "version is missing"},
		{"a language missing", "version: '2'\ntexts: {uk: a, en: b}\n", `"ru" is missing`},
		{"a language the bot does not speak", "version: '2'\ntexts: {uk: a, en: b, ru: c, de: d}\n", `does not speak "de"`},
		{"a typo in a key", "version: '2'\ntext: {uk: a, en: b, ru: c}\n", "field text not found"},
	} {
		if _, err := ParseNotice("n.yaml", []byte(tc.src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "notice.yaml")
	if err := os.WriteFile(path, []byte("version: '2027-01'\ntexts: {uk: а, en: b, ru: в}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := LoadNotice(path)
	if err != nil || n.Version != "2027-01" || n.Text("en") != "b" {
		t.Fatalf("LoadNotice: %+v %v", n, err)
	}
}
