package events

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

var update = flag.Bool("update", false, "rewrite the golden calendar files in testdata")

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// stamp is the DTSTAMP of the test calendars.
var stamp = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// parse reads a calendar back with the library and returns its one VEVENT,
// after checking the lines: CRLF, at most 75 octets, whole UTF-8 characters.
func parse(t *testing.T, data []byte) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	checkLines(t, data)
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d VEVENTs, want 1:\n%s", len(evs), data)
	}
	return cal, evs[0]
}

func checkLines(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("the calendar does not end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	for i, line := range lines {
		switch {
		case strings.ContainsAny(line, "\r\n"):
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		case len(line) > 75:
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		case !utf8.ValidString(line):
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, line)
		case len(line) == 0:
			t.Errorf("line %d is empty", i+1)
		}
		if trailing := len(line) - len(strings.TrimRight(line, `\`)); trailing%2 == 1 && i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ") {
			t.Errorf("line %d splits an escape: %q", i+1, line)
		}
	}
}

// contentLines unfolds a calendar without the library: a CRLF and the one
// space or tab after it go.
func contentLines(data []byte) []string {
	s := strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(string(data))
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// observance is one STANDARD or DAYLIGHT of a VTIMEZONE.
type observance struct {
	onset    time.Time // UTC: its DTSTART less TZOFFSETFROM
	offset   int       // TZOFFSETTO, seconds
	daylight bool
}

// observances reads the VTIMEZONE whose TZID is tzid, sorted by onset.
func observances(t *testing.T, cal *ics.Calendar, tzid string) []observance {
	t.Helper()
	var obs []observance
	found := false
	for _, tz := range cal.Timezones() {
		if p := tz.GetProperty(ics.ComponentPropertyTzid); p == nil || p.Value != tzid {
			continue
		}
		found = true
		for _, c := range tz.Components {
			props := map[string]string{}
			for _, p := range c.UnknownPropertiesIANAProperties() {
				props[p.IANAToken] = p.Value
			}
			local, err := time.Parse(localLayout, props["DTSTART"])
			if err != nil {
				t.Fatalf("VTIMEZONE %s: DTSTART: %v", tzid, err)
			}
			_, daylight := c.(*ics.Daylight)
			obs = append(obs, observance{
				onset:    local.Add(-time.Duration(parseOffset(t, props["TZOFFSETFROM"])) * time.Second),
				offset:   parseOffset(t, props["TZOFFSETTO"]),
				daylight: daylight,
			})
		}
	}
	if !found {
		t.Fatalf("no VTIMEZONE %s", tzid)
	}
	slices.SortFunc(obs, func(a, b observance) int { return a.onset.Compare(b.onset) })
	return obs
}

// parseOffset reads a UTC-OFFSET, +HHMM or +HHMMSS, as seconds.
func parseOffset(t *testing.T, s string) int {
	t.Helper()
	if len(s) != 5 && len(s) != 7 || s[0] != '+' && s[0] != '-' {
		t.Fatalf("UTC-OFFSET %q", s)
	}
	n := 0
	for i, unit := range []int{3600, 60, 1}[:(len(s)-1)/2] {
		v, err := strconv.Atoi(s[1+2*i : 3+2*i])
		if err != nil {
			t.Fatalf("UTC-OFFSET %q", s)
		}
		n += v * unit
	}
	if s[0] == '-' {
		n = -n
	}
	return n
}

// resolve turns a DTSTART or DTEND into an instant through the calendar's
// own VTIMEZONE, not Go's zone of the same name, as RFC 5545 says: the
// observance in force is the one whose period holds the local time less its
// TZOFFSETTO, and a local time that comes twice means the first.
func resolve(t *testing.T, cal *ics.Calendar, p *ics.IANAProperty) time.Time {
	t.Helper()
	if p == nil {
		t.Fatal("no such property")
	}
	if strings.HasSuffix(p.Value, "Z") {
		u, err := time.Parse(utcLayout, p.Value)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tzid := p.ICalParameters[string(ics.ParameterTzid)]
	if len(tzid) != 1 {
		t.Fatalf("%s:%s is a floating time: no Z, no TZID", p.IANAToken, p.Value)
	}
	wall, err := time.Parse(localLayout, p.Value) // the wall clock, read as if UTC
	if err != nil {
		t.Fatal(err)
	}
	obs := observances(t, cal, tzid[0])
	var first time.Time
	for i, o := range obs {
		at := wall.Add(-time.Duration(o.offset) * time.Second)
		if at.Before(o.onset) || i+1 < len(obs) && !at.Before(obs[i+1].onset) {
			continue
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	if first.IsZero() {
		t.Fatalf("%s %s is in no period of VTIMEZONE %s: %+v", p.IANAToken, p.Value, tzid[0], obs)
	}
	return first
}

func TestICSTimesResolveThroughItsOwnVTimezone(t *testing.T) {
	at := func(zone *time.Location, year int, month time.Month, day, hour, min int) time.Time {
		return time.Date(year, month, day, hour, min, 0, 0, zone)
	}
	utc := func(s string) time.Time {
		u, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	kyiv, sydney, newYork := zone(t, "Europe/Kyiv"), zone(t, "Australia/Sydney"), zone(t, "America/New_York")
	tokyo, kathmandu, plus3 := zone(t, "Asia/Tokyo"), zone(t, "Asia/Kathmandu"), zone(t, "Etc/GMT-3")
	for _, tc := range []struct {
		name               string
		zone               string
		starts, ends       time.Time
		wantStart, wantEnd string // UTC, worked out by hand
		startUTC, endUTC   bool   // written in UTC, not in the zone
		standard, daylight int    // observances in the VTIMEZONE; -1: any, but some
	}{
		{"Kyiv winter", "Europe/Kyiv", at(kyiv, 2027, 2, 10, 18, 0), at(kyiv, 2027, 2, 10, 20, 0), "2027-02-10T16:00:00Z", "2027-02-10T18:00:00Z", false, false, -1, -1},
		{"Kyiv summer", "Europe/Kyiv", at(kyiv, 2027, 7, 10, 18, 0), at(kyiv, 2027, 7, 10, 20, 0), "2027-07-10T15:00:00Z", "2027-07-10T17:00:00Z", false, false, -1, -1},
		{"Kyiv across the spring change", "Europe/Kyiv", at(kyiv, 2027, 3, 28, 2, 0), at(kyiv, 2027, 3, 28, 5, 0), "2027-03-28T00:00:00Z", "2027-03-28T02:00:00Z", false, false, -1, -1},
		{"Kyiv after the spring change", "Europe/Kyiv", at(kyiv, 2027, 3, 28, 10, 0), at(kyiv, 2027, 3, 28, 12, 0), "2027-03-28T07:00:00Z", "2027-03-28T09:00:00Z", false, false, -1, -1},
		{"Kyiv across the autumn change", "Europe/Kyiv", at(kyiv, 2027, 10, 31, 2, 0), at(kyiv, 2027, 10, 31, 5, 0), "2027-10-30T23:00:00Z", "2027-10-31T03:00:00Z", false, false, -1, -1},
		{"Kyiv after the autumn change", "Europe/Kyiv", at(kyiv, 2027, 10, 31, 10, 0), at(kyiv, 2027, 10, 31, 12, 0), "2027-10-31T08:00:00Z", "2027-10-31T10:00:00Z", false, false, -1, -1},
		// 03:30 comes twice on 31 October: first in summer time, then in winter time.
		{"Kyiv in the repeated hour", "Europe/Kyiv", utc("2027-10-31T00:30:00Z"), utc("2027-10-31T01:30:00Z"), "2027-10-31T00:30:00Z", "2027-10-31T01:30:00Z", false, true, -1, -1},
		{"Kyiv over the new year", "Europe/Kyiv", at(kyiv, 2027, 12, 31, 22, 0), at(kyiv, 2028, 1, 1, 2, 0), "2027-12-31T20:00:00Z", "2028-01-01T00:00:00Z", false, false, -1, -1},
		{"Sydney across the April change", "Australia/Sydney", at(sydney, 2027, 4, 4, 1, 0), at(sydney, 2027, 4, 4, 4, 0), "2027-04-03T14:00:00Z", "2027-04-03T18:00:00Z", false, false, -1, -1},
		{"New York across the March change", "America/New_York", at(newYork, 2027, 3, 14, 1, 0), at(newYork, 2027, 3, 14, 4, 0), "2027-03-14T06:00:00Z", "2027-03-14T08:00:00Z", false, false, -1, -1},
		{"Tokyo, no daylight saving", "Asia/Tokyo", at(tokyo, 2027, 5, 1, 10, 0), at(tokyo, 2027, 5, 1, 12, 0), "2027-05-01T01:00:00Z", "2027-05-01T03:00:00Z", false, false, 1, 0},
		{"Kathmandu, a quarter-hour offset", "Asia/Kathmandu", at(kathmandu, 2027, 5, 1, 10, 0), at(kathmandu, 2027, 5, 1, 12, 0), "2027-05-01T04:15:00Z", "2027-05-01T06:15:00Z", false, false, 1, 0},
		{"a fixed zone, never changed", "Etc/GMT-3", at(plus3, 2027, 5, 1, 10, 0), at(plus3, 2027, 5, 1, 12, 0), "2027-05-01T07:00:00Z", "2027-05-01T09:00:00Z", false, false, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Go agrees with the hand.
			if got := tc.starts.UTC().Format(time.RFC3339); got != tc.wantStart {
				t.Fatalf("the case is wrong: starts %s, not %s", got, tc.wantStart)
			}
			if got := tc.ends.UTC().Format(time.RFC3339); got != tc.wantEnd {
				t.Fatalf("the case is wrong: ends %s, not %s", got, tc.wantEnd)
			}
			data, err := ICS(Invitation{UID: "registration-1@hromada", Title: "Форум", Starts: tc.starts, Ends: tc.ends, TimeZone: tc.zone, Stamp: stamp})
			if err != nil {
				t.Fatal(err)
			}
			cal, ev := parse(t, data)
			for _, p := range []struct {
				prop ics.ComponentProperty
				want string
				utc  bool
			}{{ics.ComponentPropertyDtStart, tc.wantStart, tc.startUTC}, {ics.ComponentPropertyDtEnd, tc.wantEnd, tc.endUTC}} {
				prop := ev.GetProperty(p.prop)
				if got := resolve(t, cal, prop).Format(time.RFC3339); got != p.want {
					t.Errorf("%s:%s resolves to %s, want %s\n%s", p.prop, prop.Value, got, p.want, data)
				}
				if got := strings.HasSuffix(prop.Value, "Z"); got != p.utc {
					t.Errorf("%s:%s written in UTC: %v, want %v", p.prop, prop.Value, got, p.utc)
				}
				if !p.utc && prop.ICalParameters["TZID"][0] != tc.zone {
					t.Errorf("%s TZID %v, want %s", p.prop, prop.ICalParameters["TZID"], tc.zone)
				}
			}
			var standard, daylight int
			for _, o := range observances(t, cal, tc.zone) {
				if o.daylight {
					daylight++
				} else {
					standard++
				}
			}
			if standard == 0 || (tc.standard >= 0 && standard != tc.standard) || (tc.daylight < 0) != (daylight > 0) || (tc.daylight >= 0 && daylight != tc.daylight) {
				t.Errorf("VTIMEZONE has %d STANDARD and %d DAYLIGHT, want %d and %d:\n%s", standard, daylight, tc.standard, tc.daylight, data)
			}
		})
	}
}

// TestICSTimesAroundKyivChanges resolves every quarter hour of 2027's two
// change days in Kyiv, and a few more, against Go's zone.
func TestICSTimesAroundKyivChanges(t *testing.T) {
	for _, day := range []string{"2027-03-28", "2027-10-31", "2027-01-01", "2027-12-31"} {
		first, err := time.ParseInLocation(time.DateOnly, day, zone(t, "Europe/Kyiv"))
		if err != nil {
			t.Fatal(err)
		}
		for starts := first.Add(-2 * time.Hour); starts.Before(first.Add(26 * time.Hour)); starts = starts.Add(15 * time.Minute) {
			ends := starts.Add(45 * time.Minute)
			data, err := ICS(Invitation{UID: "r@h", Title: "x", Starts: starts, Ends: ends, TimeZone: "Europe/Kyiv", Stamp: stamp})
			if err != nil {
				t.Fatal(err)
			}
			cal, ev := parse(t, data)
			if got := resolve(t, cal, ev.GetProperty(ics.ComponentPropertyDtStart)); !got.Equal(starts) {
				t.Errorf("DTSTART of %s resolves to %s", starts.UTC(), got)
			}
			if got := resolve(t, cal, ev.GetProperty(ics.ComponentPropertyDtEnd)); !got.Equal(ends) {
				t.Errorf("DTEND of %s resolves to %s", ends.UTC(), got)
			}
		}
	}
}

func TestICSInUTC(t *testing.T) {
	for _, name := range []string{"UTC", "Etc/UTC", ""} {
		t.Run(name, func(t *testing.T) {
			data, err := ICS(Invitation{
				UID: "u@h", Title: "Online", TimeZone: name, Stamp: stamp,
				Starts: time.Date(2027, 7, 5, 12, 0, 0, 0, zone(t, "Europe/Kyiv")), Ends: time.Date(2027, 7, 5, 10, 0, 0, 0, time.UTC),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = parse(t, data)
			lines := contentLines(data)
			for _, want := range []string{"DTSTART:20270705T090000Z", "DTEND:20270705T100000Z"} {
				if !slices.Contains(lines, want) {
					t.Errorf("no %s:\n%s", want, data)
				}
			}
			if s := string(data); strings.Contains(s, "VTIMEZONE") || strings.Contains(s, "TZID") {
				t.Errorf("a zone in a UTC calendar:\n%s", s)
			}
		})
	}
}

func TestICSText(t *testing.T) {
	title := `Збори: вул. Шевченка, 5; під'їзд "А" \ 2`
	desc := "Перший рядок\r\nДругий, з комою; і крапкою з комою\rТретій\tз табуляцією\x07 і дзвінком\nhttps://example.org/a,b;c"
	location := "Харків, вул. Сумська, 1"
	data, err := ICS(Invitation{
		UID: "registration-7@hromada", Title: title, Description: desc, Location: location,
		Starts: time.Date(2027, 2, 10, 16, 0, 0, 0, time.UTC), Ends: time.Date(2027, 2, 10, 18, 0, 0, 0, time.UTC),
		TimeZone: "Europe/Kyiv", Stamp: stamp,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, ev := parse(t, data)
	lines := contentLines(data)
	for _, want := range []string{
		`SUMMARY:Збори: вул. Шевченка\, 5\; під'їзд "А" \\ 2`,
		`LOCATION:Харків\, вул. Сумська\, 1`,
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("no %s:\n%s", want, data)
		}
	}
	wantDesc := "Перший рядок\nДругий, з комою; і крапкою з комою\nТретій\tз табуляцією і дзвінком\nhttps://example.org/a,b;c"
	for prop, want := range map[ics.ComponentProperty]string{
		ics.ComponentPropertySummary:     title,
		ics.ComponentPropertyDescription: wantDesc,
		ics.ComponentPropertyLocation:    location,
		ics.ComponentPropertyUniqueId:    "registration-7@hromada",
	} {
		if p := ev.GetProperty(prop); p == nil || p.Value != want {
			t.Errorf("%s reads back as %+v, want %q", prop, p, want)
		}
	}
}

// FuzzICSText writes any title and description and reads them back: the
// lines stay valid and the text comes back as plainText left it.
func FuzzICSText(f *testing.F) {
	f.Add("Форум громади", "")
	f.Add(strings.Repeat("Ї", 100), strings.Repeat(`,;\`, 60))
	f.Add("a"+strings.Repeat("ж", 40), strings.Repeat("x", 73)+`\,`+strings.Repeat("ґ", 50)+"\n")
	f.Add("😀"+strings.Repeat("👩‍👩‍👧", 20), "\xff\xfe broken UTF-8 \r\n and a CR\r")
	f.Add(strings.Repeat(" ", 80)+"x", strings.Repeat(`\n`, 80))
	f.Fuzz(func(t *testing.T, title, desc string) {
		data, err := ICS(Invitation{UID: "r@h", Title: title, Description: desc, Starts: stamp, Ends: stamp.Add(time.Hour), TimeZone: "Europe/Kyiv", Stamp: stamp})
		if strings.TrimSpace(plainText(title)) == "" {
			if !errors.Is(err, ErrInvalidInvitation) {
				t.Fatalf("a blank title: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		_, ev := parse(t, data)
		if got := ev.GetProperty(ics.ComponentPropertySummary).Value; got != plainText(title) {
			t.Errorf("SUMMARY reads back as %q, want %q", got, plainText(title))
		}
		want, got := strings.TrimSpace(plainText(desc)), ""
		if p := ev.GetProperty(ics.ComponentPropertyDescription); p != nil {
			got = p.Value
		}
		if got != want {
			t.Errorf("DESCRIPTION reads back as %q, want %q", got, want)
		}
	})
}

func TestICSOptionalFields(t *testing.T) {
	base := Invitation{UID: "u@h", Title: "Зустріч", Starts: stamp.Add(24 * time.Hour), Ends: stamp.Add(25 * time.Hour), TimeZone: "Europe/Kyiv", Stamp: stamp}
	tiny, west := 0.00001, -0.5
	for _, tc := range []struct {
		name          string
		edit          func(*Invitation)
		want, missing []string // content lines, and properties that must not be there
	}{
		{"none", func(*Invitation) {}, nil, []string{"DESCRIPTION", "LOCATION", "URL", "GEO"}},
		{"blank ones", func(inv *Invitation) { inv.Description, inv.Location = " \n ", "\t" }, nil, []string{"DESCRIPTION", "LOCATION", "URL", "GEO"}},
		{"a link only, also in the description", func(inv *Invitation) { inv.URL = "https://meet.example.org/x?a=1,2;b" },
			[]string{"URL:https://meet.example.org/x?a=1,2;b", `DESCRIPTION:https://meet.example.org/x?a=1\,2\;b`}, []string{"LOCATION", "GEO"}},
		{"a link the description has", func(inv *Invitation) { inv.URL, inv.Description = "https://e.org/x", "Join: https://e.org/x" },
			[]string{"URL:https://e.org/x", "DESCRIPTION:Join: https://e.org/x"}, []string{"LOCATION", "GEO"}},
		{"a pin, in plain decimals", func(inv *Invitation) { inv.Lat, inv.Lon = &tiny, &west }, []string{"GEO:0.00001;-0.5"}, []string{"DESCRIPTION", "LOCATION", "URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := base
			tc.edit(&inv)
			data, err := ICS(inv)
			if err != nil {
				t.Fatal(err)
			}
			_, ev := parse(t, data)
			lines := contentLines(data)
			for _, want := range tc.want {
				if !slices.Contains(lines, want) {
					t.Errorf("no %s:\n%s", want, data)
				}
			}
			for _, prop := range tc.missing {
				if p := ev.GetProperty(ics.ComponentProperty(prop)); p != nil {
					t.Errorf("%s written: %+v", prop, p)
				}
			}
		})
	}
}

func TestICSRefusesInvalidInvitations(t *testing.T) {
	ptr := func(f float64) *float64 { return &f }
	base := Invitation{UID: "u@h", Title: "Зустріч", Starts: stamp.Add(24 * time.Hour), Ends: stamp.Add(25 * time.Hour), TimeZone: "Europe/Kyiv", Stamp: stamp}
	for _, tc := range []struct {
		name string
		edit func(*Invitation)
	}{
		{"no UID", func(inv *Invitation) { inv.UID = "" }},
		{"a UID with a newline", func(inv *Invitation) { inv.UID = "a\nb" }},
		{"no title", func(inv *Invitation) { inv.Title = " \x00\r\n" }},
		{"no stamp", func(inv *Invitation) { inv.Stamp = time.Time{} }},
		{"ends at the start", func(inv *Invitation) { inv.Ends = inv.Starts }},
		{"ends before the start", func(inv *Invitation) { inv.Ends = inv.Starts.Add(-time.Hour) }},
		{"ends within the same second", func(inv *Invitation) { inv.Ends = inv.Starts.Add(time.Millisecond) }},
		{"an unknown zone", func(inv *Invitation) { inv.TimeZone = "Mars/Olympus" }},
		{"the host's zone", func(inv *Invitation) { inv.TimeZone = "Local" }},
		{"a method other than PUBLISH", func(inv *Invitation) { inv.Method = "CANCEL" }},
		{"latitude without longitude", func(inv *Invitation) { inv.Lat = ptr(50.45) }},
		{"latitude out of range", func(inv *Invitation) { inv.Lat, inv.Lon = ptr(95), ptr(30.52) }},
		{"longitude out of range", func(inv *Invitation) { inv.Lat, inv.Lon = ptr(50.45), ptr(-181) }},
		{"NaN", func(inv *Invitation) { inv.Lat, inv.Lon = ptr(math.NaN()), ptr(30.52) }},
		{"a relative URL", func(inv *Invitation) { inv.URL = "/events/1" }},
		{"a URL with a line break", func(inv *Invitation) { inv.URL = "https://e.org/\r\nX-EVIL:1" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := base
			tc.edit(&inv)
			if _, err := ICS(inv); !errors.Is(err, ErrInvalidInvitation) {
				t.Errorf("got %v, want ErrInvalidInvitation", err)
			}
		})
	}
	base.Method = MethodPublish
	if _, err := ICS(base); err != nil {
		t.Errorf("METHOD PUBLISH spelled out: %v", err)
	}
}

// TestICSGolden keeps a whole calendar file in testdata, to read and to
// import into calendar apps by hand; -update rewrites it.
func TestICSGolden(t *testing.T) {
	kyiv := zone(t, "Europe/Kyiv")
	lat, lon := 49.9935, 36.2304
	data, err := ICS(Invitation{
		UID:         "registration-42@hromada",
		Title:       "Форум громади: відбудова, безпека; реінтеграція — обговорення з мешканцями Харкова",
		Description: "Порядок денний:\n1. Відбудова шкіл, лікарень і укриттів\n2. Безпека; освітлення вулиць\n\nВізьміть паспорт або «Дію».",
		Location:    "Харків, вул. Сумська, 1, Будинок культури",
		URL:         "https://meet.example.org/forum-2027",
		Lat:         &lat, Lon: &lon,
		Starts:   time.Date(2027, 3, 28, 2, 0, 0, 0, kyiv),
		Ends:     time.Date(2027, 3, 28, 5, 0, 0, 0, kyiv),
		TimeZone: "Europe/Kyiv",
		Stamp:    stamp,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = parse(t, data)
	path := filepath.Join("testdata", "forum.ics")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("the calendar differs from %s (run with -update if that is right):\n%s", path, data)
	}
}

func TestFoldCutsBetweenCharactersAndEscapes(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []string
	}{
		{"short", "SUMMARY:x", []string{"SUMMARY:x"}},
		{"75 octets stay", strings.Repeat("a", 75), []string{strings.Repeat("a", 75)}},
		{"76 octets fold", strings.Repeat("a", 76), []string{strings.Repeat("a", 75), " a"}},
		{"a Cyrillic letter at the cut", strings.Repeat("a", 74) + "жж", []string{strings.Repeat("a", 74), " жж"}},
		{"an escape at the cut", strings.Repeat("a", 74) + `\,b`, []string{strings.Repeat("a", 74), ` \,b`}},
		{"an escaped backslash at the cut", strings.Repeat("a", 73) + `\\,b`, []string{strings.Repeat("a", 73) + `\\`, " ,b"}},
		{"continuation lines", strings.Repeat("ї", 80), []string{strings.Repeat("ї", 37), " " + strings.Repeat("ї", 37), " " + strings.Repeat("ї", 6)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Split(strings.TrimSuffix(string(fold([]byte(tc.line+"\r\n"))), "\r\n"), "\r\n")
			if !slices.Equal(got, tc.want) {
				t.Errorf("fold =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}
