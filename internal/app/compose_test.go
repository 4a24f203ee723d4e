package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/broadcast"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

const refused = "Не знаю такої команди"

// lastWith returns the latest message to c whose text contains want.
func lastWith(t *testing.T, c *tgemu.Citizen, want string) tgemu.Message {
	t.Helper()
	msgs := c.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].PlainText(), want) {
			return msgs[i]
		}
	}
	t.Fatalf("no message containing %q", want)
	return tgemu.Message{}
}

// TestComposeBroadcastInTelegram: an organiser composes a broadcast in the
// chat — an audience of two conditions, formatted text, a survey button —
// sees it exactly as citizens will, and sends it with a double tap after
// Redis was flushed: it goes out once to exactly the audience, the progress
// message is edited in place to the final counts, and a report follows. A
// citizen cannot start, list or cancel broadcasts, not even with a forged
// button.
func TestComposeBroadcastInTelegram(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.tune = func(a *app.App) { a.Broadcasts.ProgressEvery = 100 * time.Millisecond }
	st := testStore(t, e)
	ukr, _ := recipients(t, e, st, 4)
	english := e.emu.NewCitizen("Ann", "en")
	english.MarkStarted()
	if _, err := st.GiveConsent(t.Context(), english.ID(), "en", "2026-11", time.Now()); err != nil {
		t.Fatal(err)
	}
	e.start()
	org := e.emu.NewCitizen("Організаторка", "uk")
	e.consent(org)
	if err := st.Grant(t.Context(), org.ID(), store.RoleOrganiser, nil); err != nil {
		t.Fatal(err)
	}

	// A citizen is refused, as for an unknown command.
	citizen := ukr[0]
	e.send(citizen, "/broadcast", refused)
	e.send(citizen, "/broadcasts", refused)
	last, _ := citizen.LastMessage()
	for _, forged := range []string{"C:1.now", "K:1.X", "K:list"} {
		cb, err := citizen.TapData(last.ID, forged)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.waitAnswered(cb.QueryID); !strings.Contains(got, refused) {
			t.Errorf("forged %q answered %q", forged, got)
		}
	}
	if n := e.queryInt(`SELECT count(*) FROM broadcasts`); n != 0 {
		t.Fatalf("a citizen made %d broadcasts", n)
	}
	if help := e.send(citizen, "/help", "Що я вмію"); strings.Contains(help.PlainText(), "/broadcast") {
		t.Errorf("a citizen's /help lists the team's commands:\n%s", help.PlainText())
	}
	e.send(org, "/help", "/broadcast — написати запрошення")

	// Audience: Ukrainian speakers who have not started "Усі типи": the
	// four recipients and the organiser.
	aud := e.send(org, "/broadcast", "Нова розсилка")
	if !strings.Contains(aud.PlainText(), "усі підписники — зараз 6 громадян") {
		t.Errorf("audience step:\n%s", aud.PlainText())
	}
	langs := e.tap(org, aud, "🗣 Мова", "Хто якою мовою")
	aud = e.tap(org, langs, "English", "мова: English — зараз 1 громадянин")
	aud = e.tap(org, aud, "↺ Знову всі", "усі підписники")
	langs = e.tap(org, aud, "🗣 Мова", "Хто якою мовою")
	aud = e.tap(org, langs, "Українська", "мова: Українська — зараз 5 громадян")
	pick := e.tap(org, aud, "📋 За опитуванням", "Яке опитування")
	states := e.tap(org, pick, "Усі типи", "Ті, хто")
	aud = e.tap(org, states, "ще не починав", "мова: Українська І опитування «Усі типи»: ще не починав — зараз 5 громадян")
	e.tap(org, aud, "Далі ➡", "Крок 2 з 4")

	// The message: a sticker is not one; formatted text keeps its format.
	if _, err := org.SendSticker(); err != nil {
		t.Fatal(err)
	}
	e.reply(org, "Надішліть текст або одне фото")
	const html = `<b>Запрошуємо</b> на <i>діалог</i> про <a href="https://example.org/x">відбудову</a> 🌍 &amp; мир`
	if _, err := org.SendFormatted(html); err != nil {
		t.Fatal(err)
	}
	btn := e.reply(org, "Крок 3 з 4")
	srv := e.tap(org, btn, "📝 Пройти опитування", "Яке опитування відкриває кнопка")
	e.tap(org, srv, "Усі типи", "Крок 4 з 4")
	control := lastWith(t, org, "Крок 4 з 4")
	preview := lastWith(t, org, "Запрошуємо на діалог")
	if preview.Text != html || preview.ParseMode != "HTML" {
		t.Errorf("preview %q (%s), want %q", preview.Text, preview.ParseMode, html)
	}
	if b, ok := preview.Button("📝 Пройти опитування"); !ok || b.CallbackData == "" {
		t.Errorf("preview buttons %v", preview.InlineKeyboard)
	}

	// Redis is lost; the buttons work on, from the draft in Postgres. A
	// double tap on "Send" sends once. (The flush waits for the last update
	// to be done with: one flushed in the middle is handled again.)
	e.waitIdle()
	if err := e.state.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	send := "📤 Надіслати зараз 5 громадянам"
	cb1, err := org.Tap(control, send)
	if err != nil {
		t.Fatalf("%v: %v", err, control.InlineKeyboard)
	}
	cb2, err := org.Tap(control, send)
	if err != nil {
		t.Fatal(err)
	}
	e.waitAnswered(cb1.QueryID)
	e.waitAnswered(cb2.QueryID)
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM broadcasts WHERE status <> 'draft'`).Scan(&id); err != nil {
		t.Fatalf("one broadcast: %v", err)
	}
	waitFor(t, "the broadcast to finish", func() bool {
		return e.queryInt(`SELECT count(*) FROM broadcasts WHERE id = $1 AND status = 'done'`, id) == 1
	})
	report := e.reply(org, fmt.Sprintf("Розсилка #%d — ✅ завершено", id))
	if !strings.Contains(report.PlainText(), "Одержувачів: 5 · доставлено: 5") {
		t.Errorf("report:\n%s", report.PlainText())
	}
	waitFor(t, "the progress message's final counts", func() bool {
		m := lastWith(t, org, fmt.Sprintf("Розсилка #%d:", id))
		return m.ID == control.ID && strings.Contains(m.PlainText(), "доставлено 5 з 5") && len(m.InlineKeyboard) == 0
	})

	// Exactly the audience got it, once, exactly as previewed.
	for _, c := range append(ukr, org) {
		var got []tgemu.Message
		for _, m := range c.Messages() {
			if strings.HasPrefix(m.PlainText(), "Запрошуємо на діалог") {
				got = append(got, m)
			}
		}
		if c == org {
			got = got[1:] // the preview
		}
		if len(got) != 1 {
			for _, m := range c.Messages() {
				t.Logf("%d %q %v", m.ID, m.PlainText(), m.InlineKeyboard)
			}
			t.Fatalf("citizen %d got %d copies", c.ID(), len(got))
		}
		if got[0].Text != preview.Text || got[0].ParseMode != preview.ParseMode || fmt.Sprint(buttonTexts(got[0])) != fmt.Sprint(buttonTexts(preview)) {
			t.Errorf("citizen %d got %q %v, the preview was %q %v", c.ID(), got[0].Text, buttonTexts(got[0]), preview.Text, buttonTexts(preview))
		}
	}
	for _, m := range english.Messages() {
		if strings.Contains(m.PlainText(), "Запрошуємо") {
			t.Errorf("the English speaker got the broadcast")
		}
	}

	// A citizen opens the survey from it; /broadcasts shows the tap.
	inv := lastWith(t, citizen, "Запрошуємо на діалог")
	e.tap(citizen, inv, "📝 Пройти опитування", "Усі типи")
	list := e.send(org, "/broadcasts", "Розсилки")
	if !strings.Contains(list.PlainText(), fmt.Sprintf("#%d · ✅ завершено · 5 з 5", id)) {
		t.Errorf("/broadcasts:\n%s", list.PlainText())
	}
	info := e.tap(org, list, fmt.Sprintf("ℹ #%d", id), "Натискань кнопки: 1 · почали опитування: 1")
	if _, ok := info.Button("⏹ Зупинити"); ok {
		t.Errorf("a finished broadcast offers to stop it")
	}
}

func buttonTexts(m tgemu.Message) []string {
	var out []string
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			out = append(out, b.Text+"|"+b.URL)
		}
	}
	return out
}

// TestComposePhotoScheduleAndStop: a photo with a caption and a link
// button; wrong links and times are explained; the broadcast is scheduled
// in Kyiv time and stopped from /broadcasts before it goes. Then one
// scheduled a second ahead starts by itself: its progress message is a new
// message, and the report follows.
func TestComposePhotoScheduleAndStop(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.RateLimit = 5 // slow enough for progress messages to be seen
	e.tune = func(a *app.App) { a.Broadcasts.ProgressEvery = 100 * time.Millisecond }
	st := testStore(t, e)
	ukr, _ := recipients(t, e, st, 2)
	e.start()
	org := e.emu.NewCitizen("Організатор", "uk")
	e.consent(org)
	if err := st.Grant(t.Context(), org.ID(), store.RoleOrganiser, nil); err != nil {
		t.Fatal(err)
	}

	aud := e.send(org, "/broadcast", "Нова розсилка")
	e.tap(org, aud, "Далі ➡", "Крок 2 з 4")
	if _, err := org.SendPhotoWithCaption(`<b>Фото</b> з підписом`); err != nil {
		t.Fatal(err)
	}
	btn := e.reply(org, "Крок 3 з 4")
	e.tap(org, btn, "🔗 Посилання", "Надішліть посилання")
	e.send(org, "ftp://example.org/x", "Таке посилання кнопка не відкриє")
	e.send(org, "https://example.org/report Читати звіт", "Крок 4 з 4")
	preview := lastWith(t, org, "Фото з підписом")
	if preview.Photo == nil || preview.Caption != "<b>Фото</b> з підписом" {
		t.Fatalf("preview: photo %v caption %q", preview.Photo, preview.Caption)
	}
	if b, ok := preview.Button("Читати звіт"); !ok || b.URL != "https://example.org/report" {
		t.Errorf("preview buttons %v", preview.InlineKeyboard)
	}
	control := lastWith(t, org, "Крок 4 з 4")

	// The audience changes through the buttons of the preview; the old
	// preview's "Send" does not send what it did not show.
	aud = e.tap(org, control, "👥 Аудиторія", "Нова розсилка")
	langs := e.tap(org, aud, "🗣 Мова", "Хто якою мовою")
	e.tap(org, langs, "English", "мова: English — зараз 0 громадян")
	cb, err := org.Tap(control, "📤 Надіслати зараз 3 громадянам")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.waitAnswered(cb.QueryID); !strings.Contains(got, "змінено після цього перегляду") {
		t.Errorf("an old preview's Send answered %q", got)
	}
	control = e.reply(org, "Крок 4 з 4")
	if n := e.queryInt(`SELECT count(*) FROM broadcasts WHERE status <> 'draft'`); n != 0 {
		t.Fatalf("an old preview's button sent the changed draft")
	}
	if _, ok := control.Button("📤 Надіслати зараз 0 громадянам"); !ok {
		t.Errorf("the new preview's buttons: %v", control.InlineKeyboard)
	}
	aud = e.tap(org, control, "👥 Аудиторія", "Нова розсилка")
	e.tap(org, aud, "↺ Знову всі", "усі підписники — зараз 3 громадяни")
	control = e.tap(org, aud, "Далі ➡", "Крок 4 з 4")
	e.tap(org, control, "🕒 Запланувати…", "Коли надіслати")
	e.send(org, "завтра", "Не вдалося розпізнати час")
	e.send(org, "01.01.2020 10:00", "Цей час уже минув")
	at := time.Now().In(broadcast.Kyiv).Add(2 * time.Hour).Truncate(time.Minute)
	e.send(org, at.Format("02.01.2006 15:04"), "заплановано на "+at.Format("02.01.2006 15:04"))
	var id int64
	var scheduled time.Time
	if err := e.db.QueryRow(context.Background(), `SELECT id, scheduled_at FROM broadcasts WHERE status = 'scheduled' AND photo IS NOT NULL`).Scan(&id, &scheduled); err != nil {
		t.Fatal(err)
	}
	if !scheduled.Equal(at) {
		t.Errorf("scheduled at %v, want %v", scheduled, at)
	}

	list := e.send(org, "/broadcasts", "Розсилки")
	ask := e.tap(org, list, fmt.Sprintf("⏹ Зупинити #%d", id), fmt.Sprintf("Зупинити розсилку #%d?", id))
	e.tap(org, ask, "Так, зупинити", fmt.Sprintf("Розсилку #%d зупинено", id))
	e.reply(org, fmt.Sprintf("Розсилка #%d — ⏹ зупинено", id))
	if n := e.queryInt(`SELECT count(*) FROM broadcasts WHERE id = $1 AND status = 'cancelled'`, id); n != 1 {
		t.Fatalf("not cancelled")
	}

	// One scheduled a second ahead (through the store, as the chat only
	// schedules whole minutes) starts on its own.
	b, err := st.CreateDraft(t.Context(), org.ID(), org.ID(), "uk", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.Text = "Друга розсилка"
	if err := st.SaveDraft(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if err := st.SendDraft(t.Context(), b.ID, org.ID(), 0, time.Now(), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	e.reply(org, fmt.Sprintf("Розсилка #%d — ✅ завершено", b.ID))
	waitFor(t, "the progress message's final counts", func() bool {
		m := lastWith(t, org, fmt.Sprintf("Розсилка #%d:", b.ID))
		return strings.Contains(m.PlainText(), "доставлено 3 з 3") && len(m.InlineKeyboard) == 0
	})
	for _, c := range ukr {
		if got := lastWith(t, c, "Друга розсилка"); got.Photo != nil {
			t.Errorf("a photo was sent with the second broadcast")
		}
		for _, m := range c.Messages() {
			if strings.Contains(m.PlainText(), "Фото з підписом") {
				t.Errorf("the stopped broadcast reached citizen %d", c.ID())
			}
		}
	}
}

// TestBroadcastRefusedByTelegram: a message Telegram will not take (here
// malformed HTML from a script) stops the broadcast after a few refusals
// instead of failing for every recipient three times; the organiser is told
// why.
func TestBroadcastRefusedByTelegram(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	st := testStore(t, e)
	recipients(t, e, st, 60)
	e.start()
	org := e.emu.NewCitizen("Організатор", "uk")
	e.consent(org)
	b, err := st.CreateDraft(t.Context(), org.ID(), org.ID(), "uk", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.Text = "<b>Незакритий тег"
	if err := st.SaveDraft(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if err := st.SendDraft(t.Context(), b.ID, org.ID(), 0, time.Now(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	report := e.reply(org, "Telegram відмовився прийняти повідомлення")
	if !strings.Contains(report.PlainText(), "can't parse entities") || !strings.Contains(report.PlainText(), "⏹ зупинено") {
		t.Errorf("report:\n%s", report.PlainText())
	}
	got, err := st.Broadcast(t.Context(), b.ID)
	if err != nil || got.Status != store.BroadcastCancelled || !strings.Contains(got.Failure, "can't parse entities") {
		t.Fatalf("broadcast %+v %v", got, err)
	}
	// The workers in flight when it stopped may each have tried once.
	if n := e.emu.Stats().Errors[400]; n < 3 || n > 3+8 {
		t.Errorf("%d refused requests, want 3 to stop it and at most one more per worker", n)
	}
}
