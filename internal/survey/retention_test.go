package survey

import (
	"strings"
	"testing"
	"time"
)

func TestSurveyRetention(t *testing.T) {
	base := "id: r\nlanguages: [uk]\ntitle: {uk: Р}\n%s\nquestions:\n  - {id: t, type: text, text: {uk: Т}}\n"
	for _, tc := range []struct {
		line string
		want time.Duration
		err  string
	}{
		{"retention: 180d", 180 * 24 * time.Hour, ""},
		{"retention: 36h", 36 * time.Hour, ""},
		{"retention: 2s", 2 * time.Second, ""},
		{"# none", 0, ""},
		{"retention: soon", 0, `4: retention: "soon" is not a duration`},
		{"retention: 0s", 0, `4: retention: "0s" must be between 1s and 3650d`},
		{"retention: 4000d", 0, `must be between 1s and 3650d`},
	} {
		s, issues := Parse("r.yaml", []byte(strings.Replace(base, "%s", tc.line, 1)))
		if tc.err != "" {
			if len(issues) != 1 || !strings.Contains(issues[0].String(), tc.err) {
				t.Errorf("%s: issues %v, want %q", tc.line, issues, tc.err)
			}
			continue
		}
		if len(issues) > 0 || s.Retention != tc.want {
			t.Errorf("%s: %v %v, want %v", tc.line, s, issues, tc.want)
		}
	}
	q := []Question{{Type: FreeText}, {Type: Phone}, {Type: Location}, {Type: Single}, {Type: Number}}
	for i, want := range []bool{true, true, true, false, false} {
		if q[i].Expiring() != want {
			t.Errorf("%s: Expiring = %v", q[i].Type, !want)
		}
	}
}
