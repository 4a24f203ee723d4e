package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
)

const exportUsage = `usage: hromada export --survey ID [--format csv|xlsx|long] [-o FILE] [flags]

Writes a survey's responses for analysts (docs/export.md): csv, one row per
response; xlsx, sheets responses, codebook and summary; long, one row per
answer. Respondents appear as pseudonyms keyed with PSEUDONYM_KEY.
`

// exportMemoryLimit is the soft memory limit of hromada export (GOMEMLIMIT
// overrides it); docs/export.md has the peaks measured.
const exportMemoryLimit = 64 << 20

// exportCommand writes the export of a survey to a file or standard output:
//
//	hromada export --survey city --format xlsx -o city.xlsx --since 2026-01-01
func exportCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hromada export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, exportUsage, "\nflags:\n")
		fs.PrintDefaults()
	}
	var (
		surveyID = fs.String("survey", "", "id of the survey to export (required)")
		format   = fs.String("format", "csv", "csv (one row per response), xlsx (responses, codebook, summary) or long (one row per answer)")
		out      = fs.String("o", "", "file to write (default: standard output); written whole or not at all, readable by its owner only")
		excel    = fs.Bool("excel", false, "CSV for Excel: a byte order mark, times Excel reads, typed text never taken for a formula")
		partial  = fs.Bool("partial", false, "include responses not completed (drafts)")
		since    = fs.String("since", "", "only responses submitted from this day (YYYY-MM-DD, in the survey's time zone) or time (RFC 3339)")
		until    = fs.String("until", "", "only responses submitted up to this day, inclusive, or before this time (RFC 3339)")
		labels   = fs.Bool("labels", false, "option labels instead of option ids")
		lang     = fs.String("lang", "", "language of the labels and of the summary (default: the survey's first)")
		admin    = fs.Bool("admin", false, "include phone numbers, locations and questions marked sensitive")
	)
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q (flags go before it?)", fs.Arg(0))
	}
	if *surveyID == "" {
		return errors.New("export: --survey is required")
	}
	if cfg.PseudonymKey == "" {
		return errors.New("export: PSEUDONYM_KEY is not set: respondent ids are keyed hashes, " +
			"so set PSEUDONYM_KEY (or --pseudonym-key) to the secret, at least 32 characters, that every export uses")
	}
	o := export.Options{Excel: *excel, Partial: *partial, Labels: *labels, Lang: *lang, Admin: *admin, Key: []byte(cfg.PseudonymKey)}
	if o.Format, err = export.ParseFormat(*format); err != nil {
		return fmt.Errorf("export: --format: %w", err)
	}

	if os.Getenv("GOMEMLIMIT") == "" {
		// Keep the garbage of a long export from lifting the peak (an XLSX
		// holds a 16-32 MB buffer), for as long as the command runs.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(exportMemoryLimit))
	}
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if *since != "" || *until != "" {
		loc, err := export.Location(ctx, st, *surveyID)
		if err != nil {
			return err
		}
		for _, b := range []struct {
			flag, value string
			end         bool
			to          **time.Time
		}{{"since", *since, false, &o.Since}, {"until", *until, true, &o.Until}} {
			if b.value == "" {
				continue
			}
			t, err := export.ParseTime(b.value, loc, b.end)
			if err != nil {
				return fmt.Errorf("export: --%s: %w", b.flag, err)
			}
			*b.to = &t
		}
	}
	if *out == "" {
		w := bufio.NewWriterSize(stdout, 64<<10)
		if err := export.Write(ctx, w, st, *surveyID, o); err != nil {
			return err
		}
		return w.Flush()
	}
	return writeExportFile(*out, func(w io.Writer) error { return export.Write(ctx, w, st, *surveyID, o) })
}

// writeExportFile writes a file through a temporary file beside it, renamed into
// place once complete: a failed export leaves no half file. The file is
// readable by its owner only (it may hold phone numbers).
func writeExportFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
