package tgemu

import (
	"bytes"
	"image"
	_ "image/gif" // photo sizes
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

func (s *Server) sendDocument(r *request) (any, error) { return s.sendFile(r, "document") }

func (s *Server) sendPhoto(r *request) (any, error) { return s.sendFile(r, "photo") }

// sendFile sends one document or photo, given as an upload, a file_id or a URL.
func (s *Server) sendFile(r *request, kind string) (any, error) {
	caption, mode := r.str("caption"), r.str("parse_mode")
	if err := checkCaption(caption, mode); err != nil {
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
	f, err := s.resolveFileLocked(r, kind, kind)
	if err != nil {
		return nil, err
	}
	replyTo, err := replyTarget(c, r)
	if err != nil {
		return nil, err
	}
	m := c.newMessageLocked(true)
	m.caption, m.parseMode, m.replyTo = caption, mode, replyTo
	m.attach(f)
	c.applyMarkup(m, mk)
	c.touchLocked(m)
	return s.wireMessageLocked(c, m), nil
}

func (m *storedMessage) attach(f *storedFile) {
	if f.kind == "photo" {
		m.photo = f
	} else {
		m.document = f
	}
}

// sendMediaGroup sends 2–10 photos or 2–10 documents as an album.
func (s *Server) sendMediaGroup(r *request) (any, error) {
	var items []tgInputMedia
	if ok, err := r.decode("media", &items); !ok {
		return nil, badRequest("parameter \"media\" is required")
	} else if err != nil {
		return nil, badRequest("can't parse media JSON object")
	}
	if len(items) < 2 || len(items) > 10 {
		return nil, badRequest("wrong number of media in the group: must be 2-10")
	}
	documents := 0
	for _, it := range items {
		switch it.Type {
		case "document":
			documents++
		case "photo":
		default:
			return nil, badRequest("the emulator sends only photo and document media, not %q", it.Type)
		}
		if err := checkCaption(it.Caption, it.ParseMode); err != nil {
			return nil, err
		}
	}
	if documents != 0 && documents != len(items) {
		return nil, badRequest("document can't be mixed with other media types")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.targetChatLocked(r)
	if err != nil {
		return nil, err
	}
	files := make([]*storedFile, len(items))
	for i, it := range items {
		if files[i], err = s.mediaFileLocked(r, it); err != nil {
			return nil, err
		}
	}
	s.nextGroupID++
	group := strconv.FormatInt(13_000_000_000_000_000+s.nextGroupID, 10)
	out := make([]*tgMessage, len(items))
	for i, it := range items {
		m := c.newMessageLocked(true)
		m.caption, m.parseMode, m.mediaGroupID = it.Caption, it.ParseMode, group
		m.attach(files[i])
		c.touchLocked(m)
		out[i] = s.wireMessageLocked(c, m)
	}
	return out, nil
}

// mediaFileLocked resolves the media of an InputMedia: attach://<part> or a
// file_id or URL.
func (s *Server) mediaFileLocked(r *request, it tgInputMedia) (*storedFile, error) {
	if part, ok := strings.CutPrefix(it.Media, "attach://"); ok {
		up, ok := r.files[part]
		if !ok {
			return nil, badRequest("can't parse InputMedia: media not found")
		}
		return s.storeUploadLocked(up, it.Type)
	}
	return s.fileByRefLocked(it.Media, it.Type)
}

// resolveFileLocked finds the file of parameter field: an upload, a file_id
// or a URL.
func (s *Server) resolveFileLocked(r *request, field, kind string) (*storedFile, error) {
	if up, ok := r.files[field]; ok {
		return s.storeUploadLocked(up, kind)
	}
	return s.fileByRefLocked(r.str(field), kind)
}

func (s *Server) storeUploadLocked(up upload, kind string) (*storedFile, error) {
	if len(up.data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	mimeType := mimeTypeOf(up.name)
	if mimeType == "" {
		mimeType, _, _ = strings.Cut(http.DetectContentType(up.data), ";")
	}
	f := s.newFileLocked(kind, up.name, mimeType, up.data)
	if kind == "photo" {
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data)); err == nil {
			f.width, f.height = cfg.Width, cfg.Height
		}
	}
	return f, nil
}

// fileByRefLocked finds a file sent before by its file_id, or makes one for a
// URL (which the emulator does not fetch).
func (s *Server) fileByRefLocked(ref, kind string) (*storedFile, error) {
	if ref == "" {
		return nil, badRequest("there is no %s in the request", kind)
	}
	if f := s.files[ref]; f != nil {
		if f.kind != kind {
			return nil, badRequest("can't use file of type %s as %s", titleCase(f.kind), titleCase(kind))
		}
		return f, nil
	}
	if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return s.newFileLocked(kind, path.Base(u.Path), mimeTypeOf(u.Path), nil), nil
	}
	return nil, badRequest("wrong file identifier/HTTP URL specified")
}

// mimeTypeOf guesses a file's type from its name, the way Telegram does for
// documents; the types Hromada sends do not depend on the system's tables.
func mimeTypeOf(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".csv":
		return "text/csv"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".ics":
		return "text/calendar"
	case ".txt":
		return "text/plain"
	}
	t, _, _ := strings.Cut(mime.TypeByExtension(ext), ";")
	return t
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
