package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// Broadcast statuses.
const (
	BroadcastDraft     = "draft" // being composed in Telegram
	BroadcastScheduled = "scheduled"
	BroadcastRunning   = "running"
	BroadcastDone      = "done"
	BroadcastCancelled = "cancelled"
)

// Delivery outcomes.
const (
	Sent    = "sent"
	Blocked = "blocked" // Telegram answered 403: the citizen is marked unreachable
	Failed  = "failed"  // still failing after DeliveryAttempts
	Skipped = "skipped" // unsubscribed or unreachable by the time it was their turn
)

// DeliveryAttempts bounds how often one recipient is tried (each try is the
// sender's own retries of 5xx and network errors).
const DeliveryAttempts = 3

// Audience says who gets a broadcast: every subscriber who can be reached,
// narrowed by each condition set (all of them: AND). The zero value is every
// subscriber.
type Audience struct {
	Language string `json:"language,omitempty"` // speaks it (uk, en, ru)
	// Region is a region's option id answered to a region question of a
	// completed named survey (an unconfirmed draft does not count).
	// Anonymous answers are never used: they must not be linkable to a
	// person, for targeting least of all.
	Region string `json:"region,omitempty"`
	// Survey with SurveyState: "completed", "started" (a draft, not
	// completed) or "not_started" (neither).
	Survey      string `json:"survey,omitempty"`
	SurveyState string `json:"survey_state,omitempty"`
	// Event with EventState: "registered" (a seat), "waitlisted" or "attended".
	Event      string `json:"event,omitempty"`
	EventState string `json:"event_state,omitempty"`
}

// Audience states.
var (
	SurveyStates = []string{"completed", "started", "not_started"}
	EventStates  = []string{"registered", "waitlisted", "attended"}
)

// Valid says what is wrong with the audience, or "".
func (a Audience) Valid() string {
	if (a.Survey == "") != (a.SurveyState == "") || (a.SurveyState != "" && !slices.Contains(SurveyStates, a.SurveyState)) {
		return "a survey audience needs a survey and one of: " + strings.Join(SurveyStates, ", ")
	}
	if (a.Event == "") != (a.EventState == "") || (a.EventState != "" && !slices.Contains(EventStates, a.EventState)) {
		return "an event audience needs an event and one of: " + strings.Join(EventStates, ", ")
	}
	return ""
}

// where is the audience's condition on citizens c, with its arguments
// numbered from n.
func (a Audience) where(n int) (string, []any) {
	conds := []string{"c.subscribed", "c.reachable"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", n+len(args)-1)
	}
	if a.Language != "" {
		conds = append(conds, "c.language = "+arg(a.Language))
	}
	if a.Region != "" {
		conds = append(conds, `EXISTS (
    SELECT FROM responses r
    JOIN answers x ON x.response_id = r.id
    JOIN survey_versions v ON v.survey_id = r.survey_id AND v.version = r.survey_version
    CROSS JOIN LATERAL jsonb_array_elements(v.definition -> 'questions') q
    WHERE r.citizen_id = c.id AND r.status = 'completed' AND q ->> 'id' = x.question_id AND q ->> 'type' = 'region'
      AND x.value ->> 'choice' = `+arg(a.Region)+`)`)
	}
	if a.Survey != "" {
		id := arg(a.Survey)
		completed := "EXISTS (SELECT FROM participations p WHERE p.citizen_id = c.id AND p.survey_id = " + id + ")"
		started := "EXISTS (SELECT FROM response_drafts d JOIN responses r ON r.id = d.response_id WHERE d.citizen_id = c.id AND r.survey_id = " + id + ")"
		switch a.SurveyState {
		case "completed":
			conds = append(conds, completed)
		case "started":
			conds = append(conds, started, "NOT "+completed)
		case "not_started":
			conds = append(conds, "NOT "+started, "NOT "+completed)
		}
	}
	if a.Event != "" {
		state := map[string]string{
			"registered": "g.status = 'confirmed'",
			"waitlisted": "g.status = 'waitlisted'",
			"attended":   "g.attended_at IS NOT NULL",
		}[a.EventState]
		conds = append(conds, "EXISTS (SELECT FROM registrations g WHERE g.citizen_id = c.id AND g.event_id = "+arg(a.Event)+" AND "+state+")")
	}
	return strings.Join(conds, " AND "), args
}

// Broadcast is one organiser message to many citizens.
type Broadcast struct {
	ID           int64
	CreatedBy    *int64
	Text         string // Telegram HTML; a photo's caption when Photo is set
	Photo        string // Telegram file_id, or ""
	ButtonText   string
	ButtonKind   string // "survey", "event", "url" or ""
	ButtonTarget string // survey id, event id or URL
	Audience     Audience
	Status       string
	ScheduledAt  time.Time
	CreatedAt    time.Time
	StartedAt    *time.Time
	FinishedAt   *time.Time
	Recipients   int
	// Notify is where progress and the report go: the organiser's chat
	// (0: nowhere), the progress message once there is one, and their
	// language.
	NotifyChat    int64
	NotifyMessage int
	NotifyLang    string
	// Failure is Telegram's refusal of the message that stopped it, or "".
	Failure string
}

// NewBroadcast is what CreateBroadcast stores.
type NewBroadcast struct {
	CreatedBy    *int64
	Text         string
	ButtonText   string
	ButtonKind   string
	ButtonTarget string
	Audience     Audience
	At           time.Time // now
	ScheduledAt  time.Time // zero or not after At: send now
}

// BroadcastStartJob starts a scheduled broadcast at its time.
type BroadcastStartJob struct {
	BroadcastID int64 `json:"broadcast_id"`
}

// Kind names the job for River.
func (BroadcastStartJob) Kind() string { return "broadcast_start" }

// InsertOpts makes the job unique by its arguments.
func (BroadcastStartJob) InsertOpts() river.InsertOpts { return uniqueJob() }

// BroadcastReportJob tells the organiser who composed a broadcast in
// Telegram how it went, once it is done or cancelled.
type BroadcastReportJob struct {
	BroadcastID int64 `json:"broadcast_id"`
}

// Kind names the job for River.
func (BroadcastReportJob) Kind() string { return "broadcast_report" }

// InsertOpts makes the job unique by its arguments.
func (BroadcastReportJob) InsertOpts() river.InsertOpts { return uniqueJob() }

// AudienceSize counts who a broadcast to a would reach now.
func (s *Store) AudienceSize(ctx context.Context, a Audience) (int, error) {
	cond, args := a.where(1)
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM citizens c WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: audience size: %w", err)
	}
	return n, nil
}

// CreateBroadcast stores a broadcast and sends it now (its recipients are
// the audience as it is now) or schedules it.
func (s *Store) CreateBroadcast(ctx context.Context, b NewBroadcast) (Broadcast, error) {
	if why := b.Audience.Valid(); why != "" {
		return Broadcast{}, fmt.Errorf("store: create broadcast: %s", why)
	}
	audience, err := json.Marshal(b.Audience)
	if err != nil {
		return Broadcast{}, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var kind, target, button *string
		if b.ButtonKind != "" {
			kind, target, button = &b.ButtonKind, &b.ButtonTarget, &b.ButtonText
		}
		if err := tx.QueryRow(ctx, `
INSERT INTO broadcasts (created_by, text, button_text, button_kind, button_target, audience, status, scheduled_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $7) RETURNING id`,
			b.CreatedBy, b.Text, button, kind, target, audience, b.At).Scan(&id); err != nil {
			return err
		}
		return s.launch(ctx, tx, id, b.Audience, b.At, b.ScheduledAt)
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("store: create broadcast: %w", err)
	}
	return s.Broadcast(ctx, id)
}

// launch takes draft id out of the drafts: it starts now, or at
// scheduledAt when that is later, by a BroadcastStartJob inserted in tx.
func (s *Store) launch(ctx context.Context, tx pgx.Tx, id int64, a Audience, at, scheduledAt time.Time) error {
	if !scheduledAt.After(at) {
		if _, err := tx.Exec(ctx, `UPDATE broadcasts SET scheduled_at = $2, created_at = $2 WHERE id = $1`, id, at); err != nil {
			return err
		}
		return start(ctx, tx, id, a, at)
	}
	if _, err := tx.Exec(ctx, `UPDATE broadcasts SET status = 'scheduled', scheduled_at = $2, created_at = $3 WHERE id = $1`, id, scheduledAt, at); err != nil {
		return err
	}
	opts := uniqueJob()
	opts.ScheduledAt = scheduledAt
	_, err := s.jobs.InsertTx(ctx, tx, BroadcastStartJob{BroadcastID: id}, &opts)
	return err
}

// start gives a broadcast its recipients and marks it running.
func start(ctx context.Context, tx pgx.Tx, id int64, a Audience, at time.Time) error {
	cond, args := a.where(2)
	tag, err := tx.Exec(ctx, `INSERT INTO broadcast_deliveries (broadcast_id, citizen_id)
SELECT $1, c.id FROM citizens c WHERE `+cond, append([]any{id}, args...)...)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE broadcasts SET status = 'running', started_at = $2, recipients = $3 WHERE id = $1`, id, at, tag.RowsAffected())
	return err
}

// StartBroadcast starts a scheduled broadcast (its time has come); one that
// was cancelled or started already is left alone (ok false).
func (s *Store) StartBroadcast(ctx context.Context, id int64, at time.Time) (ok bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT audience FROM broadcasts WHERE id = $1 AND status = 'scheduled' FOR UPDATE`, id).Scan(&raw)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var a Audience
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		ok = true
		return start(ctx, tx, id, a, at)
	})
	if err != nil {
		return false, fmt.Errorf("store: start broadcast %d: %w", id, err)
	}
	return ok, nil
}

// CancelBroadcast stops a scheduled or running broadcast: what was not sent
// yet is not sent. ErrNotFound when it is neither.
// The organiser who composed it in Telegram gets the report.
func (s *Store) CancelBroadcast(ctx context.Context, id int64, at time.Time) error {
	return s.stopBroadcast(ctx, id, at, nil)
}

// RefuseBroadcast stops a running broadcast whose message Telegram refuses
// (failure says why) as CancelBroadcast does. ErrNotFound when it is not
// running (stopped already).
func (s *Store) RefuseBroadcast(ctx context.Context, id int64, failure string, at time.Time) error {
	return s.stopBroadcast(ctx, id, at, &failure)
}

func (s *Store) stopBroadcast(ctx context.Context, id int64, at time.Time, failure *string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var notify *int64
		err := tx.QueryRow(ctx, `UPDATE broadcasts SET status = 'cancelled', finished_at = $2, failure = $3
WHERE id = $1 AND (status = 'running' OR (status = 'scheduled' AND $3::text IS NULL)) RETURNING notify_chat`, id, at, failure).Scan(&notify)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || notify == nil {
			return err
		}
		_, err = s.jobs.InsertTx(ctx, tx, BroadcastReportJob{BroadcastID: id}, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: stop broadcast %d: %w", id, err)
	}
	return nil
}

// Broadcast returns a broadcast, or ErrNotFound.
func (s *Store) Broadcast(ctx context.Context, id int64) (Broadcast, error) {
	list, err := s.broadcasts(ctx, `WHERE id = $1`, id)
	if err != nil {
		return Broadcast{}, err
	}
	if len(list) == 0 {
		return Broadcast{}, fmt.Errorf("store: broadcast %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// Broadcasts lists the most recent broadcasts, newest first.
func (s *Store) Broadcasts(ctx context.Context, limit int) ([]Broadcast, error) {
	return s.broadcasts(ctx, `WHERE status <> 'draft' ORDER BY id DESC LIMIT $1`, limit)
}

// RunningBroadcasts lists the ids of the broadcasts being sent.
func (s *Store) RunningBroadcasts(ctx context.Context) ([]int64, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id FROM broadcasts WHERE status = 'running' ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: running broadcasts: %w", err)
	}
	return ids, nil
}

func (s *Store) broadcasts(ctx context.Context, tail string, args ...any) ([]Broadcast, error) {
	rows, _ := s.pool.Query(ctx, `
SELECT id, created_by, text, coalesce(photo, ''), coalesce(button_text, ''), coalesce(button_kind, ''), coalesce(button_target, ''), audience,
       status, scheduled_at, created_at, started_at, finished_at, recipients,
       coalesce(notify_chat, 0), coalesce(notify_message, 0), coalesce(notify_lang, ''), coalesce(failure, '')
FROM broadcasts `+tail, args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Broadcast, error) {
		var (
			b   Broadcast
			raw []byte
		)
		if err := r.Scan(&b.ID, &b.CreatedBy, &b.Text, &b.Photo, &b.ButtonText, &b.ButtonKind, &b.ButtonTarget, &raw,
			&b.Status, &b.ScheduledAt, &b.CreatedAt, &b.StartedAt, &b.FinishedAt, &b.Recipients,
			&b.NotifyChat, &b.NotifyMessage, &b.NotifyLang, &b.Failure); err != nil {
			return b, err
		}
		return b, json.Unmarshal(raw, &b.Audience)
	})
	if err != nil {
		return nil, fmt.Errorf("store: broadcasts: %w", err)
	}
	return list, nil
}

// Delivery is one recipient of a broadcast, as the sender needs them.
type Delivery struct {
	BroadcastID int64
	CitizenID   int64
	TelegramID  int64
	Lang        string
}

// DeliverNext takes the next pending recipient of a running broadcast and
// calls send for them, inside one transaction that records the outcome send
// returns (Sent, Blocked, or Failed to try again later) and holds a share
// lock on the citizen's row: a /stop (which updates that row) waits for a
// message in flight, and one that came first makes this recipient Skipped
// without sending. ok is false when no recipient is pending (or the
// broadcast is not running).
//
// The one window left open: Telegram took the message and the process died
// before the commit; the recipient is pending again and gets it twice. It is
// one message per worker at most.
//
// after is where the caller's last claim was (0 at first): claiming goes on
// from there rather than from the start of the index, whose head fills with
// the entries of rows already sent. ok false with after > 0 means nothing
// after it; ask again from 0 for what is left before it.
func (s *Store) DeliverNext(ctx context.Context, broadcastID, after int64, at func() time.Time, send func(context.Context, Delivery) string) (claimed int64, ok bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			d                     = Delivery{BroadcastID: broadcastID}
			subscribed, reachable bool
			attempts              int
		)
		err := tx.QueryRow(ctx, `
SELECT d.citizen_id, d.attempts, c.telegram_id, c.language, c.subscribed, c.reachable
FROM broadcast_deliveries d
JOIN citizens c ON c.id = d.citizen_id
JOIN broadcasts b ON b.id = d.broadcast_id AND b.status = 'running'
WHERE d.broadcast_id = $1 AND d.status = 'pending' AND d.citizen_id > $2
ORDER BY d.citizen_id
LIMIT 1
FOR UPDATE OF d SKIP LOCKED
FOR SHARE OF c`, broadcastID, after).Scan(&d.CitizenID, &attempts, &d.TelegramID, &d.Lang, &subscribed, &reachable)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok, claimed = true, d.CitizenID
		outcome := Skipped
		if subscribed && reachable {
			outcome = send(ctx, d)
		}
		status := outcome
		if outcome == Failed && attempts+1 < DeliveryAttempts {
			status = "pending"
		}
		if _, err := tx.Exec(ctx, `UPDATE broadcast_deliveries SET status = $3, attempts = attempts + 1,
done_at = CASE WHEN $3 = 'pending' THEN NULL ELSE $4::timestamptz END
WHERE broadcast_id = $1 AND citizen_id = $2`, broadcastID, d.CitizenID, status, at()); err != nil {
			return err
		}
		if outcome == Blocked {
			_, err = tx.Exec(ctx, `UPDATE citizens SET reachable = false, updated_at = now() WHERE id = $1`, d.CitizenID)
		}
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: deliver broadcast %d: %w", broadcastID, err)
	}
	return claimed, ok, nil
}

// FinishBroadcast marks a running broadcast done once no recipient is
// pending; done reports whether it is (now or already). The one that
// finishes it inserts, in the same transaction, the job that sends the
// organiser who composed it in Telegram the report: exactly one report
// whichever replica finishes, and none lost to a crash.
func (s *Store) FinishBroadcast(ctx context.Context, id int64, at time.Time) (done bool, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var notify *int64
		err := tx.QueryRow(ctx, `
UPDATE broadcasts SET status = 'done', finished_at = $2
WHERE id = $1 AND status = 'running'
  AND NOT EXISTS (SELECT FROM broadcast_deliveries WHERE broadcast_id = $1 AND status = 'pending')
RETURNING notify_chat`, id, at).Scan(&notify)
		if errors.Is(err, pgx.ErrNoRows) {
			return tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM broadcasts WHERE id = $1 AND status <> 'running')`, id).Scan(&done)
		}
		if err != nil {
			return err
		}
		done = true
		if notify == nil {
			return nil
		}
		_, err = s.jobs.InsertTx(ctx, tx, BroadcastReportJob{BroadcastID: id}, nil)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: finish broadcast %d: %w", id, err)
	}
	return done, nil
}

// DeliveryCounts are a broadcast's recipients by outcome.
type DeliveryCounts struct {
	Pending, Sent, Blocked, Failed, Skipped int
}

// CountDeliveries counts a broadcast's recipients by outcome.
func (s *Store) CountDeliveries(ctx context.Context, id int64) (DeliveryCounts, error) {
	var c DeliveryCounts
	err := s.pool.QueryRow(ctx, `
SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'),
       count(*) FILTER (WHERE status = 'blocked'), count(*) FILTER (WHERE status = 'failed'),
       count(*) FILTER (WHERE status = 'skipped')
FROM broadcast_deliveries WHERE broadcast_id = $1`, id).Scan(&c.Pending, &c.Sent, &c.Blocked, &c.Failed, &c.Skipped)
	if err != nil {
		return c, fmt.Errorf("store: count deliveries of %d: %w", id, err)
	}
	return c, nil
}

// Tapped records a citizen's tap on a broadcast's button (the first
// counts). sent is false for a draft's preview and an unknown broadcast:
// nothing is recorded for them.
func (s *Store) Tapped(ctx context.Context, broadcastID, citizenID int64, at time.Time) (sent bool, err error) {
	err = s.pool.QueryRow(ctx, `
WITH b AS (SELECT id FROM broadcasts WHERE id = $1 AND status <> 'draft'),
     t AS (INSERT INTO broadcast_taps (broadcast_id, citizen_id, tapped_at) SELECT id, $2, $3 FROM b ON CONFLICT DO NOTHING)
SELECT EXISTS (SELECT FROM b)`, broadcastID, citizenID, at).Scan(&sent)
	if err != nil {
		return false, fmt.Errorf("store: tap on broadcast %d: %w", broadcastID, err)
	}
	return sent, nil
}

// BroadcastResults is what a broadcast led to.
type BroadcastResults struct {
	DeliveryCounts
	Taps       int // citizens who tapped its button
	Started    int // survey responses begun from it
	Completed  int // of those, completed
	Registered int // event registrations made from it (not cancelled)
}

// Results counts what broadcast id led to.
func (s *Store) Results(ctx context.Context, id int64) (BroadcastResults, error) {
	var r BroadcastResults
	var err error
	if r.DeliveryCounts, err = s.CountDeliveries(ctx, id); err != nil {
		return r, err
	}
	source := fmt.Sprintf("broadcast:%d", id)
	err = s.pool.QueryRow(ctx, `
SELECT (SELECT count(*) FROM broadcast_taps WHERE broadcast_id = $1),
       (SELECT count(*) FROM responses WHERE source = $2),
       (SELECT count(*) FROM responses WHERE source = $2 AND status = 'completed'),
       (SELECT count(*) FROM registrations WHERE source = $2 AND status <> 'cancelled')`, id, source).
		Scan(&r.Taps, &r.Started, &r.Completed, &r.Registered)
	if err != nil {
		return r, fmt.Errorf("store: results of broadcast %d: %w", id, err)
	}
	return r, nil
}
