package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Event is one validated event definition: a meeting citizens register for,
// in a place, online, or both. An event file is parsed by ParseEvent
// (events/README.md has a full example).
type Event struct {
	ID          string    `json:"id"`
	Languages   []string  `json:"languages"` // first is the default
	Title       Text      `json:"title"`
	Description Text      `json:"description,omitempty"`
	TimeZone    string    `json:"timezone"` // IANA name, default DefaultTimeZone
	Starts      time.Time `json:"starts"`   // UTC
	Ends        time.Time `json:"ends"`     // UTC, after Starts
	Address     Text      `json:"address,omitempty"`
	// Pin is an optional point on the map, sent as a Telegram location.
	Pin *Pin `json:"pin,omitempty"`
	// Online is an http(s) link, revealed only to confirmed participants.
	Online   string `json:"online,omitempty"`
	Capacity int    `json:"capacity"` // seats; 0 = unlimited
	// Waitlist queues registrations beyond Capacity (never with unlimited capacity).
	Waitlist bool `json:"waitlist"`
	// Opens is when registration opens (nil: as soon as the event is loaded).
	Opens *time.Time `json:"opens,omitempty"`
	// Closes is when registration closes: Starts unless the file says
	// otherwise, never after Ends.
	Closes time.Time `json:"closes"`
	// Reminders are sent this long before Starts, largest first; distinct and
	// positive. An event file without reminders gets 24h and 1h.
	Reminders []time.Duration `json:"reminders"`
	// Feedback is the id of a survey sent to attendees after Ends ("": none).
	Feedback string `json:"feedback,omitempty"`
	// Questions are the registration questions (see Registration).
	Questions []Question `json:"questions,omitempty"`
}

// Pin is a point on the map.
type Pin struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// defaultReminders returns the reminders of an event file that names none.
func defaultReminders() []time.Duration { return []time.Duration{24 * time.Hour, time.Hour} }

// registrationPrefix starts the id of every event's registration survey;
// survey files may not use it.
const registrationPrefix = "event-"

// RegistrationSurveyID returns the id of the survey of the registration
// questions of the event eventID.
func RegistrationSurveyID(eventID string) string { return registrationPrefix + eventID }

// EventIDOf returns the event whose registration survey is surveyID, and
// false when surveyID is not a registration survey's id.
func EventIDOf(surveyID string) (string, bool) {
	id, ok := strings.CutPrefix(surveyID, registrationPrefix)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

// Registration returns the survey of the event's registration questions, or
// nil when it has none. It is open while registration is, is never anonymous
// (phone and location questions are allowed), and takes more than one
// response per citizen: a citizen may cancel and register again.
func (e *Event) Registration() *Survey {
	if len(e.Questions) == 0 {
		return nil
	}
	s := &Survey{
		ID:        RegistrationSurveyID(e.ID),
		Title:     e.Title,
		Languages: slices.Clone(e.Languages),
		TimeZone:  e.TimeZone,
		Multiple:  true,
		Questions: slices.Clone(e.Questions),
	}
	if e.Opens != nil {
		opens := *e.Opens
		s.Opens = &opens
	}
	closes := e.Closes
	s.Closes = &closes
	return s
}

// IsOpen reports whether registration is open at now: on or after Opens
// (when set), before Closes and before the event ends.
func (e *Event) IsOpen(now time.Time) bool {
	if e.Opens != nil && now.Before(*e.Opens) {
		return false
	}
	return now.Before(e.Closes) && now.Before(e.Ends)
}

// Checksum is the hex SHA-256 of the definition's canonical JSON encoding
// (struct fields in declaration order, map keys sorted, times in UTC), like
// Survey.Checksum: a changed definition gets a new checksum. It is "" for a
// definition JSON cannot encode (a NaN pin, which ParseEvent rejects).
func (e *Event) Checksum() string {
	c := *e
	c.Starts, c.Ends, c.Closes = c.Starts.UTC(), c.Ends.UTC(), c.Closes.UTC()
	if c.Opens != nil {
		t := c.Opens.UTC()
		c.Opens = &t
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
