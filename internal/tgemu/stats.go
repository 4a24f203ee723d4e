package tgemu

import (
	"net/http"
	"time"
)

// Request is one call the bot made.
type Request struct {
	Method     string    // as the Bot API spells it, or as the bot sent it when unknown
	ChatID     int64     // the chat_id parameter; 0 when absent
	Time       time.Time // when the request arrived
	Code       int       // HTTP status of the answer: 200, 400, 429, …
	RetryAfter int       // the retry_after of a 429, in seconds
	Paid       bool      // a message sent with allow_paid_broadcast
}

// Stats counts the bot's calls.
type Stats struct {
	Calls           map[string]int // requests by method, failed ones included
	Errors          map[int]int    // error answers by HTTP status
	TooManyRequests int            // 429 answers, from flood control or FailNext
	// PaidMessages counts the requests sent with allow_paid_broadcast that
	// succeeded (a media group counts once, as in flood control). Telegram
	// charges Stars only for those beyond the free 30 a second; the emulator
	// does not count Stars.
	PaidMessages int
}

// record counts and logs a request and reports whether its answer must be
// lost.
func (s *Server) record(rec Request) (lose bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[rec.Method]++
	if rec.Code != http.StatusOK {
		s.errors[rec.Code]++
	} else if rec.Paid {
		s.paidMessages++
	}
	if n := s.opts.RequestLog; n > 0 {
		if len(s.requests) < n {
			s.requests = append(s.requests, rec)
		} else {
			s.requests[s.reqNext] = rec
			s.reqNext = (s.reqNext + 1) % n
		}
	}
	_, lose = take(&s.losses, rec.Method)
	return lose
}

// Stats returns the counts of calls so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Calls: make(map[string]int, len(s.calls)), Errors: make(map[int]int, len(s.errors))}
	for k, v := range s.calls {
		st.Calls[k] = v
	}
	for k, v := range s.errors {
		st.Errors[k] = v
	}
	st.TooManyRequests = s.errors[http.StatusTooManyRequests]
	st.PaidMessages = s.paidMessages
	return st
}

// Requests returns the most recent requests (see Options.RequestLog), oldest
// first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, 0, len(s.requests))
	out = append(out, s.requests[s.reqNext:]...)
	return append(out, s.requests[:s.reqNext]...)
}
