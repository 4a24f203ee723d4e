package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/tgemu"
)

// processTimeout bounds every wait on a bot process: becoming healthy,
// stopping, a condition the test waits for.
const processTimeout = 30 * time.Second

// TestTwoProcessesServeOneBotByWebhook runs the real binary twice (`hromada
// run`) as replicas of one bot behind a round-robin load balancer, on one
// database and one Redis prefix. Nothing is shared between them but Postgres
// and Redis, so what keeps a chat's updates apart here is the chat lock in
// Redis and the handled marks next to it, not anything in a Go process.
func TestTwoProcessesServeOneBotByWebhook(t *testing.T) {
	bin := buildHromada(t)
	e := newEnv(t, tgemu.Options{})
	addrs := []string{freeAddr(t), freeAddr(t)}
	lb, lbURL := newBalancer(t, addrs...)
	var procs []*botProcess
	for i, addr := range addrs {
		// Both register the balancer's URL, as replicas of one bot do.
		procs = append(procs, startBotProcess(t, bin, fmt.Sprintf("replica %d", i+1), e.cfg, lbURL, addr))
	}
	for _, p := range procs {
		p.waitHealthy(t)
	}
	waitForProcesses(t, procs, "both processes to register the webhook", func() bool {
		return e.emu.Stats().Calls["setWebhook"] >= len(procs)
	})

	// In order across processes: Telegram posts a chat's next update once
	// the last was answered, and the balancer sends them to one process and
	// the other in turn. Each process must go on from the state the other
	// left in Redis, and Done must come after both taps.
	checkTapsInOrder(t, e, lb, "process")

	// One at a time across processes: every option tapped at once, each
	// tap posted to both processes at once (as Telegram may after a
	// confirmation was lost). Each tap reads the selection from Redis, adds
	// its option and writes it back: only the chat lock keeps taps handled
	// by different processes from overwriting each other, and only the
	// handled marks keep the second copy of a tap from undoing the first.
	options := []toggle{
		{"roads", "Дороги"}, {"water", "Вода"}, {"light", "Освітлення"}, {"parks", "Парки"},
		{"shelters", "Укриття"}, {"buses", "Автобуси"}, {"clinics", "Амбулаторії"}, {"schools", "Школи"},
	}
	c := e.emu.NewCitizen("Степан", "uk")
	e.consent(c)
	q := e.send(c, "/start s_many-toggles", "Що покращити в громаді?")
	e.waitIdle()
	before := scrapeProcesses(t, procs)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i, o := range options {
		btn, ok := q.Button(o.label)
		if !ok {
			t.Fatalf("no button %q: %v", o.label, q.InlineKeyboard)
		}
		body := tapUpdate(craftedUpdateID+i, c.ID(), c.FirstName(), q.ID, btn.CallbackData)
		for _, addr := range addrs {
			wg.Go(func() {
				<-ready
				if code := postUpdate(t, "http://"+addr+"/", webhookSecret, body); code != http.StatusOK {
					t.Errorf("tap %s to %s: status %d, want 200", o.id, addr, code)
				}
			})
		}
	}
	close(ready)
	wg.Wait()

	after := scrapeProcesses(t, procs)
	applied, dropped := 0.0, 0.0
	var split []string
	for i, p := range procs {
		n := sample(t, after[i], "hromada_updates_total", `kind="callback"`) - sample(t, before[i], "hromada_updates_total", `kind="callback"`)
		applied += n
		dropped += sample(t, after[i], "hromada_duplicate_updates_total") - sample(t, before[i], "hromada_duplicate_updates_total")
		split = append(split, fmt.Sprintf("%s %v", p.name, n))
	}
	t.Logf("taps applied: %s", strings.Join(split, ", "))
	if applied != float64(len(options)) || dropped != float64(len(options)) {
		t.Errorf("taps applied %v and dropped as duplicates %v, over both processes; want %d and %d (one copy of each tap each)",
			applied, dropped, len(options), len(options))
	}
	for i, o := range options {
		if !e.handled(c.ID(), craftedUpdateID+i) {
			t.Errorf("tap %s was not marked handled", o.id)
		}
	}
	checkAllToggled(t, e, c, q, options)
}

// buildHromada builds the bot's binary into a directory of the test and
// returns its path.
func buildHromada(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "hromada")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a cold build cache is slow
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, "github.com/hromada/hromada/cmd/hromada").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// botProcess is `hromada run` in a process of its own.
type botProcess struct {
	name  string
	admin string // its ADMIN_LISTEN
	cmd   *exec.Cmd
	out   *syncBuffer // stdout and stderr: the logs
	done  chan struct{}
	err   error // how it exited, once done is closed
	// killed: the test killed it with SIGKILL, so its exit is no failure.
	killed bool
}

// kill ends the process with SIGKILL, as a crash or the OOM killer would:
// nothing in it gets to finish.
func (p *botProcess) kill(t *testing.T) {
	t.Helper()
	p.killed = true
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// startBotProcess runs the binary bin in webhook mode with cfg's emulator,
// database, Redis prefix and surveys, registering webhookURL and listening
// on listen, until the test ends: then it is stopped with SIGTERM and the
// test fails if it did not exit cleanly.
func startBotProcess(t *testing.T, bin, name string, cfg config.Config, webhookURL, listen string) *botProcess {
	t.Helper()
	surveys, err := filepath.Abs(cfg.SurveysDir)
	if err != nil {
		t.Fatal(err)
	}
	events := ""
	if cfg.EventsDir != "" {
		if events, err = filepath.Abs(cfg.EventsDir); err != nil {
			t.Fatal(err)
		}
	}
	p := &botProcess{name: name, admin: freeAddr(t), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "run")
	p.cmd.Env = append(os.Environ(), // later entries win over the test's own environment
		"TELEGRAM_BOT_TOKEN="+cfg.BotToken,
		"TELEGRAM_API_URL="+cfg.APIURL,
		"DATABASE_URL="+cfg.DatabaseURL,
		"REDIS_URL="+cfg.RedisURL,
		"REDIS_PREFIX="+cfg.RedisPrefix,
		"SURVEYS_DIR="+surveys,
		"EVENTS_DIR="+events,
		"ADMIN_LISTEN="+p.admin,
		"WEBHOOK_URL="+webhookURL,
		"WEBHOOK_LISTEN="+listen,
		"WEBHOOK_SECRET="+webhookSecret,
		fmt.Sprintf("WORKERS=%d", cfg.Workers),
		fmt.Sprintf("RATE_LIMIT=%g", cfg.RateLimit),
		fmt.Sprintf("PAID_BROADCAST_RATE=%g", cfg.PaidRate),
		"LOG_LEVEL=debug",
	)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends SIGTERM, waits for the process to exit, and fails the test
// (showing its output) if it exited with an error, panicked, logged an error
// (an update not handled, say) or did not stop.
func (p *botProcess) stop(t *testing.T) {
	t.Helper()
	select {
	case <-p.done: // died early: its exit status says why
	default:
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(processTimeout):
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Errorf("%s did not stop within %v of SIGTERM:\n%s", p.name, processTimeout, p.out)
			return
		}
	}
	logs := p.out.String()
	switch {
	case p.killed:
	case p.err != nil:
		t.Errorf("%s exited with %v:\n%s", p.name, p.err, logs)
	case strings.Contains(logs, "panic:") || strings.Contains(logs, "fatal error:") || strings.Contains(logs, "DATA RACE"):
		t.Errorf("%s panicked:\n%s", p.name, logs)
	case strings.Contains(logs, "level=ERROR"):
		t.Errorf("%s logged errors:\n%s", p.name, logs)
	case t.Failed():
		t.Logf("%s's logs:\n%s", p.name, logs)
	}
}

// exited reports whether the process has ended.
func (p *botProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitHealthy waits until the process's /healthz answers 200.
func (p *botProcess) waitHealthy(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	waitForProcesses(t, []*botProcess{p}, p.name+" to be healthy", func() bool {
		resp, err := client.Get("http://" + p.admin + "/healthz")
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// waitForProcesses polls cond for up to processTimeout, and gives up at once
// if one of procs has exited.
func waitForProcesses(t *testing.T, procs []*botProcess, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(processTimeout)
	for !cond() {
		for _, p := range procs {
			if p.exited() {
				t.Fatalf("waiting for %s: %s exited (%v):\n%s", what, p.name, p.err, p.out)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scrapeProcesses returns what /metrics of each process shows.
func scrapeProcesses(t *testing.T, procs []*botProcess) []string {
	t.Helper()
	var out []string
	for _, p := range procs {
		code, body := get(t, "http://"+p.admin+"/metrics")
		if code != http.StatusOK {
			t.Fatalf("%s: /metrics: status %d", p.name, code)
		}
		out = append(out, body)
	}
	return out
}
