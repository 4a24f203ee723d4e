package events

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"
)

// ErrInvalidInvitation is wrapped by the errors of ICS for an Invitation that
// cannot become a valid calendar file; the message says which field and why.
var ErrInvalidInvitation = errors.New("events: invalid invitation")

// MethodPublish is the iTIP method of Hromada's calendar files: the file is
// something to add to one's calendar, not a meeting request to answer.
const MethodPublish = "PUBLISH"

// productID names the program that wrote a calendar file (PRODID).
const productID = "-//Hromada//Events//UK"

// Layouts of iCalendar DATE-TIME values.
const (
	localLayout = "20060102T150405"  // local time, with a TZID parameter
	utcLayout   = "20060102T150405Z" // UTC
)

// Invitation is what an event's calendar file says.
type Invitation struct {
	UID          string // stable per registration, e.g. "registration-42@hromada"
	Title        string
	Description  string
	Location     string   // address, may be ""
	URL          string   // online link, may be ""
	Lat, Lon     *float64 // optional GEO: both or neither
	Starts, Ends time.Time
	TimeZone     string    // IANA name, e.g. Europe/Kyiv; "" means UTC
	Stamp        time.Time // DTSTAMP: when the file was made
	Method       string    // "" or MethodPublish
}

// ICS writes the invitation as an RFC 5545 calendar holding one VEVENT, with
// METHOD:PUBLISH, CRLF line endings and lines folded at 75 octets between
// UTF-8 characters.
//
// Starts and Ends are written as local times of TimeZone with a TZID, and
// the calendar carries that zone's VTIMEZONE, built from Go's tz data for
// the years the event spans, so calendar apps agree on the instant also
// across a change to or from daylight saving time. A time that falls in the
// hour repeated when clocks go back is written in UTC instead when it is the
// second of the two (a local time means the first). A zone that is always
// UTC gets UTC times and no VTIMEZONE.
//
// Title, Description and Location are text: control characters other than
// newlines and tabs are dropped and invalid UTF-8 is replaced. The URL, if
// any, is also appended to the description, since some calendar apps
// (Google Calendar among them) do not show URL.
func ICS(inv Invitation) ([]byte, error) {
	loc, err := inv.check()
	if err != nil {
		return nil, err
	}
	starts, ends := inv.Starts.Truncate(time.Second), inv.Ends.Truncate(time.Second)

	cal := ics.NewCalendarFor("Hromada")
	cal.SetProductId(productID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	utc := alwaysUTC(loc, starts)
	if !utc {
		cal.AddVTimezone(vtimezone(inv.TimeZone, loc, starts, ends))
	}

	ev := cal.AddEvent(inv.UID)
	ev.SetDtStampTime(inv.Stamp)
	for _, p := range []struct {
		prop ics.ComponentProperty
		at   time.Time
	}{{ics.ComponentPropertyDtStart, starts}, {ics.ComponentPropertyDtEnd, ends}} {
		if utc || repeatedSecond(p.at, loc) {
			ev.SetProperty(p.prop, p.at.UTC().Format(utcLayout))
		} else {
			ev.SetProperty(p.prop, p.at.In(loc).Format(localLayout), ics.WithTZID(inv.TimeZone))
		}
	}
	ev.SetSummary(plainText(inv.Title))
	if d := describe(plainText(inv.Description), inv.URL); d != "" {
		ev.SetDescription(d)
	}
	if l := plainText(inv.Location); strings.TrimSpace(l) != "" {
		ev.SetLocation(l)
	}
	if inv.URL != "" {
		ev.SetURL(inv.URL)
	}
	if inv.Lat != nil {
		// Not ics.SetGeo: its %v writes small numbers as 1e-05, which is no FLOAT.
		ev.SetProperty(ics.ComponentPropertyGeo, strconv.FormatFloat(*inv.Lat, 'f', -1, 64)+";"+strconv.FormatFloat(*inv.Lon, 'f', -1, 64))
	}
	ev.SetStatus(ics.ObjectStatusConfirmed)

	// The library folds lines itself, preferring spaces, which starts a
	// continuation line with two blanks that lax readers collapse to none;
	// so it writes whole lines here and fold cuts them.
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows, ics.WithLineLength(math.MaxInt)); err != nil {
		return nil, fmt.Errorf("events: write calendar %s: %w", inv.UID, err)
	}
	return fold(b.Bytes()), nil
}

// check validates the invitation and loads its time zone.
func (inv Invitation) check() (*time.Location, error) {
	invalid := func(format string, args ...any) (*time.Location, error) {
		return nil, fmt.Errorf("%w %q: %s", ErrInvalidInvitation, inv.UID, fmt.Sprintf(format, args...))
	}
	switch {
	case inv.UID == "" || strings.ContainsFunc(inv.UID, unicode.IsControl):
		return invalid("UID must be non-empty, without control characters")
	case strings.TrimSpace(plainText(inv.Title)) == "":
		return invalid("no title")
	case inv.Stamp.IsZero():
		return invalid("no DTSTAMP")
	case !inv.Ends.Truncate(time.Second).After(inv.Starts.Truncate(time.Second)):
		return invalid("ends %s, not after it starts %s", inv.Ends, inv.Starts)
	case inv.Method != "" && inv.Method != MethodPublish:
		return invalid("method %q: only %s is written", inv.Method, MethodPublish)
	case (inv.Lat == nil) != (inv.Lon == nil):
		return invalid("GEO needs both latitude and longitude")
	case inv.Lat != nil && !(*inv.Lat >= -90 && *inv.Lat <= 90 && *inv.Lon >= -180 && *inv.Lon <= 180):
		return invalid("GEO %v;%v out of range", *inv.Lat, *inv.Lon)
	}
	if inv.URL != "" {
		u, err := url.Parse(inv.URL)
		if err != nil || !u.IsAbs() || strings.ContainsFunc(inv.URL, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return invalid("URL %q is not an absolute URI", inv.URL)
		}
	}
	if inv.TimeZone == "Local" {
		return invalid("time zone Local depends on the host; name an IANA zone")
	}
	loc, err := time.LoadLocation(inv.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("%w %q: time zone: %w", ErrInvalidInvitation, inv.UID, err)
	}
	return loc, nil
}

// plainText makes s fit for an iCalendar TEXT value, which the library then
// escapes (\, ; , and newline): newlines become \n, other control characters
// but tabs go, and invalid UTF-8 becomes U+FFFD.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// describe is the DESCRIPTION: the text, then the link unless the text has it.
func describe(text, link string) string {
	text = strings.TrimSpace(text)
	if link == "" || strings.Contains(text, link) {
		return text
	}
	if text == "" {
		return link
	}
	return text + "\n\n" + link
}
