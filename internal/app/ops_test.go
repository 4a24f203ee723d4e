package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/tgemu"
)

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Зоя", "uk")
	startEveryType(e, c)
	e.waitIdle()
	admin := httptest.NewServer(e.app.AdminHandler())
	t.Cleanup(admin.Close)

	if code, body := get(t, admin.URL+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q, want 200 ok", code, body)
	}
	code, body := get(t, admin.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: status %d", code)
	}
	stored := float64(e.queryInt(`select count(*) from answers`))
	calls := e.emu.Stats().Calls
	for _, tc := range []struct {
		name   string
		labels []string
		want   func(float64) bool
		about  string
	}{
		{"hromada_updates_total", []string{`kind="command"`}, positive, "> 0"},
		{"hromada_updates_total", []string{`kind="callback"`}, positive, "> 0"},
		{"hromada_updates_total", []string{`kind="before_consent"`}, positive, "> 0"},
		{"hromada_answers_total", nil, equals(stored), "the answers stored, " + strconv.Itoa(int(stored))},
		{"hromada_telegram_requests_total", []string{`method="sendMessage"`}, equals(float64(calls["sendMessage"])), "the sendMessage calls Telegram saw"},
		{"hromada_telegram_requests_total", []string{`method="answerCallbackQuery"`, `outcome="ok"`}, equals(float64(calls["answerCallbackQuery"])), "the callback answers Telegram saw"},
		{"hromada_postgres_round_trips_total", nil, positive, "> 0"},
		{"hromada_redis_round_trips_total", nil, positive, "> 0"},
		{"hromada_handle_seconds_count", nil, positive, "> 0"},
	} {
		name := tc.name
		if len(tc.labels) > 0 {
			name += "{" + strings.Join(tc.labels, ",") + "}"
		}
		t.Run(name, func(t *testing.T) {
			if got := sample(t, body, tc.name, tc.labels...); !tc.want(got) {
				t.Errorf("%s = %v, want %s", name, got, tc.about)
			}
		})
	}
	if stored == 0 {
		t.Errorf("no answers stored: the answers counter was not put to the test")
	}
	if strings.Contains(body, c.FirstName()) || strings.Contains(body, strconv.FormatInt(c.ID(), 10)+`"`) {
		t.Errorf("/metrics names a citizen")
	}
}

func TestHealthFailsWhenADependencyIsUnreachable(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	for _, tc := range []struct {
		name string
		fail func(*app.App)
		want string
	}{
		{"redis", func(a *app.App) { _ = a.Redis.Close() }, "redis unavailable"},
		{"postgres", func(a *app.App) { a.Store.Close() }, "postgres unavailable"},
	} {
		a := e.newApp(e.cfg)
		admin := httptest.NewServer(a.AdminHandler())
		t.Cleanup(admin.Close)
		if code, _ := get(t, admin.URL+"/healthz"); code != http.StatusOK {
			t.Fatalf("%s: healthy: status %d", tc.name, code)
		}
		tc.fail(a)
		if code, body := get(t, admin.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, tc.want) {
			t.Errorf("%s: /healthz: %d %q, want 503 %q", tc.name, code, body, tc.want)
		}
		if code, _ := get(t, admin.URL+"/metrics"); code != http.StatusOK {
			t.Errorf("%s: /metrics: status %d; metrics should not need it", tc.name, code)
		}
	}
}

// TestStopWaitsForTheUpdateInFlight stops the bot while it waits for
// Telegram to accept its reply to an answer: the update is finished (answer
// stored, reply sent, state saved, lock freed, update confirmed) before stop
// returns, and a new process goes on from the next question.
func TestStopWaitsForTheUpdateInFlight(t *testing.T) {
	for _, mode := range []string{"long polling", "webhook"} {
		t.Run(mode, func(t *testing.T) {
			const slow = 300 * time.Millisecond
			var (
				slowChat atomic.Int64 // the chat whose sendMessage is slow
				sending  = make(chan struct{}, 1)
				answered atomic.Bool // Telegram answered the slow sendMessage
			)
			e := newEnv(t, tgemu.Options{OnRequest: func(r tgemu.Request) {
				if r.Method != "sendMessage" || r.ChatID == 0 || r.ChatID != slowChat.Load() {
					return
				}
				select {
				case sending <- struct{}{}:
				default:
				}
				time.Sleep(slow)
				answered.Store(true)
			}})
			if mode == "webhook" {
				useWebhook(e)
			}
			e.start()
			c := e.emu.NewCitizen("Ярина", "uk")
			toAge(e, c)
			e.waitIdle()

			slowChat.Store(c.ID())
			id, err := c.Send("61")
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-sending:
			case <-time.After(10 * time.Second):
				t.Fatal("the bot never replied to the answer")
			}
			began := time.Now()
			e.stop()
			took := time.Since(began)
			slowChat.Store(0)
			if !answered.Load() {
				t.Fatalf("stop returned after %v, before Telegram had answered the reply in flight", took)
			}

			if got := e.answers(c.ID(), "every-type")["age"]; got != "61" {
				t.Errorf("age = %q after stop, want 61", got)
			}
			if m, _ := c.LastMessage(); !strings.Contains(m.PlainText(), "витрачаєте") {
				t.Errorf("last message %q, want the next question", m.PlainText())
			}
			e.waitIdle() // confirmed to Telegram: it will not come again
			if !e.handled(c.ID(), id) {
				t.Errorf("the update in flight was not marked handled")
			}
			if logs := e.logs.String(); strings.Contains(logs, "not handled") || strings.Contains(logs, "level=ERROR") {
				t.Errorf("errors logged while stopping:\n%s", logs)
			}

			e.start()
			e.send(c, "0", "Коли ви переїхали?")
			e.waitIdle()
			asked := 0
			for _, m := range c.Messages() {
				if strings.Contains(m.PlainText(), "витрачаєте") {
					asked++
				}
			}
			if asked != 1 {
				t.Errorf("the question after the answer in flight was asked %d times", asked)
			}
			if n := e.queryInt(`select count(*) from answers where question_id = 'age'`); n != 1 {
				t.Errorf("age rows = %d", n)
			}
			if got := e.answers(c.ID(), "every-type"); got["age"] != "61" || got["spend"] != "0" {
				t.Errorf("age = %q, spend = %q; want 61 and 0", got["age"], got["spend"])
			}
		})
	}
}

func positive(v float64) bool { return v > 0 }

func equals(want float64) func(float64) bool {
	return func(v float64) bool { return v == want && want > 0 }
}

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape returns what /metrics of a shows.
func scrape(t *testing.T, a *app.App) string {
	t.Helper()
	rec := httptest.NewRecorder()
	a.AdminHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: status %d", rec.Code)
	}
	return rec.Body.String()
}

// sample sums the samples of metric name in a Prometheus text exposition
// whose labels include each of labels (written `key="value"`).
func sample(t *testing.T, exposition, name string, labels ...string) float64 {
	t.Helper()
	var sum float64
	for line := range strings.Lines(exposition) {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, name)
		if !ok {
			continue
		}
		var set string
		switch {
		case strings.HasPrefix(rest, "{"):
			end := strings.IndexByte(rest, '}')
			set, rest = rest[1:end], rest[end+1:]
		case !strings.HasPrefix(rest, " "):
			continue // a longer name: name_bucket, name_count, …
		}
		matches := true
		for _, l := range labels {
			matches = matches && strings.Contains(","+set+",", ","+l+",")
		}
		if !matches {
			continue
		}
		fields := strings.Fields(rest)
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}
