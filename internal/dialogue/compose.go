package dialogue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/hromada/hromada/internal/broadcast"
	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// /broadcast walks an organiser through a broadcast: audience → message
// (text or a photo with a caption, formatting kept) → button → preview →
// send now or schedule. Each step is saved in the draft (a broadcast row in
// Postgres, see store.CreateDraft); the chat only remembers which draft it
// is and what typed input it waits for, so every button keeps working after
// Redis is lost, and only a draft can be sent: a double tap sends once.

// Compose is the broadcast an organiser is composing in this chat.
type Compose struct {
	ID   int64  `json:"id"`
	Wait string `json:"wait,omitempty"` // typed input awaited: waitMessage, waitLink, waitTime, or ""
	// Stamp is the draft's stamp (draftStamp) when "Schedule" was tapped:
	// the time typed next schedules that draft only if it is unchanged.
	Stamp string `json:"stamp,omitempty"`
}

// draftStamp identifies what a draft says: the Send and Schedule buttons of
// a preview carry it, and act only on the draft they previewed, not on one
// changed since through the buttons of an earlier step.
func draftStamp(b store.Broadcast) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%q %q %q %q %q %+v", b.Text, b.Photo, b.ButtonKind, b.ButtonTarget, b.ButtonText, b.Audience))
	return hex.EncodeToString(sum[:4])
}

const (
	waitMessage = "message"
	waitLink    = "link"
	waitTime    = "time"
)

// Telegram's limits on what a broadcast carries.
const (
	maxCaption     = 1024 // a photo's caption, in UTF-16 code units
	maxButtonLabel = 64
)

// compose op verbs: arg "<draft id base 36>.<verb>[.<param>]".
const (
	cAudience    = "aud"
	cLanguage    = "lang" // param: language
	cRegion      = "reg"  // param: region option id
	cSurvey      = "srv"  // param: survey key, then "<key>.<state letter>"
	cEvent       = "evt"  // param: event key, then "<key>.<state letter>"
	cEveryone    = "all"
	cMessage     = "msg"
	cButton      = "btn"
	cButtonSrv   = "bs" // param: survey key
	cButtonEvent = "be" // param: event key
	cButtonLink  = "bu"
	cButtonNone  = "bn"
	cPreview     = "pre"
	cSendNow     = "now"
	cSchedule    = "sch"
	cDiscard     = "del"
)

// State letters in callback data.
var (
	surveyStateOf = map[string]string{"c": "completed", "s": "started", "n": "not_started"}
	eventStateOf  = map[string]string{"r": "registered", "w": "waitlisted", "a": "attended"}
)

func composeData(id int64, verb string, params ...string) string {
	arg := strconv.FormatInt(id, 36) + "." + verb
	for _, p := range params {
		arg += "." + p
	}
	return action{op: opCompose, arg: arg}.String()
}

// startCompose is /broadcast: a new draft, at its first step.
func (t *talk) startCompose(ctx context.Context) error {
	var b store.Broadcast
	if err := t.retry(ctx, func(ctx context.Context) (err error) {
		b, err = t.g.d.Store.CreateDraft(ctx, t.u.UserID, t.u.ChatID, t.lang, t.now())
		return err
	}); err != nil {
		return err
	}
	t.c.Compose = &Compose{ID: b.ID}
	t.g.d.Log.Info("broadcast draft started", "chat_id", t.u.ChatID, "broadcast", b.ID)
	return t.audienceStep(ctx, b, false)
}

// draft loads the chat's draft id; nil (and a word to the organiser) when
// it was sent or discarded meanwhile.
func (t *talk) draft(ctx context.Context, id int64) (*store.Broadcast, error) {
	b, err := t.g.d.Store.Draft(ctx, id, t.u.UserID)
	if errors.Is(err, store.ErrNotFound) {
		if t.c.Compose != nil && t.c.Compose.ID == id {
			t.c.Compose = nil
		}
		t.toast(t.T("compose_gone"), true)
		if t.u.Callback == nil {
			t.send(Out{Text: esc(t.T("compose_gone"))})
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func (t *talk) saveDraft(ctx context.Context, b *store.Broadcast) error {
	err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.SaveDraft(ctx, *b) })
	if errors.Is(err, store.ErrNotFound) {
		t.c.Compose = nil
		t.send(Out{Text: esc(t.T("compose_gone"))})
		return nil
	}
	return err
}

// onCompose handles a button of the composing conversation.
func (t *talk) onCompose(ctx context.Context, arg string) error {
	id36, rest, _ := strings.Cut(arg, ".")
	verb, param, _ := strings.Cut(rest, ".")
	id, err := strconv.ParseInt(id36, 36, 64)
	if err != nil || id <= 0 {
		t.staleTap()
		return nil
	}
	b, err := t.draft(ctx, id)
	if err != nil || b == nil {
		return err
	}
	t.c.Compose = &Compose{ID: id} // a button ends any typed step
	a := &b.Audience
	switch verb {
	case cAudience:
		return t.audienceStep(ctx, *b, true)
	case cEveryone:
		*a = store.Audience{}
	case cLanguage:
		if param == "" {
			t.edit(t.languageChoice(*b))
			return nil
		}
		if !locale.Supported(param) {
			t.staleTap()
			return nil
		}
		a.Language = param
	case cRegion:
		if param == "" {
			t.edit(t.regionChoice(*b))
			return nil
		}
		if !validRegion(param) {
			t.staleTap()
			return nil
		}
		a.Region = param
	case cSurvey:
		key, state, _ := strings.Cut(param, ".")
		def := t.g.d.Surveys.ByKey(key)
		switch {
		case key == "":
			t.edit(t.surveyChoice(*b, cSurvey, "compose_pick_survey"))
			return nil
		case def == nil:
			t.staleTap()
			return nil
		case state == "":
			t.edit(t.stateChoice(*b, cSurvey, key, surveyStateOf, "compose_survey_state", "survey_state_"))
			return nil
		case surveyStateOf[state] == "":
			t.staleTap()
			return nil
		}
		a.Survey, a.SurveyState = def.ID, surveyStateOf[state]
	case cEvent:
		key, state, _ := strings.Cut(param, ".")
		ev := t.g.d.Events.ByKey(key)
		switch {
		case key == "":
			t.edit(t.eventChoice(*b, cEvent, "compose_pick_event", false))
			return nil
		case ev == nil:
			t.staleTap()
			return nil
		case state == "":
			t.edit(t.stateChoice(*b, cEvent, key, eventStateOf, "compose_event_state", "event_state_"))
			return nil
		case eventStateOf[state] == "":
			t.staleTap()
			return nil
		}
		a.Event, a.EventState = ev.ID, eventStateOf[state]
	case cMessage:
		t.c.Compose.Wait = waitMessage
		t.edit(Out{Text: t.T("compose_ask_message"), Buttons: [][]Button{{{Text: t.T("btn_compose_back"), Data: composeData(id, cAudience)}}}})
		return nil
	case cButton:
		if b.Text == "" && b.Photo == "" {
			return t.askMessage()
		}
		t.edit(t.buttonStep(*b))
		return nil
	case cButtonSrv, cButtonEvent:
		if param == "" {
			if verb == cButtonSrv {
				t.edit(t.surveyChoice(*b, cButtonSrv, "compose_pick_button_survey"))
			} else {
				t.edit(t.eventChoice(*b, cButtonEvent, "compose_pick_button_event", true))
			}
			return nil
		}
		b.ButtonKind, b.ButtonText = "survey", ""
		if def := t.g.d.Surveys.ByKey(param); verb == cButtonSrv && def != nil {
			b.ButtonTarget = def.ID
		} else if ev := t.g.d.Events.ByKey(param); verb == cButtonEvent && ev != nil {
			b.ButtonKind, b.ButtonTarget = "event", ev.ID
		} else {
			t.staleTap()
			return nil
		}
		if err := t.saveDraft(ctx, b); err != nil {
			return err
		}
		return t.preview(ctx, *b)
	case cButtonLink:
		t.c.Compose.Wait = waitLink
		t.edit(Out{Text: t.T("compose_ask_link"), Buttons: [][]Button{{{Text: t.T("btn_compose_back"), Data: composeData(id, cButton)}}}})
		return nil
	case cButtonNone:
		b.ButtonKind, b.ButtonText, b.ButtonTarget = "", "", ""
		if err := t.saveDraft(ctx, b); err != nil {
			return err
		}
		return t.preview(ctx, *b)
	case cPreview:
		return t.preview(ctx, *b)
	case cSendNow, cSchedule:
		if param != draftStamp(*b) { // an older preview's button
			t.toast(t.T("compose_changed"), true)
			return t.preview(ctx, *b)
		}
		if verb == cSendNow {
			return t.sendNow(ctx, *b)
		}
		t.c.Compose.Wait, t.c.Compose.Stamp = waitTime, param
		now := t.now().In(broadcast.Kyiv)
		data := map[string]any{"Now": now.Format("02.01 15:04"), "Example": now.Add(26*time.Hour).Format("02.01") + " 18:00"}
		t.edit(Out{Text: t.g.d.Catalog.T(t.lang, "compose_ask_time", data), Buttons: [][]Button{{{Text: t.T("btn_compose_back"), Data: composeData(id, cPreview)}}}})
		return nil
	case cDiscard:
		if err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.DeleteDraft(ctx, id, t.u.UserID) }); err != nil {
			return err
		}
		t.c.Compose = nil
		t.edit(Out{Text: esc(t.T("compose_discarded"))})
		return nil
	default:
		t.staleTap()
		return nil
	}
	// An audience condition changed.
	if err := t.saveDraft(ctx, b); err != nil {
		return err
	}
	return t.audienceStep(ctx, *b, true)
}

func (t *talk) askMessage() error {
	t.c.Compose.Wait = waitMessage
	t.send(Out{Text: t.T("compose_ask_message")})
	return nil
}

// audienceStep shows who the broadcast goes to and how many they are now,
// with buttons that narrow it.
func (t *talk) audienceStep(ctx context.Context, b store.Broadcast, edit bool) error {
	n, err := t.audienceSize(ctx, b.Audience)
	if err != nil {
		return err
	}
	text := t.T("compose_step_audience") + "\n\n" + t.audienceLine(b.Audience, n)
	id := b.ID
	rows := [][]Button{
		{{Text: t.T("btn_aud_language"), Data: composeData(id, cLanguage)}, {Text: t.T("btn_aud_region"), Data: composeData(id, cRegion)}},
		{{Text: t.T("btn_aud_survey"), Data: composeData(id, cSurvey)}, {Text: t.T("btn_aud_event"), Data: composeData(id, cEvent)}},
	}
	if b.Audience != (store.Audience{}) {
		rows = append(rows, []Button{{Text: t.T("btn_aud_everyone"), Data: composeData(id, cEveryone)}})
	}
	next := composeData(id, cMessage)
	if b.Text != "" || b.Photo != "" {
		next = composeData(id, cPreview)
	}
	rows = append(rows, []Button{{Text: t.T("btn_compose_next"), Data: next}}, []Button{{Text: t.T("btn_compose_discard"), Data: composeData(id, cDiscard)}})
	o := Out{Text: text, Buttons: rows}
	if edit {
		t.edit(o)
	} else {
		t.send(o)
	}
	return nil
}

func (t *talk) audienceSize(ctx context.Context, a store.Audience) (int, error) {
	var n int
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		n, err = t.g.d.Store.AudienceSize(ctx, a)
		return err
	})
	return n, err
}

// audienceLine is "Audience: … — <b>N</b> citizens now".
func (t *talk) audienceLine(a store.Audience, n int) string {
	return t.g.d.Catalog.N(t.lang, "compose_audience", n, map[string]any{"Who": esc(t.describeAudience(a))})
}

// describeAudience names an audience's conditions in the organiser's
// language.
func (t *talk) describeAudience(a store.Audience) string {
	var parts []string
	if a.Language != "" {
		parts = append(parts, t.T("aud_language")+": "+t.g.d.Catalog.T(a.Language, "language_name", nil))
	}
	if a.Region != "" {
		parts = append(parts, t.T("aud_region")+": "+regionName(a.Region, t.lang))
	}
	if a.Survey != "" {
		name := a.Survey
		if def := t.g.d.Surveys.Current(a.Survey); def != nil {
			name = "«" + def.Title.In(t.lang, def.Languages[0]) + "»"
		}
		parts = append(parts, t.T("aud_survey")+" "+name+": "+t.T("survey_state_"+stateLetter(surveyStateOf, a.SurveyState)))
	}
	if a.Event != "" {
		name := a.Event
		if ev := t.g.d.Events.Get(a.Event); ev != nil {
			name = "«" + title(ev, eventLang(ev, t.lang)) + "»"
		}
		parts = append(parts, t.T("aud_event")+" "+name+": "+t.T("event_state_"+stateLetter(eventStateOf, a.EventState)))
	}
	if len(parts) == 0 {
		return t.T("aud_everyone")
	}
	return strings.Join(parts, t.T("aud_and"))
}

func stateLetter(m map[string]string, state string) string {
	for k, v := range m {
		if v == state {
			return k
		}
	}
	return ""
}

func validRegion(id string) bool {
	for _, o := range survey.Regions() {
		if o.ID == id {
			return true
		}
	}
	return false
}

func regionName(id, lang string) string {
	for _, o := range survey.Regions() {
		if o.ID == id {
			return o.Label.In(lang, "uk")
		}
	}
	return id
}

func (t *talk) backToAudience(id int64) []Button {
	return []Button{{Text: t.T("btn_compose_back"), Data: composeData(id, cAudience)}}
}

func (t *talk) languageChoice(b store.Broadcast) Out {
	var row []Button
	for _, l := range locale.Languages {
		row = append(row, Button{Text: t.g.d.Catalog.T(l, "language_name", nil), Data: composeData(b.ID, cLanguage, l)})
	}
	return Out{Text: esc(t.T("compose_pick_language")), Buttons: [][]Button{row, t.backToAudience(b.ID)}}
}

func (t *talk) regionChoice(b store.Broadcast) Out {
	var btns []Button
	for _, o := range survey.Regions() {
		btns = append(btns, Button{Text: clip(o.Label.In(t.lang, "uk"), 30), Data: composeData(b.ID, cRegion, o.ID)})
	}
	var rows [][]Button
	for i := 0; i < len(btns); i += 2 {
		rows = append(rows, btns[i:min(i+2, len(btns))])
	}
	return Out{Text: esc(t.T("compose_pick_region")), Buttons: append(rows, t.backToAudience(b.ID))}
}

// surveyChoice lists the surveys for an audience (verb cSurvey) or a button
// (cButtonSrv).
func (t *talk) surveyChoice(b store.Broadcast, verb, prompt string) Out {
	var rows [][]Button
	for _, def := range t.g.d.Surveys.All() {
		rows = append(rows, []Button{{Text: clip(def.Title.In(t.lang, def.Languages[0]), 60), Data: composeData(b.ID, verb, surveyKey(def.ID))}})
	}
	back := t.backToAudience(b.ID)
	if verb == cButtonSrv {
		back = []Button{{Text: t.T("btn_compose_back"), Data: composeData(b.ID, cButton)}}
	}
	text := t.T(prompt)
	if len(rows) == 0 {
		text = t.T("export_empty")
	}
	return Out{Text: esc(text), Buttons: append(rows, back)}
}

// eventChoice lists the events for an audience (cEvent: all of them) or a
// button (cButtonEvent: those not started yet).
func (t *talk) eventChoice(b store.Broadcast, verb, prompt string, upcoming bool) Out {
	var rows [][]Button
	for _, ev := range t.g.d.Events.All() {
		if upcoming && !ev.Starts.After(t.now()) {
			continue
		}
		label := localTime(ev, ev.Starts)[:10] + " · " + title(ev, eventLang(ev, t.lang))
		rows = append(rows, []Button{{Text: clip(label, 60), Data: composeData(b.ID, verb, surveyKey(ev.ID))}})
	}
	back := t.backToAudience(b.ID)
	if verb == cButtonEvent {
		back = []Button{{Text: t.T("btn_compose_back"), Data: composeData(b.ID, cButton)}}
	}
	text := t.T(prompt)
	if len(rows) == 0 {
		text = t.T("no_events")
	}
	return Out{Text: esc(text), Buttons: append(rows, back)}
}

func (t *talk) stateChoice(b store.Broadcast, verb, key string, states map[string]string, prompt, labels string) Out {
	var row []Button
	for _, letter := range []string{"c", "s", "n", "r", "w", "a"} {
		if states[letter] != "" {
			row = append(row, Button{Text: t.T(labels + letter), Data: composeData(b.ID, verb, key, letter)})
		}
	}
	return Out{Text: esc(t.T(prompt)), Buttons: [][]Button{row, t.backToAudience(b.ID)}}
}

// composeInput takes what the organiser typed (or the photo they sent) for
// the step that waits for it.
func (t *talk) composeInput(ctx context.Context) error {
	cs := t.c.Compose
	b, err := t.draft(ctx, cs.ID)
	if err != nil || b == nil {
		return err
	}
	switch cs.Wait {
	case waitMessage:
		switch {
		case t.u.Photo != "":
			if n := len(utf16.Encode([]rune(t.u.Caption))); n > maxCaption {
				t.send(Out{Text: esc(t.g.d.Catalog.N(t.lang, "compose_caption_long", n, map[string]any{"Limit": maxCaption}))})
				return nil
			}
			b.Photo, b.Text = t.u.Photo, t.u.HTML
		case t.u.Text != "":
			b.Photo, b.Text = "", t.u.HTML
			if b.Text == "" {
				b.Text = esc(t.u.Text)
			}
		default:
			t.send(Out{Text: esc(t.T("compose_need_message"))})
			return nil
		}
		if err := t.saveDraft(ctx, b); err != nil {
			return err
		}
		cs.Wait = ""
		t.send(t.buttonStep(*b))
		return nil
	case waitLink:
		link, label, _ := strings.Cut(strings.TrimSpace(t.u.Text), " ")
		label = strings.TrimSpace(label)
		if !broadcast.ValidLink(link) {
			t.send(Out{Text: esc(t.T("compose_bad_link"))})
			return nil
		}
		if label == "" {
			label = t.T("btn_open_link")
		}
		b.ButtonKind, b.ButtonTarget, b.ButtonText = "url", link, clip(label, maxButtonLabel)
		if err := t.saveDraft(ctx, b); err != nil {
			return err
		}
		cs.Wait = ""
		return t.preview(ctx, *b)
	case waitTime:
		if cs.Stamp != draftStamp(*b) { // changed since "Schedule" was tapped
			cs.Wait = ""
			t.send(Out{Text: esc(t.T("compose_changed"))})
			return t.preview(ctx, *b)
		}
		at, err := broadcast.ParseTime(t.u.Text, t.now())
		if err != nil {
			key := "compose_bad_time"
			switch {
			case errors.Is(err, broadcast.ErrTimePast):
				key = "compose_time_past"
			case errors.Is(err, broadcast.ErrTimeFar):
				key = "compose_time_far"
			}
			t.send(Out{Text: esc(t.T(key))})
			return nil
		}
		return t.launch(ctx, *b, 0, at)
	}
	t.c.Compose.Wait = ""
	return t.audienceStep(ctx, *b, false)
}

// buttonStep asks which button goes under the message.
func (t *talk) buttonStep(b store.Broadcast) Out {
	id := b.ID
	return Out{Text: t.T("compose_step_button"), Buttons: [][]Button{
		{{Text: t.T("btn_button_survey"), Data: composeData(id, cButtonSrv)}, {Text: t.T("btn_button_event"), Data: composeData(id, cButtonEvent)}},
		{{Text: t.T("btn_button_link"), Data: composeData(id, cButtonLink)}, {Text: t.T("btn_button_none"), Data: composeData(id, cButtonNone)}},
		{{Text: t.T("btn_compose_back"), Data: composeData(id, cMessage)}},
	}}
}

// preview sends the message exactly as citizens will get it (in the
// organiser's language for the default button labels), then what to do.
func (t *talk) preview(ctx context.Context, b store.Broadcast) error {
	if b.Text == "" && b.Photo == "" {
		return t.askMessage()
	}
	n, err := t.audienceSize(ctx, b.Audience)
	if err != nil {
		return err
	}
	t.toast("", false)
	t.send(t.g.BroadcastOut(b, store.Delivery{BroadcastID: b.ID, TelegramID: t.u.ChatID, Lang: t.lang}))
	id := b.ID
	rows := [][]Button{
		{{Text: t.g.d.Catalog.N(t.lang, "btn_send_now", n, nil), Data: composeData(id, cSendNow, draftStamp(b))}},
		{{Text: t.T("btn_schedule"), Data: composeData(id, cSchedule, draftStamp(b))}},
		{{Text: t.T("btn_edit_message"), Data: composeData(id, cMessage)}, {Text: t.T("btn_edit_button"), Data: composeData(id, cButton)}, {Text: t.T("btn_edit_audience"), Data: composeData(id, cAudience)}},
		{{Text: t.T("btn_compose_discard"), Data: composeData(id, cDiscard)}},
	}
	t.send(Out{Text: t.T("compose_preview") + "\n\n" + t.audienceLine(b.Audience, n), Buttons: rows})
	return nil
}

// sendNow sends the draft; the message with the button becomes its
// progress message.
func (t *talk) sendNow(ctx context.Context, b store.Broadcast) error {
	msg := 0
	if t.u.Callback != nil {
		msg = t.u.Callback.MessageID
	}
	return t.launch(ctx, b, msg, time.Time{})
}

// launch sends the draft now (at zero) or schedules it. An empty audience
// is refused: nothing would happen, and the organiser should know.
func (t *talk) launch(ctx context.Context, b store.Broadcast, progress int, at time.Time) error {
	n, err := t.audienceSize(ctx, b.Audience)
	if err != nil {
		return err
	}
	if n == 0 && at.IsZero() {
		t.toast(t.T("compose_nobody"), true)
		if t.u.Callback == nil {
			t.send(Out{Text: esc(t.T("compose_nobody"))})
		}
		return nil
	}
	err = t.retry(ctx, func(ctx context.Context) error {
		return t.g.d.Store.SendDraft(ctx, b.ID, t.u.UserID, progress, t.now(), at)
	})
	if errors.Is(err, store.ErrNotFound) { // a double tap: sent already
		t.c.Compose = nil
		t.toast(t.T("compose_gone"), false)
		return nil
	}
	if err != nil {
		return err
	}
	t.c.Compose = nil
	if at.IsZero() {
		t.g.d.Log.Info("broadcast sent", "chat_id", t.u.ChatID, "broadcast", b.ID, "recipients", n)
		b.Recipients, b.Status = n, store.BroadcastRunning
		t.edit(t.g.BroadcastProgress(b, store.DeliveryCounts{Pending: n}, t.now()))
		return nil
	}
	t.g.d.Log.Info("broadcast scheduled", "chat_id", t.u.ChatID, "broadcast", b.ID)
	data := map[string]any{"ID": b.ID, "At": at.In(broadcast.Kyiv).Format("02.01.2006 15:04")}
	t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "compose_scheduled", data)),
		Buttons: [][]Button{{{Text: t.T("btn_broadcast_stop"), Data: action{op: opBroadcasts, arg: strconv.FormatInt(b.ID, 36) + ".x"}.String()}}}})
	return nil
}

// BroadcastProgress is the progress message of a running broadcast: sent,
// blocked, failed, left and the estimated time, with a button to stop it.
func (g *Dialogue) BroadcastProgress(b store.Broadcast, c store.DeliveryCounts, now time.Time) Out {
	lang := b.NotifyLang
	if !locale.Supported(lang) {
		lang = locale.Languages[0]
	}
	total := c.Pending + c.Sent + c.Blocked + c.Failed + c.Skipped
	data := map[string]any{"ID": b.ID, "Sent": c.Sent, "Total": total, "Blocked": c.Blocked, "Failed": c.Failed, "Skipped": c.Skipped, "Left": c.Pending}
	text := g.d.Catalog.T(lang, "broadcast_progress", data)
	if done := total - c.Pending; done > 0 && b.StartedAt != nil && c.Pending > 0 && b.Status == store.BroadcastRunning {
		elapsed := now.Sub(*b.StartedAt)
		eta := time.Duration(float64(elapsed) / float64(done) * float64(c.Pending))
		text += "\n" + g.d.Catalog.T(lang, "broadcast_eta", map[string]any{"ETA": g.roughDuration(eta, lang)})
	}
	return Out{Kind: Send, ChatID: b.NotifyChat, MessageID: b.NotifyMessage, Text: text,
		Buttons: [][]Button{{{Text: g.d.Catalog.T(lang, "btn_broadcast_stop", nil), Data: action{op: opBroadcasts, arg: strconv.FormatInt(b.ID, 36) + ".x"}.String()}}}}
}

// roughDuration writes d as "1 h 05 min", "4 min" or "20 s" in lang.
func (g *Dialogue) roughDuration(d time.Duration, lang string) string {
	switch {
	case d >= time.Hour:
		return g.d.Catalog.T(lang, "dur_hours", map[string]any{"H": int(d.Hours()), "M": fmt.Sprintf("%02d", int(d.Minutes())%60)})
	case d >= time.Minute:
		return g.d.Catalog.T(lang, "dur_minutes", map[string]any{"M": int(d.Round(time.Minute).Minutes())})
	}
	return g.d.Catalog.T(lang, "dur_seconds", map[string]any{"S": max(1, int(d.Round(time.Second).Seconds()))})
}
