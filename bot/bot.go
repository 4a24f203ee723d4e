// Package bot is Hromada's Telegram edge: it receives updates (long polling or
// webhook) at least once, decodes them, hands them to the dialogue one chat at
// a time, and sends the replies within Telegram's limits.
//
// Telegram's types stay in this package; the dialogue sees only its own.
package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"hash/maphash"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/hromada/hromada/internal/dialogue"
	"github.com/hromada/hromada/internal/store"
)

// Metrics count Telegram traffic.
type Metrics struct {
	Requests *prometheus.CounterVec // by method and outcome
	Received prometheus.Counter
}

// NewMetrics makes the metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hromada_telegram_requests_total", Help: "Bot API requests, by method and outcome."}, []string{"method", "outcome"}),
		Received: prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_updates_received_total", Help: "Updates received from Telegram."}),
	}
	if reg != nil {
		reg.MustRegister(m.Requests, m.Received)
	}
	return m
}

// Bot connects Telegram to the dialogue.
type Bot struct {
	API      *tgbotapi.BotAPI
	Dialogue *dialogue.Dialogue
	Sender   *Sender
	Log      *slog.Logger
	Metrics  *Metrics
	// HandleTimeout bounds the handling of one update (default 45 s, under
	// Telegram's 60 s webhook wait).
	HandleTimeout time.Duration
	// Healthy reports whether Postgres and Redis answer. Long polling gives
	// up on an update that keeps failing only while they do (a poisoned
	// update must not stop every chat; an outage must not lose updates).
	Healthy func(context.Context) error
	// Reach records whether a citizen can be reached (false after a 403 or
	// when they block the bot, true when they unblock it).
	Reach func(ctx context.Context, telegramID int64, reachable bool) error
}

// maxAttempts is how often long polling tries an update that fails while
// Postgres and Redis are healthy before it gives up on it.
const maxAttempts = 5

// allowedUpdates are the update types Hromada asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// Handle handles one update. A nil error means the update may be confirmed
// to Telegram (handled, a duplicate, or of a kind Hromada ignores).
func (b *Bot) Handle(ctx context.Context, u tgbotapi.Update) error {
	b.Metrics.Received.Inc()
	timeout := b.HandleTimeout
	if timeout <= 0 {
		timeout = 45 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	if m := u.MyChatMember; m != nil && m.Chat.Type == "private" {
		// The citizen blocked the bot ("kicked") or unblocked it ("member").
		return b.reach(ctx, m.Chat.ID, m.NewChatMember.Status != "kicked")
	}
	d, ok := decode(u)
	if !ok {
		return nil
	}
	deliver := func(ctx context.Context, outs []dialogue.Out) error {
		err := b.Sender.Deliver(ctx, outs)
		if errors.Is(err, ErrBlocked) {
			_ = b.reach(ctx, d.ChatID, false)
		}
		return err
	}
	start := time.Now()
	err := b.Dialogue.Handle(ctx, d, deliver)
	if err != nil {
		b.Log.Error("update not handled", "chat_id", d.ChatID, "update_id", d.ID, "error", err)
		return err
	}
	b.Log.Debug("update handled", "chat_id", d.ChatID, "update_id", d.ID, "duration", time.Since(start))
	return nil
}

// reach records a citizen's reachability; a chat that never gave consent has
// no record, which is fine.
func (b *Bot) reach(ctx context.Context, telegramID int64, reachable bool) error {
	if b.Reach == nil {
		return nil
	}
	if err := b.Reach(ctx, telegramID, reachable); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// Poll receives updates with getUpdates until ctx ends. An update is
// confirmed (the next offset passes it) only after it was handled, so a crash
// loses nothing; Redis drops the ones handled twice. One chat's updates are
// handled in order, different chats at once (workers of them).
func (b *Bot) Poll(ctx context.Context, timeout time.Duration, workers int) error {
	if _, err := b.API.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		return classify("deleteWebhook", err)
	}
	offset := 0
	seed := maphash.MakeSeed()
	failures := 0
	for ctx.Err() == nil {
		cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: 100, Timeout: int(timeout.Seconds()), AllowedUpdates: allowedUpdates}
		updates, err := b.getUpdates(ctx, cfg)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			err = classify("getUpdates", err)
			var throttled *ThrottledError
			wait := time.Second
			if errors.As(err, &throttled) {
				wait = throttled.RetryAfter
			}
			b.Log.Warn("getUpdates failed", "error", err)
			sleep(ctx, wait)
			continue
		}
		pending := updates
		attempts := map[int]int{}
		for len(pending) > 0 {
			pending = b.giveUp(ctx, b.handleBatch(ctx, pending, workers, seed, attempts), attempts)
			if len(pending) > 0 {
				failures++
				sleep(ctx, min(time.Duration(failures)*500*time.Millisecond, 10*time.Second))
				if ctx.Err() != nil {
					return nil // unconfirmed: Telegram delivers them again
				}
			} else {
				failures = 0
			}
		}
		for _, u := range updates {
			if u.UpdateID >= offset {
				offset = u.UpdateID + 1
			}
		}
	}
	if offset > 0 { // confirm the last batch before leaving
		_, _ = b.API.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 1, Timeout: 0})
	}
	return nil
}

// getUpdates long-polls, returning at once when ctx ends: the client library
// takes no context, and a shutdown should not wait out the poll. Updates of
// an abandoned poll are not confirmed, so Telegram delivers them again.
func (b *Bot) getUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	type result struct {
		updates []tgbotapi.Update
		err     error
	}
	ch := make(chan result, 1)
	go func() {
		u, err := b.API.GetUpdates(cfg)
		ch <- result{u, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		return r.updates, r.err
	}
}

// giveUp drops from failed the updates that failed maxAttempts times while
// Postgres and Redis were healthy, logging each: they fail for a reason of
// their own and would hold up every chat. An update that waited behind a
// failing one of its chat was not tried and is never dropped.
func (b *Bot) giveUp(ctx context.Context, failed []tgbotapi.Update, attempts map[int]int) []tgbotapi.Update {
	if len(failed) == 0 || b.Healthy == nil {
		return failed
	}
	if err := b.Healthy(ctx); err != nil {
		return failed
	}
	kept := failed[:0]
	for _, u := range failed {
		if attempts[u.UpdateID] >= maxAttempts {
			b.Log.Error("update dropped after repeated failures", "chat_id", chatOf(u), "update_id", u.UpdateID, "attempts", attempts[u.UpdateID])
			continue
		}
		kept = append(kept, u)
	}
	return kept
}

// handleBatch handles updates, one chat's in order on one worker, and
// returns those that failed and those waiting behind them in their lane,
// counting in attempts the failures of each update tried.
func (b *Bot) handleBatch(ctx context.Context, updates []tgbotapi.Update, workers int, seed maphash.Seed, attempts map[int]int) []tgbotapi.Update {
	lanes := map[uint64][]tgbotapi.Update{}
	for _, u := range updates {
		lane := maphash.Comparable(seed, chatOf(u)) % uint64(max(workers, 1))
		lanes[lane] = append(lanes[lane], u)
	}
	var (
		mu     sync.Mutex
		failed []tgbotapi.Update
		wg     sync.WaitGroup
	)
	for _, lane := range lanes {
		wg.Go(func() {
			for i, u := range lane {
				if err := b.Handle(ctx, u); err != nil {
					mu.Lock() // this and the rest of the lane wait for a retry, in order
					attempts[u.UpdateID]++
					failed = append(failed, lane[i:]...)
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return failed
}

func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// SetWebhook registers url with Telegram with a secret token.
func (b *Bot) SetWebhook(url, secret string, maxConnections int) error {
	allowed, _ := json.Marshal(allowedUpdates)
	_, err := b.API.MakeRequest("setWebhook", tgbotapi.Params{
		"url":             url,
		"secret_token":    secret,
		"max_connections": itoa(maxConnections),
		"allowed_updates": string(allowed),
	})
	return classify("setWebhook", err)
}

// Webhook returns the HTTP handler Telegram calls. A request without the
// right X-Telegram-Bot-Api-Secret-Token gets 401 and is not processed; an
// update that could not be handled gets 500, so Telegram delivers it again.
func (b *Bot) Webhook(secret string) http.Handler {
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if len(want) == 0 || subtle.ConstantTimeCompare(got, want) != 1 {
			b.Log.Warn("webhook request with a wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := b.Handle(r.Context(), u); err != nil {
			http.Error(w, "not handled", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
