package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Token is an API token as stored: never the token itself, only its hash.
type Token struct {
	ID         int64
	Name, Role string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// tokenPrefix marks Hromada's tokens, so a leaked one is recognisable.
const tokenPrefix = "hrm_"

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateToken makes a token for name with role (admin, organiser, analyst)
// and returns it: this is the only time it is seen; only its hash is kept.
func (s *Store) CreateToken(ctx context.Context, name, role string) (token string, id int64, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", 0, fmt.Errorf("store: create token: %w", err)
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	err = s.pool.QueryRow(ctx, `INSERT INTO api_tokens (name, role, token_hash) VALUES ($1, $2, $3) RETURNING id`,
		name, role, hashToken(token)).Scan(&id)
	if err != nil {
		return "", 0, fmt.Errorf("store: create token: %w", err)
	}
	return token, id, nil
}

// TokenFor returns the live (not revoked) token whose value is token, and
// records its use. ErrNotFound for an unknown or revoked token.
func (s *Store) TokenFor(ctx context.Context, token string) (Token, error) {
	var t Token
	err := s.pool.QueryRow(ctx, `
UPDATE api_tokens SET last_used_at = now()
WHERE token_hash = $1 AND revoked_at IS NULL
RETURNING id, name, role, created_at, revoked_at, last_used_at`, hashToken(token)).
		Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.RevokedAt, &t.LastUsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// RevokeToken revokes token id at once. ErrNotFound when there is no live
// token with that id.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}

// Tokens lists every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, role, created_at, revoked_at, last_used_at FROM api_tokens ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	tokens, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Token, error) {
		var t Token
		err := r.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedAt, &t.RevokedAt, &t.LastUsedAt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return tokens, nil
}

// SurveySummary is one survey as the API lists it.
type SurveySummary struct {
	ID        string            `json:"id"`
	Version   int               `json:"version"`
	Title     map[string]string `json:"title"`
	Anonymous bool              `json:"anonymous"`
	Completed int64             `json:"completed"`
	Partial   int64             `json:"partial"`
}

// SurveySummaries lists every survey at its latest version with its counts of
// completed and not yet completed responses.
func (s *Store) SurveySummaries(ctx context.Context) ([]SurveySummary, error) {
	rows, err := s.pool.Query(ctx, `
SELECT v.survey_id, v.version, coalesce(v.definition->'title', '{}'), coalesce((v.definition->>'anonymous')::boolean, false),
       count(r.id) FILTER (WHERE r.status = 'completed'), count(r.id) FILTER (WHERE r.status = 'draft')
FROM survey_versions v
LEFT JOIN responses r ON r.survey_id = v.survey_id
WHERE v.version = (SELECT max(version) FROM survey_versions w WHERE w.survey_id = v.survey_id)
GROUP BY v.survey_id, v.version, v.definition
ORDER BY v.survey_id`)
	if err != nil {
		return nil, fmt.Errorf("store: survey summaries: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SurveySummary, error) {
		var s SurveySummary
		err := r.Scan(&s.ID, &s.Version, &s.Title, &s.Anonymous, &s.Completed, &s.Partial)
		return s, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: survey summaries: %w", err)
	}
	return list, nil
}
