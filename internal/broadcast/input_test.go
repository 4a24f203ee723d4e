package broadcast

import (
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC) // 23:00 in Kyiv (EET)
	kyiv := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, Kyiv) }
	for _, tc := range []struct {
		in   string
		want time.Time
		err  error
	}{
		{"28.11 18:00", kyiv(2026, 11, 28, 18, 0), nil},
		{"28.11.2026 18:00", kyiv(2026, 11, 28, 18, 0), nil},
		{"2026-11-28 18:00", kyiv(2026, 11, 28, 18, 0), nil},
		{" 1.12  9:05 ", kyiv(2026, 12, 1, 9, 5), nil},
		{"23:30", kyiv(2026, 11, 26, 23, 30), nil},
		{"22:30", time.Time{}, ErrTimePast},
		{"01.01.2020 10:00", time.Time{}, ErrTimePast},
		// Summer time: 10:00 in Kyiv is 07:00 UTC in July.
		{"01.07.2027 10:00", time.Date(2027, 7, 1, 7, 0, 0, 0, time.UTC), nil},
		{"01.01.2028 10:00", time.Time{}, ErrTimeFar},
		{"завтра", time.Time{}, ErrTimeFormat},
		{"31.02 10:00", time.Time{}, ErrTimeFormat},
		{"29.02 10:00", time.Time{}, ErrTimeFormat},   // not in 2026 nor 2027
		{"01.01 18:00", kyiv(2027, 1, 1, 18, 0), nil}, // passed this year: next year's
		{"26.11 22:30", time.Time{}, ErrTimePast},     // earlier today: a mistake, not next year's
		{"29.02.2028 10:00", time.Time{}, ErrTimeFar},
	} {
		got, err := ParseTime(tc.in, now)
		if !errors.Is(err, tc.err) || (tc.err == nil && !got.Equal(tc.want)) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestValidLink(t *testing.T) {
	for in, want := range map[string]bool{
		"https://example.org/report": true, "http://example.org": true, "tg://resolve?domain=x": true,
		"ftp://example.org": false, "example.org": false, "https://": false, "javascript:alert(1)": false, "https://a b": false,
	} {
		if got := ValidLink(in); got != want {
			t.Errorf("ValidLink(%q) = %v", in, got)
		}
	}
}
