// Package broadcast delivers organisers' messages to many citizens: it
// finds the running broadcasts and has a few workers send to their pending
// recipients, within the bot's one outgoing budget and after conversation
// replies. Which recipient is next, and what happened to them, is kept in
// Postgres (store.DeliverNext), so that any number of replicas can work on
// one broadcast and a restart goes on where it stopped.
//
// It does not render messages nor talk to Telegram: Send does.
package broadcast

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// Send sends broadcast b to one recipient and returns the outcome:
// store.Sent, store.Blocked (403) or store.Failed (worth another try later).
type Send func(ctx context.Context, b store.Broadcast, d store.Delivery) string

// Engine runs the broadcasts of one replica.
type Engine struct {
	Store   *store.Store
	Send    Send
	Workers int           // messages in flight at once (default 8)
	Poll    time.Duration // how often to look for running broadcasts (default 1 s)
	Clock   func() time.Time
	Log     *slog.Logger
	// Progress, when set, is called every ProgressEvery (default 5 s)
	// while a broadcast is sent, and after each round of work, with its
	// counts (for a progress message, metrics).
	Progress      func(ctx context.Context, b store.Broadcast, c store.DeliveryCounts, done bool)
	ProgressEvery time.Duration
}

// Run works until ctx ends. Stopping waits for the messages in flight.
func (e *Engine) Run(ctx context.Context) {
	if e.Workers <= 0 {
		e.Workers = 8
	}
	if e.Poll <= 0 {
		e.Poll = time.Second
	}
	if e.Clock == nil {
		e.Clock = time.Now
	}
	for ctx.Err() == nil {
		ids, err := e.Store.RunningBroadcasts(ctx)
		if err != nil && ctx.Err() == nil {
			e.Log.Warn("broadcasts: cannot list", "error", err)
		}
		for _, id := range ids {
			e.work(ctx, id)
		}
		select {
		case <-ctx.Done():
		case <-time.After(e.Poll):
		}
	}
}

// work sends broadcast id until no recipient is pending, then marks it done.
func (e *Engine) work(ctx context.Context, id int64) {
	b, err := e.Store.Broadcast(ctx, id)
	if err != nil {
		e.Log.Warn("broadcasts: cannot read", "broadcast", id, "error", err)
		return
	}
	send := func(ctx context.Context, d store.Delivery) string { return e.Send(ctx, b, d) }
	stop := make(chan struct{})
	ticking := e.tick(ctx, b, stop)
	var wg sync.WaitGroup
	for range e.Workers {
		wg.Go(func() {
			// Messages in flight finish even when ctx ends: a half-sent
			// message is worse than a late stop.
			wctx := context.WithoutCancel(ctx)
			var after int64
			for ctx.Err() == nil {
				claimed, ok, err := e.Store.DeliverNext(wctx, id, after, e.Clock, send)
				if err != nil {
					e.Log.Warn("broadcasts: delivery failed", "broadcast", id, "error", err)
					return
				}
				switch {
				case ok:
					after = claimed
				case after > 0: // the end: once more from the start, for retries and skipped-over rows
					after = 0
				default:
					return
				}
			}
		})
	}
	wg.Wait()
	// The last tick is over before the broadcast is finished, so that it
	// cannot edit the progress message after the report did.
	close(stop)
	<-ticking
	done, err := e.Store.FinishBroadcast(ctx, id, e.Clock())
	if err != nil {
		e.Log.Warn("broadcasts: cannot finish", "broadcast", id, "error", err)
		return
	}
	e.progress(ctx, b, done)
	if done {
		e.Log.Info("broadcast finished", "broadcast", id)
	}
}

// tick calls Progress every ProgressEvery until stop is closed; the channel
// it returns is closed once it has stopped.
func (e *Engine) tick(ctx context.Context, b store.Broadcast, stop <-chan struct{}) <-chan struct{} {
	stopped := make(chan struct{})
	every := e.ProgressEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	go func() {
		defer close(stopped)
		if e.Progress == nil {
			return
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				e.progress(ctx, b, false)
			}
		}
	}()
	return stopped
}

func (e *Engine) progress(ctx context.Context, b store.Broadcast, done bool) {
	if e.Progress == nil {
		return
	}
	if c, err := e.Store.CountDeliveries(ctx, b.ID); err == nil {
		e.Progress(ctx, b, c, done)
	}
}
