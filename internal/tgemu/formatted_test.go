package tgemu_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// entity abbreviates a tgbotapi.MessageEntity of no URL or language.
func entity(kind string, offset, length int) tgbotapi.MessageEntity {
	return tgbotapi.MessageEntity{Type: kind, Offset: offset, Length: length}
}

// wantEntities compares entities, nil and empty alike.
func wantEntities(t *testing.T, got, want []tgbotapi.MessageEntity) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("entities =\n%+v\nwant\n%+v", got, want)
	}
}

// TestSendFormatted sends formatted text as a citizen and reads it back as
// the bot, through tgbotapi: offsets count UTF-16 code units, so Ukrainian
// letters count one each and an emoji outside the BMP two.
func TestSendFormatted(t *testing.T) {
	link := func(offset, length int, url string) tgbotapi.MessageEntity {
		e := entity("text_link", offset, length)
		e.URL = url
		return e
	}
	pre := func(offset, length int, language string) tgbotapi.MessageEntity {
		e := entity("pre", offset, length)
		e.Language = language
		return e
	}
	for _, tc := range []struct {
		label string
		html  string
		text  string
		want  []tgbotapi.MessageEntity
	}{
		{
			"nested, Ukrainian and an emoji", "Привіт, <b>світ 🌍 <i>і люди</i></b>!",
			"Привіт, світ 🌍 і люди!",
			[]tgbotapi.MessageEntity{entity("bold", 8, 14), entity("italic", 16, 6)},
		},
		{
			"after an emoji", "🌍🌍 <u>ок</u> <s>ні</s>",
			"🌍🌍 ок ні",
			[]tgbotapi.MessageEntity{entity("underline", 5, 2), entity("strikethrough", 8, 2)},
		},
		{
			"every formatting tag",
			`<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>x</s> <strike>k</strike> <del>d</del> <tg-spoiler>p</tg-spoiler> <span class="tg-spoiler">q</span>`,
			"b s i e u n x k d p q",
			[]tgbotapi.MessageEntity{
				entity("bold", 0, 1), entity("bold", 2, 1), entity("italic", 4, 1), entity("italic", 6, 1),
				entity("underline", 8, 1), entity("underline", 10, 1), entity("strikethrough", 12, 1),
				entity("strikethrough", 14, 1), entity("strikethrough", 16, 1), entity("spoiler", 18, 1), entity("spoiler", 20, 1),
			},
		},
		{
			"link with an entity in its href", `Див. <a href="https://x.ua/map?a=1&amp;b=2">мапу 🗺</a>`,
			"Див. мапу 🗺",
			[]tgbotapi.MessageEntity{link(5, 7, "https://x.ua/map?a=1&b=2")},
		},
		{
			"link to a bare host", `<a href='x.ua'>тут</a>`,
			"тут",
			[]tgbotapi.MessageEntity{link(0, 3, "http://x.ua/")},
		},
		{
			"bold link", `<b><a href="https://x.ua/">сайт</a> громади</b>`,
			"сайт громади",
			[]tgbotapi.MessageEntity{entity("bold", 0, 12), link(0, 4, "https://x.ua/")},
		},
		{
			"code and pre with a language", "Код: <code>x := 1</code>\n<pre><code class=\"language-go\">fmt.Println(\"🌍\")</code></pre>",
			"Код: x := 1\nfmt.Println(\"🌍\")",
			[]tgbotapi.MessageEntity{entity("code", 5, 6), pre(12, 17, "go")},
		},
		{
			"pre without a language", "<pre>a\nб</pre>",
			"a\nб",
			[]tgbotapi.MessageEntity{pre(0, 3, "")},
		},
		{
			"nothing inside code", "<code>a <b>b</b></code> <pre><code>c</code></pre>",
			"a b c",
			[]tgbotapi.MessageEntity{entity("code", 0, 3), pre(4, 1, "")},
		},
		{
			"blockquote", "<blockquote>Цитата <i>з курсивом</i></blockquote>\n<blockquote expandable>довга</blockquote>",
			"Цитата з курсивом\nдовга",
			[]tgbotapi.MessageEntity{entity("blockquote", 0, 17), entity("italic", 7, 10), entity("expandable_blockquote", 18, 5)},
		},
		{
			"escaped characters", `&lt;b&gt; &amp; &quot;x&quot; <b>1 &lt; 2</b>`,
			`<b> & "x" 1 < 2`,
			[]tgbotapi.MessageEntity{entity("bold", 10, 5)},
		},
		{
			"bot commands, not inside code", "<b>/start</b> s_parks, <code>/help</code> /stop",
			"/start s_parks, /help /stop",
			[]tgbotapi.MessageEntity{entity("bot_command", 0, 6), entity("bold", 0, 6), entity("code", 16, 5), entity("bot_command", 22, 5)},
		},
		{
			"trimmed", "  <b> так </b>\n",
			"так",
			[]tgbotapi.MessageEntity{entity("bold", 0, 3)},
		},
		{
			"empty and blank formatting dropped", "а<b></b> <i> </i>б <span>в</span>",
			"а  б в",
			nil,
		},
	} {
		t.Run(tc.label, func(t *testing.T) {
			s, bot := emulator(t, tgemu.Options{})
			c := s.NewCitizen("Oksana", "uk")
			if _, err := c.SendFormatted(tc.html); err != nil {
				t.Fatalf("SendFormatted: %v", err)
			}
			updates := poll(t, bot, 0)
			if len(updates) != 1 || updates[0].Message == nil {
				t.Fatalf("updates = %+v", updates)
			}
			m := updates[0].Message
			if m.Text != tc.text {
				t.Fatalf("text = %q, want %q", m.Text, tc.text)
			}
			wantEntities(t, m.Entities, tc.want)
		})
	}
}

func TestSendPhotoWithCaption(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Taras", "uk")
	if _, err := c.SendPhotoWithCaption(`Фото <b>двору</b> 🌳 <a href="https://hromada.example/map">мапа</a>`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendPhotoWithCaption(""); err != nil {
		t.Fatal(err)
	}
	updates := poll(t, bot, 0)
	if len(updates) != 2 {
		t.Fatalf("updates = %+v", updates)
	}
	m := updates[0].Message
	if len(m.Photo) != 3 || m.Photo[0].Width >= m.Photo[2].Width || m.Text != "" || len(m.Entities) != 0 {
		t.Fatalf("message = %+v", m)
	}
	if m.Caption != "Фото двору 🌳 мапа" {
		t.Fatalf("caption = %q", m.Caption)
	}
	link := entity("text_link", 14, 4)
	link.URL = "https://hromada.example/map"
	wantEntities(t, m.CaptionEntities, []tgbotapi.MessageEntity{entity("bold", 5, 5), link})
	if bare := updates[1].Message; len(bare.Photo) != 3 || bare.Caption != "" || bare.CaptionEntities != nil {
		t.Fatalf("photo without caption = %+v", bare)
	}
}

// TestFormattedJSONFieldNames reads the update as raw JSON: tgbotapi would
// silently ignore a misspelt field.
func TestFormattedJSONFieldNames(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Ivan", "en")
	if _, err := c.SendFormatted(`<pre><code class="language-go">x</code></pre> <a href="https://x.ua/">y</a>`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendPhotoWithCaption("<i>z</i>"); err != nil {
		t.Fatal(err)
	}
	code, body := rawCall(t, s, "getUpdates", "application/json", []byte(`{"offset":0}`))
	if code != 200 {
		t.Fatalf("getUpdates = %d %v", code, body)
	}
	raw, _ := json.Marshal(body["result"])
	for _, want := range []string{
		`"entities":[{"language":"go","length":1,"offset":0,"type":"pre"},{"length":1,"offset":2,"type":"text_link","url":"https://x.ua/"}]`,
		`"caption":"z","caption_entities":[{"length":1,"offset":0,"type":"italic"}]`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("update JSON %s lacks %s", raw, want)
		}
	}
}

func TestSendFormattedErrors(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := s.NewCitizen("Petro", "uk")
	for _, tc := range []struct {
		label string
		send  func() (int, error)
		want  string
	}{
		{"unclosed tag", func() (int, error) { return c.SendFormatted("<b>жирний") }, `Can't find end tag corresponding to start tag "b"`},
		{"unknown tag", func() (int, error) { return c.SendFormatted("<x>y</x>") }, `Unsupported start tag "x"`},
		{"crossed tags", func() (int, error) { return c.SendFormatted("<b><i>x</b></i>") }, `Unmatched end tag`},
		{"blank text", func() (int, error) { return c.SendFormatted("<b> </b>\n") }, "must not be empty"},
		{"text too long", func() (int, error) { return c.SendFormatted("<b>" + strings.Repeat("🌍", 2049) + "</b>") }, "longer than 4096"},
		{"caption too long", func() (int, error) { return c.SendPhotoWithCaption(strings.Repeat("ї", 1025)) }, "longer than 1024"},
		{"bad caption", func() (int, error) { return c.SendPhotoWithCaption("1 <2") }, "Unclosed start tag at byte offset 2"},
	} {
		t.Run(tc.label, func(t *testing.T) {
			if _, err := tc.send(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one saying %q", err, tc.want)
			}
		})
	}
	if updates := poll(t, bot, 0); len(updates) != 0 {
		t.Fatalf("refused messages made updates: %+v", updates)
	}
}
