package survey

// Rebuild makes the session of a response from what Postgres keeps (the
// answers, the current question, the status and the last Seq), for when the
// dialogue state in Redis is lost. The session behaves as the lost one did,
// except for what was not yet an answer: toggles of a multi question not yet
// Done (the selection starts again from the saved answer) and a pending
// "Other" text (the citizen taps Other again). Started is zero.
//
// A current question that is gone or hidden is replaced by the first
// question that needs an answer. Answers of hidden questions are kept, so the
// next accepted input reports them in Result.Cleared.
func Rebuild(def *Survey, responseID int64, lang string, answers map[string]Answer, current string, status Status, seq int) Session {
	s := Session{V: SessionVersion, Status: status, ResponseID: responseID, Lang: lang, Seq: seq}
	if len(answers) > 0 {
		s.Answers = make(map[string]Answer, len(answers))
		for id, a := range answers {
			s.Answers[id] = a
		}
	}
	if def == nil {
		return s
	}
	s.SurveyID, s.SurveyVersion, s.Lang = def.ID, def.Version, surveyLang(def, lang)
	switch status {
	case Completed, Cancelled:
		return s
	case Reviewing:
		toReview(&s)
		return s
	case Cancelling:
		if current == "" {
			s.ResumeTo = Reviewing
			return s
		}
		s.ResumeTo = Asking
	default:
		s.Status = Asking
	}
	vis := visibility(def, s.Answers)
	q, i := def.Question(current)
	if q == nil || !vis[i] {
		reposition(def, &s)
		if status == Cancelling {
			s.ResumeTo, s.Status = s.Status, Cancelling
		}
		return s
	}
	enter(def, &s, i)
	if status == Cancelling {
		s.Status = Cancelling
	}
	return s
}

// Progress returns the position of the current question among the visible
// questions that take an answer (notes do not count), and how many there are
// now, for a "3/12" in the question. On a note, n is the position of the
// question after it. In the review (and after), n is total.
func Progress(def *Survey, s Session) (n, total int) {
	if def == nil {
		return 0, 0
	}
	vis := visibility(def, s.Answers)
	i := -1
	if s.Status == Asking || (s.Status == Cancelling && s.ResumeTo != Reviewing) {
		_, i = def.Question(s.Current)
	}
	for j, q := range def.Questions {
		if !vis[j] || q.Type == Note {
			continue
		}
		total++
		if j < i {
			n++
		}
	}
	if i < 0 {
		return total, total
	}
	return min(n+1, total), total
}
