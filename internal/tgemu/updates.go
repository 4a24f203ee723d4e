package tgemu

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Update kinds, as named in allowed_updates.
const (
	kindMessage       = "message"
	kindCallbackQuery = "callback_query"
	kindMyChatMember  = "my_chat_member"
)

// queuedUpdate is an update waiting to be confirmed (polling) or delivered
// (webhook).
type queuedUpdate struct {
	sentUpdate
	id         int
	redelivery bool      // put back by Redeliver
	delivered  bool      // returned by getUpdates at least once
	attempts   int       // failed webhook deliveries
	notBefore  time.Time // no webhook delivery before this
}

// sentUpdate is an update as it was first made, kept for Redeliver.
type sentUpdate struct {
	chatID int64
	kind   string
	body   []byte // the JSON Update
}

// enqueueLocked gives u the next update_id and queues it unless
// allowed_updates excludes its kind.
func (s *Server) enqueueLocked(chatID int64, kind string, u *tgUpdate) int {
	s.nextUpdateID++
	u.UpdateID = s.nextUpdateID
	body, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("tgemu: encode update: %v", err)) // the types above always encode
	}
	sent := sentUpdate{chatID: chatID, kind: kind, body: body}
	s.history[u.UpdateID] = sent
	if s.allowed == nil || s.allowed[kind] {
		s.queue = append(s.queue, &queuedUpdate{sentUpdate: sent, id: u.UpdateID})
		s.queueChanged.notify()
	}
	return u.UpdateID
}

// Redeliver queues an update again with the same update_id, as Telegram does
// when the bot's confirmation of it was lost. With getUpdates, the copy is
// returned by the next call even if its offset is already past updateID; a
// later offset past it confirms it. With a webhook, it is posted again in its
// chat's order.
func (s *Server) Redeliver(updateID int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	sent, ok := s.history[updateID]
	if !ok {
		return fmt.Errorf("%w: update %d", ErrNotFound, updateID)
	}
	at := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id > updateID })
	s.queue = slices.Insert(s.queue, at, &queuedUpdate{sentUpdate: sent, id: updateID, redelivery: true})
	s.queueChanged.notify()
	return nil
}

// Pending returns how many updates are not yet confirmed by getUpdates or,
// with a webhook, not yet answered with a 2xx.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// WaitConfirmed waits until no update is pending (see Pending).
func (s *Server) WaitConfirmed(ctx context.Context) error {
	s.mu.Lock()
	for len(s.queue) > 0 {
		wake := s.queueChanged.wait()
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
		s.mu.Lock()
	}
	s.mu.Unlock()
	return nil
}

// confirmLocked applies a getUpdates offset: a positive one confirms the
// updates below it (a redelivered copy only once it has been returned), a
// negative one forgets all but the last -offset updates.
func (s *Server) confirmLocked(offset int) {
	before := len(s.queue)
	switch {
	case offset > 0:
		s.queue = slices.DeleteFunc(s.queue, func(u *queuedUpdate) bool {
			return u.id < offset && (!u.redelivery || u.delivered)
		})
	case offset < 0 && len(s.queue) > -offset:
		s.queue = slices.Delete(s.queue, 0, len(s.queue)+offset)
	}
	if len(s.queue) != before {
		s.queueChanged.notify()
	}
}

// takeLocked returns up to limit updates from the head of the queue, marking
// them delivered.
func (s *Server) takeLocked(limit int) []json.RawMessage {
	n := min(limit, len(s.queue))
	out := make([]json.RawMessage, n)
	for i, u := range s.queue[:n] {
		u.delivered = true
		out[i] = u.body
	}
	return out
}

// removeLocked drops one queued update after a successful webhook delivery.
func (s *Server) removeLocked(u *queuedUpdate) {
	if i := slices.Index(s.queue, u); i >= 0 {
		s.queue = slices.Delete(s.queue, i, i+1)
	}
	s.queueChanged.notify()
}

// setAllowedLocked applies the allowed_updates parameter of r: absent keeps
// the previous setting, an empty list means every kind, as in Telegram.
func (s *Server) setAllowedLocked(r *request) error {
	var kinds []string
	if ok, err := r.decode("allowed_updates", &kinds); !ok {
		return nil
	} else if err != nil {
		return badRequest("can't parse allowed_updates JSON array")
	}
	if len(kinds) == 0 {
		s.allowed = nil
		return nil
	}
	s.allowed = make(map[string]bool, len(kinds))
	for _, k := range kinds {
		s.allowed[k] = true
	}
	return nil
}

func (s *Server) allowedListLocked() []string {
	var out []string
	for k := range s.allowed {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
