package app_test

import (
	"context"
	"fmt"
	"strings"

	"testing"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

const invitation = "Запрошуємо на опитування про відбудову"

// recipients makes n citizens who agreed to the notice long ago; every
// 33rd has blocked the bot without the bot knowing (3%).
func recipients(t testing.TB, e *env, st *store.Store, n int) (all, blocked []*tgemu.Citizen) {
	t.Helper()
	for i := range n {
		c := e.emu.NewCitizen(fmt.Sprintf("Отримувач %d", i), "uk")
		c.MarkStarted()
		if _, err := st.GiveConsent(t.Context(), c.ID(), "uk", "2026-11", time.Now()); err != nil {
			t.Fatal(err)
		}
		if i%33 == 32 {
			c.BlockBotQuietly()
			blocked = append(blocked, c)
		}
		all = append(all, c)
	}
	return all, blocked
}

// invitations counts the broadcast messages a citizen got.
func invitations(c *tgemu.Citizen) int {
	n := 0
	for _, m := range c.Messages() {
		if strings.Contains(m.PlainText(), invitation) {
			n++
		}
	}
	return n
}

// TestBroadcastDelivery: with Telegram's flood control on and two injected
// 429s, a broadcast to 400 citizens (3% of whom blocked the bot) reaches
// every reachable one exactly once, across a restart of the bot half-way;
// blocked ones are marked; no request goes out during a retry_after pause;
// the rate is at least 90% of the configured one; a citizen answering a
// survey meanwhile gets each reply within a second; one who sends /stop
// during it gets nothing after the confirmation.
func TestBroadcastDelivery(t *testing.T) {
	e := newEnv(t, tgemu.Options{Limits: true, RequestLog: 100000})
	e.cfg.RateLimit = 25
	st := testStore(t, e)
	all, blocked := recipients(t, e, st, 400)
	stopper := all[len(all)-1] // served last (by citizen id), so /stop comes first
	e.start()

	b, err := st.CreateBroadcast(context.Background(), store.NewBroadcast{
		Text: invitation + " <b>громади</b>", ButtonKind: "survey", ButtonTarget: "many-toggles", At: time.Now(),
	})
	if err != nil || b.Recipients != 400 {
		t.Fatalf("CreateBroadcast: %+v %v", b, err)
	}
	begun := time.Now()
	e.emu.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 2", 2)

	// A /stop during the broadcast.
	e.send(stopper, "/stop", "більше не отримуватимете")

	// A conversation during the broadcast (after the 429's pause, during
	// which everything waits): each reply within a second.
	time.Sleep(time.Until(begun.Add(2500 * time.Millisecond)))
	slowest := slowestReply(e)

	// Restart the bot half-way.
	waitLong(t, "half the broadcast", 60*time.Second, func() bool {
		c, _ := st.CountDeliveries(context.Background(), b.ID)
		return c.Sent >= 200
	})
	e.emu.FailNext("sendMessage", 1, 429, "Too Many Requests: retry after 1", 1)
	waitLong(t, "the second 429", 10*time.Second, func() bool { return e.emu.Stats().TooManyRequests >= 2 })
	// Stop after the pause, so that the rate below is simple to work out
	// (the pause is in Redis too: TestBroadcastKilledHalfWay restarts
	// during one).
	time.Sleep(1100 * time.Millisecond)
	e.stop()
	restart := time.Now()
	e.start()
	stoppedFor := time.Since(restart)
	waitLong(t, "the broadcast to finish", 90*time.Second, func() bool {
		got, _ := st.Broadcast(context.Background(), b.ID)
		return got.Status == store.BroadcastDone
	})
	elapsed := time.Since(begun)

	c, err := st.CountDeliveries(context.Background(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sent != 400-len(blocked)-1 || c.Blocked != len(blocked) || c.Skipped != 1 || c.Pending != 0 || c.Failed != 0 {
		t.Errorf("deliveries %+v; want %d sent, %d blocked, 1 skipped", c, 400-len(blocked)-1, len(blocked))
	}
	isBlocked := map[*tgemu.Citizen]bool{}
	for _, c := range blocked {
		isBlocked[c] = true
	}
	for _, c := range all {
		want := 1
		if isBlocked[c] || c == stopper {
			want = 0
		}
		if got := invitations(c); got != want {
			t.Errorf("%s got %d invitations, want %d", c.FirstName(), got, want)
		}
	}
	if n := e.queryInt(`SELECT count(*) FROM citizens WHERE NOT reachable`); n != len(blocked) {
		t.Errorf("%d citizens marked unreachable, want %d", n, len(blocked))
	}
	stopIsLastWord(t, stopper)
	if pauses := pausesKept(t, e.emu.Requests()); len(pauses) != 2 {
		t.Errorf("%d pauses, want 2 (the injected ones; flood control never answered 429)", len(pauses))
	}
	if slowest > time.Second {
		t.Errorf("a conversation reply took %s during the broadcast", slowest)
	}
	// The rate, without the pauses and the restart.
	busy := elapsed - 2*time.Second - 1100*time.Millisecond - stoppedFor // the second pause is within the 1.1 s
	rate := float64(c.Sent+c.Blocked) / busy.Seconds()
	t.Logf("%d messages in %s (%s without pauses and restart): %.1f/s of 25/s; slowest reply %s", c.Sent+c.Blocked, elapsed.Round(time.Millisecond), busy.Round(time.Millisecond), rate, slowest.Round(time.Millisecond))
	if rate < 0.9*25 {
		t.Errorf("%.1f messages/s, want at least 90%% of 25", rate)
	}
}

// waitLong polls cond until it holds or d passes.
func waitLong(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBroadcastResults: taps on an invitation's button, the survey responses
// begun and completed from it, and the registrations made from it are
// counted for the broadcast that led to them.
func TestBroadcastResults(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.writeEvents(map[string]string{"meet.yaml": simpleEvent("meet", time.Now().Add(48*time.Hour), "")})
	st := testStore(t, e)
	e.start()
	var cs []*tgemu.Citizen
	for i := range 3 {
		c := e.emu.NewCitizen(fmt.Sprintf("Читач %d", i), "uk")
		e.consent(c)
		cs = append(cs, c)
	}
	survey, err := st.CreateBroadcast(context.Background(), store.NewBroadcast{Text: invitation, ButtonKind: "survey", ButtonTarget: "many-toggles", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []tgemu.Message
	for _, c := range cs {
		msgs = append(msgs, e.reply(c, invitation))
	}
	// Two open it (one twice), one of them completes it.
	q := e.tap(cs[0], msgs[0], "📝 Пройти опитування", "Що покращити в громаді?")
	e.toast(cs[0], q, "Дороги")
	q = e.tap(cs[0], q, "Готово ✓", "Чи хочете додати ще щось?")
	review := e.tap(cs[0], q, "Ні", "Перевірте ваші відповіді")
	e.tap(cs[0], review, "✅ Підтвердити", "Дякуємо")
	e.tap(cs[1], msgs[1], "📝 Пройти опитування", "Що покращити в громаді?")
	e.tap(cs[1], msgs[1], "📝 Пройти опитування", "Що покращити в громаді?")

	event, err := st.CreateBroadcast(context.Background(), store.NewBroadcast{Text: invitation + " на зустріч", ButtonKind: "event", ButtonTarget: "meet", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	m := e.reply(cs[2], "на зустріч")
	card := e.tap(cs[2], m, "✍ Зареєструватися", "Захід meet")
	e.tap(cs[2], card, "✍ Зареєструватися", "Вас зареєстровано")
	e.waitIdle()

	for _, tc := range []struct {
		id   int64
		want store.BroadcastResults
	}{
		{survey.ID, store.BroadcastResults{DeliveryCounts: store.DeliveryCounts{Sent: 3}, Taps: 2, Started: 2, Completed: 1}},
		{event.ID, store.BroadcastResults{DeliveryCounts: store.DeliveryCounts{Sent: 3}, Taps: 1, Registered: 1}},
	} {
		got, err := st.Results(context.Background(), tc.id)
		if err != nil || got != tc.want {
			t.Errorf("broadcast %d: %+v %v, want %+v", tc.id, got, err, tc.want)
		}
	}
}

// stopIsLastWord checks that nothing reached a citizen who sent /stop after
// its confirmation.
func stopIsLastWord(t *testing.T, stopper *tgemu.Citizen) {
	t.Helper()
	seenStop := false
	for _, m := range stopper.Messages() {
		if strings.Contains(m.PlainText(), "більше не отримуватимете") {
			seenStop = true
		} else if seenStop && strings.Contains(m.PlainText(), invitation) {
			t.Error("an invitation came after the /stop confirmation")
		}
	}
}

// pause is a retry_after pause Telegram announced.
type pause struct{ from, to time.Time }

// pausesKept returns the pauses the 429s among requests started, and
// checks that no request was sent during one: a 429 either starts a pause
// or was met by a request already on its way then (sent within inFlight of
// it), never later in the pause, whichever replica sent it.
func pausesKept(t *testing.T, requests []tgemu.Request) []pause {
	t.Helper()
	const inFlight = 50 * time.Millisecond
	var (
		pauses []pause
		last   pause
		seen   []string
	)
	for _, r := range requests {
		if r.Code != 429 {
			continue
		}
		seen = append(seen, fmt.Sprintf("%s %s chat %d retry_after %d", r.Time.Format("15:04:05.000"), r.Method, r.ChatID, r.RetryAfter))
		switch {
		case r.Time.Before(last.from.Add(inFlight)):
		case r.Time.Before(last.to):
			t.Errorf("a request was sent during a pause, %s after it began; the 429s:\n%s", r.Time.Sub(last.from), strings.Join(seen, "\n"))
		default:
			last = pause{r.Time, r.Time.Add(time.Duration(r.RetryAfter) * time.Second)}
			pauses = append(pauses, last)
		}
	}
	return pauses
}

// slowestReply has a new citizen consent and answer a survey question, as a
// person would (reading a second before each tap: otherwise Telegram's one
// message a second per chat paces the replies), and returns the longest
// wait for a reply.
func slowestReply(e *env) time.Duration {
	talker := e.emu.NewCitizen("Співрозмовниця", "uk")
	var slowest time.Duration
	timed := func(do func() tgemu.Message) tgemu.Message {
		time.Sleep(time.Second)
		start := time.Now()
		m := do()
		slowest = max(slowest, time.Since(start))
		return m
	}
	notice := timed(func() tgemu.Message { return e.send(talker, "/start", "Погоджуєтеся?") })
	timed(func() tgemu.Message {
		return e.tap(talker, notice, "✅ Погоджуюся", "Відкриті опитування")
	})
	q := timed(func() tgemu.Message {
		return e.send(talker, "/start s_many-toggles", "Що покращити в громаді?")
	})
	timed(func() tgemu.Message { e.toast(talker, q, "Дороги"); return q })
	timed(func() tgemu.Message {
		return e.tap(talker, q, "Готово ✓", "Чи хочете додати ще щось?")
	})
	return slowest
}
