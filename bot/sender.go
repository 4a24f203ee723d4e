package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
//
// With Shared budgets (Redis) the limit and the pause hold for every
// replica together; each process also keeps its own limiter and pause, which
// alone hold while Redis is unreachable. Broadcast messages may go as paid
// broadcasts (allow_paid_broadcast) at their own, higher rate.
type Sender struct {
	api        *tgbotapi.BotAPI
	limiter    *rate.Limiter // this process's share of the free budget
	paid       *rate.Limiter // paid broadcasts; nil when off
	shared     SharedBudget  // the free budget of every replica; nil: none
	sharedPaid SharedBudget
	log        *slog.Logger
	metrics    *Metrics

	mu           sync.Mutex
	pausedUntil  time.Time
	sharedFailed time.Time // last warning about the shared budget

	// urgent counts conversation messages waiting for the budget; bulk
	// messages (broadcasts) wait while there are any.
	urgent atomic.Int32
	// bulkTurn lets one bulk message at a time wait for a token, so that a
	// conversation's message is never queued behind more than one of them.
	bulkTurn sync.Mutex
}

// SharedBudget is a budget every replica shares (budget.Budget on Redis).
type SharedBudget interface {
	Wait(ctx context.Context) error
	// WaitBulk waits, besides, until no replica has an Urgent message
	// waiting.
	WaitBulk(ctx context.Context) error
	Urgent(ctx context.Context) (done func(), err error)
	Pause(ctx context.Context, d time.Duration) error
}

// SenderOptions configure a Sender.
type SenderOptions struct {
	Rate rate.Limit // messages a second for the whole bot (rate.Inf: no limit)
	// PaidRate > 0 sends broadcast messages as paid broadcasts
	// (allow_paid_broadcast) at up to this many a second, apart from Rate.
	PaidRate rate.Limit
	// Shared and SharedPaid, when set, hold Rate and PaidRate across
	// replicas; they must be built with the same rates.
	Shared, SharedPaid SharedBudget
}

// sendAttempts bounds the tries of one request (429s and temporary failures).
const sendAttempts = 5

// NewSender returns a Sender allowing perSecond requests (rate.Inf: no limit).
// Its burst is a fifth of a second's worth: after a 429's pause (or a
// restart), a full second's burst on top of what Telegram already counted
// would meet flood control again.
func NewSender(api *tgbotapi.BotAPI, perSecond rate.Limit, log *slog.Logger, m *Metrics) *Sender {
	return NewSenderWith(api, SenderOptions{Rate: perSecond}, log, m)
}

// NewSenderWith returns a Sender configured by o.
func NewSenderWith(api *tgbotapi.BotAPI, o SenderOptions, log *slog.Logger, m *Metrics) *Sender {
	s := &Sender{api: api, limiter: newLimiter(o.Rate), shared: o.Shared, log: log, metrics: m}
	if o.PaidRate > 0 {
		s.paid, s.sharedPaid = newLimiter(o.PaidRate), o.SharedPaid
	}
	return s
}

// Burst is a fifth of a second's worth of messages (at least one).
func Burst(perSecond rate.Limit) int {
	if perSecond == rate.Inf {
		return 1
	}
	return max(int(perSecond)/5, 1)
}

func newLimiter(perSecond rate.Limit) *rate.Limiter {
	if perSecond == 0 {
		perSecond = rate.Inf
	}
	return rate.NewLimiter(perSecond, Burst(perSecond))
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

// A class of message decides which budget it waits for.
type class int

const (
	urgent class = iota // conversation replies and everything else
	bulk                // broadcast messages on the free budget, after urgent ones
	paid                // broadcast messages sent as paid broadcasts
)

func (s *Sender) deliver(ctx context.Context, outs []dialogue.Out, isBulk bool) error {
	var errs []error
	for _, o := range outs {
		c, method := render(o)
		call := func() (*tgbotapi.APIResponse, error) { return s.api.Request(c) }
		cl := urgent
		if isBulk {
			cl = bulk
			if params, ok := paidParams(o); ok && s.paid != nil {
				cl = paid
				call = func() (*tgbotapi.APIResponse, error) { return s.api.MakeRequest(method, params) }
			}
		}
		_, err := s.request(ctx, method, call, cl)
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
	_, err := s.request(ctx, method, func() (*tgbotapi.APIResponse, error) { return s.api.Request(c) }, urgent)
	return err
}

// SendMessage sends one message (Kind Send) as Deliver does and returns its
// message_id, for a message to edit later.
func (s *Sender) SendMessage(ctx context.Context, o dialogue.Out) (int, error) {
	c, method := render(o)
	resp, err := s.request(ctx, method, func() (*tgbotapi.APIResponse, error) { return s.api.Request(c) }, urgent)
	if err != nil {
		return 0, err
	}
	var m struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &m); err != nil || m.MessageID == 0 {
		return 0, fmt.Errorf("bot: %s: no message_id in the answer", method)
	}
	return m.MessageID, nil
}

func (s *Sender) request(ctx context.Context, method string, call func() (*tgbotapi.APIResponse, error), cl class) (*tgbotapi.APIResponse, error) {
	var err error
	for attempt := range sendAttempts {
		if err := s.wait(ctx, method != "answerCallbackQuery", cl); err != nil {
			return nil, err
		}
		resp, raw := call()
		err = classify(method, raw)
		s.metrics.Requests.WithLabelValues(method, outcome(err)).Inc()
		var throttled *ThrottledError
		switch {
		case err == nil:
			return resp, nil
		case errors.As(err, &throttled):
			s.pause(ctx, throttled.RetryAfter)
			s.log.Warn("telegram throttled the bot", "method", method, "retry_after", throttled.RetryAfter)
			if method == "answerCallbackQuery" { // not held by wait: honour retry_after here
				sleep(ctx, throttled.RetryAfter)
			}
		case errors.Is(err, ErrRetryable):
			backoff := time.Duration(200*(attempt+1)*(attempt+1)) * time.Millisecond
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(backoff):
			}
		default:
			return nil, err
		}
	}
	return nil, err
}

// paidParams is a broadcast message as a paid broadcast request; ok is false
// for anything but a text or a photo by file_id (which is all a broadcast
// sends). tgbotapi v5 has no allow_paid_broadcast, so the request is built
// here, the way render's configs build theirs.
func paidParams(o dialogue.Out) (tgbotapi.Params, bool) {
	if o.Kind != dialogue.Send || len(o.Keyboard) > 0 || o.RemoveKeyboard {
		return nil, false
	}
	p := tgbotapi.Params{"parse_mode": tgbotapi.ModeHTML, "allow_paid_broadcast": "true"}
	p.AddNonZero64("chat_id", o.ChatID)
	if kb := inline(o.Buttons); kb != nil {
		if err := p.AddInterface("reply_markup", kb); err != nil {
			return nil, false
		}
	}
	if o.Photo != "" {
		p["photo"] = o.Photo
		p.AddNonEmpty("caption", o.Text)
		return p, true
	}
	p["text"] = o.Text
	p["disable_web_page_preview"] = "true"
	return p, true
}

// wait blocks until no 429 pause is running and the rate limit allows one
// more message. Answers to callback queries are not messages: they go at once,
// so that a tap never spins until Telegram calls the query too old. A bulk
// message also waits while a conversation's message waits; a paid one has a
// budget of its own.
func (s *Sender) wait(ctx context.Context, message bool, cl class) error {
	if !message {
		return nil
	}
	limiter, shared, sharedWait := s.limiter, s.shared, SharedBudget.Wait
	switch cl {
	case paid:
		limiter, shared = s.paid, s.sharedPaid
	case bulk:
		s.bulkTurn.Lock()
		defer s.bulkTurn.Unlock()
		for s.urgent.Load() > 0 {
			if err := sleepCtx(ctx, 2*time.Millisecond); err != nil {
				return err
			}
		}
		sharedWait = SharedBudget.WaitBulk // and after the other replicas' replies
	default:
		s.urgent.Add(1)
		defer s.urgent.Add(-1)
		if shared != nil {
			done, err := shared.Urgent(ctx)
			if err != nil && ctx.Err() == nil {
				s.sharedDown(err)
			}
			defer done()
		}
	}
	for {
		if err := s.waitPause(ctx); err != nil {
			return err
		}
		if err := limiter.Wait(ctx); err != nil {
			return err
		}
		if shared != nil {
			if err := sharedWait(shared, ctx); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s.sharedDown(err) // this process's own limit and pause still hold
			}
		}
		// A 429 may have come while this message waited for its turn:
		// then it waits the pause out (and its turn again).
		if !s.paused() {
			return nil
		}
	}
}

// sharedDown warns, at most once a minute, that the shared budget is out of
// reach.
func (s *Sender) sharedDown(err error) {
	s.mu.Lock()
	warn := time.Since(s.sharedFailed) > time.Minute
	if warn {
		s.sharedFailed = time.Now()
	}
	s.mu.Unlock()
	if warn {
		s.log.Warn("shared sending budget unavailable; this replica keeps its own limit", "error", err)
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

// pause stops this process's sending for d, and every replica's through the
// shared budgets.
func (s *Sender) pause(ctx context.Context, d time.Duration) {
	s.mu.Lock()
	if until := time.Now().Add(d); until.After(s.pausedUntil) {
		s.pausedUntil = until
	}
	s.mu.Unlock()
	for _, b := range []SharedBudget{s.shared, s.sharedPaid} {
		if b != nil {
			if err := b.Pause(context.WithoutCancel(ctx), d); err != nil {
				s.sharedDown(err)
			}
		}
	}
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
	if o.Photo != "" {
		p := tgbotapi.NewPhoto(o.ChatID, tgbotapi.FileID(o.Photo))
		p.Caption, p.ParseMode = o.Text, tgbotapi.ModeHTML
		if kb := inline(o.Buttons); kb != nil {
			p.ReplyMarkup = *kb
		}
		return p, "sendPhoto"
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
