package export

import (
	"context"
	"encoding/csv"
	"io"

	"github.com/hromada/hromada/internal/store"
)

// bom is the UTF-8 byte order mark Excel needs to read a CSV as UTF-8.
const bom = "\uFEFF"

// newCSV starts a CSV on w: the byte order mark for Excel, RFC 4180 quoting,
// lines ending in LF (every reader takes them, and a line break typed in an
// answer stays the LF it was).
func (l *layout) newCSV(w io.Writer) (*csv.Writer, error) {
	if l.o.Excel {
		if _, err := io.WriteString(w, bom); err != nil {
			return nil, err
		}
	}
	return csv.NewWriter(w), nil
}

// writeWide writes the wide CSV: a header of column names, then one row per
// response.
func writeWide(ctx context.Context, w io.Writer, st *store.Store, f store.ExportFilter, l *layout) error {
	cw, err := l.newCSV(w)
	if err != nil {
		return err
	}
	record := make([]string, len(l.columns))
	for i, c := range l.columns {
		record[i] = c.name
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	row := make([]value, len(l.columns))
	err = st.ExportResponses(ctx, f, func(r *store.ExportResponse) error {
		l.load(r)
		l.fill(r, row)
		for i, v := range row {
			record[i] = l.csvText(v)
		}
		return cw.Write(record)
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// longHeader is the header of the long CSV.
var longHeader = []string{"_response_id", "_respondent", "question_id", "value", "other_text", "answered_at"}

// writeLong writes the long CSV: one row per answer (skipped ones too, with
// the value Skipped), in response order and then question order.
func writeLong(ctx context.Context, w io.Writer, st *store.Store, f store.ExportFilter, l *layout) error {
	cw, err := l.newCSV(w)
	if err != nil {
		return err
	}
	if err := cw.Write(longHeader); err != nil {
		return err
	}
	record := make([]string, len(longHeader))
	err = st.ExportResponses(ctx, f, func(r *store.ExportResponse) error {
		record[0] = l.csvText(value{kind: integer, int: r.ID})
		record[1] = l.respondent(r.ID, r.CitizenID)
		l.load(r)
		for _, q := range l.questions {
			a, state := l.answerOf(q)
			if state == notAsked {
				continue
			}
			record[2] = q.ID
			record[3], record[4] = Skipped, ""
			if state == answered {
				record[3] = l.csvText(l.main(q, a))
				record[4] = l.csvText(value{kind: typed, text: a.Other})
			}
			record[5] = l.csvText(value{kind: instant, time: l.when(r, a.At)})
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		return nil
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}
