package tgemu

import (
	"strconv"
	"time"
)

// chatState is one citizen's private chat with the bot. Guarded by Server.mu.
type chatState struct {
	citizen       *Citizen
	started       bool // the citizen has written to the bot
	blocked       bool // the citizen has blocked the bot
	lastMessageID int
	messages      map[int]*storedMessage // every message, both ways, by id
	botMessages   []*storedMessage       // the bot's messages in order
	version       int                    // counts changes to the bot's messages
	changed       signal                 // notified on each change to the bot's messages
	keyboard      *ReplyKeyboard         // the reply keyboard the citizen sees, if any
	mark          int                    // version at the citizen's last action
}

func newChatState(c *Citizen) *chatState {
	return &chatState{citizen: c, messages: make(map[int]*storedMessage)}
}

// storedMessage is a message in a chat. Citizens' messages keep only what
// deleteMessage and editing checks need.
type storedMessage struct {
	id             int
	fromBot        bool
	date, editDate time.Time
	text           string
	caption        string
	parseMode      string
	replyTo        int
	inline         [][]tgInlineButton // replaced, never changed in place
	reply          *ReplyKeyboard
	removeKeyboard bool
	document       *storedFile
	photo          *storedFile
	location       *Location
	mediaGroupID   string
	editCount      int
	deleted        bool
	version        int // chat version of the last change
}

// storedFile is a file the bot uploaded (or referred to by URL).
type storedFile struct {
	id, uniqueID  string
	kind          string // "document" or "photo"
	name          string
	mimeType      string
	data          []byte
	width, height int
}

// callbackState is a callback query a citizen made by tapping a button.
type callbackState struct {
	chatID    int64
	messageID int
	data      string
	answered  bool
	text      string
	showAlert bool
}

// newMessageLocked adds a message to the chat with the next message id.
func (c *chatState) newMessageLocked(fromBot bool) *storedMessage {
	c.lastMessageID++
	m := &storedMessage{id: c.lastMessageID, fromBot: fromBot, date: time.Now()}
	c.messages[m.id] = m
	if fromBot {
		c.botMessages = append(c.botMessages, m)
	}
	return m
}

// touchLocked records a change to one of the bot's messages and wakes the
// goroutines waiting for one.
func (c *chatState) touchLocked(m *storedMessage) {
	c.version++
	m.version = c.version
	c.changed.notify()
}

// applyMarkup attaches a parsed reply_markup to a new bot message and updates
// the reply keyboard the citizen sees.
func (c *chatState) applyMarkup(m *storedMessage, mk markup) {
	switch {
	case mk.inline != nil:
		m.inline = mk.inline
	case mk.reply != nil:
		m.reply = mk.reply
		c.keyboard = mk.reply
	case mk.remove:
		m.removeKeyboard = true
		c.keyboard = nil
	}
}

func (c *chatState) id() int64 { return c.citizen.id }

// instance is the chat_instance of callback queries from this chat.
func (c *chatState) instance() string {
	return strconv.FormatInt(-(c.citizen.id*7919)%1_000_000_000_000_000_000, 10)
}

// wireMessageLocked renders a bot message as Telegram's Message object.
func (s *Server) wireMessageLocked(c *chatState, m *storedMessage) *tgMessage {
	bot := s.bot
	w := &tgMessage{
		MessageID:    m.id,
		From:         &bot,
		Chat:         c.citizen.chat(),
		Date:         m.date.Unix(),
		Text:         m.text,
		Caption:      m.caption,
		MediaGroupID: m.mediaGroupID,
	}
	if !m.editDate.IsZero() {
		w.EditDate = m.editDate.Unix()
	}
	if m.inline != nil {
		w.ReplyMarkup = &tgInlineKeyboardMarkup{InlineKeyboard: m.inline}
	}
	if f := m.document; f != nil {
		w.Document = &tgDocument{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: len(f.data)}
	}
	if f := m.photo; f != nil {
		w.Photo = []tgPhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, FileSize: len(f.data)}}
	}
	if l := m.location; l != nil {
		w.Location = &tgLocation{Latitude: l.Latitude, Longitude: l.Longitude}
	}
	if r := c.messages[m.replyTo]; r != nil && m.replyTo != 0 {
		w.ReplyToMessage = &tgMessage{MessageID: r.id, Chat: c.citizen.chat(), Date: r.date.Unix(), Text: r.text}
		if r.fromBot {
			w.ReplyToMessage.From = &bot
		} else {
			u := c.citizen.user()
			w.ReplyToMessage.From = &u
		}
	}
	return w
}

// targetChatLocked resolves the chat_id of a request to a chat the bot may
// write to.
func (s *Server) targetChatLocked(r *request) (*chatState, error) {
	raw := r.str("chat_id")
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, errChatNotFound
	}
	c := s.chats[id]
	switch {
	case c == nil:
		return nil, errChatNotFound
	case c.blocked:
		return nil, errBotBlocked
	case !c.started:
		return nil, errCannotInitiate
	}
	return c, nil
}

// messageLocked resolves the message_id of a request; missing is the error
// for a message that does not exist.
func (c *chatState) messageLocked(r *request, missing error) (*storedMessage, error) {
	id, ok, err := r.integer("message_id")
	if !ok {
		return nil, badRequest("message identifier is not specified")
	}
	m := c.messages[int(id)]
	if err != nil || m == nil || m.deleted {
		return nil, missing
	}
	return m, nil
}

// newFileLocked stores a file under fresh identifiers.
func (s *Server) newFileLocked(kind, name, mimeType string, data []byte) *storedFile {
	s.nextFileID++
	prefix := "BQACAgIAAxkBAAI" // what Telegram's document ids start with
	if kind == "photo" {
		prefix = "AgACAgIAAxkBAAI"
	}
	f := &storedFile{
		id:       prefix + strconv.Itoa(s.nextFileID) + "emu",
		uniqueID: "AQAD" + strconv.Itoa(s.nextFileID),
		kind:     kind,
		name:     name,
		mimeType: mimeType,
		data:     data,
	}
	s.files[f.id] = f
	return f
}
