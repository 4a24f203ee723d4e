package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/report/reporttest"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
)

func TestReport(t *testing.T) {
	dbURL := storetest.URL(t)
	st, err := store.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	reporttest.Seed(t, st, "../../internal/app/testdata/surveys/every-type.yaml")
	st.Close()
	t.Setenv("DATABASE_URL", dbURL)

	out := filepath.Join(t.TempDir(), "report.html")
	var stderr strings.Builder
	if err := run(context.Background(), []string{"report", "--survey", "every-type", "-o", out, "--lang", "en", "--threshold", "13"}, nil, io.Discard, &stderr); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "20 completed responses") {
		t.Errorf("stderr: %s", stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	// With a threshold of 13 every vote count (12, 6, 2) reads "<13";
	// safety (14) is still shown.
	for _, want := range []string{
		`<html lang="en">`,
		`<h2>8. Will you vote?</h2>`,
		`<tr class="hidden"><td>Yes</td><td class="n">&lt;13</td>`,
		`<tr><td>Safety</td><td class="n">14</td><td class="n">70%</td></tr>`,
		`data:image/png;base64,`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, s := range append(reporttest.Secrets, reporttest.HiddenQuestions...) {
		if strings.Contains(page, s) {
			t.Errorf("page shows %q", s)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".report.html.*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	// To stdout, in the survey's language by default.
	var stdout strings.Builder
	if err := run(context.Background(), []string{"report", "--survey", "every-type"}, nil, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), `<html lang="uk">`) || !strings.Contains(stdout.String(), "Так</td><td class=\"n\">12</td>") {
		t.Errorf("stdout page:\n%.400s", stdout.String())
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"no survey", []string{"report"}, "usage: hromada report"},
		{"unknown survey", []string{"report", "--survey", "nope", "-o", out}, "not found"},
		{"bad threshold", []string{"report", "--survey", "every-type", "--threshold", "0"}, "--threshold must be at least 1"},
	} {
		err := run(context.Background(), tt.args, nil, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	// The failed run left the earlier page as it was.
	if again, _ := os.ReadFile(out); string(again) != page {
		t.Error("a failed report changed the file")
	}
}
