package events

import (
	"bytes"
	"unicode/utf8"
)

// maxLineOctets is how long a content line may be, CRLF aside (RFC 5545, 3.1).
const maxLineOctets = 75

// fold cuts the CRLF-ended lines of a calendar to maxLineOctets octets each,
// a continuation line starting with one space. It cuts only between UTF-8
// characters and never inside a backslash escape such as \, or \n, so that
// also readers that unfold per line, or not at all, see whole characters.
func fold(calendar []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(calendar) + len(calendar)/maxLineOctets*3)
	for line := range bytes.Lines(calendar) {
		line = bytes.TrimSuffix(line, []byte("\r\n"))
		limit := maxLineOctets
		for len(line) > limit {
			cut := cutAt(line, limit)
			out.Write(line[:cut])
			out.WriteString("\r\n ")
			line = line[cut:]
			limit = maxLineOctets - 1 // after the leading space
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// cutAt is the longest prefix of line, at most limit octets, that ends
// between characters and outside an escape.
func cutAt(line []byte, limit int) int {
	cut := limit
	for cut > 0 && !utf8.RuneStart(line[cut]) {
		cut--
	}
	backslashes := 0
	for i := cut - 1; i >= 0 && line[i] == '\\'; i-- {
		backslashes++
	}
	if backslashes%2 == 1 {
		cut-- // keep the backslash with the character it escapes
	}
	return cut
}
