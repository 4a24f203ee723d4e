// Package budget is the bot's outgoing message budget, shared by every
// replica through Redis: one rate limit for the whole bot (a GCRA token
// bucket from redis_rate), and one pause that stops every replica when
// Telegram answers 429 with retry_after.
//
// It only decides when a message may go. It does not send, retry, or read
// Telegram's errors: the caller turns a 429 into Pause. It keeps no state in
// memory that other replicas would need; when Redis fails it returns the
// error and the caller decides whether to fall back to a local limit.
//
// Keys: prefix+"{budget}:pause" for the pause, prefix+"{budget}:urgent" for
// the replies waiting (see Urgent), and "rate:"+prefix+"budget:tokens" for
// the token bucket (redis_rate puts its own "rate:" in front of every key).
// The script that reads the first two together finds them in one hash slot
// ({budget}), so the budget works on Redis Cluster too.
package budget

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Budget is the bot's outgoing message budget shared by every replica
// through Redis. It is safe for concurrent use.
type Budget struct {
	rdb       redis.UniversalClient
	limiter   *redis_rate.Limiter
	limit     redis_rate.Limit
	limited   bool
	pauseKey  string
	tokenKey  string // without redis_rate's "rate:"
	urgentKey string // replies waiting (see Urgent)

	// turn lets one goroutine of this process at a time wait for a token,
	// so that many waiters do not all ask Redis each time a token is due.
	turn chan struct{}
}

// New returns the Budget of the bot whose keys start with prefix (e.g.
// "hromada:"). It allows perSecond messages bot-wide, burst at once after a
// quiet spell (at least 1). perSecond <= 0, NaN or +Inf means no rate limit;
// pauses still apply. Every replica must use the same prefix, perSecond and
// burst.
func New(rdb redis.UniversalClient, prefix string, perSecond float64, burst int) *Budget {
	b := &Budget{
		rdb:       rdb,
		limiter:   redis_rate.NewLimiter(rdb),
		pauseKey:  prefix + "{budget}:pause",
		urgentKey: prefix + "{budget}:urgent",
		tokenKey:  prefix + "budget:tokens",
		turn:      make(chan struct{}, 1),
	}
	if perSecond > 0 && !math.IsInf(perSecond, 1) {
		// One token every period: a Rate of 1 keeps fractional rates exact.
		period := time.Duration(float64(time.Second) / perSecond)
		if period > 0 {
			b.limit = redis_rate.Limit{Rate: 1, Period: period, Burst: max(burst, 1)}
			b.limited = true
		}
	}
	return b
}

// Wait blocks until this process may send one message: no pause is running
// and the bot-wide rate limit gives a token. It returns ctx.Err() when ctx
// ends first, and a Redis failure as an error wrapping it: the budget is then
// unknown, and the caller decides whether to fall back or give up.
//
// The pause is checked just before each try for a token, never across a
// sleep: a 429 that came while this message waited for its token is waited
// out before a fresh token is taken.
func (b *Budget) Wait(ctx context.Context) error { return b.wait(ctx, b.Paused) }

// wait is Wait with gate saying how long to hold off before a token may be
// taken (a pause; for WaitBulk, replies waiting too): one Redis round trip,
// and one more for the token when there is a rate. A message held off by
// the gate waits without the turn, so that the replies it waits for can
// take theirs.
func (b *Budget) wait(ctx context.Context, gate func(context.Context) (time.Duration, error)) error {
	if !b.limited {
		return b.waitGate(ctx, gate)
	}
	for {
		select {
		case b.turn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		held, err := b.takeToken(ctx, gate)
		<-b.turn
		if err != nil || held == 0 {
			return err
		}
		if err := sleep(ctx, held); err != nil {
			return err
		}
	}
}

// takeToken takes a token, sleeping for it with the turn held; it returns
// instead how long gate holds off (0: a token was taken). The gate is read
// just before each try, never across a sleep: a 429 that came while this
// message waited for its token is waited out before a fresh token is taken.
func (b *Budget) takeToken(ctx context.Context, gate func(context.Context) (time.Duration, error)) (time.Duration, error) {
	for {
		held, err := gate(ctx)
		if err != nil || held > 0 {
			return held, err
		}
		res, err := b.limiter.Allow(ctx, b.tokenKey, b.limit)
		if err != nil {
			return 0, b.fail(ctx, "take a token", err)
		}
		if res.Allowed > 0 {
			return 0, nil
		}
		wait := res.RetryAfter
		if wait <= 0 { // not expected from a refusal; never spin on Redis
			wait = time.Millisecond
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
}

// waitGate blocks until gate holds nothing off.
func (b *Budget) waitGate(ctx context.Context, gate func(context.Context) (time.Duration, error)) error {
	for {
		d, err := gate(ctx)
		if err != nil {
			return err
		}
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// fail returns ctx.Err() when the context ended, else the Redis error with
// what the budget was doing.
func (b *Budget) fail(ctx context.Context, doing string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("budget: %s: %w", doing, err)
}

// keys lists the Redis keys of the budget as stored.
func (b *Budget) keys() []string {
	return []string{b.pauseKey, "rate:" + b.tokenKey, b.urgentKey}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
