package bot

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestClassify(t *testing.T) {
	tg := func(code int, desc string, retryAfter int) error {
		return &tgbotapi.Error{Code: code, Message: desc, ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: retryAfter}}
	}
	for _, tc := range []struct {
		name      string
		err       error
		want      error
		throttled time.Duration
	}{
		{"429 with retry_after", tg(429, "Too Many Requests: retry after 7", 7), nil, 7 * time.Second},
		{"429 from a multipart upload (no code)", tg(0, "Too Many Requests: retry after 3", 3), nil, 3 * time.Second},
		{"blocked", tg(403, "Forbidden: bot was blocked by the user", 0), ErrBlocked, 0},
		{"deactivated, upload", tg(0, "Forbidden: user is deactivated", 0), ErrBlocked, 0},
		{"server error", tg(502, "Bad Gateway", 0), ErrRetryable, 0},
		{"not modified", tg(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same", 0), ErrNotModified, 0},
		{"late callback answer", tg(400, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0), ErrQueryTooOld, 0},
		{"too long", tg(400, "Bad Request: message is too long", 0), ErrPermanent, 0},
		{"account gone", tg(400, "Bad Request: chat not found", 0), ErrBlocked, 0},
		{"upload refused (no code)", tg(0, "Bad Request: wrong file", 0), ErrPermanent, 0},
		{"network", &url.Error{Op: "Post", URL: "https://api.telegram.org/bot123:SECRET/sendMessage", Err: errors.New("connection refused")}, ErrRetryable, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := classify("sendMessage", tc.err)
			var th *ThrottledError
			if tc.throttled > 0 {
				if !errors.As(got, &th) || th.RetryAfter != tc.throttled {
					t.Fatalf("classify = %v, want throttled for %s", got, tc.throttled)
				}
				return
			}
			if !errors.Is(got, tc.want) {
				t.Fatalf("classify = %v, want %v", got, tc.want)
			}
			if strings.Contains(got.Error(), "SECRET") {
				t.Fatalf("the token leaks into the error: %v", got)
			}
		})
	}
	if classify("x", nil) != nil {
		t.Fatal("nil error classified")
	}
	refused := classify("sendMessage", tg(400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0", 0))
	if got := Refusal(refused); got != `400 Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 0` {
		t.Errorf("Refusal = %q", got)
	}
	if got := Refusal(classify("sendMessage", tg(403, "Forbidden: bot was blocked by the user", 0))); got != "" {
		t.Errorf("Refusal of a block = %q", got)
	}
}
