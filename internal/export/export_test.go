package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// readCSV reads a CSV export back, the byte order mark removed, as maps from
// column name to cell, one per row.
func readCSV(t *testing.T, b []byte) (header []string, rows []map[string]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v\n%s", err, b)
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// The golden files are the reference of the formats; docs/export.md quotes them.
func TestGolden(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name string
		o    export.Options
	}{
		{"city-admin.csv", export.Options{Format: export.CSV, Admin: true, Partial: true}},
		{"city-labels-en-excel.csv", export.Options{Format: export.CSV, Labels: true, Lang: "en", Excel: true}},
		{"city-long.csv", export.Options{Format: export.Long, Partial: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			golden(t, c.name, f.export(t, "city", c.o))
		})
	}
	t.Run("city.xlsx", func(t *testing.T) {
		golden(t, "city-xlsx.txt", dumpXLSX(t, f.export(t, "city", export.Options{Format: export.XLSX, Labels: true})))
	})
}

// dumpXLSX renders every sheet of a workbook as CSV text (cells as Excel
// shows them), each cell's type after its value when it is not a string.
func dumpXLSX(t *testing.T, b []byte) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the export is not a workbook: %v", err)
	}
	defer x.Close()
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	for _, sheet := range x.GetSheetList() {
		w.Write([]string{"== " + sheet})
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				typ, err := x.GetCellType(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				if row[j] != "" && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					row[j] += " #" + cellTypeName(typ)
				}
			}
			w.Write(row)
		}
	}
	w.Flush()
	return out.Bytes()
}

func cellTypeName(t excelize.CellType) string {
	switch t {
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		return "number"
	case excelize.CellTypeDate:
		return "date"
	case excelize.CellTypeBool:
		return "bool"
	}
	return strconv.Itoa(int(t))
}

// The cells that matter, checked one by one rather than through the golden
// file alone.
func TestWideCells(t *testing.T) {
	f := newFixture(t)
	header, rows := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV, Admin: true}))
	wantHeader := "_response_id,_respondent,_survey_version,_language,_started,_submitted,_duration_seconds,_source," +
		"district,district/other_text,displaced,home,topics,topics/roads,topics/parks,topics/transport,topics/schools,topics/other,topics/other_text," +
		"trust,age,moved_on,comment,income,phone,where/lat,where/lon,priority,pets"
	if got := strings.Join(header, ","); got != wantHeader {
		t.Fatalf("header:\n got %s\nwant %s", got, wantHeader)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want the 2 completed responses", len(rows))
	}
	olena, petro := rows[0], rows[1]
	for _, c := range []struct{ row, col, want string }{
		{"olena", "_survey_version", "1"},
		{"olena", "_started", "2026-03-01T12:00:00+02:00"},
		{"olena", "_submitted", "2026-03-01T12:07:01+02:00"},
		{"olena", "_duration_seconds", "421"},
		{"olena", "_source", "deeplink"},
		{"olena", "district", "center"},
		{"olena", "district/other_text", ""},
		{"olena", "home", "UA-14"},
		{"olena", "topics", "roads;other"},
		{"olena", "topics/roads", "1"},
		{"olena", "topics/parks", "0"},
		{"olena", "topics/transport", "0"},
		{"olena", "topics/other", "1"},
		{"olena", "topics/schools", "0"},
		{"olena", "topics/other_text", otherTopic},
		{"olena", "trust", "4"},
		{"olena", "moved_on", "2022-03-01"},
		{"olena", "comment", export.Skipped},
		{"olena", "income", "12000.5"},
		{"olena", "phone", "+380501234567"},
		{"olena", "where/lat", "50.4501"},
		{"olena", "where/lon", "30.5234"},
		{"olena", "priority", ""}, // not in version 1
		{"olena", "pets", "yes"},  // only in version 1
		{"petro", "_language", "en"},
		{"petro", "_source", "broadcast:7"},
		{"petro", "district", "other"},
		{"petro", "district/other_text", formula}, // not an Excel CSV: as typed
		{"petro", "home", ""},                     // hidden by show_if
		{"petro", "topics", "parks;transport"},
		{"petro", "topics/schools", "0"},
		{"petro", "topics/other_text", ""},
		{"petro", "moved_on", export.Skipped},
		{"petro", "comment", strings.ReplaceAll(comment, "\r\n", "\n")}, // a CSV reader turns CRLF into LF
		{"petro", "income", export.Skipped},
		{"petro", "phone", export.Skipped},
		{"petro", "where/lat", export.Skipped},
		{"petro", "priority", "now"},
		{"petro", "pets", ""},
	} {
		row := olena
		if c.row == "petro" {
			row = petro
		}
		if got := row[c.col]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.row, c.col, got, c.want)
		}
	}
	if olena["_respondent"] == petro["_respondent"] || len(olena["_respondent"]) != 16 {
		t.Errorf("respondents %q and %q", olena["_respondent"], petro["_respondent"])
	}
}

func TestPrivacy(t *testing.T) {
	f := newFixture(t)
	for _, o := range []export.Options{
		{Format: export.CSV}, {Format: export.Long}, {Format: export.CSV, Labels: true, Partial: true},
		{Format: export.Long, Partial: true, Labels: true},
	} {
		out := string(f.export(t, "city", o))
		for _, personal := range []string{"+380501234567", "50.4501", "12000", "income", "phone", "where"} {
			if strings.Contains(out, personal) {
				t.Errorf("%+v: a non-admin export contains %q:\n%s", o, personal, out)
			}
		}
	}
	for _, o := range []export.Options{
		{Format: export.CSV, Admin: true, Partial: true}, {Format: export.Long, Admin: true, Partial: true},
		{Format: export.CSV, Admin: true, Partial: true, Labels: true, Excel: true},
	} {
		out := string(f.export(t, "city", o))
		for _, tg := range []int64{olenaTG, petroTG, marynaTG} {
			if strings.Contains(out, strconv.FormatInt(tg, 10)) {
				t.Errorf("%+v: the export contains Telegram id %d", o, tg)
			}
		}
		if !strings.Contains(out, "+380501234567") {
			t.Errorf("%+v: an admin export lacks the phone number", o)
		}
	}
	// The summary never counts personal questions, not even for an admin.
	x := dumpXLSX(t, f.export(t, "city", export.Options{Format: export.XLSX, Admin: true}))
	summary := string(x[bytes.Index(x, []byte("== summary")):])
	for _, q := range []string{"income", "phone", "where"} {
		if strings.Contains(summary, q) {
			t.Errorf("the summary counts %s:\n%s", q, summary)
		}
	}
}

func TestRespondentIDs(t *testing.T) {
	f := newFixture(t)
	_, city := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV, Partial: true}))
	_, again := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV, Partial: true}))
	_, mood := readCSV(t, f.export(t, "mood", export.Options{Format: export.CSV}))
	_, otherKey := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV, Key: []byte("another-key-of-at-least-32-characters")}))
	if len(city) != 3 || len(mood) != 2 {
		t.Fatalf("%d city and %d mood rows", len(city), len(mood))
	}
	seen := map[string]bool{}
	for i, r := range city {
		if r["_respondent"] != again[i]["_respondent"] {
			t.Errorf("respondent of response %s changed between exports", r["_response_id"])
		}
		seen[r["_respondent"]] = true
	}
	if len(seen) != 3 {
		t.Errorf("three citizens got %d respondent ids", len(seen))
	}
	// Anonymous: one id per response, none of them the citizen's.
	if mood[0]["_respondent"] == mood[1]["_respondent"] || seen[mood[0]["_respondent"]] || seen[mood[1]["_respondent"]] {
		t.Errorf("anonymous respondents %q, %q link to the named ones %v", mood[0]["_respondent"], mood[1]["_respondent"], seen)
	}
	if otherKey[0]["_respondent"] == city[0]["_respondent"] {
		t.Errorf("another key gave the same respondent id")
	}
}

// The same citizen has the same respondent id in every survey.
func TestRespondentStableAcrossSurveys(t *testing.T) {
	f := newFixture(t)
	named := parse(t, "city-v1.yaml")
	named.ID = "city-copy"
	f.save(t, named)
	f.respond(t, named, olenaTG, "uk", "menu", at(400), at(405), "", survey.Answer{Question: "district", Choice: "north"})
	_, city := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV}))
	_, copyRows := readCSV(t, f.export(t, "city-copy", export.Options{Format: export.CSV}))
	if city[0]["_respondent"] != copyRows[0]["_respondent"] {
		t.Errorf("Olena is %q in city and %q in city-copy", city[0]["_respondent"], copyRows[0]["_respondent"])
	}
}

func TestPartialAndTimeBounds(t *testing.T) {
	f := newFixture(t)
	ids := func(o export.Options) string {
		o.Format = export.CSV
		_, rows := readCSV(t, f.export(t, "city", o))
		var s []string
		for _, r := range rows {
			s = append(s, r["_response_id"])
		}
		return strings.Join(s, ",")
	}
	ptr := func(t time.Time) *time.Time { return &t }
	for _, c := range []struct {
		name string
		o    export.Options
		want string
	}{
		{"completed only", export.Options{}, "1,2"},
		{"partial", export.Options{Partial: true}, "1,2,3"},
		{"since is inclusive, by submission", export.Options{Since: ptr(at(7).Add(1500 * time.Millisecond))}, "1,2"},
		{"since", export.Options{Since: ptr(at(8))}, "2"},
		{"until is exclusive", export.Options{Until: ptr(at(7).Add(1500 * time.Millisecond))}, ""},
		{"until", export.Options{Until: ptr(at(64))}, "1"},
		{"a draft by its start", export.Options{Partial: true, Since: ptr(at(100))}, "3"},
		{"nothing", export.Options{Since: ptr(at(1000))}, ""},
	} {
		if got := ids(c.o); got != c.want {
			t.Errorf("%s: responses %q, want %q", c.name, got, c.want)
		}
	}

	_, rows := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV, Partial: true}))
	draft := rows[2]
	for col, want := range map[string]string{"_status": "draft", "_stopped_at": "topics", "_submitted": "", "_duration_seconds": "",
		"district": "north", "topics": "", "topics/roads": "", "age": ""} {
		if draft[col] != want {
			t.Errorf("draft %s = %q, want %q", col, draft[col], want)
		}
	}
	if rows[0]["_status"] != "completed" || rows[0]["_stopped_at"] != "" {
		t.Errorf("completed response: status %q, stopped at %q", rows[0]["_status"], rows[0]["_stopped_at"])
	}
}

func TestExcelCSV(t *testing.T) {
	f := newFixture(t)
	out := f.export(t, "city", export.Options{Format: export.CSV, Excel: true, Labels: true})
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF_response_id,")) {
		t.Fatalf("no byte order mark: %q", out[:20])
	}
	_, rows := readCSV(t, out)
	for col, want := range map[string]string{
		"_started": "2026-03-01 13:00:00", "district": "Інший", "district/other_text": "'" + formula,
		"displaced": "Ні", "topics": "Парки; Транспорт", "priority": "Негайно",
	} {
		if got := rows[1][col]; got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
	if plain := f.export(t, "city", export.Options{Format: export.CSV}); bytes.HasPrefix(plain, []byte("\xEF\xBB\xBF")) {
		t.Errorf("a plain CSV starts with a byte order mark")
	}
}

func TestLongCells(t *testing.T) {
	f := newFixture(t)
	header, rows := readCSV(t, f.export(t, "city", export.Options{Format: export.Long, Admin: true}))
	if got := strings.Join(header, ","); got != "_response_id,_respondent,question_id,value,other_text,answered_at" {
		t.Fatalf("header %s", got)
	}
	got := map[string]map[string]string{}
	for _, r := range rows {
		got[r["_response_id"]+" "+r["question_id"]] = r
	}
	if len(rows) != 12+11 {
		t.Errorf("%d rows, want one per stored answer of the completed responses (23)", len(rows))
	}
	for k, want := range map[string][2]string{
		"1 topics":   {"roads;other", otherTopic},
		"1 comment":  {export.Skipped, ""},
		"1 where":    {"50.4501,30.5234", ""},
		"1 pets":     {"yes", ""},
		"2 district": {"other", formula},
		"2 comment":  {strings.ReplaceAll(comment, "\r\n", "\n"), ""},
	} {
		r := got[k]
		if r == nil || r["value"] != want[0] || r["other_text"] != want[1] {
			t.Errorf("%s = %v, want value %q other %q", k, r, want[0], want[1])
		}
	}
	if r := got["1 district"]; r["answered_at"] != "2026-03-01T12:00:30+02:00" {
		t.Errorf("answered_at = %q", r["answered_at"])
	}
	if _, ok := got["2 home"]; ok {
		t.Errorf("a question not asked has a row")
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	var b bytes.Buffer
	ctx := context.Background()
	o := export.Options{Format: export.CSV, Key: key}
	if err := export.Write(ctx, &b, f.st, "nope", o); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown survey: %v, want ErrNotFound", err)
	}
	for name, o := range map[string]export.Options{
		"format":   {Format: "pdf", Key: key},
		"language": {Format: export.CSV, Lang: "fr", Key: key},
		"bounds":   {Format: export.CSV, Key: key, Since: &t0, Until: &t0},
	} {
		if err := export.Write(ctx, &b, f.st, "city", o); !errors.Is(err, export.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if err := export.Write(ctx, &b, f.st, "city", export.Options{Format: export.CSV}); err == nil || !strings.Contains(err.Error(), "PSEUDONYM_KEY") {
		t.Errorf("no key: %v", err)
	}
	if b.Len() != 0 {
		t.Errorf("failed exports wrote %q", b.String())
	}
	// A writer that fails stops the export with its error.
	if err := export.Write(ctx, failingWriter{}, f.st, "city", o); !errors.Is(err, errDiskFull) {
		t.Errorf("failing writer: %v", err)
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

var _ io.Writer = failingWriter{}

func TestParseTime(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   string
		end  bool
		want string
	}{
		{"2026-01-01", false, "2026-01-01T00:00:00+02:00"},
		{"2026-01-31", true, "2026-02-01T00:00:00+02:00"},
		{"2026-07-01", false, "2026-07-01T00:00:00+03:00"},
		{"2026-01-01T09:00:00Z", true, "2026-01-01T09:00:00Z"},
	} {
		got, err := export.ParseTime(c.in, kyiv, c.end)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("ParseTime(%q, %v) = %v, %v; want %s", c.in, c.end, got, err, c.want)
		}
	}
	if _, err := export.ParseTime("01.01.2026", kyiv, false); !errors.Is(err, export.ErrInvalid) {
		t.Errorf("a bad time: %v", err)
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		f          export.Format
		name, mime string
	}{
		{export.CSV, "city.csv", "text/csv; charset=utf-8"},
		{export.Long, "city-long.csv", "text/csv; charset=utf-8"},
		{export.XLSX, "city.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	} {
		if got := export.FileName("city", c.f); got != c.name {
			t.Errorf("FileName(%s) = %q", c.f, got)
		}
		if got := export.ContentType(c.f); got != c.mime {
			t.Errorf("ContentType(%s) = %q", c.f, got)
		}
		if got := export.FileName("a\"b/../c", c.f); !strings.HasPrefix(got, "a_b____c") {
			t.Errorf("FileName of an odd id = %q", got)
		}
		if f, err := export.ParseFormat(string(c.f)); f != c.f || err != nil {
			t.Errorf("ParseFormat(%s) = %v, %v", c.f, f, err)
		}
	}
}

// A question whose id is a metadata column's name, and an option
// "other_text" beside "other", get their columns renamed, not lost.
func TestColumnNamesStayUnique(t *testing.T) {
	f := newFixture(t)
	def, issues := survey.Parse("clash.yaml", []byte(`
id: clash
languages: [uk]
title: {uk: "Збіг"}
questions:
  - id: _source
    type: text
    text: {uk: "Звідки ви дізналися?"}
  - id: pick
    type: multi
    text: {uk: "Оберіть"}
    options:
      - {id: other_text, uk: "Текст"}
      - {id: b, uk: "Б"}
    other: {uk: "Інше"}
`))
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	f.save(t, def)
	f.respond(t, def, olenaTG, "uk", "menu", at(0), at(1), "",
		survey.Answer{Question: "_source", Text: "радіо"},
		survey.Answer{Question: "pick", Choices: []string{"other_text", "other"}, Other: "своє"})
	header, rows := readCSV(t, f.export(t, "clash", export.Options{Format: export.CSV}))
	want := "_response_id,_respondent,_survey_version,_language,_started,_submitted,_duration_seconds,_source," +
		"_source_2,pick,pick/other_text,pick/b,pick/other,pick/other_text_2"
	if got := strings.Join(header, ","); got != want {
		t.Fatalf("header\n got %s\nwant %s", got, want)
	}
	for col, v := range map[string]string{"_source": "menu", "_source_2": "радіо", "pick/other_text": "1", "pick/other_text_2": "своє"} {
		if rows[0][col] != v {
			t.Errorf("%s = %q, want %q", col, rows[0][col], v)
		}
	}
}

// An anonymous response's times are cut to the day and its duration to the
// minute, so it cannot be matched by time with the same citizen's named
// responses; named responses keep exact times.
func TestAnonymousTimesAreCoarse(t *testing.T) {
	f := newFixture(t)
	_, mood := readCSV(t, f.export(t, "mood", export.Options{Format: export.CSV}))
	_, moodLong := readCSV(t, f.export(t, "mood", export.Options{Format: export.Long}))
	_, city := readCSV(t, f.export(t, "city", export.Options{Format: export.CSV}))
	if len(mood) == 0 || len(moodLong) == 0 || len(city) == 0 {
		t.Fatal("empty export")
	}
	for _, r := range mood {
		for _, col := range []string{"_started", "_submitted"} {
			if !strings.Contains(r[col], "T00:00:00") {
				t.Errorf("anonymous %s = %q, want the day only", col, r[col])
			}
		}
		if d, err := strconv.Atoi(r["_duration_seconds"]); err != nil || d%60 != 0 {
			t.Errorf("anonymous duration = %q, want whole minutes", r["_duration_seconds"])
		}
	}
	for _, r := range moodLong {
		if !strings.Contains(r["answered_at"], "T00:00:00") {
			t.Errorf("anonymous answered_at = %q, want the day only", r["answered_at"])
		}
	}
	if strings.Contains(city[0]["_started"], "T00:00:00") {
		t.Errorf("a named response lost its exact time: %q", city[0]["_started"])
	}
}
