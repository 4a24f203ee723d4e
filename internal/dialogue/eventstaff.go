package dialogue

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/events"
	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// attendeesPage is how many participants one page of /attendees shows as
// buttons (two per row).
const attendeesPage = 20

// pickEvent lists every event for /attendees without an id.
func (t *talk) pickEvent() {
	var rows [][]Button
	for _, ev := range t.g.d.Events.All() {
		label := localTime(ev, ev.Starts)[:10] + " · " + title(ev, eventLang(ev, t.lang))
		rows = append(rows, []Button{{Text: clip(label, 60), Data: action{op: opAttendees, arg: surveyKey(ev.ID) + ".0"}.String()}})
	}
	if len(rows) == 0 {
		t.send(Out{Text: esc(t.T("no_events"))})
		return
	}
	t.send(Out{Text: esc(t.T("attendees_pick")), Buttons: rows})
}

// attendees shows an event's counts and a page of its confirmed participants
// as buttons that mark attendance; the first page also sends the whole list
// as CSV with the registration answers. edit replaces the tapped message.
func (t *talk) attendees(ctx context.Context, ev *survey.Event, page int, edit bool) error {
	if ev == nil {
		if edit {
			t.staleTap()
			return nil
		}
		t.send(Out{Text: esc(t.T("event_unknown"))})
		t.pickEvent()
		return nil
	}
	var list []store.Attendee
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		list, err = t.g.d.Store.Attendees(ctx, ev.ID)
		return err
	}); err != nil {
		return err
	}
	var c store.EventCounts
	var seated []store.Attendee
	for _, a := range list {
		switch a.Status {
		case store.Confirmed:
			c.Confirmed++
			seated = append(seated, a)
			if a.AttendedAt != nil {
				c.Attended++
			}
		case store.Waitlisted:
			c.Waitlisted++
		case store.Cancelled:
			c.Cancelled++
		}
	}
	text := "<b>" + esc(title(ev, eventLang(ev, t.lang))) + "</b>\n🗓 " + esc(t.g.when(ev, t.lang)) + "\n\n" +
		esc(t.g.d.Catalog.T(t.lang, "attendees_counts", map[string]any{
			"Confirmed": c.Confirmed, "Waitlisted": c.Waitlisted, "Cancelled": c.Cancelled, "Attended": c.Attended,
		}))
	if len(seated) > 0 {
		text += "\n\n" + esc(t.T("attendees_tap"))
	}
	pages := max(1, (len(seated)+attendeesPage-1)/attendeesPage)
	page = min(max(page, 0), pages-1)
	out := Out{Text: text, Buttons: attendeeButtons(ev, seated, page, pages)}
	if edit {
		t.edit(out)
		return nil
	}
	t.send(out)
	if len(list) > 0 {
		data, err := attendeesCSV(ev, t.g.d.Events.registration(ev.ID), list)
		if err != nil {
			return err
		}
		t.outs = append(t.outs, Out{Kind: Document, ChatID: t.u.ChatID, Files: []File{{
			Name: ev.ID + "-attendees.csv", Bytes: data, Caption: t.T("attendees_csv"),
		}}})
	}
	return nil
}

// attendeeButtons is one page of participants ("✅ K7M-4QX" when attended)
// and the page arrows.
func attendeeButtons(ev *survey.Event, seated []store.Attendee, page, pages int) [][]Button {
	var rows [][]Button
	from := page * attendeesPage
	for i := from; i < min(from+attendeesPage, len(seated)); i++ {
		a := seated[i]
		label := "☐ " + events.FormatCode(a.Code)
		if a.AttendedAt != nil {
			label = "✅ " + events.FormatCode(a.Code)
		}
		b := Button{Text: label, Data: action{op: opAttend, arg: strconv.FormatInt(a.ID, 36) + "." + strconv.Itoa(page)}.String()}
		if (i-from)%2 == 0 {
			rows = append(rows, []Button{b})
		} else {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		}
	}
	if pages > 1 {
		var nav []Button
		key := surveyKey(ev.ID)
		if page > 0 {
			nav = append(nav, Button{Text: "◀", Data: action{op: opAttendees, arg: key + "." + strconv.Itoa(page-1)}.String()})
		}
		nav = append(nav, Button{Text: strconv.Itoa(page+1) + "/" + strconv.Itoa(pages), Data: action{op: opAttendees, arg: key + "." + strconv.Itoa(page)}.String()})
		if page < pages-1 {
			nav = append(nav, Button{Text: "▶", Data: action{op: opAttendees, arg: key + "." + strconv.Itoa(page+1)}.String()})
		}
		rows = append(rows, nav)
	}
	return rows
}

// toggleAttended marks or unmarks a participant tapped in /attendees.
func (t *talk) toggleAttended(ctx context.Context, arg string) error {
	idText, page, _ := strings.Cut(arg, ".")
	id, err := strconv.ParseInt(idText, 36, 64)
	n, perr := strconv.Atoi(page)
	if err != nil || perr != nil || id <= 0 {
		t.staleTap()
		return nil
	}
	var reg store.Registration
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.RegistrationByID(ctx, id)
		return err
	}); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			t.staleTap()
			return nil
		}
		return err
	}
	attended := reg.AttendedAt == nil
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		reg, err = t.g.d.Store.SetAttended(ctx, id, attended, t.now())
		return err
	})
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrNotConfirmed):
		t.staleTap()
		return nil
	case err != nil:
		return err
	}
	msg := "checkin_undone"
	if attended {
		msg = "checkin_done"
	}
	t.toast(t.g.d.Catalog.T(t.lang, msg, map[string]any{"Code": events.FormatCode(reg.Code)}), false)
	return t.attendees(ctx, t.g.d.Events.Get(reg.EventID), n, true)
}

// checkIn marks the participant with a code as attended (/checkin K7M-4QX).
func (t *talk) checkIn(ctx context.Context, arg string) error {
	code, ok := events.NormalizeCode(arg)
	if !ok {
		t.send(Out{Text: esc(t.T("checkin_usage"))})
		return nil
	}
	var (
		reg     store.Registration
		already bool
	)
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		reg, already, err = t.g.d.Store.CheckIn(ctx, code, t.now())
		return err
	})
	shown := events.FormatCode(code)
	switch {
	case errors.Is(err, store.ErrNotFound):
		t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "checkin_unknown", map[string]any{"Code": shown}))})
		return nil
	case errors.Is(err, store.ErrNotConfirmed):
		t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "checkin_no_seat", map[string]any{"Code": shown}))})
		return nil
	case err != nil:
		return err
	}
	name := reg.EventID
	if ev := t.g.d.Events.Get(reg.EventID); ev != nil {
		name = title(ev, eventLang(ev, t.lang))
	}
	if already {
		t.send(Out{Text: "☑️ " + esc(t.g.d.Catalog.T(t.lang, "checkin_already", map[string]any{"Code": shown, "Title": name, "At": reg.AttendedAt.Format("15:04")}))})
		return nil
	}
	t.g.d.Metrics.Registrations.WithLabelValues("attended").Inc()
	t.send(Out{Text: "✅ " + esc(t.g.d.Catalog.T(t.lang, "checkin_ok", map[string]any{"Code": shown, "Title": name}))})
	return nil
}

// attendeesCSV writes every registration of an event, in arrival order, with
// the registration answers: no Telegram ids, names or usernames (the bot has
// none), only what the registration questions asked. Times are the event's
// local time. A UTF-8 BOM lets Excel read Cyrillic.
func attendeesCSV(ev *survey.Event, reg *survey.Survey, list []store.Attendee) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	head := []string{"registration", "status", "waitlist_position", "code", "language", "registered_at", "confirmed_at", "cancelled_at", "attended_at"}
	var questions []*survey.Question
	if reg != nil {
		for i := range reg.Questions {
			if q := &reg.Questions[i]; q.Type != survey.Note {
				questions = append(questions, q)
				head = append(head, q.ID)
			}
		}
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return localTime(ev, *t)
	}
	for _, a := range list {
		pos := ""
		if a.Status == store.Waitlisted {
			pos = strconv.Itoa(a.Position)
		}
		row := []string{strconv.FormatInt(a.ID, 10), a.Status, pos, events.FormatCode(a.Code), a.Lang,
			localTime(ev, a.RegisteredAt), at(a.ConfirmedAt), at(a.CancelledAt), at(a.AttendedAt)}
		for _, q := range questions {
			v := ""
			if ans, ok := a.Answers[q.ID]; ok {
				v = export.SafeCell(ans.Display(q, ev.Languages[0]))
			}
			row = append(row, v)
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
