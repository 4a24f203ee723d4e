package tgemu_test

import (
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// TestConversation walks through a question with an inline keyboard, the
// citizen's tap, the bot's answer and edits, as the bot does it.
func TestConversation(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Olha")

	q := tgbotapi.NewMessage(c.ID(), "<b>Do you cycle?</b>")
	q.ParseMode = tgbotapi.ModeHTML
	q.ReplyMarkup = inlineKeyboard([2]string{"Yes", "q1:yes"}, [2]string{"No", "q1:no"})
	sent := mustSend(t, bot, q)
	if sent.Chat.ID != c.ID() || sent.From.ID != bot.Self.ID || sent.ReplyMarkup == nil || len(sent.ReplyMarkup.InlineKeyboard[0]) != 2 {
		t.Fatalf("sent = %+v", sent)
	}

	shown, ok := c.LastMessage()
	if !ok || shown.ID != sent.MessageID || shown.Text != "<b>Do you cycle?</b>" || shown.PlainText() != "Do you cycle?" || shown.ParseMode != "HTML" {
		t.Fatalf("LastMessage = %+v", shown)
	}
	if b, ok := shown.Button("No"); !ok || b.CallbackData != "q1:no" {
		t.Fatalf("button No = %+v", b)
	}

	tap, err := c.Tap(shown, "Yes")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.UnansweredCallbacks(); len(got) != 1 || got[0] != tap.QueryID {
		t.Fatalf("UnansweredCallbacks = %v", got)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(tap.QueryID, "Saved")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	if text, alert, answered := s.CallbackAnswer(tap.QueryID); text != "Saved" || alert || !answered {
		t.Fatalf("CallbackAnswer = %q %v %v", text, alert, answered)
	}
	if got := s.UnansweredCallbacks(); len(got) != 0 {
		t.Fatalf("UnansweredCallbacks = %v", got)
	}

	edited, err := bot.Send(tgbotapi.NewEditMessageText(c.ID(), sent.MessageID, "Do you cycle? Yes"))
	if err != nil {
		t.Fatalf("editMessageText: %v", err)
	}
	if edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Fatalf("edited = %+v (an edit without reply_markup removes the keyboard)", edited)
	}
	kb := inlineKeyboard([2]string{"Change", "q1:change"})
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(c.ID(), sent.MessageID, kb)); err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	now, _ := c.LastMessage()
	if now.Text != "Do you cycle? Yes" || now.EditCount != 2 || len(now.InlineKeyboard) != 1 || now.InlineKeyboard[0][0].CallbackData != "q1:change" {
		t.Fatalf("after edits = %+v", now)
	}

	if _, err := bot.Request(tgbotapi.NewDeleteMessage(c.ID(), sent.MessageID)); err != nil {
		t.Fatalf("deleteMessage: %v", err)
	}
	all := c.Messages()
	if len(all) != 1 || !all[0].Deleted || all[0].Text != "Do you cycle? Yes" {
		t.Fatalf("Messages = %+v", all)
	}
}

func TestBadRequests(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Bohdan")
	plain := mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "Hello"))
	withKeyboard := func() tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(c.ID(), "Pick")
		m.ReplyMarkup = inlineKeyboard([2]string{"A", "a"})
		return m
	}
	keyed := mustSend(t, bot, withKeyboard())
	tap, err := c.TapData(keyed.MessageID, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(tap.QueryID, "")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send("a message of mine"); err != nil {
		t.Fatal(err)
	}

	row := func(n int) []tgbotapi.InlineKeyboardButton {
		var r []tgbotapi.InlineKeyboardButton
		for i := range n {
			r = append(r, tgbotapi.NewInlineKeyboardButtonData("b", "d"+strings.Repeat("x", i%3)))
		}
		return r
	}
	withMarkup := func(rows ...[]tgbotapi.InlineKeyboardButton) tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(c.ID(), "x")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(rows...)
		return m
	}
	var manyRows [][]tgbotapi.InlineKeyboardButton
	for range 13 {
		manyRows = append(manyRows, row(8))
	}
	htmlMessage := func(text, mode string) tgbotapi.MessageConfig {
		m := tgbotapi.NewMessage(c.ID(), text)
		m.ParseMode = mode
		return m
	}
	lastCitizenMessage := keyed.MessageID + 1 // the one c.Send made

	for _, tc := range []struct {
		label string
		call  tgbotapi.Chattable
		want  string
	}{
		{"empty text", tgbotapi.NewMessage(c.ID(), ""), "Bad Request: message text is empty"},
		{"blank text", tgbotapi.NewMessage(c.ID(), " \n\t "), "Bad Request: message text is empty"},
		{"text too long", tgbotapi.NewMessage(c.ID(), strings.Repeat("я", 4097)), "Bad Request: message is too long"},
		{"unknown chat", tgbotapi.NewMessage(42, "hi"), "Bad Request: chat not found"},
		{"callback data empty", withMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", ""))), "Bad Request: BUTTON_DATA_INVALID"},
		{"callback data over 64 bytes", withMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", strings.Repeat("ї", 33)))), "Bad Request: BUTTON_DATA_INVALID"},
		{"nine buttons in a row", withMarkup(row(9)), "Bad Request: too many buttons in a row of the inline keyboard"},
		{"over 100 buttons", withMarkup(manyRows...), "Bad Request: reply markup is too long"},
		{"unclosed HTML tag", htmlMessage("<b>bold", "HTML"), `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"unescaped < in HTML", htmlMessage("1 <2 and 3", "HTML"), `Bad Request: can't parse entities: Unsupported start tag "2" at byte offset 2`},
		{"unescaped . in MarkdownV2", htmlMessage("Thanks.", "MarkdownV2"), `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'`},
		{"unknown parse mode", htmlMessage("x", "BBCode"), "Bad Request: unsupported parse_mode"},
		{"edit not modified", tgbotapi.NewEditMessageText(c.ID(), plain.MessageID, "Hello"), "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"},
		{"edit markup not modified", tgbotapi.NewEditMessageReplyMarkup(c.ID(), keyed.MessageID, inlineKeyboard([2]string{"A", "a"})), "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"},
		{"edit missing message", tgbotapi.NewEditMessageText(c.ID(), 9999, "x"), "Bad Request: message to edit not found"},
		{"edit missing message markup", tgbotapi.NewEditMessageReplyMarkup(c.ID(), 9999, inlineKeyboard([2]string{"A", "a"})), "Bad Request: message to edit not found"},
		{"edit citizen's message", tgbotapi.NewEditMessageText(c.ID(), lastCitizenMessage, "x"), "Bad Request: message can't be edited"},
		{"delete missing message", tgbotapi.NewDeleteMessage(c.ID(), 9999), "Bad Request: message to delete not found"},
		{"answer unknown query", tgbotapi.NewCallback("nope", ""), "Bad Request: query is too old and response timeout expired or query ID is invalid"},
		{"answer twice", tgbotapi.NewCallback(tap.QueryID, ""), "Bad Request: query is too old and response timeout expired or query ID is invalid"},
		{"answer too long", tgbotapi.NewCallback(tap.QueryID, strings.Repeat("x", 201)), "Bad Request: MESSAGE_TOO_LONG"},
		{"bad chat action", tgbotapi.NewChatAction(c.ID(), "dancing"), "Bad Request: wrong parameter action in request"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			_, err := bot.Request(tc.call)
			wantError(t, err, 400, tc.want)
		})
	}
	if n := len(c.Messages()); n != 2 {
		t.Fatalf("the bad requests left %d messages, want the 2 good ones", n)
	}
}

func TestFormattedTextAccepted(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Roman")
	for _, tc := range []struct{ label, text, mode, plain string }{
		{"HTML", `<b>Сміливо</b> &amp; <a href="https://x.ua/?a=1&b=2">чесно</a> <tg-spoiler>!</tg-spoiler> a > b`, "HTML", "Сміливо & чесно ! a > b"},
		{"MarkdownV2", `*Bold* _it_ __u__ ~s~ ||sp|| [link](https://x.ua/a\)b) \. \! \- ` + "`code.`", "MarkdownV2", "Bold it u s sp link . ! - code."},
		{"Markdown", "*bold* _it_ [l](http://x)", "Markdown", "bold it l"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			m := tgbotapi.NewMessage(c.ID(), tc.text)
			m.ParseMode = tc.mode
			mustSend(t, bot, m)
			last, _ := c.LastMessage()
			if last.Text != tc.text || last.PlainText() != tc.plain {
				t.Fatalf("stored %q, plain %q; want plain %q", last.Text, last.PlainText(), tc.plain)
			}
		})
	}
	// Length counts what the reader sees, not the markup.
	long := tgbotapi.NewMessage(c.ID(), "<b>"+strings.Repeat("a", 4096)+"</b>")
	long.ParseMode = "HTML"
	mustSend(t, bot, long)
}

func TestReplyKeyboard(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Sofiia")
	confirmAll(t, bot)

	ask := tgbotapi.NewMessage(c.ID(), "Share your phone or place")
	ask.ReplyMarkup = tgbotapi.NewOneTimeReplyKeyboard(
		tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("📱 Phone"), tgbotapi.NewKeyboardButtonLocation("📍 Place")),
		tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButton("Skip")),
	)
	mustSend(t, bot, ask)
	sent, _ := c.LastMessage()
	kb := sent.ReplyKeyboard
	if kb == nil || !kb.OneTime || len(kb.Rows) != 2 || !kb.Rows[0][0].RequestContact || !kb.Rows[0][1].RequestLocation {
		t.Fatalf("reply keyboard = %+v", kb)
	}
	if c.Keyboard() == nil {
		t.Fatal("the citizen sees no keyboard")
	}

	for _, press := range []string{"📱 Phone", "📍 Place", "Skip"} {
		if _, err := c.PressReplyButton(press); err != nil {
			t.Fatalf("PressReplyButton(%q): %v", press, err)
		}
	}
	updates := poll(t, bot, 0)
	if len(updates) != 3 {
		t.Fatalf("got %d updates, want 3", len(updates))
	}
	if ct := updates[0].Message.Contact; ct == nil || ct.UserID != c.ID() || ct.PhoneNumber != c.Phone() {
		t.Fatalf("contact = %+v", ct)
	}
	if updates[1].Message.Location == nil || updates[2].Message.Text != "Skip" {
		t.Fatalf("location %+v, text %q", updates[1].Message.Location, updates[2].Message.Text)
	}

	done := tgbotapi.NewMessage(c.ID(), "Thanks")
	done.ReplyMarkup = tgbotapi.NewRemoveKeyboard(false)
	mustSend(t, bot, done)
	if last, _ := c.LastMessage(); !last.RemoveKeyboard {
		t.Fatalf("last = %+v, want RemoveKeyboard", last)
	}
	if c.Keyboard() != nil {
		t.Fatal("the keyboard is still shown after ReplyKeyboardRemove")
	}
	if _, err := c.PressReplyButton("Skip"); err == nil {
		t.Fatal("pressed a button of a removed keyboard")
	}
}

func TestReplyToMessage(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Dmytro")
	m := tgbotapi.NewMessage(c.ID(), "Got it")
	m.ReplyToMessageID = 1 // the citizen's /start
	sent := mustSend(t, bot, m)
	if sent.ReplyToMessage == nil || sent.ReplyToMessage.Text != "/start" {
		t.Fatalf("reply_to_message = %+v", sent.ReplyToMessage)
	}
	m.ReplyToMessageID = 999
	_, err := bot.Send(m)
	wantError(t, err, 400, "Bad Request: message to be replied not found")
	m.AllowSendingWithoutReply = true
	mustSend(t, bot, m)
}

func TestWaitForAndWaitReply(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Vira")
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "Welcome"))

	// WaitFor sees what is already there.
	got, err := s.WaitFor(timeout(t, time.Second), c.ID(), func(m tgemu.Message) bool { return m.Text == "Welcome" })
	if err != nil || got.Text != "Welcome" {
		t.Fatalf("WaitFor = %+v, %v", got, err)
	}

	// WaitReply sees only what follows the citizen's latest action.
	if _, err := c.Send("next"); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = bot.Send(tgbotapi.NewMessage(c.ID(), "Welcome"))
		_, _ = bot.Send(tgbotapi.NewMessage(c.ID(), "Question 1"))
	}()
	reply, err := c.WaitReply(timeout(t, 2*time.Second), func(m tgemu.Message) bool { return m.Text == "Welcome" })
	if err != nil || reply.ID == got.ID {
		t.Fatalf("WaitReply = %+v, %v; want the new Welcome, not message %d", reply, err, got.ID)
	}

	// Edits wake waiters too.
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = bot.Send(tgbotapi.NewEditMessageText(c.ID(), reply.ID, "Welcome back"))
	}()
	edited, err := s.WaitFor(timeout(t, 2*time.Second), c.ID(), func(m tgemu.Message) bool { return m.EditCount > 0 })
	if err != nil || edited.Text != "Welcome back" {
		t.Fatalf("WaitFor edit = %+v, %v", edited, err)
	}

	if _, err := s.WaitFor(timeout(t, 100*time.Millisecond), c.ID(), func(m tgemu.Message) bool { return false }); err == nil {
		t.Fatal("WaitFor returned without a match")
	}
}

func TestChanges(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Ostap")
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "one"))
	msgs, v, err := s.Changes(timeout(t, time.Second), c.ID(), 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Changes = %v, %v", msgs, err)
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _ = bot.Send(tgbotapi.NewMessage(c.ID(), "two"))
	}()
	msgs, _, err = s.Changes(timeout(t, 2*time.Second), c.ID(), v)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "two" {
		t.Fatalf("Changes after %d = %+v, %v", v, msgs, err)
	}
}

func TestCloseEndsWaits(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Yurii")
	errs := make(chan error, 1)
	go func() {
		_, err := c.WaitReply(timeout(t, 5*time.Second), func(tgemu.Message) bool { return true })
		errs <- err
	}()
	time.Sleep(50 * time.Millisecond)
	s.Close()
	select {
	case err := <-errs:
		if err != tgemu.ErrClosed {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("WaitReply kept waiting after Close")
	}
}

func TestCommands(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	set := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeAllPrivateChats(), "uk",
		tgbotapi.BotCommand{Command: "start", Description: "Почати"},
		tgbotapi.BotCommand{Command: "help", Description: "Допомога"})
	if _, err := bot.Request(set); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	if got := s.Commands("all_private_chats", "uk"); len(got) != 2 || got[1].Command != "help" {
		t.Fatalf("Commands = %+v", got)
	}
	bad := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Start!", Description: "x"})
	_, err := bot.Request(bad)
	wantError(t, err, 400, "Bad Request: BOT_COMMAND_INVALID")
	if _, err := bot.Request(tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeAllPrivateChats(), "uk")); err != nil {
		t.Fatalf("deleteMyCommands: %v", err)
	}
	if got := s.Commands("all_private_chats", "uk"); len(got) != 0 {
		t.Fatalf("Commands after delete = %+v", got)
	}
}

func TestSendLocationAndChatAction(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Halyna")
	if _, err := bot.Request(tgbotapi.NewChatAction(c.ID(), tgbotapi.ChatTyping)); err != nil {
		t.Fatalf("sendChatAction: %v", err)
	}
	sent := mustSend(t, bot, tgbotapi.NewLocation(c.ID(), 50.45, 30.52))
	if sent.Location == nil || sent.Location.Latitude != 50.45 {
		t.Fatalf("sent = %+v", sent)
	}
	if last, _ := c.LastMessage(); last.Location == nil || last.Location.Longitude != 30.52 {
		t.Fatalf("last = %+v", last)
	}
}
