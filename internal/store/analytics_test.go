package store_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// analystRole is the role migration 00004 creates for the analytics views.
const analystRole = "hromada_analyst"

// analyticsData is what fillAnalytics wrote: internal ids, and the strings
// that must never come out of an analytics view.
type analyticsData struct {
	named, draft, roads int64 // named responses: citizen A city (completed), B city (draft), A roads
	anon, anonDraft     int64 // anonymous responses of reint
	secrets             []string
}

// fillAnalytics writes, with plain SQL, two named surveys and an anonymous
// one, two citizens and five responses: a phone, a location and a sensitive
// answer, phone numbers and a Telegram id typed into free text, and an
// anonymous response begun seconds after a named one was completed.
func fillAnalytics(t *testing.T, st *store.Store) analyticsData {
	t.Helper()
	ctx := t.Context()
	opts := []survey.Option{{ID: "center", Label: survey.Text{"uk": "Центр", "en": "Centre"}}, {ID: "north", Label: survey.Text{"uk": "Північ", "en": "North"}}}
	saveSurvey(t, st, &survey.Survey{
		ID: "city", Title: survey.Text{"uk": "Місто", "en": "City"}, Languages: []string{"uk", "en"}, TimeZone: "Europe/Kyiv",
		Questions: []survey.Question{
			{ID: "intro", Type: survey.Note, Text: survey.Text{"uk": "Вступ", "en": "Intro"}},
			{ID: "district", Type: survey.Single, Text: survey.Text{"uk": "Район?", "en": "District?"}, Options: opts, Other: survey.Text{"uk": "Інше", "en": "Other"}},
			// Phone and location are sensitive by type, even when the flag is not set.
			{ID: "phone", Type: survey.Phone, Text: survey.Text{"uk": "Телефон?", "en": "Phone?"}, Optional: true},
			{ID: "place", Type: survey.Location, Text: survey.Text{"uk": "Де ви?", "en": "Where are you?"}},
			{ID: "income", Type: survey.Number, Text: survey.Text{"uk": "Дохід?", "en": "Income?"}, Sensitive: true},
			{ID: "comment", Type: survey.FreeText, Text: survey.Text{"uk": "Коментар?", "en": "Comment?"}},
		},
	})
	saveSurvey(t, st, &survey.Survey{
		ID: "roads", Title: survey.Text{"uk": "Дороги"}, Languages: []string{"uk"}, TimeZone: "Europe/Kyiv",
		Questions: []survey.Question{{ID: "rating", Type: survey.Scale, Text: survey.Text{"uk": "Оцінка?"}, ScaleMin: 1, ScaleMax: 5}},
	})
	saveSurvey(t, st, &survey.Survey{
		ID: "reint", Title: survey.Text{"en": "Reintegration", "uk": "Реінтеграція"}, Languages: []string{"en", "uk"}, TimeZone: "Europe/Kyiv", Anonymous: true,
		Questions: []survey.Question{
			{ID: "region", Type: survey.Region, Text: survey.Text{"en": "Region?", "uk": "Регіон?"}},
			{ID: "health", Type: survey.FreeText, Text: survey.Text{"en": "Health?", "uk": "Здоров'я?"}, Sensitive: true},
			{ID: "comment", Type: survey.FreeText, Text: survey.Text{"en": "Comment?", "uk": "Коментар?"}},
		},
	})

	var a, b int64
	err := st.Pool().QueryRow(ctx, `
WITH c AS (INSERT INTO citizens (telegram_id, language) VALUES (987654321, 'uk'), (987650001, 'en') RETURNING id, telegram_id)
SELECT (SELECT id FROM c WHERE telegram_id = 987654321), (SELECT id FROM c WHERE telegram_id = 987650001)`).Scan(&a, &b)
	if err != nil {
		t.Fatalf("citizens: %v", err)
	}
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	respond := func(surveyID string, citizen *int64, lang, started, completed, current string) int64 {
		t.Helper()
		var id int64
		var done *time.Time
		if completed != "" {
			c := at(completed)
			done = &c
		}
		err := st.Pool().QueryRow(ctx, `
INSERT INTO responses (survey_id, survey_version, citizen_id, language, source, status, current_question, started_at, updated_at, completed_at)
VALUES ($1, 1, $2, $3, 'deeplink', CASE WHEN $5::timestamptz IS NULL THEN 'draft' ELSE 'completed' END, nullif($6, ''), $4, coalesce($5, $4), $5)
RETURNING id`, surveyID, citizen, lang, at(started), done, current).Scan(&id)
		if err != nil {
			t.Fatalf("response of %s: %v", surveyID, err)
		}
		return id
	}
	answer := func(response int64, a survey.Answer, text, answered string) {
		t.Helper()
		a.At = at(answered)
		value, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		_, err = st.Pool().Exec(ctx, `INSERT INTO answers (response_id, question_id, value, value_text, answered_at) VALUES ($1, $2, $3, $4, $5)`,
			response, a.Question, value, text, a.At)
		if err != nil {
			t.Fatalf("answer %s of response %d: %v", a.Question, response, err)
		}
	}

	d := analyticsData{secrets: []string{
		"987654321", "987650001", // Telegram ids
		"+380501234567", "501234567", "050) 123-45-67", "050 123 45 67", // the phone number, as given and as typed
		"50.4501", "30.5234", // the location
		"10:05:20", "10:06:01", "10:09:50", "23:30", // exact times of anonymous responses
	}}
	d.named = respond("city", &a, "uk", "2026-03-01 10:00:00", "2026-03-01 10:05:13", "")
	answer(d.named, survey.Answer{Question: "district", Choice: "other", Other: "Подзвоніть +38 (050) 123-45-67"}, "Інше: Подзвоніть +38 (050) 123-45-67", "2026-03-01 10:01:00")
	answer(d.named, survey.Answer{Question: "phone", Phone: "+380501234567"}, "+380501234567", "2026-03-01 10:02:00")
	answer(d.named, survey.Answer{Question: "place", Lat: num(50.4501), Lon: num(30.5234)}, "50.4501, 30.5234", "2026-03-01 10:03:00")
	answer(d.named, survey.Answer{Question: "income", Number: num(12345)}, "12 345", "2026-03-01 10:04:00")
	answer(d.named, survey.Answer{Question: "comment", Text: "Ями з 24.02.2022, \"дуже\" погано; пишіть 050 123 45 67"}, "Ями з 24.02.2022, \"дуже\" погано; пишіть 050 123 45 67", "2026-03-01 10:05:00")

	d.draft = respond("city", &b, "en", "2026-03-01 11:00:00", "", "place")
	answer(d.draft, survey.Answer{Question: "district", Choice: "north"}, "North", "2026-03-01 11:01:00")
	answer(d.draft, survey.Answer{Question: "phone", Skipped: true}, "—", "2026-03-01 11:02:00")

	d.roads = respond("roads", &a, "uk", "2026-03-01 12:00:00", "2026-03-01 12:00:30", "")
	answer(d.roads, survey.Answer{Question: "rating", Number: num(4)}, "4", "2026-03-01 12:00:20")

	// Begun seven seconds after citizen A completed "city": its exact times would tie them together.
	d.anon = respond("reint", nil, "en", "2026-03-01 10:05:20", "2026-03-01 10:09:50", "")
	answer(d.anon, survey.Answer{Question: "region", Choice: "UA-32"}, "Kyiv Oblast", "2026-03-01 10:06:01")
	answer(d.anon, survey.Answer{Question: "health", Text: "діабет"}, "діабет", "2026-03-01 10:07:00")
	answer(d.anon, survey.Answer{Question: "comment", Text: "мій телеграм 987654321"}, "мій телеграм 987654321", "2026-03-01 10:09:00")

	d.anonDraft = respond("reint", nil, "uk", "2026-03-02 23:30:00", "", "health")
	answer(d.anonDraft, survey.Answer{Question: "region", Skipped: true}, "—", "2026-03-02 23:30:40")
	answer(d.anonDraft, survey.Answer{Question: "health", Skipped: true}, "—", "2026-03-02 23:31:00")
	return d
}

// collect runs q and scans each row, by position, into a T.
func collect[T any](t *testing.T, st *store.Store, q string, args ...any) []T {
	t.Helper()
	rows, err := st.Pool().Query(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[T])
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return got
}

func TestAnalyticsSurveysAndQuestions(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	fillAnalytics(t, st)

	type surveyRow struct {
		ID, Title, TitleEN string
		Languages          []string
		Anonymous          bool
		Questions          int
	}
	surveys := collect[surveyRow](t, st, `SELECT survey_id, title, coalesce(titles ->> 'en', ''), languages, anonymous, question_count FROM analytics.surveys`)
	wantSurveys := []surveyRow{
		{"city", "Місто", "City", []string{"uk", "en"}, false, 5}, // the note takes no answer
		{"reint", "Reintegration", "Reintegration", []string{"en", "uk"}, true, 3},
		{"roads", "Дороги", "", []string{"uk"}, false, 1},
	}
	if !reflect.DeepEqual(surveys, wantSurveys) {
		t.Errorf("analytics.surveys =\n%+v\nwant\n%+v", surveys, wantSurveys)
	}

	type questionRow struct {
		ID        string
		Position  int
		Type      string
		Text      string
		Sensitive bool
		Options   string
	}
	questions := collect[questionRow](t, st, `
SELECT question_id, position, type, text, sensitive, coalesce(jsonb_path_query_array(options, '$[*].id')::text, '')
FROM analytics.questions WHERE survey_id = 'city' AND survey_version = 1`)
	wantQuestions := []questionRow{
		{"intro", 1, "note", "Вступ", false, ""},
		{"district", 2, "single", "Район?", false, `["center", "north"]`},
		{"phone", 3, "phone", "Телефон?", true, ""},
		{"place", 4, "location", "Де ви?", true, ""},
		{"income", 5, "number", "Дохід?", true, ""},
		{"comment", 6, "text", "Коментар?", false, ""},
	}
	if !reflect.DeepEqual(questions, wantQuestions) {
		t.Errorf("analytics.questions of city =\n%+v\nwant\n%+v", questions, wantQuestions)
	}
}

// responseRow is a row of analytics.responses.
type responseRow struct {
	ID         int64
	Respondent *string
	Anonymous  bool
	Survey     string
	Status     string
	Current    *string
	Started    time.Time
	Submitted  *time.Time
	Duration   *int
}

const selectResponses = `SELECT response_id, respondent, anonymous, survey_id, status, current_question, started, submitted, duration_seconds FROM analytics.responses`

// labelResponses names the rows of analytics.responses as the tests think of
// them, and fails unless there is exactly one row per response of d.
func labelResponses(t *testing.T, d analyticsData, rows []responseRow) map[string]responseRow {
	t.Helper()
	byLabel := make(map[string]responseRow)
	for _, r := range rows {
		label := map[int64]string{d.named: "A/city", d.draft: "B/city", d.roads: "A/roads"}[r.ID]
		switch {
		case r.Anonymous && r.Status == "completed":
			label = "anon"
		case r.Anonymous:
			label = "anon-draft"
		}
		if _, dup := byLabel[label]; dup || label == "" {
			t.Fatalf("unexpected row %+v in analytics.responses", r)
		}
		byLabel[label] = r
	}
	if len(byLabel) != 5 {
		t.Fatalf("analytics.responses has %d rows, want 5", len(rows))
	}
	return byLabel
}

func TestAnalyticsResponses(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	d := fillAnalytics(t, st)
	rows := collect[responseRow](t, st, selectResponses)
	r := labelResponses(t, d, rows)

	// Named responses: real ids, exact times, one pseudonym per citizen across surveys.
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	a, b := r["A/city"].Respondent, r["B/city"].Respondent
	if a == nil || b == nil || !hex16.MatchString(*a) || !hex16.MatchString(*b) || *a == *b {
		t.Errorf("respondents of A and B = %v, %v: want two different 16-hex-digit pseudonyms", deref(a), deref(b))
	}
	if roads := r["A/roads"].Respondent; roads == nil || a == nil || *roads != *a {
		t.Errorf("respondent of A in roads = %v, in city %v: want the same", deref(roads), deref(a))
	}
	utc := func(s string) time.Time { v, _ := time.Parse(time.DateTime, s); return v }
	if got := r["A/city"]; !got.Started.Equal(utc("2026-03-01 10:00:00")) || got.Submitted == nil || !got.Submitted.Equal(utc("2026-03-01 10:05:13")) ||
		got.Duration == nil || *got.Duration != 313 || got.Status != "completed" || got.Current != nil {
		t.Errorf("A/city = %+v, want exact times and 313 s", got)
	}
	if got := r["B/city"]; got.Status != "draft" || deref(got.Current) != "place" || got.Submitted != nil || got.Duration != nil {
		t.Errorf("B/city = %+v, want a draft at question place", got)
	}

	// Anonymous responses: no respondent, an id that is neither the serial id nor in its order, days only.
	for _, label := range []string{"anon", "anon-draft"} {
		got := r[label]
		if got.ID >= 0 || got.ID == -d.anon || got.ID == -d.anonDraft || got.Respondent != nil || got.Survey != "reint" {
			t.Errorf("%s = %+v, want a negative hashed id and no respondent", label, got)
		}
	}
	if got := r["anon"]; !got.Started.Equal(utc("2026-03-01 00:00:00")) || got.Submitted == nil || !got.Submitted.Equal(utc("2026-03-01 00:00:00")) ||
		got.Duration == nil || *got.Duration != 300 {
		t.Errorf("anon = %+v, want started and submitted 2026-03-01 00:00 UTC, 270 s rounded to 300", got)
	}
	if got := r["anon-draft"]; !got.Started.Equal(utc("2026-03-02 00:00:00")) || got.Submitted != nil || deref(got.Current) != "health" {
		t.Errorf("anon-draft = %+v, want started 2026-03-02 00:00 UTC, a draft at health", got)
	}

	// Rows come sorted, never in the order they were written; the ids are stable.
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(x, y responseRow) int {
		if c := strings.Compare(x.Survey, y.Survey); c != 0 {
			return c
		}
		if c := x.Started.Compare(y.Started); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	if !reflect.DeepEqual(rows, sorted) {
		t.Errorf("analytics.responses is not ordered by survey, started, response_id:\n%+v", rows)
	}
	if again := collect[responseRow](t, st, selectResponses); !reflect.DeepEqual(again, rows) {
		t.Errorf("analytics.responses changed between two reads:\n%+v\n%+v", rows, again)
	}
}

func TestAnalyticsAnswers(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	d := fillAnalytics(t, st)
	labels := make(map[int64]string)
	for label, r := range labelResponses(t, d, collect[responseRow](t, st, selectResponses)) {
		labels[r.ID] = label
	}

	type answerRow struct {
		Response   int64
		Question   string
		Position   int
		Hidden     bool
		Skipped    bool
		Value      []byte
		Text       string
		AnsweredAt time.Time
	}
	rows := collect[answerRow](t, st, `SELECT response_id, question_id, position, hidden, skipped, value, value_text, answered_at FROM analytics.answers`)
	type answer struct {
		hidden, skipped bool
		value, text     string
		at              string
	}
	got := make(map[string]answer)
	for _, r := range rows {
		label, ok := labels[r.Response]
		if !ok {
			t.Errorf("answer %s of response %d, which analytics.responses does not have", r.Question, r.Response)
		}
		got[label+" "+r.Question] = answer{r.Hidden, r.Skipped, string(r.Value), r.Text, r.AnsweredAt.UTC().Format(time.DateTime)}
	}
	want := map[string]answer{
		"A/city district":   {false, false, `{"q":"district","choice":"other","other":"Подзвоніть [number hidden]"}`, "Інше: Подзвоніть [number hidden]", "2026-03-01 10:01:00"},
		"A/city phone":      {true, false, `{"q":"phone","hidden":true}`, "[hidden]", "2026-03-01 10:02:00"},
		"A/city place":      {true, false, `{"q":"place","hidden":true}`, "[hidden]", "2026-03-01 10:03:00"},
		"A/city income":     {true, false, `{"q":"income","hidden":true}`, "[hidden]", "2026-03-01 10:04:00"},
		"A/city comment":    {false, false, `{"q":"comment","text":"Ями з 24.02.2022, \"дуже\" погано; пишіть [number hidden]"}`, `Ями з 24.02.2022, "дуже" погано; пишіть [number hidden]`, "2026-03-01 10:05:00"},
		"B/city district":   {false, false, `{"q":"district","choice":"north"}`, "North", "2026-03-01 11:01:00"},
		"B/city phone":      {true, true, `{"q":"phone","hidden":true,"skipped":true}`, "—", "2026-03-01 11:02:00"},
		"A/roads rating":    {false, false, `{"q":"rating","number":4}`, "4", "2026-03-01 12:00:20"},
		"anon region":       {false, false, `{"q":"region","choice":"UA-32"}`, "Kyiv Oblast", "2026-03-01 00:00:00"},
		"anon health":       {true, false, `{"q":"health","hidden":true}`, "[hidden]", "2026-03-01 00:00:00"},
		"anon comment":      {false, false, `{"q":"comment","text":"мій телеграм [number hidden]"}`, "мій телеграм [number hidden]", "2026-03-01 00:00:00"},
		"anon-draft region": {false, true, `{"q":"region","skipped":true}`, "—", "2026-03-02 00:00:00"},
		"anon-draft health": {true, true, `{"q":"health","hidden":true,"skipped":true}`, "—", "2026-03-02 00:00:00"},
	}
	// Sorted, so an anonymous response's answers do not sit where they were written.
	if !slices.IsSortedFunc(rows, func(x, y answerRow) int {
		if x.Response != y.Response {
			return cmp.Compare(x.Response, y.Response)
		}
		return cmp.Compare(x.Position, y.Position)
	}) {
		t.Errorf("analytics.answers is not ordered by response_id, position")
	}
	if len(got) != len(want) || len(rows) != len(want) {
		t.Errorf("analytics.answers has %d rows, want %d", len(rows), len(want))
	}
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("%s: missing", key)
			continue
		}
		if g.hidden != w.hidden || g.skipped != w.skipped || !sameJSON(t, g.value, w.value) || g.text != w.text || g.at != w.at {
			t.Errorf("%s =\n%+v\nwant\n%+v", key, g, w)
		}
	}
}

// TestAnalyticsHidesPersonalData reads every row of every relation in schema
// analytics, views added later included, as JSON text, and looks for the
// Telegram ids, the phone number, the location and the exact times of
// anonymous responses; and for the serial ids of anonymous responses.
func TestAnalyticsHidesPersonalData(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	d := fillAnalytics(t, st)

	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SET LOCAL TimeZone = 'UTC'`); err != nil { // times as the secrets spell them
		t.Fatal(err)
	}
	relations, err := pgx.CollectRows(mustQuery(t, tx, `SELECT relname FROM pg_class WHERE relnamespace = 'analytics'::regnamespace AND relkind IN ('r', 'v', 'm') ORDER BY 1`), pgx.RowTo[string])
	if err != nil || len(relations) < 4 {
		t.Fatalf("relations of schema analytics: %v, %v", relations, err)
	}
	for _, rel := range relations {
		texts, err := pgx.CollectRows(mustQuery(t, tx, `SELECT row_to_json(v)::text FROM analytics.`+pgx.Identifier{rel}.Sanitize()+` v`), pgx.RowTo[string])
		if err != nil {
			t.Fatalf("analytics.%s: %v", rel, err)
		}
		for _, text := range texts {
			for _, secret := range d.secrets {
				if strings.Contains(text, secret) {
					t.Errorf("analytics.%s shows %q in %s", rel, secret, text)
				}
			}
		}
	}
	for _, view := range []string{"responses", "answers"} {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM analytics.`+view+` WHERE response_id = ANY($1)`, []int64{d.anon, d.anonDraft}).Scan(&n); err != nil || n != 0 {
			t.Errorf("analytics.%s shows the serial id of an anonymous response in %d rows (%v)", view, n, err)
		}
	}
}

// TestAnalyticsRole checks that hromada_analyst, and a role that is a member
// of it as an analyst's login would be, read the analytics views and nothing
// in schema public.
func TestAnalyticsRole(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	fillAnalytics(t, st)

	member := fmt.Sprintf("hromada_t_analyst_%016x", rand.Uint64()) // roles are cluster-wide
	if _, err := st.Pool().Exec(ctx, `CREATE ROLE `+pgx.Identifier{member}.Sanitize()+` NOLOGIN IN ROLE `+analystRole); err != nil {
		t.Fatalf("create a member of %s: %v", analystRole, err)
	}
	t.Cleanup(func() {
		if _, err := st.Pool().Exec(context.Background(), `DROP ROLE IF EXISTS `+pgx.Identifier{member}.Sanitize()); err != nil {
			t.Errorf("drop role %s: %v", member, err)
		}
	})

	var canLogin bool
	if err := st.Pool().QueryRow(ctx, `SELECT rolcanlogin FROM pg_roles WHERE rolname = $1`, analystRole).Scan(&canLogin); err != nil || canLogin {
		t.Errorf("%s: can login = %v (%v), want an existing NOLOGIN role", analystRole, canLogin, err)
	}
	views := []string{"surveys", "questions", "responses", "answers"}
	tables := collect[struct{ Name string }](t, st, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if len(tables) < 7 {
		t.Fatalf("public tables: %v", tables)
	}
	for _, role := range []string{analystRole, member} {
		for _, view := range views {
			var n int
			err := asRole(t, st, role, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, `SELECT count(*) FROM analytics.`+view).Scan(&n)
			})
			if err != nil || n == 0 {
				t.Errorf("%s: SELECT analytics.%s = %d rows, %v; want rows", role, view, n, err)
			}
		}
		for _, table := range tables {
			err := asRole(t, st, role, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `SELECT * FROM public.`+pgx.Identifier{table.Name}.Sanitize()+` LIMIT 1`)
				return err
			})
			if pgCode(err) != "42501" {
				t.Errorf("%s: SELECT public.%s: err = %v, want permission denied", role, table.Name, err)
			}
		}
	}

	// The catalog agrees, for every privilege and every relation, those added later included.
	type grant struct {
		Relation string
		Kind     string
		Privs    string
	}
	grants := collect[grant](t, st, `
SELECT n.nspname || '.' || c.relname, c.relkind::text,
       concat_ws(',', CASE WHEN has_table_privilege($1, c.oid, 'SELECT') THEN 'SELECT' END,
                      CASE WHEN has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') THEN 'WRITE' END)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'analytics') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'public.' || relname, 'S', CASE WHEN has_sequence_privilege($1, oid, 'USAGE, SELECT, UPDATE') THEN 'USE' ELSE '' END
FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'S'
ORDER BY 1`, analystRole)
	for _, g := range grants {
		want := ""
		if strings.HasPrefix(g.Relation, "analytics.") {
			want = "SELECT"
			if g.Kind != "v" {
				t.Errorf("%s is of kind %s, want only views in schema analytics", g.Relation, g.Kind)
			}
		}
		if g.Privs != want {
			t.Errorf("%s may %q on %s, want %q", analystRole, g.Privs, g.Relation, want)
		}
	}
	var usage, create bool
	if err := st.Pool().QueryRow(ctx, `SELECT has_schema_privilege($1, 'analytics', 'USAGE'), has_schema_privilege($1, 'analytics', 'CREATE')`, analystRole).Scan(&usage, &create); err != nil || !usage || create {
		t.Errorf("%s on schema analytics: USAGE %v, CREATE %v (%v); want USAGE only", analystRole, usage, create, err)
	}
}

// TestAnalyticsMigrateDownAndUp rolls migration 00004 back with data in the
// tables, then applies it again.
func TestAnalyticsMigrateDownAndUp(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	d := fillAnalytics(t, st)
	before := labelResponses(t, d, collect[responseRow](t, st, selectResponses))

	if err := store.MigrateDown(ctx, st.Pool(), 3); err != nil {
		t.Fatalf("MigrateDown to 3: %v", err)
	}
	if n := count(t, st, `SELECT count(*) FROM pg_namespace WHERE nspname = 'analytics'`); n != 0 {
		t.Errorf("schema analytics still exists after MigrateDown")
	}
	if n := count(t, st, `SELECT count(*) FROM pg_tables WHERE tablename = 'analytics_secret'`); n != 0 {
		t.Errorf("analytics_secret still exists after MigrateDown")
	}
	// The role stays (other databases of the cluster may use it), without any privilege here.
	if n := count(t, st, `SELECT count(*) FROM pg_roles WHERE rolname = $1`, analystRole); n != 1 {
		t.Errorf("role %s dropped by MigrateDown", analystRole)
	}
	if n := count(t, st, `
SELECT count(*) FROM pg_shdepend
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND refclassid = 'pg_authid'::regclass AND refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1)`, analystRole); n != 0 {
		t.Errorf("%s still has %d privileges in the database after MigrateDown", analystRole, n)
	}
	if n := count(t, st, `SELECT count(*) FROM responses`); n != 5 {
		t.Errorf("responses = %d after MigrateDown to 3, want the 5 kept", n)
	}

	if err := store.Migrate(ctx, st.Pool()); err != nil {
		t.Fatalf("Migrate after down: %v", err)
	}
	after := labelResponses(t, d, collect[responseRow](t, st, selectResponses))
	if a, b := deref(before["A/city"].Respondent), deref(after["A/city"].Respondent); a == b || len(b) != 16 {
		t.Errorf("respondent before and after down and up: %q, %q; want a new pseudonym from the new secret", a, b)
	}
	var ok bool
	if err := st.Pool().QueryRow(ctx, `SELECT has_table_privilege($1, 'analytics.answers', 'SELECT')`, analystRole).Scan(&ok); err != nil || !ok {
		t.Errorf("%s may not read analytics.answers after up again (%v)", analystRole, err)
	}
}

// asRole runs fn in a transaction (rolled back) under SET LOCAL ROLE role.
func asRole(t *testing.T, st *store.Store, role string, fn func(pgx.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SET LOCAL ROLE `+pgx.Identifier{role}.Sanitize()); err != nil {
		t.Fatalf("SET ROLE %s: %v", role, err)
	}
	return fn(tx)
}

func mustQuery(t *testing.T, tx pgx.Tx, q string) pgx.Rows {
	t.Helper()
	rows, err := tx.Query(t.Context(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return rows
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
