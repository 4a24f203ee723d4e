package survey

import "testing"

const conditionSurvey = `
id: conditions
languages: [uk]
title: {uk: "Умови"}
questions:
  - {id: color, type: single, text: {uk: "?"}, options: [{id: red, uk: "Ч"}, {id: blue, uk: "С"}], other: {uk: "Інше"}}
  - {id: tags, type: multi, text: {uk: "?"}, options: [{id: a, uk: "А"}, {id: b, uk: "Б"}, {id: c, uk: "В"}]}
  - {id: yn, type: yesno, text: {uk: "?"}}
  - {id: reg, type: region, text: {uk: "?"}}
  - {id: mood, type: scale, from: 1, to: 5, text: {uk: "?"}}
  - {id: age, type: number, text: {uk: "?"}}
  - {id: born, type: date, text: {uk: "?"}}
  - {id: name, type: text, optional: true, text: {uk: "?"}}
  - {id: phone, type: phone, optional: true, text: {uk: "?"}}
  - {id: branch, type: yesno, text: {uk: "?"}, show_if: {question: yn, equals: "yes"}}
  - {id: deeper, type: yesno, text: {uk: "?"}, show_if: {question: branch, answered: true}}
`

func num(x float64) *float64 { return &x }

func TestVisible(t *testing.T) {
	def := mustParse(t, conditionSurvey)
	full := map[string]Answer{
		"color":  {Question: "color", Choice: "red"},
		"tags":   {Question: "tags", Choices: []string{"a", "c"}},
		"yn":     {Question: "yn", Choice: "yes"},
		"reg":    {Question: "reg", Choice: "UA-14"},
		"mood":   {Question: "mood", Number: num(4)},
		"age":    {Question: "age", Number: num(17.5)},
		"born":   {Question: "born", Date: "2008-05-01"},
		"name":   {Question: "name", Text: "Оля"},
		"phone":  {Question: "phone", Skipped: true},
		"branch": {Question: "branch", Choice: "no"},
	}
	noBranch := map[string]Answer{
		"yn":     {Question: "yn", Choice: "no"},
		"branch": {Question: "branch", Choice: "no"}, // left over: branch is hidden, so it does not count
	}
	leaf := func(q string, op Op, v string) *Condition { return &Condition{Question: q, Op: op, Value: v} }
	tests := []struct {
		name    string
		answers map[string]Answer
		cond    *Condition
		want    bool
	}{
		{"no condition", nil, nil, true},
		{"single equals", full, leaf("color", OpEquals, "red"), true},
		{"single equals another", full, leaf("color", OpEquals, "blue"), false},
		{"single not_equals", full, leaf("color", OpNotEquals, "blue"), true},
		{"single one_of", full, &Condition{Question: "color", Op: OpOneOf, Values: []string{"blue", "red"}}, true},
		{"single one_of none", full, &Condition{Question: "color", Op: OpOneOf, Values: []string{"blue", "other"}}, false},
		{"multi equals: a member", full, leaf("tags", OpEquals, "c"), true},
		{"multi equals: not a member", full, leaf("tags", OpEquals, "b"), false},
		{"multi not_equals: not a member", full, leaf("tags", OpNotEquals, "b"), true},
		{"multi one_of", full, &Condition{Question: "tags", Op: OpOneOf, Values: []string{"b", "c"}}, true},
		{"yesno equals", full, leaf("yn", OpEquals, "yes"), true},
		{"region equals", full, leaf("reg", OpEquals, "UA-14"), true},
		{"region one_of", full, &Condition{Question: "reg", Op: OpOneOf, Values: []string{"UA-09", "UA-14"}}, true},
		{"scale equals", full, leaf("mood", OpEquals, "4"), true},
		{"scale less_than", full, leaf("mood", OpLess, "4"), false},
		{"scale greater_than", full, leaf("mood", OpGreater, "3"), true},
		{"number less_than", full, leaf("age", OpLess, "18"), true},
		{"number greater_than", full, leaf("age", OpGreater, "17.5"), false},
		{"number equals", full, leaf("age", OpEquals, "17.5"), true},
		{"number equals with a decimal comma", full, leaf("age", OpEquals, "17,5"), true},
		{"date less_than", full, leaf("born", OpLess, "2008-05-02"), true},
		{"date greater_than", full, leaf("born", OpGreater, "2008-05-01"), false},
		{"date equals in another form", full, leaf("born", OpEquals, "01.05.2008"), true},
		{"text equals", full, leaf("name", OpEquals, "Оля"), true},
		{"text equals is exact", full, leaf("name", OpEquals, "оля"), false},
		{"answered", full, leaf("name", OpAnswered, "true"), true},
		{"answered: skipped is not answered", full, leaf("phone", OpAnswered, "true"), false},
		{"answered false: skipped", full, leaf("phone", OpAnswered, "false"), true},
		{"answered false: no answer", nil, leaf("name", OpAnswered, "false"), true},
		{"answered false: answered", full, leaf("name", OpAnswered, "false"), false},
		{"unanswered: equals is false", nil, leaf("color", OpEquals, "red"), false},
		{"unanswered: not_equals is false", nil, leaf("color", OpNotEquals, "red"), false},
		{"unanswered: one_of is false", nil, &Condition{Question: "color", Op: OpOneOf, Values: []string{"red"}}, false},
		{"unanswered: less_than is false", nil, leaf("age", OpLess, "100"), false},
		{"unanswered: not equals is true", nil, &Condition{Not: leaf("color", OpEquals, "red")}, true},
		{"skipped: not_equals is false", full, leaf("phone", OpNotEquals, "+380"), false},
		{"hidden answer counts as none", noBranch, leaf("branch", OpEquals, "no"), false},
		{"hidden answer: answered false", noBranch, leaf("branch", OpAnswered, "false"), true},
		{"visible answer", full, leaf("branch", OpEquals, "no"), true},
		{"unknown question", full, leaf("nope", OpEquals, "x"), false},
		{"unknown op", full, leaf("color", "between", "x"), false},
		{"not a number", full, leaf("age", OpLess, "many"), false},
		{"all true", full, &Condition{All: []Condition{*leaf("color", OpEquals, "red"), *leaf("yn", OpEquals, "yes")}}, true},
		{"all false", full, &Condition{All: []Condition{*leaf("color", OpEquals, "red"), *leaf("yn", OpEquals, "no")}}, false},
		{"any true", full, &Condition{Any: []Condition{*leaf("color", OpEquals, "blue"), *leaf("yn", OpEquals, "yes")}}, true},
		{"any false", full, &Condition{Any: []Condition{*leaf("color", OpEquals, "blue"), *leaf("yn", OpEquals, "no")}}, false},
		{"not", full, &Condition{Not: leaf("color", OpEquals, "red")}, false},
		{"nested", full, &Condition{All: []Condition{
			{Any: []Condition{*leaf("mood", OpLess, "2"), *leaf("age", OpLess, "18")}},
			{Not: leaf("reg", OpEquals, OutsideUkraine)},
		}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &Question{ID: "target", Type: YesNo, ShowIf: tt.cond}
			if got := Visible(def, tt.answers, q); got != tt.want {
				t.Errorf("Visible = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVisibleChain(t *testing.T) {
	def := mustParse(t, conditionSurvey)
	branch, _ := def.Question("branch")
	deeper, _ := def.Question("deeper")
	tests := []struct {
		name                   string
		answers                map[string]Answer
		wantBranch, wantDeeper bool
	}{
		{"nothing answered", nil, false, false},
		{"yes opens the branch", map[string]Answer{"yn": {Choice: "yes"}}, true, false},
		{"the branch answered opens deeper", map[string]Answer{"yn": {Choice: "yes"}, "branch": {Choice: "no"}}, true, true},
		{"no closes both, whatever is left", map[string]Answer{"yn": {Choice: "no"}, "branch": {Choice: "no"}}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Visible(def, tt.answers, branch); got != tt.wantBranch {
				t.Errorf("branch visible = %v", got)
			}
			if got := Visible(def, tt.answers, deeper); got != tt.wantDeeper {
				t.Errorf("deeper visible = %v", got)
			}
			copied := *deeper // the same question, not the definition's pointer
			if got := Visible(def, tt.answers, &copied); got != tt.wantDeeper {
				t.Errorf("deeper (by id) visible = %v", got)
			}
		})
	}
	if Visible(nil, nil, branch) || Visible(def, nil, nil) {
		t.Error("Visible with nil is true")
	}
	loop := &Condition{}
	loop.Not = loop
	_ = Visible(def, nil, &Question{ID: "x", ShowIf: loop}) // ends, whatever it says
}
