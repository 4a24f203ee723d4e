package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/state"
	"github.com/hromada/hromada/internal/tgemu"
)

// webhookSecret is the secret_token the bot registers; Telegram sends it back
// with every delivery.
const webhookSecret = "hromada-test_webhook-Secret1"

// craftedUpdateID numbers the updates the tests post themselves, far from the
// emulator's own update_ids.
const craftedUpdateID = 1_000_000

func TestWebhookCarriesAConversation(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	hook := useWebhook(e)
	e.start()
	c := e.emu.NewCitizen("Ганна", "uk")
	topics := startEveryType(e, c) // consent, the note, region, displaced
	topics = e.tap(c, topics, "Робота", "Що найважливіше?")
	trust := e.tap(c, topics, "Готово ✓", "довіряєте громаді")
	e.tap(c, trust, "3", "Скільки вам років?")
	e.waitIdle()

	got := e.answers(c.ID(), "every-type")
	want := map[string]string{"region": "Харківська область", "displaced": "Ні", "topics": "Робота", "trust": "3"}
	for q, v := range want {
		if got[q] != v {
			t.Errorf("answer %s = %q, want %q", q, got[q], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("stored %d answers, want %d: %v", len(got), len(want), got)
	}
	// Every update came by webhook, registered with the secret.
	calls := e.emu.Stats().Calls
	if calls["setWebhook"] != 1 || calls["getUpdates"] != 0 || calls["deleteWebhook"] != 0 {
		t.Errorf("calls: setWebhook=%d getUpdates=%d deleteWebhook=%d, want 1, 0, 0",
			calls["setWebhook"], calls["getUpdates"], calls["deleteWebhook"])
	}
	info := webhookInfo(e)
	if info.URL != hook || info.PendingUpdateCount != 0 || info.LastErrorMessage != "" {
		t.Errorf("webhook info = %+v, want url %s, nothing pending, no error", info, hook)
	}
	if !slices.Contains(info.AllowedUpdates, "callback_query") || !slices.Contains(info.AllowedUpdates, "message") {
		t.Errorf("allowed_updates = %v", info.AllowedUpdates)
	}
}

func TestWebhookRefusesRequestsWithoutTheSecret(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	hook := useWebhook(e)
	e.start()
	c := e.emu.NewCitizen("Віра", "uk")
	toAge(e, c)
	e.waitIdle()
	seen := len(c.Messages())
	received := sample(t, scrape(t, e.app), "hromada_updates_received_total")

	// A real answer of the citizen, and a consent from someone who never
	// wrote: either would leave rows in Postgres if it were handled.
	answer := textUpdate(craftedUpdateID+1, c.ID(), c.FirstName(), "47")
	const strangerID = 7_777_000_001
	consent := tapUpdate(craftedUpdateID+2, strangerID, "Stranger", 1, "a:1")
	for _, tc := range []struct {
		name   string
		secret string
	}{
		{"no secret", ""},
		{"a wrong secret", "not-the-secret"},
		{"the secret in capitals", strings.ToUpper(webhookSecret)},
		{"a prefix of the secret", webhookSecret[:8]},
		{"the secret and more", webhookSecret + "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, body := range [][]byte{answer, consent} {
				if code := postUpdate(t, hook, tc.secret, body); code != http.StatusUnauthorized {
					t.Errorf("status %d, want 401", code)
				}
			}
		})
	}
	if n := e.queryInt(`select count(*) from answers where question_id = 'age'`); n != 0 {
		t.Errorf("an unauthorised answer was stored (%d rows)", n)
	}
	if n := e.queryInt(`select count(*) from citizens where telegram_id = $1`, int64(strangerID)); n != 0 {
		t.Errorf("an unauthorised consent made a citizen")
	}
	if n := len(c.Messages()); n != seen {
		t.Errorf("the bot sent %d messages in answer to unauthorised requests", n-seen)
	}
	if e.handled(c.ID(), craftedUpdateID+1) || e.handled(strangerID, craftedUpdateID+2) {
		t.Errorf("an unauthorised update was marked handled")
	}
	if after := sample(t, scrape(t, e.app), "hromada_updates_received_total"); after != received {
		t.Errorf("unauthorised requests reached the bot: updates received %v → %v", received, after)
	}

	// The same answer with the secret is handled (the webhook answers once
	// it is): the refusals were about the secret alone.
	if code := postUpdate(t, hook, webhookSecret, answer); code != http.StatusOK {
		t.Fatalf("with the secret: status %d, want 200", code)
	}
	if got := e.answers(c.ID(), "every-type")["age"]; got != "47" {
		t.Errorf("age = %q after the authorised request, want 47", got)
	}
	if m, _ := c.LastMessage(); !strings.Contains(m.PlainText(), "витрачаєте") {
		t.Errorf("last message %q, want the next question", m.PlainText())
	}
}

func TestWebhookRefusesABodyThatIsNotAnUpdate(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	hook := useWebhook(e)
	e.start()
	c := e.emu.NewCitizen("Лев", "uk")
	e.consent(c)
	e.waitIdle()
	seen := len(c.Messages())

	huge := `{"update_id": 5, "message": {"text": "` + strings.Repeat("я", 1<<20) + `"}}` // over the 1 MiB the bot reads
	for _, tc := range []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"not JSON", "update_id=5"},
		{"a JSON array", `[{"update_id": 5}]`},
		{"a JSON string", `"/start"`},
		{"update_id of the wrong type", `{"update_id": "five"}`},
		{"a message of the wrong type", `{"update_id": 5, "message": "/start"}`},
		{"cut short", `{"update_id": 5, "message": {"text": "/st`},
		{"over a mebibyte", huge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := postUpdate(t, hook, webhookSecret, []byte(tc.body)); code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", code)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(hook)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	})
	if n := len(c.Messages()); n != seen {
		t.Errorf("the bot answered garbage with %d messages", n-seen)
	}
	// The bot is none the worse for it.
	e.send(c, "/help", "Що я вмію")
}

func TestWebhookAnswers5xxWhenAnUpdateCannotBeHandled(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	useWebhook(e)

	// One bot process each, its Redis or its Postgres gone: a /start of a
	// citizen it has no state for needs both.
	const citizenID = 7_777_000_002
	start := textUpdate(craftedUpdateID+1, citizenID, "Ніна", "/start")
	for _, tc := range []struct {
		name string
		fail func(*app.App)
	}{
		{"redis unreachable", func(a *app.App) { _ = a.Redis.Close() }},
		{"postgres unreachable", func(a *app.App) { a.Store.Close() }},
	} {
		a := e.newApp(e.cfg)
		tc.fail(a)
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(start))
		req.Header.Set(tgemu.SecretHeader, webhookSecret)
		rec := httptest.NewRecorder()
		a.Bot.Webhook(webhookSecret).ServeHTTP(rec, req)
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500 so that Telegram delivers the update again", tc.name, rec.Code)
		}
		// Not marked handled, not left locked: a redelivery will be handled.
		if e.handled(citizenID, craftedUpdateID+1) {
			t.Errorf("%s: the failed update was marked handled", tc.name)
		}
	}

	// End to end: Telegram keeps an update the bot answered with a 5xx and
	// delivers it again; the bot that is healthy again handles it once.
	e.start()
	c := e.emu.NewCitizen("Остап", "uk")
	toAge(e, c)
	e.waitIdle()
	_ = e.app.Redis.Close()
	if _, err := c.Send("52"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a failed webhook delivery", func() bool {
		return strings.Contains(webhookInfo(e).LastErrorMessage, "500")
	})
	if n := e.emu.Pending(); n != 1 {
		t.Errorf("pending updates = %d, want the refused one", n)
	}
	if got := e.answers(c.ID(), "every-type")["age"]; got != "" {
		t.Errorf("age = %q stored by a failed update", got)
	}
	e.stop()
	e.start()
	e.reply(c, "витрачаєте")
	e.waitIdle()
	if got := e.answers(c.ID(), "every-type")["age"]; got != "52" {
		t.Errorf("age = %q after redelivery, want 52", got)
	}
	if n := e.queryInt(`select count(*) from answers where question_id = 'age'`); n != 1 {
		t.Errorf("age rows = %d", n)
	}
}

func TestTwoReplicasLoseNoUpdateAndHandleEachOnce(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	addrs := []string{freeAddr(t), freeAddr(t)}
	lb, lbURL := newBalancer(t, addrs...)
	// Both replicas register the balancer's URL, as replicas of one bot do.
	e.cfg.WebhookListen, e.cfg.WebhookURL, e.cfg.WebhookSecret = addrs[0], lbURL, webhookSecret
	e.start()
	second := e.startReplica(addrs[1])
	waitFor(t, "both replicas to register the webhook", func() bool { return e.emu.Stats().Calls["setWebhook"] >= 2 })
	replicas := []*app.App{e.app, second}
	options := []toggle{
		{"roads", "Дороги"}, {"water", "Вода"}, {"light", "Освітлення"}, {"parks", "Парки"},
		{"shelters", "Укриття"}, {"buses", "Автобуси"}, {"clinics", "Амбулаторії"}, {"schools", "Школи"},
	}

	// A chat's updates stay in order across replicas: Telegram posts a
	// chat's next update once the last was answered, and the balancer sends
	// them to one replica and the other in turn. Done must come after both
	// taps, whichever replica handles it.
	checkTapsInOrder(t, e, lb, "replica")

	// Every option tapped at once, each tap posted to both replicas at once
	// (as Telegram may after a confirmation was lost). Each tap reads the
	// selection from Redis, adds its option and writes it back: only the
	// chat lock keeps taps from overwriting each other, and only
	// de-duplication keeps the second copy of a tap from undoing the first.
	c := e.emu.NewCitizen("Степан", "uk")
	e.consent(c)
	q := e.send(c, "/start s_many-toggles", "Що покращити в громаді?")
	e.waitIdle()
	duplicates := func() (n float64) {
		for _, a := range replicas {
			n += sample(t, scrape(t, a), "hromada_duplicate_updates_total")
		}
		return n
	}
	dupsBefore := duplicates()
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i, o := range options {
		btn, ok := q.Button(o.label)
		if !ok {
			t.Fatalf("no button %q: %v", o.label, q.InlineKeyboard)
		}
		body := tapUpdate(craftedUpdateID+i, c.ID(), c.FirstName(), q.ID, btn.CallbackData)
		for _, addr := range addrs {
			wg.Go(func() {
				<-ready
				if code := postUpdate(t, "http://"+addr+"/", webhookSecret, body); code != http.StatusOK {
					t.Errorf("tap %s: status %d, want 200", o.id, code)
				}
			})
		}
	}
	close(ready)
	wg.Wait()

	if dups := duplicates() - dupsBefore; dups != float64(len(options)) {
		t.Errorf("duplicates dropped = %v, want %d (one copy of each tap)", dups, len(options))
	}
	checkAllToggled(t, e, c, q, options)
}

// toggle is one option of many-toggles' wishes question.
type toggle struct{ id, label string }

// checkAllToggled checks that every option was toggled exactly once, in
// place, and that Done stores them all.
func checkAllToggled(t *testing.T, e *env, c *tgemu.Citizen, q tgemu.Message, options []toggle) {
	t.Helper()
	// The keyboard was redrawn once per tap, in the order the taps were
	// applied (replies go out before the lock is freed): the last drawing
	// shows them all.
	now := message(t, c, q.ID)
	var unmarked []string
	for _, o := range options {
		if _, ok := now.Button("✅ " + o.label); !ok {
			unmarked = append(unmarked, o.label)
		}
	}
	if now.EditCount != len(options) {
		t.Errorf("keyboard redrawn %d times, want %d", now.EditCount, len(options))
	}
	if len(unmarked) > 0 {
		t.Fatalf("options not marked after the taps: %v (keyboard %v)", unmarked, now.InlineKeyboard)
	}

	e.tap(c, now, "Готово ✓", "Чи хочете додати ще щось?")
	e.waitIdle()
	if n := e.queryInt(`
		select count(*) from answers a
		join responses r on r.id = a.response_id
		left join response_drafts d on d.response_id = r.id
		join citizens c on c.id = coalesce(r.citizen_id, d.citizen_id)
		where c.telegram_id = $1 and a.question_id = 'wishes'`, c.ID()); n != 1 {
		t.Fatalf("stored %d answers to wishes, want 1", n)
	}
	got := e.choices(c.ID(), "wishes")
	slices.Sort(got)
	want := make([]string, 0, len(options))
	for _, o := range options {
		want = append(want, o.id)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("stored wishes = %v, want all of %v", got, want)
	}
}

// toAge brings c from their first word to the age question of every-type.
func toAge(e *env, c *tgemu.Citizen) tgemu.Message {
	e.t.Helper()
	topics := startEveryType(e, c)
	topics = e.tap(c, topics, "Школи", "Що найважливіше?")
	trust := e.tap(c, topics, "Готово ✓", "довіряєте громаді")
	return e.tap(c, trust, "2", "Скільки вам років?")
}

// useWebhook puts e's bot in webhook mode, Telegram calling its listener
// directly, and returns the listener's URL.
func useWebhook(e *env) string {
	e.t.Helper()
	addr := freeAddr(e.t)
	e.cfg.WebhookListen = addr
	e.cfg.WebhookURL = "http://" + addr + "/"
	e.cfg.WebhookSecret = webhookSecret
	return e.cfg.WebhookURL
}

// freeAddr returns a local address nothing listened on a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// newApp builds one more bot process on e's database and Redis prefix,
// connected to the emulator but not running. It is closed when the test ends.
func (e *env) newApp(cfg config.Config) *app.App {
	e.t.Helper()
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(a.Close)
	if err := a.Start(); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// startReplica runs a second bot process beside e's, sharing its database
// and Redis prefix, with its webhook listener on listen, until the test ends.
func (e *env) startReplica(listen string) *app.App {
	e.t.Helper()
	cfg := e.cfg
	cfg.WebhookListen = listen
	a := e.newApp(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Run(ctx); err != nil {
			e.t.Errorf("replica stopped: %v", err)
		}
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
	return a
}

// handled reports whether the bot marked update updateID of a chat as
// handled. It fails the test when the chat's lock is still held.
func (e *env) handled(chatID int64, updateID int) bool {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	turn, err := e.state.Begin(ctx, chatID, updateID)
	if errors.Is(err, state.ErrBusy) {
		e.t.Fatalf("chat %d is still locked", chatID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if turn == nil {
		return true
	}
	if err := turn.Abort(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return false
}

// choices returns the option ids a citizen chose in answer to a multi question.
func (e *env) choices(telegramID int64, question string) []string {
	e.t.Helper()
	var got []string
	err := e.db.QueryRow(context.Background(), `
		select array(select jsonb_array_elements_text(a.value->'choices')) from answers a
		join responses r on r.id = a.response_id
		left join response_drafts d on d.response_id = r.id
		join citizens c on c.id = coalesce(r.citizen_id, d.citizen_id)
		where c.telegram_id = $1 and a.question_id = $2`, telegramID, question).Scan(&got)
	if err != nil {
		e.t.Fatalf("choices of %s: %v", question, err)
	}
	return got
}

// message returns the bot's message id in c's chat as it is now.
func message(t *testing.T, c *tgemu.Citizen, id int) tgemu.Message {
	t.Helper()
	for _, m := range c.Messages() {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %d in the chat", id)
	return tgemu.Message{}
}

// waitFor polls cond for up to 15 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// postUpdate posts body to a webhook listener as Telegram does, with secret
// in the secret-token header ("" sends none), and returns the HTTP status
// (0 after reporting an error). It may be called from any goroutine.
func postUpdate(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(tgemu.SecretHeader, secret)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", url, err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

type webhookState struct {
	URL                string   `json:"url"`
	PendingUpdateCount int      `json:"pending_update_count"`
	LastErrorMessage   string   `json:"last_error_message"`
	AllowedUpdates     []string `json:"allowed_updates"`
}

// webhookInfo asks the emulator's Bot API what Telegram knows of the webhook.
func webhookInfo(e *env) webhookState {
	e.t.Helper()
	resp, err := http.Get(e.emu.URL() + "/bot" + e.emu.Token() + "/getWebhookInfo")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		OK     bool         `json:"ok"`
		Result webhookState `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || !answer.OK {
		e.t.Fatalf("getWebhookInfo: ok=%v %v", answer.OK, err)
	}
	return answer.Result
}

// balancer is a round-robin load balancer in front of the replicas' webhook
// listeners.
type balancer struct {
	next atomic.Uint64
	hits []atomic.Int64 // requests sent to each replica
}

// newBalancer starts a balancer over addrs and returns it with its URL.
func newBalancer(t *testing.T, addrs ...string) (*balancer, string) {
	t.Helper()
	b := &balancer{hits: make([]atomic.Int64, len(addrs))}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int((b.next.Add(1) - 1) % uint64(len(addrs)))
			b.hits[i].Add(1)
			r.SetURL(&url.URL{Scheme: "http", Host: addrs[i]})
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) {
			w.WriteHeader(http.StatusBadGateway) // a replica is down: Telegram tries again
		},
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return b, srv.URL + "/"
}

// The Bot API's own shapes, for the updates the tests post themselves.
type (
	tgUser struct {
		ID           int64  `json:"id"`
		IsBot        bool   `json:"is_bot"`
		FirstName    string `json:"first_name"`
		LanguageCode string `json:"language_code,omitempty"`
	}
	tgChat struct {
		ID        int64  `json:"id"`
		Type      string `json:"type"`
		FirstName string `json:"first_name,omitempty"`
	}
	tgEntity struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Length int    `json:"length"`
	}
	tgMessage struct {
		MessageID int        `json:"message_id"`
		From      *tgUser    `json:"from,omitempty"`
		Chat      tgChat     `json:"chat"`
		Date      int64      `json:"date"`
		Text      string     `json:"text,omitempty"`
		Entities  []tgEntity `json:"entities,omitempty"`
	}
	tgCallbackQuery struct {
		ID           string     `json:"id"`
		From         tgUser     `json:"from"`
		Message      *tgMessage `json:"message,omitempty"`
		ChatInstance string     `json:"chat_instance"`
		Data         string     `json:"data"`
	}
	tgUpdate struct {
		UpdateID      int              `json:"update_id"`
		Message       *tgMessage       `json:"message,omitempty"`
		CallbackQuery *tgCallbackQuery `json:"callback_query,omitempty"`
	}
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// textUpdate is a private message from user userID, as Telegram posts it.
func textUpdate(updateID int, userID int64, firstName, text string) []byte {
	m := &tgMessage{
		MessageID: updateID,
		From:      &tgUser{ID: userID, FirstName: firstName, LanguageCode: "uk"},
		Chat:      tgChat{ID: userID, Type: "private", FirstName: firstName},
		Date:      time.Now().Unix(),
		Text:      text,
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		m.Entities = []tgEntity{{Type: "bot_command", Offset: 0, Length: len(cmd)}}
	}
	return mustJSON(tgUpdate{UpdateID: updateID, Message: m})
}

// tapUpdate is a tap of user userID on a button with data under the bot's
// message messageID, as Telegram posts it.
func tapUpdate(updateID int, userID int64, firstName string, messageID int, data string) []byte {
	bot := &tgUser{ID: 7000000001, IsBot: true, FirstName: "Hromada"}
	return mustJSON(tgUpdate{UpdateID: updateID, CallbackQuery: &tgCallbackQuery{
		ID:   strconv.FormatInt(4_000_000_000_000_000_000+int64(updateID), 10),
		From: tgUser{ID: userID, FirstName: firstName, LanguageCode: "uk"},
		Message: &tgMessage{
			MessageID: messageID,
			From:      bot,
			Chat:      tgChat{ID: userID, Type: "private", FirstName: firstName},
			Date:      time.Now().Unix(),
		},
		ChatInstance: strconv.FormatInt(-userID*7919, 10),
		Data:         data,
	}})
}

// checkTapsInOrder has a citizen tap two options and Done without waiting,
// through the balancer lb, and checks both were stored, in order, and that
// both replicas (what: "replica" or "process") handled some of it.
func checkTapsInOrder(t *testing.T, e *env, lb *balancer, what string) {
	t.Helper()
	c := e.emu.NewCitizen("Мирослава", "uk")
	e.consent(c)
	q := e.send(c, "/start s_many-toggles", "Що покращити в громаді?")
	for _, label := range []string{"Дороги", "Вода", "Готово ✓"} { // without waiting for replies
		if _, err := c.Tap(q, label); err != nil {
			t.Fatal(err)
		}
	}
	e.reply(c, "Чи хочете додати ще щось?")
	e.waitIdle()
	if got := e.choices(c.ID(), "wishes"); !slices.Equal(got, []string{"roads", "water"}) {
		t.Errorf("wishes = %v, want [roads water] (tapped in that order, then Done)", got)
	}
	if lb.hits[0].Load() == 0 || lb.hits[1].Load() == 0 {
		t.Errorf("deliveries per %s: %d and %d; want both to have handled some", what, lb.hits[0].Load(), lb.hits[1].Load())
	}
}
