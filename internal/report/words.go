package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// words are the report's own texts in one language. Survey texts (titles,
// questions, options) come from the definition.
type words struct {
	lang           string
	results        string // heading of the whole summary
	responses      string // "Completed responses"
	answered       string
	skipped        string
	median         string
	option         string
	count          string
	share          string
	hidden         string // a Complement cell
	asOf           string
	smallNote      string // %d: the threshold
	complementNote string // %d: the threshold
	multiNote      string
	freeNote       string
	noAnswers      string
	folded         string // %d: how many options, %s: "<5"
	timeLayout     string
}

var ukWords = words{
	lang:           "uk",
	results:        "Результати опитування",
	responses:      "Заповнених анкет",
	answered:       "Відповіли",
	skipped:        "пропустили",
	median:         "Медіана",
	option:         "Варіант",
	count:          "Кількість",
	share:          "Частка",
	hidden:         "приховано",
	asOf:           "Станом на",
	smallNote:      "«<%d» — менше ніж %d відповідей: малі числа приховано, щоб нікого не можна було впізнати.",
	complementNote: "«приховано» — число не менше ніж %d, приховане, щоб «<%d» не можна було обчислити відніманням від загальної кількості.",
	multiNote:      "Можна було обрати кілька варіантів; частки — від тих, хто відповів.",
	freeNote:       "Відповіді у вільній формі тут не показано.",
	noAnswers:      "Поки що немає відповідей.",
	folded:         "решта варіантів (%d): кожен %s",
	timeLayout:     "02.01.2006 15:04",
}

var enWords = words{
	lang:           "en",
	results:        "Survey results",
	responses:      "Completed responses",
	answered:       "Answered",
	skipped:        "skipped",
	median:         "Median",
	option:         "Option",
	count:          "Count",
	share:          "Share",
	hidden:         "hidden",
	asOf:           "As of",
	smallNote:      "“<%d” means fewer than %d answers: small numbers are hidden so that no one can be identified.",
	complementNote: "“hidden” is a number of %d or more, hidden so that the “<%d” cannot be worked out by subtracting from the total.",
	multiNote:      "Several options could be chosen; shares are of those who answered.",
	freeNote:       "Free answers are not shown here.",
	noAnswers:      "No answers yet.",
	folded:         "the remaining %d options: %s each",
	timeLayout:     "2 Jan 2006 15:04",
}

// wordsFor returns the report's texts in lang: English for "en", Ukrainian
// for every other language.
func wordsFor(lang string) *words {
	if lang == "en" {
		return &enWords
	}
	return &ukWords
}

// cell is how a count reads: the number, "<5", or "hidden".
func (w *words) cell(c Cell, threshold int) string {
	switch c.Hidden {
	case Small:
		return "<" + strconv.Itoa(threshold)
	case Complement:
		return w.hidden
	}
	return strconv.Itoa(c.Count)
}

// percent is a shown cell's share, rounded to a whole percent ("<1%" for a
// share that rounds to 0); "" for a hidden cell.
func (w *words) percent(c Cell) string {
	if c.Hidden != Shown {
		return ""
	}
	if c.Count > 0 && c.Percent < 0.5 {
		return "<1%"
	}
	return strconv.Itoa(int(math.Round(c.Percent))) + "%"
}

// number formats a number with at most two decimals, with a decimal comma
// except in English.
func (w *words) number(f float64) string {
	s := strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	if w.lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// when formats the time counts were taken in the survey's time zone.
func (w *words) when(at time.Time, zone string) string {
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		at = at.In(loc)
	}
	return at.Format(w.timeLayout)
}

// notes are the explanations of hidden counts.
func (w *words) notes(threshold int) []string {
	return []string{
		fmt.Sprintf(w.smallNote, threshold, threshold),
		fmt.Sprintf(w.complementNote, threshold, threshold),
	}
}

// questionText is the question in lang with the survey's fallback.
func (q *QuestionSummary) questionText(lang string) string {
	return q.Text.In(lang, q.DefaultLang)
}
