package survey

import (
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// Start begins a response: the session asks the first visible question (a
// note included), or goes straight to the review when nothing is visible.
// lang is the citizen's language; one the survey does not have (or a region
// subtag, as in "en-GB") becomes the survey's first language, or the base
// language when the survey has it.
func Start(def *Survey, responseID int64, lang string, at time.Time) Session {
	s := Session{V: SessionVersion, Status: Asking, ResponseID: responseID, Lang: lang, Started: at}
	if def == nil {
		return s
	}
	s.SurveyID, s.SurveyVersion, s.Lang = def.ID, def.Version, surveyLang(def, lang)
	vis := visibility(def, nil)
	if i := nextQuestion(def, nil, vis, -1); i >= 0 {
		enter(def, &s, i)
	} else {
		toReview(&s)
	}
	return s
}

// surveyLang picks the language of def to talk to a citizen whose Telegram
// language is lang.
func surveyLang(def *Survey, lang string) string {
	if slices.Contains(def.Languages, lang) {
		return lang
	}
	base := strings.ToLower(lang)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if slices.Contains(def.Languages, base) {
		return base
	}
	if len(def.Languages) > 0 {
		return def.Languages[0]
	}
	return lang
}

// Apply is the only way a session moves: it applies one input of the citizen
// to s and returns the new session and what happened. It never panics and
// never changes s (nor the maps and slices s holds).
//
// An input that is not accepted returns s unchanged with Result.Problem set
// (and Result.Limit for a broken bound). An accepted input bumps Seq. The
// caller stores Result.Saved and Result.Cleared with the new session in one
// transaction, then shows the session's step.
//
// A session that does not fit def (its current question is gone or hidden,
// say after the definition changed) is moved to where it should be, with
// ErrStale, so the caller shows the right step.
func Apply(def *Survey, s Session, in Input) (Session, Result) {
	if def == nil || s.SurveyID != def.ID {
		return s, Result{Problem: ErrStale}
	}
	e := engine{def: def, s: s, in: in}
	switch s.Status {
	case Asking:
		return e.asking()
	case Reviewing:
		return e.reviewing()
	case Cancelling:
		return e.cancelling()
	}
	return s, Result{Problem: ErrStale} // Completed, Cancelled, or unknown
}

// engine is one Apply in progress.
type engine struct {
	def *Survey
	s   Session
	in  Input
}

func (e *engine) reject(p Problem) (Session, Result) {
	return e.s, Result{Problem: p}
}

func (e *engine) rejectLimit(p Problem, limit string) (Session, Result) {
	return e.s, Result{Problem: p, Limit: limit}
}

// unchanged accepts an input that changes nothing (Resume: show the step again).
func (e *engine) unchanged() (Session, Result) {
	return e.s, Result{}
}

// next returns a copy of the session, ready to change: its Seq bumped and its
// Answers map its own.
func (e *engine) next() Session {
	n := e.s
	n.V = SessionVersion
	n.Answers = maps.Clone(e.s.Answers)
	n.Selection = slices.Clone(e.s.Selection)
	n.Seq++
	return n
}

// common handles the inputs that mean the same at every step of Asking and
// Reviewing; ok is false for the others.
func (e *engine) common() (Session, Result, bool) {
	switch e.in.Kind {
	case InUnsupported:
		s, r := e.reject(ErrUnsupported)
		return s, r, true
	case InResume:
		s, r := e.unchanged()
		return s, r, true
	case InCancel:
		n := e.next()
		n.ResumeTo, n.Status = e.s.Status, Cancelling
		return n, Result{}, true
	}
	return Session{}, Result{}, false
}

// asking applies an input to the current question.
func (e *engine) asking() (Session, Result) {
	def, s, in := e.def, e.s, e.in
	q, i := def.Question(s.Current)
	vis := visibility(def, s.Answers)
	if q == nil || !vis[i] {
		n := e.next()
		reposition(def, &n)
		return n, Result{Problem: ErrStale}
	}
	if n, r, ok := e.common(); ok {
		return n, r
	}
	switch in.Kind {
	case InBack:
		if s.AwaitOther { // back from the "Other" text to the options
			n := e.next()
			n.AwaitOther = false
			return n, Result{}
		}
		for j := i - 1; j >= 0; j-- {
			if vis[j] {
				n := e.next()
				enter(def, &n, j)
				return n, Result{}
			}
		}
		return e.reject(ErrNoBack)
	case InSkip:
		if q.Type == Note {
			return e.reject(ErrStale)
		}
		if !q.Optional {
			return e.reject(ErrNotOptional)
		}
		return e.save(i, Answer{Question: q.ID, Skipped: true, At: in.At})
	case InConfirm, InEdit:
		return e.reject(ErrStale)
	}

	switch q.Type {
	case Note:
		switch in.Kind {
		case InDone:
			n := e.next()
			advance(def, &n, vis, i)
			return n, Result{}
		case InText, InContact, InLocation:
			return e.reject(ErrNeedButton)
		}
	case Single, YesNo, Region, Scale:
		return e.choose(q, i)
	case Multi:
		return e.multi(q, i)
	case FreeText:
		if in.Kind == InText {
			text, p, limit := checkText(in.Text, q.MinLength, q.MaxLength)
			if p != NoProblem {
				return e.rejectLimit(p, limit)
			}
			return e.save(i, Answer{Question: q.ID, Text: text, At: in.At})
		}
		if in.Kind == InContact || in.Kind == InLocation {
			return e.reject(ErrUnsupported)
		}
	case Number:
		if in.Kind == InText {
			return e.number(q, i)
		}
		if in.Kind == InContact || in.Kind == InLocation {
			return e.reject(ErrUnsupported)
		}
	case Date:
		if in.Kind == InText {
			return e.date(q, i)
		}
		if in.Kind == InContact || in.Kind == InLocation {
			return e.reject(ErrUnsupported)
		}
	case Phone:
		switch in.Kind {
		case InContact:
			if !in.OwnContact {
				return e.reject(ErrNotOwnPhone)
			}
			phone, ok := normalisePhone(in.Phone)
			if !ok {
				return e.reject(ErrNeedPhone)
			}
			return e.save(i, Answer{Question: q.ID, Phone: phone, At: in.At})
		case InText, InLocation:
			return e.reject(ErrNeedPhone)
		}
	case Location:
		switch in.Kind {
		case InLocation:
			lat, lon := in.Lat, in.Lon
			if math.IsNaN(lat) || math.IsNaN(lon) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
				return e.reject(ErrNeedLocation)
			}
			return e.save(i, Answer{Question: q.ID, Lat: &lat, Lon: &lon, At: in.At})
		case InText, InContact:
			return e.reject(ErrNeedLocation)
		}
	}
	return e.reject(ErrStale)
}

// reviewing applies an input to the review: Confirm, Edit, Back.
func (e *engine) reviewing() (Session, Result) {
	def, in := e.def, e.in
	if n, r, ok := e.common(); ok {
		return n, r
	}
	switch in.Kind {
	case InConfirm:
		n := e.next()
		vis, cleared := clearHidden(def, &n)
		if i := firstUnanswered(def, n.Answers, vis, true); i >= 0 {
			enter(def, &n, i)
			return n, Result{Cleared: cleared}
		}
		n.Status = Completed
		n.Current, n.Selection, n.AwaitOther, n.Editing = "", nil, false, false
		return n, Result{Cleared: cleared, Completed: true}
	case InEdit:
		q, i := def.Question(in.Question)
		if q == nil || q.Type == Note || !visibility(def, e.s.Answers)[i] {
			return e.reject(ErrStale)
		}
		n := e.next()
		enter(def, &n, i)
		return n, Result{}
	case InBack:
		vis := visibility(def, e.s.Answers)
		for j := len(def.Questions) - 1; j >= 0; j-- {
			if vis[j] {
				n := e.next()
				enter(def, &n, j)
				return n, Result{}
			}
		}
		return e.reject(ErrNoBack)
	case InText, InContact, InLocation:
		return e.reject(ErrNeedButton)
	}
	return e.reject(ErrStale)
}

// cancelling applies an input while "discard your answers?" is asked.
func (e *engine) cancelling() (Session, Result) {
	switch e.in.Kind {
	case InCancel:
		n := e.next()
		n.Status = Cancelled
		n.Current, n.Selection, n.AwaitOther, n.Editing, n.ResumeTo = "", nil, false, false, ""
		return n, Result{Cancelled: true}
	case InResume:
		n := e.next()
		n.Status = n.ResumeTo
		if n.Status != Asking && n.Status != Reviewing {
			n.Status = Reviewing
			if n.Current != "" {
				n.Status = Asking
			}
		}
		n.ResumeTo = ""
		if q, i := e.def.Question(n.Current); n.Status == Asking && (q == nil || !visibility(e.def, n.Answers)[i]) {
			reposition(e.def, &n)
		}
		return n, Result{}
	case InUnsupported:
		return e.reject(ErrUnsupported)
	case InText, InContact, InLocation:
		return e.reject(ErrNeedButton)
	}
	return e.reject(ErrStale)
}
