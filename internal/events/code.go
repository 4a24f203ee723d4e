package events

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CodeAlphabet is what check-in codes are made of: capitals and digits
// without look-alikes (no 0/O, 1/I/L), so a code read aloud or typed from a
// phone screen comes out right.
const CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength is the length of a check-in code: 31⁶ ≈ 887 million codes.
const CodeLength = 6

// NewCode draws a check-in code from crypto/rand, each character uniformly
// from CodeAlphabet (bytes past the last whole multiple of the alphabet's
// size are dropped, so there is no modulo bias).
func NewCode() (string, error) {
	return newCode(rand.Reader)
}

// newCode is NewCode drawing its bytes from random.
func newCode(random io.Reader) (string, error) {
	const limit = 256 - 256%len(CodeAlphabet)
	code := make([]byte, 0, CodeLength)
	buf := make([]byte, 2*CodeLength)
	for len(code) < CodeLength {
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", fmt.Errorf("events: random check-in code: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(code) < CodeLength {
				code = append(code, CodeAlphabet[int(b)%len(CodeAlphabet)])
			}
		}
	}
	return string(code), nil
}

// latin maps the capitals of a Ukrainian keyboard that look like Latin
// ones to those, for a code typed without switching layouts; other runes
// are returned as they are.
func latin(r rune) rune {
	const cyrillic, lookalikes = "АВСЕНКМРТХУ", "ABCEHKMPTXY"
	if i := strings.IndexRune(cyrillic, r); i >= 0 {
		return rune(lookalikes[i/2]) // two octets a Cyrillic capital
	}
	return r
}

// NormalizeCode reads a check-in code as a person types it: in any case,
// with spaces or dashes (of any kind) anywhere, and with Cyrillic letters
// that look like Latin ones ("К7М-4QХ" typed on a Ukrainian layout). It
// returns the code as NewCode made it and true, or "" and false if what is
// left is not CodeLength characters of CodeAlphabet. 0, O, 1, I and L are
// refused, not guessed at: a code never holds any of them, so there is
// nothing of the alphabet that they could stand for.
func NormalizeCode(s string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range s {
		r = latin(unicode.ToUpper(r))
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '−': // U+2212 minus
			continue
		case r < utf8.RuneSelf && strings.IndexByte(CodeAlphabet, byte(r)) >= 0 && b.Len() < CodeLength:
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}

// FormatCode shows a check-in code in two halves, "K7M-4QX", easier to read
// out and to type. Anything NormalizeCode accepts is shown as the code it
// stands for; anything else is returned as it is.
func FormatCode(code string) string {
	c, ok := NormalizeCode(code)
	if !ok {
		return code
	}
	return c[:CodeLength/2] + "-" + c[CodeLength/2:]
}
