package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// BenchmarkSaveStep measures the hot path: one answer of a citizen, which
// replaces an answer and moves the response on, in one round trip.
func BenchmarkSaveStep(b *testing.B) {
	st, ctx := newStore(b)
	_, _, id := startFixture(b, st, false)
	questions := []string{"age", "district", "comment"}
	b.ReportAllocs()
	seq := 1
	for b.Loop() {
		seq++
		q := questions[seq%len(questions)]
		err := st.SaveStep(ctx, store.Step{
			ResponseID: id,
			Saved:      &survey.Answer{Question: q, Text: "відповідь", At: tick(seq)},
			SavedText:  "відповідь",
			Current:    questions[(seq+1)%len(questions)],
			Seq:        seq,
			At:         tick(seq),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// queryCounter counts the statements pgx sends.
type queryCounter struct{ n int }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n++
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestSaveStepOneStatement checks that a step with an answer and cleared
// answers is one statement (one round trip once pgx has prepared it).
func TestSaveStepOneStatement(t *testing.T) {
	t.Parallel()
	plain, ctx := newStore(t)
	_, _, id := startFixture(t, plain, false)

	cfg, err := pgxpool.ParseConfig(plain.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	defer st.Close()
	if err := pool.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	for seq := 2; seq < 5; seq++ {
		counter.n = 0
		err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: ageAnswer(float64(seq), tick(seq)), SavedText: "x",
			Cleared: []string{"district", "comment"}, Current: "district", Seq: seq, At: tick(seq)})
		if err != nil {
			t.Fatal(err)
		}
		if counter.n != 1 {
			t.Errorf("SaveStep seq %d sent %d statements, want 1", seq, counter.n)
		}
	}
}

// BenchmarkRegister measures sign-ups for one event from many connections
// at once: each takes the event's row lock, counts the seats, inserts the
// registration and its two reminder jobs, and commits. The lock makes them
// queue, so this is the most sign-ups per second one event can take.
func BenchmarkRegister(b *testing.B) {
	st, ctx := newStore(b)
	ev := testEvent("bench", b.N/2+1, true) // half confirmed (with reminders), half waitlisted
	saveEvent(b, st, ev, t0)
	citizens := make(chan int64, b.N)
	for i := range b.N {
		citizens <- consent(b, st, int64(100000+i)).ID
	}
	close(citizens)
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(4) // 4 × GOMAXPROCS goroutines, as many replicas' workers would
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: <-citizens, At: tick(1)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
