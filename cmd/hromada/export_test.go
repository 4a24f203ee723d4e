package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/survey"
)

const exportSurvey = `
id: parks
languages: [uk, en]
title: {uk: "Парки", en: "Parks"}
questions:
  - id: visits
    type: single
    text: {uk: "Як часто ви буваєте в парку?", en: "How often do you visit a park?"}
    options:
      - {id: weekly, uk: "Щотижня", en: "Weekly"}
      - {id: rarely, uk: "Рідко", en: "Rarely"}
  - id: wish
    type: text
    optional: true
    text: {uk: "Чого бракує?", en: "What is missing?"}
`

// exportFixture makes a database with the parks survey and three responses
// (submitted at 00:30 on 1 February in Kyiv, still 31 January in UTC; on
// 2 February; a draft started on 3 February) and sets DATABASE_URL and
// PSEUDONYM_KEY for the command.
func exportFixture(t *testing.T) {
	t.Helper()
	dbURL := storetest.URL(t)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("PSEUDONYM_KEY", "cli-test-pseudonym-key-0123456789abcdef")
	ctx := t.Context()
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	def, issues := survey.Parse("parks.yaml", []byte(exportSurvey))
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	if def.Version, _, err = st.SaveSurvey(ctx, def); err != nil {
		t.Fatal(err)
	}
	kyiv, _ := time.LoadLocation("Europe/Kyiv")
	for i, r := range []struct {
		at     time.Time
		visits string
		wish   string
		done   bool
	}{
		{time.Date(2026, 2, 1, 0, 30, 0, 0, kyiv), "weekly", "Лавок, тіні й \"тиші\"", true},
		{time.Date(2026, 2, 2, 9, 0, 0, 0, kyiv), "rarely", "", true},
		{time.Date(2026, 2, 3, 9, 0, 0, 0, kyiv), "rarely", "", false},
	} {
		c, err := st.GiveConsent(ctx, int64(7_000_000_001+i), "uk", "2026-01", r.at)
		if err != nil {
			t.Fatal(err)
		}
		id, err := st.StartResponse(ctx, store.StartResponse{SurveyID: "parks", Version: def.Version, CitizenID: c.ID,
			Lang: "uk", Source: "deeplink", At: r.at.Add(-time.Minute), Current: "visits", Seq: 1})
		if err != nil {
			t.Fatal(err)
		}
		answers := []survey.Answer{{Question: "visits", Choice: r.visits, At: r.at}}
		if r.wish != "" {
			answers = append(answers, survey.Answer{Question: "wish", Text: r.wish, At: r.at})
		} else {
			answers = append(answers, survey.Answer{Question: "wish", Skipped: true, At: r.at})
		}
		for k, a := range answers {
			if err := st.SaveStep(ctx, store.Step{ResponseID: id, Saved: &a, SavedText: "x", Seq: k + 2, At: r.at}); err != nil {
				t.Fatal(err)
			}
		}
		if r.done {
			if err := st.Complete(ctx, id, c.ID, "parks", r.at); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// runExport runs hromada export with args and returns its standard output.
func runExport(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	var out, errs bytes.Buffer
	err := run(context.Background(), append([]string{"export"}, args...), nil, &out, &errs)
	return out.Bytes(), err
}

func records(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	return recs
}

func TestExportCommand(t *testing.T) {
	exportFixture(t)

	out, err := runExport(t, "--survey", "parks")
	if err != nil {
		t.Fatal(err)
	}
	recs := records(t, out)
	if got := strings.Join(recs[0], ","); got != "_response_id,_respondent,_survey_version,_language,_started,_submitted,_duration_seconds,_source,visits,wish" {
		t.Errorf("header %s", got)
	}
	if len(recs) != 3 || recs[1][8] != "weekly" || recs[1][9] != "Лавок, тіні й \"тиші\"" || recs[2][9] != ".skipped" {
		t.Errorf("rows %q", recs[1:])
	}

	for _, c := range []struct {
		name string
		args []string
		rows int
	}{
		{"partial", []string{"--partial"}, 3},
		{"since a day, in Kyiv", []string{"--since", "2026-02-01"}, 2},
		{"until a day, in Kyiv", []string{"--until", "2026-01-31"}, 0},
		{"since the next day", []string{"--since", "2026-02-02"}, 1},
		{"since a time, inclusive", []string{"--since", "2026-01-31T22:30:00Z"}, 2},
		{"since a second later", []string{"--since", "2026-01-31T22:30:01Z"}, 1},
		{"until a day, inclusive, partial", []string{"--until", "2026-02-03", "--partial"}, 3},
	} {
		out, err := runExport(t, append([]string{"--survey", "parks"}, c.args...)...)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if n := len(records(t, out)) - 1; n != c.rows {
			t.Errorf("%s: %d rows, want %d", c.name, n, c.rows)
		}
	}

	out, err = runExport(t, "--survey", "parks", "--format", "long", "--excel", "--labels", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("\xEF\xBB\xBF_response_id,_respondent,question_id,value,other_text,answered_at\n")) {
		t.Errorf("long CSV for Excel starts %q", out[:min(len(out), 80)])
	}
	if recs := records(t, out); recs[1][3] != "Weekly" || recs[1][5] != "2026-02-01 00:30:00" {
		t.Errorf("long rows %q", recs[1:])
	}
}

func TestExportCommandToFile(t *testing.T) {
	exportFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "parks.xlsx")
	if out, err := runExport(t, "--survey", "parks", "--format", "xlsx", "-o", path); err != nil || len(out) != 0 {
		t.Fatalf("export to a file: %v, stdout %q", err, out)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "responses,codebook,summary" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := x.GetCellValue("responses", "I2"); v != "weekly" {
		t.Errorf("responses!I2 = %q", v)
	}

	// A failed export leaves nothing behind, not even its temporary file.
	bad := filepath.Join(dir, "nope.csv")
	if _, err := runExport(t, "--survey", "nope", "-o", bad); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown survey: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

func TestExportCommandErrors(t *testing.T) {
	exportFixture(t)
	for _, c := range []struct {
		name, want string
		args       []string
		env        map[string]string
	}{
		{"no key", "PSEUDONYM_KEY is not set", []string{"--survey", "parks"}, map[string]string{"PSEUDONYM_KEY": ""}},
		{"no survey", "--survey is required", nil, nil},
		{"bad format", `format "pdf"`, []string{"--survey", "parks", "--format", "pdf"}, nil},
		{"bad day", `time "31.01.2026"`, []string{"--survey", "parks", "--since", "31.01.2026"}, nil},
		{"bad language", `language "fr"`, []string{"--survey", "parks", "--lang", "fr"}, nil},
		{"since after until", "must be before", []string{"--survey", "parks", "--since", "2026-02-01", "--until", "2026-01-01"}, nil},
		{"an argument", `unexpected argument "parks"`, []string{"parks"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			out, err := runExport(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
			if len(out) != 0 {
				t.Errorf("wrote %q", out)
			}
		})
	}
}
