package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Roles of the team. An admin may do what the others may.
const (
	RoleAdmin     = "admin"
	RoleOrganiser = "organiser"
	RoleAnalyst   = "analyst"
)

// ValidRole reports whether role is one of RoleAdmin, RoleOrganiser and
// RoleAnalyst (the schema's CHECKs on staff and api_tokens allow the same).
func ValidRole(role string) bool {
	switch role {
	case RoleAdmin, RoleOrganiser, RoleAnalyst:
		return true
	}
	return false
}

// StaffRole is one role of one team member.
type StaffRole struct {
	TelegramID int64
	Role       string
	GrantedAt  time.Time
	GrantedBy  *int64
}

// Grant gives telegramID role (again: no change). by is the admin who did it
// (nil from the command line).
func (s *Store) Grant(ctx context.Context, telegramID int64, role string, by *int64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO staff (telegram_id, role, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, telegramID, role, by)
	if err != nil {
		return fmt.Errorf("store: grant %s: %w", role, err)
	}
	return nil
}

// Revoke takes role from telegramID. ErrNotFound when they did not have it.
func (s *Store) Revoke(ctx context.Context, telegramID int64, role string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM staff WHERE telegram_id = $1 AND role = $2`, telegramID, role)
	if err != nil {
		return fmt.Errorf("store: revoke %s: %w", role, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: revoke %s: %w", role, ErrNotFound)
	}
	return nil
}

// HasRole reports whether telegramID has role, or is an admin.
func (s *Store) HasRole(ctx context.Context, telegramID int64, role string) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM staff WHERE telegram_id = $1 AND role IN ($2, 'admin'))`, telegramID, role).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: has role %s: %w", role, err)
	}
	return ok, nil
}

// IsStaff reports whether telegramID has any role.
func (s *Store) IsStaff(ctx context.Context, telegramID int64) (bool, error) {
	var ok bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT FROM staff WHERE telegram_id = $1)`, telegramID).Scan(&ok); err != nil {
		return false, fmt.Errorf("store: is staff: %w", err)
	}
	return ok, nil
}

// Staff lists the team, by Telegram id and role.
func (s *Store) Staff(ctx context.Context) ([]StaffRole, error) {
	rows, err := s.pool.Query(ctx, `SELECT telegram_id, role, granted_at, granted_by FROM staff ORDER BY telegram_id, role`)
	if err != nil {
		return nil, fmt.Errorf("store: staff: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (StaffRole, error) {
		var s StaffRole
		err := r.Scan(&s.TelegramID, &s.Role, &s.GrantedAt, &s.GrantedBy)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: staff: %w", err)
	}
	return list, nil
}
