package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Telegram's answers become these domain errors at the edge; callers use
// errors.Is / errors.As.
var (
	// ErrBlocked: the citizen blocked the bot or deleted their account (403).
	// Never retried.
	ErrBlocked = errors.New("telegram: citizen cannot be reached")
	// ErrRetryable: a network error or a 5xx; the same request may succeed later.
	ErrRetryable = errors.New("telegram: temporary failure")
	// ErrPermanent: Telegram refused the request (4xx); sending it again fails again.
	ErrPermanent = errors.New("telegram: request refused")
	// ErrNotModified: an edit that changes nothing; harmless.
	ErrNotModified = errors.New("telegram: message is not modified")
	// ErrQueryTooOld: a callback query answered too late or twice; harmless.
	ErrQueryTooOld = errors.New("telegram: callback query is too old")
)

// ThrottledError is a 429: nothing may be sent for RetryAfter.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("telegram: too many requests, retry after %s", e.RetryAfter)
}

// classify turns an error of the Telegram client into a domain error, keeping
// Telegram's description for the logs.
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		// A *url.Error names the request URL, which holds the bot token:
		// keep only the cause.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Errorf("%s: %w: %w", method, ErrRetryable, err)
	}
	desc := tgErr.Message
	code := tgErr.Code
	if code == 0 { // tgbotapi leaves Code empty on multipart uploads
		switch {
		case tgErr.RetryAfter > 0 || strings.HasPrefix(desc, "Too Many Requests"):
			code = 429
		case strings.HasPrefix(desc, "Forbidden"):
			code = 403
		case strings.HasPrefix(desc, "Bad Request"):
			code = 400
		}
	}
	switch {
	case code == 429:
		after := time.Duration(tgErr.RetryAfter) * time.Second
		if after <= 0 {
			after = time.Second
		}
		return fmt.Errorf("%s: %w", method, &ThrottledError{RetryAfter: after})
	case code == 403, code == 400 && chatGone(desc):
		return fmt.Errorf("%s: %w: %s", method, ErrBlocked, desc)
	case code >= 500 || code == 0:
		return fmt.Errorf("%s: %w: %d %s", method, ErrRetryable, code, desc)
	case strings.Contains(desc, "message is not modified"):
		return fmt.Errorf("%s: %w", method, ErrNotModified)
	case strings.Contains(desc, "query is too old"):
		return fmt.Errorf("%s: %w", method, ErrQueryTooOld)
	}
	return fmt.Errorf("%s: %w: %d %s", method, ErrPermanent, code, desc)
}

// chatGone reports whether a 400 is about the chat rather than the request:
// an account deleted, or a chat the bot never had. Such a citizen is as
// unreachable as one who blocked the bot.
func chatGone(desc string) bool {
	for _, s := range []string{"chat not found", "PEER_ID_INVALID", "user not found"} {
		if strings.Contains(desc, s) {
			return true
		}
	}
	return false
}

// Refusal is Telegram's description of a refused request (ErrPermanent), as
// "400 Bad Request: can't parse entities: …"; "" for any other error.
func Refusal(err error) string {
	if !errors.Is(err, ErrPermanent) {
		return ""
	}
	_, desc, _ := strings.Cut(err.Error(), ErrPermanent.Error()+": ")
	return desc
}
