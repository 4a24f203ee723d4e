package survey

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// eventKeys are the keys of an event file, in the order they are documented.
var eventKeys = []string{"id", "languages", "title", "description", "timezone", "starts", "ends",
	"place", "online", "capacity", "waitlist", "registration", "reminders", "feedback", "questions"}

// placeKeys are the keys of an event's place.
var placeKeys = []string{"address", "lat", "lon"}

// registrationKeys are the keys of an event's registration window.
var registrationKeys = []string{"opens", "closes"}

// misplacedEventKey explains why a key of a survey file, or of a part of an
// event, is not valid at the top of an event file.
func misplacedEventKey(key string) string {
	switch key {
	case "intro":
		return `"intro" is a survey key; an event has "description"`
	case "opens", "closes":
		return fmt.Sprintf("%q goes under registration:, like registration: {%s: 2027-01-20 09:00}", key, key)
	case "address", "lat", "lon":
		return fmt.Sprintf(`%q goes under place:, like place: {address: {uk: "…", en: "…"}, lat: 49.99, lon: 36.23}`, key)
	case "anonymous":
		return `"anonymous" does not apply to an event: registration is never anonymous`
	case "responses":
		return `"responses" does not apply to an event: a citizen registers once, and may cancel and register again`
	}
	return fmt.Sprintf("unknown key %q", key)
}

// event decodes the top-level mapping of an event file.
func (d *decoder) event(doc *yaml.Node) *Event {
	root := resolve(doc)
	if root == nil || isNull(root) {
		d.issue(0, emptyEvent)
		return nil
	}
	f, ok := d.mapping(root, "", "an event must be a mapping of keys, like id: …, languages: […], title: …, starts: …")
	if !ok {
		return nil
	}
	d.lines.set(root.Line)
	d.unknownKeys(f, "", eventKeys,
		[]string{"intro", "opens", "closes", "address", "lat", "lon", "anonymous", "responses"}, misplacedEventKey)
	for _, k := range f.keys {
		d.lines.set(line(f.by[k].val), k)
	}
	e := &Event{TimeZone: DefaultTimeZone, Reminders: defaultReminders()}
	for _, k := range []string{"id", "languages", "title", "starts", "ends"} {
		if f.get(k) == nil {
			d.issuef(line(root), "missing %q", k)
		}
	}
	if f.get("capacity") == nil {
		d.issue(line(root), `missing "capacity" (a number of seats, or unlimited)`)
	}
	if f.get("place") == nil && f.get("online") == nil {
		d.issue(line(root), `missing "place" or "online": say where the event happens`)
	}
	if n := f.get("id"); n != nil {
		e.ID, _ = d.scalar(n, "", "id")
	}
	if n := f.get("languages"); n != nil {
		e.Languages = d.languages(n)
	}
	if n := f.get("title"); n != nil {
		e.Title = d.text(n, "", "title", "title")
	}
	if n := f.get("description"); n != nil {
		e.Description = d.text(n, "", "description", "description")
	}
	loc := d.timeZone(f, &e.TimeZone)
	if n := f.get("starts"); n != nil {
		e.Starts, _ = d.eventTime(n, "", "starts", loc)
	}
	if n := f.get("ends"); n != nil {
		e.Ends, _ = d.eventTime(n, "", "ends", loc)
	}
	if n := f.get("place"); n != nil {
		e.Address, e.Pin = d.place(n)
	}
	if n := f.get("online"); n != nil {
		e.Online, _ = d.scalar(n, "", "online")
	}
	if n := f.get("capacity"); n != nil {
		e.Capacity = d.capacity(n)
	}
	if n := f.get("waitlist"); n != nil {
		e.Waitlist, _ = d.boolean(n, "", "waitlist")
	}
	if n := f.get("registration"); n != nil {
		e.Opens, e.Closes = d.registrationWindow(n, loc)
	}
	if e.Closes.IsZero() {
		e.Closes = e.Starts
	}
	if n := f.get("reminders"); n != nil {
		e.Reminders = d.reminders(n)
	}
	if n := f.get("feedback"); n != nil {
		e.Feedback, _ = d.scalar(n, "", "feedback")
	}
	if n := f.get("questions"); n != nil {
		if items, ok := d.list(n, "", "questions", "[{id: …, type: …, text: …}]"); ok {
			for i, it := range items {
				e.Questions = append(e.Questions, d.question(it, i))
			}
		}
	}
	return e
}

// timeZone decodes the timezone key of f into *name and returns its
// location: the default when there is no key, nil when the name is unknown.
func (d *decoder) timeZone(f fields, name *string) *time.Location {
	n := f.get("timezone")
	if n == nil {
		if l, err := time.LoadLocation(DefaultTimeZone); err == nil {
			return l
		}
		return time.UTC
	}
	v, ok := d.scalar(n, "", "timezone")
	if !ok {
		return nil
	}
	*name = v
	l, err := time.LoadLocation(v)
	if err != nil || v == "" || strings.EqualFold(v, "local") {
		d.issuef(line(n), "unknown time zone %q; use an IANA name like Europe/Kyiv", v)
		return nil
	}
	return l
}

// eventTime decodes a time written in the event's time zone (loc; nil when
// the time zone is bad, and then the time is not read).
func (d *decoder) eventTime(n *yaml.Node, prefix, key string, loc *time.Location) (time.Time, bool) {
	v, ok := d.scalar(n, prefix, key)
	if !ok || loc == nil {
		return time.Time{}, false
	}
	t, ok := parseTime(v, loc)
	if !ok {
		d.issuef(line(n), "%s%s: %q is not a time; write it like 2027-02-10 18:00 (local time in the event's time zone)", prefix, key, v)
		return time.Time{}, false
	}
	return t, true
}

// place decodes place: {address: {…}, lat: …, lon: …}.
func (d *decoder) place(n *yaml.Node) (Text, *Pin) {
	const prefix = "place: "
	f, ok := d.mapping(n, prefix, `"place" must be a mapping, like {address: {uk: "…", en: "…"}, lat: 49.99, lon: 36.23}`)
	if !ok {
		return nil, nil
	}
	d.unknownKeys(f, prefix, placeKeys, []string{"lng", "long", "longitude", "latitude"}, func(k string) string {
		if k == "latitude" {
			return fmt.Sprintf(`unknown key %q; write the latitude as "lat"`, k)
		}
		return fmt.Sprintf(`unknown key %q; write the longitude as "lon"`, k)
	})
	for _, k := range f.keys {
		d.lines.set(line(f.by[k].val), "place", k)
	}
	var address Text
	if v := f.get("address"); v != nil {
		address = d.text(v, prefix, "address", "place", "address")
	} else {
		d.issuef(line(resolve(n)), "%smissing %q", prefix, "address")
	}
	lat, lon := f.get("lat"), f.get("lon")
	switch {
	case lat == nil && lon == nil:
		return address, nil
	case lon == nil:
		d.issue(line(lat), prefix+`lat and lon go together; add lon`)
		return address, nil
	case lat == nil:
		d.issue(line(lon), prefix+`lat and lon go together; add lat`)
		return address, nil
	}
	la, okLat := d.number(lat, prefix, "lat")
	lo, okLon := d.number(lon, prefix, "lon")
	if okLat && (la < -90 || la > 90) {
		d.issuef(line(lat), "%slat %s is out of range; a latitude is from -90 to 90", prefix, formatNumber(la, "en"))
		okLat = false
	}
	if okLon && (lo < -180 || lo > 180) {
		d.issuef(line(lon), "%slon %s is out of range; a longitude is from -180 to 180", prefix, formatNumber(lo, "en"))
		okLon = false
	}
	if !okLat || !okLon {
		return address, nil
	}
	return address, &Pin{Lat: la, Lon: lo}
}

// capacity decodes a positive number of seats, or "unlimited" (0).
func (d *decoder) capacity(n *yaml.Node) int {
	r := resolve(n)
	if r != nil && r.Kind == yaml.ScalarNode && r.Value == "unlimited" {
		return 0
	}
	var c int
	if r == nil || r.Kind != yaml.ScalarNode || r.ShortTag() != "!!int" || r.Decode(&c) != nil {
		v := ""
		if r != nil && r.Kind == yaml.ScalarNode {
			v = r.Value
		}
		msg := fmt.Sprintf(`"capacity" must be a number of seats, or unlimited, not %q`, v)
		if r == nil || r.Kind != yaml.ScalarNode {
			msg = `"capacity" must be a number of seats, or unlimited`
		} else if suggest(v, []string{"unlimited"}) != "" {
			msg += ` (did you mean "unlimited"?)`
		}
		d.issue(line(n), msg)
		d.failed["capacity"] = true
		return 0
	}
	if c < 1 {
		d.issuef(line(n), "capacity must be 1 or more, or unlimited; not %d", c)
		d.failed["capacity"] = true
		return 0
	}
	return c
}

// registrationWindow decodes registration: {opens: …, closes: …}; a zero
// closes means it is not written (or not readable).
func (d *decoder) registrationWindow(n *yaml.Node, loc *time.Location) (*time.Time, time.Time) {
	const prefix = "registration: "
	f, ok := d.mapping(n, prefix, `"registration" must be a mapping, like {opens: 2027-01-20 09:00, closes: 2027-02-10 12:00}`)
	if !ok {
		return nil, time.Time{}
	}
	d.unknownKeys(f, prefix, registrationKeys, nil, nil)
	for _, k := range f.keys {
		d.lines.set(line(f.by[k].val), "registration", k)
	}
	var opens *time.Time
	if v := f.get("opens"); v != nil {
		if t, ok := d.eventTime(v, prefix, "opens", loc); ok {
			opens = &t
		}
	}
	var closes time.Time
	if v := f.get("closes"); v != nil {
		var ok bool
		if closes, ok = d.eventTime(v, prefix, "closes", loc); !ok {
			d.failed["registration.closes"] = true
		}
	}
	return opens, closes
}

// maxReminder is the earliest a reminder may be sent before an event.
const maxReminder = 30 * 24 * time.Hour

// reminders decodes the list of reminders, largest first. An empty list is no
// reminders.
func (d *decoder) reminders(n *yaml.Node) []time.Duration {
	items, ok := d.list(n, "", "reminders", "[24h, 1h]")
	if !ok {
		d.failed["reminders"] = true
		return []time.Duration{}
	}
	out := make([]time.Duration, 0, len(items))
	written := map[time.Duration]int{} // reminder → line of its first appearance
	for j, it := range items {
		d.lines.set(line(it), "reminders", j)
		v, ok := d.scalar(it, "", "reminders")
		if !ok {
			continue
		}
		r, ok := parseReminder(v)
		switch {
		case !ok:
			d.issuef(line(it), "reminders: %q is not a duration; write it like 24h, 90m, 1h30m or 2d", v)
			continue
		case r <= 0:
			d.issuef(line(it), "reminders: %s must be positive (it is how long before the event starts)", v)
			continue
		case r > maxReminder:
			d.issuef(line(it), "reminders: %s is too early; at most 30d before the event", v)
			continue
		case r%time.Second != 0:
			d.issuef(line(it), "reminders: %s is not a whole number of seconds", v)
			continue
		}
		if first, ok := written[r]; ok {
			d.issuef(line(it), "reminders: %s is listed twice (first on line %d)", v, first)
			continue
		}
		written[r] = line(it)
		out = append(out, r)
	}
	slices.Sort(out)
	slices.Reverse(out) // largest first: the order they are sent in
	return out
}

// parseReminder reads a duration in Go's syntax (90m, 1h30m, 45s) with a
// leading number of days allowed (2d, 1d12h).
func parseReminder(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	sign := time.Duration(1)
	if rest, ok := strings.CutPrefix(v, "-"); ok {
		sign, v = -1, rest
	}
	var days time.Duration
	if i := strings.IndexByte(v, 'd'); i >= 0 {
		n, err := strconv.ParseUint(v[:i], 10, 16)
		if err != nil {
			return 0, false
		}
		days, v = time.Duration(n)*24*time.Hour, v[i+1:]
		if v == "" {
			return sign * days, true
		}
	}
	if v == "" || v[0] == '-' || v[0] == '+' {
		return 0, false
	}
	r, err := time.ParseDuration(v)
	if err != nil {
		return 0, false
	}
	return sign * (days + r), true
}
