package events

import (
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	starts := time.Date(2027, 2, 10, 16, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name       string
		before     time.Duration
		registered time.Time
		due        time.Time
		schedule   bool
	}{
		{"a day ahead, registered a week ahead", day, starts.Add(-7 * day), starts.Add(-day), true},
		{"an hour ahead, registered two hours ahead", time.Hour, starts.Add(-2 * time.Hour), starts.Add(-time.Hour), true},
		{"registered a second before it falls due", time.Hour, starts.Add(-time.Hour - time.Second), starts.Add(-time.Hour), true},
		{"registered as it falls due", time.Hour, starts.Add(-time.Hour), starts.Add(-time.Hour), false},
		{"a day ahead, registered two hours ahead", day, starts.Add(-2 * time.Hour), starts.Add(-day), false},
		{"registered after the start", time.Hour, starts.Add(time.Minute), starts.Add(-time.Hour), false},
		{"no time before the start", 0, starts.Add(-day), starts, false},
		{"after the start", -time.Hour, starts.Add(-day), starts.Add(time.Hour), false},
		{"registered in another zone", time.Hour, time.Date(2027, 2, 10, 16, 30, 0, 0, time.FixedZone("EET", 2*3600)), starts.Add(-time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			due, ok := Due(starts, tc.before, tc.registered)
			if !due.Equal(tc.due) || ok != tc.schedule {
				t.Errorf("Due = %s, %v; want %s, %v", due, ok, tc.due, tc.schedule)
			}
		})
	}
}

func TestSend(t *testing.T) {
	starts := time.Date(2027, 2, 10, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		now  time.Time
		send bool
	}{
		{"on time, a day ahead", starts.Add(-24 * time.Hour), true},
		{"late, a second before the start", starts.Add(-time.Second), true},
		{"at the start", starts, false},
		{"after the start", starts.Add(time.Minute), false},
		{"the start in another zone", time.Date(2027, 2, 10, 18, 0, 0, 0, time.FixedZone("EET", 2*3600)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Send(starts, tc.now); got != tc.send {
				t.Errorf("Send(%s, %s) = %v, want %v", starts, tc.now, got, tc.send)
			}
		})
	}
}
