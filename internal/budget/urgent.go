package budget

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Conversation replies go before broadcast messages in every replica: a
// reply waiting for the budget is an entry in a sorted set (scored by when
// it stops counting, by Redis's clock), and WaitBulk waits while the set has
// any. An entry of a process that died mid-wait stops counting after
// urgentTTL, so a crash cannot hold broadcasts back for longer.

// urgentTTL bounds how long one waiting reply holds back bulk messages.
var urgentTTL = 10 * time.Second // a variable for the tests

// urgentPoll is how often a bulk message looks again while replies wait.
const urgentPoll = 2 * time.Millisecond

// urgentAdd adds ARGV[1] to KEYS[1] until ARGV[2] ms from now.
var urgentAdd = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]))
return 1
`)

// bulkGate drops the entries of KEYS[1] (replies waiting) past their time
// and answers how long a bulk message must hold off: urgentPoll ms while
// any are left, else what is left of the pause KEYS[2] (0: go). One round
// trip for both.
var bulkGate = redis.NewScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if redis.call("ZCARD", KEYS[1]) > 0 then
  return tonumber(ARGV[1])
end
local left = redis.call("PTTL", KEYS[2])
if left > 0 then
  return left
end
return 0
`)

var (
	process = processID()
	waiters atomic.Int64
)

func processID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Urgent tells every replica that a message which goes before bulk ones is
// waiting for the budget; call done once it has its token (or gave up).
func (b *Budget) Urgent(ctx context.Context) (done func(), err error) {
	id := process + ":" + strconv.FormatInt(waiters.Add(1), 36)
	if err := urgentAdd.Run(ctx, b.rdb, []string{b.urgentKey}, id, urgentTTL.Milliseconds()).Err(); err != nil {
		return func() {}, b.fail(ctx, "mark a reply waiting", err)
	}
	return func() { b.rdb.ZRem(context.WithoutCancel(ctx), b.urgentKey, id) }, nil
}

// WaitBulk is Wait for a message that goes after the urgent ones: it also
// waits until no replica has one waiting.
func (b *Budget) WaitBulk(ctx context.Context) error {
	return b.wait(ctx, func(ctx context.Context) (time.Duration, error) {
		ms, err := bulkGate.Run(ctx, b.rdb, []string{b.urgentKey, b.pauseKey}, urgentPoll.Milliseconds()).Int64()
		if err != nil {
			return 0, b.fail(ctx, "read replies waiting and the pause", err)
		}
		return time.Duration(ms) * time.Millisecond, nil
	})
}
