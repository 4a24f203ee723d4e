package dialogue

import (
	"math"
	"strings"
	"testing"
)

func TestActionsRoundTripWithinTelegramsLimit(t *testing.T) {
	for _, a := range []action{
		{op: opConsent, arg: "1"},
		{op: opLanguage, arg: "uk"},
		{op: opOpen, arg: surveyKey(strings.Repeat("x", 62))},
		{op: opMenu},
		{op: opChoose, response: math.MaxInt64, pos: "9999o", index: 9999},
		{op: opToggle, response: 1, pos: "0", index: 0},
		{op: opEdit, response: 42, pos: "r", index: 12},
		{op: opConfirm, response: 42, pos: "r"},
		{op: opDiscard, response: 42, pos: "x"},
	} {
		data := a.String()
		if len(data) > 64 {
			t.Errorf("%q is %d bytes", data, len(data))
		}
		got, err := parseAction(data)
		if err != nil || got != a {
			t.Errorf("parseAction(%q) = %+v, %v; want %+v", data, got, err, a)
		}
	}
}

func TestGarbledCallbackData(t *testing.T) {
	for _, data := range []string{
		"", ":", "zz:garbage", "c", "c:1", "c:1:2", "c:1:2:x", "c:-5:2:1", "c:0:2:1", "c:1::1",
		"c:1:2:100000", "k:1:r:5", "a", "a:", "l:", "m:1", strings.Repeat("c", 65), "cc:1:2:3",
	} {
		if a, err := parseAction(data); err == nil {
			t.Errorf("parseAction(%q) = %+v, want an error", data, a)
		}
	}
}

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"c:1:2:3", "a:1", "m", "q:zz:r:4", "x:1:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		a, err := parseAction(data)
		if err != nil {
			return
		}
		again, err := parseAction(a.String())
		if err != nil || again != a {
			t.Fatalf("%q parsed to %+v, which does not round-trip (%+v, %v)", data, a, again, err)
		}
	})
}
