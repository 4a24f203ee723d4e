package tgemu

import (
	"time"
)

// chatActions are the actions sendChatAction accepts.
var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendMessage(r *request) (any, error) {
	text, mode := r.str("text"), r.str("parse_mode")
	if err := checkText(text, mode); err != nil {
		return nil, err
	}
	mk, err := parseMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetChatLocked(r)
	if err != nil {
		return nil, err
	}
	replyTo, err := replyTarget(c, r)
	if err != nil {
		return nil, err
	}
	m := c.newMessageLocked(true)
	m.text, m.parseMode, m.replyTo = text, mode, replyTo
	c.applyMarkup(m, mk)
	c.touchLocked(m)
	return s.wireMessageLocked(c, m), nil
}

// replyTarget resolves reply_to_message_id (or reply_parameters) to a message
// of the chat; 0 means no reply.
func replyTarget(c *chatState, r *request) (int, error) {
	id, _, err := r.integer("reply_to_message_id")
	if err != nil {
		return 0, badRequest("message to be replied not found")
	}
	lenient := r.flag("allow_sending_without_reply")
	var params struct {
		MessageID                int   `json:"message_id"`
		ChatID                   int64 `json:"chat_id"`
		AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
	}
	if ok, err := r.decode("reply_parameters", &params); ok {
		if err != nil {
			return 0, badRequest("can't parse reply parameters JSON object")
		}
		id, lenient = int64(params.MessageID), params.AllowSendingWithoutReply
	}
	if id == 0 {
		return 0, nil
	}
	if m := c.messages[int(id)]; m != nil && !m.deleted {
		return m.id, nil
	}
	if lenient {
		return 0, nil
	}
	return 0, badRequest("message to be replied not found")
}

func (s *Server) editMessageText(r *request) (any, error) {
	if r.str("inline_message_id") != "" {
		return nil, errMessageNotFound // the emulator has no inline messages
	}
	text, mode := r.str("text"), r.str("parse_mode")
	if err := checkText(text, mode); err != nil {
		return nil, err
	}
	inline, err := parseInlineMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.editableLocked(r)
	if err != nil {
		return nil, err
	}
	if m.document != nil || m.photo != nil || m.location != nil {
		return nil, badRequest("there is no text in the message to edit")
	}
	// Like Telegram, an edit without reply_markup removes the inline keyboard.
	if m.text == text && m.parseMode == mode && sameInline(m.inline, inline) {
		return nil, errNotModified
	}
	m.text, m.parseMode, m.inline = text, mode, inline
	s.editedLocked(c, m)
	return s.wireMessageLocked(c, m), nil
}

func (s *Server) editMessageReplyMarkup(r *request) (any, error) {
	if r.str("inline_message_id") != "" {
		return nil, errMessageNotFound
	}
	inline, err := parseInlineMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, err := s.editableLocked(r)
	if err != nil {
		return nil, err
	}
	if sameInline(m.inline, inline) {
		return nil, errNotModified
	}
	m.inline = inline
	s.editedLocked(c, m)
	return s.wireMessageLocked(c, m), nil
}

// editableLocked resolves the chat and the bot message an edit names.
func (s *Server) editableLocked(r *request) (*chatState, *storedMessage, error) {
	c, err := s.targetChatLocked(r)
	if err != nil {
		return nil, nil, err
	}
	m, err := c.messageLocked(r, errMessageNotFound)
	if err != nil {
		return nil, nil, err
	}
	if !m.fromBot {
		return nil, nil, badRequest("message can't be edited")
	}
	return c, m, nil
}

func (s *Server) editedLocked(c *chatState, m *storedMessage) {
	m.editCount++
	m.editDate = time.Now()
	c.touchLocked(m)
}

func (s *Server) deleteMessage(r *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetChatLocked(r)
	if err != nil {
		return nil, err
	}
	m, err := c.messageLocked(r, badRequest("message to delete not found"))
	if err != nil {
		return nil, err
	}
	m.deleted = true
	if m.fromBot {
		c.touchLocked(m)
	}
	return true, nil
}

func (s *Server) sendLocation(r *request) (any, error) {
	lat, okLat, errLat := r.number("latitude")
	lon, okLon, errLon := r.number("longitude")
	if !okLat || errLat != nil || lat < -90 || lat > 90 {
		return nil, badRequest("wrong latitude specified")
	}
	if !okLon || errLon != nil || lon < -180 || lon > 180 {
		return nil, badRequest("wrong longitude specified")
	}
	mk, err := parseMarkup(r.str("reply_markup"))
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetChatLocked(r)
	if err != nil {
		return nil, err
	}
	m := c.newMessageLocked(true)
	m.location = &Location{Latitude: lat, Longitude: lon}
	c.applyMarkup(m, mk)
	c.touchLocked(m)
	return s.wireMessageLocked(c, m), nil
}

func (s *Server) sendChatAction(r *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.targetChatLocked(r); err != nil {
		return nil, err
	}
	if !chatActions[r.str("action")] {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func (s *Server) answerCallbackQuery(r *request) (any, error) {
	text := r.str("text")
	if utf16Len(text) > maxAnswerLength {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.callbacks[r.str("callback_query_id")]
	if q == nil || q.answered {
		return nil, errQueryTooOld
	}
	q.answered, q.text, q.showAlert = true, text, r.flag("show_alert")
	return true, nil
}
