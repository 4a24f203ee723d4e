package events

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestNewCode(t *testing.T) {
	const n = 100_000
	seen := map[byte]int{}
	for range n {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLength {
			t.Fatalf("code %q: %d characters, want %d", c, len(c), CodeLength)
		}
		for i := range len(c) {
			if strings.IndexByte(CodeAlphabet, c[i]) < 0 {
				t.Fatalf("code %q has %q, not of the alphabet", c, c[i])
			}
			seen[c[i]]++
		}
		if got, ok := NormalizeCode(FormatCode(c)); !ok || got != c {
			t.Fatalf("%q reads back as %q, %v", FormatCode(c), got, ok)
		}
	}
	// 600,000 characters from 31: each turns up (missing one has odds
	// below 10⁻⁸⁰⁰⁰).
	if len(seen) != len(CodeAlphabet) {
		t.Errorf("only %d of the %d characters turned up: %v", len(seen), len(CodeAlphabet), seen)
	}
}

func TestNewCodeDropsBytesThatWouldBias(t *testing.T) {
	// 248 = 8·31 and up would favour the first 8 characters: dropped.
	random := bytes.NewReader([]byte{
		0, 248, 30, 255, 31, 249, 247, 62, 250, 251, 252, 253, // 5 kept
		254, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, // the 6th
	})
	code, err := newCode(random)
	if err != nil {
		t.Fatal(err)
	}
	// 0→'2', 30→'Z', 31→'2', 247 = 7·31+30→'Z', 62→'2', 1→'3'
	if want := "2Z2Z23"; code != want {
		t.Errorf("code %q, want %q", code, want)
	}
	if _, err := newCode(bytes.NewReader([]byte{1, 2, 3})); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short randomness: %v", err)
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"as made", "K7M4QX", "K7M4QX", true},
		{"as shown", "K7M-4QX", "K7M4QX", true},
		{"lower case", "k7m-4qx", "K7M4QX", true},
		{"spaces around and inside", "  K7M 4QX\t\n", "K7M4QX", true},
		{"a no-break space", "K7M\u00a04QX", "K7M4QX", true},
		{"an en dash from a phone", "K7M–4QX", "K7M4QX", true},
		{"a minus sign", "K7M−4QX", "K7M4QX", true},
		{"several dashes", "-K7-M4-QX-", "K7M4QX", true},
		{"Cyrillic look-alikes", "К7М-4QХ", "K7M4QX", true},
		{"Cyrillic in lower case", "к7м-4qх", "K7M4QX", true},
		{"every Cyrillic look-alike", "АВСЕНК", "ABCEHK", true},
		{"more Cyrillic look-alikes", "МРТХУ2", "MPTXY2", true},
		{"too short", "K7M4Q", "", false},
		{"too long", "K7M4QXZ", "", false},
		{"empty", "", "", false},
		{"only dashes", "---", "", false},
		{"zero, never in a code", "K7M4Q0", "", false},
		{"letter O, never in a code", "K7M4QO", "", false},
		{"Cyrillic O, never in a code", "K7M4QО", "", false},
		{"one, never in a code", "K7M4Q1", "", false},
		{"letter I, never in a code", "K7M4QI", "", false},
		{"Ukrainian І, never in a code", "K7M4QІ", "", false},
		{"letter L, never in a code", "K7M4QL", "", false},
		{"other Cyrillic", "К7М4QЖ", "", false},
		{"punctuation", "K7M.4QX", "", false},
		{"a fullwidth letter", "K7M4QＸ", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NormalizeCode(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFormatCode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"a code", "K7M4QX", "K7M-4QX"},
		{"a code as typed", "к7м 4qx", "K7M-4QX"},
		{"already shown", "K7M-4QX", "K7M-4QX"},
		{"not a code", "short", "short"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FormatCode(tc.in); got != tc.want {
				t.Errorf("FormatCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
