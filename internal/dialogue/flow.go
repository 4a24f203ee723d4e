package dialogue

import (
	"context"
	"errors"
	"strconv"

	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// consent records the citizen's answer to the privacy notice. Declining
// stores nothing in Postgres.
func (t *talk) consent(ctx context.Context, agree bool) error {
	version := t.g.d.Notice.Version
	if t.c.CitizenID != 0 && t.c.Notice == version { // a second tap on an old notice
		t.staleTap()
		return nil
	}
	noticeText := t.noticeText()
	if !agree {
		t.c.Pending, t.c.Source, t.c.PendingEv = "", "", ""
		t.edit(Out{Text: noticeText})
		if t.c.CitizenID != 0 { // a known citizen declined a new version: nothing changes, nothing new starts
			t.send(Out{Text: esc(t.T("declined_update"))})
			return nil
		}
		t.send(Out{Text: esc(t.T("declined"))})
		return nil
	}
	var cit store.Citizen
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		cit, err = t.g.d.Store.GiveConsent(ctx, t.u.UserID, t.lang, version, t.now())
		return err
	})
	if err != nil {
		return err
	}
	t.g.d.Metrics.Consents.Inc()
	t.c.CitizenID, t.c.Notice = cit.ID, version
	t.edit(Out{Text: noticeText})
	if pending := t.c.Pending; pending != "" {
		source := t.c.Source
		t.c.Pending, t.c.Source = "", ""
		return t.open(ctx, t.g.d.Surveys.Current(pending), source)
	}
	if ev := t.c.PendingEv; ev != "" {
		t.c.PendingEv = ""
		return t.showEvent(ctx, t.g.d.Events.Get(ev))
	}
	return t.menu(ctx, "")
}

func (t *talk) setLanguage(ctx context.Context, lang string) error {
	if !locale.Supported(lang) {
		t.toast(t.T("err_bad_button"), false)
		return nil
	}
	t.c.Lang, t.lang = lang, lang
	if t.c.CitizenID == 0 {
		t.edit(t.notice())
		return nil
	}
	err := t.retry(ctx, func(ctx context.Context) error {
		return t.g.d.Store.SetLanguage(ctx, t.c.CitizenID, lang)
	})
	if errors.Is(err, store.ErrNotFound) { // the citizen's record is gone: start over
		*t.c = Chat{V: chatVersion, Lang: lang}
		t.send(t.notice())
		return nil
	}
	if err != nil {
		return err
	}
	t.toast(t.T("language_set"), false)
	t.edit(Out{Text: esc(t.T("language_set"))})
	return t.reshow(ctx)
}

// reshow shows the current step again, or the menu.
func (t *talk) reshow(ctx context.Context) error {
	if t.c.CitizenID == 0 {
		t.send(t.notice())
		return nil
	}
	if s := t.c.Session; s != nil {
		def, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
		if err != nil {
			return err
		}
		return t.show(def, s, "")
	}
	return t.menu(ctx, "")
}

// menu lists the open surveys, with header (HTML) above them: "▶" marks one
// begun and not finished, "✓" one completed.
func (t *talk) menu(ctx context.Context, header string) error {
	now := t.now()
	inProgress, completed := map[string]bool{}, map[string]bool{}
	if t.c.CitizenID != 0 {
		err := t.retry(ctx, func(ctx context.Context) (err error) {
			inProgress, completed, err = t.g.d.Store.SurveysOf(ctx, t.c.CitizenID)
			return err
		})
		if err != nil {
			return err
		}
	}
	var rows [][]Button
	for _, def := range t.g.d.Surveys.All() {
		if !def.IsOpen(now) {
			continue
		}
		label := def.Title.In(t.lang, def.Languages[0])
		switch {
		case inProgress[def.ID]:
			label = "▶ " + label
		case completed[def.ID]:
			label = "✓ " + label
		}
		rows = append(rows, []Button{{Text: clip(label, 60), Data: action{op: opOpen, arg: surveyKey(def.ID)}.String()}})
	}
	text := esc(t.T("surveys_header"))
	if len(rows) == 0 {
		text = esc(t.T("no_surveys"))
	}
	if header != "" {
		text = header + "\n\n" + text
	}
	t.send(Out{Text: text, Buttons: rows})
	return nil
}

// outdated reports whether the citizen agreed to an older notice than the
// one in force; if so, it shows the new notice and remembers what they were
// about to do (survey, or event), to do it once they agree.
func (t *talk) outdated(surveyID, source, eventID string) bool {
	if t.c.Notice == t.g.d.Notice.Version {
		return false
	}
	t.c.Pending, t.c.Source, t.c.PendingEv = surveyID, source, eventID
	t.toast(t.T("notice_changed"), false)
	t.send(Out{Text: esc(t.T("notice_changed"))})
	t.send(t.notice())
	return true
}

// open starts or resumes a survey.
func (t *talk) open(ctx context.Context, def *survey.Survey, source string) error {
	if def == nil {
		return t.menu(ctx, esc(t.T("survey_unknown")))
	}
	if _, isRegistration := survey.EventIDOf(def.ID); !isRegistration && t.outdated(def.ID, source, "") {
		return nil
	}
	if s := t.c.Session; s != nil && s.SurveyID == def.ID {
		cur, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
		if err != nil {
			return err
		}
		return t.show(cur, s, t.resumeLine(def))
	}
	if !def.IsOpen(t.now()) {
		t.toast(t.T("survey_closed"), false)
		t.send(Out{Text: esc(t.T("survey_closed"))})
		return nil
	}
	var draft store.Draft
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		draft, err = t.g.d.Store.DraftFor(ctx, t.c.CitizenID, def.ID)
		return err
	})
	switch {
	case err == nil:
		return t.resume(ctx, draft, def)
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	if !def.Multiple {
		var n int
		if err := t.retry(ctx, func(ctx context.Context) (err error) {
			n, err = t.g.d.Store.CompletedCount(ctx, t.c.CitizenID, def.ID)
			return err
		}); err != nil {
			return err
		}
		if n > 0 {
			t.toast(t.T("already_done"), false)
			t.send(Out{Text: esc(t.T("already_done"))})
			return nil
		}
	}
	lang := surveyLang(def, t.lang)
	s := survey.Start(def, 0, lang, t.now())
	var rid int64
	err = t.retry(ctx, func(ctx context.Context) (err error) {
		rid, err = t.g.d.Store.StartResponse(ctx, store.StartResponse{
			SurveyID: def.ID, Version: def.Version, CitizenID: t.c.CitizenID, Anonymous: def.Anonymous,
			Lang: lang, Source: source, At: t.now(), Current: s.Current, Seq: s.Seq,
		})
		return err
	})
	if errors.Is(err, store.ErrDraftExists) { // made by a twin update a moment ago
		if draft, err = t.g.d.Store.DraftFor(ctx, t.c.CitizenID, def.ID); err == nil {
			return t.resume(ctx, draft, def)
		}
	}
	if err != nil {
		return err
	}
	t.g.d.Metrics.Started.Inc()
	s.ResponseID = rid
	t.c.Session = &s
	intro := "<b>" + esc(def.Title.In(t.lang, def.Languages[0])) + "</b>"
	if text := def.Intro.In(t.lang, def.Languages[0]); text != "" {
		intro += "\n" + esc(text)
	}
	return t.show(def, &s, intro)
}

func (t *talk) resumeLine(def *survey.Survey) string {
	return esc(t.g.d.Catalog.T(t.lang, "resume", map[string]any{"Title": def.Title.In(t.lang, def.Languages[0])}))
}

func (t *talk) resume(ctx context.Context, d store.Draft, current *survey.Survey) error {
	s, err := t.g.sessionFromDraft(ctx, d)
	if err != nil {
		return err
	}
	t.c.Session = s
	def, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
	if err != nil {
		return err
	}
	return t.show(def, s, t.resumeLine(current))
}

// reload replaces the session with the draft Postgres holds and shows its
// current step.
func (t *talk) reload(ctx context.Context, surveyID string) error {
	var draft store.Draft
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		draft, err = t.g.d.Store.DraftFor(ctx, t.c.CitizenID, surveyID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		t.c.Session = nil
		return t.menu(ctx, "")
	}
	if err != nil {
		return err
	}
	s, err := t.g.sessionFromDraft(ctx, draft)
	if err != nil {
		return err
	}
	t.c.Session = s
	def, err := t.g.d.Surveys.Version(ctx, s.SurveyID, s.SurveyVersion)
	if err != nil {
		return err
	}
	return t.show(def, s, "")
}

// surveyLang is the language a survey is shown in: the citizen's when the
// survey has it, else the survey's first.
func surveyLang(def *survey.Survey, lang string) string {
	for _, l := range def.Languages {
		if l == lang {
			return l
		}
	}
	return def.Languages[0]
}

// apply moves the session with one input, stores what it accepted and shows
// the next step.
func (t *talk) apply(ctx context.Context, def *survey.Survey, in survey.Input) error {
	old := t.c.Session
	next, res := survey.Apply(def, *old, in)
	if res.Problem != survey.NoProblem {
		t.g.d.Metrics.Problems.WithLabelValues(string(res.Problem)).Inc()
		return t.problem(def, old, res)
	}
	at := in.At
	switch {
	case res.Completed:
		if eventID, ok := survey.EventIDOf(def.ID); ok {
			return t.registrationAnswered(ctx, eventID, old.ResponseID, def.ID)
		}
		if err := t.retry(ctx, func(ctx context.Context) error {
			return t.g.d.Store.Complete(ctx, old.ResponseID, t.c.CitizenID, def.ID, at)
		}); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		t.g.d.Metrics.Completed.Inc()
		t.c.Session = nil
		t.toast(t.T("saved"), false)
		rows := [][]Button{{{Text: t.T("btn_surveys"), Data: action{op: opMenu}.String()}}}
		if def.ShareResults {
			rows = append([][]Button{{{Text: t.T("btn_shared"), Data: action{op: opShared, arg: surveyKey(def.ID)}.String()}}}, rows...)
		}
		t.send(Out{Text: esc(t.T("thanks")), Buttons: rows})
		return nil
	case res.Cancelled:
		if err := t.retry(ctx, func(ctx context.Context) error {
			return t.g.d.Store.Discard(ctx, old.ResponseID)
		}); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		t.c.Session = nil
		t.edit(Out{Text: esc(t.T("cancelled"))})
		return t.menu(ctx, "")
	}
	if res.Saved != nil || len(res.Cleared) > 0 || next.Current != old.Current || moved(old.Status, next.Status) {
		step := store.Step{ResponseID: old.ResponseID, Saved: res.Saved, Cleared: res.Cleared, Current: storedCurrent(&next), Seq: next.Seq, At: at}
		if res.Saved != nil {
			q, _ := def.Question(res.Saved.Question)
			step.SavedText = res.Saved.Display(q, next.Lang)
		}
		err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.SaveStep(ctx, step) })
		if errors.Is(err, store.ErrNotFound) { // the response is no longer a draft
			t.c.Session = nil
			t.staleTap()
			return t.menu(ctx, "")
		}
		if errors.Is(err, store.ErrStaleStep) {
			// Redis was behind Postgres (an update applied twice, or a Redis
			// restored from an old snapshot): nothing was stored, so take
			// what Postgres has and ask from there.
			t.g.d.Metrics.Rebuilds.Inc()
			return t.reload(ctx, def.ID)
		}
		if err != nil {
			return err
		}
	}
	t.c.Session = &next
	if res.Saved != nil {
		t.g.d.Metrics.Answers.Inc()
		q, _ := def.Question(res.Saved.Question)
		t.toast(clip("✓ "+res.Saved.Display(q, surveyLang(def, t.lang)), 190), false)
	}
	if res.Toggled && t.u.Callback != nil {
		t.outs = append(t.outs, Out{Kind: EditMarkup, ChatID: t.u.ChatID, MessageID: t.u.Callback.MessageID, Buttons: t.questionButtons(def, &next)})
		return nil
	}
	return t.show(def, &next, "")
}

// moved reports a change of step worth storing (Cancelling is not stored: a
// rebuilt session simply goes on asking).
func moved(from, to survey.Status) bool {
	return from != to && from != survey.Cancelling && to != survey.Cancelling
}

// storedCurrent is the question Postgres records: "" while reviewing.
func storedCurrent(s *survey.Session) string {
	if s.Status == survey.Reviewing {
		return ""
	}
	return s.Current
}

// problem tells the citizen why the input was not taken and asks again.
func (t *talk) problem(def *survey.Survey, s *survey.Session, res survey.Result) error {
	text := t.problemText(res)
	if t.u.Callback != nil {
		t.toast(clip(text, 190), res.Problem != survey.ErrStale)
		return nil
	}
	return t.show(def, s, "⚠️ "+esc(text))
}

func (t *talk) problemText(res survey.Result) string {
	id := "err_" + string(res.Problem)
	switch res.Problem {
	case survey.ErrTooShort, survey.ErrTooLong, survey.ErrTooFew, survey.ErrTooMany:
		n, _ := strconv.Atoi(res.Limit)
		return t.g.d.Catalog.N(t.lang, id, n, nil)
	}
	return t.g.d.Catalog.T(t.lang, id, map[string]any{"Limit": res.Limit})
}
