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
// iteration is one broadcast to 2,000 citizens, timed from its first
// message recorded to its last.
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
		waitLong(b, "the broadcast", 5*time.Minute, func() bool {
			got, err := st.Broadcast(context.Background(), br.ID)
			return err == nil && got.Status == store.BroadcastDone
		})
		// From the first message recorded to the last: the engine looks
		// for new broadcasts once a second, which is not its speed.
		var first, last time.Time
		var done int
		if err := e.db.QueryRow(context.Background(), `SELECT min(done_at), max(done_at), count(*) FROM broadcast_deliveries
WHERE broadcast_id = $1 AND status IN ('sent', 'blocked')`, br.ID).Scan(&first, &last, &done); err != nil {
			b.Fatal(err)
		}
		took += last.Sub(first)
		sent += done - 1 // messages after the first
	}
	b.ReportMetric(float64(sent)/took.Seconds(), "messages/s")
}
