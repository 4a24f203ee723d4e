package tgemu

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// htmlTags are the tags Telegram's HTML style understands, with the type of
// entity each makes. Attributes decide whether a, span and tg-emoji make one
// at all, and refine code and blockquote (see tagEntity).
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold", "i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"span": "spoiler", "tg-spoiler": "spoiler",
	"a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
	"tg-emoji": "custom_emoji",
}

// htmlSpan is the stretch of plain text inside one tag, in bytes.
type htmlSpan struct {
	entity     tgMessageEntity // Type "" when the tag makes no entity
	name       string
	start, end int
}

// htmlParser turns Telegram's HTML style into plain text and spans.
type htmlParser struct {
	text   string
	out    strings.Builder
	open   []htmlSpan // tags not closed yet, innermost last
	closed []htmlSpan // in the order they closed
}

// parseHTML returns the plain text of text written in Telegram's HTML style
// and the entities its tags make, in UTF-16 code units, in the order the tags
// close, empty ones left out; fixEntities applies the rest of Telegram's
// rules. Malformed markup gets the error Telegram gives; attributes are read
// leniently and never make an error.
func parseHTML(text string) (string, []tgMessageEntity, error) {
	p := htmlParser{text: text}
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			n, err := p.tag(i)
			if err != nil {
				return "", nil, err
			}
			i += n
		case '&':
			decoded, n := htmlEntity(text[i:])
			if n == 0 {
				decoded, n = "&", 1 // Telegram keeps an ampersand that starts no entity
			}
			p.out.WriteString(decoded)
			i += n
		default:
			p.out.WriteByte(text[i])
			i++
		}
	}
	if len(p.open) > 0 {
		return "", nil, entityError("Can't find end tag corresponding to start tag \"%s\"", p.open[len(p.open)-1].name)
	}
	plain := p.out.String()
	return plain, p.entities(plain), nil
}

func htmlSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// tag reads the start or end tag at text[at:], in the order Telegram's parser
// checks it, and returns its length.
func (p *htmlParser) tag(at int) (int, error) {
	text := p.text
	nameEnd := func(from int) int {
		i := from
		for i < len(text) && !htmlSpace(text[i]) && text[i] != '>' {
			i++
		}
		return i
	}
	if strings.HasPrefix(text[at:], "</") {
		if len(p.open) == 0 {
			return 0, entityError("Unexpected end tag at byte offset %d", at)
		}
		i := nameEnd(at + 2)
		name := strings.ToLower(text[at+2 : i])
		for i < len(text) && htmlSpace(text[i]) {
			i++
		}
		if i == len(text) || text[i] != '>' {
			return 0, entityError("Unclosed end tag at byte offset %d", at)
		}
		top := p.open[len(p.open)-1].name
		if name != "" && name != top {
			return 0, entityError("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", at, top, name)
		}
		p.closeTag()
		return i + 1 - at, nil
	}
	i := nameEnd(at + 1)
	if i == len(text) {
		return 0, entityError("Unclosed start tag at byte offset %d", at)
	}
	name := strings.ToLower(text[at+1 : i])
	if _, ok := htmlTags[name]; !ok {
		return 0, entityError("Unsupported start tag \"%s\" at byte offset %d", name, at)
	}
	end := strings.IndexByte(text[i:], '>') // a '>' inside an attribute value ends the tag too
	if end < 0 {
		return 0, entityError("Unclosed start tag at byte offset %d", at)
	}
	entity := tagEntity(name, htmlAttributes(text[i:i+end]))
	p.open = append(p.open, htmlSpan{entity: entity, name: name, start: p.out.Len()})
	return i + end + 1 - at, nil
}

// closeTag ends the innermost open tag here.
func (p *htmlParser) closeTag() {
	sp := p.open[len(p.open)-1]
	p.open = p.open[:len(p.open)-1]
	sp.end = p.out.Len()
	if sp.name == "pre" && len(p.closed) > 0 {
		// <pre><code class="language-go">…</code></pre> makes one pre
		// entity with a language, as Telegram does.
		last := &p.closed[len(p.closed)-1]
		if last.entity.Type == "code" && last.entity.Language != "" && last.start == sp.start && last.end == sp.end {
			last.entity.Type = "pre"
			return
		}
	}
	p.closed = append(p.closed, sp)
}

// entities converts the closed spans to entities of plain.
func (p *htmlParser) entities(plain string) []tgMessageEntity {
	var out []tgMessageEntity
	for _, sp := range p.closed {
		e := sp.entity
		if e.Type == "" || sp.end == sp.start {
			continue
		}
		if e.Type == "code" {
			e.Language = "" // only a code block inside pre has one
		}
		e.Offset, e.Length = utf16Len(plain[:sp.start]), utf16Len(plain[sp.start:sp.end])
		out = append(out, e)
	}
	return out
}

// tagEntity is the entity a start tag makes, Type "" for none: a link needs
// a usable href, span the class tg-spoiler, tg-emoji an emoji-id;
// <code class="language-go"> names a language (kept only inside pre);
// <blockquote expandable> is an expandable_blockquote.
func tagEntity(name string, attrs map[string]string) tgMessageEntity {
	e := tgMessageEntity{Type: htmlTags[name]}
	switch name {
	case "a":
		if e.URL = linkURL(attrs["href"]); e.URL == "" {
			e.Type = ""
		}
	case "span":
		if attrs["class"] != "tg-spoiler" {
			e.Type = ""
		}
	case "tg-emoji":
		if e.CustomEmojiID = attrs["emoji-id"]; e.CustomEmojiID == "" {
			e.Type = ""
		}
	case "code":
		if lang, ok := strings.CutPrefix(attrs["class"], "language-"); ok {
			e.Language = lang
		}
	case "blockquote":
		if _, ok := attrs["expandable"]; ok {
			e.Type = "expandable_blockquote"
		}
	}
	return e
}

// htmlAttributes reads the attributes of a start tag: name="value",
// name='value', name=value or a bare name, with entities in values decoded.
// Names are lower-cased; malformed input is read as well as it goes.
func htmlAttributes(s string) map[string]string {
	attrs := make(map[string]string)
	skipSpace := func(i int) int {
		for i < len(s) && htmlSpace(s[i]) {
			i++
		}
		return i
	}
	for i := 0; i < len(s); {
		for i < len(s) && (htmlSpace(s[i]) || s[i] == '/') {
			i++
		}
		start := i
		for i < len(s) && !htmlSpace(s[i]) && s[i] != '=' && s[i] != '/' {
			i++
		}
		name := strings.ToLower(s[start:i])
		i = skipSpace(i)
		value := ""
		if i < len(s) && s[i] == '=' {
			i = skipSpace(i + 1)
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				quote := s[i]
				i++
				end := strings.IndexByte(s[i:], quote)
				if end < 0 {
					end = len(s) - i
				}
				value = s[i : i+end]
				i += end + 1
			} else {
				start := i
				for i < len(s) && !htmlSpace(s[i]) {
					i++
				}
				value = s[start:i]
			}
		}
		if name != "" {
			attrs[name] = decodeHTMLEntities(value)
		}
	}
	return attrs
}

// linkURL checks and normalises the href of a link roughly as Telegram
// does: no scheme means http://, an http(s) URL without a path gets "/"
// ("https://example.com" becomes "https://example.com/"), tg:, ton: and
// tonsite: links are kept as they are, anything else is no link ("").
func linkURL(href string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	if !strings.Contains(href, ":") {
		href = "http://" + href
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		if u.Path == "" {
			u.Path = "/"
		}
		return u.String()
	case "tg", "ton", "tonsite":
		return href
	}
	return ""
}

// decodeHTMLEntities decodes the entities of an attribute value.
func decodeHTMLEntities(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '&' {
			if decoded, n := htmlEntity(s[i:]); n > 0 {
				out.WriteString(decoded)
				i += n
				continue
			}
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}

// htmlEntity decodes the entity at the start of s: the four named ones
// Telegram knows and numeric ones. n is 0 when s starts no entity.
func htmlEntity(s string) (decoded string, n int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "", 0
	}
	name := s[1:end]
	switch name {
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "amp":
		return "&", end + 1
	case "quot":
		return `"`, end + 1
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = hex, 16
		}
		if v, err := strconv.ParseUint(num, base, 32); err == nil && utf8.ValidRune(rune(v)) {
			return string(rune(v)), end + 1
		}
	}
	return "", 0
}
