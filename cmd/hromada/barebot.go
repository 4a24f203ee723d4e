package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// barebot is the yardstick of `hromada loadtest -bare`: the same 13-step
// survey done the plainest way with the same three libraries — per update one
// Redis GET, one INSERT, one Redis SET and the replies — with none of what
// Hromada adds (de-duplication, per-chat lock and order, drafts that rebuild
// the conversation, validation, localisation, metrics). It is not a product:
// it exists so Hromada's cost per exchange is compared on the same machine.
func barebot(ctx context.Context) error {
	token, apiURL := os.Getenv("TELEGRAM_BOT_TOKEN"), os.Getenv("TELEGRAM_API_URL")
	prefix := os.Getenv("REDIS_PREFIX")
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `create table if not exists bare_answers (chat_id bigint, step int, value text, at timestamptz)`); err != nil {
		return err
	}
	ro, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		return err
	}
	rdb := redis.NewClient(ro)
	defer rdb.Close()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 100
	api, err := tgbotapi.NewBotAPIWithClient(token, apiURL+"/bot%s/%s", &http.Client{Timeout: time.Minute, Transport: transport})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("/metrics", func(http.ResponseWriter, *http.Request) {})
	srv := &http.Server{Addr: os.Getenv("ADMIN_LISTEN"), Handler: mux}
	go func() { _ = srv.ListenAndServe() }()
	defer srv.Close()

	keyboard := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Так", "a"), tgbotapi.NewInlineKeyboardButtonData("Ні", "b")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("3", "c"), tgbotapi.NewInlineKeyboardButtonData("7", "d")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("м. Київ", "e"), tgbotapi.NewInlineKeyboardButtonData("Перший", "f")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ Погоджуюся", "g"), tgbotapi.NewInlineKeyboardButtonData("✅ Підтвердити", "h")),
	)
	handle := func(u tgbotapi.Update) {
		var chat int64
		var value string
		switch {
		case u.Message != nil:
			chat, value = u.Message.Chat.ID, u.Message.Text
		case u.CallbackQuery != nil:
			chat, value = u.CallbackQuery.Message.Chat.ID, u.CallbackQuery.Data
			_, _ = api.Request(tgbotapi.NewCallback(u.CallbackQuery.ID, ""))
		default:
			return
		}
		key := prefix + strconv.FormatInt(chat, 10)
		step, _ := rdb.Get(ctx, key).Int()
		if strings.HasPrefix(value, "/start") {
			step = 0
		}
		_, _ = pool.Exec(ctx, `insert into bare_answers values ($1, $2, $3, now())`, chat, step, value)
		rdb.Set(ctx, key, step+1, 30*24*time.Hour)
		var text string
		switch {
		case step == 0:
			text = "Погоджуєтеся?"
		case step <= 10:
			text = "Питання " + strconv.Itoa(step)
		case step == 11:
			text = "Перевірте ваші відповіді"
		default:
			text = "Дякуємо!"
		}
		m := tgbotapi.NewMessage(chat, text)
		m.ReplyMarkup = keyboard
		_, _ = api.Send(m)
	}
	offset := 0
	for ctx.Err() == nil {
		updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: 10})
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, u := range updates {
			offset = u.UpdateID + 1
			go handle(u)
		}
	}
	fmt.Fprintln(os.Stderr, "barebot stopped")
	return nil
}
