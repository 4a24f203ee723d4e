package survey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// numberPattern is a number as people type it: an optional sign, digits
// (optionally grouped by three with spaces: "1 000 000"), and an optional
// fraction after a point or a comma ("12.5", "12,5").
var numberPattern = regexp.MustCompile(`^[+-]?(\d{1,3}(?:[ \x{00A0}\x{202F}\x{2009}]\d{3})+|\d*)(?:[.,]\d+)?$`)

// maxNumberInput bounds the length of a number answer (in characters).
const maxNumberInput = 40

// parseNumber reads a number the way a citizen types it: "12", "-3", "12.5",
// "12,5" (the Ukrainian decimal comma), "1 000 000" (spaces between groups of
// three digits, also no-break and thin spaces), "−5" (a typographic minus).
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u2212", "-"))
	if s == "" || utf8.RuneCountInString(s) > maxNumberInput || !numberPattern.MatchString(s) ||
		!strings.ContainsAny(s, "0123456789") {
		return 0, false
	}
	plain := make([]byte, 0, len(s))
	for _, r := range s { // the pattern let through only ASCII and the spaces
		switch r {
		case ' ', '\u00a0', '\u202f', '\u2009':
		case ',':
			plain = append(plain, '.')
		default:
			plain = append(plain, byte(r))
		}
	}
	x, err := strconv.ParseFloat(string(plain), 64)
	if err != nil {
		return 0, false
	}
	if x == 0 {
		x = 0 // no "-0"
	}
	return x, true
}

// formatNumber writes x without trailing zeros, with a decimal comma except in English.
func formatNumber(x float64, lang string) string {
	if x == 0 {
		x = 0
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// datePatterns are the ways a date may be typed: 2026-03-15, 15.03.2026,
// 15/03/2026 (day and month may have one digit). Two-digit years are refused:
// "15.03.26" could be 1926 or 2026, and birth dates need the century.
var (
	isoDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dmyDate = regexp.MustCompile(`^(\d{1,2})[./](\d{1,2})[./](\d{4})$`)
)

// parseDate reads a calendar date and returns it as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var y, m, d int
	if p := isoDate.FindStringSubmatch(s); p != nil {
		y, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		d, _ = strconv.Atoi(p[3])
	} else if p := dmyDate.FindStringSubmatch(s); p != nil {
		d, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
		y, _ = strconv.Atoi(p[3])
	} else {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return "", false // 31.02.2026 and the like
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

// formatDate writes a YYYY-MM-DD date as DD.MM.YYYY.
func formatDate(iso string) string {
	if len(iso) != 10 || iso[4] != '-' || iso[7] != '-' {
		return iso
	}
	return iso[8:10] + "." + iso[5:7] + "." + iso[0:4]
}

// normalisePhone keeps the digits of a phone number and puts a "+" before
// them (Telegram sends "380501234567" or "+380 50 123 4567"). A number must
// have 7 to 15 digits (E.164).
func normalisePhone(p string) (string, bool) {
	var b strings.Builder
	b.WriteByte('+')
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return "", false
		}
	}
	if n := b.Len() - 1; n < 7 || n > 15 {
		return "", false
	}
	return b.String(), true
}
