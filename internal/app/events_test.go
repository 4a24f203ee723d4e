package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/hromada/hromada/internal/tgemu"
)

// rfc is how the test event files write times: with their own offset.
func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeEvents writes event files into a new directory and points the bot at it.
func (e *env) writeEvents(files map[string]string) {
	e.t.Helper()
	dir := e.t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	e.cfg.EventsDir = dir
}

// forumEvent is an event two days ahead with one seat, a waitlist,
// registration questions, a map pin, an online link and a feedback survey.
func forumEvent(starts time.Time) string {
	return fmt.Sprintf(`id: forum
languages: [uk, en]
title: {uk: "Форум громади", en: "Community forum"}
description: {uk: "Говоримо про відбудову.", en: "We talk about rebuilding."}
starts: %s
ends: %s
place:
  address: {uk: "Харків, вул. Сумська, 1", en: "Kharkiv, 1 Sumska St"}
  lat: 49.9935
  lon: 36.2304
online: https://meet.example.org/forum
capacity: 1
waitlist: true
feedback: many-toggles
questions:
  - id: role
    type: single
    text: {uk: "Як ви братимете участь?", en: "How will you take part?"}
    options:
      - {id: person, uk: "Особисто", en: "In person"}
      - {id: online, uk: "Онлайн", en: "Online"}
`, rfc(starts), rfc(starts.Add(2*time.Hour)))
}

// simpleEvent is an event without questions, open to all unless extra
// sets a capacity.
func simpleEvent(id string, starts time.Time, extra string) string {
	if !strings.Contains(extra, "capacity:") {
		extra += "capacity: unlimited\n"
	}
	return fmt.Sprintf(`id: %s
languages: [uk]
title: {uk: "Захід %s"}
starts: %s
ends: %s
place:
  address: {uk: "Київ"}
%s`, id, id, rfc(starts), rfc(starts.Add(time.Hour)), extra)
}

// waitMessage waits for a bot message to c (after c's latest action) that match accepts.
func (e *env) waitMessage(c *tgemu.Citizen, what string, match func(tgemu.Message) bool) tgemu.Message {
	e.t.Helper()
	m, err := c.WaitReply(e.ctx(), match)
	if err != nil {
		var seen []string
		for _, m := range c.Messages() {
			seen = append(seen, fmt.Sprintf("%q doc=%v loc=%v", m.PlainText(), m.Document != nil, m.Location))
		}
		e.t.Fatalf("no %s for %s: %v\nchat so far:\n%s", what, c.FirstName(), err, strings.Join(seen, "\n"))
	}
	return m
}

var codePattern = regexp.MustCompile(`[A-Z0-9]{3}-[A-Z0-9]{3}`)

// TestEventSignUpEndToEnd: a citizen finds an event by deep link, answers
// the registration question and gets the confirmation with the check-in
// code, the calendar file and the map pin; a second citizen joins the
// waitlist and is promoted, and told, when the first cancels; an organiser
// checks them in by code and gets the list as CSV; a citizen cannot.
func TestEventSignUpEndToEnd(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	starts := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
	e.writeEvents(map[string]string{"forum.yaml": forumEvent(starts)})
	e.start()

	// A deep link before consent opens the event after it.
	olena := e.emu.NewCitizen("Олена", "uk")
	notice := e.send(olena, "/start e_forum", "Погоджуєтеся?")
	card := e.tap(olena, notice, "✅ Погоджуюся", "Форум громади")
	for _, want := range []string{"Говоримо про відбудову", "Харків, вул. Сумська, 1", "посилання надійде разом із підтвердженням", "Залишилося 1 місце з 1"} {
		if !strings.Contains(card.PlainText(), want) {
			t.Errorf("event card lacks %q:\n%s", want, card.PlainText())
		}
	}
	if strings.Contains(card.PlainText(), "meet.example.org") {
		t.Errorf("the online link is shown before registration:\n%s", card.PlainText())
	}
	q := e.tap(olena, card, "✍ Зареєструватися", "Як ви братимете участь?")
	review := e.tap(olena, q, "Особисто", "Перевірте ваші відповіді")
	confirmed := e.tap(olena, review, "✅ Підтвердити", "Вас зареєстровано")
	code := codePattern.FindString(confirmed.PlainText())
	if code == "" || !strings.Contains(confirmed.PlainText(), "meet.example.org/forum") {
		t.Fatalf("confirmation lacks the code or the link:\n%s", confirmed.PlainText())
	}
	doc := e.waitMessage(olena, "calendar file", func(m tgemu.Message) bool { return m.Document != nil })
	if doc.Document.Name != "forum.ics" {
		t.Errorf("document %q", doc.Document.Name)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(doc.Document.Bytes))
	if err != nil {
		t.Fatalf("the .ics does not parse: %v\n%s", err, doc.Document.Bytes)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d VEVENTs", len(evs))
	}
	if p := evs[0].GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["TZID"] == nil || p.ICalParameters["TZID"][0] != "Europe/Kyiv" {
		t.Errorf("DTSTART not in Europe/Kyiv: %+v", p)
	} else if local := starts.In(mustZone(t, "Europe/Kyiv")).Format("20060102T150405"); p.Value != local {
		t.Errorf("DTSTART %s, want %s", p.Value, local)
	}
	pin := e.waitMessage(olena, "map pin", func(m tgemu.Message) bool { return m.Location != nil })
	if pin.Location.Latitude != 49.9935 || pin.Location.Longitude != 36.2304 {
		t.Errorf("pin %+v", pin.Location)
	}
	if n := e.queryInt(`SELECT count(*) FROM answers a JOIN registrations r ON r.response_id = a.response_id WHERE r.code = $1`, strings.ReplaceAll(code, "-", "")); n != 1 {
		t.Errorf("%d registration answers stored, want 1", n)
	}
	// Registering twice is refused kindly.
	card = e.send(olena, "/start e_forum", "Форум громади")
	if !strings.Contains(card.PlainText(), "Вас зареєстровано") {
		t.Errorf("the card does not show the registration:\n%s", card.PlainText())
	}
	if _, ok := card.Button("✍ Зареєструватися"); ok {
		t.Errorf("a registered citizen is offered to register again")
	}

	// The event is full: the next citizen joins the waitlist.
	taras := e.emu.NewCitizen("Тарас", "uk")
	e.consent(taras)
	list := e.send(taras, "/events", "Найближчі заходи")
	if !strings.Contains(list.PlainText(), "Усі місця зайняті; можна стати в список очікування") {
		t.Errorf("/events does not say the event is full:\n%s", list.PlainText())
	}
	card = e.tap(taras, list, "Форум громади", "Говоримо про відбудову")
	q = e.tap(taras, card, "⏳ Стати в список очікування", "Як ви братимете участь?")
	review = e.tap(taras, q, "Онлайн", "Перевірте ваші відповіді")
	waiting := e.tap(taras, review, "✅ Підтвердити", "Ви 1-й у списку очікування")
	if strings.Contains(waiting.PlainText(), "meet.example.org") || codePattern.MatchString(waiting.PlainText()) {
		t.Errorf("a waitlisted citizen got the link or a code:\n%s", waiting.PlainText())
	}
	mine := e.send(taras, "/myevents", "Ваші реєстрації")
	if !strings.Contains(mine.PlainText(), "Ви 1-й у списку очікування") {
		t.Errorf("/myevents:\n%s", mine.PlainText())
	}

	// Olena cancels: Taras gets the seat and is told at once.
	ask := e.tap(olena, confirmed, "✖ Скасувати реєстрацію", "Скасувати реєстрацію на «Форум громади»?")
	e.tap(olena, ask, "Так, скасувати", "Вашу реєстрацію на «Форум громади» скасовано")
	promoted := e.reply(taras, "звільнилося місце")
	tarasCode := codePattern.FindString(promoted.PlainText())
	if tarasCode == "" || !strings.Contains(promoted.PlainText(), "meet.example.org/forum") {
		t.Fatalf("the promotion lacks the code or link:\n%s", promoted.PlainText())
	}
	e.waitMessage(taras, "calendar file after promotion", func(m tgemu.Message) bool { return m.Document != nil })
	// Her old buttons are stale now.
	if toast := e.toast(olena, ask, "Так, скасувати"); toast == "" {
		t.Errorf("a second cancellation tap was not answered with a toast")
	}

	// A citizen cannot use the organisers' commands.
	e.send(taras, "/checkin "+tarasCode, "Не знаю такої команди")
	e.send(taras, "/attendees forum", "Не знаю такої команди")

	// The organiser checks Taras in and downloads the list.
	org := e.emu.NewCitizen("Організаторка", "uk")
	e.consent(org)
	if err := e.app.Store.Grant(context.Background(), org.ID(), "organiser", nil); err != nil {
		t.Fatal(err)
	}
	e.send(org, "/checkin "+strings.ToLower(tarasCode), "Присутність відмічено: "+tarasCode)
	e.send(org, "/checkin "+tarasCode, "уже відмічено")
	e.send(org, "/checkin ZZZ-ZZZ", "немає")
	att := e.send(org, "/attendees forum", "Підтверджено: 1 · в очікуванні: 0 · скасовано: 1 · прийшли: 1")
	csvMsg := e.waitMessage(org, "attendees CSV", func(m tgemu.Message) bool { return m.Document != nil })
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvMsg.Document.Bytes, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("CSV: %v, %d rows:\n%s", err, len(rows), csvMsg.Document.Bytes)
	}
	if rows[0][len(rows[0])-1] != "role" || rows[1][1] != "cancelled" || rows[2][1] != "confirmed" || rows[2][len(rows[2])-1] != "Онлайн" || rows[2][3] != tarasCode {
		t.Errorf("CSV rows:\n%v", rows)
	}
	if strings.Contains(string(csvMsg.Document.Bytes), fmt.Sprint(taras.ID())) {
		t.Errorf("the CSV carries a Telegram id")
	}
	// Tapping the participant unmarks the attendance.
	e.tap(org, att, "✅ "+tarasCode, "прийшли: 0")
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestEventRegistrationRefusals: past, closed and full events say why.
func TestEventRegistrationRefusals(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	now := time.Now()
	e.writeEvents(map[string]string{
		"past.yaml":   simpleEvent("past", now.Add(-time.Hour), ""),
		"closed.yaml": simpleEvent("closed", now.Add(48*time.Hour), "registration:\n  closes: "+rfc(now.Add(-time.Minute))+"\n"),
		"later.yaml":  simpleEvent("later", now.Add(48*time.Hour), "registration:\n  opens: "+rfc(now.Add(24*time.Hour))+"\n"),
		"full.yaml":   simpleEvent("full", now.Add(48*time.Hour), "capacity: 1\n"),
	})
	e.start()
	first := e.emu.NewCitizen("Перший", "uk")
	e.consent(first)
	card := e.send(first, "/start e_full", "Залишилося 1 місце з 1")
	e.tap(first, card, "✍ Зареєструватися", "Вас зареєстровано")

	c := e.emu.NewCitizen("Ганна", "uk")
	e.consent(c)
	for _, tc := range []struct{ id, want string }{
		{"past", "уже почався або відбувся"},
		{"closed", "Реєстрацію на цей захід закрито"},
		{"later", "Реєстрація відкриється"},
		{"full", "Усі місця зайняті"},
		{"nope", "Такого заходу не знайдено"},
	} {
		card := e.send(c, "/start e_"+tc.id, tc.want)
		if _, ok := card.Button("✍ Зареєструватися"); ok {
			t.Errorf("%s: offered to register:\n%s", tc.id, card.PlainText())
		}
	}
	// /events lists only what has not started.
	list := e.send(c, "/events", "Найближчі заходи")
	if strings.Contains(list.PlainText(), "Захід past") {
		t.Errorf("/events lists a past event:\n%s", list.PlainText())
	}
	if n := e.queryInt(`SELECT count(*) FROM registrations`); n != 1 {
		t.Errorf("%d registrations, want 1", n)
	}
}

// TestConcurrentSignUpsThroughTheBot: 500 citizens tap "Register" for 100
// seats at once; exactly 100 are confirmed and 400 waitlisted in the order
// the bot registered them, each told their own place; then 10 cancel and
// exactly the next 10 are promoted and told.
func TestConcurrentSignUpsThroughTheBot(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.Workers = 64
	e.cfg.RateLimit = 0 // no limit: this test is about seats, not about Telegram's budget
	e.writeEvents(map[string]string{"big.yaml": simpleEvent("big", time.Now().Add(48*time.Hour), "capacity: 100\nwaitlist: true\n")})
	e.start()
	const n = 500
	began := time.Now()
	citizens := make([]*tgemu.Citizen, n)
	cards := make([]tgemu.Message, n)
	var wg sync.WaitGroup
	for i := range citizens {
		citizens[i] = e.emu.NewCitizen(fmt.Sprintf("Громадянин %d", i), "uk")
		wg.Go(func() {
			c := citizens[i]
			notice := e.send(c, "/start e_big", "Погоджуєтеся?")
			cards[i] = e.tap(c, notice, "✅ Погоджуюся", "Захід big")
		})
	}
	wg.Wait()
	t.Logf("%d consents in %s", n, time.Since(began))
	began = time.Now()
	if t.Failed() {
		return
	}
	replies := make([]string, n)
	for i, c := range citizens {
		wg.Go(func() {
			label := "✍ Зареєструватися"
			if _, ok := cards[i].Button(label); !ok {
				label = "⏳ Стати в список очікування"
			}
			replies[i] = e.tap(c, cards[i], label, "Захід big").PlainText()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	t.Logf("%d registrations in %s", n, time.Since(began))
	confirmed, waitlisted := 0, 0
	for _, r := range replies {
		switch {
		case strings.Contains(r, "Вас зареєстровано"):
			confirmed++
		case strings.Contains(r, "у списку очікування"):
			waitlisted++
		}
	}
	if confirmed != 100 || waitlisted != 400 {
		t.Fatalf("told: %d confirmed, %d waitlisted; want 100 and 400", confirmed, waitlisted)
	}
	// In Postgres: seats to the first 100 arrivals, the waitlist in arrival
	// order, and each citizen told the place that the database holds.
	rows, err := e.db.Query(context.Background(), `
SELECT c.telegram_id, r.status,
       CASE WHEN r.status = 'waitlisted' THEN row_number() OVER (PARTITION BY r.status ORDER BY r.id) END,
       row_number() OVER (ORDER BY r.id)
FROM registrations r JOIN citizens c ON c.id = r.citizen_id ORDER BY r.id`)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]int{}
	for i, c := range citizens {
		byID[c.ID()] = i
	}
	type seat struct {
		id      int64
		status  string
		place   *int64
		arrival int64
	}
	var seats []seat
	for rows.Next() {
		var s seat
		if err := rows.Scan(&s.id, &s.status, &s.place, &s.arrival); err != nil {
			t.Fatal(err)
		}
		seats = append(seats, s)
	}
	rows.Close()
	if len(seats) != n {
		t.Fatalf("%d registrations, want %d", len(seats), n)
	}
	for _, s := range seats {
		if (s.arrival <= 100) != (s.status == "confirmed") {
			t.Fatalf("arrival %d is %s", s.arrival, s.status)
		}
		if s.place != nil {
			want := fmt.Sprintf("Ви %d-й у списку очікування", *s.place)
			if got := replies[byID[s.id]]; !strings.Contains(got, want) {
				t.Fatalf("arrival %d was told %q, want %q", s.arrival, got, want)
			}
		}
	}

	// Ten of the confirmed cancel: the first ten waiting get the seats.
	for _, s := range seats[:10] {
		c := citizens[byID[s.id]]
		mine := e.send(c, "/myevents", "Ваші реєстрації")
		ask := e.tap(c, mine, "Захід big", "Вас зареєстровано")
		ask = e.tap(c, ask, "✖ Скасувати реєстрацію", "Скасувати реєстрацію")
		e.tap(c, ask, "Так, скасувати", "скасовано")
	}
	for _, s := range seats[100:110] {
		e.reply(citizens[byID[s.id]], "звільнилося місце")
	}
	if n := e.queryInt(`SELECT count(*) FROM registrations WHERE status = 'confirmed'`); n != 100 {
		t.Fatalf("%d confirmed after the cancellations, want 100", n)
	}
	if n := e.queryInt(`SELECT count(*) FROM registrations r WHERE status = 'confirmed' AND id IN (SELECT id FROM registrations ORDER BY id OFFSET 100 LIMIT 10)`); n != 10 {
		t.Fatalf("%d of the first ten waiting were promoted, want 10", n)
	}
	if n := e.queryInt(`SELECT count(*) FROM registrations r WHERE status = 'confirmed' AND id IN (SELECT id FROM registrations ORDER BY id OFFSET 110)`); n != 0 {
		t.Fatalf("%d promoted out of turn", n)
	}
}

// TestFeedbackAfterTheEvent: once the event has ended, a participant who was
// checked in is invited to the feedback survey (and can open it from the
// message); one who did not come is not.
func TestFeedbackAfterTheEvent(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	// Registration closes at the start: leave time to sign up even on a
	// busy machine.
	starts := time.Now().Add(10 * time.Second).Truncate(time.Second)
	e.writeEvents(map[string]string{"talk.yaml": fmt.Sprintf(`id: talk
languages: [uk]
title: {uk: "Коротка зустріч"}
starts: %s
ends: %s
online: https://meet.example.org/talk
capacity: unlimited
feedback: many-toggles
`, rfc(starts), rfc(starts.Add(2*time.Second)))})
	e.start()
	org := e.emu.NewCitizen("Організатор", "uk")
	e.consent(org)
	if err := e.app.Store.Grant(context.Background(), org.ID(), "organiser", nil); err != nil {
		t.Fatal(err)
	}
	came, stayed := e.emu.NewCitizen("Прийшла", "uk"), e.emu.NewCitizen("Не прийшов", "uk")
	var code string
	for _, c := range []*tgemu.Citizen{came, stayed} {
		e.consent(c)
		card := e.send(c, "/start e_talk", "Коротка зустріч")
		m := e.tap(c, card, "✍ Зареєструватися", "Вас зареєстровано")
		if c == came {
			code = codePattern.FindString(m.PlainText())
		}
	}
	e.send(org, "/checkin "+code, "Присутність відмічено")
	// The invitation is due when the event ends (River moves due jobs every
	// few seconds).
	ctx, cancel := context.WithTimeout(context.Background(), time.Until(starts)+30*time.Second)
	defer cancel()
	invite, err := came.WaitReply(ctx, func(m tgemu.Message) bool {
		return strings.Contains(m.PlainText(), "Дякуємо, що прийшли на «Коротка зустріч»")
	})
	if err != nil {
		t.Fatalf("no feedback invitation: %v", err)
	}
	e.tap(came, invite, "Багато варіантів", "Що покращити в громаді?")
	e.waitIdle()
	if n := e.queryInt(`SELECT count(*) FROM river_job WHERE kind = 'event_feedback'`); n != 1 {
		t.Errorf("%d feedback jobs, want 1 (for the one who came)", n)
	}
	for _, m := range stayed.Messages() {
		if strings.Contains(m.PlainText(), "Дякуємо, що прийшли") {
			t.Errorf("a participant who did not come was invited to the feedback survey")
		}
	}
}
