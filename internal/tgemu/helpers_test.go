package tgemu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// emulator starts a Server and a tgbotapi client talking to it.
func emulator(t *testing.T, opts tgemu.Options) (*tgemu.Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := tgemu.New(opts)
	t.Cleanup(s.Close)
	base, err := s.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), base+"/bot%s/%s", &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return s, bot
}

// greeted returns a citizen who has sent /start, so the bot may write to them.
func greeted(t *testing.T, s *tgemu.Server, name string) *tgemu.Citizen {
	t.Helper()
	c := s.NewCitizen(name, "uk")
	if _, err := c.Send("/start"); err != nil {
		t.Fatalf("Send: %v", err)
	}
	return c
}

// apiError asserts err is a *tgbotapi.Error and returns it.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		t.Fatalf("error = %v (%T), want *tgbotapi.Error", err, err)
	}
	return tgErr
}

// wantError asserts err is a Telegram error with the given code and
// description.
func wantError(t *testing.T, err error, code int, description string) {
	t.Helper()
	tgErr := apiError(t, err)
	if tgErr.Code != code || tgErr.Message != description {
		t.Fatalf("error = %d %q, want %d %q", tgErr.Code, tgErr.Message, code, description)
	}
}

// mustSend sends a Chattable and fails the test on error.
func mustSend(t *testing.T, bot *tgbotapi.BotAPI, c tgbotapi.Chattable) tgbotapi.Message {
	t.Helper()
	m, err := bot.Send(c)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	return m
}

// poll reads all pending updates without confirming them.
func poll(t *testing.T, bot *tgbotapi.BotAPI, offset int) []tgbotapi.Update {
	t.Helper()
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: offset})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	return updates
}

// confirmAll reads and confirms every pending update.
func confirmAll(t *testing.T, bot *tgbotapi.BotAPI) {
	t.Helper()
	if updates := poll(t, bot, 0); len(updates) > 0 {
		poll(t, bot, updates[len(updates)-1].UpdateID+1)
	}
}

// rawCall posts a body to a method and returns the HTTP status and the
// decoded answer.
func rawCall(t *testing.T, s *tgemu.Server, method, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/"+method, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", method, err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s answered %s, not JSON: %v", method, data, err)
	}
	return resp.StatusCode, out
}

func timeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func inlineKeyboard(buttons ...[2]string) tgbotapi.InlineKeyboardMarkup {
	var row []tgbotapi.InlineKeyboardButton
	for _, b := range buttons {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(b[0], b[1]))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}
