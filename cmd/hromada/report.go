package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/store"
)

// reportPage writes a survey's results as one self-contained HTML page:
//
//	hromada report --survey local-elections -o report.html [--lang uk] [--threshold 5]
//
// Sensitive questions are left out and small counts hidden (see package
// report). Without -o (or with -o -) the page goes to stdout.
func reportPage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hromada report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	surveyID := fs.String("survey", "", "id of the survey to report on (required)")
	out := fs.String("o", "-", "file to write the HTML page to; - for stdout")
	lang := fs.String("lang", "", "language of the page (uk or en headings; survey texts in any of its languages); default: the survey's first language")
	threshold := fs.Int("threshold", report.DefaultThreshold, "smallest count shown; smaller ones read \"<N\"")
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return err
	}
	if *surveyID == "" || fs.NArg() > 0 {
		return fmt.Errorf("usage: hromada report --survey ID [-o FILE] [--lang uk] [--threshold 5]")
	}
	if *threshold < 1 {
		return fmt.Errorf("--threshold must be at least 1, got %d", *threshold)
	}

	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := report.Load(ctx, st, *surveyID, report.Options{Threshold: *threshold})
	if err != nil {
		return err
	}
	if *lang == "" {
		*lang = s.DefaultLang
	}
	if *out == "-" {
		return report.HTML(stdout, s, *lang)
	}
	if err := writeFile(*out, func(w io.Writer) error { return report.HTML(w, s, *lang) }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "report of survey %q (%d completed responses) written to %s\n", *surveyID, s.Responses, *out)
	return nil
}

// writeFile writes path through a temporary file beside it, renamed into
// place once complete, so a failure never leaves half a file.
func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
