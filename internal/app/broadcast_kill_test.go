package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

// paidRate is the paid-broadcast rate of TestBroadcastKilledHalfWay: high
// enough for 5,000 messages to take half a minute, low enough for a race-
// instrumented emulator on two cores to keep up.
const paidRate = 250

// TestBroadcastKilledHalfWay: 5,000 recipients (3% blocked without the bot
// knowing), Telegram's flood control on, paid broadcasts at 250/s, two
// injected 429s. The bot process is killed with SIGKILL about half-way and
// two replicas are started in its place. Every reachable recipient gets the
// message, exactly once except for at most one per worker that was in
// flight at the kill (the one window: Telegram took it, the process died
// before recording it); blocked ones are marked; no request goes out during
// a retry_after pause (the pause is shared by the replicas through Redis);
// the rate, pauses and restart aside, is at least 90% of the configured
// one; a conversation meanwhile is answered within a second; a /stop during
// it is the last word.
func TestBroadcastKilledHalfWay(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 recipients: not in -short")
	}
	const n = 5000
	bin := buildHromada(t)
	e := newEnv(t, tgemu.Options{Limits: true, RequestLog: 3 * n})
	e.cfg.PaidRate = paidRate
	st := testStore(t, e)

	// The recipients, consented long ago: one statement for all.
	var all, blocked []*tgemu.Citizen
	ids := make([]int64, 0, n)
	for i := range n {
		c := e.emu.NewCitizen(fmt.Sprintf("Отримувач %d", i), "uk")
		c.MarkStarted()
		if i%33 == 32 {
			c.BlockBotQuietly()
			blocked = append(blocked, c)
		}
		all = append(all, c)
		ids = append(ids, c.ID())
	}
	if _, err := e.db.Exec(context.Background(), `
WITH c AS (INSERT INTO citizens (telegram_id, language, created_at, updated_at)
           SELECT unnest($1::bigint[]), 'uk', now(), now() RETURNING id)
INSERT INTO consents (citizen_id, notice_version, accepted, decided_at) SELECT id, '2026-11', true, now() FROM c`, ids); err != nil {
		t.Fatal(err)
	}
	stopper := all[len(all)-1] // served last (by citizen id), so /stop comes first

	first := startReplicas(t, bin, e, "replica 1")[0]
	b, err := st.CreateBroadcast(context.Background(), store.NewBroadcast{
		Text: invitation + " <b>громади</b>", ButtonKind: "survey", ButtonTarget: "many-toggles", At: time.Now(),
	})
	if err != nil || b.Recipients != n {
		t.Fatalf("CreateBroadcast: %+v %v", b, err)
	}
	e.emu.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 2", 2)
	e.send(stopper, "/stop", "більше не отримуватимете")

	// A conversation during the broadcast: each reply within a second.
	slowest := slowestReply(e)

	// SIGKILL about half-way, then two replicas.
	waitLong(t, "half the broadcast", 3*time.Minute, func() bool {
		c, _ := st.CountDeliveries(context.Background(), b.ID)
		return c.Sent >= n/2
	})
	first.kill(t)
	killedAt := time.Now()
	replicas := startReplicas(t, bin, e, "replica 2", "replica 3")
	e.emu.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1)
	waitForProcesses(t, replicas, "the broadcast to finish", func() bool {
		got, _ := st.Broadcast(context.Background(), b.ID)
		return got.Status == store.BroadcastDone
	})

	c, err := st.CountDeliveries(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sent != n-len(blocked)-1 || c.Blocked != len(blocked) || c.Skipped != 1 || c.Pending != 0 || c.Failed != 0 {
		t.Errorf("deliveries %+v; want %d sent, %d blocked, 1 skipped", c, n-len(blocked)-1, len(blocked))
	}
	isBlocked := map[*tgemu.Citizen]bool{}
	for _, c := range blocked {
		isBlocked[c] = true
	}
	var twice []string
	for _, c := range all {
		want := 1
		if isBlocked[c] || c == stopper {
			want = 0
		}
		got := invitations(c)
		switch {
		case got == want:
		case got == 2 && want == 1:
			twice = append(twice, c.FirstName())
		default:
			t.Errorf("%s got %d invitations, want %d", c.FirstName(), got, want)
		}
	}
	// The kill window: one message per worker of the killed process.
	if len(twice) > 8 {
		t.Errorf("%d recipients got the message twice, more than the killed process's 8 workers: %v", len(twice), twice)
	}
	if n := e.queryInt(`SELECT count(*) FROM citizens WHERE NOT reachable`); n != len(blocked) {
		t.Errorf("%d citizens marked unreachable, want %d", n, len(blocked))
	}
	stopIsLastWord(t, stopper)
	pauses := pausesKept(t, e.emu.Requests())
	if len(pauses) != 2 {
		t.Errorf("%d pauses, want 2 (the injected ones; flood control never answered 429)", len(pauses))
	}
	var (
		sends    []time.Time // broadcast messages Telegram took (or refused as blocked)
		paidSeen int
	)
	for _, r := range e.emu.Requests() {
		if r.Paid {
			paidSeen++
			if r.Code == 200 || r.Code == 403 {
				sends = append(sends, r.Time)
			}
		}
	}
	if paidSeen < n-1 {
		t.Errorf("%d paid broadcast requests, want every broadcast message paid", paidSeen)
	}
	if slowest > time.Second {
		t.Errorf("a conversation reply took %s during the broadcast", slowest)
	}

	// The rate: broadcast messages over the time they were being sent,
	// less the pauses and the restart (kill to the first message after it).
	slices.SortFunc(sends, func(a, b time.Time) int { return a.Compare(b) })
	idle := pauses
	if i, _ := slices.BinarySearchFunc(sends, killedAt, func(a, b time.Time) int { return a.Compare(b) }); i < len(sends) {
		idle = append(idle, pause{killedAt, sends[i]})
	}
	slices.SortFunc(idle, func(a, b pause) int { return a.from.Compare(b.from) })
	busy := sends[len(sends)-1].Sub(sends[0])
	covered := sends[0] // idle time counts once, and only while messages were being sent
	for _, p := range idle {
		from, to := p.from, p.to
		if from.Before(covered) {
			from = covered
		}
		if last := sends[len(sends)-1]; to.After(last) {
			to = last
		}
		if to.After(from) {
			busy -= to.Sub(from)
			covered = to
		}
	}
	rate := float64(len(sends)) / busy.Seconds()
	t.Logf("%d paid messages (%d sent twice), %.1f/s of %d/s pauses and restart aside; slowest reply %s", len(sends), len(twice), rate, paidRate, slowest.Round(time.Millisecond))
	if rate < 0.9*paidRate {
		t.Errorf("%.1f messages/s, want at least 90%% of %d", rate, paidRate)
	}
}
