package dialogue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/hromada/hromada/internal/events"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Workers returns the River workers of the messages the bot starts itself:
// event reminders, seats given from the waitlist and feedback invitations.
// send delivers them (the bot's sender: rate-limited, 429-aware); it returns
// ErrUnreachable for a citizen who blocked the bot (after marking them
// unreachable), and any other error for what is worth retrying, which River
// does with backoff, a bounded number of times.
//
// A job is worked by one replica at a time and completed after its message
// was sent, so a message goes out once. The one window left: Telegram took
// the message and the process died before River recorded the job as done;
// the job is then rescued and the message sent again (one message per job
// that was running).
func (g *Dialogue) Workers(send Deliver) *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &reminderWorker{g: g, send: send})
	river.AddWorker(w, &promotedWorker{g: g, send: send})
	river.AddWorker(w, &feedbackWorker{g: g, send: send})
	river.AddWorker(w, &retentionWorker{g: g})
	river.AddWorker(w, &broadcastStartWorker{g: g})
	river.AddWorker(w, &broadcastReportWorker{g: g, send: send})
	return w
}

type broadcastReportWorker struct {
	river.WorkerDefaults[store.BroadcastReportJob]
	g    *Dialogue
	send Deliver
}

// Work tells the organiser who composed a broadcast how it ended: a new
// message, which notifies, reports the results so far, and the progress
// message shows the final counts (without its stop button).
func (w *broadcastReportWorker) Work(ctx context.Context, job *river.Job[store.BroadcastReportJob]) error {
	g := w.g
	b, err := g.d.Store.Broadcast(ctx, job.Args.BroadcastID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if b.NotifyChat == 0 {
		return nil
	}
	r, err := g.d.Store.Results(ctx, b.ID)
	if err != nil {
		return err
	}
	// The report first: a failure of it retries the job; the edit after
	// is best effort (the organiser may have deleted the message), so that
	// a retry never sends the report twice.
	err = w.send(ctx, []Out{{Kind: Send, ChatID: b.NotifyChat, Text: g.BroadcastReport(b, r, b.NotifyLang)}})
	if errors.Is(err, ErrUnreachable) {
		return nil
	}
	if err != nil || b.NotifyMessage <= 0 {
		return err
	}
	p := g.BroadcastProgress(b, r.DeliveryCounts, g.d.Clock())
	p.Kind, p.Buttons = Edit, nil
	if err := w.send(ctx, []Out{p}); err != nil {
		g.d.Log.Warn("broadcast progress message not finalised", "broadcast", b.ID, "error", err)
	}
	return nil
}

type broadcastStartWorker struct {
	river.WorkerDefaults[store.BroadcastStartJob]
	g *Dialogue
}

// Work starts a scheduled broadcast at its time (the broadcast engine of
// any replica then sends it); a cancelled one stays cancelled.
func (w *broadcastStartWorker) Work(ctx context.Context, job *river.Job[store.BroadcastStartJob]) error {
	_, err := w.g.d.Store.StartBroadcast(ctx, job.Args.BroadcastID, w.g.d.Clock())
	return err
}

// jobRegistration loads the registration of a job and its event; ok is
// false when there is nothing to send (gone, not a seat, unknown event,
// citizen unreachable).
func (g *Dialogue) jobRegistration(ctx context.Context, kind string, id int64) (store.Registration, *survey.Event, bool, error) {
	reg, err := g.d.Store.RegistrationByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		g.skip(kind, "gone", id)
		return reg, nil, false, nil
	}
	if err != nil {
		return reg, nil, false, err
	}
	ev := g.d.Events.Get(reg.EventID)
	if reg.Status != store.Confirmed || ev == nil {
		g.skip(kind, "no_seat", id)
		return reg, nil, false, nil
	}
	if !reg.Reachable {
		g.skip(kind, "unreachable", id)
		return reg, nil, false, nil
	}
	return reg, ev, true, nil
}

// skip counts and logs a job that sends nothing, and why.
func (g *Dialogue) skip(kind, reason string, registrationID int64) {
	g.d.Metrics.EventMessages.WithLabelValues(kind, reason).Inc()
	g.d.Log.Debug("event message not sent", "kind", kind, "reason", reason, "registration", registrationID)
}

// ErrUnreachable is what a job's Deliver returns for a citizen who blocked
// the bot (or never wrote to it): they were marked unreachable, and the job
// is done rather than retried.
var ErrUnreachable = errors.New("dialogue: citizen cannot be reached")

func (g *Dialogue) sendJob(ctx context.Context, send Deliver, kind string, outs []Out) error {
	err := send(ctx, outs)
	if errors.Is(err, ErrUnreachable) {
		g.skip(kind, "blocked", 0)
		return nil
	}
	if err != nil {
		g.d.Metrics.EventMessages.WithLabelValues(kind, "failed").Inc()
		return fmt.Errorf("dialogue: %s: %w", kind, err)
	}
	g.d.Metrics.EventMessages.WithLabelValues(kind, "sent").Inc()
	return nil
}

type reminderWorker struct {
	river.WorkerDefaults[store.ReminderJob]
	g    *Dialogue
	send Deliver
}

// Work sends one reminder, late if the bot was down when it was due, but
// never once the event has started, nor for an event that was moved (the
// reminders of the new time are jobs of their own).
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[store.ReminderJob]) error {
	g := w.g
	reg, ev, ok, err := g.jobRegistration(ctx, "reminder", job.Args.RegistrationID)
	if err != nil || !ok {
		return err
	}
	if !ev.Starts.Equal(job.Args.Starts) || !events.Send(ev.Starts, g.d.Clock()) {
		g.skip("reminder", "too_late", reg.ID)
		return nil
	}
	lang := reg.Lang
	header := "⏰ " + esc(g.d.Catalog.T(lang, "reminder", map[string]any{"Title": title(ev, eventLang(ev, lang)), "When": g.when(ev, lang)}))
	outs := g.confirmation(ev, reg, lang, header)
	return g.sendJob(ctx, w.send, "reminder", outs[:1]) // the text: the calendar file came with the confirmation
}

type promotedWorker struct {
	river.WorkerDefaults[store.PromotedJob]
	g    *Dialogue
	send Deliver
}

// Work tells a citizen that they moved from the waitlist to a seat, with
// everything a confirmation carries.
func (w *promotedWorker) Work(ctx context.Context, job *river.Job[store.PromotedJob]) error {
	g := w.g
	reg, ev, ok, err := g.jobRegistration(ctx, "promoted", job.Args.RegistrationID)
	if err != nil || !ok {
		return err
	}
	if !events.Send(ev.Starts, g.d.Clock()) {
		g.skip("promoted", "too_late", reg.ID)
		return nil
	}
	header := "🎉 " + esc(g.d.Catalog.T(reg.Lang, "promoted", nil))
	return g.sendJob(ctx, w.send, "promoted", g.confirmation(ev, reg, reg.Lang, header))
}

type feedbackWorker struct {
	river.WorkerDefaults[store.FeedbackJob]
	g    *Dialogue
	send Deliver
}

// Work invites an attendee to the event's feedback survey.
func (w *feedbackWorker) Work(ctx context.Context, job *river.Job[store.FeedbackJob]) error {
	g := w.g
	reg, ev, ok, err := g.jobRegistration(ctx, "feedback", job.Args.RegistrationID)
	if err != nil || !ok {
		return err
	}
	def := g.d.Surveys.Current(ev.Feedback)
	if reg.AttendedAt == nil || def == nil {
		g.skip("feedback", "not_attended", reg.ID)
		return nil
	}
	lang := reg.Lang
	text := "🙏 " + esc(g.d.Catalog.T(lang, "feedback_invite", map[string]any{"Title": title(ev, eventLang(ev, lang))}))
	outs := []Out{{ChatID: reg.TelegramID, Text: text, Buttons: [][]Button{{{
		Text: clip(def.Title.In(lang, def.Languages[0]), 60), Data: action{op: opOpen, arg: surveyKey(def.ID)}.String(),
	}}}}}
	return g.sendJob(ctx, w.send, "feedback", outs)
}

type retentionWorker struct {
	river.WorkerDefaults[store.RetentionJob]
	g *Dialogue
}

// Work deletes the typed answers (the text typed for "Other" too), phone
// numbers and locations that are past their survey's retention (contact
// data also past ContactRetention), and records how many per question.
func (w *retentionWorker) Work(ctx context.Context, job *river.Job[store.RetentionJob]) error {
	g := w.g
	now := g.d.Clock()
	var total int64
	for _, def := range g.d.Surveys.Everything() {
		for i := range def.Questions {
			q := &def.Questions[i]
			expire := g.d.Store.ExpireAnswers
			keep := RetentionOf(def, q, g.d.ContactRetention)
			if len(q.Other) > 0 && (q.Type == survey.Single || q.Type == survey.Multi) {
				expire, keep = g.d.Store.ExpireOther, def.Retention // the typed "Other" text only
			}
			if keep == 0 {
				continue
			}
			n, err := expire(ctx, def.ID, q.ID, keep, now)
			if err != nil {
				return err
			}
			total += n
		}
	}
	g.d.Log.Info("retention: expired answers deleted", "deleted", total)
	return nil
}

// RetentionOf is how long answers to q are kept (0: as long as the
// response): the survey's retention for typed text, phone numbers and
// locations, and for the latter two at most contact (when not 0).
func RetentionOf(def *survey.Survey, q *survey.Question, contact time.Duration) time.Duration {
	if !q.Expiring() {
		return 0
	}
	keep := def.Retention
	if q.Type != survey.FreeText && contact > 0 && (keep == 0 || contact < keep) {
		keep = contact
	}
	return keep
}
