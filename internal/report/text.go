package report

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/hromada/hromada/internal/survey"
)

// MaxMessage is the length limit of a Telegram text message, in UTF-16 code
// units (what Telegram counts).
const MaxMessage = 4096

// Text renders a summary as plain-text Telegram messages in lang (headers in
// Ukrainian or English): a heading with the number of completed responses
// and what "<5" means, then per question its number of answers and, for
// choice questions, each option's count and share (a question with many
// options, such as a region, lists its "<5" options in one line). Questions are never split
// between messages unless one alone is longer than MaxMessage; every message
// is at most MaxMessage long.
func Text(s Summary, lang string) []string {
	w := wordsFor(lang)
	blocks := []string{heading(s, lang, w)}
	for i := range s.Questions {
		blocks = append(blocks, questionBlock(&s.Questions[i], i+1, lang, w))
	}
	return pack(blocks, MaxMessage)
}

func heading(s Summary, lang string, w *words) string {
	var b strings.Builder
	fmt.Fprintf(&b, "📊 %s: %s\n", w.results, s.Title.In(lang, s.DefaultLang))
	fmt.Fprintf(&b, "%s: %d · %s %s", w.responses, s.Responses, strings.ToLower(w.asOf), w.when(s.At, s.TimeZone))
	notes := w.notes(s.Threshold)
	b.WriteString("\n" + notes[0])
	if hasComplement(s) {
		b.WriteString("\n" + notes[1])
	}
	if hasFree(s) {
		b.WriteString("\n" + w.freeNote)
	}
	return b.String()
}

func questionBlock(q *QuestionSummary, n int, lang string, w *words) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d. %s\n", n, q.questionText(lang))
	fmt.Fprintf(&b, "%s: %d", w.answered, q.Answered)
	if q.Optional {
		fmt.Fprintf(&b, " · %s: %s", w.skipped, w.cell(q.Skipped, q.Threshold))
	}
	if q.Median != nil {
		fmt.Fprintf(&b, " · %s: %s", w.median, w.number(*q.Median))
	}
	if q.Type == survey.Multi {
		b.WriteString("\n" + w.multiNote)
	}
	small := 0
	for _, r := range q.Rows {
		if r.Hidden == Small {
			small++
		}
	}
	fold := len(q.Rows) > foldRows && small >= foldSmall
	for _, r := range q.Rows {
		if fold && r.Hidden == Small {
			continue
		}
		fmt.Fprintf(&b, "\n%s — %s", r.Label.In(lang, q.DefaultLang), w.cell(r.Cell, q.Threshold))
		if p := w.percent(r.Cell); p != "" {
			fmt.Fprintf(&b, " (%s)", p)
		}
	}
	if fold {
		b.WriteString("\n" + fmt.Sprintf(w.folded, small, w.cell(Cell{Hidden: Small}, q.Threshold)))
	}
	return b.String()
}

// A question with more than foldRows options (a region question has 28)
// lists its Small ones in one line when there are at least foldSmall of them,
// so a message is not a column of "<5".
const (
	foldRows  = 10
	foldSmall = 4
)

func hasComplement(s Summary) bool {
	for _, q := range s.Questions {
		for _, r := range q.Rows {
			if r.Hidden == Complement {
				return true
			}
		}
	}
	return false
}

func hasFree(s Summary) bool {
	for _, q := range s.Questions {
		switch q.Type {
		case survey.FreeText, survey.Number, survey.Date:
			return true
		}
	}
	return false
}

// pack joins blocks, separated by a blank line, into messages of at most
// limit UTF-16 units; a block longer than that is split between lines, and a
// line longer than that is cut with "…".
func pack(blocks []string, limit int) []string {
	var (
		out []string
		cur strings.Builder
		n   int // length of cur in UTF-16 units
	)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
	}
	add := func(s, sep string) {
		l := units(s)
		if n > 0 && n+units(sep)+l > limit {
			flush()
		}
		if n > 0 {
			cur.WriteString(sep)
			n += units(sep)
		}
		cur.WriteString(s)
		n += l
	}
	for _, block := range blocks {
		if units(block) <= limit {
			add(block, "\n\n")
			continue
		}
		for i, line := range strings.Split(block, "\n") {
			sep := "\n"
			if i == 0 {
				sep = "\n\n"
			}
			add(cut(line, limit), sep)
		}
	}
	flush()
	return out
}

// units is the length of s in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cut shortens s to at most limit UTF-16 units, ending it with "…" when cut.
func cut(s string, limit int) string {
	if units(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r)+1 > limit {
			return s[:i] + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}
