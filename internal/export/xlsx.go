package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Sheet names of the workbook.
const (
	sheetResponses = "responses"
	sheetCodebook  = "codebook"
	sheetSummary   = "summary"
)

// workbook is an XLSX being written with excelize's stream writers.
type workbook struct {
	f                     *excelize.File
	l                     *layout
	head, time, date, pct int // style ids
}

// writeXLSX writes the workbook: the responses sheet streams to a temporary
// file as the responses are read, the codebook and summary follow, and the
// zip goes straight to w.
func writeXLSX(ctx context.Context, w io.Writer, st *store.Store, f store.ExportFilter, l *layout) (err error) {
	x := excelize.NewFile()
	defer func() {
		if cerr := x.Close(); err == nil {
			err = cerr
		}
	}()
	b := &workbook{f: x, l: l}
	if err := b.prepare(); err != nil {
		return err
	}
	sum := newSummary(l)
	if err := b.responses(ctx, st, f, sum); err != nil {
		return err
	}
	if err := b.codebook(); err != nil {
		return err
	}
	if err := b.summary(sum); err != nil {
		return err
	}
	// Write the zip straight to w, not first into a buffer as big as the file.
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	return x.Write(io.Discard)
}

// prepare names the sheets and makes the styles.
func (b *workbook) prepare() error {
	x := b.f
	if err := x.SetSheetName("Sheet1", sheetResponses); err != nil {
		return err
	}
	for _, name := range []string{sheetCodebook, sheetSummary} {
		if _, err := x.NewSheet(name); err != nil {
			return err
		}
	}
	var err error
	timeFormat, dateFormat := "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
	styles := []struct {
		id    *int
		style excelize.Style
	}{
		{&b.head, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&b.time, excelize.Style{CustomNumFmt: &timeFormat}},
		{&b.date, excelize.Style{CustomNumFmt: &dateFormat}},
		{&b.pct, excelize.Style{NumFmt: 10}}, // 0.00%
	}
	for _, s := range styles {
		if *s.id, err = x.NewStyle(&s.style); err != nil {
			return err
		}
	}
	return nil
}

// stream opens a sheet's stream writer for a bold, frozen header row and
// rows more rows, and writes the header. The sheet states its size (readers
// such as openpyxl's read-only mode read no further).
func (b *workbook) stream(sheet string, header []string, rows int) (*excelize.StreamWriter, error) {
	last, err := excelize.CoordinatesToCellName(max(len(header), 1), rows+1)
	if err != nil {
		return nil, err
	}
	if err := b.f.SetSheetDimension(sheet, "A1:"+last); err != nil {
		return nil, err
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = excelize.Cell{StyleID: b.head, Value: h}
	}
	return sw, sw.SetRow("A1", row)
}

// responses writes the responses sheet, one row per response, counting them
// into sum on the way. The sheet is opened at the first response, which
// knows how many follow.
func (b *workbook) responses(ctx context.Context, st *store.Store, f store.ExportFilter, sum *summary) error {
	l := b.l
	header := make([]string, len(l.columns))
	for i, c := range l.columns {
		header[i] = c.name
	}
	var sw *excelize.StreamWriter
	row := make([]value, len(l.columns))
	cells := make([]any, len(l.columns))
	n := 1
	f.Count = true
	err := st.ExportResponses(ctx, f, func(r *store.ExportResponse) error {
		if sw == nil {
			if r.Total >= excelize.TotalRows {
				return fmt.Errorf("%d responses do not fit a sheet (%d rows at most): export CSV", r.Total, excelize.TotalRows-1)
			}
			var err error
			if sw, err = b.stream(sheetResponses, header, r.Total); err != nil {
				return err
			}
		}
		n++
		if n > excelize.TotalRows {
			return fmt.Errorf("more than %d responses do not fit a sheet: export CSV", excelize.TotalRows-1)
		}
		l.load(r)
		l.fill(r, row)
		sum.add(l)
		for i, v := range row {
			cells[i] = b.cell(v)
		}
		return sw.SetRow("A"+strconv.Itoa(n), cells)
	})
	if err != nil {
		return err
	}
	if sw == nil { // no response
		if sw, err = b.stream(sheetResponses, header, 0); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell returns the XLSX cell of a value: numbers as numbers, times as
// dates and times in the survey's time zone, dates as dates, nothing for an
// empty value.
func (b *workbook) cell(v value) any {
	switch v.kind {
	case text, typed:
		return v.text
	case number:
		return v.num
	case integer:
		return v.int
	case instant:
		return excelize.Cell{StyleID: b.time, Value: v.time.In(b.l.loc).Truncate(time.Second)} // as the CSV
	case day:
		d, err := time.Parse(time.DateOnly, v.text)
		if err != nil {
			return v.text
		}
		return excelize.Cell{StyleID: b.date, Value: d}
	}
	return nil
}

// setRows writes rows after the header, from row 2.
func setRows(sw *excelize.StreamWriter, rows [][]any) error {
	for i, r := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), r); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// codebook writes the codebook sheet: a row per column of the responses
// sheet, and a row per option that says what its code means.
func (b *workbook) codebook() error {
	l := b.l
	header := []string{"column", "question", "type", "option"}
	for _, lang := range l.langs {
		header = append(header, "text_"+lang)
	}
	header = append(header, "optional", "show_if", "versions", "note")
	var rows [][]any
	add := func(column, question, typ, option string, t survey.Text, optional bool, showIf, versions, note string) {
		r := make([]any, 0, len(header))
		r = append(r, column, question, typ, option)
		for _, lang := range l.langs {
			r = append(r, t[lang])
		}
		opt := ""
		if optional {
			opt = "yes"
		}
		rows = append(rows, append(r, opt, showIf, versions, note))
	}
	for _, c := range l.columns {
		if c.kind < colAnswer {
			add(c.name, "", "metadata", "", nil, false, "", "", c.note)
		}
	}
	for _, q := range l.questions {
		versions := joinInts(q.versions)
		showIf := ""
		if q.ShowIf != nil {
			if j, err := json.Marshal(q.ShowIf); err == nil {
				showIf = string(j)
			}
		}
		for i := q.first; i < q.first+q.ncols; i++ {
			c := l.columns[i]
			switch c.kind {
			case colAnswer:
				note := answerNote(q)
				add(c.name, q.ID, string(q.Type), "", q.Text, q.Optional, showIf, versions, note)
				if q.Type != survey.Multi {
					for _, o := range q.choices {
						add(c.name, q.ID, "option", o.ID, optionLabel(q, o), false, "", "", "")
					}
				}
			case colOption:
				o := optionOf(q, c.option)
				add(c.name, q.ID, "option", o.ID, optionLabel(q, o), false, "", "",
					"1 when chosen, 0 when not; empty when not asked or skipped")
			case colOther:
				add(c.name, q.ID, "other_text", "", q.Other, false, "", versions,
					`the text typed after choosing "other"`)
			case colLat:
				add(c.name, q.ID, "latitude", "", q.Text, q.Optional, showIf, versions, "degrees, WGS 84")
			case colLon:
				add(c.name, q.ID, "longitude", "", q.Text, q.Optional, showIf, versions, "degrees, WGS 84")
			}
		}
	}
	sw, err := b.stream(sheetCodebook, header, len(rows))
	if err != nil {
		return err
	}
	return setRows(sw, rows)
}

// answerNote says what a question's main column holds.
func answerNote(q *question) string {
	var s string
	switch q.Type {
	case survey.Multi:
		s = "the chosen option ids joined with ; (labels joined with \"; \" in an export with labels); one 0/1 column per option follows"
	case survey.Single, survey.YesNo, survey.Region:
		s = "option id (its label in an export with labels)"
	case survey.Scale:
		s = fmt.Sprintf("a whole number from %d to %d", q.ScaleMin, q.ScaleMax)
	case survey.Number:
		s = "a number"
		if q.Integer {
			s = "a whole number"
		}
	case survey.Date:
		s = "a date, YYYY-MM-DD"
	case survey.FreeText:
		s = "the text typed"
	case survey.Phone:
		s = "the citizen's phone number, +380…"
	}
	if q.Sensitive {
		s += "; sensitive"
	}
	return s + "; " + Skipped + " when skipped, empty when not asked"
}

// optionOf returns option id of q (an option with no label when q has none).
func optionOf(q *question, id string) survey.Option {
	for _, o := range q.choices {
		if o.ID == id {
			return o
		}
	}
	return survey.Option{ID: id}
}

// optionLabel is the label of an option for the codebook; a scale's end
// points get their end labels.
func optionLabel(q *question, o survey.Option) survey.Text {
	if q.Type != survey.Scale {
		return o.Label
	}
	switch o.ID {
	case strconv.Itoa(q.ScaleMin):
		if len(q.ScaleMinLabel) > 0 {
			return q.ScaleMinLabel
		}
	case strconv.Itoa(q.ScaleMax):
		if len(q.ScaleMaxLabel) > 0 {
			return q.ScaleMaxLabel
		}
	}
	return o.Label
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// summary writes the summary sheet: the number of responses; per question
// how many answered, skipped and were not asked (of all responses); per
// option how many chose it (of those who answered the question; a multi
// question's percentages add up to more than 100%).
func (b *workbook) summary(s *summary) error {
	l := b.l
	pct := func(n, of int) any {
		if of == 0 {
			return nil
		}
		return excelize.Cell{StyleID: b.pct, Value: float64(n) / float64(of)}
	}
	rows := [][]any{{"_responses", "", "", s.responses, nil}}
	for _, c := range s.questions {
		q := c.q
		text := q.Text.In(l.lang, l.langs[0])
		notAsked := s.responses - c.answered - c.skipped
		rows = append(rows,
			[]any{q.ID, "_answered", text, c.answered, pct(c.answered, s.responses)},
			[]any{q.ID, "_skipped", "", c.skipped, pct(c.skipped, s.responses)},
			[]any{q.ID, "_not_asked", "", notAsked, pct(notAsked, s.responses)},
		)
		if c.chosen == nil {
			continue
		}
		for _, o := range q.choices {
			rows = append(rows, []any{q.ID, o.ID, optionLabel(q, o).In(l.lang, l.langs[0]), c.chosen[o.ID], pct(c.chosen[o.ID], c.answered)})
		}
		for _, id := range c.extra {
			rows = append(rows, []any{q.ID, id, id, c.chosen[id], pct(c.chosen[id], c.answered)})
		}
	}
	sw, err := b.stream(sheetSummary, []string{"question", "option", "label", "count", "percent"}, len(rows))
	if err != nil {
		return err
	}
	return setRows(sw, rows)
}
