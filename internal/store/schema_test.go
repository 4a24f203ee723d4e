package store_test

import (
	"context"
	"io/fs"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/migrations"
)

// TestSchemaConstraints writes rows the Go API never would and expects the
// schema to refuse them.
func TestSchemaConstraints(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	citizen, _, id := startFixture(t, st, false)
	if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: ageAnswer(30, tick(2)), SavedText: "30", Current: "district", Seq: 2, At: tick(2)}); err != nil {
		t.Fatal(err)
	}

	const (
		unique = "23505"
		check  = "23514"
		fkey   = "23503"
	)
	tests := []struct {
		name string
		sql  string
		args []any
		code string
	}{
		{"second answer to one question", `INSERT INTO answers (response_id, question_id, value, value_text, answered_at) VALUES ($1, 'age', '{"q":"age","number":31}', '31', now())`, []any{id}, unique},
		{"answer JSON of another question", `INSERT INTO answers (response_id, question_id, value, value_text, answered_at) VALUES ($1, 'district', '{"q":"age"}', '', now())`, []any{id}, check},
		{"answer that is not an object", `INSERT INTO answers (response_id, question_id, value, value_text, answered_at) VALUES ($1, 'district', '"center"', '', now())`, []any{id}, check},
		{"answer to a missing response", `INSERT INTO answers (response_id, question_id, value, value_text, answered_at) VALUES ($1, 'age', '{"q":"age"}', '', now())`, []any{id + 1000}, fkey},
		{"completed without completed_at", `UPDATE responses SET status = 'completed', current_question = NULL WHERE id = $1`, []any{id}, check},
		{"draft with completed_at", `UPDATE responses SET completed_at = now() WHERE id = $1`, []any{id}, check},
		{"unknown status", `UPDATE responses SET status = 'abandoned' WHERE id = $1`, []any{id}, check},
		{"negative seq", `UPDATE responses SET seq = -1 WHERE id = $1`, []any{id}, check},
		{"response language", `UPDATE responses SET language = 'Ukr' WHERE id = $1`, []any{id}, check},
		{"empty source", `UPDATE responses SET source = '' WHERE id = $1`, []any{id}, check},
		{"second draft of a survey", `INSERT INTO response_drafts (citizen_id, survey_id, response_id, updated_at) SELECT citizen_id, survey_id, $1 + 0, now() FROM response_drafts WHERE response_id = $1`, []any{id}, unique},
		{"draft link to another survey's response", `UPDATE response_drafts SET survey_id = 'roads' WHERE response_id = $1`, []any{id}, fkey},
		{"citizen language", `UPDATE citizens SET language = 'UK' WHERE id = $1`, []any{citizen.ID}, check},
		{"second citizen with a telegram id", `INSERT INTO citizens (telegram_id, language) SELECT telegram_id, 'uk' FROM citizens WHERE id = $1`, []any{citizen.ID}, unique},
		{"survey id pattern", `INSERT INTO surveys (id) VALUES ($1)`, []any{"City Survey"}, check},
		{"version zero", `INSERT INTO survey_versions (survey_id, version, definition, checksum) VALUES ('city', 0, '{"id":"city"}', 'x')`, nil, check},
		{"definition of another survey", `INSERT INTO survey_versions (survey_id, version, definition, checksum) VALUES ('city', 9, '{"id":"roads"}', 'x')`, nil, check},
		{"same checksum twice", `INSERT INTO survey_versions (survey_id, version, definition, checksum) SELECT 'city', 9, definition, checksum FROM survey_versions WHERE survey_id = 'city'`, nil, unique},
		{"participation without completion", `INSERT INTO participations (survey_id, citizen_id, completed_count, last_completed_at) VALUES ('city', $1, 0, now())`, []any{citizen.ID}, check},
		{"consent without notice version", `INSERT INTO consents (citizen_id, notice_version, accepted, decided_at) VALUES ($1, '', true, now())`, []any{citizen.ID}, check},
	}
	for _, tt := range tests {
		_, err := st.Pool().Exec(ctx, tt.sql, tt.args...)
		if got := pgCode(err); got != tt.code {
			t.Errorf("%s: err = %v (SQLSTATE %q), want SQLSTATE %s", tt.name, err, got, tt.code)
		}
	}

	// Deleting a citizen deletes what is theirs: consent, draft link, named responses.
	if _, err := st.Pool().Exec(ctx, `DELETE FROM citizens WHERE id = $1`, citizen.ID); err != nil {
		t.Fatalf("delete citizen: %v", err)
	}
	for _, table := range []string{"consents", "responses", "answers", "response_drafts"} {
		if n := count(t, st, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after the citizen was deleted", table, n)
		}
	}
}

// TestMigrateConcurrently starts several "processes" migrating one empty
// database at once, then migrates again (nothing to do).
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dbURL := storetest.EmptyURL(t)

	const processes = 4
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		wg.Go(func() {
			pool, err := pgxpool.New(ctx, dbURL)
			if err != nil {
				errs[i] = err
				return
			}
			defer pool.Close()
			errs[i] = store.Migrate(ctx, pool)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d: %v", i, err)
		}
	}

	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := store.Migrate(ctx, st.Pool()); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`); n != migrationCount(t) {
		t.Errorf("applied migrations = %d, want %d, each once", n, migrationCount(t))
	}
}

// TestMigrateDownAndUp rolls every migration back, checks nothing is left, and
// migrates up again.
func TestMigrateDownAndUp(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	startFixture(t, st, true) // data in every table the down migrations drop

	if err := store.MigrateDown(ctx, st.Pool(), 0); err != nil {
		t.Fatalf("MigrateDown to 0: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'`); n != 0 {
		t.Errorf("%d tables left after MigrateDown to 0", n)
	}
	if n := count(t, st, `SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace AND relname NOT LIKE 'goose_db_version%'`); n != 0 {
		t.Errorf("%d sequences left after MigrateDown to 0", n)
	}
	if err := store.Migrate(ctx, st.Pool()); err != nil {
		t.Fatalf("Migrate after down: %v", err)
	}
	startFixture(t, st, false)
	if err := store.MigrateDown(context.Background(), st.Pool(), 1); err != nil {
		t.Fatalf("MigrateDown to 1: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('citizens', 'consents', 'surveys')`); n != 2 {
		t.Errorf("after MigrateDown to 1: %d of citizens, consents, surveys exist, want the first two", n)
	}
}

func migrationCount(t *testing.T) int {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("migration files: %v, %v", names, err)
	}
	return len(names)
}
