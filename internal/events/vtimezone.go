package events

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	// Time zones come with the binary, so a calendar's VTIMEZONE is right
	// even where the host's tz database is old or missing.
	_ "time/tzdata"
)

// vtimezone describes loc from the start of the year of from to the end of
// the year of to: one STANDARD or DAYLIGHT sub-component for each period of
// fixed offset in force then, starting with the one in force on 1 January.
// Each has a one-off DTSTART at its change (in the local time before it, as
// RFC 5545 says), so no RRULE is needed. A zone that never changed gets one
// STANDARD from 1970.
func vtimezone(tzid string, loc *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(tzid)
	t := time.Date(from.In(loc).Year(), time.January, 1, 0, 0, 0, 0, loc)
	last := time.Date(to.In(loc).Year()+1, time.January, 1, 0, 0, 0, 0, loc)
	for {
		name, offset := t.Zone()
		onset, end := t.ZoneBounds()
		before := offset
		begins := time.Date(1970, time.January, 1, 0, 0, 0, 0, time.UTC)
		if !onset.IsZero() {
			_, before = onset.Add(-time.Second).Zone()
			begins = onset.In(time.FixedZone("", before))
		}
		var c ics.ComponentBase
		c.AddProperty(ics.ComponentPropertyDtStart, begins.Format(localLayout))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(before))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(offset))
		if name != "" {
			c.AddProperty(ics.ComponentProperty(ics.PropertyTzname), name)
		}
		if t.IsDST() {
			tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: c})
		} else {
			tz.Components = append(tz.Components, &ics.Standard{ComponentBase: c})
		}
		if end.IsZero() || !end.Before(last) {
			return tz
		}
		t = end
	}
}

// alwaysUTC reports whether loc is UTC under any name: offset zero, never
// changed. Times in it are written in UTC, with no VTIMEZONE.
func alwaysUTC(loc *time.Location, at time.Time) bool {
	t := at.In(loc)
	_, offset := t.Zone()
	onset, end := t.ZoneBounds()
	return offset == 0 && onset.IsZero() && end.IsZero()
}

// repeatedSecond reports whether t falls in the hour that comes twice when
// clocks go back in loc, as its second coming. A local time with TZID means
// the first (RFC 5545, 3.3.5), so such a t must be written in UTC.
func repeatedSecond(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	onset, _ := t.ZoneBounds()
	if onset.IsZero() {
		return false
	}
	_, offset := t.Zone()
	_, before := onset.Add(-time.Second).Zone()
	if before <= offset {
		return false
	}
	// The same wall clock under the earlier, larger offset: an earlier
	// instant, still before the change if the wall clock came twice.
	return t.Add(-time.Duration(before-offset) * time.Second).Before(onset)
}

// utcOffset formats seconds east of UTC as an iCalendar UTC-OFFSET: +0200,
// -0330, or +013624 when there are seconds.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
	if rest := seconds % 60; rest != 0 {
		s += fmt.Sprintf("%02d", rest)
	}
	return s
}
