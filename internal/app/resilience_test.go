package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/tgemu"
)

// startEveryType consents and answers the first questions of every-type,
// returning the topics question.
func startEveryType(e *env, c *tgemu.Citizen) tgemu.Message {
	e.t.Helper()
	e.consent(c)
	note := e.send(c, "/start s_every-type", "Кілька запитань")
	region := e.tap(c, note, "Далі ➡", "Де ви живете?")
	displaced := e.tap(c, region, "Харківська область", "Чи ви переїхали")
	return e.tap(c, displaced, "Ні", "Що найважливіше?") // no branch this time
}

// finishEveryType answers from the topics question to the end and confirms.
func finishEveryType(e *env, c *tgemu.Citizen, topics tgemu.Message) {
	e.t.Helper()
	topics = e.tap(c, topics, "Школи", "Що найважливіше?")
	trust := e.tap(c, topics, "Готово ✓", "довіряєте громаді")
	e.tap(c, trust, "2", "Скільки вам років?")
	e.send(c, "61", "витрачаєте")
	skip := e.send(c, "0", "Коли ви переїхали?")
	_ = skip
	comment := e.send(c, "2025-03-01", "Ваш коментар")
	e.tap(c, comment, "Пропустити", "Ваш номер")
	if _, err := c.PressReplyButton("Пропустити"); err != nil {
		e.t.Fatal(err)
	}
	e.reply(c, "Де ви зараз?")
	if _, err := c.PressReplyButton("Пропустити"); err != nil {
		e.t.Fatal(err)
	}
	vote := e.reply(c, "Чи підете ви на вибори?")
	other := e.tap(c, vote, "Інша відповідь", "свій варіант")
	_ = other
	summary := e.send(c, "Ще не вирішив", "Перевірте ваші відповіді")
	e.tap(c, summary, "✅ Підтвердити", "Дякуємо!")
	e.waitIdle()
}

func checkEveryTypeNoBranch(e *env, c *tgemu.Citizen) {
	e.t.Helper()
	got := e.answers(c.ID(), "every-type")
	want := map[string]string{"region": "Харківська область", "displaced": "Ні", "trust": "2", "age": "61", "spend": "0", "moved_on": "01.03.2025"}
	for q, v := range want {
		if got[q] != v {
			e.t.Errorf("answer %s = %q, want %q (all: %v)", q, got[q], v, got)
		}
	}
	if _, ok := got["home"]; ok {
		e.t.Errorf("the hidden branch question has an answer: %v", got)
	}
	if !strings.Contains(got["vote"], "Ще не вирішив") || got["topics"] != "Школи" {
		e.t.Errorf("vote=%q topics=%q", got["vote"], got["topics"])
	}
	for _, q := range []string{"comment", "phone", "where"} {
		if _, ok := got[q]; !ok {
			e.t.Errorf("skipped question %s has no row (a skip is an answer)", q)
		}
	}
	if n := e.queryInt(`select count(*) from responses where status='completed'`); n != 1 {
		e.t.Errorf("completed responses = %d", n)
	}
}

func TestRestartHalfwayLosesNothing(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Ірина", "uk")
	topics := startEveryType(e, c)
	e.waitIdle()
	e.stop()
	e.start() // a new bot process: same Postgres and Redis
	finishEveryType(e, c, topics)
	checkEveryTypeNoBranch(e, c)
}

func TestRedisFlushHalfwayLosesNothing(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Богдан", "uk")
	startEveryType(e, c)
	e.waitIdle()
	if err := e.state.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The citizen writes again: the bot rebuilds the conversation from
	// Postgres and asks the question they were at.
	topics := e.send(c, "привіт", "Що найважливіше?")
	if !strings.Contains(topics.PlainText(), "Тут потрібно обрати варіант кнопкою") {
		t.Errorf("text on a button question should be explained: %q", topics.PlainText())
	}
	finishEveryType(e, c, topics)
	checkEveryTypeNoBranch(e, c)
}

func TestResumeWithSurveyLink(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Марта", "uk")
	startEveryType(e, c)
	e.send(c, "/start", "Відкриті опитування")
	again := e.send(c, "/start s_every-type", "Продовжуємо опитування")
	if !strings.Contains(again.PlainText(), "Що найважливіше?") {
		t.Fatalf("resume did not show the current question: %q", again.PlainText())
	}
}

func TestSameUpdateTwiceIsHandledOnce(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Оксана", "uk")
	topics := startEveryType(e, c)
	cb, err := c.Tap(topics, "Безпека")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitReply(e.ctx(), func(m tgemu.Message) bool { _, ok := m.Button("✅ Безпека"); return ok }); err != nil {
		t.Fatal(err)
	}
	e.waitIdle()
	before := len(c.Messages())
	if err := e.emu.Redeliver(cb.UpdateID); err != nil {
		t.Fatal(err)
	}
	e.waitIdle()
	time.Sleep(100 * time.Millisecond)
	if after := len(c.Messages()); after != before {
		t.Fatalf("a redelivered update made the bot send %d more messages", after-before)
	}
	last, _ := c.LastMessage()
	if _, ok := last.Button("✅ Безпека"); !ok {
		t.Fatalf("the redelivered toggle was applied twice: %v", last.InlineKeyboard)
	}
	// A typed answer redelivered is stored once too.
	trust := e.tap(c, last, "Готово ✓", "довіряєте громаді")
	age := e.tap(c, trust, "5", "Скільки вам років?")
	_ = age
	id, err := c.Send("44")
	if err != nil {
		t.Fatal(err)
	}
	e.reply(c, "витрачаєте")
	e.waitIdle()
	if err := e.emu.Redeliver(id); err != nil {
		t.Fatal(err)
	}
	e.waitIdle()
	if n := e.queryInt(`select count(*) from answers where question_id='age'`); n != 1 {
		t.Fatalf("age rows = %d", n)
	}
	if m, _ := c.LastMessage(); !strings.Contains(m.PlainText(), "витрачаєте") {
		t.Fatalf("the redelivered answer moved the survey on: %q", m.PlainText())
	}
}

func TestDoubleTapRecordsOneAnswer(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Тарас", "uk")
	e.consent(c)
	note := e.send(c, "/start s_every-type", "Кілька запитань")
	region := e.tap(c, note, "Далі ➡", "Де ви живете?")
	first, err := c.Tap(region, "Одеська область")
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Tap(region, "Львівська область") // a second tap before the reply arrives
	if err != nil {
		t.Fatal(err)
	}
	e.reply(c, "Чи ви переїхали")
	e.waitIdle()
	e.waitAnswered(first.QueryID)
	if toast := e.waitAnswered(second.QueryID); toast != "Ця кнопка вже не діє." {
		t.Errorf("second tap toast = %q", toast)
	}
	if got := e.answers(c.ID(), "every-type"); got["region"] != "Одеська область" || len(got) != 1 {
		t.Fatalf("answers after a double tap: %v", got)
	}
	questions := 0
	for _, m := range c.Messages() {
		if strings.Contains(m.PlainText(), "Чи ви переїхали") {
			questions++
		}
	}
	if questions != 1 {
		t.Fatalf("the next question was sent %d times", questions)
	}
}

func TestBadInputGetsAClearReplyAndTheSameQuestion(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Назар", "uk")
	e.consent(c)
	note := e.send(c, "/start s_every-type", "Кілька запитань")
	region := e.tap(c, note, "Далі ➡", "Де ви живете?")

	for _, tc := range []struct {
		name string
		do   func() (int, error)
		want string
	}{
		{"sticker", c.SendSticker, "Стікери, фото та голосові"},
		{"photo", c.SendPhoto, "Стікери, фото та голосові"},
		{"voice", c.SendVoice, "Стікери, фото та голосові"},
		{"text where a button is expected", func() (int, error) { return c.Send("Київ") }, "обрати варіант кнопкою"},
		{"a location where a button is expected", func() (int, error) { return c.ShareLocation(50, 30) }, "обрати варіант кнопкою"},
	} {
		if _, err := tc.do(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		m := e.reply(c, tc.want)
		if !strings.Contains(m.PlainText(), "Де ви живете?") {
			t.Errorf("%s: the question was not asked again: %q", tc.name, m.PlainText())
		}
	}

	{ // garbled callback data
		cb, err := c.TapData(region.ID, "zz:garbage")
		if err != nil {
			t.Fatal(err)
		}
		m := e.reply(c, "Де ви живете?")
		_ = m
		if toast := e.waitAnswered(cb.QueryID); toast != "Не вдалося розпізнати цю кнопку." {
			t.Errorf("toast = %q", toast)
		}
	}
	{ // forged callback data for another response
		cb, err := c.TapData(region.ID, "c:zzzz:1:0")
		if err != nil {
			t.Fatal(err)
		}
		if toast := e.waitAnswered(cb.QueryID); toast != "Ця кнопка вже не діє." {
			t.Errorf("toast = %q", toast)
		}
	}
	{ // an option index past the end
		btn, _ := region.Button("Київська область")
		parts := strings.Split(btn.CallbackData, ":")
		parts[3] = "999"
		cb, err := c.TapData(region.ID, strings.Join(parts, ":"))
		if err != nil {
			t.Fatal(err)
		}
		if toast := e.waitAnswered(cb.QueryID); toast != "Ця кнопка вже не діє." {
			t.Errorf("toast = %q", toast)
		}
	}

	displaced := e.tap(c, region, "Київська область", "Чи ви переїхали")
	_ = displaced
	{ // a button of an earlier question
		if toast := e.toast(c, region, "Львівська область"); toast != "Ця кнопка вже не діє." {
			t.Errorf("toast = %q", toast)
		}
	}
	{ // a button of an old survey
		menu := e.send(c, "/surveys", "Відкриті опитування")
		first := e.tap(c, menu, "Довгі ідентифікатори", "Оберіть")
		_ = first
		if toast := e.toast(c, displaced, "Так"); toast != "Ця кнопка вже не діє." {
			t.Errorf("toast = %q", toast)
		}
	}
	e.waitIdle()
	if got := e.answers(c.ID(), "every-type"); len(got) != 1 || got["region"] != "Київська область" {
		t.Fatalf("bad input changed the stored answers: %v", got)
	}
	if left := e.emu.UnansweredCallbacks(); len(left) != 0 {
		t.Errorf("callback queries never answered: %v", left)
	}
}

func TestBackCancelAndChangeAnAnswer(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Софія", "uk")
	topics := startEveryType(e, c)
	displaced := e.tap(c, topics, "⬅ Назад", "Чи ви переїхали")
	home := e.tap(c, displaced, "Так", "Де ви жили раніше?") // the branch opens
	topics = e.tap(c, home, "Луганська область", "Що найважливіше?")
	cancel := e.tap(c, topics, "✖ Скасувати", "Скасувати опитування?")
	topics = e.tap(c, cancel, "Ні, продовжити", "Що найважливіше?")
	finishEveryType(e, c, topics)
	if got := e.answers(c.ID(), "every-type"); got["home"] != "Луганська область" || got["displaced"] != "Так" {
		t.Fatalf("answers after Back: %v", got)
	}

	// Change an answer from the summary: the branch closes and its answer goes.
	c2 := e.emu.NewCitizen("Андрій", "uk")
	e.consent(c2)
	summary := fillEveryType(e, c2)
	pick := e.tap(c2, summary, "✏ Змінити відповідь", "Яку відповідь змінити?")
	displaced = e.tap(c2, pick, "2. Чи ви переїхали через війну?", "Чи ви переїхали")
	summary = e.tap(c2, displaced, "Ні", "Перевірте ваші відповіді")
	if strings.Contains(summary.PlainText(), "Де ви жили раніше?") {
		t.Errorf("the hidden branch is still in the summary")
	}
	e.tap(c2, summary, "✅ Підтвердити", "Дякуємо!")
	e.waitIdle()
	got := e.answers(c2.ID(), "every-type")
	if _, ok := got["home"]; ok || got["displaced"] != "Ні" {
		t.Fatalf("answers after a change: %v", got)
	}

	// Cancel for real: the draft and its answers are deleted.
	c3 := e.emu.NewCitizen("Ліна", "uk")
	topics = startEveryType(e, c3)
	cancel = e.tap(c3, topics, "✖ Скасувати", "Скасувати опитування?")
	e.tap(c3, cancel, "Так, видалити відповіді", "Відкриті опитування")
	e.waitIdle()
	if got := e.answers(c3.ID(), "every-type"); len(got) != 0 {
		t.Fatalf("cancelled answers kept: %v", got)
	}
}

func TestCallbackDataFitsWhateverTheIds(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Ю", "uk")
	e.consent(c)
	q := e.send(c, "/start s_a-survey-whose-id-is-as-long-as-the-format-allows-0123456789ab", "Оберіть")
	for _, row := range q.InlineKeyboard {
		for _, b := range row {
			if len(b.CallbackData) > 64 {
				t.Errorf("callback_data of %d bytes: %q", len(b.CallbackData), b.CallbackData)
			}
		}
	}
	q = e.tap(c, q, "Перший", "Оберіть")
	q2 := e.tap(c, q, "Готово ✓", "Ще раз")
	other := e.tap(c, q2, "Інше", "свій варіант")
	_ = other
	summary := e.send(c, "щось своє", "Перевірте ваші відповіді")
	e.tap(c, summary, "✅ Підтвердити", "Дякуємо!")
	e.waitIdle()
	// Anonymous: no table links the response to the citizen any more.
	if n := e.queryInt(`select count(*) from responses where citizen_id is not null`); n != 0 {
		t.Errorf("anonymous response linked to a citizen")
	}
	if n := e.queryInt(`select count(*) from answers`); n != 2 {
		t.Errorf("answers = %d", n)
	}
}

// A Redis restored from an old snapshot holds a conversation older than
// Postgres: the bot must not say "saved" for an answer it did not store, and
// goes on from what Postgres holds.
func TestRedisBehindPostgresNeverShowsAnUnsavedAnswer(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Олег", "uk")
	topics := startEveryType(e, c)
	topics = e.tap(c, topics, "Школи", "Що найважливіше?")
	trust := e.tap(c, topics, "Готово ✓", "довіряєте громаді")
	e.tap(c, trust, "2", "Скільки вам років?")
	e.waitIdle()
	ctx := context.Background()
	key := e.cfg.RedisPrefix + "{" + strconv.FormatInt(c.ID(), 10) + "}:chat"
	snapshot, err := e.state.Client().Get(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	e.send(c, "61", "витрачаєте")
	e.send(c, "0", "Коли ви переїхали?")
	e.waitIdle()
	if err := e.state.Client().Set(ctx, key, snapshot, 0).Err(); err != nil {
		t.Fatal(err)
	}
	// Redis believes the age question is current; Postgres is two steps on.
	m := e.send(c, "45", "Коли ви переїхали?")
	if strings.Contains(m.PlainText(), "45") {
		t.Errorf("the bot echoed an answer it did not store: %q", m.PlainText())
	}
	e.waitIdle()
	if got := e.answers(c.ID(), "every-type"); got["age"] != "61" || got["spend"] != "0" {
		t.Fatalf("stored answers changed by a stale session: age=%q spend=%q", got["age"], got["spend"])
	}
	// And the conversation goes on normally from there.
	summary := e.send(c, "01.03.2025", "Ваш коментар")
	_ = summary
}

// When Postgres fails, the citizen is told their answer was not saved, and
// nothing moves on: answering again once Postgres is back stores it.
func TestPostgresDownTellsTheCitizenTheAnswerWasNotSaved(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Ганна", "uk")
	toAge(e, c)
	e.waitIdle()
	e.app.Store.Close() // this bot process loses Postgres
	e.send(c, "61", "НЕ збережено")
	e.waitIdle()
	if got := e.answers(c.ID(), "every-type"); got["age"] != "" {
		t.Fatalf("age stored while Postgres was down: %v", got)
	}
	e.stop()
	e.start() // Postgres is back
	e.send(c, "61", "витрачаєте")
	e.waitIdle()
	if got := e.answers(c.ID(), "every-type"); got["age"] != "61" {
		t.Fatalf("age after Postgres came back = %q", got["age"])
	}
}
