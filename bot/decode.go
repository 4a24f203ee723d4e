package bot

import (
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/dialogue"
)

// decode turns a Telegram update into the dialogue's Update. ok is false for
// updates Hromada does not handle (groups, channels, edits, …).
func decode(u tgbotapi.Update) (d dialogue.Update, ok bool) {
	d.ID = u.UpdateID
	switch {
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		if q.From == nil {
			return d, false
		}
		d.UserID, d.ChatID, d.LanguageCode = q.From.ID, q.From.ID, q.From.LanguageCode
		d.Callback = &dialogue.Callback{ID: q.ID, Data: q.Data}
		if q.Message != nil {
			if q.Message.Chat == nil || q.Message.Chat.Type != "private" {
				return d, false
			}
			d.ChatID, d.Callback.MessageID = q.Message.Chat.ID, q.Message.MessageID
		}
		d.At = time.Now()
		return d, true
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || m.Chat.Type != "private" || m.From == nil {
			return d, false
		}
		d.ChatID, d.UserID, d.LanguageCode = m.Chat.ID, m.From.ID, m.From.LanguageCode
		d.At = time.Unix(int64(m.Date), 0)
		switch {
		case m.Contact != nil:
			d.Contact = &dialogue.Contact{Phone: m.Contact.PhoneNumber, UserID: m.Contact.UserID}
		case m.Location != nil:
			d.Location = &dialogue.Location{Lat: m.Location.Latitude, Lon: m.Location.Longitude}
		case m.Text != "":
			d.Text, d.HTML = m.Text, formatHTML(m.Text, m.Entities)
		default:
			d.Unsupported = unsupportedKind(m)
			if len(m.Photo) > 0 {
				d.Photo = m.Photo[len(m.Photo)-1].FileID // the largest size
				d.Caption, d.HTML = m.Caption, formatHTML(m.Caption, m.CaptionEntities)
			}
		}
		return d, true
	}
	return d, false
}

func unsupportedKind(m *tgbotapi.Message) string {
	switch {
	case m.Sticker != nil:
		return "sticker"
	case m.Photo != nil:
		return "photo"
	case m.Voice != nil:
		return "voice"
	case m.Video != nil, m.VideoNote != nil, m.Animation != nil:
		return "video"
	case m.Audio != nil:
		return "audio"
	case m.Document != nil:
		return "document"
	}
	return "other"
}
