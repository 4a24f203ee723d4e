package state_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/state"
	"github.com/hromada/hromada/internal/state/statetest"
)

func TestDuplicateUpdateIsHandledOnce(t *testing.T) {
	ctx := context.Background()
	st := statetest.New(t, state.Options{})
	turn, err := st.Begin(ctx, 42, 1000)
	if err != nil || turn == nil {
		t.Fatalf("first Begin = %v, %v; want a turn", turn, err)
	}
	if turn.State != nil {
		t.Fatalf("new chat has state %q", turn.State)
	}
	if err := turn.End(ctx, []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	dup, err := st.Begin(ctx, 42, 1000)
	if err != nil || dup != nil {
		t.Fatalf("second Begin of update 1000 = %v, %v; want nil, nil (duplicate)", dup, err)
	}
	next, err := st.Begin(ctx, 42, 1001)
	if err != nil || next == nil {
		t.Fatalf("Begin of update 1001 = %v, %v", next, err)
	}
	if string(next.State) != `{"v":1}` {
		t.Fatalf("state = %q, want the saved one", next.State)
	}
	if err := next.End(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAbortLetsTheUpdateBeHandledAgain(t *testing.T) {
	ctx := context.Background()
	st := statetest.New(t, state.Options{})
	turn, err := st.Begin(ctx, 7, 5)
	if err != nil || turn == nil {
		t.Fatal(turn, err)
	}
	if err := turn.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := st.Begin(ctx, 7, 5)
	if err != nil || again == nil {
		t.Fatalf("after Abort, Begin = %v, %v; want a turn", again, err)
	}
	if err := again.End(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// TestLockSerialisesOneChat runs read-modify-write cycles on one chat's state
// from many goroutines with two Redis clients (as two replicas would): no
// increment may be lost.
func TestLockSerialisesOneChat(t *testing.T) {
	ctx := context.Background()
	a := statetest.New(t, state.Options{})
	b := statetest.New(t, state.Options{Prefix: a.Prefix()})
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		st := a
		if w%2 == 1 {
			st = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				turn, err := st.Begin(ctx, 99, w*1000+i)
				if err != nil || turn == nil {
					t.Errorf("Begin: %v %v", turn, err)
					return
				}
				n, _ := strconv.Atoi(string(turn.State))
				if err := turn.End(ctx, []byte(strconv.Itoa(n+1))); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	turn, err := a.Begin(ctx, 99, -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(turn.State); got != strconv.Itoa(workers*each) {
		t.Fatalf("counter = %s, want %d", got, workers*each)
	}
	if err := turn.End(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestBusyChatGivesUpWhenContextEnds(t *testing.T) {
	st := statetest.New(t, state.Options{})
	ctx := context.Background()
	held, err := st.Begin(ctx, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := st.Begin(short, 1, 2); err == nil {
		t.Fatal("Begin on a locked chat succeeded")
	}
	if err := held.End(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestFlushRemovesOnlyItsPrefix(t *testing.T) {
	ctx := context.Background()
	a := statetest.New(t, state.Options{})
	b := statetest.New(t, state.Options{})
	for _, st := range []*state.State{a, b} {
		turn, err := st.Begin(ctx, 5, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := turn.End(ctx, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ta, _ := a.Begin(ctx, 5, 2)
	tb, _ := b.Begin(ctx, 5, 2)
	if ta.State != nil || string(tb.State) != "x" {
		t.Fatalf("after flushing a: a=%q b=%q", ta.State, tb.State)
	}
	_ = ta.End(ctx, nil)
	_ = tb.End(ctx, nil)
}

func TestExpiredLockSavesNothing(t *testing.T) {
	ctx := context.Background()
	st := statetest.New(t, state.Options{LockTTL: 50 * time.Millisecond})
	slow, err := st.Begin(ctx, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(80 * time.Millisecond) // the lock expires; another holder moves on
	fast, err := st.Begin(ctx, 3, 2)
	if err != nil || fast == nil {
		t.Fatal(fast, err)
	}
	if err := fast.End(ctx, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if err := slow.End(ctx, []byte("old")); !errors.Is(err, state.ErrLockLost) {
		t.Fatalf("End after the lock expired = %v, want ErrLockLost", err)
	}
	check, err := st.Begin(ctx, 3, 1) // update 1 was not marked handled
	if err != nil || check == nil {
		t.Fatalf("update 1 should be handled again: %v %v", check, err)
	}
	if string(check.State) != "new" {
		t.Fatalf("state = %q, the late holder overwrote it", check.State)
	}
	_ = check.End(ctx, nil)
}
