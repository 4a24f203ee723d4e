package broadcast

import (
	"errors"
	"net/url"
	"strings"
	"time"
)

// Kyiv is where organisers' times are read: Europe/Kyiv (from the binary's
// time zone data).
var Kyiv = mustLoad("Europe/Kyiv")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Errors of ParseTime.
var (
	ErrTimeFormat = errors.New("broadcast: not a date and time")
	ErrTimePast   = errors.New("broadcast: that time has passed")
	ErrTimeFar    = errors.New("broadcast: more than a year ahead")
)

// timeLayouts are the ways an organiser may write when to send, in Kyiv
// time; those without a year mean this year.
var timeLayouts = []string{
	"2006-01-02 15:04", "02.01.2006 15:04", "2.1.2006 15:04", "02.01.06 15:04",
	"02.01 15:04", "2.1 15:04",
}

// ParseTime reads when to send a scheduled broadcast: "28.11 18:00",
// "28.11.2026 18:00" or "2026-11-28 18:00", in Kyiv time; a date without a
// year is the next one to come, a time alone ("18:00") is today. It must be
// after now and within a year.
func ParseTime(s string, now time.Time) (time.Time, error) {
	s = strings.Join(strings.Fields(strings.NewReplacer(",", " ", "/", ".").Replace(s)), " ")
	local := now.In(Kyiv)
	if t, err := time.ParseInLocation("15:04", s, Kyiv); err == nil {
		s = local.Format("2006-01-02 ") + t.Format("15:04")
	}
	for _, layout := range timeLayouts {
		t, err := time.ParseInLocation(layout, s, Kyiv)
		if err != nil {
			continue
		}
		if !strings.Contains(layout, "06") {
			// This year's date, or next year's once this year's passed
			// (on 31 December, "01.01 18:00" is tomorrow).
			month, day := t.Month(), t.Day()
			for _, year := range []int{local.Year(), local.Year() + 1} {
				t = time.Date(year, month, day, t.Hour(), t.Minute(), 0, 0, Kyiv)
				if t.Month() != month || t.After(now) || now.Sub(t) < 30*24*time.Hour {
					break // a date of the last month that passed is a mistake, not next year's
				}
			}
			if t.Month() != month { // 29.02 in a year without it
				return time.Time{}, ErrTimeFormat
			}
		}
		switch {
		case !t.After(now):
			return t, ErrTimePast
		case t.After(now.AddDate(1, 0, 0)):
			return t, ErrTimeFar
		}
		return t, nil
	}
	return time.Time{}, ErrTimeFormat
}

// ValidLink reports whether a button may open u: an absolute https or http
// link, or a tg:// one.
func ValidLink(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch p.Scheme {
	case "https", "http":
		return p.Host != "" && !strings.ContainsAny(u, " \n")
	case "tg":
		return p.Opaque != "" || p.Host != ""
	}
	return false
}
