package tgemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// SecretHeader carries the webhook's secret_token in every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Redelivery waits firstRetry after a failed delivery, doubling up to maxRetry.
const (
	firstRetry = 100 * time.Millisecond
	maxRetry   = 2 * time.Second
)

// webhook is a registered webhook and the workers delivering to it: one per
// allowed connection, each taking the oldest update of a chat that has no
// delivery under way, so a chat's updates arrive in order and different
// chats' concurrently.
type webhook struct {
	url, secret string
	maxConns    int
	stop        context.CancelFunc
	workers     sync.WaitGroup

	lastErrorDate time.Time // guarded by Server.mu
	lastError     string
}

func newWebhook(url, secret string, maxConns int) *webhook {
	return &webhook{url: url, secret: secret, maxConns: maxConns}
}

func (s *Server) startWebhookLocked(wh *webhook) {
	ctx, cancel := context.WithCancel(context.Background())
	wh.stop = cancel
	wh.workers.Add(wh.maxConns)
	for range wh.maxConns {
		go s.deliver(ctx, wh)
	}
}

// shutdown stops the workers and waits for them; call it without Server.mu.
func (wh *webhook) shutdown() {
	wh.stop()
	wh.workers.Wait()
}

// deliver is one webhook worker.
func (s *Server) deliver(ctx context.Context, wh *webhook) {
	defer wh.workers.Done()
	for {
		u := s.nextDelivery(ctx)
		if u == nil {
			return
		}
		err := s.post(ctx, wh, u.body)
		s.mu.Lock()
		delete(s.inFlight, u.chatID)
		switch {
		case ctx.Err() != nil: // stopped: the update stays queued as it was
			s.queueChanged.notify()
		case err != nil:
			u.attempts++
			u.notBefore = time.Now().Add(min(firstRetry<<(u.attempts-1), maxRetry))
			wh.lastErrorDate, wh.lastError = time.Now(), err.Error()
			s.queueChanged.notify()
		default:
			s.removeLocked(u)
		}
		s.mu.Unlock()
	}
}

// nextDelivery waits for an update this worker may deliver and marks its chat
// busy; it returns nil once ctx is done.
func (s *Server) nextDelivery(ctx context.Context) *queuedUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if ctx.Err() != nil {
			return nil
		}
		u, retryIn := s.nextForWebhookLocked(time.Now())
		if u != nil {
			s.inFlight[u.chatID] = true
			return u
		}
		var retry <-chan time.Time
		if retryIn > 0 {
			if timer == nil {
				timer = time.NewTimer(retryIn)
			} else {
				timer.Reset(retryIn)
			}
			retry = timer.C
		}
		wake := s.queueChanged.wait()
		s.mu.Unlock()
		select {
		case <-wake:
		case <-retry:
		case <-ctx.Done():
		}
		s.mu.Lock()
	}
}

// nextForWebhookLocked returns the oldest update whose chat has no earlier
// update in flight or waiting to be retried; otherwise how long until a retry
// is due (0 if none is).
func (s *Server) nextForWebhookLocked(now time.Time) (*queuedUpdate, time.Duration) {
	clear(s.scanSkip)
	var retryIn time.Duration
	for _, u := range s.queue {
		switch {
		case s.scanSkip[u.chatID]:
		case s.inFlight[u.chatID]:
			s.scanSkip[u.chatID] = true
		case u.notBefore.After(now):
			s.scanSkip[u.chatID] = true
			if d := u.notBefore.Sub(now); retryIn == 0 || d < retryIn {
				retryIn = d
			}
		default:
			return u, 0
		}
	}
	return nil, retryIn
}

// post delivers one update; an error says why it failed, in the words of
// getWebhookInfo's last_error_message.
func (s *Server) post(ctx context.Context, wh *webhook, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wh.url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("Bad webhook URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if wh.secret != "" {
		req.Header.Set(SecretHeader, wh.secret)
	}
	resp, err := s.client.Do(req)
	if errors.Is(err, context.DeadlineExceeded) {
		return errors.New("Read timeout expired")
	}
	if err != nil {
		return fmt.Errorf("Connection failed: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}
