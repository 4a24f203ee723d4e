package storetest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/store/storetest"
)

func TestDatabasesAreFreshAndDropped(t *testing.T) {
	ctx := t.Context()
	var names []string
	t.Run("use", func(t *testing.T) {
		st := storetest.New(t)
		other := storetest.New(t)
		empty := storetest.EmptyURL(t)

		for _, q := range []string{`INSERT INTO surveys (id) VALUES ('city')`, `SELECT 1 FROM citizens`} {
			if _, err := st.Pool().Exec(ctx, q); err != nil {
				t.Fatalf("migrated database: %s: %v", q, err)
			}
		}
		var n int
		if err := other.Pool().QueryRow(ctx, `SELECT count(*) FROM surveys`).Scan(&n); err != nil || n != 0 {
			t.Errorf("second database sees %d surveys (%v), want its own empty tables", n, err)
		}
		conn, err := pgx.Connect(ctx, empty)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("EmptyURL database has %d tables (%v), want none", n, err)
		}
		for _, db := range []string{st.Pool().Config().ConnConfig.Database, other.Pool().Config().ConnConfig.Database, conn.Config().Database} {
			names = append(names, db)
		}
		// A connection left open must not keep the database from being dropped.
		if _, err := pgx.Connect(ctx, storetest.URL(t)); err != nil {
			t.Fatal(err)
		}
	})

	base := os.Getenv(storetest.EnvURL)
	if base == "" {
		base = storetest.DefaultURL
	}
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = ANY($1)`, names).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 || len(names) != 3 {
		t.Errorf("%d of %v still exist after the test", left, names)
	}
}
