package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/tgemu"
)

// TestRetentionDeletesExpiredAnswers: typed answers of a survey with a
// retention, and phone numbers past the operator's default for contact data,
// are deleted by the retention job (which runs when a bot starts, and
// daily); choices stay, and each run records what it deleted.
func TestRetentionDeletesExpiredAnswers(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	dir := t.TempDir()
	for name, body := range map[string]string{
		"short.yaml": `id: short
languages: [uk]
title: {uk: "Коротке зберігання"}
retention: 2s
questions:
  - {id: agree, type: yesno, text: {uk: "Чи згодні ви?"}}
  - {id: comment, type: text, text: {uk: "Ваша думка?"}}
  - id: need
    type: single
    text: {uk: "Чого бракує?"}
    options: [{id: water, uk: "Води"}]
    other: {uk: "Іншого"}
`,
		"contact.yaml": `id: contact
languages: [uk]
title: {uk: "Контакт"}
questions:
  - {id: phone, type: phone, text: {uk: "Ваш номер?"}}
  - {id: note, type: text, text: {uk: "Коментар?"}}
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.cfg.SurveysDir = dir
	e.cfg.ContactRetention = 2 * time.Second
	e.start()
	c := e.emu.NewCitizen("Марта", "uk")
	e.consent(c)
	q := e.send(c, "/start s_short", "Чи згодні ви?")
	e.tap(c, q, "Так", "Ваша думка?")
	q = e.send(c, "Потрібно більше укриттів", "Чого бракує?")
	e.tap(c, q, "Іншого", "свій варіант")
	review := e.send(c, "Ліків для бабусі", "Перевірте ваші відповіді")
	e.tap(c, review, "✅ Підтвердити", "Дякуємо")
	e.send(c, "/start s_contact", "Ваш номер?")
	if _, err := c.ShareContact("380501234567", c.ID()); err != nil {
		t.Fatal(err)
	}
	e.reply(c, "Коментар?")
	review = e.send(c, "Дякую за зустріч", "Перевірте ваші відповіді")
	e.tap(c, review, "✅ Підтвердити", "Дякуємо")
	e.waitIdle()
	if n := e.queryInt(`SELECT count(*) FROM answers`); n != 5 {
		t.Fatalf("%d answers stored, want 5", n)
	}
	e.stop()
	time.Sleep(2500 * time.Millisecond) // past both retentions
	e.start()                           // the job runs at start
	deadline := time.Now().Add(20 * time.Second)
	for e.queryInt(`SELECT coalesce(sum(deleted), 0) FROM retention_runs`) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the retention job did not delete the expired answers; runs: %d", e.queryInt(`SELECT count(*) FROM retention_runs`))
		}
		time.Sleep(100 * time.Millisecond)
	}
	var left []string
	rows, err := e.db.Query(context.Background(), `SELECT r.survey_id || '.' || a.question_id FROM answers a JOIN responses r ON r.id = a.response_id ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		left = append(left, s)
	}
	rows.Close()
	// The choice stays; the typed answer of the survey with no retention
	// stays; the typed answer with a retention and the phone number go.
	if got := strings.Join(left, " "); got != "contact.note short.agree short.need" {
		t.Errorf("answers left: %s", got)
	}
	if n := e.queryInt(`SELECT count(*) FROM retention_runs WHERE deleted = 1 AND question_id IN ('comment', 'phone', 'need')`); n != 3 {
		t.Errorf("%d runs recorded the deletions, want 3", n)
	}
	// The choice of "Other" stays, its text goes.
	if n := e.queryInt(`SELECT count(*) FROM answers WHERE question_id = 'need' AND value_text = 'Іншого' AND value ->> 'choice' = 'other' AND NOT value ? 'other'`); n != 1 {
		var v string
		_ = e.db.QueryRow(context.Background(), `SELECT value::text || ' | ' || value_text FROM answers WHERE question_id = 'need'`).Scan(&v)
		t.Errorf("the Other answer after retention: %s", v)
	}
	if n := e.queryInt(`SELECT count(*) FROM responses WHERE status = 'completed'`); n != 2 {
		t.Errorf("%d completed responses left, want 2 (only answers expire)", n)
	}
}
