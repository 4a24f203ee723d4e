package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
	"github.com/hromada/hromada/internal/tgemu"
)

// The reminder tests run the real binary as two replicas at once. Time is
// under the test's control the way it is for an operator: each event is
// written to start a few seconds from now, with reminders seconds before
// it, so that due times, a downtime across them and the start itself all
// happen while the test watches.

// remindable registers n new citizens for the event in file, through the
// store (as the bot would), and returns them. Each has written /start, as
// everyone who registered through the bot has.
func remindable(t *testing.T, e *env, st *store.Store, file string, n int) []*tgemu.Citizen {
	t.Helper()
	ev, issues := survey.ParseEventFile(filepath.Join(e.cfg.EventsDir, file))
	if len(issues) > 0 {
		t.Fatalf("%s: %v", file, issues)
	}
	if _, err := st.SaveEvent(t.Context(), ev, time.Now()); err != nil {
		t.Fatal(err)
	}
	var out []*tgemu.Citizen
	for i := range n {
		c := e.emu.NewCitizen(fmt.Sprintf("%s %d", ev.ID, i), "uk")
		if _, err := c.Send("/start"); err != nil { // a bot may write only to who wrote to it
			t.Fatal(err)
		}
		cit, err := st.GiveConsent(t.Context(), c.ID(), "uk", "2026-11", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Register(t.Context(), store.NewRegistration{EventID: ev.ID, CitizenID: cit.ID, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// reminders counts the reminders a citizen got.
func reminders(c *tgemu.Citizen) int {
	n := 0
	for _, m := range c.Messages() {
		if strings.Contains(m.PlainText(), "Нагадування") {
			n++
		}
	}
	return n
}

func testStore(t testing.TB, e *env) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), e.cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

func startReplicas(t *testing.T, bin string, e *env, names ...string) []*botProcess {
	t.Helper()
	var procs []*botProcess
	for _, name := range names {
		addr := freeAddr(t)
		procs = append(procs, startBotProcess(t, bin, name, e.cfg, "http://"+addr+"/", addr))
	}
	for _, p := range procs {
		p.waitHealthy(t)
	}
	return procs
}

func jobStates(t *testing.T, e *env) map[string]int {
	t.Helper()
	rows, err := e.db.Query(context.Background(), `SELECT state, count(*) FROM river_job WHERE kind = 'event_reminder' GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// TestRemindersOnceAcrossTwoReplicas: two bot processes run at once; each
// due reminder reaches each participant exactly once.
func TestRemindersOnceAcrossTwoReplicas(t *testing.T) {
	bin := buildHromada(t)
	e := newEnv(t, tgemu.Options{})
	now := time.Now()
	starts := now.Add(30 * time.Second).Truncate(time.Second)
	e.writeEvents(map[string]string{"soon.yaml": simpleEvent("soon", starts, "reminders: [26s, 22s]\n")})
	st := testStore(t, e)
	citizens := remindable(t, e, st, "soon.yaml", 10)
	if states := jobStates(t, e); states["scheduled"] != 20 {
		t.Fatalf("reminder jobs %v, want 20 scheduled (the test was too slow to register before they were due)", states)
	}
	procs := startReplicas(t, bin, e, "replica 1", "replica 2")
	waitForProcesses(t, procs, "every reminder to be sent", func() bool {
		for _, c := range citizens {
			if reminders(c) < 2 {
				return false
			}
		}
		return jobStates(t, e)["completed"] == 20
	})
	time.Sleep(time.Until(starts.Add(-2 * time.Second))) // time for a second copy to show up, if one were coming
	for _, c := range citizens {
		if n := reminders(c); n != 2 {
			t.Errorf("%s got %d reminders, want 2", c.FirstName(), n)
		}
	}
	scraped := scrapeProcesses(t, procs)
	var split []string
	for i, p := range procs {
		split = append(split, fmt.Sprintf("%s %v", p.name, sample(t, scraped[i], "hromada_event_messages_total", `kind="reminder",outcome="sent"`)))
	}
	t.Logf("reminders sent: %s", strings.Join(split, ", "))
}

// TestRemindersAfterDowntime: no bot runs when the reminders fall due. When
// replicas come back before the event starts, each reminder goes out late,
// once; for an event that started meanwhile, none does. A restart after that
// sends nothing again.
func TestRemindersAfterDowntime(t *testing.T) {
	bin := buildHromada(t)
	e := newEnv(t, tgemu.Options{})
	now := time.Now()
	lateStart := now.Add(40 * time.Second).Truncate(time.Second)
	goneStart := now.Add(8 * time.Second).Truncate(time.Second)
	e.writeEvents(map[string]string{
		"late.yaml": simpleEvent("late", lateStart, "reminders: [36s]\n"),
		"gone.yaml": simpleEvent("gone", goneStart, "reminders: [4s]\n"),
	})
	st := testStore(t, e)
	late := remindable(t, e, st, "late.yaml", 5)
	gone := remindable(t, e, st, "gone.yaml", 5)
	if states := jobStates(t, e); states["scheduled"] != 10 {
		t.Fatalf("reminder jobs %v, want 10 scheduled (the test was too slow to register before they were due)", states)
	}
	time.Sleep(time.Until(goneStart.Add(time.Second))) // both due, one event started: nobody was there
	procs := startReplicas(t, bin, e, "replica 1", "replica 2")
	waitForProcesses(t, procs, "every reminder job to be worked", func() bool {
		return jobStates(t, e)["completed"] == 10
	})
	for _, c := range late {
		if n := reminders(c); n != 1 {
			t.Errorf("%s got %d late reminders, want 1; chat: %v", c.FirstName(), n, c.Messages())
		}
	}
	for _, c := range gone {
		if n := reminders(c); n != 0 {
			t.Errorf("%s got %d reminders after the event started, want 0", c.FirstName(), n)
		}
	}
	// Restart one replica: nothing is sent again.
	procs[0].stop(t)
	again := startReplicas(t, bin, e, "replica 1 again")
	time.Sleep(3 * time.Second)
	for _, c := range append(late, gone...) {
		if n := reminders(c); n > 1 {
			t.Errorf("%s got %d reminders after a restart", c.FirstName(), n)
		}
	}
	_ = again
}
