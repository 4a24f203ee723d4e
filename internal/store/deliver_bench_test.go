package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// BenchmarkDeliverNext measures the delivery records alone: claim, a send
// that takes no time, record, commit, one transaction per message, with
// several workers. It is what Postgres allows the broadcast engine.
//
//	go test ./internal/store -run '^$' -bench DeliverNext -benchtime 3x
func BenchmarkDeliverNext(b *testing.B) {
	const n = 4000
	for _, workers := range []int{8, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			st, ctx := newStore(b)
			ids := make([]int64, n)
			for i := range ids {
				ids[i] = int64(7_000_000_000 + i)
			}
			if _, err := st.Pool().Exec(ctx, `
WITH c AS (INSERT INTO citizens (telegram_id, language, created_at, updated_at)
           SELECT unnest($1::bigint[]), 'uk', now(), now() RETURNING id)
INSERT INTO consents (citizen_id, notice_version, accepted, decided_at) SELECT id, 'v', true, now() FROM c`, ids); err != nil {
				b.Fatal(err)
			}
			var sent int
			var took time.Duration
			for b.Loop() {
				br, err := st.CreateBroadcast(ctx, store.NewBroadcast{Text: "x", At: time.Now()})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() {
						var after int64
						for {
							claimed, ok, err := st.DeliverNext(context.Background(), br.ID, after, time.Now, func(context.Context, store.Delivery) string { return store.Sent })
							if err != nil {
								b.Error(err)
								return
							}
							if !ok {
								return
							}
							after = claimed
						}
					})
				}
				wg.Wait()
				took += time.Since(start)
				sent += n
			}
			b.ReportMetric(float64(sent)/took.Seconds(), "messages/s")
		})
	}
}
