package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// testEvent is an event a week after t0 with capacity seats (0: unlimited).
func testEvent(id string, capacity int, waitlist bool) *survey.Event {
	return &survey.Event{
		ID: id, Languages: []string{"uk"}, Title: survey.Text{"uk": "Діалог"}, TimeZone: "Europe/Kyiv",
		Starts: t0.Add(7 * 24 * time.Hour), Ends: t0.Add(7*24*time.Hour + 2*time.Hour),
		Address: survey.Text{"uk": "Харків"}, Capacity: capacity, Waitlist: waitlist,
		Closes: t0.Add(7 * 24 * time.Hour), Reminders: []time.Duration{24 * time.Hour, time.Hour},
	}
}

func saveEvent(t testing.TB, st *store.Store, ev *survey.Event, at time.Time) []store.Registration {
	t.Helper()
	promoted, err := st.SaveEvent(t.Context(), ev, at)
	if err != nil {
		t.Fatalf("SaveEvent(%s): %v", ev.ID, err)
	}
	return promoted
}

// jobs lists the River jobs of a kind as (args JSON, scheduled_at), by id.
type job struct {
	args      map[string]any
	scheduled time.Time
	state     string
}

func jobsOf(t testing.TB, st *store.Store, kind string) []job {
	t.Helper()
	rows, err := st.Pool().Query(t.Context(), `SELECT args, scheduled_at, state FROM river_job WHERE kind = $1 ORDER BY id`, kind)
	if err != nil {
		t.Fatal(err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (job, error) {
		var (
			j   job
			raw []byte
		)
		err := r.Scan(&raw, &j.scheduled, &j.state)
		if err == nil {
			err = json.Unmarshal(raw, &j.args)
		}
		return j, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestConcurrentRegistrationsFillSeatsThenWaitlistInArrivalOrder: 500
// citizens sign up at once for 100 seats; exactly 100 are confirmed, 400
// waitlisted at positions 1..400 in the order they were registered, and 10
// cancellations promote exactly the next 10.
func TestConcurrentRegistrationsFillSeatsThenWaitlistInArrivalOrder(t *testing.T) {
	st, ctx := newStore(t)
	ev := testEvent("dialogue", 100, true)
	saveEvent(t, st, ev, t0)
	const n = 500
	citizens := make([]store.Citizen, n)
	for i := range citizens {
		citizens[i] = consent(t, st, int64(5000+i))
	}
	regs := make([]store.Registration, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range citizens {
		wg.Go(func() {
			r, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: citizens[i].ID, At: tick(1)})
			if err != nil {
				errs <- err
				return
			}
			regs[i] = r
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Register: %v", err)
	}
	slices.SortFunc(regs, func(a, b store.Registration) int { return int(a.ID - b.ID) })
	for i, r := range regs {
		if i < 100 {
			if r.Status != store.Confirmed || r.Position != 0 {
				t.Fatalf("arrival %d: %s position %d, want confirmed", i+1, r.Status, r.Position)
			}
			continue
		}
		if r.Status != store.Waitlisted || r.Position != i-99 {
			t.Fatalf("arrival %d: %s position %d, want waitlisted at %d", i+1, r.Status, r.Position, i-99)
		}
	}
	c, err := st.CountRegistrations(ctx, ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c != (store.EventCounts{Confirmed: 100, Waitlisted: 400}) {
		t.Fatalf("counts = %+v", c)
	}
	if got := len(jobsOf(t, st, "event_reminder")); got != 200 {
		t.Fatalf("%d reminder jobs, want 2 for each of 100 seats", got)
	}

	// Ten confirmed participants cancel: the next ten in line get the seats.
	var promoted []int64
	for _, r := range regs[:10] {
		_, p, err := st.CancelRegistration(ctx, r.ID, r.CitizenID, tick(2))
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 1 {
			t.Fatalf("cancelling %d promoted %d", r.ID, len(p))
		}
		promoted = append(promoted, p[0].ID)
	}
	var want []int64
	for _, r := range regs[100:110] {
		want = append(want, r.ID)
	}
	if !slices.Equal(promoted, want) {
		t.Fatalf("promoted %v, want the first ten waitlisted %v", promoted, want)
	}
	if got := len(jobsOf(t, st, "event_promoted")); got != 10 {
		t.Fatalf("%d promotion jobs, want 10", got)
	}
	next, err := st.RegistrationByID(ctx, regs[110].ID)
	if err != nil {
		t.Fatal(err)
	}
	if next.Status != store.Waitlisted || next.Position != 1 {
		t.Fatalf("the 111th arrival is %s at %d, want first on the waitlist", next.Status, next.Position)
	}
	if c, _ := st.CountRegistrations(ctx, ev.ID); c != (store.EventCounts{Confirmed: 100, Waitlisted: 390, Cancelled: 10}) {
		t.Fatalf("counts after cancellations = %+v", c)
	}
}

func TestRegisterRules(t *testing.T) {
	st, ctx := newStore(t)
	full := testEvent("full", 1, false)
	saveEvent(t, st, full, t0)
	a, b := consent(t, st, 1), consent(t, st, 2)
	ra, err := st.Register(ctx, store.NewRegistration{EventID: full.ID, CitizenID: a.ID, At: tick(1)})
	if err != nil || ra.Status != store.Confirmed || len(ra.Code) != 6 {
		t.Fatalf("first: %+v, %v", ra, err)
	}
	// One live registration per citizen and event.
	_, err = st.Register(ctx, store.NewRegistration{EventID: full.ID, CitizenID: a.ID, At: tick(2)})
	var re *store.RegisteredError
	if !errors.As(err, &re) || re.Registration.ID != ra.ID {
		t.Fatalf("second registration: %v, want RegisteredError with %d", err, ra.ID)
	}
	// Full without a waitlist.
	if _, err := st.Register(ctx, store.NewRegistration{EventID: full.ID, CitizenID: b.ID, At: tick(3)}); !errors.Is(err, store.ErrFull) {
		t.Fatalf("full event: %v, want ErrFull", err)
	}
	if _, err := st.Register(ctx, store.NewRegistration{EventID: "nope", CitizenID: b.ID, At: tick(3)}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown event: %v", err)
	}

	// Cancel, then register again: at the back of the line when full.
	wl := testEvent("wl", 1, true)
	saveEvent(t, st, wl, t0)
	c := consent(t, st, 3)
	r1, _ := st.Register(ctx, store.NewRegistration{EventID: wl.ID, CitizenID: a.ID, At: tick(1)})
	rb, _ := st.Register(ctx, store.NewRegistration{EventID: wl.ID, CitizenID: b.ID, At: tick(2)})
	rc, _ := st.Register(ctx, store.NewRegistration{EventID: wl.ID, CitizenID: c.ID, At: tick(3)})
	if r1.Status != store.Confirmed || rb.Position != 1 || rc.Position != 2 {
		t.Fatalf("setup: %s %d %d", r1.Status, rb.Position, rc.Position)
	}
	// b leaves the waitlist and comes back: behind c.
	if _, p, err := st.CancelRegistration(ctx, rb.ID, b.ID, tick(4)); err != nil || len(p) != 0 {
		t.Fatalf("cancel waitlisted: %v promoted %d", err, len(p))
	}
	if _, _, err := st.CancelRegistration(ctx, rb.ID, b.ID, tick(4)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("double cancel: %v", err)
	}
	rb2, err := st.Register(ctx, store.NewRegistration{EventID: wl.ID, CitizenID: b.ID, At: tick(5)})
	if err != nil || rb2.Status != store.Waitlisted || rb2.Position != 2 || rb2.ID == rb.ID {
		t.Fatalf("register again: %+v %v", rb2, err)
	}
	// Someone else's registration cannot be cancelled.
	if _, _, err := st.CancelRegistration(ctx, r1.ID, b.ID, tick(6)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancel another's: %v", err)
	}
	// a leaves: c (first in line) gets the seat.
	_, p, err := st.CancelRegistration(ctx, r1.ID, a.ID, tick(6))
	if err != nil || len(p) != 1 || p[0].ID != rc.ID || p[0].Status != store.Confirmed || p[0].TelegramID != 3 {
		t.Fatalf("promotion: %+v %v", p, err)
	}
	if got, _ := st.RegistrationByID(ctx, rb2.ID); got.Position != 1 {
		t.Fatalf("b now at %d, want 1", got.Position)
	}
	// A cancellation after the start promotes nobody.
	if _, p, err := st.CancelRegistration(ctx, rc.ID, c.ID, wl.Starts.Add(time.Minute)); err != nil || len(p) != 0 {
		t.Fatalf("late cancel: %v, promoted %d", err, len(p))
	}
	live, err := st.RegistrationsOf(ctx, b.ID)
	if err != nil || len(live) != 1 || live[0].ID != rb2.ID {
		t.Fatalf("RegistrationsOf: %+v %v", live, err)
	}
}

func TestReminderJobsFollowTheEvent(t *testing.T) {
	st, ctx := newStore(t)
	ev := testEvent("remind", 0, false)
	saveEvent(t, st, ev, t0)
	a, b := consent(t, st, 1), consent(t, st, 2)
	ra, _ := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: a.ID, At: tick(1)})
	// b registers 2 hours before the start: the 24-hour reminder is past.
	if _, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: b.ID, At: ev.Starts.Add(-2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	jobs := jobsOf(t, st, "event_reminder")
	if len(jobs) != 3 {
		t.Fatalf("%d reminder jobs, want 2 + 1", len(jobs))
	}
	if !jobs[0].scheduled.Equal(ev.Starts.Add(-24*time.Hour)) || !jobs[1].scheduled.Equal(ev.Starts.Add(-time.Hour)) {
		t.Fatalf("scheduled at %s and %s", jobs[0].scheduled, jobs[1].scheduled)
	}
	// The same definition again: nothing new.
	saveEvent(t, st, ev, tick(2))
	if got := len(jobsOf(t, st, "event_reminder")); got != 3 {
		t.Fatalf("re-saving the same event made %d jobs", got)
	}
	// The event moves a day later: each seat gets the reminders of the new time.
	moved := *ev
	moved.Starts, moved.Ends, moved.Closes = ev.Starts.Add(24*time.Hour), ev.Ends.Add(24*time.Hour), ev.Closes.Add(24*time.Hour)
	saveEvent(t, st, &moved, tick(3))
	jobs = jobsOf(t, st, "event_reminder")
	if len(jobs) != 3+4 {
		t.Fatalf("%d reminder jobs after the move, want 7", len(jobs))
	}
	// Check-in queues the feedback invitation only when the event has a survey.
	if _, already, err := st.CheckIn(ctx, ra.Code, moved.Starts); err != nil || already {
		t.Fatalf("CheckIn: %v %v", already, err)
	}
	if _, already, err := st.CheckIn(ctx, ra.Code, moved.Starts); err != nil || !already {
		t.Fatalf("CheckIn again: %v %v", already, err)
	}
	if got := len(jobsOf(t, st, "event_feedback")); got != 0 {
		t.Fatalf("%d feedback jobs without a feedback survey", got)
	}
	if _, _, err := st.CheckIn(ctx, "ZZZZZZ", tick(4)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
}

func TestMoreSeatsPromoteTheWaitlist(t *testing.T) {
	st, ctx := newStore(t)
	ev := testEvent("grow", 1, true)
	saveEvent(t, st, ev, t0)
	var regs []store.Registration
	for i := range 4 {
		c := consent(t, st, int64(10+i))
		r, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: c.ID, At: tick(i)})
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	bigger := *ev
	bigger.Capacity = 3
	promoted := saveEvent(t, st, &bigger, tick(10))
	if len(promoted) != 2 || promoted[0].ID != regs[1].ID || promoted[1].ID != regs[2].ID {
		t.Fatalf("promoted %+v", promoted)
	}
	if got := len(jobsOf(t, st, "event_promoted")); got != 2 {
		t.Fatalf("%d promotion jobs", got)
	}
}

func TestCheckInAndFeedback(t *testing.T) {
	st, ctx := newStore(t)
	saveSurvey(t, st, testSurvey("feedback", false))
	ev := testEvent("fb", 1, true)
	ev.Feedback = "feedback"
	saveEvent(t, st, ev, t0)
	a, b := consent(t, st, 1), consent(t, st, 2)
	ra, _ := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: a.ID, At: tick(1)})
	rb, _ := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: b.ID, At: tick(2)})
	if _, _, err := st.CheckIn(ctx, rb.Code, tick(3)); !errors.Is(err, store.ErrNotConfirmed) {
		t.Fatalf("check-in of the waitlisted: %v", err)
	}
	got, already, err := st.CheckIn(ctx, ra.Code, tick(3))
	if err != nil || already || got.AttendedAt == nil {
		t.Fatalf("CheckIn: %+v %v %v", got, already, err)
	}
	jobs := jobsOf(t, st, "event_feedback")
	if len(jobs) != 1 || !jobs[0].scheduled.Equal(ev.Ends) {
		t.Fatalf("feedback jobs %+v, want one at the end", jobs)
	}
	// Unmark and mark again: still one invitation.
	if _, err := st.SetAttended(ctx, ra.ID, false, tick(4)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetAttended(ctx, ra.ID, true, tick(5)); err != nil {
		t.Fatal(err)
	}
	if jobs := jobsOf(t, st, "event_feedback"); len(jobs) != 1 {
		t.Fatalf("%d feedback jobs after re-marking", len(jobs))
	}
	c, _ := st.CountRegistrations(ctx, ev.ID)
	if c.Attended != 1 {
		t.Fatalf("counts %+v", c)
	}
}

// TestRegisterCompletesTheRegistrationAnswers: the answers to the
// registration questions are completed in the registration's transaction,
// and appear in the attendees list.
func TestRegisterCompletesTheRegistrationAnswers(t *testing.T) {
	st, ctx := newStore(t)
	ev := testEvent("q", 0, false)
	ev.Questions = []survey.Question{{ID: "role", Type: survey.FreeText, Text: survey.Text{"uk": "Хто ви?"}}}
	reg := ev.Registration()
	v := saveSurvey(t, st, reg)
	saveEvent(t, st, ev, t0)
	a := consent(t, st, 1)
	rid, err := st.StartResponse(ctx, store.StartResponse{SurveyID: reg.ID, Version: v, CitizenID: a.ID, Lang: "uk", Source: "event", At: tick(1), Current: "role", Seq: 1})
	if err != nil {
		t.Fatal(err)
	}
	ans := survey.Answer{Question: "role", Text: "вчителька"}
	if err := st.SaveStep(ctx, store.Step{ResponseID: rid, Saved: &ans, SavedText: ans.Text, Current: "", Seq: 2, At: tick(2)}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Register(ctx, store.NewRegistration{EventID: ev.ID, CitizenID: a.ID, ResponseID: rid, SurveyID: reg.ID, At: tick(3)})
	if err != nil || r.ResponseID == nil || *r.ResponseID != rid {
		t.Fatalf("Register: %+v %v", r, err)
	}
	if n, _ := st.CompletedCount(ctx, a.ID, reg.ID); n != 1 {
		t.Fatalf("registration response not completed: %d", n)
	}
	list, err := st.Attendees(ctx, ev.ID)
	if err != nil || len(list) != 1 || list[0].Answers["role"].Text != "вчителька" {
		t.Fatalf("Attendees: %+v %v", list, err)
	}
	_ = context.Background
}
