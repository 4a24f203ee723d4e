package tgemu_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

func TestChatFloodLimit(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{Limits: true})
	c := greeted(t, s, "Chatty")
	other := greeted(t, s, "Other")
	for i := range 3 { // the burst
		if _, err := bot.Send(tgbotapi.NewMessage(c.ID(), "ok")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(c.ID(), "one too many"))
	tgErr := apiError(t, err)
	if tgErr.Code != 429 || tgErr.RetryAfter != 1 || tgErr.Message != "Too Many Requests: retry after 1" {
		t.Fatalf("error = %+v", tgErr)
	}
	// Other chats are not paused; edits are not limited.
	mustSend(t, bot, tgbotapi.NewMessage(other.ID(), "fine"))
	first := c.Messages()[0]
	mustSend(t, bot, tgbotapi.NewEditMessageText(c.ID(), first.ID, "edited"))

	// During the pause everything to that chat is refused, even though a
	// token may have come back meanwhile.
	time.Sleep(500 * time.Millisecond)
	_, err = bot.Send(tgbotapi.NewMessage(c.ID(), "too early"))
	if tgErr := apiError(t, err); tgErr.Code != 429 {
		t.Fatalf("during the pause: %+v", tgErr)
	}
	time.Sleep(time.Duration(tgErr.RetryAfter)*time.Second - 400*time.Millisecond)
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "after the pause"))

	if got := s.Stats().TooManyRequests; got != 2 {
		t.Fatalf("TooManyRequests = %d, want 2", got)
	}
	var refused []tgemu.Request
	for _, r := range s.Requests() {
		if r.Code == 429 {
			refused = append(refused, r)
		}
	}
	if len(refused) != 2 || refused[0].ChatID != c.ID() || refused[0].Method != "sendMessage" || refused[0].RetryAfter != 1 {
		t.Fatalf("refused requests = %+v", refused)
	}
}

func TestBotFloodLimit(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{Limits: true})
	var citizens []*tgemu.Citizen
	for range 45 {
		citizens = append(citizens, greeted(t, s, "Citizen"))
	}
	start := time.Now()
	sent, throttled := 0, 0
	for _, c := range citizens { // one message per chat: only the bot's limit applies
		if _, err := bot.Send(tgbotapi.NewMessage(c.ID(), "news")); err != nil {
			if tgErr := apiError(t, err); tgErr.Code != 429 || tgErr.RetryAfter != 1 {
				t.Fatalf("error = %+v", tgErr)
			}
			throttled++
			continue
		}
		sent++
	}
	allowed := 30 + int(time.Since(start).Seconds()*30) + 1
	if throttled == 0 || sent > allowed {
		t.Fatalf("sent %d and throttled %d of 45 in %s; at most %d may pass", sent, throttled, time.Since(start), allowed)
	}
}

func TestFailNext(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Flaky")

	s.FailNext("editMessageText", 2, 400, "Bad Request: custom", 0)
	for range 2 {
		_, err := bot.Send(tgbotapi.NewEditMessageText(c.ID(), 1, "y"))
		wantError(t, err, 400, "Bad Request: custom")
	}

	s.FailNext("", 1, 502, "", 0)
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantError(t, err, 502, "Bad Gateway")

	s.FailNext("sendMessage", 1, 429, "", 1)
	_, err = bot.Send(tgbotapi.NewMessage(c.ID(), "x"))
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) || tgErr.Code != 429 || tgErr.RetryAfter != 1 || tgErr.Message != "Too Many Requests: retry after 1" {
		t.Fatalf("error = %v", err)
	}
	if len(c.Messages()) != 0 {
		t.Fatalf("failed calls had effects: %+v", c.Messages())
	}
	// The injected 429 pauses sending, even with Limits off.
	_, err = bot.Send(tgbotapi.NewMessage(c.ID(), "too early"))
	if tgErr := apiError(t, err); tgErr.Code != 429 || tgErr.RetryAfter != 1 {
		t.Fatalf("during the pause: %+v", tgErr)
	}
	time.Sleep(1100 * time.Millisecond)
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "after the pause"))
	if got := s.Stats(); got.TooManyRequests != 2 || got.Errors[400] != 2 || got.Errors[502] != 1 {
		t.Fatalf("Stats = %+v", got)
	}
}

func TestBlockedCitizen(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Leaving")
	poll(t, bot, 0)
	if _, err := c.BlockBot(); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(c.ID(), "are you there?"))
	wantError(t, err, 403, "Forbidden: bot was blocked by the user")
	_, err = bot.Request(tgbotapi.NewChatAction(c.ID(), tgbotapi.ChatTyping))
	wantError(t, err, 403, "Forbidden: bot was blocked by the user")

	if _, err := c.UnblockBot(); err != nil {
		t.Fatal(err)
	}
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "welcome back"))
	updates := poll(t, bot, 0)
	if len(updates) != 3 || updates[1].MyChatMember == nil || updates[2].MyChatMember.NewChatMember.Status != "member" {
		t.Fatalf("updates = %+v", updates)
	}
}

func TestBotCannotInitiate(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Silent", "uk")
	_, err := bot.Send(tgbotapi.NewMessage(c.ID(), "hello?"))
	wantError(t, err, 403, "Forbidden: bot can't initiate conversation with a user")
	if _, err := c.Send("/start"); err != nil {
		t.Fatal(err)
	}
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "hello!"))
}

// TestLoseNextResponse: the message is sent but the bot gets a network error,
// the window of doubt a bot must plan for.
func TestLoseNextResponse(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Doubt")
	s.LoseNextResponse("sendMessage", 1)
	_, err := bot.Send(tgbotapi.NewMessage(c.ID(), "did it arrive?"))
	var tgErr *tgbotapi.Error
	if err == nil || errors.As(err, &tgErr) {
		t.Fatalf("err = %v, want a network error", err)
	}
	if last, ok := c.LastMessage(); !ok || last.Text != "did it arrive?" {
		t.Fatalf("the message was not sent: %+v", last)
	}
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "next one is fine"))
}

func TestOnRequest(t *testing.T) {
	var mu sync.Mutex
	var seen []tgemu.Request
	s, bot := emulator(t, tgemu.Options{RequestLog: -1, OnRequest: func(r tgemu.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}})
	c := greeted(t, s, "Observed")
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "x"))
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0].Method != "getMe" || seen[1].Method != "sendMessage" || seen[1].ChatID != c.ID() || seen[1].Code != http.StatusOK || seen[1].Time.IsZero() {
		t.Fatalf("seen = %+v", seen)
	}
	if got := s.Requests(); len(got) != 0 {
		t.Fatalf("Requests with the log off = %+v", got)
	}
}

func TestRequestLogKeepsTheLatest(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{RequestLog: 3})
	for range 5 {
		if _, err := bot.GetMe(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bot.GetWebhookInfo(); err != nil {
		t.Fatal(err)
	}
	got := s.Requests()
	if len(got) != 3 || got[2].Method != "getWebhookInfo" || got[0].Method != "getMe" || !got[0].Time.Before(got[2].Time) {
		t.Fatalf("Requests = %+v", got)
	}
	if calls := s.Stats().Calls; calls["getMe"] != 6 || calls["getWebhookInfo"] != 1 {
		t.Fatalf("Calls = %v", calls)
	}
}
