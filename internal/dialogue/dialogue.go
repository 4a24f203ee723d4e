// Package dialogue runs one citizen's conversation: it takes one decoded
// update, loads the chat's state (Redis, or Postgres when Redis lost it),
// applies the input through the survey engine, writes what must last to
// Postgres, and returns the replies to send.
//
// It knows nothing of Telegram's types: the bot package decodes updates into
// Update and renders Out into Bot API calls.
package dialogue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/state"
	"github.com/hromada/hromada/internal/store"
)

// Update is one thing a citizen did, decoded from Telegram.
type Update struct {
	ID           int // update_id, for de-duplication
	ChatID       int64
	UserID       int64
	LanguageCode string
	At           time.Time

	Text        string    // a text message (commands included)
	Callback    *Callback // a tapped inline button
	Contact     *Contact  // a shared contact
	Location    *Location // a shared location
	Unsupported string    // kind of a message the bot cannot take: "sticker", "photo", "voice", …
	// HTML is Text, or a photo's caption, with its formatting as Telegram
	// HTML; Photo is a photo's file_id. Only organisers' broadcasts use
	// them: a citizen's photo is Unsupported.
	HTML    string
	Photo   string
	Caption string // a photo's caption as plain text
}

// Callback is a tapped inline button.
type Callback struct {
	ID        string
	Data      string
	MessageID int
}

// Contact is a shared contact; UserID is the Telegram user it belongs to (0 if none).
type Contact struct {
	Phone  string
	UserID int64
}

// Location is a shared point.
type Location struct{ Lat, Lon float64 }

// OutKind says what an Out does.
type OutKind int

// Kinds of Out.
const (
	Send       OutKind = iota // a new message
	Edit                      // replace text and inline keyboard of MessageID
	EditMarkup                // replace only the inline keyboard of MessageID
	Answer                    // answer the callback query CallbackID (toast)
	Document                  // send Files[0] as a document, Text as its caption
	Album                     // send Files (PNG images, up to 10) as an album
	Point                     // send a map point (Lat, Lon) as a location
)

// File is a document or picture to send.
type File struct {
	Name    string
	Bytes   []byte
	Caption string // plain text, at most 1024 characters
}

// Out is one reply for the bot to send, in order.
type Out struct {
	Kind      OutKind
	ChatID    int64
	MessageID int // Edit, EditMarkup

	Text           string // HTML (the bot sends parse_mode HTML)
	Buttons        [][]Button
	Keyboard       [][]KeyButton // a reply keyboard under the input field
	RemoveKeyboard bool

	CallbackID string // Answer
	Toast      string
	Alert      bool

	Files []File // Document, Album
	Photo string // Send: a photo by file_id, with Text as its caption

	Lat, Lon float64 // Point
}

// Button is an inline button: Data for a callback, or URL.
type Button struct {
	Text string
	Data string
	URL  string
}

// KeyButton is a reply-keyboard button.
type KeyButton struct {
	Text            string
	RequestContact  bool
	RequestLocation bool
}

// Deliver sends replies; the dialogue calls it after Postgres committed and
// before the chat's lock is freed, so replies of one chat go out in order.
type Deliver func(ctx context.Context, outs []Out) error

// Deps are what a Dialogue needs.
type Deps struct {
	Store   *store.Store
	State   *state.State
	Catalog *locale.Catalog
	Surveys *Surveys
	Events  *Events // may be nil: no events
	Clock   func() time.Time
	Notice  locale.Notice // the privacy notice in force (its version is recorded with each consent)
	// ContactRetention bounds how long phone numbers and locations are kept
	// when a survey sets no shorter retention (0: no bound).
	ContactRetention time.Duration
	ExportKey        []byte // PSEUDONYM_KEY, for exports sent in Telegram
	Log              *slog.Logger
	Metrics          *Metrics // may be nil
}

// Dialogue handles updates. It is safe for concurrent use: one chat's updates
// are serialised by the chat lock in Redis.
type Dialogue struct {
	d Deps
}

// New returns a Dialogue.
func New(d Deps) *Dialogue {
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics(nil)
	}
	return &Dialogue{d: d}
}

// storageAttempts bounds the retries of one Postgres write before the citizen
// is told that their answer was not saved.
const storageAttempts = 3

// Handle handles one update: duplicates are dropped, the chat is locked, the
// input applied and stored, replies delivered, then the new state saved and
// the lock freed. An error means the update was not handled and must be
// delivered again (not confirmed to Telegram).
func (g *Dialogue) Handle(ctx context.Context, u Update, deliver Deliver) error {
	start := time.Now()
	turn, err := g.d.State.Begin(ctx, u.ChatID, u.ID)
	if err != nil {
		return err
	}
	if turn == nil {
		g.d.Metrics.Duplicates.Inc()
		return nil
	}
	var c Chat
	fresh := true
	if turn.State != nil {
		if err := json.Unmarshal(turn.State, &c); err == nil && c.V == chatVersion {
			fresh = false
		}
	}
	if fresh {
		if c, err = g.rebuild(ctx, u); err != nil {
			_ = turn.Abort(context.WithoutCancel(ctx))
			return err
		}
		g.d.Metrics.Rebuilds.Inc()
	}
	t := &talk{g: g, c: &c, u: u, lang: c.Lang}
	if u.Callback != nil {
		t.callback = u.Callback.ID
	}
	storageFailed := false
	if err := t.run(ctx); err != nil {
		if !errors.Is(err, errStorage) {
			_ = turn.Abort(context.WithoutCancel(ctx))
			return err
		}
		storageFailed = true
		// Postgres failed after retries: the citizen is told the answer was
		// not saved, and the state stays as it was before this update.
		g.d.Log.Error("storage failed; citizen told", "chat_id", u.ChatID, "error", err)
		g.d.Metrics.StorageFailures.Inc()
		t.outs = nil
		t.toast(g.d.Catalog.T(t.lang, "err_storage", nil), true)
		t.send(Out{Text: esc(g.d.Catalog.T(t.lang, "err_storage", nil))})
		c = Chat{} // keep Redis as it was
	}
	outs := t.finish()
	if err := deliver(ctx, outs); err != nil {
		if storageFailed { // nothing stored and the citizen not told: try again later
			_ = turn.Abort(context.WithoutCancel(ctx))
			return err
		}
		// Postgres has what was accepted; the citizen will be asked again
		// when they write. Keep the new state so nothing is applied twice.
		g.d.Log.Warn("delivering replies failed", "chat_id", u.ChatID, "error", err)
	}
	if t.forgotten {
		if err := turn.Forget(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		g.d.Metrics.HandleSeconds.Observe(time.Since(start).Seconds())
		return nil
	}
	var saved []byte
	if c.V == chatVersion {
		if saved, err = json.Marshal(&c); err != nil {
			return fmt.Errorf("dialogue: encode chat %d: %w", u.ChatID, err)
		}
	}
	if err := turn.End(context.WithoutCancel(ctx), saved); err != nil {
		return err
	}
	g.d.Metrics.HandleSeconds.Observe(time.Since(start).Seconds())
	return nil
}
