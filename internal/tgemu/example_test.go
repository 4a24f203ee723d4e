package tgemu_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// A citizen starts the bot and taps a button; the bot (here a few lines of
// tgbotapi) polls, replies and answers the tap.
func Example() {
	s := tgemu.New(tgemu.Options{})
	defer s.Close()
	base, err := s.Start() // TELEGRAM_API_URL for the bot
	if err != nil {
		panic(err)
	}
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), base+"/bot%s/%s", &http.Client{Timeout: time.Minute})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	olena := s.NewCitizen("Olena", "uk")
	if _, err := olena.Send("/start s_parks"); err != nil {
		panic(err)
	}

	updates, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	start := updates[0].Message
	question := tgbotapi.NewMessage(start.Chat.ID, "Survey "+start.CommandArguments()+": do you walk in the park?")
	question.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Yes", "q1:yes"),
		tgbotapi.NewInlineKeyboardButtonData("No", "q1:no"),
	))
	_, _ = bot.Send(question)

	shown, _ := olena.WaitReply(ctx, func(m tgemu.Message) bool { return len(m.InlineKeyboard) > 0 })
	fmt.Println(shown.Text)
	tap, _ := olena.Tap(shown, "Yes")

	updates, _ = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: updates[0].UpdateID + 1, Timeout: 1})
	_, _ = bot.Request(tgbotapi.NewCallback(updates[0].CallbackQuery.ID, "Saved"))
	fmt.Println(updates[0].CallbackQuery.Data)
	fmt.Println(s.CallbackAnswer(tap.QueryID))
	// Output:
	// Survey s_parks: do you walk in the park?
	// q1:yes
	// Saved false true
}
