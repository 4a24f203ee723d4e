package dialogue

import (
	"context"
	"errors"
	"fmt"

	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// chatVersion is the version of the Chat JSON layout; a state of another
// version is rebuilt from Postgres.
const chatVersion = 2

// Chat is one chat's dialogue state, kept in Redis as JSON. Everything in it
// can be rebuilt from Postgres (rebuild), except a deep link given before
// consent, a multi-choice selection not yet confirmed and the typed step an
// organiser's broadcast draft waits for (its buttons work without it).
type Chat struct {
	V         int             `json:"v"`
	Lang      string          `json:"lang"`
	CitizenID int64           `json:"citizen,omitempty"`       // 0 until consent is given
	Notice    string          `json:"notice,omitempty"`        // the notice version the citizen agreed to
	Pending   string          `json:"pending,omitempty"`       // survey to open once consent is given
	Source    string          `json:"source,omitempty"`        // how the pending survey was reached
	PendingEv string          `json:"pending_event,omitempty"` // event to show once consent is given
	EventFrom string          `json:"event_from,omitempty"`    // "<event id> broadcast:<id>": the invitation that showed it
	Session   *survey.Session `json:"session,omitempty"`       // the survey in progress
	Keyboard  bool            `json:"keyboard,omitempty"`      // a reply keyboard is shown
	Compose   *Compose        `json:"compose,omitempty"`       // an organiser's broadcast being composed
}

// rebuild makes a Chat from Postgres: the citizen (consent, language) and
// their most recent draft response.
func (g *Dialogue) rebuild(ctx context.Context, u Update) (Chat, error) {
	c := Chat{V: chatVersion, Lang: locale.Pick(u.LanguageCode)}
	cit, err := g.d.Store.CitizenByTelegramID(ctx, u.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("dialogue: rebuild chat %d: %w", u.ChatID, err)
	}
	if !cit.HasConsent() {
		return c, nil
	}
	c.CitizenID, c.Lang, c.Notice = cit.ID, cit.Language, cit.ConsentVersion
	draft, err := g.d.Store.LatestDraft(ctx, cit.ID)
	if errors.Is(err, store.ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("dialogue: rebuild chat %d: %w", u.ChatID, err)
	}
	s, err := g.sessionFromDraft(ctx, draft)
	if err != nil {
		return c, err
	}
	c.Session = s
	return c, nil
}

// sessionFromDraft rebuilds the engine session of a draft response.
func (g *Dialogue) sessionFromDraft(ctx context.Context, d store.Draft) (*survey.Session, error) {
	def, err := g.d.Surveys.Version(ctx, d.SurveyID, d.Version)
	if err != nil {
		return nil, err
	}
	status := survey.Asking
	if d.Current == "" {
		status = survey.Reviewing
	}
	s := survey.Rebuild(def, d.ResponseID, d.Lang, d.Answers, d.Current, status, d.Seq)
	return &s, nil
}
