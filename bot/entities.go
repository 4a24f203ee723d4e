package bot

import (
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// formatHTML writes text with its formatting entities (as a Telegram app
// sends them: offsets and lengths in UTF-16 code units) as Telegram HTML,
// so that a message an organiser wrote can be sent on looking the same.
// Entities Telegram finds by itself (links, mentions, hashtags, commands)
// need no markup; custom emoji keep their ordinary emoji. Entities that
// cross are closed and opened again, which HTML needs and Telegram allows.
func formatHTML(text string, entities []tgbotapi.MessageEntity) string {
	units := utf16.Encode([]rune(text))
	var ents []tgbotapi.MessageEntity
	for _, e := range entities {
		if _, ok := openTag(e); ok && e.Length > 0 && e.Offset >= 0 && e.Offset+e.Length <= len(units) {
			ents = append(ents, e)
		}
	}
	// Outer first: by start, then the longer.
	slices.SortStableFunc(ents, func(a, b tgbotapi.MessageEntity) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return b.Length - a.Length
	})
	var (
		out   strings.Builder
		open  []tgbotapi.MessageEntity // innermost last
		next  int
		ended = func(e tgbotapi.MessageEntity, at int) bool { return e.Offset+e.Length <= at }
	)
	for i := 0; ; {
		// Close what ends here: everything inside the outermost entity
		// that ends is closed, and what goes on is opened again.
		if outer := slices.IndexFunc(open, func(e tgbotapi.MessageEntity) bool { return ended(e, i) }); outer >= 0 {
			for j := len(open) - 1; j >= outer; j-- {
				out.WriteString(closeTag(open[j]))
			}
			again := slices.DeleteFunc(slices.Clone(open[outer:]), func(e tgbotapi.MessageEntity) bool { return ended(e, i) })
			open = open[:outer]
			for _, e := range again {
				tag, _ := openTag(e)
				out.WriteString(tag)
				open = append(open, e)
			}
		}
		for next < len(ents) && ents[next].Offset <= i {
			tag, _ := openTag(ents[next])
			out.WriteString(tag)
			open = append(open, ents[next])
			next++
		}
		if i >= len(units) {
			break
		}
		n := 1
		if utf16.IsSurrogate(rune(units[i])) && i+1 < len(units) {
			n = 2
		}
		out.WriteString(html.EscapeString(string(utf16.Decode(units[i : i+n]))))
		i += n
	}
	return out.String()
}

// openTag is the HTML that starts entity e; ok is false for entities that
// need none.
func openTag(e tgbotapi.MessageEntity) (tag string, ok bool) {
	switch e.Type {
	case "bold":
		return "<b>", true
	case "italic":
		return "<i>", true
	case "underline":
		return "<u>", true
	case "strikethrough":
		return "<s>", true
	case "spoiler":
		return "<tg-spoiler>", true
	case "code":
		return "<code>", true
	case "pre":
		if e.Language != "" {
			return `<pre><code class="language-` + html.EscapeString(e.Language) + `">`, true
		}
		return "<pre>", true
	case "blockquote":
		return "<blockquote>", true
	case "expandable_blockquote":
		return "<blockquote expandable>", true
	case "text_link":
		return `<a href="` + html.EscapeString(e.URL) + `">`, true
	case "text_mention":
		if e.User != nil {
			return `<a href="tg://user?id=` + strconv.FormatInt(e.User.ID, 10) + `">`, true
		}
	}
	return "", false
}

func closeTag(e tgbotapi.MessageEntity) string {
	switch e.Type {
	case "bold":
		return "</b>"
	case "italic":
		return "</i>"
	case "underline":
		return "</u>"
	case "strikethrough":
		return "</s>"
	case "spoiler":
		return "</tg-spoiler>"
	case "code":
		return "</code>"
	case "pre":
		if e.Language != "" {
			return "</code></pre>"
		}
		return "</pre>"
	case "blockquote", "expandable_blockquote":
		return "</blockquote>"
	}
	return "</a>"
}
