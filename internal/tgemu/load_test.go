package tgemu_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// echo answers every text message with "echo: <text>", as a stand-in for the
// bot.
func echo(bot *tgbotapi.BotAPI, u tgbotapi.Update) {
	if u.Message != nil && u.Message.Text != "" {
		_, _ = bot.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "echo: "+u.Message.Text))
	}
}

// converse has every citizen send a few messages, each waiting for its echo.
func converse(t *testing.T, citizens []*tgemu.Citizen, rounds int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(citizens))
	for _, c := range citizens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				text := "hi " + strconv.Itoa(i)
				if _, err := c.Send(text); err != nil {
					errs <- err
					return
				}
				if _, err := c.WaitReply(ctx, func(m tgemu.Message) bool { return m.Text == "echo: "+text }); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestManyCitizensPolling(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{RequestLog: -1})
	var citizens []*tgemu.Citizen
	for i := range 300 {
		citizens = append(citizens, s.NewCitizen("Citizen "+strconv.Itoa(i), "uk"))
	}
	ctx, stop := context.WithCancel(context.Background())
	polled := make(chan struct{})
	go func() { // the bot: poll, handle concurrently, confirm
		defer close(polled)
		offset := 0
		for ctx.Err() == nil {
			updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 1})
			if err != nil {
				continue
			}
			var wg sync.WaitGroup
			for _, u := range updates {
				offset = u.UpdateID + 1
				wg.Add(1)
				go func() { defer wg.Done(); echo(bot, u) }()
			}
			wg.Wait()
		}
	}()
	converse(t, citizens, 3)
	stop()
	<-polled
	if got := s.Stats().Calls["sendMessage"]; got != 900 {
		t.Fatalf("sendMessage calls = %d, want 900", got)
	}
}

func TestManyCitizensWebhook(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{RequestLog: -1})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u tgbotapi.Update
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		echo(bot, u)
	}))
	t.Cleanup(srv.Close)
	setWebhook(t, bot, srv.URL, "", 20)
	var citizens []*tgemu.Citizen
	for i := range 200 {
		citizens = append(citizens, s.NewCitizen("Citizen "+strconv.Itoa(i), "uk"))
	}
	converse(t, citizens, 3)
	if err := s.WaitConfirmed(timeout(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}

	// Deleting the webhook stops its workers.
	if n := workers(); n != 20 {
		t.Fatalf("%d webhook workers, want max_connections = 20", n)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if n := workers(); n != 0 {
		t.Fatalf("%d webhook workers left after deleteWebhook", n)
	}
}

// workers counts the goroutines delivering webhook updates.
func workers() int {
	buf := make([]byte, 1<<22)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "tgemu.(*Server).deliver(")
}
