package survey

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// update rewrites the expected steps of testdata/scenarios/*.json:
//
//	go test ./internal/survey -update
var update = flag.Bool("update", false, "rewrite the golden scenario files")

// scenario is one conversation: a definition, how the session begins, and
// the citizen's inputs. Each step's result and session are golden output,
// written by -update and compared otherwise.
type scenario struct {
	Description string `json:"description"`
	Survey      string `json:"survey"` // path from this package
	Lang        string `json:"lang"`
	// Rebuild, when set, begins from what Postgres keeps instead of Start.
	Rebuild *scenarioRebuild `json:"rebuild,omitempty"`
	Start   *Session         `json:"start,omitempty"` // output: the first session
	Steps   []scenarioStep   `json:"steps"`
}

type scenarioRebuild struct {
	Answers map[string]Answer `json:"answers"`
	Current string            `json:"current"`
	Status  Status            `json:"status"`
	Seq     int               `json:"seq"`
}

type scenarioStep struct {
	Input scenarioInput `json:"input"`
	// Output.
	Result   *scenarioResult `json:"result,omitempty"`
	Progress string          `json:"progress,omitempty"`
	Review   []string        `json:"review,omitempty"` // the summary, when reviewing
	Session  *Session        `json:"session,omitempty"`
}

// scenarioInput is an Input as written in a scenario.
type scenarioInput struct {
	Kind       InputKind `json:"kind"`
	Text       string    `json:"text,omitempty"`
	Option     string    `json:"option,omitempty"`
	Question   string    `json:"question,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	OwnContact bool      `json:"own_contact,omitempty"`
	Lat        float64   `json:"lat,omitempty"`
	Lon        float64   `json:"lon,omitempty"`
}

// scenarioResult is a Result as written in a scenario.
type scenarioResult struct {
	Problem   Problem  `json:"problem,omitempty"`
	Limit     string   `json:"limit,omitempty"`
	Saved     *Answer  `json:"saved,omitempty"`
	Display   string   `json:"display,omitempty"` // Saved, as the citizen reads it
	Cleared   []string `json:"cleared,omitempty"`
	Toggled   bool     `json:"toggled,omitempty"`
	Completed bool     `json:"completed,omitempty"`
	Cancelled bool     `json:"cancelled,omitempty"`
}

// scenarioStart is when every scenario begins; step n happens n minutes later.
var scenarioStart = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			runScenario(t, file)
		})
	}
}

func runScenario(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var sc scenario
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	def, issues := ParseFile(sc.Survey)
	if len(issues) > 0 {
		t.Fatalf("%s: %v", sc.Survey, issues)
	}
	def.Version = 3
	const responseID = 42

	var s Session
	if r := sc.Rebuild; r != nil {
		s = Rebuild(def, responseID, sc.Lang, r.Answers, r.Current, r.Status, r.Seq)
	} else {
		s = Start(def, responseID, sc.Lang, scenarioStart)
	}
	got := sc
	got.Start = ptr(s)
	got.Steps = make([]scenarioStep, len(sc.Steps))
	for n, step := range sc.Steps {
		s = roundTrip(t, s)
		in := Input{Kind: step.Input.Kind, Text: step.Input.Text, Option: step.Input.Option, Question: step.Input.Question,
			Phone: step.Input.Phone, OwnContact: step.Input.OwnContact, Lat: step.Input.Lat, Lon: step.Input.Lon,
			At: scenarioStart.Add(time.Duration(n+1) * time.Minute)}
		before := mustJSON(t, s)
		next, res := Apply(def, s, in)
		if mustJSON(t, s) != before {
			t.Fatalf("step %d: Apply changed its input session", n+1)
		}
		checkStep(t, n+1, def, s, next, res)

		out := scenarioStep{Input: step.Input, Session: ptr(next)}
		out.Result = &scenarioResult{Problem: res.Problem, Limit: res.Limit, Saved: res.Saved, Cleared: res.Cleared,
			Toggled: res.Toggled, Completed: res.Completed, Cancelled: res.Cancelled}
		if res.Saved != nil {
			q, _ := def.Question(res.Saved.Question)
			out.Result.Display = res.Saved.Display(q, next.Lang)
		}
		if reflect.DeepEqual(*out.Result, scenarioResult{}) {
			out.Result = nil
		}
		if k, total := Progress(def, next); total > 0 {
			out.Progress = fmt.Sprintf("%d/%d", k, total)
		}
		if next.Status == Reviewing {
			out.Review = review(def, next)
		}
		got.Steps[n] = out
		s = next
	}

	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for n := range got.Steps {
		if g, w := mustJSON(t, got.Steps[n]), mustJSON(t, sc.Steps[n]); g != w {
			t.Errorf("step %d (%s):\n got %s\nwant %s", n+1, sc.Steps[n].Input.Kind, g, w)
		}
	}
	if g, w := mustJSON(t, got.Start), mustJSON(t, sc.Start); g != w {
		t.Errorf("start:\n got %s\nwant %s", g, w)
	}
}

// checkStep checks the rules every step keeps, whatever the scenario.
func checkStep(t *testing.T, n int, def *Survey, before, after Session, res Result) {
	t.Helper()
	if res.Problem != NoProblem && !reflect.DeepEqual(before, after) {
		t.Errorf("step %d: problem %s, yet the session changed", n, res.Problem)
	}
	if res.Problem == NoProblem && !reflect.DeepEqual(before, after) && after.Seq != before.Seq+1 {
		t.Errorf("step %d: seq %d after %d", n, after.Seq, before.Seq)
	}
	// Every answer kept belongs to a visible question.
	vis := visibility(def, after.Answers)
	for id := range after.Answers {
		if _, i := def.Question(id); i < 0 || !vis[i] {
			t.Errorf("step %d: an answer to hidden question %s", n, id)
		}
	}
	if after.Status == Asking {
		if q, i := def.Question(after.Current); q == nil || !vis[i] {
			t.Errorf("step %d: asking %q, which is not visible", n, after.Current)
		}
	}
	// Postgres keeps answers, current question, status and seq: what Rebuild
	// makes of them must be the same session, unless the citizen was midway
	// through a multi selection or an "Other" text (not yet answers).
	if after.AwaitOther {
		return
	}
	if q, _ := def.Question(after.Current); q != nil && q.Type == Multi {
		var saved []string
		if a, ok := after.Answers[q.ID]; ok {
			saved = inChoiceOrder(q, a.Choices)
		}
		if !reflect.DeepEqual(saved, after.Selection) {
			return
		}
	}
	rebuilt := Rebuild(def, after.ResponseID, after.Lang, after.Answers, after.Current, after.Status, after.Seq)
	want := after
	want.Started = time.Time{}
	if g, w := mustJSON(t, rebuilt), mustJSON(t, want); g != w {
		t.Errorf("step %d: Rebuild gives\n%s\nnot\n%s", n, g, w)
	}
}

// roundTrip passes the session through JSON, as Redis does.
func roundTrip(t *testing.T, s Session) Session {
	t.Helper()
	b := mustJSON(t, s)
	var back Session
	if err := json.Unmarshal([]byte(b), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("the session changed through JSON:\n%s\n%s", b, mustJSON(t, back))
	}
	return back
}

// review is the summary of a reviewed session: each visible answered
// question's id and its answer as displayed.
func review(def *Survey, s Session) []string {
	var out []string
	vis := visibility(def, s.Answers)
	for i := range def.Questions {
		q := &def.Questions[i]
		if a, ok := s.Answers[q.ID]; ok && vis[i] {
			out = append(out, q.ID+": "+a.Display(q, s.Lang))
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
