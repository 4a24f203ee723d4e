package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/tgemu"
)

// fillEveryType answers the every-type survey from its first question to the
// summary, checking each widget on the way, and returns the summary message.
func fillEveryType(e *env, c *tgemu.Citizen) tgemu.Message {
	e.t.Helper()
	note := e.send(c, "/start s_every-type", "Кілька запитань")
	if !strings.Contains(note.PlainText(), "Усі типи") || !strings.Contains(note.PlainText(), "Тестове опитування.") {
		e.t.Errorf("first message lacks title and intro: %q", note.PlainText())
	}
	region := e.tap(c, note, "Далі ➡", "Де ви живете?")
	if !strings.Contains(region.PlainText(), "1/") {
		e.t.Errorf("no progress on the first question: %q", region.PlainText())
	}
	displaced := e.tap(c, region, "Київська область", "Чи ви переїхали")
	home := e.tap(c, displaced, "Так", "Де ви жили раніше?") // the show_if branch
	topics := e.tap(c, home, "Донецька область", "Що найважливіше?")

	// multi: toggles edit the keyboard in place, at most two.
	topics = e.tap(c, topics, "Безпека", "Що найважливіше?")
	if _, ok := topics.Button("✅ Безпека"); !ok || topics.EditCount == 0 {
		e.t.Fatalf("toggle did not mark the option in place: edits=%d buttons=%v", topics.EditCount, topics.InlineKeyboard)
	}
	topics = e.tap(c, topics, "Інше", "Що найважливіше?")
	if toast := e.toast(c, topics, "Робота"); !strings.Contains(toast, "не більше 2") {
		e.t.Errorf("third choice toast = %q", toast)
	}
	other := e.tap(c, topics, "Готово ✓", "свій варіант")
	trust := e.send(c, "Ремонт доріг", "довіряєте громаді")
	if !strings.Contains(trust.PlainText(), "1 — Зовсім ні") {
		e.t.Errorf("scale without end labels: %q", trust.PlainText())
	}
	_ = other
	age := e.tap(c, trust, "4", "Скільки вам років?")
	_ = age
	e.send(c, "тридцять", "не схоже на число")
	e.send(c, "200", "завелике")
	e.send(c, "35.5", "ціле число")
	e.send(c, "35", "витрачаєте на проїзд")
	e.send(c, "1 234,5", "Коли ви переїхали?")
	e.send(c, "31.02.2026", "Не вдалося розпізнати дату")
	comment := e.send(c, "24.08.2026", "Ваш коментар")
	if _, ok := comment.Button("Пропустити"); !ok {
		e.t.Errorf("optional question without Skip: %v", comment.InlineKeyboard)
	}
	e.send(c, "ок", "Занадто коротко")
	e.send(c, strings.Repeat("дуже ", 20), "Занадто довго")
	phone := e.send(c, "Все добре, дякую", "Ваш номер")
	if phone.ReplyKeyboard == nil || !phone.ReplyKeyboard.Rows[0][0].RequestContact {
		e.t.Fatalf("phone question without a request_contact button: %+v", phone.ReplyKeyboard)
	}
	if _, err := c.ShareContact("380501234567", c.ID()+1); err != nil { // someone else's contact
		e.t.Fatal(err)
	}
	e.reply(c, "лише власним номером")
	if _, err := c.PressReplyButton("📱 Поділитися моїм номером"); err != nil {
		e.t.Fatal(err)
	}
	where := e.reply(c, "Де ви зараз?")
	if where.ReplyKeyboard == nil || !where.ReplyKeyboard.Rows[0][0].RequestLocation {
		e.t.Fatalf("location question without a request_location button: %+v", where.ReplyKeyboard)
	}
	if _, err := c.PressReplyButton("📍 Надіслати місцезнаходження"); err != nil {
		e.t.Fatal(err)
	}
	vote := e.reply(c, "Чи підете ви на вибори?")
	if c.Keyboard() != nil {
		e.t.Errorf("the reply keyboard was not taken away after the location: %+v", c.Keyboard())
	}
	return e.tap(c, vote, "Так", "Перевірте ваші відповіді")
}

func TestFullSurveyWithEveryQuestionTypeAndABranch(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Олена", "uk")
	e.consent(c)
	summary := fillEveryType(e, c)
	for _, want := range []string{"Київська область", "Донецька область", "Безпека", "Ремонт доріг", "35", "1234,5", "24.08.2026", "Все добре, дякую"} {
		if !strings.Contains(summary.PlainText(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.PlainText())
		}
	}
	e.tap(c, summary, "✅ Підтвердити", "Дякуємо!")
	e.waitIdle()

	got := e.answers(c.ID(), "every-type")
	if len(got) != 12 {
		t.Errorf("stored %d answers, want 12 (every question but the note): %v", len(got), got)
	}
	for q, want := range map[string]string{"region": "Київська область", "home": "Донецька область", "trust": "4", "age": "35", "moved_on": "24.08.2026", "comment": "Все добре, дякую", "vote": "Так"} {
		if got[q] != want {
			t.Errorf("answer %s = %q, want %q", q, got[q], want)
		}
	}
	if !strings.Contains(got["topics"], "Безпека") || !strings.Contains(got["topics"], "Ремонт доріг") {
		t.Errorf("topics = %q", got["topics"])
	}
	var number float64
	var choices []string
	var phone string
	var lat float64
	if err := e.db.QueryRow(context.Background(), `
		select (select (value->>'number')::float8 from answers where question_id='spend'),
		       (select array(select jsonb_array_elements_text(value->'choices')) from answers where question_id='topics'),
		       (select value->>'phone' from answers where question_id='phone'),
		       (select (value->>'lat')::float8 from answers where question_id='where')`).Scan(&number, &choices, &phone, &lat); err != nil {
		t.Fatal(err)
	}
	if number != 1234.5 || strings.Join(choices, ",") != "safety,other" || !strings.HasSuffix(phone, c.Phone()) || lat == 0 {
		t.Errorf("typed values: spend=%v topics=%v phone=%q lat=%v", number, choices, phone, lat)
	}
	if n := e.queryInt(`select count(*) from responses where status='completed' and completed_at is not null and survey_version=1`); n != 1 {
		t.Errorf("completed responses = %d", n)
	}
	if n := e.queryInt(`select count(*) from response_drafts`); n != 0 {
		t.Errorf("draft links left: %d", n)
	}
	if left := e.emu.UnansweredCallbacks(); len(left) != 0 {
		t.Errorf("callback queries never answered: %v", left)
	}
	// The same survey again: answered once is enough.
	e.send(c, "/start s_every-type", "Ви вже пройшли це опитування")

	// Logs carry no message text, phone number or name.
	logs := e.logs.String()
	for _, secret := range []string{"Ремонт доріг", "Все добре", c.Phone(), "Олена", "тридцять", e.emu.Token()} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestDeclineStoresNothing(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Petro", "uk")
	notice := e.send(c, "/start s_every-type", "Погоджуєтеся?")
	e.tap(c, notice, "Ні, дякую", "Ми нічого про вас не зберегли")
	e.waitIdle()
	if n := e.queryInt(`select (select count(*) from citizens) + (select count(*) from consents) + (select count(*) from responses)`); n != 0 {
		t.Fatalf("declining stored %d rows", n)
	}
	// Changing one's mind later works, and the deep link is not forgotten
	// when it comes again.
	notice = e.send(c, "/start s_every-type", "Погоджуєтеся?")
	e.tap(c, notice, "✅ Погоджуюся", "Кілька запитань")
	if n := e.queryInt(`select count(*) from consents where accepted and notice_version = $1`, locale.DefaultNotice().Version); n != 1 {
		t.Fatalf("consents recorded = %d", n)
	}
}

func TestLanguageFromTelegramAndSwitching(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("John", "en-GB")
	notice := e.send(c, "/start", "Do you agree?")
	notice = e.tap(c, notice, "Українська", "Погоджуєтеся?") // the notice is redrawn in place
	if notice.EditCount == 0 {
		t.Errorf("language change should edit the notice in place")
	}
	menu := e.tap(c, notice, "✅ Погоджуюся", "Відкриті опитування")
	_ = menu
	langs := e.send(c, "/language", "Оберіть мову")
	e.tap(c, langs, "English", "Language changed")
	first := e.send(c, "/start s_every-type", "A few questions")
	if !strings.Contains(first.PlainText(), "Every type") {
		t.Errorf("survey not shown in English: %q", first.PlainText())
	}
	e.waitIdle()
	if n := e.queryInt(`select count(*) from citizens where language='en'`); n != 1 {
		t.Errorf("language not stored")
	}
	e.send(c, "/help", "What I can do")
	e.send(c, "/frobnicate", "I do not know that command")
}

func TestBlockingTheBotMarksTheCitizenUnreachable(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Віра", "uk")
	e.consent(c)
	reachable := func() int {
		return e.queryInt(`select count(*) from citizens where telegram_id = $1 and reachable`, c.ID())
	}
	if _, err := c.BlockBot(); err != nil {
		t.Fatal(err)
	}
	e.waitIdle()
	if reachable() != 0 {
		t.Fatal("a citizen who blocked the bot is still marked reachable")
	}
	if _, err := c.UnblockBot(); err != nil {
		t.Fatal(err)
	}
	e.waitIdle()
	if reachable() != 1 {
		t.Fatal("a citizen who unblocked the bot is still marked unreachable")
	}
}

func TestMenuMarksSurveysBegunAndCompleted(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Мирослава", "uk")
	e.consent(c)
	e.send(c, "/start s_every-type", "Кілька запитань") // begun
	first := e.send(c, "/start s_a-survey-whose-id-is-as-long-as-the-format-allows-0123456789ab", "Оберіть")
	q := e.tap(c, first, "Перший", "Оберіть")
	q2 := e.tap(c, q, "Готово ✓", "Ще раз")
	summary := e.tap(c, q2, "Перший", "Перевірте ваші відповіді")
	e.tap(c, summary, "✅ Підтвердити", "Дякуємо!") // completed
	menu := e.send(c, "/surveys", "Відкриті опитування")
	for _, want := range []string{"▶ Усі типи", "✓ Довгі ідентифікатори"} {
		if _, ok := menu.Button(want); !ok {
			t.Errorf("menu lacks %q: %v", want, menu.InlineKeyboard)
		}
	}
}
