package survey

import (
	"net/url"
	"strings"
	"time"
)

// Limits of an event definition.
const (
	// maxEventID keeps the ids made from an event's within Telegram's limits:
	// "event-" + id is a survey id (at most maxSurveyID), "e_" + id a deep link.
	maxEventID = maxSurveyID - len(registrationPrefix)
	maxAddress = 300 // an address is one line of the event's message
)

// onlyNotes is the issue validate reports for a survey of notes alone; for an
// event it is said in the event's words.
const (
	onlyNotes      = "the survey has only notes; add a question to answer"
	onlyNotesEvent = "the registration questions are only notes; add a question to answer, or remove them"
)

// validateEvent checks everything that decoding alone cannot: the id,
// translations, times, the link, and the registration questions (by the
// rules of a survey's questions, at their lines).
func (d *decoder) validateEvent(e *Event) {
	l := d.lines
	if e.ID != "" {
		d.checkID(l.at("id"), "", "event id", e.ID, maxEventID, "deep links carry it")
	}

	// The registration questions, languages and title are checked as a
	// survey's (with no id, times or intro, which an event checks itself).
	if len(e.Questions) == 0 {
		delete(l, "questions") // questions: [] is no registration questions
	}
	before := len(d.issues)
	d.validate(&Survey{Languages: e.Languages, Title: e.Title, Questions: e.Questions})
	for i := before; i < len(d.issues); i++ {
		if d.issues[i].Msg == onlyNotes {
			d.issues[i].Msg = onlyNotesEvent
		}
	}
	langs := (&decoder{lines: l}).checkLanguages(&Survey{Languages: e.Languages}) // reported above
	d.checkText(langs, e.Description, "description: ", "text", maxMessage, "description")
	d.checkText(langs, e.Address, "place: address: ", "text", maxAddress, "place", "address")

	d.checkEventTimes(e)

	if e.Online != "" {
		if u, err := url.Parse(e.Online); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsAny(e.Online, " \t\n") {
			d.issuef(l.at("online"), "online: %q is not a web link; write it in full, like https://meet.example.org/abc", e.Online)
		}
	}
	if e.Waitlist && e.Capacity == 0 && l["capacity"] != 0 && !d.failed["capacity"] {
		d.issue(l.at("waitlist"), "waitlist: true needs a number of seats; with unlimited capacity everyone gets one")
	}
	if e.Feedback != "" {
		line := l.at("feedback")
		if strings.HasPrefix(e.Feedback, registrationPrefix) {
			d.issuef(line, "feedback: %q is not a survey; ids starting with event- are reserved for event registration questions", e.Feedback)
		} else {
			d.checkID(line, "feedback: ", "survey id", e.Feedback, maxSurveyID, "deep links carry it")
		}
	}
}

// checkEventTimes checks that the event ends after it starts and that
// registration closes after it opens and no later than the event ends.
func (d *decoder) checkEventTimes(e *Event) {
	l := d.lines
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	local := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	if e.Starts.IsZero() || e.Ends.IsZero() {
		return // missing or unreadable: reported already
	}
	if !e.Starts.Before(e.Ends) {
		d.issuef(l.at("ends"), "ends (%s) must be later than starts (%s)", local(e.Ends), local(e.Starts))
		return
	}
	closesWritten := l["registration.closes"] != 0
	if closesWritten && d.failed["registration.closes"] {
		return
	}
	if e.Closes.After(e.Ends) {
		d.issuef(l.at("registration", "closes"), "registration: closes (%s) must not be later than ends (%s)",
			local(e.Closes), local(e.Ends))
		return
	}
	if e.Opens == nil || e.Opens.Before(e.Closes) {
		return
	}
	if closesWritten {
		d.issuef(l.at("registration", "closes"), "registration: closes (%s) must be later than opens (%s)",
			local(e.Closes), local(*e.Opens))
	} else {
		d.issuef(l.at("registration", "opens"), "registration: opens (%s) must be before registration closes (%s, when the event starts)",
			local(*e.Opens), local(e.Closes))
	}
}
