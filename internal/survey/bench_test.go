package survey

import "testing"

// BenchmarkApply measures one answer through the engine, in the middle of the
// local-elections survey (five answers given, a show_if to evaluate).
//
//	go test ./internal/survey -run '^$' -bench Apply -benchmem
func BenchmarkApply(b *testing.B) {
	def, issues := ParseFile("../../surveys/local-elections.yaml")
	if len(issues) > 0 {
		b.Fatal(issues)
	}
	answers := map[string]Answer{
		"region":      {Question: "region", Choice: "UA-63", At: t0},
		"displaced":   {Question: "displaced", Choice: "yes", At: t0},
		"home_region": {Question: "home_region", Choice: "UA-14", At: t0},
		"voted":       {Question: "voted", Choice: "yes", At: t0},
		"trust":       {Question: "trust", Number: num(4), At: t0},
	}
	tests := []struct {
		name    string
		current string
		in      Input
	}{
		{"choose", "next_elections", Input{Kind: InChoose, Option: "when_safe", At: t0}},
		{"number", "age", Input{Kind: InText, Text: "42", At: t0}},
		{"toggle", "lessons", Input{Kind: InToggle, Option: "debates", At: t0}},
		{"rejected", "age", Input{Kind: InText, Text: "сорок два", At: t0}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			s := Rebuild(def, 1, "uk", answers, tt.current, Asking, 5)
			b.ReportAllocs()
			for b.Loop() {
				next, res := Apply(def, s, tt.in)
				if res.Problem != NoProblem && tt.name != "rejected" || next.Seq == 0 {
					b.Fatal(res.Problem)
				}
			}
		})
	}
}
