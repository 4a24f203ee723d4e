package export_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
)

// benchResponses is the number of responses of BenchmarkExport:
// HROMADA_BENCH_RESPONSES, 100,000 by default.
func benchResponses(b *testing.B) int {
	n := 100_000
	if s := os.Getenv("HROMADA_BENCH_RESPONSES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("HROMADA_BENCH_RESPONSES: %v", err)
		}
	}
	return n
}

// seedBench fills a fresh database with testdata/bench-seed.sql.
func seedBench(b *testing.B, n int) *store.Store {
	b.Helper()
	st := storetest.New(b)
	seed, err := os.ReadFile("testdata/bench-seed.sql")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	conn, err := st.Pool().Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET bench.responses = "+strconv.Itoa(n)); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, string(seed)); err != nil {
		b.Fatalf("seed: %v", err)
	}
	// Without it, autovacuum and the first reads (setting hint bits) rewrite
	// the fresh tables while the first formats are measured.
	if _, err := conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE) citizens, responses, answers"); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
	return st
}

// copyLong is Postgres's own dump of the same data: every answer of every
// completed response with the response's columns, in response order.
const copyLong = `COPY (
SELECT r.id, r.citizen_id, r.survey_version, r.language, r.started_at, r.completed_at, r.source,
       a.question_id, a.value, a.answered_at
FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.survey_id = 'bench' AND r.status = 'completed'
ORDER BY r.id) TO STDOUT (FORMAT csv)`

// copyWide pivots in SQL: one row per response, one column per question
// (value_text), as close to the wide CSV as SQL alone gets.
const copyWide = `COPY (
SELECT r.id, r.citizen_id, r.survey_version, r.language, r.started_at, r.completed_at, r.source,
       max(a.value_text) FILTER (WHERE a.question_id = 'district'),
       max(a.value_text) FILTER (WHERE a.question_id = 'topics'),
       max(a.value_text) FILTER (WHERE a.question_id = 'trust'),
       max(a.value_text) FILTER (WHERE a.question_id = 'age'),
       max(a.value_text) FILTER (WHERE a.question_id = 'displaced'),
       max(a.value_text) FILTER (WHERE a.question_id = 'region'),
       max(a.value_text) FILTER (WHERE a.question_id = 'moved_on'),
       max(a.value_text) FILTER (WHERE a.question_id = 'spend'),
       max(a.value_text) FILTER (WHERE a.question_id = 'vote'),
       max(a.value_text) FILTER (WHERE a.question_id = 'comment')
FROM responses r JOIN answers a ON a.response_id = r.id
WHERE r.survey_id = 'bench' AND r.status = 'completed'
GROUP BY r.id ORDER BY r.id) TO STDOUT (FORMAT csv)`

// BenchmarkExport exports 100,000 responses × 10 questions in each format
// and, as the yardstick, has Postgres COPY the same data to a CSV. Each op
// is one whole export; bytes/op are those sent (MB/s is their rate).
//
//	go test -run '^$' -bench Export -benchtime 5x ./internal/export/
func BenchmarkExport(b *testing.B) {
	n := benchResponses(b)
	st := seedBench(b, n)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		o    export.Options
	}{
		{"csv", export.Options{Format: export.CSV}},
		{"csv-labels", export.Options{Format: export.CSV, Labels: true}},
		{"long", export.Options{Format: export.Long}},
		{"xlsx", export.Options{Format: export.XLSX}},
	} {
		c.o.Key = key
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var w countingWriter
			for b.Loop() {
				if err := export.Write(ctx, &w, st, "bench", c.o); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(w.n / int64(b.N))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/response")
		})
	}
	for name, sql := range map[string]string{"copy-long": copyLong, "copy-wide": copyWide} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			conn, err := st.Pool().Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Release()
			var w countingWriter
			for b.Loop() {
				if _, err := conn.Conn().PgConn().CopyTo(ctx, &w, sql); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(w.n / int64(b.N))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/response")
		})
	}
}

// countingWriter counts and drops what it is given.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
