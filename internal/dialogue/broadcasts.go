package dialogue

import (
	"context"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/store"
)

// BroadcastOut is broadcast b as recipient d gets it: the organiser's text
// (Telegram HTML) and its button, in the recipient's language. A survey's
// button opens it with the source "broadcast:<id>", so that its effect can
// be counted.
func (g *Dialogue) BroadcastOut(b store.Broadcast, d store.Delivery) Out {
	o := Out{Kind: Send, ChatID: d.TelegramID, Text: b.Text}
	label := b.ButtonText
	switch b.ButtonKind {
	case "survey":
		if label == "" {
			label = g.d.Catalog.T(d.Lang, "btn_take_survey", nil)
		}
		o.Buttons = [][]Button{{{Text: label, Data: action{op: opBroadcastOpen, arg: surveyKey(b.ButtonTarget) + "." + strconv.FormatInt(b.ID, 36)}.String()}}}
	case "event":
		if label == "" {
			label = g.d.Catalog.T(d.Lang, "btn_register", nil)
		}
		o.Buttons = [][]Button{{{Text: label, Data: action{op: opEvent, arg: surveyKey(b.ButtonTarget)}.String()}}}
	case "url":
		o.Buttons = [][]Button{{{Text: label, URL: b.ButtonTarget}}}
	}
	return o
}

// openFromBroadcast opens the survey a broadcast's button names.
func (t *talk) openFromBroadcast(ctx context.Context, arg string) error {
	key, id, _ := strings.Cut(arg, ".")
	source := "broadcast"
	if n, err := strconv.ParseInt(id, 36, 64); err == nil && n > 0 {
		source = "broadcast:" + strconv.FormatInt(n, 10)
	}
	def := t.g.d.Surveys.ByKey(key)
	if def == nil {
		t.toast(t.T("err_stale"), false)
		return nil
	}
	return t.open(ctx, def, source)
}
