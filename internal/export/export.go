// Package export writes the responses of one survey as the files analysts
// open: a wide CSV (one row per response, one column per question), an XLSX
// workbook (sheets responses, codebook and summary) and a long CSV (one row
// per answer). docs/export.md describes every column and convention.
//
// It streams: responses come from the store one at a time and are written as
// they come, so memory does not grow with their number.
//
// It must never write a Telegram id, username or name: a respondent appears
// only as a keyed pseudonym. Phone numbers, locations and questions marked
// sensitive are written only for an admin. It does not decide who may export
// (the caller does) and it runs no SQL of its own (the store does).
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Format is a kind of export file.
type Format string

// Formats.
const (
	CSV  Format = "csv"  // wide CSV: one row per response
	XLSX Format = "xlsx" // workbook: responses (wide), codebook, summary
	Long Format = "long" // long CSV: one row per answer
)

// Skipped is the cell of a question the citizen was asked and skipped. A
// question not asked (hidden by its show_if, absent from the version the
// citizen answered, or not reached yet by a draft) has an empty cell.
const Skipped = ".skipped"

// ErrInvalid means the options asked for cannot be honoured (an unknown
// format or language, Since not before Until); the error returned wraps it
// and says which. A caller serving HTTP answers 400 to it.
var ErrInvalid = errors.New("invalid export options")

// Options say what to export and how.
type Options struct {
	Format Format
	// Excel makes a CSV for Excel: a UTF-8 byte order mark (without it Excel
	// reads Cyrillic as Windows-1251), times as "2006-01-02 15:04:05", and
	// typed text that starts like a formula (= + - @) prefixed with '.
	Excel bool
	// Partial includes drafts (responses not completed); by default only
	// completed responses are exported.
	Partial bool
	// Since and Until bound when a response was submitted (completed_at; for
	// a draft, when it was started): Since inclusive, Until exclusive; nil
	// means no bound. See ParseTime for the command line and query forms.
	Since, Until *time.Time
	// Labels writes option labels instead of option ids.
	Labels bool
	// Lang is the language of labels and of the summary ("" = the survey's
	// first language).
	Lang string
	// Admin includes phone numbers, locations and questions marked
	// sensitive (only when the survey asks them); without it they are left
	// out, columns and all.
	Admin bool
	// Key is the HMAC key of the respondent pseudonyms (PSEUDONYM_KEY);
	// required.
	Key []byte
}

// ParseFormat returns the Format named s ("csv", "xlsx" or "long"), or an
// error wrapping ErrInvalid.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case CSV, XLSX, Long:
		return f, nil
	}
	return "", fmt.Errorf("%w: format %q: want csv, xlsx or long", ErrInvalid, s)
}

// ContentType returns the media type of a format, for an HTTP response.
func ContentType(f Format) string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// FileName returns the file name of an export: "<survey>.csv",
// "<survey>-long.csv" or "<survey>.xlsx". Anything in surveyID but a-z, 0-9,
// _ and - (no survey id has it) becomes _, so the name is safe in a path
// and in a Content-Disposition header.
func FileName(surveyID string, f Format) string {
	name := []byte(surveyID)
	for i, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			name[i] = '_'
		}
	}
	switch f {
	case XLSX:
		return string(name) + ".xlsx"
	case Long:
		return string(name) + "-long.csv"
	}
	return string(name) + ".csv"
}

// Write writes the export of a survey to w as o asks, streaming the
// responses from st. An unknown survey gives an error wrapping
// store.ErrNotFound, bad options one wrapping ErrInvalid; both happen before
// anything is written. A CSV is written as the responses are read; an XLSX
// is written to w once all are read (its rows wait in a temporary file).
func Write(ctx context.Context, w io.Writer, st *store.Store, surveyID string, o Options) error {
	if len(o.Key) == 0 {
		return errors.New("export: no pseudonym key (PSEUDONYM_KEY) to make respondent ids")
	}
	if _, err := ParseFormat(string(o.Format)); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if o.Since != nil && o.Until != nil && !o.Since.Before(*o.Until) {
		return fmt.Errorf("export: %w: since (%s) must be before until (%s)", ErrInvalid,
			o.Since.Format(time.RFC3339), o.Until.Format(time.RFC3339))
	}
	versions, err := st.SurveyVersions(ctx, surveyID)
	if err != nil {
		return fmt.Errorf("export of survey %q: %w", surveyID, err)
	}
	l, err := newLayout(versions, o)
	if err != nil {
		return fmt.Errorf("export of survey %q: %w", surveyID, err)
	}
	filter := store.ExportFilter{SurveyID: surveyID, Partial: o.Partial, Since: o.Since, Until: o.Until,
		AnswerTimes: o.Format == Long}
	switch o.Format {
	case XLSX:
		err = writeXLSX(ctx, w, st, filter, l)
	case Long:
		err = writeLong(ctx, w, st, filter, l)
	default:
		err = writeWide(ctx, w, st, filter, l)
	}
	if err != nil {
		return fmt.Errorf("export of survey %q as %s: %w", surveyID, o.Format, err)
	}
	return nil
}

// ParseTime reads a bound for Options.Since or Options.Until: an RFC 3339
// time, or a day YYYY-MM-DD in loc (the survey's time zone). A day as since
// means its midnight; as until (end true) the midnight after it, so that
// --since 2026-01-01 --until 2026-01-31 is all of January.
func ParseTime(s string, loc *time.Location, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: time %q: want YYYY-MM-DD or RFC 3339 (2026-01-01T09:00:00+02:00)", ErrInvalid, s)
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// Location returns the time zone of a survey (of its latest version), the
// one ParseTime reads days in and exports write times in. An unknown survey
// gives an error wrapping store.ErrNotFound.
func Location(ctx context.Context, st *store.Store, surveyID string) (*time.Location, error) {
	def, _, err := st.LatestSurvey(ctx, surveyID)
	if err != nil {
		return nil, fmt.Errorf("export of survey %q: %w", surveyID, err)
	}
	return location(def.TimeZone), nil
}

// location loads a survey's time zone, or survey.DefaultTimeZone when it
// has none (definitions are validated when saved, and the zone database is
// built in, so a zone always loads).
func location(tz string) *time.Location {
	for _, name := range []string{tz, survey.DefaultTimeZone} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// knownLanguage reports whether lang is a language of some version.
func knownLanguage(l *layout, lang string) bool {
	return slices.Contains(l.langs, lang)
}
