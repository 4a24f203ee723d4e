package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// A broadcast composed in Telegram is a draft row until it is sent or
// scheduled: each step of the organiser's conversation saves it, and only a
// draft can be sent, so a double tap on "Send" sends once.

// CreateDraft starts a draft for organiser by (Telegram id), whose chat and
// language get its progress and report. Their older drafts are dropped: one
// draft per organiser.
func (s *Store) CreateDraft(ctx context.Context, by, chat int64, lang string, at time.Time) (Broadcast, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM broadcasts WHERE created_by = $1 AND status = 'draft'`, by); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `
INSERT INTO broadcasts (created_by, text, audience, status, scheduled_at, created_at, notify_chat, notify_lang)
VALUES ($1, '', '{}', 'draft', $2, $2, $3, $4) RETURNING id`, by, at, chat, lang).Scan(&id)
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("store: create draft: %w", err)
	}
	return s.Draft(ctx, id, by)
}

// Draft returns organiser by's draft id; ErrNotFound when it is not a draft
// (any more) or not theirs.
func (s *Store) Draft(ctx context.Context, id, by int64) (Broadcast, error) {
	list, err := s.broadcasts(ctx, `WHERE id = $1 AND created_by = $2 AND status = 'draft'`, id, by)
	if err != nil {
		return Broadcast{}, err
	}
	if len(list) == 0 {
		return Broadcast{}, fmt.Errorf("store: draft %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// SaveDraft stores what b says of its audience, text, photo and button;
// ErrNotFound when it is not a draft of b.CreatedBy any more.
func (s *Store) SaveDraft(ctx context.Context, b Broadcast) error {
	if why := b.Audience.Valid(); why != "" {
		return fmt.Errorf("store: save draft %d: %s", b.ID, why)
	}
	audience, err := json.Marshal(b.Audience)
	if err != nil {
		return err
	}
	var photo, kind, target, button *string
	if b.Photo != "" {
		photo = &b.Photo
	}
	if b.ButtonKind != "" {
		kind, target, button = &b.ButtonKind, &b.ButtonTarget, &b.ButtonText
	}
	tag, err := s.pool.Exec(ctx, `
UPDATE broadcasts SET text = $3, photo = $4, button_text = $5, button_kind = $6, button_target = $7, audience = $8
WHERE id = $1 AND created_by = $2 AND status = 'draft'`, b.ID, b.CreatedBy, b.Text, photo, button, kind, target, audience)
	if err != nil {
		return fmt.Errorf("store: save draft %d: %w", b.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: save draft %d: %w", b.ID, ErrNotFound)
	}
	return nil
}

// SendDraft sends organiser by's draft id now, or schedules it when
// scheduledAt is after at. progress is the message to edit with its
// progress (0: a new one is sent when it starts). ErrNotFound when it is
// not their draft any more: sent already, by a double tap too.
func (s *Store) SendDraft(ctx context.Context, id, by int64, progress int, at, scheduledAt time.Time) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT audience FROM broadcasts WHERE id = $1 AND created_by = $2 AND status = 'draft' FOR UPDATE`, id, by).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var a Audience
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		if progress != 0 {
			if _, err := tx.Exec(ctx, `UPDATE broadcasts SET notify_message = $2 WHERE id = $1`, id, progress); err != nil {
				return err
			}
		}
		return s.launch(ctx, tx, id, a, at, scheduledAt)
	})
	if err != nil {
		return fmt.Errorf("store: send draft %d: %w", id, err)
	}
	return nil
}

// DeleteDraft drops organiser by's draft id (nothing if it is not one).
func (s *Store) DeleteDraft(ctx context.Context, id, by int64) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM broadcasts WHERE id = $1 AND created_by = $2 AND status = 'draft'`, id, by); err != nil {
		return fmt.Errorf("store: delete draft %d: %w", id, err)
	}
	return nil
}

// ClaimProgressMessage reports whether the caller is the one to send
// broadcast id's progress message (it has a chat and no message yet); the
// claim holds until SetProgressMessage, so replicas do not send one each.
func (s *Store) ClaimProgressMessage(ctx context.Context, id int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE broadcasts SET notify_message = 0 WHERE id = $1 AND notify_chat IS NOT NULL AND notify_message IS NULL`, id)
	if err != nil {
		return false, fmt.Errorf("store: claim progress message of %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// SetProgressMessage records the progress message of broadcast id (0: none
// after all, so that another try may send one; -1: none, and no more tries).
func (s *Store) SetProgressMessage(ctx context.Context, id int64, message int) error {
	var m *int
	if message != 0 {
		m = &message
	}
	if _, err := s.pool.Exec(ctx, `UPDATE broadcasts SET notify_message = $2 WHERE id = $1`, id, m); err != nil {
		return fmt.Errorf("store: set progress message of %d: %w", id, err)
	}
	return nil
}
