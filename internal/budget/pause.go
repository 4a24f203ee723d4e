package budget

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// pauseScript sets the pause to ARGV[1] ms unless a longer one is running.
// Both lengths are measured by Redis's clock, so replicas' clocks never mix.
// KEYS pause; returns the ms the pause now runs.
var pauseScript = redis.NewScript(`
local left = redis.call("PTTL", KEYS[1])
local want = tonumber(ARGV[1])
if left >= want then
  return left
end
redis.call("SET", KEYS[1], "1", "PX", want)
return want
`)

// Pause stops every replica's messages until d from now (Telegram's
// retry_after). It never shortens a longer pause already set; d <= 0 does
// nothing.
func (b *Budget) Pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	// Whole milliseconds rounded up, plus one: Redis starts the expiry from
	// its clock truncated to the millisecond, so the pause never ends early.
	ms := (d+time.Millisecond-1)/time.Millisecond + 1
	if err := pauseScript.Run(ctx, b.rdb, []string{b.pauseKey}, int64(ms)).Err(); err != nil {
		return b.fail(ctx, "pause", err)
	}
	return nil
}

// Paused returns how long the current pause still runs, 0 when none does.
// The time is Redis's, read when the answer was made: sleeping it from the
// answer's arrival never ends before the pause does.
func (b *Budget) Paused(ctx context.Context) (time.Duration, error) {
	left, err := b.rdb.PTTL(ctx, b.pauseKey).Result()
	if err != nil {
		return 0, b.fail(ctx, "read the pause", err)
	}
	// go-redis turns PTTL's -2 (no key) and -1 (no expiry, never set by
	// Pause) into negative durations: no pause.
	return max(left, 0), nil
}
