package dialogue

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/hromada/hromada/internal/store"
)

// myData sends the citizen everything stored about them: a JSON document
// and a summary in their language.
func (t *talk) myData(ctx context.Context) error {
	var d store.MyData
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		d, err = t.g.d.Store.CitizenData(ctx, t.c.CitizenID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		t.send(Out{Text: esc(t.T("nothing_stored"))})
		return nil
	}
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	completed, answers := 0, 0
	for _, r := range d.Responses {
		if r.Status == "completed" {
			completed++
		}
		answers += len(r.Answers)
	}
	live := 0
	for _, r := range d.Registrations {
		if r.Status != store.Cancelled {
			live++
		}
	}
	cat := t.g.d.Catalog
	summary := esc(cat.T(t.lang, "mydata_header", nil)) + "\n" +
		"• " + esc(cat.N(t.lang, "mydata_consents", len(d.Consents), nil)) + "\n" +
		"• " + esc(cat.N(t.lang, "mydata_responses", len(d.Responses), map[string]any{"Completed": completed})) + "\n" +
		"• " + esc(cat.N(t.lang, "mydata_answers", answers, nil)) + "\n" +
		"• " + esc(cat.N(t.lang, "mydata_registrations", len(d.Registrations), map[string]any{"Live": live})) + "\n\n" +
		esc(cat.T(t.lang, "mydata_footer", nil))
	t.send(Out{Text: summary})
	t.outs = append(t.outs, Out{Kind: Document, ChatID: t.u.ChatID, Files: []File{{
		Name: "hromada-my-data.json", Bytes: data, Caption: cat.T(t.lang, "mydata_caption", nil),
	}}})
	return nil
}

// askForget asks for an explicit confirmation before erasing.
func (t *talk) askForget() {
	t.send(Out{Text: esc(t.T("forget_confirm")), Buttons: [][]Button{
		{{Text: t.T("btn_forget_yes"), Data: action{op: opForget, arg: "1"}.String()}},
		{{Text: t.T("btn_forget_no"), Data: action{op: opForget, arg: "0"}.String()}},
	}})
}

// forget erases the citizen from Postgres (seats freed go to the waitlist)
// and, when the update ends, every Redis key of the chat.
func (t *talk) forget(ctx context.Context, confirmed bool) error {
	if !confirmed {
		t.edit(Out{Text: esc(t.T("forget_kept"))})
		return nil
	}
	var promoted []store.Registration
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		promoted, err = t.g.d.Store.Forget(ctx, t.c.CitizenID, t.now())
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	t.g.d.Metrics.Forgotten.Inc()
	t.g.d.Metrics.Registrations.WithLabelValues("promoted").Add(float64(len(promoted)))
	t.g.d.Log.Info("citizen erased their data", "chat_id", t.u.ChatID, "seats_freed", len(promoted))
	*t.c = Chat{V: chatVersion, Lang: t.lang}
	t.forgotten = true
	t.toast(t.T("forgotten"), false)
	t.edit(Out{Text: esc(t.T("forgotten"))})
	return nil
}
