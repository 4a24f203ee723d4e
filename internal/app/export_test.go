package app_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

// The texts citizens type in the round trip: Cyrillic, commas, quotes, a
// line break, and what Excel would take for a formula.
const (
	otherDistrict = `Лівий берег, біля "мосту"`
	otherTopic    = "ремонт, \"дороги\"\nі тротуари"
	typedComment  = "Сказав \"так\", потім — ні;\nа ще: =1+2"
)

var exportKey = []byte("e2e-pseudonym-key-0123456789abcdef")

// TestExportRoundTrip: three citizens answer through the emulator, and
// every format of the export reads back, cell by cell, what they answered.
func TestExportRoundTrip(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.cfg.SurveysDir = "testdata/export"
	e.start()

	// Olena: "other" district, the branch shown, two topics with "other",
	// a comment with quotes and a line break, her phone number.
	olena := e.emu.NewCitizen("Олена", "uk")
	e.consent(olena)
	q := e.send(olena, "/start s_export-roundtrip", "Ваш район?")
	e.tap(olena, q, "Інший район", "свій варіант")
	q = e.send(olena, otherDistrict, "переїхали через війну")
	q = e.tap(olena, q, "Так", "Де ви жили раніше?")
	q = e.tap(olena, q, "Донецька область", "Що фінансувати?")
	q = e.tap(olena, q, "Дороги", "Що фінансувати?")
	q = e.tap(olena, q, "Інше", "Що фінансувати?")
	e.tap(olena, q, "Готово ✓", "свій варіант")
	e.send(olena, otherTopic, "Скільки вам років?")
	e.send(olena, "35", "Ваш коментар")
	e.send(olena, typedComment, "Ваш номер")
	if _, err := olena.PressReplyButton("📱 Поділитися моїм номером"); err != nil {
		t.Fatal(err)
	}
	summary := e.reply(olena, "Перевірте ваші відповіді")
	e.tap(olena, summary, "✅ Підтвердити", "Дякуємо!")

	// Petro: the branch hidden, one topic, comment and phone skipped.
	petro := e.emu.NewCitizen("Петро", "uk")
	e.consent(petro)
	q = e.send(petro, "/start s_export-roundtrip", "Ваш район?")
	q = e.tap(petro, q, "Центр", "переїхали через війну")
	q = e.tap(petro, q, "Ні", "Що фінансувати?")
	q = e.tap(petro, q, "Парки", "Що фінансувати?")
	e.tap(petro, q, "Готово ✓", "Скільки вам років?")
	q = e.send(petro, "70", "Ваш коментар")
	e.tap(petro, q, "Пропустити", "Ваш номер")
	if _, err := petro.PressReplyButton("Пропустити"); err != nil {
		t.Fatal(err)
	}
	summary = e.reply(petro, "Перевірте ваші відповіді")
	e.tap(petro, summary, "✅ Підтвердити", "Дякуємо!")

	// Maryna stops at the topics: a draft.
	maryna := e.emu.NewCitizen("Марина", "uk")
	e.consent(maryna)
	q = e.send(maryna, "/start s_export-roundtrip", "Ваш район?")
	q = e.tap(maryna, q, "Північ", "переїхали через війну")
	e.tap(maryna, q, "Ні", "Що фінансувати?")
	e.waitIdle()

	st, err := store.Open(context.Background(), e.cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	facts := exportFacts(t, e, olena, petro, maryna)
	exports := map[string][]byte{}
	write := func(name string, o export.Options) []byte {
		t.Helper()
		o.Key = exportKey
		var b bytes.Buffer
		if err := export.Write(context.Background(), &b, st, "export-roundtrip", o); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		exports[name] = b.Bytes()
		return b.Bytes()
	}

	t.Run("wide CSV", func(t *testing.T) {
		header, rows := readExportCSV(t, write("wide", export.Options{Format: export.CSV, Partial: true, Admin: true}))
		wantHeader := "_response_id,_respondent,_survey_version,_language,_started,_submitted,_duration_seconds,_source,_status,_stopped_at," +
			"district,district/other_text,displaced,home,topics,topics/roads,topics/parks,topics/schools,topics/other,topics/other_text,age,comment,phone"
		if got := strings.Join(header, ","); got != wantHeader {
			t.Fatalf("header\n got %s\nwant %s", got, wantHeader)
		}
		want := []map[string]string{
			{"district": "other", "district/other_text": otherDistrict, "displaced": "yes", "home": "UA-14",
				"topics": "roads;other", "topics/roads": "1", "topics/parks": "0", "topics/schools": "0", "topics/other": "1",
				"topics/other_text": otherTopic, "age": "35", "comment": typedComment, "phone": "+" + olena.Phone(),
				"_status": "completed", "_stopped_at": ""},
			{"district": "center", "district/other_text": "", "displaced": "no", "home": "",
				"topics": "parks", "topics/roads": "0", "topics/parks": "1", "topics/schools": "0", "topics/other": "0",
				"topics/other_text": "", "age": "70", "comment": export.Skipped, "phone": export.Skipped,
				"_status": "completed", "_stopped_at": ""},
			{"district": "north", "district/other_text": "", "displaced": "no", "home": "",
				"topics": "", "topics/roads": "", "topics/parks": "", "topics/schools": "", "topics/other": "",
				"topics/other_text": "", "age": "", "comment": "", "phone": "",
				"_status": "draft", "_stopped_at": "topics", "_submitted": "", "_duration_seconds": ""},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d", len(rows), len(want))
		}
		for i, w := range want {
			for k, v := range facts[i].meta(false) {
				if _, set := w[k]; !set {
					w[k] = v
				}
			}
			for _, col := range header {
				if rows[i][col] != w[col] {
					t.Errorf("response %d, %s = %q, want %q", i+1, col, rows[i][col], w[col])
				}
			}
		}
		if rows[0]["_respondent"] == rows[1]["_respondent"] {
			t.Errorf("two citizens, one respondent id")
		}
		// Completed only, by default.
		_, rows = readExportCSV(t, write("completed", export.Options{Format: export.CSV}))
		if len(rows) != 2 || rows[1]["_response_id"] != facts[1].id {
			t.Errorf("completed-only export: %v", rows)
		}
		if _, ok := rows[0]["phone"]; ok {
			t.Errorf("a non-admin export has the phone column")
		}
	})

	t.Run("Excel CSV with labels", func(t *testing.T) {
		out := write("excel", export.Options{Format: export.CSV, Excel: true, Labels: true, Lang: "en"})
		if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF_response_id,")) {
			t.Fatalf("no byte order mark: %q", out[:16])
		}
		_, rows := readExportCSV(t, out)
		for col, want := range map[string]string{
			"district": "Another district", "district/other_text": otherDistrict, "displaced": "Yes", "home": "Donetsk Oblast",
			"topics": "Roads; Other", "comment": typedComment, "_started": facts[0].started.Format("2006-01-02 15:04:05"),
		} {
			if rows[0][col] != want {
				t.Errorf("%s = %q, want %q", col, rows[0][col], want)
			}
		}
		if rows[1]["comment"] != export.Skipped || rows[1]["topics"] != "Parks" {
			t.Errorf("Petro: %v", rows[1])
		}
	})

	t.Run("long CSV", func(t *testing.T) {
		header, rows := readExportCSV(t, write("long", export.Options{Format: export.Long, Partial: true, Admin: true}))
		if got := strings.Join(header, ","); got != "_response_id,_respondent,question_id,value,other_text,answered_at" {
			t.Fatalf("header %s", got)
		}
		type row struct{ response, question, value, other string }
		want := []row{
			{facts[0].id, "district", "other", otherDistrict}, {facts[0].id, "displaced", "yes", ""}, {facts[0].id, "home", "UA-14", ""},
			{facts[0].id, "topics", "roads;other", otherTopic}, {facts[0].id, "age", "35", ""}, {facts[0].id, "comment", typedComment, ""},
			{facts[0].id, "phone", "+" + olena.Phone(), ""},
			{facts[1].id, "district", "center", ""}, {facts[1].id, "displaced", "no", ""}, {facts[1].id, "topics", "parks", ""},
			{facts[1].id, "age", "70", ""}, {facts[1].id, "comment", export.Skipped, ""}, {facts[1].id, "phone", export.Skipped, ""},
			{facts[2].id, "district", "north", ""}, {facts[2].id, "displaced", "no", ""},
		}
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
		}
		for i, w := range want {
			r := rows[i]
			got := row{r["_response_id"], r["question_id"], r["value"], r["other_text"]}
			if got != w {
				t.Errorf("row %d = %+v, want %+v", i+1, got, w)
			}
			f := facts[map[string]int{facts[0].id: 0, facts[1].id: 1, facts[2].id: 2}[w.response]]
			if r["_respondent"] != f.respondent {
				t.Errorf("row %d respondent %q, want %q", i+1, r["_respondent"], f.respondent)
			}
			at, err := time.Parse(time.RFC3339, r["answered_at"])
			if err != nil || at.Before(f.started.Truncate(time.Second)) || (f.submitted != nil && at.After(*f.submitted)) {
				t.Errorf("row %d answered_at %q (%v) outside the response's time", i+1, r["answered_at"], err)
			}
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		out := write("xlsx", export.Options{Format: export.XLSX, Labels: true, Partial: true})
		x, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "responses,codebook,summary" {
			t.Fatalf("sheets %s", got)
		}
		sheet, err := x.GetRows("responses")
		if err != nil {
			t.Fatal(err)
		}
		// The same cells as the CSV with labels, times as Excel shows them.
		_, csvRows := readExportCSV(t, write("labels", export.Options{Format: export.CSV, Labels: true, Partial: true, Excel: true}))
		header := sheet[0]
		if len(sheet) != 4 {
			t.Fatalf("%d rows in the sheet, want a header and 3", len(sheet))
		}
		for i, want := range csvRows {
			for j, col := range header {
				got := ""
				if j < len(sheet[i+1]) {
					got = sheet[i+1][j]
				}
				w := strings.TrimPrefix(want[col], "'")
				if got != w {
					t.Errorf("responses row %d, %s = %q, want %q", i+2, col, got, w)
				}
			}
		}
		if typ, _ := x.GetCellType("responses", "U2"); header[20] != "age" || typ == excelize.CellTypeInlineString {
			t.Errorf("age is not a number cell (%s, %v)", header[20], typ)
		}
		codebook, _ := x.GetRows("codebook")
		if !hasRow(codebook, "district/other_text", "district", "other_text", "", "Інший район", "Another district") ||
			!hasRow(codebook, "topics/schools", "topics", "option", "schools", "Школи", "Schools") ||
			!hasRow(codebook, "home", "home", "region", "", "Де ви жили раніше?", "Where did you live before?") {
			t.Errorf("codebook lacks rows:\n%v", codebook)
		}
		summary, _ := x.GetRows("summary")
		for _, want := range [][]string{
			{"_responses", "", "", "3"},
			{"home", "_answered", "Де ви жили раніше?", "1", "33.33%"},
			{"home", "_not_asked", "", "2", "66.67%"},
			{"topics", "_answered", "Що фінансувати?", "2", "66.67%"},
			{"topics", "roads", "Дороги", "1", "50.00%"},
			{"topics", "parks", "Парки", "1", "50.00%"},
			{"topics", "other", "Інше", "1", "50.00%"},
			{"comment", "_skipped", "", "1", "33.33%"},
		} {
			if !hasRow(summary, want...) {
				t.Errorf("summary lacks %v:\n%v", want, summary)
			}
		}
		for _, r := range summary {
			if r[0] == "phone" {
				t.Errorf("the summary counts phone numbers: %v", r)
			}
		}
	})

	// Nothing of Telegram in any file: ids, names; the phone number only
	// where an admin asked.
	for name, out := range exports {
		for _, c := range []*tgemu.Citizen{olena, petro, maryna} {
			for _, secret := range []string{strconv.FormatInt(c.ID(), 10), c.FirstName()} {
				if bytes.Contains(out, []byte(secret)) {
					t.Errorf("export %s contains %q", name, secret)
				}
			}
		}
		admin := name == "wide" || name == "long"
		if bytes.Contains(out, []byte(olena.Phone())) != admin {
			t.Errorf("export %s: phone number present = %v, want %v", name, !admin, admin)
		}
	}
}

// responseFacts is what the database says of a response, to compare with
// the metadata columns.
type responseFacts struct {
	id, respondent, version, lang, source string
	started                               time.Time  // in Kyiv
	submitted                             *time.Time // in Kyiv; nil for a draft
	citizenID                             int64
}

// meta returns the expected metadata cells.
func (f responseFacts) meta(excel bool) map[string]string {
	layout := time.RFC3339
	if excel {
		layout = "2006-01-02 15:04:05"
	}
	m := map[string]string{"_response_id": f.id, "_respondent": f.respondent, "_survey_version": f.version,
		"_language": f.lang, "_started": f.started.Format(layout), "_source": f.source, "_submitted": "", "_duration_seconds": ""}
	if f.submitted != nil {
		m["_submitted"] = f.submitted.Format(layout)
		m["_duration_seconds"] = strconv.FormatInt(int64(f.submitted.Sub(f.started)/time.Second), 10)
	}
	return m
}

// exportFacts reads the responses of the citizens, in order, and computes
// their pseudonyms the way docs/export.md says.
func exportFacts(t *testing.T, e *env, citizens ...*tgemu.Citizen) []responseFacts {
	t.Helper()
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	var out []responseFacts
	for _, c := range citizens {
		var (
			f         responseFacts
			id        int64
			version   int
			started   time.Time
			submitted *time.Time
		)
		err := e.db.QueryRow(context.Background(), `
			select r.id, r.survey_version, r.language, r.source, r.started_at, r.completed_at, ci.id
			from responses r
			left join response_drafts d on d.response_id = r.id
			join citizens ci on ci.id = coalesce(r.citizen_id, d.citizen_id)
			where ci.telegram_id = $1 and r.survey_id = 'export-roundtrip'`, c.ID()).
			Scan(&id, &version, &f.lang, &f.source, &started, &submitted, &f.citizenID)
		if err != nil {
			t.Fatal(err)
		}
		f.id, f.version = strconv.FormatInt(id, 10), strconv.Itoa(version)
		f.started = started.In(kyiv)
		if submitted != nil {
			s := submitted.In(kyiv)
			f.submitted = &s
		}
		mac := hmac.New(sha256.New, exportKey)
		mac.Write([]byte("hromada/respondent/citizen/" + strconv.FormatInt(f.citizenID, 10)))
		f.respondent = hex.EncodeToString(mac.Sum(nil))[:16]
		out = append(out, f)
	}
	return out
}

func readExportCSV(t *testing.T, b []byte) ([]string, []map[string]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

// hasRow reports whether rows has a row starting with cells.
func hasRow(rows [][]string, cells ...string) bool {
	for _, r := range rows {
		if len(r) >= len(cells) && slices.Equal(r[:len(cells)], cells) {
			return true
		}
	}
	return false
}
