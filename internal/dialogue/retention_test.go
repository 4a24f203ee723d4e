package dialogue

import (
	"testing"
	"time"

	"github.com/hromada/hromada/internal/survey"
)

func TestRetentionOf(t *testing.T) {
	day := 24 * time.Hour
	for _, tc := range []struct {
		name            string
		survey, contact time.Duration
		typ             survey.Type
		want            time.Duration
	}{
		{"text, no survey retention", 0, 180 * day, survey.FreeText, 0},
		{"text, survey retention", 30 * day, 180 * day, survey.FreeText, 30 * day},
		{"phone, default only", 0, 180 * day, survey.Phone, 180 * day},
		{"phone, survey shorter", 30 * day, 180 * day, survey.Phone, 30 * day},
		{"location, default shorter", 365 * day, 180 * day, survey.Location, 180 * day},
		{"location, no default", 365 * day, 0, survey.Location, 365 * day},
		{"choice never expires", 30 * day, 180 * day, survey.Single, 0},
	} {
		def := &survey.Survey{Retention: tc.survey}
		if got := RetentionOf(def, &survey.Question{Type: tc.typ}, tc.contact); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
