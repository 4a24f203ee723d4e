package survey

import (
	"reflect"
	"testing"
)

func TestStart(t *testing.T) {
	def := mustParse(t, engineSurvey)
	def.Version = 4
	tests := []struct {
		name, lang, want string
	}{
		{"a language of the survey", "en", "en"},
		{"a region subtag", "en-GB", "en"},
		{"upper case", "EN", "en"},
		{"another language falls back to the first", "ru", "uk"},
		{"no language", "", "uk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(def, 9, tt.lang, t0)
			want := Session{V: SessionVersion, Status: Asking, SurveyID: "engine", SurveyVersion: 4, ResponseID: 9,
				Lang: tt.want, Current: "hello", Started: t0}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("Start = %+v\nwant %+v", s, want)
			}
		})
	}

	allHidden := &Survey{ID: "h", Languages: []string{"uk"}, Questions: []Question{
		{ID: "a", Type: YesNo, Optional: true},
		{ID: "b", Type: YesNo, ShowIf: &Condition{Question: "a", Op: OpEquals, Value: "yes"}},
	}}
	allHidden.Questions = allHidden.Questions[1:]
	if s := Start(allHidden, 1, "uk", t0); s.Status != Reviewing || s.Current != "" {
		t.Errorf("nothing visible: %+v", s)
	}
	if s := Start(nil, 1, "uk", t0); s.SurveyID != "" {
		t.Errorf("Start(nil) = %+v", s)
	}
}

func TestApplyEndsAndMismatches(t *testing.T) {
	def := mustParse(t, engineSurvey)
	asking := Start(def, 1, "uk", t0)
	every := []Input{{Kind: InText, Text: "x"}, {Kind: InChoose, Option: "red"}, {Kind: InToggle, Option: "a"},
		{Kind: InDone}, {Kind: InSkip}, {Kind: InBack}, {Kind: InCancel}, {Kind: InResume},
		{Kind: InContact, OwnContact: true, Phone: "380501234567"}, {Kind: InLocation}, {Kind: InConfirm},
		{Kind: InEdit, Question: "color"}, {Kind: InUnsupported}}
	for _, status := range []Status{Completed, Cancelled, "paused", ""} {
		s := asking
		s.Status = status
		for _, in := range every {
			got, res := Apply(def, s, in)
			if res.Problem != ErrStale || !reflect.DeepEqual(got, s) {
				t.Errorf("%q + %s: %s, %+v", status, in.Kind, res.Problem, got)
			}
		}
	}
	other := asking
	other.SurveyID = "another"
	if _, res := Apply(def, other, Input{Kind: InDone}); res.Problem != ErrStale {
		t.Errorf("another survey's session: %s", res.Problem)
	}
	if _, res := Apply(nil, asking, Input{Kind: InDone}); res.Problem != ErrStale {
		t.Errorf("no definition: %s", res.Problem)
	}

	// A session whose current question is gone (the definition changed) is
	// moved to the first question that needs showing (past the note, whose
	// question is answered).
	gone := asking
	gone.Current = "removed"
	gone.Answers = map[string]Answer{"color": {Question: "color", Choice: "red"}}
	got, res := Apply(def, gone, Input{Kind: InText, Text: "x"})
	if res.Problem != ErrStale || got.Current != "tags" || got.Seq != gone.Seq+1 {
		t.Errorf("repaired to %q (seq %d), problem %s", got.Current, got.Seq, res.Problem)
	}
	if gone.Current != "removed" {
		t.Error("the repair changed the input")
	}
}

func TestReviewing(t *testing.T) {
	def := mustParse(t, engineSurvey)
	all := map[string]Answer{
		"color": {Question: "color", Choice: "red"}, "tags": {Question: "tags", Choices: []string{"a"}},
		"yn": {Question: "yn", Choice: "no"}, "reg": {Question: "reg", Choice: "UA-05"},
		"mood": {Question: "mood", Number: num(5)}, "story": {Question: "story", Text: "Казка"},
		"age": {Question: "age", Number: num(30)}, "share": {Question: "share", Number: num(1)},
		"born": {Question: "born", Date: "1996-01-01"}, "phone": {Question: "phone", Skipped: true},
		"where": {Question: "where", Skipped: true},
	}
	s := Rebuild(def, 1, "uk", all, "", Reviewing, 30)
	tests := []struct {
		name    string
		in      Input
		problem Problem
		status  Status
		current string
	}{
		{"confirm", Input{Kind: InConfirm}, NoProblem, Completed, ""},
		{"edit", Input{Kind: InEdit, Question: "age"}, NoProblem, Asking, "age"},
		{"edit a note", Input{Kind: InEdit, Question: "hello"}, ErrStale, Reviewing, ""},
		{"edit an unknown question", Input{Kind: InEdit, Question: "nope"}, ErrStale, Reviewing, ""},
		{"back", Input{Kind: InBack}, NoProblem, Asking, "where"},
		{"cancel", Input{Kind: InCancel}, NoProblem, Cancelling, ""},
		{"resume", Input{Kind: InResume}, NoProblem, Reviewing, ""},
		{"text", Input{Kind: InText, Text: "так"}, ErrNeedButton, Reviewing, ""},
		{"sticker", Input{Kind: InUnsupported}, ErrUnsupported, Reviewing, ""},
		{"choose", Input{Kind: InChoose, Option: "red"}, ErrStale, Reviewing, ""},
		{"skip", Input{Kind: InSkip}, ErrStale, Reviewing, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, res := Apply(def, s, tt.in)
			if res.Problem != tt.problem || got.Status != tt.status || got.Current != tt.current {
				t.Errorf("%s → %s %q, problem %q; want %s %q, %q", tt.in.Kind, got.Status, got.Current, res.Problem,
					tt.status, tt.current, tt.problem)
			}
			if res.Completed != (tt.status == Completed) {
				t.Errorf("Completed = %v", res.Completed)
			}
		})
	}

	// Confirm with a required answer missing, or skipped, goes to it.
	missing := Rebuild(def, 1, "uk", all, "", Reviewing, 30)
	delete(missing.Answers, "story")
	missing.Answers["age"] = Answer{Question: "age", Skipped: true}
	got, res := Apply(def, missing, Input{Kind: InConfirm})
	if res.Completed || got.Status != Asking || got.Current != "story" {
		t.Errorf("confirm with story missing: %s %q", got.Status, got.Current)
	}
	got.Answers = copyAnswers(got.Answers)
	got.Answers["story"] = all["story"]
	got.Status, got.Current = Reviewing, ""
	if got, _ = Apply(def, got, Input{Kind: InConfirm}); got.Current != "age" {
		t.Errorf("confirm with age skipped goes to %q", got.Current)
	}
}

func copyAnswers(m map[string]Answer) map[string]Answer {
	out := map[string]Answer{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestRebuild(t *testing.T) {
	def := mustParse(t, conditionSurvey)
	yes := map[string]Answer{"yn": {Question: "yn", Choice: "yes"}, "tags": {Question: "tags", Choices: []string{"c", "a"}}}
	no := map[string]Answer{"yn": {Question: "yn", Choice: "no"}, "branch": {Question: "branch", Choice: "yes"}}
	tests := []struct {
		name      string
		answers   map[string]Answer
		current   string
		status    Status
		want      Status
		wantCur   string
		resumeTo  Status
		selection []string
	}{
		{"asking", yes, "branch", Asking, Asking, "branch", "", nil},
		{"a multi starts from its answer", yes, "tags", Asking, Asking, "tags", "", []string{"a", "c"}},
		{"a hidden current is replaced", no, "branch", Asking, Asking, "color", "", nil},
		{"an unknown current is replaced", yes, "gone", Asking, Asking, "color", "", nil},
		{"an unknown status is asking", yes, "branch", "weird", Asking, "branch", "", nil},
		{"reviewing", yes, "ignored", Reviewing, Reviewing, "", "", nil},
		{"completed", yes, "", Completed, Completed, "", "", nil},
		{"cancelled", yes, "", Cancelled, Cancelled, "", "", nil},
		{"cancelling while asking", yes, "branch", Cancelling, Cancelling, "branch", Asking, nil},
		{"cancelling in the review", yes, "", Cancelling, Cancelling, "", Reviewing, nil},
		{"cancelling at a hidden question", no, "branch", Cancelling, Cancelling, "color", Asking, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Rebuild(def, 5, "uk", tt.answers, tt.current, tt.status, 12)
			if s.Status != tt.want || s.Current != tt.wantCur || s.ResumeTo != tt.resumeTo ||
				!reflect.DeepEqual(s.Selection, tt.selection) || s.Seq != 12 || s.SurveyID != "conditions" || s.V != SessionVersion {
				t.Errorf("Rebuild = %+v", s)
			}
			if len(s.Answers) != len(tt.answers) {
				t.Errorf("answers %v, want %v", s.Answers, tt.answers)
			}
		})
	}
	// The answers are copied.
	s := Rebuild(def, 5, "uk", yes, "branch", Asking, 1)
	s.Answers["x"] = Answer{}
	if _, ok := yes["x"]; ok {
		t.Error("Rebuild shares the answers map")
	}
	if s := Rebuild(nil, 5, "uk", nil, "", Asking, 1); s.SurveyID != "" {
		t.Errorf("Rebuild(nil) = %+v", s)
	}
}

func TestProgress(t *testing.T) {
	def := mustParse(t, `
id: progress
languages: [uk]
title: {uk: "П"}
questions:
  - {id: hi, type: note, text: {uk: "Привіт"}}
  - {id: q1, type: yesno, text: {uk: "?"}}
  - {id: q2, type: yesno, text: {uk: "?"}, show_if: {question: q1, equals: "yes"}}
  - {id: mid, type: note, text: {uk: "Далі"}}
  - {id: q3, type: yesno, text: {uk: "?"}}
`)
	yes := map[string]Answer{"q1": {Question: "q1", Choice: "yes"}}
	tests := []struct {
		name     string
		s        Session
		n, total int
	}{
		{"the first note", Session{Status: Asking, Current: "hi"}, 1, 2},
		{"the first question", Session{Status: Asking, Current: "q1"}, 1, 2},
		{"a note in the middle", Session{Status: Asking, Current: "mid"}, 2, 2},
		{"the last, before the branch opens", Session{Status: Asking, Current: "q3"}, 2, 2},
		{"the branch", Session{Status: Asking, Current: "q2", Answers: yes}, 2, 3},
		{"after the branch", Session{Status: Asking, Current: "q3", Answers: yes}, 3, 3},
		{"cancelling while asking", Session{Status: Cancelling, ResumeTo: Asking, Current: "q1"}, 1, 2},
		{"cancelling in the review", Session{Status: Cancelling, ResumeTo: Reviewing}, 2, 2},
		{"reviewing", Session{Status: Reviewing, Answers: yes}, 3, 3},
		{"completed", Session{Status: Completed, Answers: yes}, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, total := Progress(def, tt.s); n != tt.n || total != tt.total {
				t.Errorf("Progress = %d/%d, want %d/%d", n, total, tt.n, tt.total)
			}
		})
	}
	if n, total := Progress(nil, Session{}); n != 0 || total != 0 {
		t.Errorf("Progress(nil) = %d/%d", n, total)
	}
}

func TestMultiMinimum(t *testing.T) {
	def := mustParse(t, `
id: multi-min
languages: [uk]
title: {uk: "М"}
questions:
  - id: pick
    type: multi
    min: 2
    optional: true
    text: {uk: "Оберіть два"}
    options: [{id: a, uk: "А"}, {id: b, uk: "Б"}, {id: c, uk: "В"}]
`)
	s := Start(def, 1, "uk", t0)
	s.Selection = []string{"b"}
	if _, res := Apply(def, s, Input{Kind: InDone}); res.Problem != ErrTooFew || res.Limit != "2" {
		t.Errorf("one of two: %s %s", res.Problem, res.Limit)
	}
	s.Selection = nil
	got, res := Apply(def, s, Input{Kind: InDone, At: t0})
	if res.Problem != NoProblem || res.Saved == nil || !res.Saved.Skipped || got.Status != Reviewing {
		t.Errorf("none on an optional multi: %+v, %+v", res, got)
	}
	s.Selection = []string{"c", "a", "zz", "a"} // order, an unknown id and a repeat, from a stale state
	if got, res := Apply(def, s, Input{Kind: InDone}); !reflect.DeepEqual(res.Saved.Choices, []string{"a", "c"}) {
		t.Errorf("saved %v (%+v)", res.Saved.Choices, got)
	}
}
