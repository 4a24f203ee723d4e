package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// TestForgetMidBroadcast: a citizen erased while a broadcast is being sent
// leaves no delivery behind (it would not be sent to them), and a broadcast
// they created no longer names them.
func TestForgetMidBroadcast(t *testing.T) {
	st, ctx := newStore(t)
	a, b := consent(t, st, 1), consent(t, st, 2)
	by := int64(1)
	br, err := st.CreateBroadcast(ctx, store.NewBroadcast{CreatedBy: &by, Text: "Запрошення", At: tick(1)})
	if err != nil || br.Recipients != 2 {
		t.Fatalf("CreateBroadcast: %+v %v", br, err)
	}
	if _, err := st.Forget(ctx, a.ID, tick(2)); err != nil {
		t.Fatal(err)
	}
	c, err := st.CountDeliveries(ctx, br.ID)
	if err != nil || c.Pending != 1 {
		t.Fatalf("deliveries after forgetting one of two: %+v %v", c, err)
	}
	got, err := st.Broadcast(ctx, br.ID)
	if err != nil || got.CreatedBy != nil {
		t.Fatalf("the broadcast still names its creator: %+v %v", got, err)
	}
	// The other recipient still gets it.
	var sentTo []int64
	for {
		_, ok, err := st.DeliverNext(ctx, br.ID, 0, func() time.Time { return tick(3) }, func(_ context.Context, d store.Delivery) string {
			sentTo = append(sentTo, d.TelegramID)
			return store.Sent
		})
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
	}
	if len(sentTo) != 1 || sentTo[0] != 2 || b.TelegramID != 2 {
		t.Fatalf("sent to %v, want [2]", sentTo)
	}
}
