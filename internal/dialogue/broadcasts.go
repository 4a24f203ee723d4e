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
		o.Buttons = [][]Button{{{Text: label, Data: action{op: opBroadcastEvent, arg: surveyKey(b.ButtonTarget) + "." + strconv.FormatInt(b.ID, 36)}.String()}}}
	case "url":
		o.Buttons = [][]Button{{{Text: label, URL: b.ButtonTarget}}}
	}
	return o
}

// fromBroadcast reads "<key>.<broadcast id base 36>", records the tap, and
// returns the key and the source "broadcast:<id>".
func (t *talk) fromBroadcast(ctx context.Context, arg string) (key, source string, err error) {
	key, id, _ := strings.Cut(arg, ".")
	n, perr := strconv.ParseInt(id, 36, 64)
	if perr != nil || n <= 0 {
		return key, "broadcast", nil
	}
	err = t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.Tapped(ctx, n, t.c.CitizenID, t.now()) })
	return key, "broadcast:" + strconv.FormatInt(n, 10), err
}

// openFromBroadcast opens the survey a broadcast's button names.
func (t *talk) openFromBroadcast(ctx context.Context, arg string) error {
	key, source, err := t.fromBroadcast(ctx, arg)
	if err != nil {
		return err
	}
	def := t.g.d.Surveys.ByKey(key)
	if def == nil {
		t.toast(t.T("err_stale"), false)
		return nil
	}
	return t.open(ctx, def, source)
}

// eventFromBroadcast shows the event a broadcast's button names, and
// remembers where the citizen came from for their registration.
func (t *talk) eventFromBroadcast(ctx context.Context, arg string) error {
	key, source, err := t.fromBroadcast(ctx, arg)
	if err != nil {
		return err
	}
	ev := t.g.d.Events.ByKey(key)
	if ev != nil {
		t.c.EventFrom = ev.ID + " " + source
	}
	return t.showEvent(ctx, ev)
}

// eventSource is where a registration for eventID comes from: the broadcast
// whose button showed the event, or "".
func (t *talk) eventSource(eventID string) string {
	id, source, _ := strings.Cut(t.c.EventFrom, " ")
	if id != eventID {
		return ""
	}
	return source
}
