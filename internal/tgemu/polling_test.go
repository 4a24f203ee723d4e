package tgemu_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

func TestGetMe(t *testing.T) {
	_, bot := emulator(t, tgemu.Options{Token: "123456:secret", BotUsername: "city_bot", BotName: "City"})
	if bot.Self.ID != 123456 || bot.Self.UserName != "city_bot" || bot.Self.FirstName != "City" || !bot.Self.IsBot {
		t.Fatalf("Self = %+v", bot.Self)
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	for _, tc := range []struct {
		label, path string
		code        int
		description string
	}{
		{"wrong token", "/bot1:wrong/getMe", 401, "Unauthorized"},
		{"unknown method", "/bot" + s.Token() + "/sendPoll", 404, "Not Found"},
		{"not a bot path", "/file/x", 404, "Not Found"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			resp, err := http.Post(s.URL()+tc.path, "application/x-www-form-urlencoded", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				OK          bool   `json:"ok"`
				ErrorCode   int    `json:"error_code"`
				Description string `json:"description"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.code || body.OK || body.ErrorCode != tc.code || body.Description != tc.description {
				t.Fatalf("got %d %+v, want %d %q", resp.StatusCode, body, tc.code, tc.description)
			}
		})
	}
	if _, err := tgbotapi.NewBotAPIWithClient("1:wrong", s.URL()+"/bot%s/%s", http.DefaultClient); err == nil {
		t.Fatal("NewBotAPI with a wrong token succeeded")
	} else {
		wantError(t, err, 401, "Unauthorized")
	}
}

func TestMethodNamesIgnoreCase(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	if _, err := bot.MakeRequest("GETME", nil); err != nil {
		t.Fatalf("GETME: %v", err)
	}
	if got := s.Stats().Calls["getMe"]; got != 2 {
		t.Fatalf("getMe calls = %d, want 2 (constructor and GETME)", got)
	}
}

func TestGetUpdatesOffsetConfirms(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Olena", "uk")
	var ids []int
	for _, text := range []string{"one", "two", "three"} {
		id, err := c.Send(text)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if got := s.Pending(); got != 3 {
		t.Fatalf("Pending = %d, want 3", got)
	}
	updates := poll(t, bot, 0)
	if len(updates) != 3 || updates[0].UpdateID != ids[0] || updates[2].Message.Text != "three" {
		t.Fatalf("updates = %+v", updates)
	}
	// Reading without a higher offset confirms nothing.
	if again := poll(t, bot, 0); len(again) != 3 {
		t.Fatalf("second read returned %d updates, want 3", len(again))
	}
	// An offset confirms every update below it.
	if rest := poll(t, bot, ids[1]+1); len(rest) != 1 || rest[0].UpdateID != ids[2] {
		t.Fatalf("after offset: %+v", rest)
	}
	if got := s.Pending(); got != 1 {
		t.Fatalf("Pending = %d, want 1", got)
	}
	if rest := poll(t, bot, ids[2]+1); len(rest) != 0 {
		t.Fatalf("after confirming all: %+v", rest)
	}
	if err := s.WaitConfirmed(timeout(t, time.Second)); err != nil {
		t.Fatalf("WaitConfirmed: %v", err)
	}
}

func TestGetUpdatesLimitAndNegativeOffset(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Taras", "uk")
	for range 5 {
		if _, err := c.Send("hi"); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := bot.GetUpdates(tgbotapi.UpdateConfig{Limit: 2}); err != nil || len(got) != 2 {
		t.Fatalf("limit 2: %d updates, %v", len(got), err)
	}
	last, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: -1})
	if err != nil || len(last) != 1 {
		t.Fatalf("offset -1: %d updates, %v", len(last), err)
	}
	if s.Pending() != 1 {
		t.Fatalf("Pending after offset -1 = %d, want 1", s.Pending())
	}
}

func TestGetUpdatesLongPoll(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Iryna", "uk")

	t.Run("returns early when an update arrives", func(t *testing.T) {
		go func() {
			time.Sleep(100 * time.Millisecond)
			_, _ = c.Send("hello")
		}()
		start := time.Now()
		updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
		if err != nil || len(updates) != 1 {
			t.Fatalf("got %d updates, %v", len(updates), err)
		}
		if waited := time.Since(start); waited > 2*time.Second {
			t.Fatalf("waited %s for an update sent after 100ms", waited)
		}
		poll(t, bot, updates[0].UpdateID+1)
	})

	t.Run("returns nothing after the timeout", func(t *testing.T) {
		start := time.Now()
		updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
		if err != nil || len(updates) != 0 {
			t.Fatalf("got %d updates, %v", len(updates), err)
		}
		if waited := time.Since(start); waited < 900*time.Millisecond || waited > 3*time.Second {
			t.Fatalf("waited %s, want about 1s", waited)
		}
	})

	t.Run("a newer call ends a waiting one with 409", func(t *testing.T) {
		errs := make(chan error, 1)
		go func() {
			_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 5})
			errs <- err
		}()
		time.Sleep(100 * time.Millisecond)
		poll(t, bot, 0)
		select {
		case err := <-errs:
			wantError(t, err, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
		case <-time.After(3 * time.Second):
			t.Fatal("the older call kept waiting")
		}
	})
}

func TestRedeliver(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Petro", "uk")
	first, _ := c.Send("/start")
	second, _ := c.Send("yes")
	updates := poll(t, bot, 0)
	poll(t, bot, updates[len(updates)-1].UpdateID+1) // confirm both
	if s.Pending() != 0 {
		t.Fatalf("Pending = %d, want 0", s.Pending())
	}

	if err := s.Redeliver(first); err != nil {
		t.Fatalf("Redeliver: %v", err)
	}
	// The bot polls with its offset already past first, and still gets it.
	again := poll(t, bot, second+1)
	if len(again) != 1 || again[0].UpdateID != first || again[0].Message.Text != "/start" {
		t.Fatalf("redelivered = %+v", again)
	}
	if s.Pending() != 1 {
		t.Fatalf("Pending = %d, want 1 until confirmed", s.Pending())
	}
	poll(t, bot, second+1)
	if s.Pending() != 0 {
		t.Fatalf("Pending = %d after confirming the copy", s.Pending())
	}
	if err := s.Redeliver(12345); err == nil {
		t.Fatal("Redeliver of an unknown update succeeded")
	}
}

func TestAllowedUpdates(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Oksana")
	poll(t, bot, 0)
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"callback_query"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send("ignored"); err != nil {
		t.Fatal(err)
	}
	if got := poll(t, bot, 0); len(got) != 1 { // only the /start from before
		t.Fatalf("got %d updates, want the earlier one only", len(got))
	}
}

// TestUpdateShapes checks that every kind of update decodes into tgbotapi's
// types with the fields Telegram fills.
func TestUpdateShapes(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Мирослава", "uk")
	if c.ID() <= 1<<32 {
		t.Fatalf("citizen id %d fits in 32 bits; it should not", c.ID())
	}
	mustAction := func(id int, err error) int {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mustAction(c.Send("Привіт /start s_abc"))
	mustAction(c.Send("/start s_abc"))
	mustAction(c.ShareContact("380501234567", c.ID()))
	mustAction(c.ShareLocation(49.84, 24.03))
	mustAction(c.SendSticker())
	mustAction(c.SendPhoto())
	mustAction(c.SendVoice())
	msg := mustSend(t, bot, func() tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(c.ID(), "Pick")
		m.ReplyMarkup = inlineKeyboard([2]string{"Yes", "q1:yes"})
		return m
	}())
	cb, err := c.TapData(msg.MessageID, "q1:yes")
	if err != nil {
		t.Fatal(err)
	}
	mustAction(c.BlockBot())
	mustAction(c.UnblockBot())

	updates := poll(t, bot, 0)
	if len(updates) != 10 {
		t.Fatalf("got %d updates, want 10", len(updates))
	}
	for i := 1; i < len(updates); i++ {
		if updates[i].UpdateID != updates[i-1].UpdateID+1 {
			t.Fatalf("update ids not consecutive: %d then %d", updates[i-1].UpdateID, updates[i].UpdateID)
		}
	}
	m := updates[0].Message
	if m.From.ID != c.ID() || m.Chat.ID != c.ID() || m.Chat.Type != "private" || m.From.LanguageCode != "uk" || m.Date == 0 {
		t.Fatalf("message = %+v from %+v chat %+v", m, m.From, m.Chat)
	}
	if m.IsCommand() || len(m.Entities) != 1 || m.Entities[0].Offset != 7 || m.Entities[0].Length != 6 {
		t.Fatalf("command inside text: entities %+v", m.Entities)
	}
	start := updates[1].Message
	if !start.IsCommand() || start.Command() != "start" || start.CommandArguments() != "s_abc" {
		t.Fatalf("/start s_abc: command %q args %q", start.Command(), start.CommandArguments())
	}
	if ct := updates[2].Message.Contact; ct == nil || ct.UserID != c.ID() || ct.PhoneNumber != "380501234567" || ct.FirstName != "Мирослава" {
		t.Fatalf("contact = %+v", ct)
	}
	if loc := updates[3].Message.Location; loc == nil || loc.Latitude != 49.84 || loc.Longitude != 24.03 {
		t.Fatalf("location = %+v", loc)
	}
	if st := updates[4].Message.Sticker; st == nil || st.FileID == "" || st.Emoji == "" {
		t.Fatalf("sticker = %+v", st)
	}
	if ph := updates[5].Message.Photo; len(ph) != 3 || ph[2].Width <= ph[0].Width {
		t.Fatalf("photo = %+v", ph)
	}
	if v := updates[6].Message.Voice; v == nil || v.Duration == 0 || v.MimeType != "audio/ogg" {
		t.Fatalf("voice = %+v", v)
	}
	q := updates[7].CallbackQuery
	if q == nil || q.ID != cb.QueryID || updates[7].UpdateID != cb.UpdateID || q.Data != "q1:yes" || q.From.ID != c.ID() ||
		q.Message == nil || q.Message.MessageID != msg.MessageID || q.Message.ReplyMarkup == nil || q.ChatInstance == "" {
		t.Fatalf("callback query = %+v", q)
	}
	block, unblock := updates[8].MyChatMember, updates[9].MyChatMember
	if block == nil || block.OldChatMember.Status != "member" || block.NewChatMember.Status != "kicked" ||
		block.NewChatMember.User.ID != bot.Self.ID || block.From.ID != c.ID() || block.Chat.ID != c.ID() {
		t.Fatalf("block = %+v", block)
	}
	if unblock == nil || unblock.OldChatMember.Status != "kicked" || unblock.NewChatMember.Status != "member" {
		t.Fatalf("unblock = %+v", unblock)
	}
}

// TestUpdateJSONFieldNames reads getUpdates as raw JSON to check the names of
// fields tgbotapi would silently ignore if misspelt.
func TestUpdateJSONFieldNames(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Ivan", "en")
	if _, err := c.Send("/help"); err != nil {
		t.Fatal(err)
	}
	code, body := rawCall(t, s, "getUpdates", "application/json", []byte(`{"offset":0}`))
	if code != 200 || body["ok"] != true {
		t.Fatalf("getUpdates = %d %v", code, body)
	}
	raw, _ := json.Marshal(body["result"])
	// Keys come back sorted, having passed through a map.
	for _, want := range []string{`"update_id":`, `"message":{"chat":{`, `"message_id":1`, `"from":{"first_name":"Ivan","id":`,
		`"is_bot":false`, `"language_code":"en"`, `"type":"private"`, `"date":`,
		`"text":"/help"`, `"entities":[{"length":5,"offset":0,"type":"bot_command"}]`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("update JSON %s lacks %s", raw, want)
		}
	}
}

func TestCitizenErrors(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Anna")
	msg := mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "No buttons"))
	snapshot, _ := c.LastMessage()
	if _, err := c.Tap(snapshot, "Yes"); err == nil {
		t.Error("Tap on a missing button succeeded")
	}
	if _, err := c.TapData(msg.MessageID+100, "x"); err == nil {
		t.Error("TapData on a missing message succeeded")
	}
	if _, err := c.PressReplyButton("Share"); err == nil {
		t.Error("PressReplyButton without a keyboard succeeded")
	}
	if _, err := c.Send("  "); err == nil {
		t.Error("an empty message was sent")
	}
	if _, err := c.BlockBot(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send("hi"); err == nil {
		t.Error("a citizen who blocked the bot could write to it")
	}
	s.Close()
	if _, err := c.UnblockBot(); err == nil {
		t.Error("UnblockBot after Close succeeded")
	}
}
