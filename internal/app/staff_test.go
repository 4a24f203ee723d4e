package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/tgemu"
)

// An analyst exports a survey in Telegram and receives the file; anyone else
// who tries gets the answer to an unknown command.
func TestAnalystExportsInTelegram(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.PseudonymKey = "a-test-key-of-at-least-thirty-two-chars"
	e.start()
	citizen := e.emu.NewCitizen("Олена", "uk")
	e.consent(citizen)
	summary := fillEveryType(e, citizen)
	e.tap(citizen, summary, "✅ Підтвердити", "Дякуємо!")

	analyst := e.emu.NewCitizen("Аналітик", "uk")
	e.consent(analyst)
	if err := e.app.Store.Grant(context.Background(), analyst.ID(), "analyst", nil); err != nil {
		t.Fatal(err)
	}
	pick := e.send(analyst, "/export", "Експорт відповідей")
	formats := e.tap(analyst, pick, "Усі типи", "Оберіть формат")
	if _, err := analyst.Tap(formats, "CSV для Excel"); err != nil {
		t.Fatal(err)
	}
	doc, err := analyst.WaitReply(e.ctx(), func(m tgemu.Message) bool { return m.Document != nil })
	if err != nil {
		t.Fatal(err)
	}
	data := doc.Document.Bytes
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Errorf("CSV for Excel without the BOM")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("export has %d rows, want a header and one response", len(rows))
	}
	for _, id := range []int64{citizen.ID(), analyst.ID()} {
		if bytes.Contains(data, []byte(strconv.FormatInt(id, 10))) {
			t.Errorf("the export contains a Telegram id")
		}
	}
	if bytes.Contains(data, []byte(citizen.Phone())) {
		t.Errorf("an analyst's export contains a phone number")
	}

	// Not on the team: the same answer as an unknown command, no file.
	stranger := e.emu.NewCitizen("Сторонній", "uk")
	e.consent(stranger)
	e.send(stranger, "/export", "Не знаю такої команди")
	btn, _ := formats.Button("CSV для Excel")
	last, _ := stranger.LastMessage()
	cb, err := stranger.TapData(last.ID, btn.CallbackData) // the analyst's button data, forged
	if err != nil {
		t.Fatal(err)
	}
	if toast := e.waitAnswered(cb.QueryID); !strings.Contains(toast, "Не знаю такої команди") {
		t.Errorf("forged export tap toast = %q", toast)
	}
	e.waitIdle()
	for _, m := range stranger.Messages() {
		if m.Document != nil {
			t.Fatal("a stranger received an export")
		}
	}
	if !strings.Contains(e.logs.String(), "staff command refused") {
		t.Error("the refused attempt was not logged")
	}
}

// /results: counts as text (small numbers hidden) and the charts as an album.
func TestAnalystSeesResultsInTelegram(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	citizen := e.emu.NewCitizen("Олена", "uk")
	e.consent(citizen)
	summary := fillEveryType(e, citizen)
	e.tap(citizen, summary, "✅ Підтвердити", "Дякуємо!")
	analyst := e.emu.NewCitizen("Аналітик", "uk")
	e.consent(analyst)
	e.send(analyst, "/results every-type", "Не знаю такої команди") // not yet on the team
	if err := e.app.Store.Grant(context.Background(), analyst.ID(), "admin", nil); err != nil {
		t.Fatal(err)
	}
	pick := e.send(analyst, "/results", "Результати: оберіть опитування")
	if _, err := analyst.Tap(pick, "Усі типи"); err != nil {
		t.Fatal(err)
	}
	if _, err := analyst.WaitReply(e.ctx(), func(m tgemu.Message) bool { return m.Photo != nil }); err != nil {
		t.Fatalf("no chart arrived: %v", err)
	}
	e.waitIdle()
	var text strings.Builder
	photos := 0
	for _, m := range analyst.Messages() {
		text.WriteString(m.PlainText())
		if m.Photo != nil {
			photos++
		}
	}
	if photos < 4 {
		t.Errorf("%d charts, want one per choice question (region, displaced, topics, trust, vote …)", photos)
	}
	all := text.String()
	if !strings.Contains(all, "<5") {
		t.Errorf("a single response's counts are not hidden:\n%s", all)
	}
	for _, secret := range []string{"Ремонт доріг", "Все добре, дякую", citizen.Phone()} {
		if strings.Contains(all, secret) {
			t.Errorf("results show %q", secret)
		}
	}
}
