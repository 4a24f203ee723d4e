package survey

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fuzzSurveys are the definitions FuzzApply drives: every type, branches,
// notes, and the two examples.
func fuzzSurveys(t testing.TB) []*Survey {
	defs := []*Survey{mustParse(t, engineSurvey), mustParse(t, conditionSurvey)}
	for _, f := range []string{"../../surveys/local-elections.yaml", "../../surveys/reintegration.yaml",
		"testdata/surveys/navigation.yaml"} {
		s, issues := ParseFile(f)
		if len(issues) > 0 {
			t.Fatal(issues)
		}
		defs = append(defs, s)
	}
	return defs
}

var fuzzKinds = []InputKind{InText, InChoose, InToggle, InDone, InSkip, InBack, InCancel, InResume,
	InContact, InLocation, InConfirm, InEdit, InUnsupported}

// fuzzInput makes an input from one byte of the script: mostly plausible
// (an option of the current question, a number, a date), sometimes not.
func fuzzInput(def *Survey, s Session, b byte, text string, step int) Input {
	in := Input{Kind: fuzzKinds[int(b)%len(fuzzKinds)], Text: text}
	pick := int(b) / len(fuzzKinds) // 0..19
	if q, _ := def.Question(s.Current); q != nil {
		if ch := q.Choices(); len(ch) > 0 && pick < 16 {
			in.Option = ch[pick%len(ch)].ID
		} else {
			in.Option = text
		}
	}
	switch pick % 5 {
	case 0:
		in.Text = strconv.Itoa(step * 7)
	case 1:
		in.Text = "2" + strconv.Itoa(step%10) + ".02.2022"
	case 2:
		in.Text = "12,5"
	}
	if n := len(def.Questions); n > 0 {
		in.Question = def.Questions[pick%n].ID
	}
	in.Phone, in.OwnContact = "+380 50 123 45 6"+strconv.Itoa(step%10), pick%3 != 0
	in.Lat, in.Lon = float64(pick*9-90), float64(pick*18-180)
	in.At = t0
	return in
}

// FuzzApply drives sessions with random inputs: Apply must never panic,
// never change its input, change nothing when it reports a problem, bump
// Seq by one when it changes anything, keep no answer to a hidden question,
// and ask only visible questions; sessions survive JSON.
//
//	go test ./internal/survey -run '^$' -fuzz FuzzApply -fuzztime 10s
func FuzzApply(f *testing.F) {
	defs := fuzzSurveys(f)
	f.Add(uint8(0), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, "Привіт")
	f.Add(uint8(1), []byte{14, 27, 40, 3, 3, 3, 0, 5, 6, 6, 7}, "")
	f.Add(uint8(2), []byte{1, 1, 1, 1, 1, 1, 14, 2, 2, 3, 0, 0, 0, 0, 3, 4, 9, 10, 10, 11}, "1 000")
	f.Add(uint8(3), []byte{200, 100, 50, 25, 12, 6, 3, 255, 254, 253}, "other")
	f.Add(uint8(4), []byte{3, 1, 3, 1, 3, 1, 5, 5, 5, 6, 6, 7, 7}, "   ")
	f.Fuzz(func(t *testing.T, which uint8, script []byte, text string) {
		def := defs[int(which)%len(defs)]
		s := Start(def, 1, "uk", t0)
		if len(script) > 64 {
			script = script[:64]
		}
		for step, b := range script {
			in := fuzzInput(def, s, b, text, step)
			repair := false
			if b == 255 { // a session that does not fit the definition
				s.Current, repair = strings.ToValidUTF8(text, "?"), true
			}
			before := mustJSON(t, s)
			next, res := Apply(def, s, in)
			if mustJSON(t, s) != before {
				t.Fatalf("step %d: Apply changed its input", step)
			}
			changed := !reflect.DeepEqual(next, s)
			switch {
			case res.Problem != NoProblem && changed && !(repair && res.Problem == ErrStale):
				t.Fatalf("step %d: problem %s, yet the session changed", step, res.Problem)
			case changed && next.Seq != s.Seq+1:
				t.Fatalf("step %d: seq %d after %d", step, next.Seq, s.Seq)
			case res.Saved != nil && res.Problem != NoProblem:
				t.Fatalf("step %d: saved and problem %s", step, res.Problem)
			}
			if res.Problem == NoProblem || !repair {
				checkInvariants(t, def, next)
			}
			b, err := json.Marshal(next)
			if err != nil {
				t.Fatal(err)
			}
			var back Session
			if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, next) {
				t.Fatalf("step %d: the session does not survive JSON: %v", step, err)
			}
			s = back
		}
	})
}

func checkInvariants(t *testing.T, def *Survey, s Session) {
	t.Helper()
	vis := visibility(def, s.Answers)
	if s.Status == Asking || s.Status == Reviewing || s.Status == Completed {
		for id := range s.Answers {
			if _, i := def.Question(id); i < 0 || !vis[i] {
				t.Fatalf("an answer to hidden question %s", id)
			}
		}
	}
	if s.Status == Asking {
		if q, i := def.Question(s.Current); q == nil || !vis[i] {
			t.Fatalf("asking %q, which is not visible", s.Current)
		}
	}
	if s.Status == Completed {
		if i := firstUnanswered(def, s.Answers, vis, true); i >= 0 {
			t.Fatalf("completed without %s", def.Questions[i].ID)
		}
	}
	if n, total := Progress(def, s); n < 0 || n > total {
		t.Fatalf("progress %d/%d", n, total)
	}
}

// FuzzParse feeds arbitrary YAML to Parse: it must never panic, and a survey
// it accepts must work with the engine.
//
//	go test ./internal/survey -run '^$' -fuzz FuzzParse -fuzztime 10s
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/bad/*.yaml", "testdata/surveys/*.yaml", "../../surveys/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(engineSurvey))
	f.Add([]byte(conditionSurvey))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("id: x\nquestions:\n  - show_if: &c {not: *c}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, issues := Parse("fuzz.yaml", data)
		if (s == nil) == (len(issues) == 0) {
			t.Fatalf("survey %v with %d issues", s != nil, len(issues))
		}
		for _, i := range issues {
			if i.Msg == "" {
				t.Fatal("an issue without a message")
			}
		}
		if s == nil {
			return
		}
		if len(s.Checksum()) != 64 {
			t.Fatal("no checksum")
		}
		sess := Start(s, 1, "uk", t0)
		for _, k := range fuzzKinds {
			sess, _ = Apply(s, sess, Input{Kind: k, Option: "yes", Text: "1"})
		}
	})
}
