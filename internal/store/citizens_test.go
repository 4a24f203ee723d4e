package store_test

import (
	"errors"
	"testing"

	"github.com/hromada/hromada/internal/store"
)

func TestGiveConsentCreatesThenUpdates(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)

	if _, err := st.CitizenByTelegramID(ctx, 42); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CitizenByTelegramID before consent: err = %v, want ErrNotFound", err)
	}

	first, err := st.GiveConsent(ctx, 42, "uk", "2026-01", tick(0))
	if err != nil {
		t.Fatalf("GiveConsent: %v", err)
	}
	if first.ID == 0 || first.TelegramID != 42 || first.Language != "uk" || !first.Subscribed || !first.Reachable ||
		first.ConsentVersion != "2026-01" || !first.ConsentAt.Equal(tick(0)) || !first.CreatedAt.Equal(tick(0)) {
		t.Fatalf("GiveConsent = %+v", first)
	}

	// The citizen became unreachable, then consents to a new notice in English.
	if err := st.SetReachable(ctx, 42, false); err != nil {
		t.Fatalf("SetReachable: %v", err)
	}
	second, err := st.GiveConsent(ctx, 42, "en", "2026-06", tick(10))
	if err != nil {
		t.Fatalf("GiveConsent again: %v", err)
	}
	if second.ID != first.ID || second.Language != "en" || !second.Reachable || second.ConsentVersion != "2026-06" ||
		!second.CreatedAt.Equal(tick(0)) {
		t.Fatalf("GiveConsent again = %+v, want same citizen %d, en, reachable, 2026-06", second, first.ID)
	}

	got, err := st.CitizenByTelegramID(ctx, 42)
	if err != nil {
		t.Fatalf("CitizenByTelegramID: %v", err)
	}
	if got.ID != first.ID || got.ConsentVersion != "2026-06" || !got.ConsentAt.Equal(tick(10)) || got.Language != "en" {
		t.Fatalf("CitizenByTelegramID = %+v", got)
	}
	if n := count(t, st, `SELECT count(*) FROM citizens`); n != 1 {
		t.Errorf("citizens = %d, want 1", n)
	}
	if n := count(t, st, `SELECT count(*) FROM consents WHERE citizen_id = $1 AND accepted`, first.ID); n != 2 {
		t.Errorf("consents = %d, want 2 (every decision is kept)", n)
	}
}

func TestCitizenConsentWithdrawn(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	c := consent(t, st, 7)
	if !c.HasConsent() {
		t.Fatalf("HasConsent after GiveConsent = false")
	}
	// Nothing writes withdrawals yet; the schema allows them.
	if _, err := st.Pool().Exec(ctx,
		`INSERT INTO consents (citizen_id, notice_version, accepted, decided_at) VALUES ($1, '2026-01', false, $2)`,
		c.ID, tick(5)); err != nil {
		t.Fatalf("insert withdrawal: %v", err)
	}
	got, err := st.CitizenByTelegramID(ctx, 7)
	if err != nil {
		t.Fatalf("CitizenByTelegramID: %v", err)
	}
	if got.HasConsent() || !got.ConsentAt.IsZero() {
		t.Fatalf("after withdrawal: ConsentVersion=%q ConsentAt=%v, want none", got.ConsentVersion, got.ConsentAt)
	}
}

func TestCitizenSetters(t *testing.T) {
	t.Parallel()
	st, ctx := newStore(t)
	c := consent(t, st, 9)

	if err := st.SetLanguage(ctx, c.ID, "en"); err != nil {
		t.Fatalf("SetLanguage: %v", err)
	}
	if err := st.SetSubscribed(ctx, c.ID, false); err != nil {
		t.Fatalf("SetSubscribed: %v", err)
	}
	if err := st.SetReachable(ctx, c.TelegramID, false); err != nil {
		t.Fatalf("SetReachable: %v", err)
	}
	got, err := st.CitizenByTelegramID(ctx, 9)
	if err != nil {
		t.Fatalf("CitizenByTelegramID: %v", err)
	}
	if got.Language != "en" || got.Subscribed || got.Reachable {
		t.Fatalf("after setters: %+v", got)
	}

	tests := []struct {
		name string
		err  error
		want error  // errors.Is target, or nil
		code string // SQLSTATE, or ""
	}{
		{"language must be two lower-case letters", st.SetLanguage(ctx, c.ID, "UKR"), nil, "23514"},
		{"language of unknown citizen", st.SetLanguage(ctx, c.ID+100, "en"), store.ErrNotFound, ""},
		{"subscribed of unknown citizen", st.SetSubscribed(ctx, c.ID+100, true), store.ErrNotFound, ""},
		{"reachable of unknown telegram id", st.SetReachable(ctx, 10, true), store.ErrNotFound, ""},
	}
	for _, tt := range tests {
		if tt.want != nil && !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, tt.err, tt.want)
		}
		if tt.code != "" && pgCode(tt.err) != tt.code {
			t.Errorf("%s: err = %v, want SQLSTATE %s", tt.name, tt.err, tt.code)
		}
	}
}
