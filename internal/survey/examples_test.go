package survey

import (
	"os"
	"strings"
	"testing"
)

// TestExampleSurveys loads surveys/ as the bot does and checks that the two
// examples together show every question type and condition.
func TestExampleSurveys(t *testing.T) {
	surveys, issues := Load("../../surveys")
	for _, i := range issues {
		t.Error(i)
	}
	if len(surveys) != 2 {
		t.Fatalf("loaded %d surveys, want 2", len(surveys))
	}
	typesUsed := map[Type]bool{}
	ops := map[string]bool{}
	anonymous := 0
	var walk func(c *Condition)
	walk = func(c *Condition) {
		switch {
		case c.All != nil:
			ops["all"] = true
			for i := range c.All {
				walk(&c.All[i])
			}
		case c.Any != nil:
			ops["any"] = true
			for i := range c.Any {
				walk(&c.Any[i])
			}
		case c.Not != nil:
			ops["not"] = true
			walk(c.Not)
		default:
			ops[string(c.Op)] = true
		}
	}
	var integer, decimal, multiBounds, multiOther, singleOther, scaleLabels, optionalPhone, optionalLocation bool
	for _, s := range surveys {
		if s.Anonymous {
			anonymous++
		}
		if s.Checksum() == "" {
			t.Errorf("%s: empty checksum", s.ID)
		}
		for i := range s.Questions {
			q := &s.Questions[i]
			typesUsed[q.Type] = true
			if q.ShowIf != nil {
				walk(q.ShowIf)
			}
			switch q.Type {
			case Number:
				integer = integer || q.Integer
				decimal = decimal || !q.Integer
			case Multi:
				multiBounds = multiBounds || (q.MinChoices > 0 && q.MaxChoices > 0)
				multiOther = multiOther || q.Other != nil
			case Single:
				singleOther = singleOther || q.Other != nil
			case Scale:
				scaleLabels = scaleLabels || (q.ScaleMinLabel != nil && q.ScaleMaxLabel != nil)
			case Phone:
				optionalPhone = q.Optional && i > 0 && s.Questions[i-1].Type == Note
			case Location:
				optionalLocation = q.Optional
			}
		}
	}
	for _, ty := range types {
		if !typesUsed[ty] {
			t.Errorf("no example uses type %s", ty)
		}
	}
	for _, op := range []string{"equals", "one_of", "less_than", "answered", "all", "any"} {
		if !ops[op] {
			t.Errorf("no example uses show_if %s", op)
		}
	}
	for what, ok := range map[string]bool{"integer number": integer, "decimal number": decimal,
		"multi with min and max": multiBounds, "multi with other": multiOther, "single with other": singleOther,
		"scale with labels": scaleLabels, "optional phone after a note": optionalPhone, "optional location": optionalLocation,
		"one anonymous survey": anonymous == 1} {
		if !ok {
			t.Errorf("the examples lack %s", what)
		}
	}
}

// TestReadmeExample parses the full example of surveys/README.md, so that the
// documentation stays true.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../../surveys/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no yaml example in surveys/README.md")
	}
	s, issues := Parse("surveys/README.md", []byte(example))
	for _, i := range issues {
		t.Error(i)
	}
	if s != nil && len(s.Questions) != 10 {
		t.Errorf("%d questions", len(s.Questions))
	}
}
