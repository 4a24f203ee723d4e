package tgemu

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Where a citizen is when pressing a request_location button: Kyiv.
const (
	defaultLatitude  = 50.4501
	defaultLongitude = 30.5234
)

// Citizen is an emulated Telegram user in a private chat with the bot; the
// user id is also the chat id. Each action makes one update and returns its
// update_id. A Citizen is safe for concurrent use, though a real person does
// one thing at a time.
type Citizen struct {
	s            *Server
	id           int64
	firstName    string
	languageCode string
	phone        string
}

// Callback is what a tap on an inline button made.
type Callback struct {
	UpdateID int
	QueryID  string // the callback_query id, for CallbackAnswer
}

// NewCitizen creates a Telegram user with a unique id, who has not written to
// the bot yet: until they do, the bot gets 403 "bot can't initiate
// conversation with a user" when writing to them.
func (s *Server) NewCitizen(firstName, languageCode string) *Citizen {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUserID++
	c := &Citizen{
		s:            s,
		id:           s.nextUserID,
		firstName:    firstName,
		languageCode: languageCode,
		phone:        fmt.Sprintf("380%09d", s.nextUserID%1_000_000_000),
	}
	s.chats[c.id] = newChatState(c)
	return c
}

// ID returns the user id, which is also the id of the private chat.
func (c *Citizen) ID() int64 { return c.id }

// FirstName returns the citizen's first name.
func (c *Citizen) FirstName() string { return c.firstName }

// LanguageCode returns the language of the citizen's Telegram app.
func (c *Citizen) LanguageCode() string { return c.languageCode }

// Phone returns the phone number a request_contact button shares, in the form
// Telegram gives it (digits, no plus sign).
func (c *Citizen) Phone() string { return c.phone }

func (c *Citizen) user() tgUser {
	return tgUser{ID: c.id, FirstName: c.firstName, LanguageCode: c.languageCode}
}

func (c *Citizen) chat() tgChat {
	return tgChat{ID: c.id, Type: "private", FirstName: c.firstName}
}

// Send writes text to the bot. Commands in it ("/start s_abc") are marked with
// bot_command entities, as Telegram does.
func (c *Citizen) Send(text string) (int, error) {
	if strings.TrimSpace(text) == "" {
		return 0, fmt.Errorf("tgemu: a message must not be empty")
	}
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Text, m.Entities = text, commandEntities(text)
		return nil
	})
}

// ShareContact sends a contact: the citizen's own when userID is ID(), as a
// request_contact button does, someone else's otherwise (0: a contact without
// Telegram).
func (c *Citizen) ShareContact(phone string, userID int64) (int, error) {
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Contact = c.contact(phone, userID)
		return nil
	})
}

func (c *Citizen) contact(phone string, userID int64) *tgContact {
	name := "Contact"
	if userID == c.id {
		name = c.firstName
	}
	return &tgContact{PhoneNumber: phone, FirstName: name, UserID: userID}
}

// ShareLocation sends a location.
func (c *Citizen) ShareLocation(lat, lon float64) (int, error) {
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Location = &tgLocation{Latitude: lat, Longitude: lon}
		return nil
	})
}

// SendSticker sends a sticker.
func (c *Citizen) SendSticker() (int, error) {
	return c.post(func(_ *chatState, m *tgMessage) error {
		id := c.fileID("CAACAgIAAxkBAAI")
		m.Sticker = &tgSticker{FileID: id, FileUniqueID: "AgAD" + id[len(id)-6:], Type: "regular", Width: 512, Height: 512, Emoji: "👍", FileSize: 23_412}
		return nil
	})
}

// SendPhoto sends a photo, in the three sizes Telegram makes of one.
func (c *Citizen) SendPhoto() (int, error) {
	return c.post(func(_ *chatState, m *tgMessage) error {
		m.Photo = c.photoSizesLocked()
		return nil
	})
}

// photoSizesLocked makes the three sizes of a new photo; call it with the
// server's lock held.
func (c *Citizen) photoSizesLocked() []tgPhotoSize {
	id := c.fileID("AgACAgIAAxkBAAI")
	var sizes []tgPhotoSize
	for i, side := range []int{90, 320, 1280} {
		size := tgPhotoSize{
			FileID:       id + strconv.Itoa(i),
			FileUniqueID: "AQAD" + id[len(id)-6:] + strconv.Itoa(i),
			Width:        side, Height: side * 3 / 4, FileSize: side * side / 10,
		}
		sizes = append(sizes, size)
		// The bot may send it on by its file_id, as Telegram allows for
		// files it received (the emulator has no bytes for it).
		c.s.files[size.FileID] = &storedFile{id: size.FileID, uniqueID: size.FileUniqueID, kind: "photo",
			name: "photo.jpg", mimeType: "image/jpeg", width: size.Width, height: size.Height}
	}
	return sizes
}

// SendVoice sends a voice message of three seconds.
func (c *Citizen) SendVoice() (int, error) {
	return c.post(func(_ *chatState, m *tgMessage) error {
		id := c.fileID("AwACAgIAAxkBAAI")
		m.Voice = &tgVoice{FileID: id, FileUniqueID: "AgAD" + id[len(id)-6:], Duration: 3, MimeType: "audio/ogg", FileSize: 12_345}
		return nil
	})
}

// fileID makes a file_id for something the citizen sends; call it with the
// server's lock held.
func (c *Citizen) fileID(prefix string) string {
	c.s.nextFileID++
	return fmt.Sprintf("%s%08dcz", prefix, c.s.nextFileID)
}

// PressReplyButton presses a button of the reply keyboard the citizen sees:
// a plain button sends its text, a request_contact one the citizen's own
// contact, a request_location one a location in Kyiv.
func (c *Citizen) PressReplyButton(text string) (int, error) {
	return c.post(func(ch *chatState, m *tgMessage) error {
		if ch.keyboard == nil {
			return fmt.Errorf("%w: citizen %d sees no reply keyboard", ErrNotFound, c.id)
		}
		b, ok := ch.keyboard.Button(text)
		switch {
		case !ok:
			return fmt.Errorf("%w: no reply button %q", ErrNotFound, text)
		case b.RequestContact:
			m.Contact = c.contact(c.phone, c.id)
		case b.RequestLocation:
			m.Location = &tgLocation{Latitude: defaultLatitude, Longitude: defaultLongitude}
		default:
			m.Text, m.Entities = text, commandEntities(text)
		}
		return nil
	})
}

// post makes a message update from the citizen; fill completes the message
// under the server's lock.
func (c *Citizen) post(fill func(*chatState, *tgMessage) error) (int, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := c.chatLocked()
	if err != nil {
		return 0, err
	}
	u := c.user()
	m := &tgMessage{From: &u, Chat: c.chat()}
	if err := fill(ch, m); err != nil {
		return 0, err
	}
	stored := ch.newMessageLocked(false)
	stored.text = m.Text
	m.MessageID, m.Date = stored.id, stored.date.Unix()
	ch.started = true
	ch.mark = ch.version
	return s.enqueueLocked(c.id, kindMessage, &tgUpdate{Message: m}), nil
}

func (c *Citizen) chatLocked() (*chatState, error) {
	if c.s.closed {
		return nil, ErrClosed
	}
	ch := c.s.chats[c.id]
	if ch.blocked {
		return nil, ErrBlocked
	}
	return ch, nil
}

// Tap taps the inline button with the given text on msg (as the citizen saw
// it), which must carry callback data. The callback query carries the
// message as it is now.
func (c *Citizen) Tap(msg Message, buttonText string) (Callback, error) {
	if msg.ChatID != c.id {
		return Callback{}, fmt.Errorf("%w: message %d is not in the chat of citizen %d", ErrNotFound, msg.ID, c.id)
	}
	b, ok := msg.Button(buttonText)
	if !ok {
		return Callback{}, fmt.Errorf("%w: no inline button %q on message %d", ErrNotFound, buttonText, msg.ID)
	}
	if b.CallbackData == "" {
		return Callback{}, fmt.Errorf("tgemu: button %q opens %q and sends no callback", buttonText, b.URL)
	}
	return c.TapData(msg.ID, b.CallbackData)
}

// TapData makes a callback query with data on the bot's message messageID,
// whether or not the message has a button with that data (a stale keyboard,
// a forged query).
func (c *Citizen) TapData(messageID int, data string) (Callback, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := c.chatLocked()
	if err != nil {
		return Callback{}, err
	}
	m := ch.messages[messageID]
	if m == nil || !m.fromBot || m.deleted {
		return Callback{}, fmt.Errorf("%w: no message %d from the bot in chat %d", ErrNotFound, messageID, c.id)
	}
	s.nextQueryID++
	qid := strconv.FormatInt(2_000_000_000_000_000_000+s.nextQueryID, 10)
	s.callbacks[qid] = &callbackState{chatID: c.id, messageID: messageID, data: data}
	s.callOrder = append(s.callOrder, qid)
	q := &tgCallbackQuery{ID: qid, From: c.user(), Message: s.wireMessageLocked(ch, m), ChatInstance: ch.instance(), Data: data}
	ch.mark = ch.version
	id := s.enqueueLocked(c.id, kindCallbackQuery, &tgUpdate{CallbackQuery: q})
	return Callback{UpdateID: id, QueryID: qid}, nil
}

// BlockBot blocks the bot: Telegram sends a my_chat_member update (member →
// kicked) and answers 403 to whatever the bot sends the citizen afterwards.
func (c *Citizen) BlockBot() (int, error) { return c.setBlocked(true) }

// UnblockBot unblocks the bot, with a my_chat_member update (kicked →
// member). The Telegram app then usually sends /start; call Send for that.
func (c *Citizen) UnblockBot() (int, error) { return c.setBlocked(false) }

func (c *Citizen) setBlocked(blocked bool) (int, error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	ch := s.chats[c.id]
	if ch.blocked == blocked {
		return 0, fmt.Errorf("tgemu: citizen %d: blocked is already %t", c.id, blocked)
	}
	ch.blocked = blocked
	var zero int64
	member := tgChatMember{User: s.bot, Status: "member"}
	kicked := tgChatMember{User: s.bot, Status: "kicked", UntilDate: &zero}
	change := &tgChatMemberUpdated{Chat: c.chat(), From: c.user(), Date: time.Now().Unix(), OldChatMember: member, NewChatMember: kicked}
	if !blocked {
		change.OldChatMember, change.NewChatMember = kicked, member
	}
	ch.mark = ch.version
	return s.enqueueLocked(c.id, kindMyChatMember, &tgUpdate{MyChatMember: change}), nil
}

// Messages returns the bot's messages in the citizen's chat (see
// Server.Messages).
func (c *Citizen) Messages() []Message { return c.s.Messages(c.id) }

// LastMessage returns the bot's latest message in the citizen's chat.
func (c *Citizen) LastMessage() (Message, bool) { return c.s.LastMessage(c.id) }

// Keyboard returns the reply keyboard the citizen sees, or nil.
func (c *Citizen) Keyboard() *ReplyKeyboard {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.chats[c.id].keyboard.clone()
}

// WaitReply waits for a bot message in the citizen's chat, sent or edited
// (or deleted) after the citizen's latest action, that satisfies match. Use it
// after each action; an earlier action's replies are not considered.
func (c *Citizen) WaitReply(ctx context.Context, match func(Message) bool) (Message, error) {
	return c.s.waitChat(ctx, c.id, func(ch *chatState) int { return ch.mark }, match)
}

// commandEntities marks the bot commands in text as Telegram does: a slash at
// the start of a word followed by up to 64 letters, digits or underscores,
// optionally @botname. Offsets and lengths are in UTF-16 code units.
func commandEntities(text string) []tgMessageEntity {
	var out []tgMessageEntity
	wordChar := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i < len(text); i++ {
		if text[i] != '/' {
			continue
		}
		if prev, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && (wordChar(prev) || prev == '/') {
			continue
		}
		end := i + 1
		for end < len(text) && end-i <= 64 && isCommandByte(text[end]) {
			end++
		}
		if end == i+1 {
			continue
		}
		if end < len(text) && text[end] == '@' {
			at := end + 1
			for at < len(text) && isCommandByte(text[at]) {
				at++
			}
			if at-end > 3 {
				end = at
			}
		}
		if next, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && (wordChar(next) || next == '/') {
			continue
		}
		out = append(out, tgMessageEntity{Type: "bot_command", Offset: utf16Len(text[:i]), Length: utf16Len(text[i:end])})
		i = end - 1
	}
	return out
}

func isCommandByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// MarkStarted makes the chat count as started, as if the citizen had written
// to the bot long ago (their updates long confirmed): the bot may write to
// them without an update in the queue. For setting up many recipients.
func (c *Citizen) MarkStarted() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.chats[c.id].started = true
}

// BlockBotQuietly blocks the bot without a my_chat_member update, as when
// the bot never got it (an update older than Telegram keeps, an account
// deleted): the bot learns it only from the 403 of its next message.
func (c *Citizen) BlockBotQuietly() {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.chats[c.id].blocked = true
}
