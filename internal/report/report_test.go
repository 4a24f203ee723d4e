package report_test

import (
	"bytes"
	"encoding/base64"
	"html"
	"image"
	"image/png"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/survey"
)

const everyType = "../app/testdata/surveys/every-type.yaml"

// seeded returns the Summary of the reporttest responses with the default
// threshold.
func seeded(t *testing.T) report.Summary {
	t.Helper()
	st := storetest.New(t)
	reporttest.Seed(t, st, everyType)
	s, err := report.Load(t.Context(), st, "every-type", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func question(t *testing.T, s report.Summary, id string) report.QuestionSummary {
	t.Helper()
	for _, q := range s.Questions {
		if q.ID == id {
			return q
		}
	}
	t.Fatalf("no question %q in the summary", id)
	return report.QuestionSummary{}
}

// row is a compact expectation: option id, count, percent, hiding.
type row struct {
	option  string
	count   int
	percent float64
	hidden  report.Hiding
}

func rowsOf(q report.QuestionSummary) []row {
	out := make([]row, len(q.Rows))
	for i, r := range q.Rows {
		out[i] = row{r.Option, r.Count, r.Percent, r.Hidden}
	}
	return out
}

func TestBuildFromStore(t *testing.T) {
	t.Parallel()
	s := seeded(t)
	if s.SurveyID != "every-type" || s.Version != 1 || s.Responses != reporttest.Completed || s.Threshold != 5 || s.At.IsZero() {
		t.Errorf("summary = %s v%d, %d responses, threshold %d, at %v", s.SurveyID, s.Version, s.Responses, s.Threshold, s.At)
	}
	var ids []string
	for _, q := range s.Questions {
		ids = append(ids, q.ID)
	}
	// displaced is sensitive, home is asked only after it, phone and where
	// are contact data, hello is a note.
	if want := []string{"region", "topics", "trust", "age", "spend", "moved_on", "comment", "vote"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("questions %v, want %v", ids, want)
	}

	const S, L, C = report.Shown, report.Small, report.Complement
	for _, tt := range []struct {
		id   string
		want []row
	}{
		// One small cell: the next smallest is hidden too.
		{"vote", []row{{"yes", 12, 60, S}, {"no", 0, 0, C}, {"other", 0, 0, L}}},
		// Multi: shares of those who answered, adding up to more than 100.
		{"topics", []row{{"safety", 14, 70, S}, {"jobs", 12, 60, S}, {"schools", 0, 0, C}, {"other", 0, 0, L}}},
		// Several small cells (a zero among them): nothing more to hide.
		{"trust", []row{{"1", 0, 0, L}, {"2", 0, 0, L}, {"3", 0, 0, L}, {"4", 6, 30, S}, {"5", 8, 40, S}}},
	} {
		if got := rowsOf(question(t, s, tt.id)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s rows:\n got %v\nwant %v", tt.id, got, tt.want)
		}
	}

	region := question(t, s, "region")
	if len(region.Rows) != len(survey.Regions()) {
		t.Errorf("region has %d rows, want one per region", len(region.Rows))
	}
	for _, r := range region.Rows {
		want := row{r.Option, 0, 0, L}
		switch r.Option {
		case "UA-30":
			want = row{"UA-30", 9, 45, S}
		case "UA-46":
			want = row{"UA-46", 7, 35, S}
		}
		if got := (row{r.Option, r.Count, r.Percent, r.Hidden}); got != want {
			t.Errorf("region row %v, want %v", got, want)
		}
	}

	trust := question(t, s, "trust")
	if got := trust.Rows[0].Label.In("en", "uk"); got != "1 (Not at all)" {
		t.Errorf("scale end label %q", got)
	}
	age, spend, comment, moved := question(t, s, "age"), question(t, s, "spend"), question(t, s, "comment"), question(t, s, "moved_on")
	if age.Answered != 20 || age.Median == nil || *age.Median != 29.5 || age.Rows != nil {
		t.Errorf("age: %d answered, median %v, rows %v", age.Answered, age.Median, age.Rows)
	}
	// Four answers: too few for a median; sixteen skips are shown.
	if spend.Answered != 4 || spend.Median != nil || spend.Skipped != (report.Cell{Count: 16}) || !spend.Optional {
		t.Errorf("spend: %d answered, median %v, skipped %+v", spend.Answered, spend.Median, spend.Skipped)
	}
	if comment.Answered != 6 || comment.Skipped != (report.Cell{Count: 14}) || moved.Answered != 3 || moved.Skipped != (report.Cell{Hidden: L}) {
		t.Errorf("comment %d answered, skipped %+v; moved_on %d answered, skipped %+v", comment.Answered, comment.Skipped, moved.Answered, moved.Skipped)
	}
}

// counts makes store counts of one question of def.
func counts(def *survey.Survey, c ...store.QuestionCounts) *store.SurveyCounts {
	return &store.SurveyCounts{Survey: def, Responses: 100, Questions: c, At: time.Now()}
}

func choiceSurvey(options ...string) *survey.Survey {
	q := survey.Question{ID: "q", Type: survey.Single, Text: survey.Text{"uk": "Питання"}}
	for _, o := range options {
		q.Options = append(q.Options, survey.Option{ID: o, Label: survey.Text{"uk": o}})
	}
	return &survey.Survey{ID: "s", Languages: []string{"uk"}, Questions: []survey.Question{q}}
}

func TestHiding(t *testing.T) {
	t.Parallel()
	const S, L, C = report.Shown, report.Small, report.Complement
	tests := []struct {
		name      string
		options   []string
		counts    map[string]int
		threshold int
		want      []report.Hiding
	}{
		{"nothing small", []string{"a", "b", "c"}, map[string]int{"a": 5, "b": 9, "c": 30}, 0, []report.Hiding{S, S, S}},
		{"one small hides the next smallest", []string{"a", "b", "c"}, map[string]int{"a": 40, "b": 3, "c": 12}, 0, []report.Hiding{S, L, C}},
		{"a tie goes to the first listed", []string{"a", "b", "c", "d"}, map[string]int{"a": 7, "b": 20, "c": 7, "d": 1}, 0, []report.Hiding{C, S, S, L}},
		{"a zero is small", []string{"a", "b", "c"}, map[string]int{"a": 40, "c": 12}, 0, []report.Hiding{S, L, C}},
		{"two small need nothing more", []string{"a", "b", "c"}, map[string]int{"a": 40, "b": 4, "c": 1}, 0, []report.Hiding{S, L, L}},
		{"all small", []string{"a", "b"}, map[string]int{"a": 2, "b": 2}, 0, []report.Hiding{L, L}},
		{"threshold 10", []string{"a", "b", "c"}, map[string]int{"a": 40, "b": 9, "c": 10}, 10, []report.Hiding{S, L, C}},
		{"threshold 1 hides zeros only", []string{"a", "b", "c"}, map[string]int{"a": 1, "b": 2, "c": 3}, 1, []report.Hiding{S, S, S}},
		{"an option gone from the definition is a row too", []string{"a", "b"}, map[string]int{"a": 40, "b": 30, "old": 2}, 0, []report.Hiding{S, C, L}},
		{"a single option has no complement", []string{"a"}, map[string]int{"a": 2}, 0, []report.Hiding{L}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answered := 0
			for _, n := range tt.counts {
				answered += n
			}
			s := report.Build(counts(choiceSurvey(tt.options...), store.QuestionCounts{QuestionID: "q", Answered: answered, Options: tt.counts}),
				report.Options{Threshold: tt.threshold})
			q := s.Questions[0]
			var got []report.Hiding
			for _, r := range q.Rows {
				got = append(got, r.Hidden)
				if r.Hidden != S && (r.Count != 0 || r.Percent != 0) {
					t.Errorf("hidden row %s keeps count %d, %v%%", r.Option, r.Count, r.Percent)
				}
				if r.Hidden == S && r.Count != tt.counts[r.Option] {
					t.Errorf("row %s: count %d, want %d", r.Option, r.Count, tt.counts[r.Option])
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("hiding %v, want %v", got, tt.want)
			}
		})
	}
}

// Whatever the counts, no shown count is small, no hidden count is left in
// the summary, and a question never has exactly one hidden cell, so none can
// be worked out by subtraction from the total.
func TestHidingNeverLeavesOneCell(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 2 + rng.IntN(6)
		options := make([]string, n)
		c := make(map[string]int)
		answered := 0
		for i := range options {
			options[i] = string(rune('a' + i))
			c[options[i]] = rng.IntN(15)
			answered += c[options[i]]
		}
		threshold := 1 + rng.IntN(8)
		q := report.Build(counts(choiceSurvey(options...), store.QuestionCounts{QuestionID: "q", Answered: answered, Options: c}),
			report.Options{Threshold: threshold}).Questions[0]
		hidden, shownSum := 0, 0
		for _, r := range q.Rows {
			switch {
			case r.Hidden == report.Shown && r.Count < threshold:
				t.Fatalf("%v threshold %d: small count %s=%d shown", c, threshold, r.Option, r.Count)
			case r.Hidden == report.Shown:
				shownSum += r.Count
			case r.Count != 0 || r.Percent != 0:
				t.Fatalf("%v: hidden %s keeps %d", c, r.Option, r.Count)
			case c[r.Option] < threshold && r.Hidden != report.Small:
				t.Fatalf("%v threshold %d: small %s marked %v", c, threshold, r.Option, r.Hidden)
			default:
				hidden++
			}
		}
		if hidden == 1 {
			t.Fatalf("%v threshold %d: one hidden cell = %d answered − %d shown", c, threshold, answered, shownSum)
		}
	}
}

func TestLeftOut(t *testing.T) {
	t.Parallel()
	yes := survey.Text{"uk": "так"}
	def := &survey.Survey{ID: "s", Languages: []string{"uk"}, Questions: []survey.Question{
		{ID: "intro", Type: survey.Note, Text: yes},
		{ID: "health", Type: survey.YesNo, Text: yes, Sensitive: true},
		{ID: "which", Type: survey.FreeText, Text: yes, ShowIf: &survey.Condition{Question: "health", Op: survey.OpEquals, Value: "yes"}},
		{ID: "more", Type: survey.YesNo, Text: yes, ShowIf: &survey.Condition{Any: []survey.Condition{
			{Question: "age", Op: survey.OpGreater, Value: "60"}, {Not: &survey.Condition{Question: "which", Op: survey.OpAnswered}},
		}}},
		{ID: "age", Type: survey.Number, Text: yes},
		{ID: "old", Type: survey.YesNo, Text: yes, ShowIf: &survey.Condition{Question: "age", Op: survey.OpGreater, Value: "60"}},
		{ID: "phone", Type: survey.Phone, Text: yes},
		{ID: "where", Type: survey.Location, Text: yes},
	}}
	var c []store.QuestionCounts
	for _, q := range def.Questions {
		if q.Type != survey.Note {
			c = append(c, store.QuestionCounts{QuestionID: q.ID, Answered: 50})
		}
	}
	var ids []string
	for _, q := range report.Build(counts(def, c...), report.Options{}).Questions {
		ids = append(ids, q.ID)
	}
	if want := []string{"age", "old"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("questions %v, want %v", ids, want)
	}
}

// noSecrets fails when out shows an answer or a question no report may show.
func noSecrets(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range append(reporttest.Secrets, reporttest.HiddenQuestions...) {
		if strings.Contains(out, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	s := seeded(t)
	for _, tt := range []struct {
		lang string
		want []string
	}{
		{"uk", []string{
			"📊 Результати опитування: Усі типи\nЗаповнених анкет: 20 · станом на ",
			"«<5» — менше ніж 5 відповідей",
			"«приховано» — число не менше ніж 5",
			"1. Де ви живете?\nВідповіли: 20\nЛьвівська область — 7 (35%)\nм. Київ — 9 (45%)\nрешта варіантів (26): кожен <5\n\n",
			"2. Що найважливіше?\nВідповіли: 20\nМожна було обрати кілька варіантів; частки — від тих, хто відповів.\nБезпека — 14 (70%)\nРобота — 12 (60%)\nШколи — приховано\nІнше — <5",
			"3. Наскільки ви довіряєте громаді?\nВідповіли: 20\n1 (Зовсім ні) — <5\n2 — <5\n3 — <5\n4 — 6 (30%)\n5 (Повністю) — 8 (40%)",
			"4. Скільки вам років?\nВідповіли: 20 · Медіана: 29,5",
			"5. Скільки ви витрачаєте на проїзд, грн?\nВідповіли: 4 · пропустили: 16\n",
			"6. Коли ви переїхали?\nВідповіли: 3\n",
			"7. Ваш коментар\nВідповіли: 6 · пропустили: 14\n",
			"8. Чи підете ви на вибори?\nВідповіли: 20\nТак — 12 (60%)\nНі — приховано\nІнша відповідь — <5",
		}},
		{"en", []string{
			"📊 Survey results: Every type\nCompleted responses: 20 · as of ",
			"Lviv Oblast — 7 (35%)\nKyiv City — 9 (45%)\nthe remaining 26 options: <5 each\n",
			"4. How old are you?\nAnswered: 20 · Median: 29.5",
			"8. Will you vote?\nAnswered: 20\nYes — 12 (60%)\nNo — hidden\nAnother answer — <5",
		}},
	} {
		msgs := report.Text(s, tt.lang)
		all := strings.Join(msgs, "\n\n")
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s text lacks %q:\n%s", tt.lang, w, all)
			}
		}
		noSecrets(t, tt.lang+" text", all)
		for _, m := range msgs {
			if n := len(utf16.Encode([]rune(m))); n > report.MaxMessage {
				t.Errorf("%s message of %d units", tt.lang, n)
			}
		}
	}
}

// A summary longer than a message is split between questions; a question
// longer than a message between lines; every message fits.
func TestTextSplits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Дуже довге питання про громаду 🏘. ", 200) // ~7000 units
	def := &survey.Survey{ID: "s", Title: survey.Text{"uk": "Т"}, Languages: []string{"uk"}}
	var c []store.QuestionCounts
	for i := range 60 {
		id := "q" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		q := survey.Question{ID: id, Type: survey.Region, Text: survey.Text{"uk": "Питання " + id}}
		if i == 30 {
			q.Text["uk"] = long
		}
		def.Questions = append(def.Questions, q)
		c = append(c, store.QuestionCounts{QuestionID: id, Answered: 30, Options: map[string]int{"UA-30": 30}})
	}
	msgs := report.Text(report.Build(counts(def, c...), report.Options{}), "uk")
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want several", len(msgs))
	}
	joined := strings.Join(msgs, "\n")
	for _, id := range []string{"qaa", "qdb", "qhc"} {
		if strings.Count(joined, "Питання "+id+"\n") != 1 {
			t.Errorf("question %s not there once", id)
		}
	}
	startsQuestion := regexp.MustCompile(`^(📊|\d+\. )`)
	for i, m := range msgs {
		if n := len(utf16.Encode([]rune(m))); n > report.MaxMessage || n == 0 {
			t.Errorf("message %d has %d units", i, n)
		}
		// Only the long question is split: every other message starts with
		// a question or the heading.
		if !startsQuestion.MatchString(m) && (i == 0 || !strings.Contains(msgs[i-1], "Дуже довге питання")) {
			t.Errorf("message %d starts inside a question: %.60q", i, m)
		}
	}
	if !strings.Contains(joined, "…") {
		t.Error("the question longer than a message is not cut")
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(b))
	if err != nil || format != "png" {
		t.Fatalf("not a PNG (%s): %v", format, err)
	}
	return img
}

func TestChart(t *testing.T) {
	t.Parallel()
	s := seeded(t)
	for _, tt := range []struct {
		id   string
		w, h int
	}{
		{"vote", 800, 500},
		{"topics", 800, 500},
		{"region", 800, 140 + 30*28},
	} {
		q := question(t, s, tt.id)
		b, err := report.Chart(q, "uk")
		if err != nil {
			t.Fatalf("Chart(%s): %v", tt.id, err)
		}
		img := decodePNG(t, b)
		if got := img.Bounds().Size(); got != image.Pt(tt.w, tt.h) {
			t.Errorf("%s chart is %v, want %dx%d", tt.id, got, tt.w, tt.h)
		}
		if w, h := report.ChartSize(q); w != tt.w || h != tt.h {
			t.Errorf("ChartSize(%s) = %dx%d", tt.id, w, h)
		}
		// Some of it is the bars' blue.
		blue := 0
		for y := 0; y < tt.h; y += 2 {
			for x := 0; x < tt.w; x += 2 {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 == 0x00 && g>>8 == 0x57 && b>>8 == 0xb7 {
					blue++
				}
			}
		}
		if blue < 500 {
			t.Errorf("%s chart has %d blue pixels: no bars drawn?", tt.id, blue)
		}
	}
	if _, err := report.Chart(question(t, s, "age"), "uk"); err == nil {
		t.Error("Chart of a number question: no error")
	}
}

func TestHTML(t *testing.T) {
	t.Parallel()
	s := seeded(t)
	var buf bytes.Buffer
	if err := report.HTML(&buf, s, "uk"); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<html lang="uk">`,
		`<h1>Усі типи<small>Результати опитування</small></h1>`,
		`Заповнених анкет: 20`,
		`<section id="q-vote">`,
		`<h2>8. Чи підете ви на вибори?</h2>`,
		`<tr><td>Так</td><td class="n">12</td><td class="n">60%</td></tr>`,
		`<tr class="hidden"><td>Ні</td><td class="n">приховано</td><td class="n"></td></tr>`,
		`<tr class="hidden"><td>Інша відповідь</td><td class="n">&lt;5</td><td class="n"></td></tr>`,
		`<p class="meta">Відповіли: 20 · Медіана: 29,5</p>`,
		`<p class="meta">Відповіли: 6 · пропустили: 14</p>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	noSecrets(t, "page", page)
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("page loads something from outside")
	}
	// html/template writes the data URI's "+" as "&#43;".
	images := regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)" width="(\d+)" height="(\d+)"`).FindAllStringSubmatch(page, -1)
	if len(images) != 4 { // region, topics, trust, vote
		t.Fatalf("%d charts, want 4", len(images))
	}
	for _, m := range images {
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := m[2] + "x" + m[3]; got != strconv.Itoa(cfg.Width)+"x"+strconv.Itoa(cfg.Height) {
			t.Errorf("img says %s, PNG is %dx%d", got, cfg.Width, cfg.Height)
		}
	}
	if n := strings.Count(page, "<table>"); n != 4 {
		t.Errorf("%d tables, want 4", n)
	}
}
