package dialogue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/events"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// eventLang is the language an event is shown in: the citizen's when the
// event has it, else the event's first.
func eventLang(ev *survey.Event, lang string) string {
	for _, l := range ev.Languages {
		if l == lang {
			return l
		}
	}
	return ev.Languages[0]
}

// title is the event's title in lang.
func title(ev *survey.Event, lang string) string { return ev.Title.In(lang, ev.Languages[0]) }

// when formats the event's time in its own time zone: "10.02.2027 18:00–20:00
// (Kyiv time)", or both dates when it spans days.
func (g *Dialogue) when(ev *survey.Event, lang string) string {
	loc, err := time.LoadLocation(ev.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s, e := ev.Starts.In(loc), ev.Ends.In(loc)
	out := s.Format("02.01.2006 15:04") + "–" + e.Format("15:04")
	if s.YearDay() != e.YearDay() || s.Year() != e.Year() {
		out = s.Format("02.01.2006 15:04") + " – " + e.Format("02.01.2006 15:04")
	}
	zone := ev.TimeZone
	if zone == survey.DefaultTimeZone {
		zone = g.d.Catalog.T(lang, "tz_kyiv", nil)
	}
	return out + " (" + zone + ")"
}

// localTime formats t in the event's time zone.
func localTime(ev *survey.Event, t time.Time) string {
	if loc, err := time.LoadLocation(ev.TimeZone); err == nil {
		t = t.In(loc)
	}
	return t.Format("02.01.2006 15:04")
}

// place is the line that says where: the address, and the online link only
// when reveal (confirmed participants).
func (g *Dialogue) place(ev *survey.Event, lang string, reveal bool) string {
	var lines []string
	if a := ev.Address.In(lang, ev.Languages[0]); a != "" {
		lines = append(lines, "📍 "+esc(a))
	}
	if ev.Online != "" {
		if reveal {
			lines = append(lines, "💻 "+esc(ev.Online))
		} else {
			lines = append(lines, "💻 "+esc(g.d.Catalog.T(lang, "event_online_later", nil)))
		}
	}
	return strings.Join(lines, "\n")
}

// eventList shows the upcoming events with the seats left.
func (t *talk) eventList(ctx context.Context) error {
	now := t.now()
	var taken map[string]int
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		taken, err = t.g.d.Store.SeatsTaken(ctx)
		return err
	}); err != nil {
		return err
	}
	var (
		lines []string
		rows  [][]Button
	)
	for _, ev := range t.g.d.Events.All() {
		if !now.Before(ev.Starts) {
			continue
		}
		lang := eventLang(ev, t.lang)
		lines = append(lines, "<b>"+esc(title(ev, lang))+"</b>\n🗓 "+esc(t.g.when(ev, t.lang))+"\n"+t.seats(ev, taken[ev.ID]))
		rows = append(rows, []Button{{Text: clip(title(ev, lang), 60), Data: action{op: opEvent, arg: surveyKey(ev.ID)}.String()}})
	}
	if len(rows) == 0 {
		t.send(Out{Text: esc(t.T("no_events"))})
		return nil
	}
	t.send(Out{Text: esc(t.T("events_header")) + "\n\n" + strings.Join(lines, "\n\n"), Buttons: rows})
	return nil
}

// seats says how many seats are left.
func (t *talk) seats(ev *survey.Event, taken int) string {
	switch left := ev.Capacity - taken; {
	case ev.Capacity == 0:
		return "🪑 " + esc(t.T("seats_unlimited"))
	case left > 0:
		return "🪑 " + esc(t.g.d.Catalog.N(t.lang, "seats_left", left, map[string]any{"Capacity": ev.Capacity}))
	case ev.Waitlist:
		return "🪑 " + esc(t.T("seats_full_waitlist"))
	default:
		return "🪑 " + esc(t.T("seats_full"))
	}
}

// showEvent shows one event with what the citizen can do about it.
func (t *talk) showEvent(ctx context.Context, ev *survey.Event) error {
	if ev == nil {
		t.toast(t.T("event_unknown"), false)
		t.send(Out{Text: esc(t.T("event_unknown"))})
		return t.eventList(ctx)
	}
	var (
		reg    store.Registration
		counts store.EventCounts
	)
	regErr := t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.LiveRegistration(ctx, ev.ID, t.c.CitizenID)
		return err
	})
	if regErr != nil && !errors.Is(regErr, store.ErrNotFound) {
		return regErr
	}
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		counts, err = t.g.d.Store.CountRegistrations(ctx, ev.ID)
		return err
	}); err != nil {
		return err
	}
	lang := eventLang(ev, t.lang)
	text := "<b>" + esc(title(ev, lang)) + "</b>"
	if d := ev.Description.In(lang, ev.Languages[0]); d != "" {
		text += "\n" + esc(d)
	}
	text += "\n\n🗓 " + esc(t.g.when(ev, t.lang))
	live := regErr == nil
	if p := t.g.place(ev, lang, live && reg.Status == store.Confirmed); p != "" {
		text += "\n" + p
	}
	now := t.now()
	var rows [][]Button
	switch {
	case live:
		text += "\n\n" + t.status(reg)
		rows = append(rows, []Button{{Text: t.T("btn_unregister"), Data: action{op: opUnregister, arg: strconv.FormatInt(reg.ID, 36)}.String()}})
	case !now.Before(ev.Starts):
		text += "\n\n" + esc(t.T("event_past"))
	case ev.Opens != nil && now.Before(*ev.Opens):
		text += "\n\n" + esc(t.g.d.Catalog.T(t.lang, "registration_opens", map[string]any{"At": localTime(ev, *ev.Opens)}))
	case !now.Before(ev.Closes):
		text += "\n\n" + esc(t.T("registration_closed"))
	default:
		text += "\n" + t.seats(ev, counts.Confirmed)
		full := ev.Capacity > 0 && counts.Confirmed >= ev.Capacity
		switch {
		case full && !ev.Waitlist:
		case full:
			rows = append(rows, []Button{{Text: t.T("btn_waitlist"), Data: action{op: opRegister, arg: surveyKey(ev.ID)}.String()}})
		default:
			rows = append(rows, []Button{{Text: t.T("btn_register"), Data: action{op: opRegister, arg: surveyKey(ev.ID)}.String()}})
		}
		if ev.Closes.Before(ev.Starts) {
			text += "\n⏳ " + esc(t.g.d.Catalog.T(t.lang, "registration_until", map[string]any{"At": localTime(ev, ev.Closes)}))
		}
	}
	rows = append(rows, []Button{{Text: t.T("btn_events"), Data: action{op: opEvents, arg: "1"}.String()}})
	t.send(Out{Text: text, Buttons: rows})
	return nil
}

// status says where a live registration stands.
func (t *talk) status(reg store.Registration) string {
	return registrationStatus(t.g, t.lang, reg)
}

func registrationStatus(g *Dialogue, lang string, reg store.Registration) string {
	if reg.Status == store.Waitlisted {
		return "⏳ " + esc(g.d.Catalog.T(lang, "status_waitlisted", map[string]any{"Position": reg.Position}))
	}
	return "✅ " + g.d.Catalog.T(lang, "status_confirmed", map[string]any{"Code": "<code>" + esc(events.FormatCode(reg.Code)) + "</code>"})
}

// register signs the citizen up for ev, through its registration questions
// when it has any.
func (t *talk) register(ctx context.Context, ev *survey.Event) error {
	if ev == nil {
		t.staleTap()
		return nil
	}
	if msg := t.closedReason(ev); msg != "" {
		t.toast(msg, false)
		t.send(Out{Text: esc(msg)})
		return nil
	}
	if t.outdated("", "", ev.ID) {
		return nil
	}
	_, err := t.liveRegistration(ctx, ev.ID)
	if err == nil {
		t.toast(t.T("already_registered"), false)
		return t.showEvent(ctx, ev)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if def := t.g.d.Events.registration(ev.ID); def != nil {
		return t.open(ctx, def, "event")
	}
	return t.completeRegistration(ctx, ev, 0, "")
}

func (t *talk) liveRegistration(ctx context.Context, eventID string) (store.Registration, error) {
	var reg store.Registration
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.LiveRegistration(ctx, eventID, t.c.CitizenID)
		return err
	})
	return reg, err
}

// closedReason says why registration is not possible now, or "".
func (t *talk) closedReason(ev *survey.Event) string {
	now := t.now()
	switch {
	case !now.Before(ev.Starts):
		return t.T("event_past")
	case ev.Opens != nil && now.Before(*ev.Opens):
		return t.g.d.Catalog.T(t.lang, "registration_opens", map[string]any{"At": localTime(ev, *ev.Opens)})
	case !now.Before(ev.Closes):
		return t.T("registration_closed")
	}
	return ""
}

// completeRegistration stores the registration (completing the response with
// the registration answers, if any, in the same transaction) and confirms it.
func (t *talk) completeRegistration(ctx context.Context, ev *survey.Event, responseID int64, surveyID string) error {
	var reg store.Registration
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.Register(ctx, store.NewRegistration{
			EventID: ev.ID, CitizenID: t.c.CitizenID, ResponseID: responseID, SurveyID: surveyID,
			Source: t.eventSource(ev.ID), At: t.now(),
		})
		if errors.Is(err, store.ErrFull) || errors.Is(err, store.ErrRegistered) {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if reg.ID == 0 { // full, or registered already: the answers are not kept
		if responseID != 0 {
			if err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.Discard(ctx, responseID) }); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if existing, err := t.liveRegistration(ctx, ev.ID); err == nil {
			t.send(Out{Text: esc(t.T("already_registered")) + "\n" + t.status(existing)})
			return nil
		}
		t.send(Out{Text: esc(t.T("seats_full"))})
		return nil
	}
	t.g.d.Metrics.Registrations.WithLabelValues(reg.Status).Inc()
	t.toast(t.T("saved"), false)
	for _, o := range t.g.confirmation(ev, reg, t.lang, "") {
		if o.Kind == Send {
			t.send(o)
		} else { // the calendar file and the map pin
			t.outs = append(t.outs, o)
		}
	}
	return nil
}

// confirmation is what a citizen gets when a registration is made or a seat
// given: the status with the check-in code, where and when, the calendar file
// and the map point (for a confirmed seat), and the way to cancel. header,
// when not "", goes first (HTML).
func (g *Dialogue) confirmation(ev *survey.Event, reg store.Registration, lang, header string) []Out {
	elang := eventLang(ev, lang)
	text := "<b>" + esc(title(ev, elang)) + "</b>\n🗓 " + esc(g.when(ev, lang))
	if reg.Status == store.Waitlisted {
		text += "\n\n" + registrationStatus(g, lang, reg) + "\n" + esc(g.d.Catalog.T(lang, "waitlist_promise", nil))
	} else {
		if p := g.place(ev, elang, true); p != "" {
			text += "\n" + p
		}
		text += "\n\n" + registrationStatus(g, lang, reg)
	}
	if header != "" {
		text = header + "\n\n" + text
	}
	outs := []Out{{ChatID: reg.TelegramID, Text: text, Buttons: [][]Button{
		{{Text: g.d.Catalog.T(lang, "btn_unregister", nil), Data: action{op: opUnregister, arg: strconv.FormatInt(reg.ID, 36)}.String()}},
		{{Text: g.d.Catalog.T(lang, "btn_myevents", nil), Data: action{op: opMyEvents, arg: "1"}.String()}},
	}}}
	if reg.Status != store.Confirmed {
		return outs
	}
	if ics, err := g.calendar(ev, reg, elang); err == nil {
		outs = append(outs, Out{Kind: Document, ChatID: reg.TelegramID, Files: []File{{
			Name: ev.ID + ".ics", Bytes: ics, Caption: g.d.Catalog.T(lang, "ics_caption", nil),
		}}})
	} else {
		g.d.Log.Error("calendar file failed", "event", ev.ID, "error", err)
	}
	if ev.Pin != nil {
		outs = append(outs, Out{Kind: Point, ChatID: reg.TelegramID, Lat: ev.Pin.Lat, Lon: ev.Pin.Lon})
	}
	return outs
}

// calendar writes the .ics file of a confirmed registration.
func (g *Dialogue) calendar(ev *survey.Event, reg store.Registration, lang string) ([]byte, error) {
	inv := events.Invitation{
		UID:         fmt.Sprintf("registration-%d@hromada", reg.ID),
		Title:       title(ev, lang),
		Description: ev.Description.In(lang, ev.Languages[0]),
		Location:    ev.Address.In(lang, ev.Languages[0]),
		URL:         ev.Online,
		Starts:      ev.Starts,
		Ends:        ev.Ends,
		TimeZone:    ev.TimeZone,
		Stamp:       g.d.Clock().UTC(),
	}
	if ev.Pin != nil {
		inv.Lat, inv.Lon = &ev.Pin.Lat, &ev.Pin.Lon
	}
	return events.ICS(inv)
}

// myEvents lists the citizen's live registrations.
func (t *talk) myEvents(ctx context.Context) error {
	var regs []store.Registration
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		regs, err = t.g.d.Store.RegistrationsOf(ctx, t.c.CitizenID)
		return err
	}); err != nil {
		return err
	}
	var (
		lines []string
		rows  [][]Button
	)
	for _, reg := range regs {
		ev := t.g.d.Events.Get(reg.EventID)
		if ev == nil {
			continue
		}
		lang := eventLang(ev, t.lang)
		lines = append(lines, "<b>"+esc(title(ev, lang))+"</b>\n🗓 "+esc(t.g.when(ev, t.lang))+"\n"+t.status(reg))
		rows = append(rows, []Button{{Text: clip(title(ev, lang), 60), Data: action{op: opEvent, arg: surveyKey(ev.ID)}.String()}})
	}
	rows = append(rows, []Button{{Text: t.T("btn_events"), Data: action{op: opEvents, arg: "1"}.String()}})
	if len(lines) == 0 {
		t.send(Out{Text: esc(t.T("no_registrations")), Buttons: rows})
		return nil
	}
	t.send(Out{Text: esc(t.T("myevents_header")) + "\n\n" + strings.Join(lines, "\n\n"), Buttons: rows})
	return nil
}

// askUnregister asks to confirm a cancellation.
func (t *talk) askUnregister(ctx context.Context, arg string) error {
	reg, ev, ok, err := t.ownRegistration(ctx, arg)
	if err != nil || !ok {
		return err
	}
	if !t.now().Before(ev.Starts) {
		t.toast(t.T("event_past"), false)
		return nil
	}
	text := esc(t.g.d.Catalog.T(t.lang, "unregister_confirm", map[string]any{"Title": title(ev, eventLang(ev, t.lang))}))
	t.edit(Out{Text: text, Buttons: [][]Button{
		{{Text: t.T("btn_unregister_yes"), Data: action{op: opUnregisterYes, arg: strconv.FormatInt(reg.ID, 36)}.String()}},
		{{Text: t.T("btn_unregister_no"), Data: action{op: opEvent, arg: surveyKey(ev.ID)}.String()}},
	}})
	return nil
}

// unregister cancels the registration; the store gives the seat to the
// first on the waitlist and queues the message that tells them.
func (t *talk) unregister(ctx context.Context, arg string) error {
	reg, ev, ok, err := t.ownRegistration(ctx, arg)
	if err != nil || !ok {
		return err
	}
	if !t.now().Before(ev.Starts) {
		t.toast(t.T("event_past"), false)
		return nil
	}
	var promoted []store.Registration
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		_, promoted, err = t.g.d.Store.CancelRegistration(ctx, reg.ID, t.c.CitizenID, t.now())
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		t.staleTap()
		return nil
	}
	if err != nil {
		return err
	}
	t.g.d.Metrics.Registrations.WithLabelValues(store.Cancelled).Inc()
	t.g.d.Metrics.Registrations.WithLabelValues("promoted").Add(float64(len(promoted)))
	t.toast(t.T("unregistered"), false)
	t.edit(Out{Text: esc(t.g.d.Catalog.T(t.lang, "unregistered_event", map[string]any{"Title": title(ev, eventLang(ev, t.lang))})),
		Buttons: [][]Button{{{Text: t.T("btn_events"), Data: action{op: opEvents, arg: "1"}.String()}}}})
	return nil
}

// ownRegistration finds the citizen's live registration named by a button.
// ok is false (and the tap answered) when there is none.
func (t *talk) ownRegistration(ctx context.Context, arg string) (store.Registration, *survey.Event, bool, error) {
	id, err := strconv.ParseInt(arg, 36, 64)
	if err != nil || id <= 0 {
		t.staleTap()
		return store.Registration{}, nil, false, nil
	}
	var reg store.Registration
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.RegistrationByID(ctx, id)
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return reg, nil, false, err
	}
	ev := t.g.d.Events.Get(reg.EventID)
	if err != nil || reg.CitizenID != t.c.CitizenID || reg.Status == store.Cancelled || ev == nil {
		t.staleTap()
		return reg, nil, false, nil
	}
	return reg, ev, true, nil
}

// registrationAnswered finishes a sign-up whose registration questions were
// answered and confirmed: the answers are kept only with a registration.
func (t *talk) registrationAnswered(ctx context.Context, eventID string, responseID int64, surveyID string) error {
	t.c.Session = nil
	ev := t.g.d.Events.Get(eventID)
	msg := t.T("event_unknown")
	if ev != nil {
		msg = t.closedReason(ev)
	}
	if msg == "" {
		return t.completeRegistration(ctx, ev, responseID, surveyID)
	}
	if err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.Discard(ctx, responseID) }); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	t.toast(msg, false)
	t.send(Out{Text: esc(msg)})
	return nil
}
