package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Citizen is a person who accepted the privacy notice.
type Citizen struct {
	ID         int64
	TelegramID int64
	Language   string
	Subscribed bool // receives broadcasts
	Reachable  bool // false after Telegram answered 403 (bot blocked)
	// ConsentVersion and ConsentAt are the notice version and time of the
	// citizen's consent in force: their latest decision, when it was an
	// acceptance. Both are zero when the latest decision was a withdrawal.
	ConsentVersion string
	ConsentAt      time.Time
	CreatedAt      time.Time
}

// HasConsent reports whether the citizen has an accepted consent in force.
func (c Citizen) HasConsent() bool { return c.ConsentVersion != "" }

const citizenColumns = `c.id, c.telegram_id, c.language, c.subscribed, c.reachable, c.created_at`

// CitizenByTelegramID returns the citizen with their consent in force, or
// ErrNotFound when no citizen has that Telegram id (they never consented).
func (s *Store) CitizenByTelegramID(ctx context.Context, telegramID int64) (Citizen, error) {
	const q = `
SELECT ` + citizenColumns + `, k.notice_version, k.decided_at
FROM citizens c
LEFT JOIN LATERAL (
    SELECT notice_version, decided_at, accepted
    FROM consents
    WHERE citizen_id = c.id
    ORDER BY decided_at DESC, id DESC
    LIMIT 1
) k ON k.accepted
WHERE c.telegram_id = $1`
	var (
		c       Citizen
		version *string
		at      *time.Time
	)
	err := s.pool.QueryRow(ctx, q, telegramID).Scan(
		&c.ID, &c.TelegramID, &c.Language, &c.Subscribed, &c.Reachable, &c.CreatedAt, &version, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return Citizen{}, fmt.Errorf("store: citizen by telegram id: %w", ErrNotFound)
	}
	if err != nil {
		return Citizen{}, fmt.Errorf("store: citizen by telegram id: %w", err)
	}
	if version != nil && at != nil {
		c.ConsentVersion, c.ConsentAt = *version, *at
	}
	return c, nil
}

// GiveConsent records that the citizen with telegramID accepted notice version
// noticeVersion at time at, creating the citizen (language lang) on their first
// consent. For a known citizen it sets the language to lang and marks them
// reachable again (they just wrote to the bot). The citizen row and the consent
// row are written by one statement, so atomically. It returns the citizen as
// stored, with this consent in force.
func (s *Store) GiveConsent(ctx context.Context, telegramID int64, lang, noticeVersion string, at time.Time) (Citizen, error) {
	const q = `
WITH c AS (
    INSERT INTO citizens AS c (telegram_id, language, created_at, updated_at)
    VALUES ($1, $2, $4, $4)
    ON CONFLICT (telegram_id) DO UPDATE
        SET language = EXCLUDED.language, reachable = true, updated_at = EXCLUDED.updated_at
    RETURNING ` + citizenColumns + `
), k AS (
    INSERT INTO consents (citizen_id, notice_version, accepted, decided_at)
    SELECT id, $3, true, $4 FROM c
)
SELECT c.id, c.telegram_id, c.language, c.subscribed, c.reachable, c.created_at FROM c`
	c := Citizen{ConsentVersion: noticeVersion, ConsentAt: at}
	err := s.pool.QueryRow(ctx, q, telegramID, lang, noticeVersion, at).Scan(
		&c.ID, &c.TelegramID, &c.Language, &c.Subscribed, &c.Reachable, &c.CreatedAt)
	if err != nil {
		return Citizen{}, fmt.Errorf("store: give consent: %w", err)
	}
	return c, nil
}

// SetLanguage changes a citizen's language (a two-letter code; the schema
// rejects anything else). ErrNotFound if there is no such citizen.
func (s *Store) SetLanguage(ctx context.Context, citizenID int64, lang string) error {
	return s.updateCitizen(ctx, "set language",
		`UPDATE citizens SET language = $2, updated_at = now() WHERE id = $1`, citizenID, lang)
}

// SetSubscribed turns broadcasts on or off for a citizen. ErrNotFound if
// there is no such citizen.
func (s *Store) SetSubscribed(ctx context.Context, citizenID int64, subscribed bool) error {
	return s.updateCitizen(ctx, "set subscribed",
		`UPDATE citizens SET subscribed = $2, updated_at = now() WHERE id = $1`, citizenID, subscribed)
}

// Subscribe turns the citizen's invitations on or off and reports whether
// that changed anything (false: they already were). ErrNotFound when there is
// no such citizen.
func (s *Store) Subscribe(ctx context.Context, citizenID int64, on bool) (changed bool, err error) {
	var was bool
	err = s.pool.QueryRow(ctx, `
UPDATE citizens n SET subscribed = $2, updated_at = now()
FROM citizens o WHERE n.id = $1 AND o.id = n.id
RETURNING o.subscribed`, citizenID, on).Scan(&was)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("store: subscribe citizen %d: %w", citizenID, ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("store: subscribe citizen %d: %w", citizenID, err)
	}
	return was != on, nil
}

// SetReachable records whether Telegram delivers to the citizen (false after a
// 403 "bot was blocked"). It is keyed by Telegram id because that is what the
// sender knows. ErrNotFound if no citizen has that Telegram id.
func (s *Store) SetReachable(ctx context.Context, telegramID int64, reachable bool) error {
	return s.updateCitizen(ctx, "set reachable",
		`UPDATE citizens SET reachable = $2, updated_at = now() WHERE telegram_id = $1`, telegramID, reachable)
}

// updateCitizen runs an UPDATE of one citizen keyed by $1; no row is ErrNotFound.
func (s *Store) updateCitizen(ctx context.Context, op, q string, key int64, value any) error {
	tag, err := s.pool.Exec(ctx, q, key, value)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	}
	return nil
}
