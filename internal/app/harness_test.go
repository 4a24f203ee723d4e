package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/state"
	"github.com/hromada/hromada/internal/state/statetest"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/tgemu"
)

// env is one end-to-end test world: the emulator, a database and a Redis
// prefix of the test's own, and the real bot running against them.
type env struct {
	t     testing.TB
	emu   *tgemu.Server
	cfg   config.Config
	state *state.State // the test's own view of the bot's Redis keys
	db    *pgxpool.Pool
	logs  *syncBuffer
	// tune, when set, adjusts each App before it runs.
	tune func(*app.App)

	app    *app.App
	cancel context.CancelFunc
	done   chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t testing.TB, opts tgemu.Options) *env {
	t.Helper()
	emu := tgemu.New(opts)
	base, err := emu.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	st := statetest.New(t, state.Options{})
	cfg := config.Default()
	cfg.BotToken, cfg.APIURL = emu.Token(), base
	cfg.DatabaseURL = storetest.URL(t)
	cfg.RedisURL = statetest.RedisURL()
	cfg.RedisPrefix = st.Prefix()
	cfg.SurveysDir = "testdata/surveys"
	cfg.EventsDir = ""
	cfg.AdminListen = "127.0.0.1:0"
	cfg.PollTimeout = time.Second
	cfg.Workers = 8
	cfg.LogLevel = "debug"
	db, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e := &env{t: t, emu: emu, cfg: cfg, state: st, db: db, logs: &syncBuffer{}}
	t.Cleanup(e.stop)
	return e
}

// start runs a bot process (a fresh App) until stop.
func (e *env) start() {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), e.cfg, log)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		a.Close()
		e.t.Fatal(err)
	}
	if e.tune != nil {
		e.tune(a)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.app, e.cancel, e.done = a, cancel, make(chan struct{})
	go func() {
		defer close(e.done)
		if err := a.Run(ctx); err != nil {
			e.t.Errorf("bot stopped: %v", err)
		}
	}()
}

// stop ends the bot process gracefully (in-flight updates finish).
func (e *env) stop() {
	if e.app == nil {
		return
	}
	e.cancel()
	<-e.done
	e.app.Close()
	e.app = nil
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

// reply waits for the bot's next message to c that contains want.
func (e *env) reply(c *tgemu.Citizen, want string) tgemu.Message {
	e.t.Helper()
	m, err := c.WaitReply(e.ctx(), func(m tgemu.Message) bool { return strings.Contains(m.PlainText(), want) })
	if err != nil {
		var seen []string
		for _, m := range c.Messages() {
			seen = append(seen, m.PlainText())
		}
		e.t.Fatalf("no reply containing %q: %v\nchat so far:\n%s", want, err, strings.Join(seen, "\n---\n"))
	}
	return m
}

// send sends text and waits for a reply containing want.
func (e *env) send(c *tgemu.Citizen, text, want string) tgemu.Message {
	e.t.Helper()
	if _, err := c.Send(text); err != nil {
		e.t.Fatal(err)
	}
	return e.reply(c, want)
}

// tap taps a button of msg and waits for a reply containing want.
func (e *env) tap(c *tgemu.Citizen, msg tgemu.Message, button, want string) tgemu.Message {
	e.t.Helper()
	cb, err := c.Tap(msg, button)
	if err != nil {
		e.t.Fatalf("tap %q: %v (buttons: %v)", button, err, msg.InlineKeyboard)
	}
	m := e.reply(c, want)
	e.waitAnswered(cb.QueryID)
	return m
}

// toast taps a button and returns the callback answer (the bot sends no message).
func (e *env) toast(c *tgemu.Citizen, msg tgemu.Message, button string) string {
	e.t.Helper()
	cb, err := c.Tap(msg, button)
	if err != nil {
		e.t.Fatalf("tap %q: %v", button, err)
	}
	return e.waitAnswered(cb.QueryID)
}

func (e *env) waitAnswered(queryID string) string {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if text, _, ok := e.emu.CallbackAnswer(queryID); ok {
			return text
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.t.Fatalf("callback query %s was never answered", queryID)
	return ""
}

// consent walks a new citizen through /start and the privacy notice to the
// list of surveys.
func (e *env) consent(c *tgemu.Citizen) tgemu.Message {
	e.t.Helper()
	notice := e.send(c, "/start", "Погоджуєтеся?")
	return e.tap(c, notice, "✅ Погоджуюся", "Відкриті опитування")
}

// waitIdle waits until every update was confirmed by the bot.
func (e *env) waitIdle() {
	e.t.Helper()
	if err := e.emu.WaitConfirmed(e.ctx()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) queryInt(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// answers returns question id → value_text of a citizen's response to a survey.
func (e *env) answers(telegramID int64, surveyID string) map[string]string {
	e.t.Helper()
	rows, err := e.db.Query(context.Background(), `
		select a.question_id, a.value_text from answers a
		join responses r on r.id = a.response_id
		left join response_drafts d on d.response_id = r.id
		join citizens c on c.id = coalesce(r.citizen_id, d.citizen_id)
		where c.telegram_id = $1 and r.survey_id = $2`, telegramID, surveyID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var q, v string
		if err := rows.Scan(&q, &v); err != nil {
			e.t.Fatal(err)
		}
		got[q] = v
	}
	return got
}

// startErr tries to build a bot process from e.cfg and returns why it could not.
func startErr(e *env) error {
	a, err := app.New(context.Background(), e.cfg, slog.New(slog.NewTextHandler(e.logs, nil)))
	if err == nil {
		a.Close()
	}
	return err
}
