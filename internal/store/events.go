package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/hromada/hromada/internal/events"
	"github.com/hromada/hromada/internal/survey"
)

// Registration statuses.
const (
	Confirmed  = "confirmed"
	Waitlisted = "waitlisted"
	Cancelled  = "cancelled"
)

// ErrRegistered means the citizen already holds a live (confirmed or
// waitlisted) registration for the event; the error is a *RegisteredError
// carrying it.
var ErrRegistered = errors.New("already registered")

// ErrFull means every seat is taken and the event has no waitlist.
var ErrFull = errors.New("event is full")

// ErrNotConfirmed means a check-in for a registration that holds no seat
// (waitlisted or cancelled).
var ErrNotConfirmed = errors.New("registration is not confirmed")

// RegisteredError is returned by Register for a citizen already registered.
type RegisteredError struct{ Registration Registration }

// Error says which registration exists.
func (e *RegisteredError) Error() string {
	return fmt.Sprintf("registration %d of event %q exists", e.Registration.ID, e.Registration.EventID)
}

// Unwrap makes errors.Is(err, ErrRegistered) true.
func (e *RegisteredError) Unwrap() error { return ErrRegistered }

// Registration is one citizen's sign-up for one event.
type Registration struct {
	ID           int64
	EventID      string
	CitizenID    int64
	TelegramID   int64  // the citizen's, to write to them
	Lang         string // the citizen's language
	Reachable    bool
	Status       string // Confirmed, Waitlisted or Cancelled
	Code         string // check-in code
	ResponseID   *int64 // answers to the registration questions
	RegisteredAt time.Time
	ConfirmedAt  *time.Time
	CancelledAt  *time.Time
	AttendedAt   *time.Time
	Position     int // place on the waitlist (1 = next), when Waitlisted
}

const registrationColumns = `r.id, r.event_id, r.citizen_id, c.telegram_id, c.language, c.reachable, r.status, r.code,
       r.response_id, r.registered_at, r.confirmed_at, r.cancelled_at, r.attended_at,
       CASE WHEN r.status = 'waitlisted' THEN
           (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id AND w.status = 'waitlisted' AND w.id <= r.id)
       ELSE 0 END`

func scanRegistration(row pgx.Row) (Registration, error) {
	var r Registration
	err := row.Scan(&r.ID, &r.EventID, &r.CitizenID, &r.TelegramID, &r.Lang, &r.Reachable, &r.Status, &r.Code,
		&r.ResponseID, &r.RegisteredAt, &r.ConfirmedAt, &r.CancelledAt, &r.AttendedAt, &r.Position)
	return r, err
}

// eventRow is what the registration rules need of an event, read under its lock.
type eventRow struct {
	capacity  *int
	waitlist  bool
	starts    time.Time
	ends      time.Time
	reminders []int64
	feedback  bool
}

// lockEvent reads the event and locks its row until tx ends: every change of
// its registrations takes this lock first, which serialises sign-ups across
// replicas and orders the waitlist by arrival.
func lockEvent(ctx context.Context, tx pgx.Tx, eventID string) (eventRow, error) {
	var e eventRow
	err := tx.QueryRow(ctx, `
SELECT capacity, waitlist, starts_at, ends_at, reminders, coalesce(definition ->> 'feedback', '') <> ''
FROM events WHERE id = $1 FOR UPDATE`, eventID).Scan(&e.capacity, &e.waitlist, &e.starts, &e.ends, &e.reminders, &e.feedback)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, fmt.Errorf("event %q: %w", eventID, ErrNotFound)
	}
	return e, err
}

// SaveEvent stores the current definition of an event (the bot calls it for
// every event file when it starts). A changed start time or reminder list
// schedules the reminders of the confirmed participants anew (the worker skips
// those of the old time); more seats promote the waitlist. It returns the
// registrations promoted.
func (s *Store) SaveEvent(ctx context.Context, ev *survey.Event, at time.Time) ([]Registration, error) {
	def, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("store: save event %s: %w", ev.ID, err)
	}
	var capacity *int
	if ev.Capacity > 0 {
		capacity = &ev.Capacity
	}
	reminders := make([]int64, len(ev.Reminders))
	for i, d := range ev.Reminders {
		reminders[i] = int64(d / time.Second)
	}
	var promoted []Registration
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var changed bool
		err := tx.QueryRow(ctx, `
INSERT INTO events AS e (id, definition, checksum, starts_at, ends_at, capacity, waitlist, reminders)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, checksum = EXCLUDED.checksum,
    starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, capacity = EXCLUDED.capacity,
    waitlist = EXCLUDED.waitlist, reminders = EXCLUDED.reminders, updated_at = now()
WHERE e.checksum <> EXCLUDED.checksum
RETURNING true`, ev.ID, def, ev.Checksum(), ev.Starts, ev.Ends, capacity, ev.Waitlist, reminders).Scan(&changed)
		if errors.Is(err, pgx.ErrNoRows) { // the same definition: nothing to do
			return nil
		}
		if err != nil {
			return err
		}
		e, err := lockEvent(ctx, tx, ev.ID)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, confirmed_at FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, ev.ID)
		if err != nil {
			return err
		}
		type seat struct {
			id int64
			at time.Time
		}
		seats, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (seat, error) {
			var s seat
			err := r.Scan(&s.id, &s.at)
			return s, err
		})
		if err != nil {
			return err
		}
		for _, st := range seats {
			if err := s.remind(ctx, tx, e, st.id, st.at); err != nil {
				return err
			}
		}
		promoted, err = s.fill(ctx, tx, ev.ID, e, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: save event %s: %w", ev.ID, err)
	}
	return promoted, nil
}

// remind schedules the reminders of a registration confirmed at confirmed: each
// one that was still ahead then (see events.Due).
func (s *Store) remind(ctx context.Context, tx pgx.Tx, e eventRow, registrationID int64, confirmed time.Time) error {
	var jobs []river.InsertManyParams
	for _, before := range e.reminders {
		due, ok := events.Due(e.starts, time.Duration(before)*time.Second, confirmed)
		if !ok {
			continue
		}
		opts := uniqueJob()
		opts.ScheduledAt = due
		jobs = append(jobs, river.InsertManyParams{
			Args:       ReminderJob{RegistrationID: registrationID, Before: before, Starts: e.starts.UTC()},
			InsertOpts: &opts,
		})
	}
	if len(jobs) == 0 {
		return nil
	}
	_, err := s.jobs.InsertManyTx(ctx, tx, jobs)
	return err
}

// fill gives free seats to the waitlist, first come first served, before
// the event starts; each citizen promoted gets a PromotedJob and reminders.
func (s *Store) fill(ctx context.Context, tx pgx.Tx, eventID string, e eventRow, at time.Time) ([]Registration, error) {
	if !at.Before(e.starts) {
		return nil, nil
	}
	var free any // NULL: unlimited
	if e.capacity != nil {
		var taken int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, eventID).Scan(&taken); err != nil {
			return nil, err
		}
		if taken >= *e.capacity {
			return nil, nil
		}
		free = *e.capacity - taken
	}
	rows, err := tx.Query(ctx, `
WITH next AS (
    SELECT id FROM registrations WHERE event_id = $1 AND status = 'waitlisted' ORDER BY id LIMIT $2
), up AS (
    UPDATE registrations r SET status = 'confirmed', confirmed_at = $3
    FROM next WHERE r.id = next.id
    RETURNING r.*
)
SELECT `+registrationColumns+` FROM up r JOIN citizens c ON c.id = r.citizen_id ORDER BY r.id`, eventID, free, at)
	if err != nil {
		return nil, err
	}
	promoted, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Registration, error) { return scanRegistration(r) })
	if err != nil {
		return nil, err
	}
	for _, p := range promoted {
		if _, err := s.jobs.InsertTx(ctx, tx, PromotedJob{RegistrationID: p.ID}, nil); err != nil {
			return nil, err
		}
		if err := s.remind(ctx, tx, e, p.ID, at); err != nil {
			return nil, err
		}
	}
	return promoted, nil
}

// NewRegistration is what Register stores.
type NewRegistration struct {
	EventID   string
	CitizenID int64
	// ResponseID, when not 0, is the draft response with the answers to the
	// registration questions (of survey SurveyID); it is completed in the
	// same transaction as the registration.
	ResponseID int64
	SurveyID   string
	Source     string // how the citizen came: "broadcast:<id>", or ""
	At         time.Time
}

// Register signs a citizen up: confirmed while seats are free, else
// waitlisted (with the position), else ErrFull. A citizen with a live
// registration gets a *RegisteredError (errors.Is ErrRegistered) and nothing
// changes. Whether registration is open is the caller's rule; the seats are
// the store's, decided under the event's lock.
func (s *Store) Register(ctx context.Context, n NewRegistration) (Registration, error) {
	var reg Registration
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		e, err := lockEvent(ctx, tx, n.EventID)
		if err != nil {
			return err
		}
		existing, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id
WHERE r.event_id = $1 AND r.citizen_id = $2 AND r.status <> 'cancelled'`, n.EventID, n.CitizenID))
		if err == nil {
			return &RegisteredError{Registration: existing}
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		status := Confirmed
		if e.capacity != nil {
			var taken int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM registrations WHERE event_id = $1 AND status = 'confirmed'`, n.EventID).Scan(&taken); err != nil {
				return err
			}
			if taken >= *e.capacity {
				if !e.waitlist {
					return ErrFull
				}
				status = Waitlisted
			}
		}
		var response *int64
		if n.ResponseID != 0 {
			if err := complete(ctx, tx, n.ResponseID, n.CitizenID, n.SurveyID, n.At); err != nil {
				return err
			}
			response = &n.ResponseID
		}
		var confirmedAt *time.Time
		if status == Confirmed {
			confirmedAt = &n.At
		}
		var id int64
		for {
			code, err := events.NewCode()
			if err != nil {
				return err
			}
			err = tx.QueryRow(ctx, `
INSERT INTO registrations (event_id, citizen_id, status, code, response_id, registered_at, confirmed_at, source)
VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''))
ON CONFLICT (code) DO NOTHING RETURNING id`, n.EventID, n.CitizenID, status, code, response, n.At, confirmedAt, n.Source).Scan(&id)
			if err == nil {
				break
			}
			if !errors.Is(err, pgx.ErrNoRows) { // ErrNoRows: the code is taken, draw again
				return err
			}
		}
		if status == Confirmed {
			if err := s.remind(ctx, tx, e, id, n.At); err != nil {
				return err
			}
		}
		reg, err = scanRegistration(tx.QueryRow(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id WHERE r.id = $1`, id))
		return err
	})
	if err != nil {
		return Registration{}, fmt.Errorf("store: register for %s: %w", n.EventID, err)
	}
	return reg, nil
}

// CancelRegistration cancels a live registration of the citizen. A freed seat
// goes to the first on the waitlist (returned as promoted, with a PromotedJob
// queued in the same transaction). ErrNotFound when the citizen has no such
// live registration.
func (s *Store) CancelRegistration(ctx context.Context, registrationID, citizenID int64, at time.Time) (cancelled Registration, promoted []Registration, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var eventID string
		err := tx.QueryRow(ctx, `SELECT event_id FROM registrations WHERE id = $1 AND citizen_id = $2 AND status <> 'cancelled'`,
			registrationID, citizenID).Scan(&eventID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		e, err := lockEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		cancelled, err = scanRegistration(tx.QueryRow(ctx, `
WITH up AS (
    UPDATE registrations SET status = 'cancelled', cancelled_at = $3, attended_at = NULL
    WHERE id = $1 AND citizen_id = $2 AND status <> 'cancelled'
    RETURNING *
)
SELECT `+registrationColumns+` FROM up r JOIN citizens c ON c.id = r.citizen_id`, registrationID, citizenID, at))
		if errors.Is(err, pgx.ErrNoRows) { // cancelled meanwhile (a double tap)
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		promoted, err = s.fill(ctx, tx, eventID, e, at)
		return err
	})
	if err != nil {
		return Registration{}, nil, fmt.Errorf("store: cancel registration %d: %w", registrationID, err)
	}
	return cancelled, promoted, nil
}

// RegistrationByID returns a registration (any status), or ErrNotFound.
func (s *Store) RegistrationByID(ctx context.Context, id int64) (Registration, error) {
	r, err := scanRegistration(s.pool.QueryRow(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id WHERE r.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("store: registration %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: registration %d: %w", id, err)
	}
	return r, nil
}

// LiveRegistration returns the citizen's confirmed or waitlisted
// registration for the event, or ErrNotFound.
func (s *Store) LiveRegistration(ctx context.Context, eventID string, citizenID int64) (Registration, error) {
	r, err := scanRegistration(s.pool.QueryRow(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id
WHERE r.event_id = $1 AND r.citizen_id = $2 AND r.status <> 'cancelled'`, eventID, citizenID))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("store: registration for %s: %w", eventID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: registration for %s: %w", eventID, err)
	}
	return r, nil
}

// RegistrationsOf lists the citizen's live registrations, soonest event first.
func (s *Store) RegistrationsOf(ctx context.Context, citizenID int64) ([]Registration, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id JOIN events e ON e.id = r.event_id
WHERE r.citizen_id = $1 AND r.status <> 'cancelled'
ORDER BY e.starts_at, r.id`, citizenID)
	if err != nil {
		return nil, fmt.Errorf("store: registrations of citizen %d: %w", citizenID, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Registration, error) { return scanRegistration(r) })
	if err != nil {
		return nil, fmt.Errorf("store: registrations of citizen %d: %w", citizenID, err)
	}
	return list, nil
}

// SeatsTaken returns the number of confirmed registrations of every event
// that has any.
func (s *Store) SeatsTaken(ctx context.Context) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT event_id, count(*) FROM registrations WHERE status = 'confirmed' GROUP BY event_id`)
	if err != nil {
		return nil, fmt.Errorf("store: seats taken: %w", err)
	}
	taken := map[string]int{}
	var (
		id string
		n  int
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error { taken[id] = n; return nil })
	if err != nil {
		return nil, fmt.Errorf("store: seats taken: %w", err)
	}
	return taken, nil
}

// EventCounts are the registrations of one event by status.
type EventCounts struct {
	Confirmed, Waitlisted, Cancelled, Attended int
}

// CountRegistrations counts the registrations of an event.
func (s *Store) CountRegistrations(ctx context.Context, eventID string) (EventCounts, error) {
	var c EventCounts
	err := s.pool.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'waitlisted'),
       count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE attended_at IS NOT NULL)
FROM registrations WHERE event_id = $1`, eventID).Scan(&c.Confirmed, &c.Waitlisted, &c.Cancelled, &c.Attended)
	if err != nil {
		return c, fmt.Errorf("store: count registrations of %s: %w", eventID, err)
	}
	return c, nil
}

// Attendee is a registration with the answers to the registration questions.
type Attendee struct {
	Registration
	Answers map[string]survey.Answer
}

// Attendees lists every registration of an event (cancelled ones too), in
// arrival order, with the registration answers.
func (s *Store) Attendees(ctx context.Context, eventID string) ([]Attendee, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+registrationColumns+`,
       (SELECT jsonb_object_agg(question_id, value) FROM answers a WHERE a.response_id = r.response_id)
FROM registrations r JOIN citizens c ON c.id = r.citizen_id
WHERE r.event_id = $1 ORDER BY r.id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("store: attendees of %s: %w", eventID, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Attendee, error) {
		var (
			a   Attendee
			raw []byte
		)
		r := &a.Registration
		if err := row.Scan(&r.ID, &r.EventID, &r.CitizenID, &r.TelegramID, &r.Lang, &r.Reachable, &r.Status, &r.Code,
			&r.ResponseID, &r.RegisteredAt, &r.ConfirmedAt, &r.CancelledAt, &r.AttendedAt, &r.Position, &raw); err != nil {
			return a, err
		}
		var err error
		a.Answers, err = decodeAnswers(raw)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: attendees of %s: %w", eventID, err)
	}
	return list, nil
}

// CheckIn marks the confirmed registration with code as attended (again: no
// change, already true) and, when the event has a feedback survey, queues the
// invitation for the event's end. ErrNotFound for an unknown code,
// ErrNotConfirmed for a waitlisted or cancelled registration.
func (s *Store) CheckIn(ctx context.Context, code string, at time.Time) (reg Registration, already bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM registrations WHERE code = $1`, code).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		reg, already, err = s.setAttended(ctx, tx, id, true, at)
		return err
	})
	if err != nil {
		return reg, false, fmt.Errorf("store: check in: %w", err)
	}
	return reg, already, nil
}

// SetAttended marks (or, with attended false, unmarks) a registration's
// attendance, as CheckIn does by code.
func (s *Store) SetAttended(ctx context.Context, registrationID int64, attended bool, at time.Time) (Registration, error) {
	var reg Registration
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) (err error) {
		reg, _, err = s.setAttended(ctx, tx, registrationID, attended, at)
		return err
	})
	if err != nil {
		return reg, fmt.Errorf("store: attendance of %d: %w", registrationID, err)
	}
	return reg, nil
}

func (s *Store) setAttended(ctx context.Context, tx pgx.Tx, id int64, attended bool, at time.Time) (Registration, bool, error) {
	reg, err := scanRegistration(tx.QueryRow(ctx, `SELECT `+registrationColumns+`
FROM registrations r JOIN citizens c ON c.id = r.citizen_id WHERE r.id = $1 FOR UPDATE OF r`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return reg, false, ErrNotFound
	}
	if err != nil {
		return reg, false, err
	}
	if reg.Status != Confirmed {
		return reg, false, ErrNotConfirmed
	}
	already := (reg.AttendedAt != nil) == attended
	if already {
		return reg, true, nil
	}
	if !attended {
		reg.AttendedAt = nil
		_, err := tx.Exec(ctx, `UPDATE registrations SET attended_at = NULL WHERE id = $1`, id)
		return reg, false, err
	}
	reg.AttendedAt = &at
	if _, err := tx.Exec(ctx, `UPDATE registrations SET attended_at = $2 WHERE id = $1`, id, at); err != nil {
		return reg, false, err
	}
	var ends time.Time
	var feedback bool
	if err := tx.QueryRow(ctx, `SELECT ends_at, coalesce(definition ->> 'feedback', '') <> '' FROM events WHERE id = $1`, reg.EventID).Scan(&ends, &feedback); err != nil {
		return reg, false, err
	}
	if feedback {
		opts := uniqueJob()
		opts.ScheduledAt = ends
		if _, err := s.jobs.InsertTx(ctx, tx, FeedbackJob{RegistrationID: id}, &opts); err != nil {
			return reg, false, err
		}
	}
	return reg, false, nil
}
