package survey

import "testing"

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true},
		{" 12 ", 12, true},
		{"12.5", 12.5, true},
		{"12,5", 12.5, true},
		{"-3", -3, true},
		{"+3", 3, true},
		{"−7", -7, true}, // U+2212
		{"-0", 0, true},
		{"0,75", 0.75, true},
		{",5", 0.5, true},
		{"1 000", 1000, true},
		{"1 000 000,25", 1000000.25, true},
		{"1\u00a0500", 1500, true},
		{"1\u202f500", 1500, true},
		{"12 5", 0, false},
		{"1 0000", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{",", 0, false},
		{"12.", 0, false},
		{"1.2.3", 0, false},
		{"1,2,3", 0, false},
		{"12 грн", 0, false},
		{"дванадцять", 0, false},
		{"1e5", 0, false},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x10", 0, false},
		{"1234567890123456789012345678901234567890123", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseNumber(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		x    float64
		lang string
		want string
	}{
		{12, "uk", "12"},
		{12.5, "uk", "12,5"},
		{12.5, "en", "12.5"},
		{-0.25, "ru", "-0,25"},
		{1000000, "uk", "1000000"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.x, tt.lang); got != tt.want {
			t.Errorf("formatNumber(%v, %s) = %q, want %q", tt.x, tt.lang, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2026-03-15", "2026-03-15"},
		{"2026-3-5", "2026-03-05"},
		{"15.03.2026", "2026-03-15"},
		{" 5.3.2026 ", "2026-03-05"},
		{"15/03/2026", "2026-03-15"},
		{"29.02.2024", "2024-02-29"},
		{"29.02.2026", ""},
		{"31.04.2026", ""},
		{"2026-13-01", ""},
		{"00.01.2026", ""},
		{"15.03.26", ""},
		{"03/15/2026", ""},
		{"15 березня 2026", ""},
		{"2026-03-15T10:00", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("parseDate(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"380501234567", "+380501234567"},
		{"+380 (50) 123-45-67", "+380501234567"},
		{"+1.202.555.0100", "+12025550100"},
		{"12345", ""},
		{"+1234567890123456", ""},
		{"+38050abc4567", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := normalisePhone(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("normalisePhone(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}
