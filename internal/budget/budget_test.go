package budget

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hromada/hromada/internal/state/statetest"
)

// replicas returns n Budgets on one fresh prefix of the real Redis, each with
// a client of its own as separate processes would have, and removes their
// keys when t ends.
func replicas(t testing.TB, n int, perSecond float64, burst int) []*Budget {
	t.Helper()
	opts, err := redis.ParseURL(statetest.RedisURL())
	if err != nil {
		t.Fatalf("HROMADA_TEST_REDIS_URL: %v", err)
	}
	prefix := statetest.Prefix(t)
	bs := make([]*Budget, n)
	for i := range bs {
		rdb := redis.NewClient(opts)
		if err := rdb.Ping(context.Background()).Err(); err != nil {
			t.Fatalf("Redis at %s is not reachable (start it with scripts/services.sh): %v", statetest.RedisURL(), err)
		}
		t.Cleanup(func() { rdb.Close() })
		bs[i] = New(rdb, prefix, perSecond, burst)
	}
	t.Cleanup(func() {
		if err := bs[0].rdb.Del(context.Background(), bs[0].keys()...).Err(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return bs
}

// TestWaitSharesRate: replicas together get the bot's rate and burst, no more,
// and not much less.
func TestWaitSharesRate(t *testing.T) {
	const (
		perSecond = 50
		burst     = 5
		window    = 1500 * time.Millisecond
		perBudget = 10 // goroutines
	)
	bs := replicas(t, 2, perSecond, burst)
	start := time.Now()
	end := start.Add(window)
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()

	var got atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 2*perBudget)
	for _, b := range bs {
		for range perBudget {
			wg.Go(func() {
				for {
					err := b.Wait(ctx)
					if err != nil {
						if !errors.Is(err, context.DeadlineExceeded) {
							errs <- err
						}
						return
					}
					if time.Now().After(end) {
						return
					}
					got.Add(1)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Wait: %v", err)
	}

	most := int64(perSecond*window.Seconds()) + burst
	least := int64(0.9 * perSecond * window.Seconds())
	t.Logf("%d tokens in %v across 2 replicas (allowed %d, expected at least %d)", got.Load(), window, most, least)
	if n := got.Load(); n > most || n < least {
		t.Errorf("got %d tokens in %v, want between %d and %d", n, window, least, most)
	}
}

// TestPauseStopsOtherReplica: a pause set by one replica holds the other's
// messages until it ends, including a message already waiting for its token.
func TestPauseStopsOtherReplica(t *testing.T) {
	const pause = 700 * time.Millisecond
	tests := []struct {
		name      string
		perSecond float64
		burst     int
		// before runs on the waiting replica before the pause is set.
		before func(t *testing.T, b *Budget)
		// settle is how long after the waiters start the pause is set.
		settle time.Duration
	}{
		{name: "no rate limit", perSecond: math.Inf(1), burst: 1},
		{name: "high rate", perSecond: 1000, burst: 10},
		{
			// The waiter sleeps for its token (500 ms away) when the 429
			// comes; the pause outlasts that sleep, so the waiter must check
			// the pause again before it takes its token.
			name: "pause comes while waiting for a token", perSecond: 2, burst: 1,
			before: func(t *testing.T, b *Budget) {
				if err := b.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
			settle: 100 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs := replicas(t, 2, tt.perSecond, tt.burst)
			pauser, waiter := bs[0], bs[1]
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if tt.before != nil {
				tt.before(t, waiter)
			}

			waiters := 3
			if tt.perSecond < 10 {
				waiters = 1 // two tokens a second: more would only queue
			}
			var wg sync.WaitGroup
			var set sync.WaitGroup // the pause is set before the waiters start, unless settle
			set.Add(1)
			var pausedAt time.Time
			returned := make(chan time.Time, waiters)
			for range waiters {
				wg.Go(func() {
					if tt.settle == 0 {
						set.Wait()
					}
					if err := waiter.Wait(ctx); err != nil {
						t.Errorf("Wait: %v", err)
						return
					}
					returned <- time.Now()
				})
			}
			time.Sleep(tt.settle)
			pausedAt = time.Now() // before the call: the pause ends no earlier than pausedAt+pause
			if err := pauser.Pause(ctx, pause); err != nil {
				t.Fatal(err)
			}
			set.Done()
			wg.Wait()
			close(returned)

			end := pausedAt.Add(pause)
			for at := range returned {
				if at.Before(end) {
					t.Errorf("Wait returned %v before the pause ended", end.Sub(at))
				}
				if late := at.Sub(end); late > 500*time.Millisecond {
					t.Errorf("Wait returned %v after the pause ended", late)
				}
			}
		})
	}
}

// TestPauseNeverShortens: a shorter pause keeps a longer one; a longer one
// extends a shorter one.
func TestPauseNeverShortens(t *testing.T) {
	tests := []struct {
		name          string
		first, second time.Duration
		want          time.Duration
	}{
		{name: "shorter after longer", first: 3 * time.Second, second: 100 * time.Millisecond, want: 3 * time.Second},
		{name: "longer after shorter", first: 100 * time.Millisecond, second: 3 * time.Second, want: 3 * time.Second},
		{name: "zero after longer", first: 2 * time.Second, second: 0, want: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bs := replicas(t, 2, math.Inf(1), 1)
			ctx := context.Background()
			if err := bs[0].Pause(ctx, tt.first); err != nil {
				t.Fatal(err)
			}
			if err := bs[1].Pause(ctx, tt.second); err != nil {
				t.Fatal(err)
			}
			left, err := bs[0].Paused(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if left < tt.want-200*time.Millisecond || left > tt.want+2*time.Millisecond {
				t.Errorf("Paused = %v, want about %v", left, tt.want)
			}
		})
	}
}

// TestWaitCancel: Wait returns ctx.Err() promptly wherever it waits.
func TestWaitCancel(t *testing.T) {
	tests := []struct {
		name      string
		perSecond float64
		// block makes the next Wait block for long.
		block func(t *testing.T, b *Budget)
	}{
		{
			name: "during a pause", perSecond: math.Inf(1),
			block: func(t *testing.T, b *Budget) {
				if err := b.Pause(context.Background(), time.Minute); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "waiting for a token", perSecond: 0.01,
			block: func(t *testing.T, b *Budget) {
				if err := b.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "waiting for its turn", perSecond: 0.01,
			block: func(t *testing.T, b *Budget) {
				if err := b.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { // holds the turn, sleeping for a token
					defer close(done)
					b.Wait(ctx)
				}()
				t.Cleanup(func() { cancel(); <-done })
				time.Sleep(50 * time.Millisecond)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := replicas(t, 1, tt.perSecond, 1)[0]
			tt.block(t, b)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			err := b.Wait(ctx)
			took := time.Since(start)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Wait = %v, want %v", err, context.Canceled)
			}
			if took > 300*time.Millisecond {
				t.Errorf("Wait returned %v after start, %v after cancel", took, took-100*time.Millisecond)
			}
		})
	}
}

// TestPausedReportsRemaining: Paused is 0 with no pause, then counts down.
func TestPausedReportsRemaining(t *testing.T) {
	b := replicas(t, 1, math.Inf(1), 1)[0]
	ctx := context.Background()
	left, err := b.Paused(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("Paused before any pause = %v, want 0", left)
	}
	if err := b.Pause(ctx, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	left, err = b.Paused(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1200 * time.Millisecond; left < want-150*time.Millisecond || left > want+2*time.Millisecond {
		t.Errorf("Paused 300ms into a 1.5s pause = %v, want about %v", left, want)
	}
}

// TestNoRateLimit: perSecond <= 0 or +Inf lets every message go at once.
func TestNoRateLimit(t *testing.T) {
	for _, perSecond := range []float64{0, -1, math.Inf(1)} {
		b := replicas(t, 1, perSecond, 1)[0]
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for range 200 {
			if err := b.Wait(ctx); err != nil {
				t.Fatalf("perSecond %v: Wait: %v", perSecond, err)
			}
		}
		cancel()
	}
}

// TestRedisDown: a Redis failure comes back as an error, not as a wait.
func TestRedisDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	b := New(rdb, statetest.Prefix(t), 10, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.Wait(ctx); err == nil || ctx.Err() != nil {
		t.Errorf("Wait = %v (ctx %v), want a Redis error", err, ctx.Err())
	}
	if err := b.Pause(ctx, time.Second); err == nil {
		t.Error("Pause = nil, want a Redis error")
	}
}

// BenchmarkWait shows the Redis cost of one message's Wait, next to one PING.
func BenchmarkWait(b *testing.B) {
	b.Run("ping", func(b *testing.B) {
		rdb := replicas(b, 1, math.Inf(1), 1)[0].rdb
		ctx := context.Background()
		for b.Loop() {
			if err := rdb.Ping(ctx).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, bm := range []struct {
		name      string
		perSecond float64
	}{
		{"unlimited", math.Inf(1)},
		{"rate=1e6", 1e6},
	} {
		b.Run(bm.name, func(b *testing.B) {
			w := replicas(b, 1, bm.perSecond, 1000)[0]
			ctx := context.Background()
			for b.Loop() {
				if err := w.Wait(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestBulkWaitsForAnotherReplicasReply: a bulk message of one replica waits
// while a reply of another waits for the budget, and goes once it went.
func TestBulkWaitsForAnotherReplicasReply(t *testing.T) {
	bs := replicas(t, 2, math.Inf(1), 1)
	ctx := context.Background()
	done, err := bs[1].Urgent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	went := make(chan error, 1)
	go func() { went <- bs[0].WaitBulk(ctx) }()
	select {
	case <-went:
		t.Fatal("a bulk message went while another replica's reply waited")
	case <-time.After(300 * time.Millisecond):
	}
	if err := bs[0].Wait(ctx); err != nil { // replies themselves never wait for replies
		t.Fatal(err)
	}
	done()
	select {
	case err := <-went:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the bulk message still waits after the reply went")
	}
}

// TestWaitingReplyOfADeadProcessExpires: a reply whose process died before
// it was done holds bulk messages back for urgentTTL, no longer.
func TestWaitingReplyOfADeadProcessExpires(t *testing.T) {
	defer func(old time.Duration) { urgentTTL = old }(urgentTTL)
	urgentTTL = 300 * time.Millisecond
	bs := replicas(t, 2, math.Inf(1), 1)
	ctx := context.Background()
	start := time.Now()
	if _, err := bs[1].Urgent(ctx); err != nil { // never done
		t.Fatal(err)
	}
	if err := bs[0].WaitBulk(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond || d > 3*time.Second {
		t.Errorf("the bulk message waited %s for a dead reply of 300 ms", d)
	}
}

// TestBulkHeldOffLeavesTheTurnToReplies: with a rate, a bulk message held
// off by a waiting reply of its own process does not keep the reply from
// its token (it would wait for the reply, and the reply for it, until the
// reply's entry expired).
func TestBulkHeldOffLeavesTheTurnToReplies(t *testing.T) {
	b := replicas(t, 1, 100, 1)[0]
	ctx := context.Background()
	done, err := b.Urgent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bulk := make(chan error, 1)
	go func() { bulk <- b.WaitBulk(ctx) }()
	time.Sleep(100 * time.Millisecond) // the bulk message is waiting
	replied := make(chan error, 1)
	go func() { replied <- b.Wait(ctx) }()
	select {
	case err := <-replied:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the reply did not get its token while a bulk message waited for it")
	}
	done()
	select {
	case err := <-bulk:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the bulk message still waits after the reply went")
	}
}
