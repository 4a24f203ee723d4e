package tgemu

import (
	"fmt"
)

// SendFormatted writes formatted text to the bot, as a Telegram app does when
// the citizen uses bold, links, code and the like. html is in Telegram's HTML
// style (<b>, <i>, <u>, <s>, <tg-spoiler>, <a href="…">, <code>, <pre>,
// <pre><code class="language-go">, <blockquote>, &lt; &gt; &amp; &quot;);
// the bot gets the plain text, trimmed, with an entities array as Telegram
// sends it: offsets and lengths in UTF-16 code units, nested entities outer
// first, bot commands marked as by Send. Markup Telegram would refuse
// returns its error.
func (c *Citizen) SendFormatted(html string) (int, error) {
	text, entities, err := formattedText(html)
	if err != nil {
		return 0, fmt.Errorf("tgemu: formatted text: %w", err)
	}
	switch n := utf16Len(text); {
	case n == 0:
		return 0, fmt.Errorf("tgemu: a message must not be empty")
	case n > maxTextLength:
		return 0, fmt.Errorf("tgemu: a message must not be longer than %d UTF-16 code units, not %d", maxTextLength, n)
	}
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Text, m.Entities = text, entities
		return nil
	})
}

// SendPhotoWithCaption sends a photo, in the three sizes Telegram makes of
// one, with a caption written as for SendFormatted; the bot gets caption and
// caption_entities. An empty caption sends the photo without one.
func (c *Citizen) SendPhotoWithCaption(html string) (int, error) {
	caption, entities, err := formattedText(html)
	if err != nil {
		return 0, fmt.Errorf("tgemu: formatted caption: %w", err)
	}
	if n := utf16Len(caption); n > maxCaptionLength {
		return 0, fmt.Errorf("tgemu: a caption must not be longer than %d UTF-16 code units, not %d", maxCaptionLength, n)
	}
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Photo = c.photoSizesLocked()
		m.Caption, m.CaptionEntities = caption, entities
		return nil
	})
}

// formattedText is what Telegram makes of a message a person writes with
// formatting, given here in Telegram's HTML style: the plain text, trimmed,
// and its entities, with bot commands marked (except inside code, pre, links
// and custom emoji), in Telegram's order.
func formattedText(html string) (string, []tgMessageEntity, error) {
	plain, ents, err := parseHTML(html)
	if err != nil {
		return "", nil, err
	}
	plain, ents = trimFormatted(plain, ents)
	ents = fixEntities(plain, ents)
	for _, cmd := range commandEntities(plain) {
		if !overlapsUnformatted(ents, cmd) {
			ents = append(ents, cmd)
		}
	}
	sortEntities(ents)
	return plain, ents, nil
}

// overlapsUnformatted reports whether e shares text with an entity of ents
// other than formatting or a quotation.
func overlapsUnformatted(ents []tgMessageEntity, e tgMessageEntity) bool {
	for _, p := range ents {
		if formattingEntity(p.Type) || quoteEntity(p.Type) {
			continue
		}
		if p.Offset < e.Offset+e.Length && e.Offset < p.Offset+p.Length {
			return true
		}
	}
	return false
}
