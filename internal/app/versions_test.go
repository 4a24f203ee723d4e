package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/tgemu"
)

const pollV1 = `id: poll
languages: [uk, en]
title: {uk: "Опитування", en: "Poll"}
responses: many
questions:
  - id: q1
    type: yesno
    text: {uk: "Перше питання?", en: "First question?"}
  - id: q2
    type: yesno
    text: {uk: "Друге питання?", en: "Second question?"}
`

// In v2 the second question is reworded and a third one is added.
const pollV2 = `id: poll
languages: [uk, en]
title: {uk: "Опитування", en: "Poll"}
responses: many
questions:
  - id: q1
    type: yesno
    text: {uk: "Перше питання?", en: "First question?"}
  - id: q2
    type: yesno
    text: {uk: "Друге, нове питання?", en: "Second, new question?"}
  - id: q3
    type: yesno
    text: {uk: "Третє питання?", en: "Third question?"}
`

const closedSurvey = `id: closed
languages: [uk]
title: {uk: "Минуле опитування"}
closes: 2020-01-01 00:00
questions:
  - id: q1
    type: yesno
    text: {uk: "Питання?"}
`

func writeSurveys(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A changed definition gets a new version; a response begun under the old
// one finishes under it, new responses use the new one.
func TestChangedSurveyGetsANewVersionAndOldResponsesKeepTheirs(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.SurveysDir = t.TempDir()
	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"poll.yaml": pollV1, "closed.yaml": closedSurvey})
	e.start()
	early := e.emu.NewCitizen("Рання", "uk")
	e.consent(early)
	q1 := e.send(early, "/start s_poll", "Перше питання?")
	e.tap(early, q1, "Так", "Друге питання?")
	e.waitIdle()
	e.stop()

	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"poll.yaml": pollV2})
	e.start()
	// The early citizen goes on with the questions they began with.
	q2 := e.send(early, "/start s_poll", "Друге питання?")
	summary := e.tap(early, q2, "Ні", "Перевірте ваші відповіді")
	if strings.Contains(summary.PlainText(), "Третє") {
		t.Errorf("v1 response shows a v2 question: %q", summary.PlainText())
	}
	e.tap(early, summary, "✅ Підтвердити", "Дякуємо!")

	late := e.emu.NewCitizen("Пізня", "uk")
	e.consent(late)
	q1 = e.send(late, "/start s_poll", "Перше питання?")
	q2 = e.tap(late, q1, "Так", "Друге, нове питання?")
	q3 := e.tap(late, q2, "Так", "Третє питання?")
	summary = e.tap(late, q3, "Так", "Перевірте ваші відповіді")
	e.tap(late, summary, "✅ Підтвердити", "Дякуємо!")

	// responses: many — the same citizen may answer again.
	again := e.send(late, "/start s_poll", "Перше питання?")
	_ = again
	e.waitIdle()
	if n := e.queryInt(`select count(*) from survey_versions where survey_id='poll'`); n != 2 {
		t.Errorf("versions = %d, want 2", n)
	}
	if n := e.queryInt(`select count(*) from responses r join citizens c on c.id=r.citizen_id where c.telegram_id=$1 and r.survey_version=1 and r.status='completed'`, early.ID()); n != 1 {
		t.Errorf("early citizen's completed v1 responses = %d", n)
	}
	if n := e.queryInt(`select count(*) from responses r join citizens c on c.id=r.citizen_id where c.telegram_id=$1 and r.survey_version=2`, late.ID()); n != 2 {
		t.Errorf("late citizen's v2 responses = %d, want 2 (one completed, one begun)", n)
	}

	// A closed survey is not listed and its link says so.
	menu := e.send(late, "/surveys", "Відкриті опитування")
	if _, ok := menu.Button("Минуле опитування"); ok {
		t.Errorf("closed survey listed")
	}
	e.send(late, "/start s_closed", "Це опитування зараз закрите")
	e.send(late, "/start s_no-such-survey", "Такого опитування не знайдено")
}

// A survey file with a mistake keeps the bot from starting, with file:line.
func TestInvalidSurveyStopsTheStart(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.SurveysDir = t.TempDir()
	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"bad.yaml": strings.Replace(pollV1, "type: yesno", "type: yesnoo", 1)})
	err := startErr(e)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:7") || !strings.Contains(err.Error(), "yesnoo") {
		t.Fatalf("start error = %v, want one naming bad.yaml:7 and the unknown type", err)
	}
}

// An update that fails for a reason of its own (here: the stored definition of
// the citizen's draft is broken) must not hold up the other chats for ever:
// long polling gives up on it after a few tries while Postgres and Redis are
// healthy, and says so in the log.
func TestAPoisonedUpdateDoesNotStopTheOthers(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.SurveysDir = t.TempDir()
	e.cfg.Workers = 1 // one lane: the other chat's update may wait behind the poisoned one
	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"poll.yaml": pollV1})
	e.start()
	stuck := e.emu.NewCitizen("Застряглий", "uk")
	e.consent(stuck)
	e.send(stuck, "/start s_poll", "Перше питання?")
	e.waitIdle()
	e.stop()
	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"poll.yaml": pollV2})
	e.start()
	if _, err := e.db.Exec(context.Background(), `update survey_versions set definition = '{"id": "poll", "questions": "broken"}' where survey_id = 'poll' and version = 1`); err != nil {
		t.Fatal(err)
	}
	if err := e.state.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := stuck.Send("привіт"); err != nil { // cannot be handled: its draft's definition is broken
		t.Fatal(err)
	}
	other := e.emu.NewCitizen("Інша", "uk")
	e.send(other, "/start", "Погоджуєтеся?")
	e.waitIdle() // returns once the poisoned update was given up and confirmed
	if !strings.Contains(e.logs.String(), "update dropped after repeated failures") {
		t.Fatalf("the dropped update was not logged")
	}
}

// A long intro and a long first question do not fit one Telegram message:
// the citizen still gets both, and a survey in a three-letter language works.
func TestLongIntroAndAThreeLetterLanguage(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.SurveysDir = t.TempDir()
	long := strings.Repeat("Дуже довгий вступ. ", 150)      // ~2,850 characters
	question := strings.Repeat("Дуже довге питання. ", 140) // ~2,800 characters
	writeSurveys(t, e.cfg.SurveysDir, map[string]string{"long.yaml": `id: long
languages: [crh, en]
title: {crh: "Uzun", en: "Long"}
intro: {crh: "` + long + `", en: "Intro"}
questions:
  - id: q1
    type: yesno
    text: {crh: "` + question + `Так?", en: "Yes?"}
`})
	e.start()
	c := e.emu.NewCitizen("Довга", "uk") // uk is not among the survey's: it is shown in its first, crh
	e.consent(c)
	q := e.send(c, "/start s_long", "Так?")
	e.tap(c, q, "Так", "Перевірте ваші відповіді")
	e.waitIdle()
	if n := e.emu.Stats().Errors[400]; n != 0 {
		t.Fatalf("Telegram refused %d requests", n)
	}
	if n := e.queryInt(`select count(*) from responses where language = 'crh'`); n != 1 {
		t.Fatalf("responses = %d", n)
	}
}
