package tgemu

import (
	"math"
	"time"
)

// Flood control, as Telegram documents it for bots (see Options.Limits).
const (
	botRate   = 30.0 // messages a second over the whole bot
	botBurst  = 30.0
	chatRate  = 1.0 // messages a second into one private chat
	chatBurst = 3.0
	// Paid broadcasts: "up to 1000 messages per second". Telegram does not
	// say how bursty; like the free budget, the burst is one second's worth.
	paidRate  = 1000.0
	paidBurst = 1000.0
)

// limitedMethod reports whether a method sends a message and so counts
// against flood control.
func limitedMethod(name string) bool {
	switch name {
	case "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendLocation":
		return true
	}
	return false
}

// paidBroadcast reports whether a request sends a message as a paid
// broadcast: allow_paid_broadcast true, as a form value or in JSON.
func paidBroadcast(method string, r *request) bool {
	return limitedMethod(method) && r.flag("allow_paid_broadcast")
}

// bucket is a token bucket with a penalty: once it has refused a request it
// refuses everything until the retry_after it announced has passed.
type bucket struct {
	tokens      float64
	at          time.Time
	pausedUntil time.Time
}

// wait refills the bucket and returns how long until it can take a token.
func (b *bucket) wait(now time.Time, rate, burst float64) time.Duration {
	if b.at.IsZero() {
		b.tokens = burst
	} else {
		b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	}
	b.at = now
	if now.Before(b.pausedUntil) {
		return b.pausedUntil.Sub(now)
	}
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// refuse answers a request the bucket cannot take yet, d before it can: it
// starts a penalty of the announced retry_after (in whole seconds) unless one
// is running already, which early retries do not extend.
func (b *bucket) refuse(now time.Time, d time.Duration) int {
	secs := max(1, int(math.Ceil(d.Seconds())))
	if !now.Before(b.pausedUntil) {
		b.pausedUntil = now.Add(time.Duration(secs) * time.Second)
	}
	return secs
}

// limiter is the flood control of one bot. Guarded by Server.mu.
type limiter struct {
	bot   bucket // messages without allow_paid_broadcast
	paid  bucket // messages with it
	chats map[int64]*bucket
}

// pause refuses every message, paid or not, for secs seconds, as after a 429.
func (l *limiter) pause(now time.Time, secs int) {
	until := now.Add(time.Duration(secs) * time.Second)
	for _, b := range []*bucket{&l.bot, &l.paid} {
		if until.After(b.pausedUntil) {
			b.pausedUntil = until
		}
	}
}

// admit takes a token for a message into chatID, from the paid budget when
// paid, or returns the retry_after of a 429. Without rates it only enforces
// pauses.
func (l *limiter) admit(now time.Time, chatID int64, paid, rates bool) int {
	bot, rate, burst := &l.bot, botRate, botBurst
	if paid {
		bot, rate, burst = &l.paid, paidRate, paidBurst
	}
	if !rates {
		if now.Before(bot.pausedUntil) {
			return bot.refuse(now, bot.pausedUntil.Sub(now))
		}
		return 0
	}
	waitBot := bot.wait(now, rate, burst)
	var chat *bucket
	var waitChat time.Duration
	if chatID > 0 {
		if chat = l.chats[chatID]; chat == nil {
			chat = &bucket{}
			l.chats[chatID] = chat
		}
		waitChat = chat.wait(now, chatRate, chatBurst)
	}
	if waitBot == 0 && waitChat == 0 {
		bot.tokens--
		if chat != nil {
			chat.tokens--
		}
		return 0
	}
	retry := 0
	if waitBot > 0 {
		retry = bot.refuse(now, waitBot)
	}
	if waitChat > 0 {
		retry = max(retry, chat.refuse(now, waitChat))
	}
	return retry
}
