package bot

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestFormatHTML(t *testing.T) {
	ent := func(typ string, off, n int) tgbotapi.MessageEntity {
		return tgbotapi.MessageEntity{Type: typ, Offset: off, Length: n}
	}
	link := ent("text_link", 0, 4)
	link.URL = `https://example.org/?a=1&b="2"`
	pre := ent("pre", 0, 6)
	pre.Language = "go"
	for _, tc := range []struct {
		name, text string
		ents       []tgbotapi.MessageEntity
		want       string
	}{
		{"plain, escaped", "1 < 2 & 3", nil, "1 &lt; 2 &amp; 3"},
		{"nested", "Слава Україні", []tgbotapi.MessageEntity{ent("bold", 0, 13), ent("italic", 6, 7)}, "<b>Слава <i>Україні</i></b>"},
		// 🌍 is two UTF-16 units: the bold after it starts at 3, not 2.
		{"astral emoji", "🌍 мир", []tgbotapi.MessageEntity{ent("bold", 3, 3)}, "🌍 <b>мир</b>"},
		{"crossing", "abcdef", []tgbotapi.MessageEntity{ent("bold", 0, 4), ent("italic", 2, 4)}, "<b>ab<i>cd</i></b><i>ef</i>"},
		{"link with quotes", "here", []tgbotapi.MessageEntity{link}, `<a href="https://example.org/?a=1&amp;b=&#34;2&#34;">here</a>`},
		{"pre with language", "x := 1", []tgbotapi.MessageEntity{pre}, `<pre><code class="language-go">x := 1</code></pre>`},
		{"found by Telegram, no markup", "/start #мир", []tgbotapi.MessageEntity{ent("bot_command", 0, 6), ent("hashtag", 7, 4)}, "/start #мир"},
		{"out of range dropped", "ab", []tgbotapi.MessageEntity{ent("bold", 1, 5)}, "ab"},
		{"spoiler and quote", "ab", []tgbotapi.MessageEntity{ent("blockquote", 0, 2), ent("spoiler", 1, 1)}, "<blockquote>a<tg-spoiler>b</tg-spoiler></blockquote>"},
	} {
		if got := formatHTML(tc.text, tc.ents); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
