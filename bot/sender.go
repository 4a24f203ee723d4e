package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/hromada/hromada/internal/dialogue"
)

// Sender owns the bot's outgoing budget: one rate limit for the whole bot,
// and a pause for everyone when Telegram answers 429. It retries temporary
// failures a bounded number of times and never retries a blocked citizen.
type Sender struct {
	api     *tgbotapi.BotAPI
	limiter *rate.Limiter
	log     *slog.Logger
	metrics *Metrics

	mu          sync.Mutex
	pausedUntil time.Time

	// urgent counts conversation messages waiting for the budget; bulk
	// messages (broadcasts) wait while there are any.
	urgent atomic.Int32
	// bulkTurn lets one bulk message at a time wait for a token, so that a
	// conversation's message is never queued behind more than one of them.
	bulkTurn sync.Mutex
}

// sendAttempts bounds the tries of one request (429s and temporary failures).
const sendAttempts = 5

// NewSender returns a Sender allowing perSecond requests (rate.Inf: no limit).
// Its burst is a fifth of a second's worth: after a 429's pause (or a
// restart), a full second's burst on top of what Telegram already counted
// would meet flood control again.
func NewSender(api *tgbotapi.BotAPI, perSecond rate.Limit, log *slog.Logger, m *Metrics) *Sender {
	burst := max(int(perSecond)/5, 1)
	if perSecond == rate.Inf {
		burst = 1
	}
	return &Sender{api: api, limiter: rate.NewLimiter(perSecond, burst), log: log, metrics: m}
}

// Deliver sends the replies of one update in order. A harmless refusal (an
// edit that changes nothing, a late callback answer) is skipped; a blocked
// citizen stops the rest; other failures are returned after the rest is tried.
func (s *Sender) Deliver(ctx context.Context, outs []dialogue.Out) error {
	return s.deliver(ctx, outs, false)
}

// DeliverBulk is Deliver for broadcast messages: they take what is left of
// the budget once the conversations' replies had theirs.
func (s *Sender) DeliverBulk(ctx context.Context, outs []dialogue.Out) error {
	return s.deliver(ctx, outs, true)
}

func (s *Sender) deliver(ctx context.Context, outs []dialogue.Out, bulk bool) error {
	var errs []error
	for _, o := range outs {
		c, method := render(o)
		err := s.do(ctx, method, c, bulk)
		switch {
		case err == nil, errors.Is(err, ErrNotModified), errors.Is(err, ErrQueryTooOld):
		case errors.Is(err, ErrBlocked):
			return err
		default:
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Do sends one request within the budget, waiting out 429 pauses and
// retrying temporary failures.
func (s *Sender) Do(ctx context.Context, method string, c tgbotapi.Chattable) error {
	return s.do(ctx, method, c, false)
}

func (s *Sender) do(ctx context.Context, method string, c tgbotapi.Chattable, bulk bool) error {
	var err error
	for attempt := range sendAttempts {
		if err := s.wait(ctx, method != "answerCallbackQuery", bulk); err != nil {
			return err
		}
		_, raw := s.api.Request(c)
		err = classify(method, raw)
		s.metrics.Requests.WithLabelValues(method, outcome(err)).Inc()
		var throttled *ThrottledError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &throttled):
			s.pause(throttled.RetryAfter)
			s.log.Warn("telegram throttled the bot", "method", method, "retry_after", throttled.RetryAfter)
			if method == "answerCallbackQuery" { // not held by wait: honour retry_after here
				sleep(ctx, throttled.RetryAfter)
			}
		case errors.Is(err, ErrRetryable):
			backoff := time.Duration(200*(attempt+1)*(attempt+1)) * time.Millisecond
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff):
			}
		default:
			return err
		}
	}
	return err
}

// wait blocks until no 429 pause is running and the rate limit allows one
// more message. Answers to callback queries are not messages: they go at once,
// so that a tap never spins until Telegram calls the query too old. A bulk
// message also waits while a conversation's message waits.
func (s *Sender) wait(ctx context.Context, message, bulk bool) error {
	if !message {
		return nil
	}
	if bulk {
		s.bulkTurn.Lock()
		defer s.bulkTurn.Unlock()
		for s.urgent.Load() > 0 {
			if err := sleepCtx(ctx, 2*time.Millisecond); err != nil {
				return err
			}
		}
	} else {
		s.urgent.Add(1)
		defer s.urgent.Add(-1)
	}
	for {
		if err := s.waitPause(ctx); err != nil {
			return err
		}
		if err := s.limiter.Wait(ctx); err != nil {
			return err
		}
		// A 429 may have come while this message waited for its turn:
		// then it waits the pause out (and its turn again).
		if !s.paused() {
			return nil
		}
	}
}

// waitPause blocks until no 429 pause is running.
func (s *Sender) waitPause(ctx context.Context) error {
	for {
		s.mu.Lock()
		until := s.pausedUntil
		s.mu.Unlock()
		d := time.Until(until)
		if d <= 0 {
			return nil
		}
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
}

func (s *Sender) paused() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Before(s.pausedUntil)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func (s *Sender) pause(d time.Duration) {
	s.mu.Lock()
	if until := time.Now().Add(d); until.After(s.pausedUntil) {
		s.pausedUntil = until
	}
	s.mu.Unlock()
}

func outcome(err error) string {
	var throttled *ThrottledError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &throttled):
		return "throttled"
	case errors.Is(err, ErrBlocked):
		return "blocked"
	case errors.Is(err, ErrRetryable):
		return "retryable"
	case errors.Is(err, ErrNotModified), errors.Is(err, ErrQueryTooOld):
		return "harmless"
	}
	return "refused"
}

// render turns a reply into a Bot API request.
func render(o dialogue.Out) (tgbotapi.Chattable, string) {
	switch o.Kind {
	case dialogue.Answer:
		cb := tgbotapi.NewCallback(o.CallbackID, o.Toast)
		cb.ShowAlert = o.Alert
		return cb, "answerCallbackQuery"
	case dialogue.Edit:
		e := tgbotapi.NewEditMessageText(o.ChatID, o.MessageID, o.Text)
		e.ParseMode = tgbotapi.ModeHTML
		e.DisableWebPagePreview = true
		if kb := inline(o.Buttons); kb != nil {
			e.ReplyMarkup = kb
		}
		return e, "editMessageText"
	case dialogue.Document:
		f := o.Files[0]
		d := tgbotapi.NewDocument(o.ChatID, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Bytes})
		d.Caption = f.Caption
		return d, "sendDocument"
	case dialogue.Album:
		if len(o.Files) == 1 { // an album needs two pictures at least
			f := o.Files[0]
			p := tgbotapi.NewPhoto(o.ChatID, tgbotapi.FileBytes{Name: f.Name, Bytes: f.Bytes})
			p.Caption = f.Caption
			return p, "sendPhoto"
		}
		media := make([]any, 0, len(o.Files))
		for _, f := range o.Files {
			p := tgbotapi.NewInputMediaPhoto(tgbotapi.FileBytes{Name: f.Name, Bytes: f.Bytes})
			p.Caption = f.Caption
			media = append(media, p)
		}
		return tgbotapi.NewMediaGroup(o.ChatID, media), "sendMediaGroup"
	case dialogue.Point:
		return tgbotapi.NewLocation(o.ChatID, o.Lat, o.Lon), "sendLocation"
	case dialogue.EditMarkup:
		kb := inline(o.Buttons)
		if kb == nil {
			kb = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
		}
		return tgbotapi.NewEditMessageReplyMarkup(o.ChatID, o.MessageID, *kb), "editMessageReplyMarkup"
	}
	m := tgbotapi.NewMessage(o.ChatID, o.Text)
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableWebPagePreview = true
	switch {
	case len(o.Keyboard) > 0:
		rows := make([][]tgbotapi.KeyboardButton, len(o.Keyboard))
		for i, row := range o.Keyboard {
			for _, b := range row {
				rows[i] = append(rows[i], tgbotapi.KeyboardButton{Text: b.Text, RequestContact: b.RequestContact, RequestLocation: b.RequestLocation})
			}
		}
		m.ReplyMarkup = tgbotapi.ReplyKeyboardMarkup{Keyboard: rows, ResizeKeyboard: true}
	case len(o.Buttons) > 0:
		m.ReplyMarkup = *inline(o.Buttons)
	case o.RemoveKeyboard:
		m.ReplyMarkup = tgbotapi.NewRemoveKeyboard(true)
	}
	return m, "sendMessage"
}

func inline(rows [][]dialogue.Button) *tgbotapi.InlineKeyboardMarkup {
	if len(rows) == 0 {
		return nil
	}
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, len(rows))}
	for i, row := range rows {
		for _, b := range row {
			if b.URL != "" {
				kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
				continue
			}
			kb.InlineKeyboard[i] = append(kb.InlineKeyboard[i], tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
	}
	return &kb
}
