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
