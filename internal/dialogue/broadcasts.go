package dialogue

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/broadcast"
	"github.com/hromada/hromada/internal/store"
)

// BroadcastOut is broadcast b as recipient d gets it: the organiser's text
// (Telegram HTML) and its button, in the recipient's language. A survey's
// button opens it with the source "broadcast:<id>", so that its effect can
// be counted.
func (g *Dialogue) BroadcastOut(b store.Broadcast, d store.Delivery) Out {
	o := Out{Kind: Send, ChatID: d.TelegramID, Text: b.Text, Photo: b.Photo}
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
// returns the key and the source "broadcast:<id>" ("preview" for the button
// of a draft's preview).
func (t *talk) fromBroadcast(ctx context.Context, arg string) (key, source string, err error) {
	key, id, _ := strings.Cut(arg, ".")
	n, perr := strconv.ParseInt(id, 36, 64)
	if perr != nil || n <= 0 {
		return key, "broadcast", nil
	}
	var sent bool
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		sent, err = t.g.d.Store.Tapped(ctx, n, t.c.CitizenID, t.now())
		return err
	})
	if !sent {
		return key, "preview", err
	}
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

// broadcastsShown is how many broadcasts /broadcasts lists.
const broadcastsShown = 10

// broadcastList is /broadcasts: the latest broadcasts with their status and
// counts, a button for each one's results and one to stop those still
// scheduled or running.
func (t *talk) broadcastList(ctx context.Context, edit bool) error {
	var list []store.Broadcast
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		list, err = t.g.d.Store.Broadcasts(ctx, broadcastsShown)
		return err
	}); err != nil {
		return err
	}
	if len(list) == 0 {
		t.send(Out{Text: esc(t.T("broadcasts_none"))})
		return nil
	}
	lines := []string{t.T("broadcasts_header")}
	var rows [][]Button
	for _, b := range list {
		var c store.DeliveryCounts
		if err := t.retry(ctx, func(ctx context.Context) (err error) {
			c, err = t.g.d.Store.CountDeliveries(ctx, b.ID)
			return err
		}); err != nil {
			return err
		}
		data := map[string]any{"ID": b.ID, "Status": t.T("broadcast_status_" + b.Status), "Sent": c.Sent, "Total": b.Recipients,
			"At": b.ScheduledAt.In(broadcast.Kyiv).Format("02.01 15:04"), "Text": esc(clip(plainText(b.Text), 40))}
		lines = append(lines, t.g.d.Catalog.T(t.lang, "broadcasts_line", data))
		id := strconv.FormatInt(b.ID, 36)
		row := []Button{{Text: t.g.d.Catalog.T(t.lang, "btn_broadcast_info", data), Data: action{op: opBroadcasts, arg: id + ".i"}.String()}}
		if b.Status == store.BroadcastScheduled || b.Status == store.BroadcastRunning {
			row = append(row, Button{Text: t.g.d.Catalog.T(t.lang, "btn_broadcast_stop_n", data), Data: action{op: opBroadcasts, arg: id + ".x"}.String()})
		}
		rows = append(rows, row)
	}
	o := Out{Text: strings.Join(lines, "\n\n"), Buttons: rows}
	if edit {
		t.edit(o)
	} else {
		t.send(o)
	}
	return nil
}

// onBroadcasts handles the buttons of /broadcasts and of the progress
// message: "<id>.i" results, "<id>.x" ask to stop, "<id>.X" stop, "<id>.n"
// keep it going, "list".
func (t *talk) onBroadcasts(ctx context.Context, arg string) error {
	if arg == "list" {
		return t.broadcastList(ctx, true)
	}
	id36, verb, _ := strings.Cut(arg, ".")
	id, err := strconv.ParseInt(id36, 36, 64)
	if err != nil || id <= 0 {
		t.staleTap()
		return nil
	}
	var b store.Broadcast
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		b, err = t.g.d.Store.Broadcast(ctx, id)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || b.Status == store.BroadcastDraft {
		t.staleTap()
		return nil
	}
	if err != nil {
		return err
	}
	data := map[string]any{"ID": b.ID}
	switch verb {
	case "i":
		return t.broadcastInfo(ctx, b)
	case "x":
		if b.Status != store.BroadcastScheduled && b.Status != store.BroadcastRunning {
			t.toast(t.g.d.Catalog.T(t.lang, "broadcast_not_active", data), true)
			return nil
		}
		t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "broadcast_stop_ask", data)), Buttons: [][]Button{{
			{Text: t.T("btn_broadcast_stop_yes"), Data: action{op: opBroadcasts, arg: id36 + ".X"}.String()},
			{Text: t.T("btn_broadcast_stop_no"), Data: action{op: opBroadcasts, arg: id36 + ".n"}.String()},
		}}})
		return nil
	case "X":
		err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.CancelBroadcast(ctx, id, t.now()) })
		if errors.Is(err, store.ErrNotFound) {
			t.edit(Out{Text: esc(t.g.d.Catalog.T(t.lang, "broadcast_not_active", data))})
			return nil
		}
		if err != nil {
			return err
		}
		t.g.d.Log.Info("broadcast stopped", "chat_id", t.u.ChatID, "broadcast", id)
		t.edit(Out{Text: esc(t.g.d.Catalog.T(t.lang, "broadcast_stopped", data))})
		return nil
	case "n":
		t.edit(Out{Text: esc(t.g.d.Catalog.T(t.lang, "broadcast_kept", data))})
		return nil
	}
	t.staleTap()
	return nil
}

// broadcastInfo shows one broadcast's results.
func (t *talk) broadcastInfo(ctx context.Context, b store.Broadcast) error {
	var r store.BroadcastResults
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		r, err = t.g.d.Store.Results(ctx, b.ID)
		return err
	}); err != nil {
		return err
	}
	t.send(Out{Text: t.g.BroadcastReport(b, r, t.lang)})
	return nil
}

// BroadcastReport describes what broadcast b did and led to, in lang.
func (g *Dialogue) BroadcastReport(b store.Broadcast, r store.BroadcastResults, lang string) string {
	data := map[string]any{
		"ID": b.ID, "Status": g.d.Catalog.T(lang, "broadcast_status_"+b.Status, nil), "Total": b.Recipients,
		"Sent": r.Sent, "Blocked": r.Blocked, "Failed": r.Failed, "Skipped": r.Skipped, "Left": r.Pending,
		"Taps": r.Taps, "Started": r.Started, "Completed": r.Completed, "Registered": r.Registered,
		"Text": esc(clip(plainText(b.Text), 60)),
	}
	text := g.d.Catalog.T(lang, "broadcast_report", data)
	if b.Failure != "" {
		text += "\n" + g.d.Catalog.T(lang, "broadcast_refused", map[string]any{"Reason": esc(b.Failure)})
	}
	if b.StartedAt != nil && b.FinishedAt != nil {
		took := b.FinishedAt.Sub(*b.StartedAt)
		data["Took"] = g.roughDuration(took, lang)
		key := "broadcast_took"
		if took >= 10*time.Second { // a rate over less says little
			key = "broadcast_took_rate"
			data["Rate"] = fmt.Sprintf("%.1f", float64(r.Sent+r.Blocked+r.Failed+r.Skipped)/took.Seconds())
		}
		text += "\n" + g.d.Catalog.T(lang, key, data)
	}
	switch b.ButtonKind {
	case "survey":
		text += "\n" + g.d.Catalog.T(lang, "broadcast_report_survey", data)
	case "event":
		text += "\n" + g.d.Catalog.T(lang, "broadcast_report_event", data)
	case "url":
		text += "\n" + g.d.Catalog.T(lang, "broadcast_report_link", data)
	}
	return text
}

// plainText is Telegram HTML without its tags, for a short quote.
func plainText(s string) string {
	var out strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			out.WriteRune(r)
		}
	}
	return html.UnescapeString(out.String())
}
