package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

// privacySurveys are three one- or two-question surveys: named, anonymous,
// and one to leave half-way.
var privacySurveys = map[string]string{
	"named.yaml": `id: named
languages: [uk]
title: {uk: "Іменне"}
questions:
  - {id: agree, type: yesno, text: {uk: "Чи згодні ви?"}}
`,
	"anon.yaml": `id: anon
languages: [uk]
title: {uk: "Анонімне"}
anonymous: true
questions:
  - {id: safe, type: yesno, text: {uk: "Чи почуваєтеся ви в безпеці?"}}
`,
	"long.yaml": `id: long
languages: [uk]
title: {uk: "Довге"}
anonymous: true
questions:
  - {id: first, type: yesno, text: {uk: "Перше питання?"}}
  - {id: second, type: yesno, text: {uk: "Друге питання?"}}
`,
}

// answerYes answers a one-question yes/no survey and confirms it.
func (e *env) answerYes(c *tgemu.Citizen, id, question string) {
	e.t.Helper()
	q := e.send(c, "/start s_"+id, question)
	review := e.tap(c, q, "Так", "Перевірте ваші відповіді")
	e.tap(c, review, "✅ Підтвердити", "Дякуємо")
}

// TestMyDataAndForget: a citizen who answered a named and an anonymous
// survey, holds the only seat of an event with a waitlist, is an admin who
// granted a role, and is half-way through a survey, downloads their data and
// then erases it. Afterwards no table and no Redis key holds their Telegram
// id, the next on the waitlist has the seat (and was told), and the
// completed anonymous response is still there.
func TestMyDataAndForget(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	dir := t.TempDir()
	for name, body := range privacySurveys {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.cfg.SurveysDir = dir
	e.writeEvents(map[string]string{"full.yaml": simpleEvent("full", time.Now().Add(48*time.Hour), "capacity: 1\nwaitlist: true\n")})
	e.start()

	oleh, iryna := e.emu.NewCitizen("Олег", "uk"), e.emu.NewCitizen("Ірина", "uk")
	for _, c := range []*tgemu.Citizen{oleh, iryna} {
		e.consent(c)
	}
	e.answerYes(oleh, "named", "Чи згодні ви?")
	e.answerYes(oleh, "anon", "Чи почуваєтеся ви в безпеці?")
	card := e.send(oleh, "/start e_full", "Захід full")
	e.tap(oleh, card, "✍ Зареєструватися", "Вас зареєстровано")
	card = e.send(iryna, "/start e_full", "Захід full")
	e.tap(iryna, card, "⏳ Стати в список очікування", "Ви 1-й у списку очікування")
	ctx := context.Background()
	olehID := oleh.ID()
	if err := e.app.Store.Grant(ctx, olehID, "admin", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Store.Grant(ctx, iryna.ID(), "analyst", &olehID); err != nil {
		t.Fatal(err)
	}
	q := e.send(oleh, "/start s_long", "Перше питання?")
	e.tap(oleh, q, "Так", "Друге питання?") // and leaves it there
	// As an organiser he scheduled an invitation for tomorrow.
	if _, err := e.app.Store.CreateBroadcast(ctx, store.NewBroadcast{CreatedBy: &olehID, Text: "Завтра зустріч", At: time.Now(), ScheduledAt: time.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	// /mydata: a summary and the JSON file.
	e.send(oleh, "/mydata", "Усе, що ми про вас зберігаємо")
	doc := e.waitMessage(oleh, "data file", func(m tgemu.Message) bool { return m.Document != nil })
	var data struct {
		TelegramID    int64 `json:"telegram_id"`
		Consents      []any `json:"consents"`
		Registrations []struct {
			Event, Status string
		} `json:"event_registrations"`
		Responses []struct {
			Survey, Status string
			Answers        map[string]string
		} `json:"survey_responses"`
		Roles []string `json:"team_roles"`
	}
	if err := json.Unmarshal(doc.Document.Bytes, &data); err != nil {
		t.Fatalf("the data file is not JSON: %v\n%s", err, doc.Document.Bytes)
	}
	if data.TelegramID != olehID || len(data.Consents) != 1 || len(data.Registrations) != 1 || data.Registrations[0].Status != "confirmed" || len(data.Roles) != 1 {
		t.Errorf("data file: %+v", data)
	}
	var surveys []string
	for _, r := range data.Responses {
		surveys = append(surveys, r.Survey+":"+r.Status)
		if r.Survey == "named" && r.Answers["agree"] != "Так" {
			t.Errorf("named answers in the file: %v", r.Answers)
		}
	}
	// The completed anonymous response is not linked to him; the anonymous
	// draft still is, until he completes or erases it.
	if got := strings.Join(surveys, " "); got != "named:completed long:draft" {
		t.Errorf("responses in the file: %s", got)
	}

	// Before: the search finds him (so it would, after).
	before := strings.Join(e.holders(olehID), " ")
	for _, want := range []string{`"public"."citizens"`, `"public"."staff"`, `"public"."broadcasts"`, "redis " + e.state.Prefix() + "{" + strconv.FormatInt(olehID, 10) + "}:chat"} {
		if !strings.Contains(before, want) {
			t.Errorf("before /forget, his id was not found in %s (found: %s)", want, before)
		}
	}

	// /forget: asked first; "No" keeps everything.
	ask := e.send(oleh, "/forget", "Видалити всі ваші дані?")
	e.tap(oleh, ask, "Ні, залишити", "Нічого не видалено")
	ask = e.send(oleh, "/forget", "Видалити всі ваші дані?")
	e.tap(oleh, ask, "🗑 Так, видалити все", "ваші дані видалено")
	e.reply(iryna, "звільнилося місце")
	e.waitIdle()

	// Nothing in Postgres or Redis holds his Telegram id any more.
	if found := e.holders(olehID); len(found) > 0 {
		t.Errorf("his Telegram id is still in: %s", strings.Join(found, ", "))
	}
	for query, want := range map[string]int{
		`SELECT count(*) FROM responses WHERE survey_id = 'anon' AND status = 'completed'`: 1, // not linked: it stays
		`SELECT count(*) FROM responses WHERE survey_id IN ('named', 'long')`:              0,
		`SELECT count(*) FROM registrations WHERE status = 'confirmed'`:                    1, // Iryna's
		`SELECT count(*) FROM staff`:    1, // Iryna's role, granted_by cleared
		`SELECT count(*) FROM citizens`: 1,
	} {
		if n := e.queryInt(query); n != want {
			t.Errorf("%s = %d, want %d", query, n, want)
		}
	}
	// Writing again is meeting someone new.
	e.send(oleh, "/surveys", "Погоджуєтеся?")
}

// holders lists every table (of any schema, River's included) with a row
// that mentions telegramID, and every Redis key of the test whose name or
// value does.
func (e *env) holders(telegramID int64) []string {
	e.t.Helper()
	ctx := context.Background()
	needle := strconv.FormatInt(telegramID, 10)
	rows, err := e.db.Query(ctx, `SELECT table_schema, table_name FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)
	if err != nil {
		e.t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var schema, name string
		err := r.Scan(&schema, &name)
		return pgx.Identifier{schema, name}.Sanitize(), err
	})
	if err != nil || len(tables) < 10 {
		e.t.Fatalf("tables: %v %v", tables, err)
	}
	var found []string
	for _, table := range tables {
		if n := e.queryInt(fmt.Sprintf(`SELECT count(*) FROM %s t WHERE t::text LIKE '%%' || $1 || '%%'`, table), needle); n > 0 {
			found = append(found, table)
		}
	}
	rdb := e.state.Client()
	iter := rdb.Scan(ctx, 0, e.state.Prefix()+"*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if strings.Contains(k, needle) {
			found = append(found, "redis "+k)
		} else if v, err := rdb.Get(ctx, k).Result(); err == nil && strings.Contains(v, needle) {
			found = append(found, "redis "+k+" (value)")
		}
	}
	if err := iter.Err(); err != nil {
		e.t.Fatal(err)
	}
	return found
}

// TestNewNoticeAsksAgain: after the operator publishes a new notice version,
// a citizen who agreed to the old one is asked again before their next
// survey; agreeing records the new version and opens the survey they asked
// for, declining changes nothing and opens nothing.
func TestNewNoticeAsksAgain(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	dir := t.TempDir()
	for name, body := range privacySurveys {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.cfg.SurveysDir = dir
	e.start()
	agrees, declines := e.emu.NewCitizen("Погодиться", "uk"), e.emu.NewCitizen("Відмовиться", "uk")
	for _, c := range []*tgemu.Citizen{agrees, declines} {
		e.consent(c)
	}
	e.answerYes(agrees, "named", "Чи згодні ви?")

	e.stop()
	notice := filepath.Join(t.TempDir(), "notice.yaml")
	if err := os.WriteFile(notice, []byte(`version: "2027-01"
texts:
  uk: "<b>Нове повідомлення</b> про дані: тепер ми зберігаємо ще й реєстрації."
  en: "<b>New notice</b>"
  ru: "<b>Новое уведомление</b>"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	e.cfg.NoticeFile = notice
	e.start()

	e.send(agrees, "/start s_anon", "Ми оновили повідомлення")
	n := e.reply(agrees, "Нове повідомлення")
	if !strings.Contains(n.PlainText(), "Версія 2027-01") {
		t.Errorf("the new notice does not show its version:\n%s", n.PlainText())
	}
	e.tap(agrees, n, "✅ Погоджуюся", "Чи почуваєтеся ви в безпеці?") // the survey asked for opens
	// Now it is in force: no more asking.
	e.send(agrees, "/start s_long", "Перше питання?")

	e.send(declines, "/start s_named", "Ми оновили повідомлення")
	n = e.reply(declines, "Нове повідомлення")
	e.tap(declines, n, "Ні, дякую", "нічого не змінюється")
	e.send(declines, "/start", "Нове повідомлення") // still asked
	e.waitIdle()

	for query, want := range map[string]int{
		`SELECT count(*) FROM consents WHERE notice_version = '2027-01'`: 1,
		`SELECT count(*) FROM consents`:                                  3,
		`SELECT count(*) FROM responses WHERE survey_id = 'named'`:       1, // only the first citizen's, from before
		`SELECT count(*) FROM citizens`:                                  2,
	} {
		if got := e.queryInt(query); got != want {
			t.Errorf("%s = %d, want %d", query, got, want)
		}
	}
	// A broken notice file stops the start, naming it.
	if err := os.WriteFile(notice, []byte("version: ''\ntexts: {uk: a}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.stop()
	if err := startErr(e); err == nil || !strings.Contains(err.Error(), "NOTICE_FILE") {
		t.Errorf("a broken notice file: %v", err)
	}
}

// TestSharedResults: a survey with share_results offers "See what others
// said" after completing; it shows the choice questions with small counts
// hidden and never the typed answers or a sensitive question; it says so
// while too few have answered; a survey without it offers nothing.
func TestSharedResults(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	dir := t.TempDir()
	for name, body := range map[string]string{
		"shared.yaml": `id: shared
languages: [uk]
title: {uk: "Спільне"}
share_results: true
questions:
  - id: road
    type: single
    text: {uk: "Яка дорога важливіша?"}
    options:
      - {id: north, uk: "Північна"}
      - {id: south, uk: "Південна"}
      - {id: east, uk: "Східна"}
  - {id: why, type: text, text: {uk: "Чому?"}}
  - {id: safe, type: yesno, sensitive: true, text: {uk: "Чи живете ви біля лінії фронту?"}}
`,
		"plain.yaml": privacySurveys["named.yaml"],
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.cfg.SurveysDir = dir
	e.start()
	answer := func(c *tgemu.Citizen, road string) tgemu.Message {
		q := e.send(c, "/start s_shared", "Яка дорога важливіша?")
		e.tap(c, q, road, "Чому?")
		q = e.send(c, "Таємна причина "+c.FirstName(), "Чи живете ви біля лінії фронту?")
		review := e.tap(c, q, "Так", "Перевірте ваші відповіді")
		return e.tap(c, review, "✅ Підтвердити", "Дякуємо")
	}
	var thanks tgemu.Message
	var citizens []*tgemu.Citizen
	for i := range 7 {
		c := e.emu.NewCitizen(fmt.Sprintf("Мешканець%d", i), "uk")
		e.consent(c)
		citizens = append(citizens, c)
		road := "Північна"
		switch i {
		case 5:
			road = "Південна"
		case 6:
			road = "Східна"
		}
		thanks = answer(c, road)
		if i == 0 { // alone so far: too few to show anything
			if toast := e.toast(c, thanks, "📊 Що відповіли інші"); !strings.Contains(toast, "надто мало") {
				t.Errorf("with one response: %q", toast)
			}
		}
	}
	last := citizens[6]
	cb, err := last.Tap(thanks, "📊 Що відповіли інші")
	if err != nil {
		t.Fatal(err)
	}
	got := e.reply(last, "Північна").PlainText()
	e.waitAnswered(cb.QueryID)
	for _, want := range []string{"Спільне", "Яка дорога важливіша?", "Північна — 5", "Південна — <5", "Східна — <5"} {
		if !strings.Contains(got, want) {
			t.Errorf("shared results lack %q:\n%s", want, got)
		}
	}
	for _, never := range []string{"Таємна причина", "Чому?", "лінії фронту"} {
		if strings.Contains(got, never) {
			t.Errorf("shared results show %q:\n%s", never, got)
		}
	}
	// Only after answering, even with a forged button.
	newcomer := e.emu.NewCitizen("Новенька", "uk")
	menu := e.consent(newcomer)
	btn, _ := thanks.Button("📊 Що відповіли інші")
	cb, err = newcomer.TapData(menu.ID, btn.CallbackData)
	if err != nil {
		t.Fatal(err)
	}
	if toast := e.waitAnswered(cb.QueryID); !strings.Contains(toast, "після завершення") {
		t.Errorf("before answering: %q", toast)
	}
	// A survey without share_results offers no such button.
	plainThanks := func() tgemu.Message {
		q := e.send(newcomer, "/start s_named", "Чи згодні ви?")
		review := e.tap(newcomer, q, "Так", "Перевірте ваші відповіді")
		return e.tap(newcomer, review, "✅ Підтвердити", "Дякуємо")
	}()
	if _, ok := plainThanks.Button("📊 Що відповіли інші"); ok {
		t.Error("a survey without share_results offers the results")
	}
}
