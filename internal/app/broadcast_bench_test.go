package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

// BenchmarkBroadcastEngine measures how many messages a second the whole
// delivery engine (claim, send through the emulator, record, in one
// transaction per message) pushes with no rate limit and no flood control:
// what limits a paid broadcast must be Telegram, not the engine. Each
// iteration is one broadcast to 2,000 citizens.
//
//	go test ./internal/app -run '^$' -bench BroadcastEngine -benchtime 3x
func BenchmarkBroadcastEngine(b *testing.B) {
	const n = 2000
	e := newEnv(b, tgemu.Options{RequestLog: -1})
	e.cfg.RateLimit = 0
	e.cfg.LogLevel = "warn"
	st := testStore(b, e)
	recipients(b, e, st, n)
	e.start()
	var sent int
	var took time.Duration
	for b.Loop() {
		br, err := st.CreateBroadcast(context.Background(), store.NewBroadcast{Text: invitation, At: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		waitLong(b, "the broadcast", 5*time.Minute, func() bool {
			got, err := st.Broadcast(context.Background(), br.ID)
			return err == nil && got.Status == store.BroadcastDone
		})
		took += time.Since(start)
		c, err := st.CountDeliveries(context.Background(), br.ID)
		if err != nil {
			b.Fatal(err)
		}
		sent += c.Sent + c.Blocked
	}
	b.ReportMetric(float64(sent)/took.Seconds(), "messages/s")
}
