package tgemu

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Message is a message the bot sent, as the citizen sees it now: edits
// applied, deletion marked.
type Message struct {
	ID        int
	ChatID    int64
	Date      time.Time
	Text      string // as sent: HTML or MarkdownV2 markup is kept; see PlainText
	Caption   string // of a photo or document
	ParseMode string
	ReplyTo   int // the message replied to, 0 if none

	InlineKeyboard [][]InlineButton
	ReplyKeyboard  *ReplyKeyboard // sent with this message, nil if none
	RemoveKeyboard bool           // the message carried ReplyKeyboardRemove

	Document     *File
	Photo        *File
	MediaGroupID string
	Location     *Location

	EditCount int
	Deleted   bool
}

// InlineButton is a button of an inline keyboard.
type InlineButton struct {
	Text         string
	CallbackData string
	URL          string
}

// ReplyKeyboard is a custom keyboard that replaces the citizen's letter keys.
type ReplyKeyboard struct {
	Rows        [][]ReplyButton
	OneTime     bool
	Resize      bool
	Persistent  bool
	Placeholder string
}

// ReplyButton is a button of a reply keyboard.
type ReplyButton struct {
	Text            string
	RequestContact  bool
	RequestLocation bool
}

// File is a document or photo the bot sent. Bytes is nil for a file sent by
// URL; it is shared, do not modify it.
type File struct {
	ID       string // file_id, which the bot may send again
	Name     string
	MIMEType string
	Bytes    []byte
}

// Location is a point on the map.
type Location struct {
	Latitude  float64
	Longitude float64
}

// Button returns the inline button with the given text.
func (m Message) Button(text string) (InlineButton, bool) {
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			if b.Text == text {
				return b, true
			}
		}
	}
	return InlineButton{}, false
}

// PlainText returns the text (or caption) as the citizen reads it, with
// HTML or Markdown markup removed.
func (m Message) PlainText() string {
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	if plain, err := plainText(text, m.ParseMode); err == nil {
		return plain
	}
	return text
}

// Button returns the button of the keyboard with the given text.
func (k *ReplyKeyboard) Button(text string) (ReplyButton, bool) {
	if k == nil {
		return ReplyButton{}, false
	}
	for _, row := range k.Rows {
		for _, b := range row {
			if b.Text == text {
				return b, true
			}
		}
	}
	return ReplyButton{}, false
}

func (k *ReplyKeyboard) clone() *ReplyKeyboard {
	if k == nil {
		return nil
	}
	out := *k
	out.Rows = make([][]ReplyButton, len(k.Rows))
	for i, row := range k.Rows {
		out.Rows[i] = slices.Clone(row)
	}
	return &out
}

// snapshot copies a bot message into a Message the caller may keep.
func (c *chatState) snapshot(m *storedMessage) Message {
	out := Message{
		ID:             m.id,
		ChatID:         c.id(),
		Date:           m.date,
		Text:           m.text,
		Caption:        m.caption,
		ParseMode:      m.parseMode,
		ReplyTo:        m.replyTo,
		ReplyKeyboard:  m.reply.clone(),
		RemoveKeyboard: m.removeKeyboard,
		Document:       m.document.file(),
		Photo:          m.photo.file(),
		MediaGroupID:   m.mediaGroupID,
		EditCount:      m.editCount,
		Deleted:        m.deleted,
	}
	if m.location != nil {
		loc := *m.location
		out.Location = &loc
	}
	for _, row := range m.inline {
		buttons := make([]InlineButton, len(row))
		for i, b := range row {
			buttons[i].Text = b.Text
			if b.CallbackData != nil {
				buttons[i].CallbackData = *b.CallbackData
			}
			if b.URL != nil {
				buttons[i].URL = *b.URL
			}
		}
		out.InlineKeyboard = append(out.InlineKeyboard, buttons)
	}
	return out
}

func (f *storedFile) file() *File {
	if f == nil {
		return nil
	}
	return &File{ID: f.id, Name: f.name, MIMEType: f.mimeType, Bytes: f.data}
}

// changedSinceLocked returns the bot's messages changed after version, in
// the order they were sent.
func (c *chatState) changedSinceLocked(version int) []Message {
	var out []Message
	for _, m := range c.botMessages {
		if m.version > version {
			out = append(out, c.snapshot(m))
		}
	}
	return out
}

func (s *Server) chatLocked(chatID int64) (*chatState, error) {
	c := s.chats[chatID]
	if c == nil {
		return nil, fmt.Errorf("%w: chat %d", ErrNotFound, chatID)
	}
	return c, nil
}

// Messages returns every message the bot sent into a chat, in order, as the
// citizen sees it now (deleted ones included, marked Deleted).
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.chatLocked(chatID)
	if err != nil {
		return nil
	}
	return c.changedSinceLocked(0)
}

// LastMessage returns the latest message the bot sent into a chat.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.chatLocked(chatID)
	if err != nil || len(c.botMessages) == 0 {
		return Message{}, false
	}
	return c.snapshot(c.botMessages[len(c.botMessages)-1]), true
}

// WaitFor returns the first of the bot's messages in a chat that satisfies
// match, looking first at the messages already there, in order, and then at
// each message sent, edited or deleted later, until ctx is done. match runs
// without the server's lock held. To look only at what follows a citizen's
// action, use Citizen.WaitReply.
func (s *Server) WaitFor(ctx context.Context, chatID int64, match func(Message) bool) (Message, error) {
	return s.waitChat(ctx, chatID, func(*chatState) int { return 0 }, match)
}

// waitChat waits for a bot message changed after the version since returns
// that satisfies match.
func (s *Server) waitChat(ctx context.Context, chatID int64, since func(*chatState) int, match func(Message) bool) (Message, error) {
	s.mu.Lock()
	c, err := s.chatLocked(chatID)
	if err != nil {
		s.mu.Unlock()
		return Message{}, err
	}
	seen := since(c)
	for {
		changed := c.changedSinceLocked(seen)
		seen = c.version
		wake, closed := c.changed.wait(), s.closed
		s.mu.Unlock()
		for _, m := range changed {
			if match(m) {
				return m, nil
			}
		}
		if closed {
			return Message{}, ErrClosed
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("tgemu: waiting for a message in chat %d: %w", chatID, ctx.Err())
		case <-s.done:
		}
		s.mu.Lock()
	}
}

// Changes returns the bot's messages in a chat that were sent, edited or
// deleted after version since, waiting until there is at least one, and the
// version to pass next time. Since 0 returns every message. It suits a loop
// that shows a conversation as it happens, like the sandbox's.
func (s *Server) Changes(ctx context.Context, chatID int64, since int) ([]Message, int, error) {
	s.mu.Lock()
	c, err := s.chatLocked(chatID)
	if err != nil {
		s.mu.Unlock()
		return nil, since, err
	}
	for c.version <= since {
		wake := c.changed.wait()
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return nil, since, ErrClosed
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, since, ctx.Err()
		case <-s.done:
		}
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	return c.changedSinceLocked(since), c.version, nil
}

// CallbackAnswer returns how the bot answered a callback query.
func (s *Server) CallbackAnswer(queryID string) (text string, showAlert bool, answered bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.callbacks[queryID]
	if q == nil {
		return "", false, false
	}
	return q.text, q.showAlert, q.answered
}

// UnansweredCallbacks returns the ids of the callback queries the bot has not
// answered, oldest first.
func (s *Server) UnansweredCallbacks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range s.callOrder {
		if !s.callbacks[id].answered {
			out = append(out, id)
		}
	}
	return out
}
