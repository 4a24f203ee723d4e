package tgemu_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// receiver is a webhook endpoint that records what it gets; answer decides
// the status for each update.
type receiver struct {
	mu      sync.Mutex
	got     []delivery
	answer  func(tgbotapi.Update, int) int // update, how many times seen before → status
	arrived chan struct{}
}

type delivery struct {
	update tgbotapi.Update
	secret string
	status int
}

func newReceiver(t *testing.T, answer func(tgbotapi.Update, int) int) (*receiver, string) {
	t.Helper()
	rc := &receiver{answer: answer, arrived: make(chan struct{}, 1000)}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv.URL + "/hook"
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var u tgbotapi.Update
	if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&u) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	seen := 0
	for _, d := range rc.got {
		if d.update.UpdateID == u.UpdateID {
			seen++
		}
	}
	rc.mu.Unlock()
	status := http.StatusOK
	if rc.answer != nil {
		status = rc.answer(u, seen)
	}
	rc.mu.Lock()
	rc.got = append(rc.got, delivery{update: u, secret: r.Header.Get(tgemu.SecretHeader), status: status})
	rc.mu.Unlock()
	w.WriteHeader(status)
	rc.arrived <- struct{}{}
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

func setWebhook(t *testing.T, bot *tgbotapi.BotAPI, url, secret string, conns int) {
	t.Helper()
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": url, "secret_token": secret, "max_connections": strconv.Itoa(conns)}); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
}

func TestWebhookDeliversAndRedelivers(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	rc, url := newReceiver(t, func(u tgbotapi.Update, seen int) int {
		if u.Message.Text == "first" && seen == 0 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	setWebhook(t, bot, url, "s3cr3t_-X", 10)

	c := s.NewCitizen("Hook", "uk")
	first, _ := c.Send("first")
	second, _ := c.Send("second")
	if err := s.WaitConfirmed(timeout(t, 5*time.Second)); err != nil {
		t.Fatalf("WaitConfirmed: %v (pending %d)", err, s.Pending())
	}
	got := rc.deliveries()
	var order []string
	for _, d := range got {
		if d.secret != "s3cr3t_-X" {
			t.Errorf("secret header = %q", d.secret)
		}
		order = append(order, strconv.Itoa(d.update.UpdateID)+":"+strconv.Itoa(d.status))
	}
	want := []string{strconv.Itoa(first) + ":500", strconv.Itoa(first) + ":200", strconv.Itoa(second) + ":200"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("deliveries = %v, want %v (one chat's updates in order)", order, want)
	}

	info, err := bot.GetWebhookInfo()
	if err != nil {
		t.Fatal(err)
	}
	if info.URL != url || info.PendingUpdateCount != 0 || info.MaxConnections != 10 ||
		info.LastErrorMessage != "Wrong response from the webhook: 500 Internal Server Error" || info.LastErrorDate == 0 {
		t.Fatalf("webhook info = %+v", info)
	}
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantError(t, err, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	// Redeliver posts the same update_id again.
	if err := s.Redeliver(second); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitConfirmed(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := rc.deliveries(); got[len(got)-1].update.UpdateID != second {
		t.Fatalf("last delivery = %d, want %d again", got[len(got)-1].update.UpdateID, second)
	}
}

func TestWebhookTimeoutRedelivers(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{WebhookTimeout: 200 * time.Millisecond})
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		slow := calls == 1
		mu.Unlock()
		if slow {
			time.Sleep(500 * time.Millisecond)
		}
	}))
	t.Cleanup(srv.Close)
	setWebhook(t, bot, srv.URL, "", 1)
	if _, err := s.NewCitizen("Slow", "uk").Send("hi"); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitConfirmed(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	info, _ := bot.GetWebhookInfo()
	mu.Lock()
	n := calls
	mu.Unlock()
	if n != 2 || info.LastErrorMessage != "Read timeout expired" {
		t.Fatalf("calls = %d, last error %q", n, info.LastErrorMessage)
	}
}

// TestWebhookChatsInParallel: a chat whose update is being handled holds back
// its later updates, not other chats'.
func TestWebhookChatsInParallel(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	release := make(chan struct{})
	rc, url := newReceiver(t, func(u tgbotapi.Update, _ int) int {
		if u.Message.Text == "a1" {
			<-release
		}
		return http.StatusOK
	})
	setWebhook(t, bot, url, "", 4)
	a, b := s.NewCitizen("A", "uk"), s.NewCitizen("B", "uk")
	for _, step := range []struct {
		c    *tgemu.Citizen
		text string
	}{{a, "a1"}, {a, "a2"}, {b, "b1"}, {b, "b2"}} {
		if _, err := step.c.Send(step.text); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(5 * time.Second)
	for len(rc.deliveries()) < 2 {
		select {
		case <-rc.arrived:
		case <-deadline:
			t.Fatalf("chat B was held back by chat A: %d deliveries", len(rc.deliveries()))
		}
	}
	time.Sleep(100 * time.Millisecond)
	for _, d := range rc.deliveries() {
		if d.update.Message.Text == "a2" {
			t.Fatal("a2 was delivered while a1 was still being handled")
		}
	}
	if s.Pending() != 2 {
		t.Fatalf("Pending = %d, want 2 (a1 in flight, a2 waiting)", s.Pending())
	}
	close(release)
	if err := s.WaitConfirmed(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, d := range rc.deliveries() {
		texts = append(texts, d.update.Message.Text)
	}
	if strings.Join(texts, " ") != "b1 b2 a1 a2" {
		t.Fatalf("delivery order = %v", texts)
	}
}

func TestSetWebhookValidation(t *testing.T) {
	_, bot := emulator(t, tgemu.Options{})
	for _, tc := range []struct{ label, url, secret, want string }{
		{"secret with a colon", "https://example.org/hook", "123:abc", "Bad Request: secret token contains unallowed characters"},
		{"secret too long", "https://example.org/hook", strings.Repeat("a", 257), "Bad Request: secret token is too long"},
		{"not a URL", "example.org/hook", "ok", "Bad Request: bad webhook: invalid webhook URL specified"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			_, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": tc.url, "secret_token": tc.secret})
			wantError(t, err, 400, tc.want)
		})
	}
}

func TestDeleteWebhookBackToPolling(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable) // never takes anything
	}))
	t.Cleanup(srv.Close)
	setWebhook(t, bot, srv.URL, "", 40)
	if _, err := s.NewCitizen("Kept", "uk").Send("keep me"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}
	updates := poll(t, bot, 0)
	if len(updates) != 1 || updates[0].Message.Text != "keep me" {
		t.Fatalf("updates after deleteWebhook = %+v", updates)
	}
	if info, _ := bot.GetWebhookInfo(); info.URL != "" || info.PendingUpdateCount != 1 {
		t.Fatalf("webhook info = %+v", info)
	}
}
