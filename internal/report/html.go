package report

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"

	"github.com/hromada/hromada/internal/survey"
)

//go:embed report.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("report").Parse(pageSource))

// page is what the HTML template shows, every text already in the reader's
// language.
type page struct {
	Lang, Title, Heading, Responses, AsOf, Footer string
	Notes                                         []string
	Option, Count, Share                          string // column headers
	Questions                                     []pageQuestion
}

type pageQuestion struct {
	N                       int
	ID, Text, Note          string
	Meta                    []string
	Rows                    []pageRow
	Chart                   template.URL // data:image/png;base64,…
	ChartWidth, ChartHeight int
}

type pageRow struct {
	Label, Count, Share string
	Hidden              bool
}

// HTML writes a summary as one self-contained HTML page in lang: the heading
// and notes of Text, then per question a table of its options with counts and
// shares and its bar chart, embedded as a data: URI PNG. The page loads
// nothing else, so it can be mailed or opened offline.
func HTML(w io.Writer, s Summary, lang string) error {
	wd := wordsFor(lang)
	p := page{
		Lang:      wd.lang,
		Title:     s.Title.In(lang, s.DefaultLang),
		Heading:   wd.results,
		Responses: fmt.Sprintf("%s: %d", wd.responses, s.Responses),
		AsOf:      wd.asOf + " " + wd.when(s.At, s.TimeZone),
		Footer:    fmt.Sprintf("Hromada · %s · v%d", s.SurveyID, s.Version),
		Option:    wd.option,
		Count:     wd.count,
		Share:     wd.share,
	}
	notes := wd.notes(s.Threshold)
	p.Notes = append(p.Notes, notes[0])
	if hasComplement(s) {
		p.Notes = append(p.Notes, notes[1])
	}
	if hasFree(s) {
		p.Notes = append(p.Notes, wd.freeNote)
	}
	if s.Responses == 0 {
		p.Notes = append(p.Notes, wd.noAnswers)
	}
	for i, q := range s.Questions {
		pq := pageQuestion{N: i + 1, ID: q.ID, Text: q.questionText(lang)}
		pq.Meta = append(pq.Meta, fmt.Sprintf("%s: %d", wd.answered, q.Answered))
		if q.Optional {
			pq.Meta = append(pq.Meta, fmt.Sprintf("%s: %s", wd.skipped, wd.cell(q.Skipped, q.Threshold)))
		}
		if q.Median != nil {
			pq.Meta = append(pq.Meta, fmt.Sprintf("%s: %s", wd.median, wd.number(*q.Median)))
		}
		if q.Type == survey.Multi {
			pq.Note = wd.multiNote
		}
		for _, r := range q.Rows {
			pq.Rows = append(pq.Rows, pageRow{
				Label:  r.Label.In(lang, q.DefaultLang),
				Count:  wd.cell(r.Cell, q.Threshold),
				Share:  wd.percent(r.Cell),
				Hidden: r.Hidden != Shown,
			})
		}
		if len(q.Rows) > 0 {
			png, err := Chart(q, lang)
			if err != nil {
				return err
			}
			// Safe: the URL is built here from PNG bytes, never from input.
			pq.Chart = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
			pq.ChartWidth, pq.ChartHeight = ChartSize(q)
		}
		p.Questions = append(p.Questions, pq)
	}
	if err := pageTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}
