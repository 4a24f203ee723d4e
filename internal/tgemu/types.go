package tgemu

import "encoding/json"

// Telegram's JSON objects, with field names and shapes as in the Bot API
// (https://core.telegram.org/bots/api#available-types). They are the wire
// format only; tests read the Message type of transcript.go instead.

type tgUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// tgBotUser is what getMe returns.
type tgBotUser struct {
	tgUser
	CanJoinGroups           bool `json:"can_join_groups"`
	CanReadAllGroupMessages bool `json:"can_read_all_group_messages"`
	SupportsInlineQueries   bool `json:"supports_inline_queries"`
}

type tgChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

type tgMessage struct {
	MessageID       int                     `json:"message_id"`
	From            *tgUser                 `json:"from,omitempty"`
	Chat            tgChat                  `json:"chat"`
	Date            int64                   `json:"date"`
	EditDate        int64                   `json:"edit_date,omitempty"`
	ReplyToMessage  *tgMessage              `json:"reply_to_message,omitempty"`
	MediaGroupID    string                  `json:"media_group_id,omitempty"`
	Text            string                  `json:"text,omitempty"`
	Entities        []tgMessageEntity       `json:"entities,omitempty"`
	Document        *tgDocument             `json:"document,omitempty"`
	Photo           []tgPhotoSize           `json:"photo,omitempty"`
	Sticker         *tgSticker              `json:"sticker,omitempty"`
	Voice           *tgVoice                `json:"voice,omitempty"`
	Caption         string                  `json:"caption,omitempty"`
	CaptionEntities []tgMessageEntity       `json:"caption_entities,omitempty"`
	Contact         *tgContact              `json:"contact,omitempty"`
	Location        *tgLocation             `json:"location,omitempty"`
	ReplyMarkup     *tgInlineKeyboardMarkup `json:"reply_markup,omitempty"`
}

// tgMessageEntity marks a stretch of a text or caption; offsets and lengths
// are in UTF-16 code units.
type tgMessageEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`             // text_link
	Language      string `json:"language,omitempty"`        // pre
	CustomEmojiID string `json:"custom_emoji_id,omitempty"` // custom_emoji
}

type tgDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type tgPhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

type tgSticker struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type tgVoice struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

type tgContact struct {
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name,omitempty"`
	UserID      int64  `json:"user_id,omitempty"`
}

type tgLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type tgInlineKeyboardMarkup struct {
	InlineKeyboard [][]tgInlineButton `json:"inline_keyboard"`
}

// tgInlineButton keeps the kinds of button the emulator does not act on as raw
// JSON so they come back unchanged in reply_markup.
type tgInlineButton struct {
	Text                         string          `json:"text"`
	URL                          *string         `json:"url,omitempty"`
	CallbackData                 *string         `json:"callback_data,omitempty"`
	WebApp                       json.RawMessage `json:"web_app,omitempty"`
	LoginURL                     json.RawMessage `json:"login_url,omitempty"`
	SwitchInlineQuery            *string         `json:"switch_inline_query,omitempty"`
	SwitchInlineQueryCurrentChat *string         `json:"switch_inline_query_current_chat,omitempty"`
	CopyText                     json.RawMessage `json:"copy_text,omitempty"`
	CallbackGame                 json.RawMessage `json:"callback_game,omitempty"`
	Pay                          bool            `json:"pay,omitempty"`
}

// tgReplyMarkup decodes any of InlineKeyboardMarkup, ReplyKeyboardMarkup,
// ReplyKeyboardRemove and ForceReply.
type tgReplyMarkup struct {
	InlineKeyboard        *[][]tgInlineButton   `json:"inline_keyboard"`
	Keyboard              *[][]tgKeyboardButton `json:"keyboard"`
	IsPersistent          bool                  `json:"is_persistent"`
	ResizeKeyboard        bool                  `json:"resize_keyboard"`
	OneTimeKeyboard       bool                  `json:"one_time_keyboard"`
	InputFieldPlaceholder string                `json:"input_field_placeholder"`
	RemoveKeyboard        bool                  `json:"remove_keyboard"`
	ForceReply            bool                  `json:"force_reply"`
}

type tgKeyboardButton struct {
	Text            string          `json:"text"`
	RequestContact  bool            `json:"request_contact"`
	RequestLocation bool            `json:"request_location"`
	RequestPoll     json.RawMessage `json:"request_poll"`
}

// UnmarshalJSON accepts a button given as a bare string, as Telegram does.
func (b *tgKeyboardButton) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &b.Text)
	}
	type plain tgKeyboardButton
	return json.Unmarshal(data, (*plain)(b))
}

type tgCallbackQuery struct {
	ID           string     `json:"id"`
	From         tgUser     `json:"from"`
	Message      *tgMessage `json:"message,omitempty"`
	ChatInstance string     `json:"chat_instance"`
	Data         string     `json:"data,omitempty"`
}

type tgChatMember struct {
	User      tgUser `json:"user"`
	Status    string `json:"status"`
	UntilDate *int64 `json:"until_date,omitempty"`
}

type tgChatMemberUpdated struct {
	Chat          tgChat       `json:"chat"`
	From          tgUser       `json:"from"`
	Date          int64        `json:"date"`
	OldChatMember tgChatMember `json:"old_chat_member"`
	NewChatMember tgChatMember `json:"new_chat_member"`
}

type tgUpdate struct {
	UpdateID      int                  `json:"update_id"`
	Message       *tgMessage           `json:"message,omitempty"`
	CallbackQuery *tgCallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *tgChatMemberUpdated `json:"my_chat_member,omitempty"`
}

type tgWebhookInfo struct {
	URL                  string   `json:"url"`
	HasCustomCertificate bool     `json:"has_custom_certificate"`
	PendingUpdateCount   int      `json:"pending_update_count"`
	LastErrorDate        int64    `json:"last_error_date,omitempty"`
	LastErrorMessage     string   `json:"last_error_message,omitempty"`
	MaxConnections       int      `json:"max_connections,omitempty"`
	AllowedUpdates       []string `json:"allowed_updates,omitempty"`
}

type tgBotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

type tgBotCommandScope struct {
	Type   string          `json:"type"`
	ChatID json.RawMessage `json:"chat_id,omitempty"`
	UserID int64           `json:"user_id,omitempty"`
}

type tgInputMedia struct {
	Type      string `json:"type"`
	Media     string `json:"media"`
	Caption   string `json:"caption"`
	ParseMode string `json:"parse_mode"`
}

type tgResponseParameters struct {
	RetryAfter int `json:"retry_after,omitempty"`
}

// tgResponse is the envelope of every answer.
type tgResponse struct {
	OK          bool                  `json:"ok"`
	Result      any                   `json:"result,omitempty"`
	ErrorCode   int                   `json:"error_code,omitempty"`
	Description string                `json:"description,omitempty"`
	Parameters  *tgResponseParameters `json:"parameters,omitempty"`
}
