package tgemu

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Keyboard limits; Telegram's documentation names only the callback_data one,
// the others are what its servers and clients enforce.
const (
	maxCallbackData      = 64
	maxInlineButtons     = 100
	maxInlineButtonsRow  = 8
	maxReplyButtons      = 300
	maxReplyButtonsInRow = 12
)

// markup is a parsed reply_markup parameter: at most one field is set.
type markup struct {
	inline     [][]tgInlineButton
	reply      *ReplyKeyboard
	remove     bool
	forceReply bool
}

// parseMarkup parses and validates a reply_markup parameter.
func parseMarkup(raw string) (markup, error) {
	if raw = strings.TrimSpace(raw); raw == "" || raw == "null" {
		return markup{}, nil
	}
	var m tgReplyMarkup
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return markup{}, badRequest("can't parse reply keyboard markup JSON object")
	}
	switch {
	case m.InlineKeyboard != nil:
		rows, err := validInline(*m.InlineKeyboard)
		return markup{inline: rows}, err
	case m.Keyboard != nil:
		kb, err := validReply(m)
		return markup{reply: kb}, err
	case m.RemoveKeyboard:
		return markup{remove: true}, nil
	case m.ForceReply:
		return markup{forceReply: true}, nil
	}
	return markup{}, badRequest("can't parse reply keyboard markup JSON object")
}

// parseInlineMarkup parses the reply_markup of an edit, which may only be an
// inline keyboard.
func parseInlineMarkup(raw string) ([][]tgInlineButton, error) {
	mk, err := parseMarkup(raw)
	if err != nil {
		return nil, err
	}
	if mk.reply != nil || mk.remove || mk.forceReply {
		return nil, badRequest("inline keyboard expected")
	}
	return mk.inline, nil
}

// validInline checks an inline keyboard; it returns nil for a keyboard with
// no buttons, which Telegram treats as none.
func validInline(rows [][]tgInlineButton) ([][]tgInlineButton, error) {
	total := 0
	var kept [][]tgInlineButton
	for _, row := range rows {
		if len(row) > maxInlineButtonsRow {
			return nil, badRequest("too many buttons in a row of the inline keyboard")
		}
		for _, b := range row {
			if b.Text == "" {
				return nil, badRequest("can't parse inline keyboard button: Text must be non-empty")
			}
			actions := 0
			if b.CallbackData != nil {
				actions++
				if n := len(*b.CallbackData); n < 1 || n > maxCallbackData {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
			}
			if b.URL != nil {
				actions++
				if u, err := url.Parse(*b.URL); err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
					return nil, badRequest("inline keyboard button URL '%s' is invalid: Wrong HTTP URL", *b.URL)
				}
			}
			if b.WebApp != nil || b.LoginURL != nil || b.SwitchInlineQuery != nil ||
				b.SwitchInlineQueryCurrentChat != nil || b.CopyText != nil || b.CallbackGame != nil || b.Pay {
				actions++
			}
			if actions == 0 {
				return nil, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			total++
		}
		if len(row) > 0 {
			kept = append(kept, row)
		}
	}
	if total > maxInlineButtons {
		return nil, badRequest("reply markup is too long")
	}
	return kept, nil
}

func validReply(m tgReplyMarkup) (*ReplyKeyboard, error) {
	kb := &ReplyKeyboard{
		OneTime:     m.OneTimeKeyboard,
		Resize:      m.ResizeKeyboard,
		Persistent:  m.IsPersistent,
		Placeholder: m.InputFieldPlaceholder,
	}
	total := 0
	for _, row := range *m.Keyboard {
		if len(row) > maxReplyButtonsInRow {
			return nil, badRequest("too many buttons in a row of the keyboard")
		}
		var out []ReplyButton
		for _, b := range row {
			if b.Text == "" {
				return nil, badRequest("can't parse keyboard button: Text must be non-empty")
			}
			out = append(out, ReplyButton{Text: b.Text, RequestContact: b.RequestContact, RequestLocation: b.RequestLocation})
			total++
		}
		if len(out) > 0 {
			kb.Rows = append(kb.Rows, out)
		}
	}
	if total == 0 {
		return nil, badRequest("keyboard must be non-empty")
	}
	if total > maxReplyButtons {
		return nil, badRequest("reply markup is too long")
	}
	return kb, nil
}

// sameInline reports whether two inline keyboards look the same.
func sameInline(a, b [][]tgInlineButton) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
