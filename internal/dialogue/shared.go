package dialogue

import (
	"context"

	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/survey"
)

// shared shows a citizen who completed a survey with share_results what
// others answered: the choice questions only (report's rules leave out
// sensitive questions and their follow-ups), small counts hidden, as text,
// which reads well on a poor connection.
func (t *talk) shared(ctx context.Context, def *survey.Survey) error {
	if def == nil || !def.ShareResults {
		t.staleTap()
		return nil
	}
	var n int
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		n, err = t.g.d.Store.CompletedCount(ctx, t.c.CitizenID, def.ID)
		return err
	}); err != nil {
		return err
	}
	if n == 0 { // only after answering: the results must not sway the answers
		t.toast(t.T("shared_after"), true)
		return nil
	}
	sum, err := report.Load(ctx, t.g.d.Store, def.ID, report.Options{Threshold: report.DefaultThreshold})
	if err != nil {
		return err
	}
	if sum.Responses < sum.Threshold {
		t.toast(t.T("shared_too_few"), true)
		return nil
	}
	choices := sum.Questions[:0:0]
	for _, q := range sum.Questions {
		if q.Rows != nil {
			choices = append(choices, q)
		}
	}
	sum.Questions = choices
	t.toast("", false)
	for _, text := range report.Text(sum, surveyLang(def, t.lang)) {
		t.send(Out{Text: esc(text)})
	}
	return nil
}
