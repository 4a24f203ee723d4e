package survey

// save accepts answer a to question i: it stores it, removes the answers of
// questions it hides, and moves on to the next question that needs one.
func (e *engine) save(i int, a Answer) (Session, Result) {
	n := e.next()
	if n.Answers == nil {
		n.Answers = map[string]Answer{}
	}
	n.Answers[a.Question] = a
	vis, cleared := clearHidden(e.def, &n)
	advance(e.def, &n, vis, i)
	return n, Result{Saved: &a, Cleared: cleared}
}

// clearHidden removes the answers of questions that are now hidden and
// returns the visibility and the ids removed (in definition order).
func clearHidden(def *Survey, n *Session) ([]bool, []string) {
	vis := visibility(def, n.Answers)
	var cleared []string
	for j := range def.Questions {
		id := def.Questions[j].ID
		if _, ok := n.Answers[id]; ok && !vis[j] {
			if _, first := def.Question(id); first == j {
				delete(n.Answers, id)
				cleared = append(cleared, id)
			}
		}
	}
	if len(n.Answers) == 0 {
		n.Answers = nil
	}
	return vis, cleared
}

// advance moves n to the first question after index from that needs showing,
// else to the first unanswered one before it, else to the review.
func advance(def *Survey, n *Session, vis []bool, from int) {
	next := nextQuestion(def, n.Answers, vis, from)
	if next < 0 {
		next = firstUnanswered(def, n.Answers, vis, false)
	}
	if next < 0 {
		toReview(n)
		return
	}
	enter(def, n, next)
}

// nextQuestion returns the index of the first question after from that needs
// showing, or -1. A question needs showing when it is visible and has no
// answer. A note needs showing on the first pass only: when the next visible
// question after it has no answer. A note at the end (no visible question
// after it) is shown whenever it is passed going forward: nothing in the
// answers tells a first pass from a later one there, and the engine keeps no
// history that Postgres could not rebuild.
func nextQuestion(def *Survey, answers map[string]Answer, vis []bool, from int) int {
	for j := from + 1; j < len(def.Questions); j++ {
		if !vis[j] {
			continue
		}
		q := &def.Questions[j]
		if q.Type != Note {
			if _, ok := answers[q.ID]; !ok {
				return j
			}
			continue
		}
		following := -1
		for k := j + 1; k < len(def.Questions); k++ {
			if vis[k] && def.Questions[k].Type != Note {
				following = k
				break
			}
		}
		if following < 0 {
			return j
		}
		if _, ok := answers[def.Questions[following].ID]; !ok {
			return j
		}
	}
	return -1
}

// firstUnanswered returns the first visible question (not a note) without an
// answer (only required ones when required is set; a skipped answer to a
// required question does not count), or -1.
func firstUnanswered(def *Survey, answers map[string]Answer, vis []bool, required bool) int {
	for j := range def.Questions {
		q := &def.Questions[j]
		if !vis[j] || q.Type == Note || (required && q.Optional) {
			continue
		}
		a, ok := answers[q.ID]
		if !ok || (required && a.Skipped) {
			return j
		}
	}
	return -1
}

// enter makes question i current; a multi question's selection starts from
// its answer. Editing is set when every visible question is answered, so the
// citizen is changing an answer and moving on returns to the review.
func enter(def *Survey, n *Session, i int) {
	q := &def.Questions[i]
	n.Status = Asking
	n.Current = q.ID
	n.AwaitOther = false
	n.Selection = nil
	if a, ok := n.Answers[q.ID]; ok && q.Type == Multi && !a.Skipped {
		n.Selection = inChoiceOrder(q, a.Choices)
	}
	vis := visibility(def, n.Answers)
	n.Editing = firstUnanswered(def, n.Answers, vis, false) < 0
}

// toReview moves n to the review of all answers.
func toReview(n *Session) {
	n.Status = Reviewing
	n.Current = ""
	n.Selection = nil
	n.AwaitOther = false
	n.Editing = false
}

// reposition puts a session whose current question is gone or hidden where
// it should be: the first question that needs showing, or the review.
func reposition(def *Survey, n *Session) {
	vis := visibility(def, n.Answers)
	i := nextQuestion(def, n.Answers, vis, -1)
	if i < 0 {
		i = firstUnanswered(def, n.Answers, vis, false)
	}
	if i < 0 {
		toReview(n)
		return
	}
	enter(def, n, i)
}
