package tgemu

import (
	"net/url"
	"time"
)

const (
	maxPollTimeout     = 50 // seconds
	maxUpdatesLimit    = 100
	defaultConnections = 40
	maxConnections     = 100
	maxSecretLength    = 256
)

// getUpdates returns unconfirmed updates, waiting up to timeout seconds for
// one when there are none. A newer call ends a waiting one with 409 Conflict,
// as Telegram does when two instances of a bot poll.
func (s *Server) getUpdates(r *request) (any, error) {
	offset, _, err := r.integer("offset")
	if err != nil {
		return nil, badRequest("wrong parameter offset")
	}
	limit, ok, err := r.integer("limit")
	if err != nil {
		return nil, badRequest("wrong parameter limit")
	}
	if !ok || limit > maxUpdatesLimit {
		limit = maxUpdatesLimit
	}
	limit = max(limit, 1)
	timeout, _, err := r.integer("timeout")
	if err != nil {
		return nil, badRequest("wrong parameter timeout")
	}
	timeout = min(max(timeout, 0), maxPollTimeout)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook != nil {
		return nil, errWebhookActive
	}
	if err := s.setAllowedLocked(r); err != nil {
		return nil, err
	}
	s.pollGen++
	gen := s.pollGen
	s.queueChanged.notify() // ends an older waiting call
	s.confirmLocked(int(offset))

	var expired <-chan time.Time
	if timeout > 0 {
		timer := time.NewTimer(time.Duration(timeout) * time.Second)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		switch {
		case s.webhook != nil:
			return nil, errWebhookActive
		case gen != s.pollGen:
			return nil, errOtherPoller
		case len(s.queue) > 0 || timeout == 0 || s.closed:
			return s.takeLocked(int(limit)), nil
		}
		wake := s.queueChanged.wait()
		s.mu.Unlock()
		select {
		case <-wake:
		case <-expired:
			timeout = 0
		case <-r.ctx.Done():
			s.mu.Lock()             // for the deferred Unlock
			return nil, r.ctx.Err() // the bot hung up: nothing is marked as delivered
		case <-s.done:
		}
		s.mu.Lock()
	}
}

func (s *Server) setWebhook(r *request) (any, error) {
	raw := r.str("url")
	if raw == "" {
		return s.deleteWebhook(r)
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, badRequest("bad webhook: invalid webhook URL specified")
	}
	secret := r.str("secret_token")
	if len(secret) > maxSecretLength {
		return nil, badRequest("secret token is too long")
	}
	for _, c := range []byte(secret) {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return nil, badRequest("secret token contains unallowed characters")
		}
	}
	conns, ok, err := r.integer("max_connections")
	if err != nil {
		return nil, badRequest("wrong parameter max_connections")
	}
	if !ok || conns == 0 {
		conns = defaultConnections
	}
	conns = min(max(conns, 1), maxConnections)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if err := s.setAllowedLocked(r); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if r.flag("drop_pending_updates") {
		s.queue = nil
		s.queueChanged.notify()
	}
	old := s.webhook
	s.webhook = newWebhook(raw, secret, int(conns))
	s.startWebhookLocked(s.webhook)
	s.queueChanged.notify() // ends a waiting getUpdates
	s.mu.Unlock()
	if old != nil {
		old.shutdown()
		s.client.CloseIdleConnections()
	}
	return true, nil
}

func (s *Server) deleteWebhook(r *request) (any, error) {
	s.mu.Lock()
	if r.flag("drop_pending_updates") {
		s.queue = nil
		s.queueChanged.notify()
	}
	old := s.webhook
	s.webhook = nil
	s.mu.Unlock()
	if old != nil {
		old.shutdown()
		s.client.CloseIdleConnections()
	}
	return true, nil
}

func (s *Server) getWebhookInfo(*request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := tgWebhookInfo{PendingUpdateCount: len(s.queue), AllowedUpdates: s.allowedListLocked()}
	if wh := s.webhook; wh != nil {
		info.URL, info.MaxConnections = wh.url, wh.maxConns
		if !wh.lastErrorDate.IsZero() {
			info.LastErrorDate, info.LastErrorMessage = wh.lastErrorDate.Unix(), wh.lastError
		}
	}
	return info, nil
}
