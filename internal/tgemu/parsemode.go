package tgemu

import (
	"fmt"
	"strings"
	"unicode/utf16"
)

const (
	maxTextLength    = 4096 // UTF-16 code units after entity parsing
	maxCaptionLength = 1024
	maxAnswerLength  = 200
)

// checkText validates the text of a message the way Telegram does.
func checkText(text, parseMode string) error {
	plain, err := plainText(text, parseMode)
	if err != nil {
		return err
	}
	plain = strings.TrimSpace(plain)
	if plain == "" {
		return badRequest("message text is empty")
	}
	if utf16Len(plain) > maxTextLength {
		return badRequest("message is too long")
	}
	return nil
}

// checkCaption validates a media caption, which may be empty.
func checkCaption(caption, parseMode string) error {
	plain, err := plainText(caption, parseMode)
	if err != nil {
		return err
	}
	if utf16Len(strings.TrimSpace(plain)) > maxCaptionLength {
		return badRequest("message caption is too long")
	}
	return nil
}

// plainText returns what a reader sees of text formatted in parseMode, or the
// error Telegram gives for malformed markup. The parsers follow Telegram's
// (tdlib's) rules closely enough to catch what bots get wrong: unescaped
// reserved characters, unknown or unclosed tags and entities.
func plainText(text, parseMode string) (string, error) {
	switch strings.ToLower(parseMode) {
	case "":
		return text, nil
	case "html":
		plain, _, err := parseHTML(text)
		return plain, err
	case "markdownv2":
		return parseMarkdownV2(text)
	case "markdown":
		return parseMarkdown(text)
	}
	return "", badRequest("unsupported parse_mode")
}

func entityError(format string, args ...any) error {
	return badRequest("can't parse entities: %s", fmt.Sprintf(format, args...))
}

// markdownV2Names name the entities of MarkdownV2 markers in error messages.
var markdownV2Names = map[string]string{
	"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler", "[": "TextUrl",
}

func parseMarkdownV2(text string) (string, error) {
	var out strings.Builder
	type opened struct {
		marker string
		at     int
	}
	var open []opened
	toggle := func(marker string, at int) error {
		for k := len(open) - 1; k >= 0; k-- {
			if open[k].marker != marker {
				continue
			}
			if k != len(open)-1 {
				top := open[len(open)-1]
				return entityError("Can't find end of %s entity at byte offset %d", markdownV2Names[top.marker], top.at)
			}
			open = open[:k]
			return nil
		}
		open = append(open, opened{marker, at})
		return nil
	}
	reserved := func(c byte) error {
		return entityError("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
	}
	lineStart := true
	for i := 0; i < len(text); {
		c := text[i]
		atLineStart := lineStart
		lineStart = c == '\n'
		switch {
		case c == '\\' && i+1 < len(text) && text[i+1] > 0 && text[i+1] < 127:
			out.WriteByte(text[i+1])
			i += 2
			continue
		case c == '`':
			n := 1
			if strings.HasPrefix(text[i:], "```") {
				n = 3
			}
			body, next, ok := codeSpan(text, i+n, strings.Repeat("`", n))
			if !ok {
				name := "Code"
				if n == 3 {
					name = "Pre"
				}
				return "", entityError("Can't find end of %s entity at byte offset %d", name, i)
			}
			if n == 3 { // the first line names the language
				if nl := strings.IndexByte(body, '\n'); nl >= 0 && !strings.ContainsAny(body[:nl], " \t") {
					body = body[nl+1:]
				}
			}
			out.WriteString(body)
			i = next
			continue
		case c == '*' || c == '~':
			if err := toggle(string(c), i); err != nil {
				return "", err
			}
		case c == '_':
			marker := "_"
			if strings.HasPrefix(text[i:], "__") {
				marker = "__"
			}
			if err := toggle(marker, i); err != nil {
				return "", err
			}
			i += len(marker)
			continue
		case c == '|':
			if !strings.HasPrefix(text[i:], "||") {
				return "", reserved(c)
			}
			if err := toggle("||", i); err != nil {
				return "", err
			}
			i += 2
			continue
		case c == '!' && strings.HasPrefix(text[i:], "!["): // custom emoji
		case c == '[':
			open = append(open, opened{"[", i})
		case c == ']':
			if len(open) == 0 || open[len(open)-1].marker != "[" {
				return "", reserved(c)
			}
			open = open[:len(open)-1]
			if strings.HasPrefix(text[i+1:], "(") {
				end := closingParen(text, i+2)
				if end < 0 {
					return "", entityError("Can't find end of a URL at byte offset %d", i+1)
				}
				i = end + 1
				continue
			}
		case c == '>' && atLineStart: // block quotation
		case strings.IndexByte("_*[]()~`>#+-=|{}.!", c) >= 0:
			return "", reserved(c)
		default:
			out.WriteByte(c)
		}
		i++
	}
	if len(open) > 0 {
		top := open[len(open)-1]
		return "", entityError("Can't find end of %s entity at byte offset %d", markdownV2Names[top.marker], top.at)
	}
	return out.String(), nil
}

// codeSpan reads a MarkdownV2 code or pre body from start up to fence, where
// only ` and \ may be escaped.
func codeSpan(text string, start int, fence string) (body string, next int, ok bool) {
	var out strings.Builder
	for i := start; i < len(text); {
		switch {
		case text[i] == '\\' && i+1 < len(text) && (text[i+1] == '`' || text[i+1] == '\\'):
			out.WriteByte(text[i+1])
			i += 2
		case strings.HasPrefix(text[i:], fence):
			return out.String(), i + len(fence), true
		default:
			out.WriteByte(text[i])
			i++
		}
	}
	return "", 0, false
}

// closingParen finds the ')' closing a MarkdownV2 link URL, where ) and \ may
// be escaped.
func closingParen(text string, start int) int {
	for i := start; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case ')':
			return i
		}
	}
	return -1
}

// parseMarkdown handles the legacy Markdown style: *bold*, _italic_, `code`,
// ```pre``` and [text](url), with no nesting.
func parseMarkdown(text string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(text); {
		c := text[i]
		switch c {
		case '*', '_', '`':
			fence := string(c)
			if c == '`' && strings.HasPrefix(text[i:], "```") {
				fence = "```"
			}
			end := strings.Index(text[i+len(fence):], fence)
			if end < 0 {
				return "", entityError("Can't find end of the entity starting at byte offset %d", i)
			}
			out.WriteString(text[i+len(fence) : i+len(fence)+end])
			i += 2*len(fence) + end
		case '[':
			end := strings.IndexByte(text[i:], ']')
			if end < 0 {
				return "", entityError("Can't find end of the entity starting at byte offset %d", i)
			}
			out.WriteString(text[i+1 : i+end])
			i += end + 1
			if strings.HasPrefix(text[i:], "(") {
				if p := strings.IndexByte(text[i:], ')'); p >= 0 {
					i += p + 1
				}
			}
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String(), nil
}

// utf16Len counts UTF-16 code units, the unit of Telegram's length limits and
// entity offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if utf16.RuneLen(r) == 2 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
