package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ErrNoChart is returned by Chart for a question without options (text,
// number, date): there is nothing to draw.
var ErrNoChart = errors.New("report: question has no options to chart")

// Chart sizes, in pixels: ChartWidth wide, ChartHeight high for up to 12
// options and taller for more (a region question has 28).
const (
	ChartWidth  = 800
	ChartHeight = 500
	chartDPI    = 96
	rowHeight   = 30 // pixels per option beyond what ChartHeight holds
	chartChrome = 140
)

var (
	barColor   = color.RGBA{R: 0x00, G: 0x57, B: 0xb7, A: 0xff} // blue of the flag
	hiddenFill = color.RGBA{R: 0xee, G: 0xf0, B: 0xf3, A: 0xff}
	hiddenLine = color.RGBA{R: 0x8a, G: 0x8f, B: 0x98, A: 0xff}
	labelColor = color.RGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	mutedColor = color.RGBA{R: 0x55, G: 0x5a, B: 0x62, A: 0xff}
	sans       = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold   = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	titleSize  = vg.Points(14)
	labelSize  = vg.Points(11)
	maxTitle   = 3 // lines
)

// maxLabelShare is the share of the width option labels may take.
const maxLabelShare = 0.4

// ChartSize returns the width and height in pixels of q's chart.
func ChartSize(q QuestionSummary) (width, height int) {
	return ChartWidth, max(ChartHeight, chartChrome+rowHeight*len(q.Rows))
}

// Chart draws a choice question's counts as a horizontal bar chart, a PNG of
// ChartSize: the question text in lang as title (wrapped, at most three
// lines), one bar per option in definition order from the top, labelled with
// its count and share, and for a hidden count an empty dashed bar labelled
// "<5" (or "hidden"), short so that its length says nothing. ErrNoChart for
// a question without options.
func Chart(q QuestionSummary, lang string) ([]byte, error) {
	if len(q.Rows) == 0 {
		return nil, fmt.Errorf("question %q: %w", q.ID, ErrNoChart)
	}
	w := wordsFor(lang)
	wpx, hpx := ChartSize(q)
	width, height := pixels(wpx), pixels(hpx)

	p := plot.New()
	title := p.Title.TextStyle
	title.Font = font.From(sansBold, titleSize)
	p.Title.TextStyle = title
	p.Title.Text = wrap(q.questionText(lang), title, width-vg.Points(24), maxTitle)
	p.Title.Padding = vg.Points(8)

	p.Y.Tick.Label.Font = font.From(sans, labelSize)
	p.Y.Tick.Label.Color = labelColor
	n := len(q.Rows)
	names := make([]string, n)
	for i, r := range q.Rows {
		names[n-1-i] = clip(r.Label.In(lang, q.DefaultLang), p.Y.Tick.Label, width*maxLabelShare)
	}
	p.NominalY(names...)

	p.HideX()
	p.X.Label.Text = w.answered + ": " + strconv.Itoa(q.Answered)
	p.X.Label.TextStyle.Font = font.From(sans, labelSize)
	p.X.Label.TextStyle.Color = mutedColor

	b := &bars{
		values: make([]float64, n),
		hidden: make([]bool, n),
		labels: make([]string, n),
		style: text.Style{
			Color:   labelColor,
			Font:    font.From(sans, labelSize),
			YAlign:  draw.YCenter,
			Handler: p.TextHandler,
		},
	}
	for i, r := range q.Rows {
		k := n - 1 - i
		b.labels[k] = w.cell(r.Cell, q.Threshold)
		if pc := w.percent(r.Cell); pc != "" {
			b.labels[k] += " · " + pc
		}
		if r.Hidden != Shown {
			b.hidden[k] = true
			continue
		}
		b.values[k] = float64(r.Count)
	}
	p.Add(b)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.X.Min, p.X.Max = 0, b.room(width-labelWidth(names, p.Y.Tick.Label)-vg.Points(40))

	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(chartDPI))
	margin := vg.Points(10)
	p.Draw(draw.Crop(draw.New(c), margin, -margin, margin/2, -margin/2))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: chart of question %q: %w", q.ID, err)
	}
	return buf.Bytes(), nil
}

// pixels is the length of n pixels at chartDPI.
func pixels(n int) vg.Length {
	return vg.Length(n) * vg.Inch / chartDPI
}

const (
	// maxBar is the thickest a bar is drawn, for questions with few options.
	maxBar = vg.Length(34)
	// hiddenBar is the length of the empty bar of a hidden count, short
	// whatever the scale so it is not read as a number.
	hiddenBar = vg.Length(18)
)

// bars draws the bars and their labels; bar i is at y = i.
type bars struct {
	values []float64 // 0 for a hidden bar
	hidden []bool
	labels []string
	style  text.Style
}

// Plot implements plot.Plotter.
func (b *bars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := min((trY(1)-trY(0))*0.35, maxBar/2)
	dashed := draw.LineStyle{Color: hiddenLine, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	for i, v := range b.values {
		y := trY(float64(i))
		x0, x1 := trX(0), trX(v)
		if b.hidden[i] {
			x1 = x0 + hiddenBar
		}
		box := []vg.Point{{X: x0, Y: y - half}, {X: x0, Y: y + half}, {X: x1, Y: y + half}, {X: x1, Y: y - half}}
		if b.hidden[i] {
			c.FillPolygon(hiddenFill, box)
			c.StrokeLines(dashed, append(box, box[0]))
		} else {
			c.FillPolygon(barColor, box)
		}
		c.FillText(b.style, vg.Point{X: x1 + vg.Points(5), Y: y}, b.labels[i])
	}
}

// DataRange implements plot.DataRanger.
func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	for _, v := range b.values {
		xmax = max(xmax, v)
	}
	return 0, xmax, -0.5, float64(len(b.values)) - 0.5
}

// room returns the X axis maximum that leaves space for every bar's label
// after it in a data area about dataWidth wide.
func (b *bars) room(dataWidth vg.Length) float64 {
	top := 1.0
	for i, v := range b.values {
		free := dataWidth - b.style.Width(b.labels[i]) - vg.Points(10)
		if free < dataWidth/3 {
			free = dataWidth / 3
		}
		top = max(top, v*float64(dataWidth/free))
	}
	return top
}

func labelWidth(names []string, sty text.Style) vg.Length {
	var w vg.Length
	for _, s := range names {
		w = max(w, sty.Width(s))
	}
	return w
}

// wrap breaks s into lines no wider than width, at most lines of them, the
// last cut with "…" when s does not fit.
func wrap(s string, sty text.Style, width vg.Length, lines int) string {
	var out []string
	line := ""
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		try := words[i]
		if line != "" {
			try = line + " " + words[i]
		}
		if sty.Width(try) <= width || line == "" {
			line = try
			continue
		}
		out = append(out, clip(line, sty, width))
		line = words[i]
		if len(out) == lines-1 {
			line = strings.Join(words[i:], " ")
			break
		}
	}
	out = append(out, clip(line, sty, width))
	if len(out) > lines {
		out = out[:lines]
	}
	return strings.Join(out, "\n")
}

// clip cuts s with "…" so it is no wider than width.
func clip(s string, sty text.Style, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && sty.Width(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ,;:") + "…"
}
