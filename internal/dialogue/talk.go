package dialogue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// errStorage marks a Postgres failure that outlasted the retries.
var errStorage = errors.New("dialogue: storage unavailable")

// talk is the handling of one update in one chat: it reads and changes the
// Chat and collects the replies.
type talk struct {
	g        *Dialogue
	c        *Chat
	u        Update
	lang     string
	outs     []Out
	callback string // the query to answer; "" once answered or when none
	answer   *Out
	// forgotten: the citizen was erased; Handle deletes the chat's Redis
	// keys instead of saving its state.
	forgotten bool
}

// T localises id in the chat's language.
func (t *talk) T(id string) string { return t.g.d.Catalog.T(t.lang, id, nil) }

func (t *talk) send(o Out) {
	o.Kind, o.ChatID = Send, t.u.ChatID
	if t.c.Keyboard && o.Keyboard == nil && !o.RemoveKeyboard {
		if len(o.Buttons) > 0 {
			// One message carries one keyboard: take the reply keyboard
			// away first, then show the inline buttons.
			t.c.Keyboard = false
			t.outs = append(t.outs, Out{Kind: Send, ChatID: t.u.ChatID, Text: esc(t.T("saved")), RemoveKeyboard: true})
		} else {
			o.RemoveKeyboard = true
		}
	}
	if o.Keyboard != nil {
		t.c.Keyboard = true
	}
	if o.RemoveKeyboard {
		t.c.Keyboard = false
	}
	t.outs = append(t.outs, o)
}

func (t *talk) edit(o Out) {
	if t.u.Callback == nil {
		t.send(o)
		return
	}
	o.Kind, o.ChatID, o.MessageID = Edit, t.u.ChatID, t.u.Callback.MessageID
	t.outs = append(t.outs, o)
}

// toast answers the callback query (once) with a short text.
func (t *talk) toast(text string, alert bool) {
	if t.callback == "" {
		return
	}
	t.answer = &Out{Kind: Answer, ChatID: t.u.ChatID, CallbackID: t.callback, Toast: text, Alert: alert}
	t.callback = ""
}

// finish returns the replies, the callback answer first: every callback query
// is answered, promptly.
func (t *talk) finish() []Out {
	t.toast("", false)
	if t.answer == nil {
		return t.outs
	}
	return append([]Out{*t.answer}, t.outs...)
}

// retry runs a Postgres write up to storageAttempts times.
func (t *talk) retry(ctx context.Context, fn func(context.Context) error) error {
	var err error
	for i := range storageAttempts {
		if err = fn(ctx); err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrStaleStep) || ctx.Err() != nil {
			return err
		}
		t.g.d.Log.Warn("storage write failed", "chat_id", t.u.ChatID, "attempt", i+1, "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100*(i+1)*(i+1)) * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: %w", errStorage, err)
}

func (t *talk) now() time.Time { return t.g.d.Clock() }

// run dispatches the update.
func (t *talk) run(ctx context.Context) error {
	m := t.g.d.Metrics
	if t.u.Callback != nil {
		m.Updates.WithLabelValues("callback").Inc()
		a, err := parseAction(t.u.Callback.Data)
		if err != nil {
			m.Problems.WithLabelValues("bad_button").Inc()
			t.toast(t.T("err_bad_button"), false)
			return t.reshow(ctx)
		}
		return t.onAction(ctx, a)
	}
	if t.c.CitizenID == 0 {
		m.Updates.WithLabelValues("before_consent").Inc()
		return t.beforeConsent()
	}
	if cmd, arg, ok := command(t.u.Text); ok {
		m.Updates.WithLabelValues("command").Inc()
		return t.onCommand(ctx, cmd, arg)
	}
	m.Updates.WithLabelValues("input").Inc()
	if t.c.Compose != nil && t.c.Compose.Wait != "" {
		if ok, err := t.allowed(ctx, "broadcast", store.RoleOrganiser); !ok || err != nil {
			t.c.Compose = nil
			return err
		}
		return t.composeInput(ctx)
	}
	if t.c.Session == nil {
		if t.u.Unsupported != "" {
			t.send(Out{Text: esc(t.T("err_unsupported"))})
		}
		return t.menu(ctx, t.T("not_in_survey"))
	}
	return t.onInput(ctx, t.input())
}

// command splits "/start@bot s_x" into ("start", "s_x").
func command(text string) (cmd, arg string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, arg, _ := strings.Cut(strings.TrimSpace(text[1:]), " ")
	head, _, _ = strings.Cut(head, "@")
	return strings.ToLower(head), strings.TrimSpace(arg), true
}

// beforeConsent: anything a citizen sends before agreeing shows the notice;
// a /start deep link is remembered (in Redis only) to open after consent.
func (t *talk) beforeConsent() error {
	cmd, arg, ok := command(t.u.Text)
	if ok && cmd == "start" {
		if id, ok := strings.CutPrefix(arg, "s_"); ok {
			t.c.Pending, t.c.Source = id, "deeplink"
		}
		if id, ok := strings.CutPrefix(arg, "e_"); ok {
			t.c.PendingEv = id
		}
		t.send(Out{Text: esc(t.T("welcome"))})
	} else if ok && (cmd == "mydata" || cmd == "forget") {
		t.send(Out{Text: esc(t.T("nothing_stored"))})
	} else {
		t.send(Out{Text: esc(t.T("need_consent"))})
	}
	t.send(t.notice())
	return nil
}

// noticeText is the privacy notice in the chat's language with its version
// and the question.
func (t *talk) noticeText() string {
	n := t.g.d.Notice
	return n.Text(t.lang) + "\n\n" + t.g.d.Catalog.T(t.lang, "notice_footer", map[string]any{"Version": esc(n.Version)})
}

func (t *talk) notice() Out {
	text := t.noticeText()
	rows := [][]Button{
		{{Text: t.T("btn_agree"), Data: action{op: opConsent, arg: "1"}.String()},
			{Text: t.T("btn_decline"), Data: action{op: opConsent, arg: "0"}.String()}},
		t.languageRow(),
	}
	return Out{Text: text, Buttons: rows}
}

func (t *talk) languageRow() []Button {
	var row []Button
	for _, l := range locale.Languages {
		label := t.g.d.Catalog.T(l, "language_name", nil)
		if l == t.lang {
			label = "• " + label
		}
		row = append(row, Button{Text: label, Data: action{op: opLanguage, arg: l}.String()})
	}
	return row
}

func (t *talk) onCommand(ctx context.Context, cmd, arg string) error {
	if t.c.Compose != nil && cmd != "cancel" {
		t.c.Compose.Wait = "" // another command ends a typed step of a broadcast
	}
	switch cmd {
	case "start":
		// /start subscribes again a citizen who sent /stop.
		var resubscribed bool
		if err := t.retry(ctx, func(ctx context.Context) (err error) {
			resubscribed, err = t.g.d.Store.Subscribe(ctx, t.c.CitizenID, true)
			return err
		}); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if resubscribed {
			t.send(Out{Text: esc(t.T("subscribed_again"))})
		}
		if id, ok := strings.CutPrefix(arg, "s_"); ok {
			return t.open(ctx, t.g.d.Surveys.Current(id), "deeplink")
		}
		if id, ok := strings.CutPrefix(arg, "e_"); ok {
			return t.showEvent(ctx, t.g.d.Events.Get(id))
		}
		if t.outdated("", "", "") {
			return nil
		}
		return t.menu(ctx, esc(t.T("welcome")))
	case "surveys":
		return t.menu(ctx, "")
	case "team":
		if ok, err := t.allowed(ctx, cmd, store.RoleAdmin); !ok || err != nil {
			return err
		}
		return t.team(ctx, arg)
	case "stop":
		if err := t.retry(ctx, func(ctx context.Context) error {
			_, err := t.g.d.Store.Subscribe(ctx, t.c.CitizenID, false)
			return err
		}); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		t.send(Out{Text: esc(t.T("unsubscribed"))})
		return nil
	case "events":
		return t.eventList(ctx)
	case "myevents":
		return t.myEvents(ctx)
	case "mydata":
		return t.myData(ctx)
	case "forget":
		t.askForget()
		return nil
	case "broadcast":
		if ok, err := t.allowed(ctx, cmd, store.RoleOrganiser); !ok || err != nil {
			return err
		}
		return t.startCompose(ctx)
	case "broadcasts":
		if ok, err := t.allowed(ctx, cmd, store.RoleOrganiser); !ok || err != nil {
			return err
		}
		return t.broadcastList(ctx, false)
	case "checkin":
		if ok, err := t.allowed(ctx, cmd, store.RoleOrganiser); !ok || err != nil {
			return err
		}
		return t.checkIn(ctx, arg)
	case "attendees":
		if ok, err := t.allowed(ctx, cmd, store.RoleOrganiser); !ok || err != nil {
			return err
		}
		if arg == "" {
			t.pickEvent()
			return nil
		}
		return t.attendees(ctx, t.g.d.Events.Get(arg), 0, false)
	case "help":
		text := esc(t.T("help"))
		var staff bool
		if err := t.retry(ctx, func(ctx context.Context) (err error) {
			staff, err = t.g.d.Store.IsStaff(ctx, t.u.UserID)
			return err
		}); err != nil {
			return err
		}
		if staff { // the team's commands, for the team only
			text += "\n\n" + esc(t.T("help_staff"))
		}
		t.send(Out{Text: text})
		return nil
	case "language":
		t.send(Out{Text: esc(t.T("choose_language")), Buttons: [][]Button{t.languageRow()}})
		return nil
	case "export":
		if ok, err := t.allowed(ctx, cmd, store.RoleAnalyst); !ok || err != nil {
			return err
		}
		t.pickSurvey(opExport, "export_pick")
		return nil
	case "results":
		if ok, err := t.allowed(ctx, cmd, store.RoleAnalyst); !ok || err != nil {
			return err
		}
		if def := t.g.d.Surveys.Current(arg); def != nil {
			return t.results(ctx, def)
		}
		t.pickSurvey(opResult, "results_pick")
		return nil
	case "cancel":
		// The step being typed, or a draft when no survey is going on; one
		// whose author lost the role is only forgotten.
		if cs := t.c.Compose; cs != nil && (cs.Wait != "" || t.c.Session == nil) {
			var ok bool
			if err := t.retry(ctx, func(ctx context.Context) (err error) {
				ok, err = t.g.d.Store.HasRole(ctx, t.u.UserID, store.RoleOrganiser)
				return err
			}); err != nil {
				return err
			}
			if !ok {
				t.c.Compose = nil
				return t.onCommand(ctx, cmd, arg)
			}
			if err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.DeleteDraft(ctx, cs.ID, t.u.UserID) }); err != nil {
				return err
			}
			t.c.Compose = nil
			t.send(Out{Text: esc(t.T("compose_discarded"))})
			return nil
		}
		if t.c.Session != nil {
			return t.onInput(ctx, survey.Input{Kind: survey.InCancel})
		}
		return t.menu(ctx, "")
	}
	t.g.d.Metrics.Problems.WithLabelValues("unknown_command").Inc()
	t.send(Out{Text: esc(t.T("unknown_command"))})
	return nil
}

// onAction handles a tapped button.
func (t *talk) onAction(ctx context.Context, a action) error {
	switch a.op {
	case opLanguage:
		return t.setLanguage(ctx, a.arg)
	case opConsent:
		return t.consent(ctx, a.arg == "1")
	}
	if t.c.CitizenID == 0 {
		t.toast(t.T("need_consent"), false)
		t.send(t.notice())
		return nil
	}
	if t.c.Compose != nil && a.op != opCompose {
		t.c.Compose.Wait = "" // so is another button: typed text is no longer the broadcast's
	}
	switch a.op {
	case opMenu:
		return t.menu(ctx, "")
	case opExport, opFormat, opResult:
		if ok, err := t.allowed(ctx, "export", store.RoleAnalyst); !ok || err != nil {
			return err
		}
		switch a.op {
		case opExport:
			t.exportFormats(a.arg)
			return nil
		case opFormat:
			return t.exportSend(ctx, a.arg)
		}
		def := t.g.d.Surveys.ByKey(a.arg)
		if def == nil {
			t.staleTap()
			return nil
		}
		return t.results(ctx, def)
	case opForget:
		return t.forget(ctx, a.arg == "1")
	case opCompose, opBroadcasts:
		if ok, err := t.allowed(ctx, "broadcast", store.RoleOrganiser); !ok || err != nil {
			return err
		}
		if a.op == opCompose {
			return t.onCompose(ctx, a.arg)
		}
		return t.onBroadcasts(ctx, a.arg)
	case opBroadcastOpen:
		return t.openFromBroadcast(ctx, a.arg)
	case opBroadcastEvent:
		return t.eventFromBroadcast(ctx, a.arg)
	case opShared:
		return t.shared(ctx, t.g.d.Surveys.ByKey(a.arg))
	case opEvent:
		return t.showEvent(ctx, t.g.d.Events.ByKey(a.arg))
	case opEvents:
		return t.eventList(ctx)
	case opMyEvents:
		return t.myEvents(ctx)
	case opRegister:
		return t.register(ctx, t.g.d.Events.ByKey(a.arg))
	case opUnregister:
		return t.askUnregister(ctx, a.arg)
	case opUnregisterYes:
		return t.unregister(ctx, a.arg)
	case opAttend, opAttendees:
		if ok, err := t.allowed(ctx, "attendees", store.RoleOrganiser); !ok || err != nil {
			return err
		}
		if a.op == opAttend {
			return t.toggleAttended(ctx, a.arg)
		}
		key, page, _ := strings.Cut(a.arg, ".")
		n, _ := strconv.Atoi(page)
		return t.attendees(ctx, t.g.d.Events.ByKey(key), n, true)
	case opOpen:
		def := t.g.d.Surveys.ByKey(a.arg)
		if def == nil {
			t.toast(t.T("err_stale"), false)
			return nil
		}
		return t.open(ctx, def, "menu")
	}
	s := t.c.Session
	if s == nil || s.ResponseID != a.response {
		t.staleTap()
		return nil
	}
	def, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
	if err != nil {
		return err
	}
	if a.pos != position(def, s) {
		t.staleTap()
		return nil
	}
	in := survey.Input{At: t.now()}
	switch a.op {
	case opChoose, opToggle:
		q, _ := def.Question(s.Current)
		if q == nil {
			t.staleTap()
			return nil
		}
		opts := q.Choices()
		if a.index >= len(opts) {
			t.staleTap()
			return nil
		}
		in.Kind, in.Option = survey.InChoose, opts[a.index].ID
		if a.op == opToggle {
			in.Kind = survey.InToggle
		}
	case opDone:
		in.Kind = survey.InDone
	case opSkip:
		in.Kind = survey.InSkip
	case opBack:
		in.Kind = survey.InBack
	case opCancel, opDiscard:
		in.Kind = survey.InCancel
	case opKeep:
		in.Kind = survey.InResume
	case opConfirm:
		in.Kind = survey.InConfirm
	case opChange:
		t.edit(Out{Text: esc(t.T("review_pick")), Buttons: t.changeButtons(def, s)})
		return nil
	case opReview:
		return t.show(def, s, "")
	case opEdit:
		if a.index >= len(def.Questions) {
			t.staleTap()
			return nil
		}
		in.Kind, in.Question = survey.InEdit, def.Questions[a.index].ID
	}
	return t.apply(ctx, def, in)
}

func (t *talk) staleTap() {
	t.g.d.Metrics.Problems.WithLabelValues(string(survey.ErrStale)).Inc()
	t.toast(t.T("err_stale"), false)
}

// input decodes a message into engine input.
func (t *talk) input() survey.Input {
	in := survey.Input{At: t.now()}
	switch {
	case t.u.Contact != nil:
		in.Kind, in.Phone = survey.InContact, t.u.Contact.Phone
		in.OwnContact = t.u.Contact.UserID != 0 && t.u.Contact.UserID == t.u.UserID
	case t.u.Location != nil:
		in.Kind, in.Lat, in.Lon = survey.InLocation, t.u.Location.Lat, t.u.Location.Lon
	case t.u.Unsupported != "" || t.u.Text == "":
		in.Kind = survey.InUnsupported
	default:
		in.Kind, in.Text = survey.InText, t.u.Text
		if t.c.Keyboard { // the reply keyboard's own buttons arrive as text
			switch strings.TrimSpace(t.u.Text) {
			case t.T("btn_back"):
				in.Kind = survey.InBack
			case t.T("btn_skip"):
				in.Kind = survey.InSkip
			case t.T("btn_cancel"):
				in.Kind = survey.InCancel
			}
		}
	}
	return in
}

func (t *talk) onInput(ctx context.Context, in survey.Input) error {
	s := t.c.Session
	def, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
	if err != nil {
		return err
	}
	if in.At.IsZero() {
		in.At = t.now()
	}
	return t.apply(ctx, def, in)
}
