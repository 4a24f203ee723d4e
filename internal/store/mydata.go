package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MyData is everything Postgres holds about one citizen, as /mydata gives it
// to them: their profile, every consent decision, their roles, their event
// registrations and their answers to named surveys (and to anonymous ones
// still in progress, which stay linked to them until completed).
type MyData struct {
	TelegramID    int64            `json:"telegram_id"`
	Language      string           `json:"language"`
	Subscribed    bool             `json:"subscribed_to_invitations"`
	Reachable     bool             `json:"reachable"`
	Since         time.Time        `json:"since"`
	Consents      []MyConsent      `json:"consents"`
	Roles         []string         `json:"team_roles,omitempty"`
	Registrations []MyRegistration `json:"event_registrations"`
	Responses     []MyResponse     `json:"survey_responses"`
}

// MyConsent is one decision on the privacy notice.
type MyConsent struct {
	NoticeVersion string    `json:"notice_version"`
	Accepted      bool      `json:"accepted"`
	At            time.Time `json:"at"`
}

// MyRegistration is one event registration.
type MyRegistration struct {
	Event        string     `json:"event"`
	Status       string     `json:"status"`
	Code         string     `json:"check_in_code"`
	RegisteredAt time.Time  `json:"registered_at"`
	ConfirmedAt  *time.Time `json:"confirmed_at,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	AttendedAt   *time.Time `json:"attended_at,omitempty"`
}

// MyResponse is one response with its answers as shown to the citizen.
type MyResponse struct {
	Survey      string            `json:"survey"`
	Status      string            `json:"status"`
	Anonymous   bool              `json:"anonymous_in_progress,omitempty"`
	StartedAt   time.Time         `json:"started_at"`
	CompletedAt *time.Time        `json:"completed_at,omitempty"`
	Answers     map[string]string `json:"answers"`
}

// CitizenData gathers MyData of a citizen; ErrNotFound when there is none.
func (s *Store) CitizenData(ctx context.Context, citizenID int64) (MyData, error) {
	var d MyData
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT telegram_id, language, subscribed, reachable, created_at FROM citizens WHERE id = $1`, citizenID).
			Scan(&d.TelegramID, &d.Language, &d.Subscribed, &d.Reachable, &d.Since)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT notice_version, accepted, decided_at FROM consents WHERE citizen_id = $1 ORDER BY decided_at, id`, citizenID)
		if d.Consents, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MyConsent, error) {
			var c MyConsent
			err := r.Scan(&c.NoticeVersion, &c.Accepted, &c.At)
			return c, err
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT role FROM staff WHERE telegram_id = $1 ORDER BY role`, d.TelegramID)
		if d.Roles, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT event_id, status, code, registered_at, confirmed_at, cancelled_at, attended_at
FROM registrations WHERE citizen_id = $1 ORDER BY id`, citizenID)
		if d.Registrations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MyRegistration, error) {
			var m MyRegistration
			err := r.Scan(&m.Event, &m.Status, &m.Code, &m.RegisteredAt, &m.ConfirmedAt, &m.CancelledAt, &m.AttendedAt)
			return m, err
		}); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `
SELECT r.survey_id, r.status, r.citizen_id IS NULL, r.started_at, r.completed_at,
       (SELECT jsonb_object_agg(a.question_id, a.value_text) FROM answers a WHERE a.response_id = r.id)
FROM responses r
WHERE r.citizen_id = $1
   OR r.id IN (SELECT response_id FROM response_drafts WHERE citizen_id = $1)
ORDER BY r.started_at, r.id`, citizenID)
		d.Responses, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (MyResponse, error) {
			var (
				m   MyResponse
				raw []byte
			)
			if err := r.Scan(&m.Survey, &m.Status, &m.Anonymous, &m.StartedAt, &m.CompletedAt, &raw); err != nil {
				return m, err
			}
			m.Answers = map[string]string{}
			if raw != nil {
				if err := json.Unmarshal(raw, &m.Answers); err != nil {
					return m, err
				}
			}
			return m, nil
		})
		return err
	})
	if err != nil {
		return d, fmt.Errorf("store: data of citizen %d: %w", citizenID, err)
	}
	return d, nil
}

// Forget erases a citizen, in one transaction: their live registrations are
// cancelled first (freed seats go to the waitlist, whose citizens are told by
// a PromotedJob), then their drafts (anonymous ones too: until completed they
// are linked to the citizen), and the citizen's row with everything that
// hangs from it: consents, named responses and their answers, registrations,
// participations, pending broadcast deliveries. Their team roles go too,
// and their Telegram id from what they granted or broadcast. Completed anonymous responses
// stay: nothing links them to the citizen. It returns who was promoted;
// ErrNotFound when there is no such citizen.
//
// Named responses are deleted, not detached: their free text, phone number
// or location can identify the person on their own, and the citizen asked to
// be forgotten.
func (s *Store) Forget(ctx context.Context, citizenID int64, at time.Time) ([]Registration, error) {
	var promoted []Registration
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var telegramID int64
		err := tx.QueryRow(ctx, `SELECT telegram_id FROM citizens WHERE id = $1 FOR UPDATE`, citizenID).Scan(&telegramID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// Events in id order, so that two erasures never wait on each other.
		rows, _ := tx.Query(ctx, `SELECT DISTINCT event_id FROM registrations WHERE citizen_id = $1 AND status <> 'cancelled' ORDER BY event_id`, citizenID)
		eventIDs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, id := range eventIDs {
			e, err := lockEvent(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE registrations SET status = 'cancelled', cancelled_at = $3, attended_at = NULL
WHERE event_id = $1 AND citizen_id = $2 AND status <> 'cancelled'`, id, citizenID, at); err != nil {
				return err
			}
			p, err := s.fill(ctx, tx, id, e, at)
			if err != nil {
				return err
			}
			promoted = append(promoted, p...)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM responses WHERE id IN (SELECT response_id FROM response_drafts WHERE citizen_id = $1)`, citizenID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM citizens WHERE id = $1`, citizenID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM staff WHERE telegram_id = $1`, telegramID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE staff SET granted_by = NULL WHERE granted_by = $1`, telegramID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM broadcasts WHERE created_by = $1 AND status = 'draft'`, telegramID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE broadcasts SET created_by = NULL, notify_chat = NULL, notify_message = NULL
WHERE created_by = $1 OR notify_chat = $1`, telegramID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: forget citizen %d: %w", citizenID, err)
	}
	return promoted, nil
}
