package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hromada/hromada/internal/store"
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
