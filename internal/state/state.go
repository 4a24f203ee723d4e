// Package state keeps the fast, disposable part of a conversation in Redis:
// each chat's dialogue state, which updates were already handled, and a lock
// per chat so that one chat's updates are handled one at a time across all
// replicas.
//
// Redis is never the only copy of an answer: everything here can be lost and
// rebuilt from Postgres. All Redis calls of Hromada live here, but for the
// sending budget (internal/budget).
package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrBusy means another update of the same chat is being handled and the lock
// was not freed before the context ended.
var ErrBusy = errors.New("state: chat is busy")

// Options tune a State.
type Options struct {
	// Prefix starts every key, e.g. "hromada:". Tests use a prefix of their own.
	Prefix string
	// TTL is how long a chat's state lives after its last change (default 30 days).
	TTL time.Duration
	// HandledTTL is how long a handled update id is remembered (default 48 hours;
	// Telegram keeps an unconfirmed update for 24).
	HandledTTL time.Duration
	// LockTTL bounds how long a crashed holder can block a chat (default 60 s,
	// above the bot's 45 s limit on handling one update).
	LockTTL time.Duration
}

// State is the Redis side of Hromada.
type State struct {
	rdb  redis.UniversalClient
	opts Options
}

// New returns a State over rdb.
func New(rdb redis.UniversalClient, opts Options) *State {
	if opts.TTL <= 0 {
		opts.TTL = 30 * 24 * time.Hour
	}
	if opts.HandledTTL <= 0 {
		opts.HandledTTL = 48 * time.Hour
	}
	if opts.LockTTL <= 0 {
		opts.LockTTL = 60 * time.Second
	}
	return &State{rdb: rdb, opts: opts}
}

// Client returns the Redis client.
func (s *State) Client() redis.UniversalClient { return s.rdb }

// Prefix returns the key prefix.
func (s *State) Prefix() string { return s.opts.Prefix }

// Keys of one chat share a hash tag, so the scripts below work on Redis Cluster.
func (s *State) chatKey(chatID int64) string {
	return s.opts.Prefix + "{" + strconv.FormatInt(chatID, 10) + "}:chat"
}

func (s *State) lockKey(chatID int64) string {
	return s.opts.Prefix + "{" + strconv.FormatInt(chatID, 10) + "}:lock"
}

func (s *State) handledKey(chatID int64, updateID int) string {
	return s.opts.Prefix + "{" + strconv.FormatInt(chatID, 10) + "}:upd:" + strconv.Itoa(updateID)
}

// beginScript: KEYS handled, lock, chat; ARGV token, lock ms.
// Returns {0} for an update handled before, {1} when the chat is locked,
// {2, state-or-false} when the lock was taken.
var beginScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {2, redis.call('GET', KEYS[3])}
`)

// endScript: KEYS handled, lock, chat; ARGV token, handled ttl s, state, state ttl s.
// Only while this holder still owns the lock: saves the state (when ARGV[3]
// is not empty), marks the update handled and frees the lock. Returns 1 when
// the lock was ours, 0 (and writes nothing) when it had expired.
var endScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4]) end
if KEYS[1] ~= KEYS[2] then redis.call('SET', KEYS[1], 1, 'EX', ARGV[2]) end
redis.call('DEL', KEYS[2])
return 1
`)

// ErrLockLost: the chat's lock expired before the turn ended, so another
// holder may have changed the chat; nothing was saved and the update is not
// marked handled (it is handled again when delivered again).
var ErrLockLost = errors.New("state: chat lock expired before the turn ended")

var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Turn is one update being handled in one chat: it holds the chat's lock.
type Turn struct {
	s        *State
	chatID   int64
	updateID int
	token    string
	// State is the chat's saved state, nil when Redis has none.
	State []byte
}

// Begin starts handling update updateID of chat chatID. It returns (nil, nil)
// when the update was handled before (a duplicate); otherwise it waits for the
// chat's lock (until ctx ends: ErrBusy) and returns the Turn holding it.
// updateID < 0 means "no update to de-duplicate" (work started by the bot itself).
func (s *State) Begin(ctx context.Context, chatID int64, updateID int) (*Turn, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	handled := s.handledKey(chatID, updateID)
	if updateID < 0 {
		handled = s.lockKey(chatID) + ":none" // never exists
	}
	keys := []string{handled, s.lockKey(chatID), s.chatKey(chatID)}
	lockMS := strconv.FormatInt(s.opts.LockTTL.Milliseconds(), 10)
	wait := 2 * time.Millisecond
	for {
		res, err := beginScript.Run(ctx, s.rdb, keys, token, lockMS).Slice()
		if err != nil {
			return nil, fmt.Errorf("state: begin chat %d: %w", chatID, err)
		}
		code, _ := res[0].(int64)
		switch code {
		case 0:
			return nil, nil
		case 2:
			t := &Turn{s: s, chatID: chatID, updateID: updateID, token: token}
			if len(res) > 1 {
				if str, ok := res[1].(string); ok {
					t.State = []byte(str)
				}
			}
			return t, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: chat %d: %w", ErrBusy, chatID, ctx.Err())
		case <-time.After(wait):
		}
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
}

// End saves the chat's new state (nil keeps the old one), marks the update
// handled and frees the lock, in one round trip; ErrLockLost when the lock
// had expired meanwhile.
func (t *Turn) End(ctx context.Context, newState []byte) error {
	handled := t.s.handledKey(t.chatID, t.updateID)
	if t.updateID < 0 {
		handled = t.s.lockKey(t.chatID) // the script skips marking when equal
	}
	keys := []string{handled, t.s.lockKey(t.chatID), t.s.chatKey(t.chatID)}
	ours, err := endScript.Run(ctx, t.s.rdb, keys, t.token,
		int64(t.s.opts.HandledTTL.Seconds()), string(newState), int64(t.s.opts.TTL.Seconds())).Int()
	if err != nil {
		return fmt.Errorf("state: end chat %d: %w", t.chatID, err)
	}
	if ours != 1 {
		return fmt.Errorf("chat %d: %w", t.chatID, ErrLockLost)
	}
	return nil
}

// Abort frees the lock without marking the update handled, so a redelivery
// of the same update is handled again.
func (t *Turn) Abort(ctx context.Context) error {
	if err := unlockScript.Run(ctx, t.s.rdb, []string{t.s.lockKey(t.chatID)}, t.token).Err(); err != nil {
		return fmt.Errorf("state: abort chat %d: %w", t.chatID, err)
	}
	return nil
}

// Forget ends the turn by deleting every key of the chat (its state, the
// updates marked handled, and last the lock) instead of saving: a citizen
// erased their data, and Redis must not keep even their chat id. A
// redelivery of this very update then finds no mark and is handled again,
// as a message from someone new.
func (t *Turn) Forget(ctx context.Context) error {
	s := t.s
	pattern := s.opts.Prefix + "{" + strconv.FormatInt(t.chatID, 10) + "}:*"
	lock := s.lockKey(t.chatID)
	iter := s.rdb.Scan(ctx, 0, pattern, 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if k := iter.Val(); k != lock {
			keys = append(keys, k)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("state: forget chat %d: %w", t.chatID, err)
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := s.rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			return fmt.Errorf("state: forget chat %d: %w", t.chatID, err)
		}
		keys = keys[n:]
	}
	return t.Abort(ctx)
}

// DeleteChat forgets a chat's state.
func (s *State) DeleteChat(ctx context.Context, chatID int64) error {
	if err := s.rdb.Del(ctx, s.chatKey(chatID)).Err(); err != nil {
		return fmt.Errorf("state: delete chat %d: %w", chatID, err)
	}
	return nil
}

// Flush deletes every key under the prefix (tests use it to play "Redis lost
// its data" without touching other tests' keys).
func (s *State) Flush(ctx context.Context) error {
	if s.opts.Prefix == "" {
		return errors.New("state: refusing to flush without a prefix")
	}
	iter := s.rdb.Scan(ctx, 0, s.opts.Prefix+"*", 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := s.rdb.Del(ctx, batch...).Err(); err != nil {
				return fmt.Errorf("state: flush: %w", err)
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("state: flush: %w", err)
	}
	if len(batch) > 0 {
		if err := s.rdb.Del(ctx, batch...).Err(); err != nil {
			return fmt.Errorf("state: flush: %w", err)
		}
	}
	return nil
}

func newToken() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("state: token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
