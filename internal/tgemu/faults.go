package tgemu

import (
	"fmt"
	"net/http"
	"strings"
)

// failure is an error answer injected with FailNext (or a lost answer, with
// LoseNextResponse).
type failure struct {
	method string // "" matches every method
	left   int
	err    *apiError
}

// FailNext makes the next n calls of method ("" for any method) fail with the
// given HTTP code and description, and a retry_after when retryAfter > 0,
// without doing anything. An empty description becomes Telegram's usual one
// for the code, e.g. "Too Many Requests: retry after 5" or "Forbidden: bot was
// blocked by the user". Failures queue up in the order they were injected.
//
// A 429 with retryAfter on a method that sends messages (see Options.Limits)
// also pauses every such method for retryAfter seconds, whether or not
// Options.Limits is on: a bot that ignores retry_after meets more 429s, and
// Stats().TooManyRequests stays at one per pause for a bot that waits.
func (s *Server) FailNext(method string, n int, code int, description string, retryAfter int) {
	if n <= 0 {
		return
	}
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, left: n, err: &apiError{code: code, description: description, retryAfter: retryAfter}})
}

// LoseNextResponse makes the next n calls of method ("" for any method) take
// effect while their answer is lost: the connection closes before the bot
// reads it, as when a network fails after Telegram has acted.
func (s *Server) LoseNextResponse(method string, n int) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.losses = append(s.losses, failure{method: method, left: n})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", max(retryAfter, 1))
	case http.StatusForbidden:
		return errBotBlocked.description
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusConflict:
		return "Conflict"
	}
	if text := http.StatusText(code); text != "" {
		return text
	}
	return fmt.Sprintf("Error %d", code)
}

// take consumes one use of the first matching entry of list.
func take(list *[]failure, method string) (failure, bool) {
	for i := range *list {
		f := &(*list)[i]
		if f.method != "" && !strings.EqualFold(f.method, method) {
			continue
		}
		out := *f
		if f.left--; f.left == 0 {
			*list = append((*list)[:i], (*list)[i+1:]...)
		}
		return out, true
	}
	return failure{}, false
}
