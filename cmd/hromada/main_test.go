package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/state/statetest"
	"github.com/hromada/hromada/internal/store/storetest"
)

func TestSurveyValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "typo.yaml")
	if err := os.WriteFile(bad, []byte("id: typo\nlanguages: [uk]\ntitle: {uk: \"Приклад\"}\nquestions:\n  - id: q1\n    type: multiple\n    text: {uk: \"Що?\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := run(context.Background(), []string{"survey", "validate", "../../surveys/local-elections.yaml", bad}, nil, &out, io.Discard)
	if !errors.Is(err, errQuiet) {
		t.Fatalf("validate with a bad file = %v, want a failure", err)
	}
	for _, want := range []string{`local-elections.yaml: ok (survey "local-elections"`, bad + `:6: question "q1": unknown type "multiple"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"survey", "validate", "../../surveys/local-elections.yaml", "../../surveys/reintegration.yaml"}, nil, &out, io.Discard); err != nil {
		t.Fatalf("validate of the examples: %v\n%s", err, out.String())
	}
}

func TestEventValidate(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	src := "id: x\nlanguages: [uk]\ntitle: {uk: X}\nstarts: 2027-01-01 10:00\nends: 2027-01-01 09:00\ncapasity: 10\nonline: ftp://x\n"
	if err := os.WriteFile(bad, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := run(context.Background(), []string{"event", "validate", "../../events/kharkiv-dialogue.yaml", bad}, nil, &out, io.Discard)
	if !errors.Is(err, errQuiet) {
		t.Fatalf("validate with a bad file = %v, want a failure", err)
	}
	for _, want := range []string{
		`kharkiv-dialogue.yaml: ok (event "kharkiv-dialogue", starts 2027-02-10 18:00 Europe/Kyiv, 40 seats + waitlist, 2 registration questions)`,
		bad + `:1: missing "capacity"`,
		bad + `:5: ends (2027-01-01 09:00) must be later than starts`,
		bad + `:6: unknown key "capasity" (did you mean "capacity"?)`,
		bad + `:7: online: "ftp://x" is not a web link`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(context.Background(), []string{"event", "validate", "../../events/kharkiv-dialogue.yaml"}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("validate of the example: %v", err)
	}
}

// syncWriter lets the test read what the sandbox prints while it prints.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		got := w.b.String()
		w.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t.Fatalf("the sandbox never printed %q:\n%s", want, w.b.String())
}

// The sandbox: the person at the terminal types the number of a button. It
// runs twice on the same database and Redis prefix, as a person would start
// it again the next day.
func TestSandbox(t *testing.T) {
	t.Setenv("TELEGRAM_BOT_TOKEN", "")
	t.Setenv("DATABASE_URL", storetest.URL(t))
	t.Setenv("REDIS_URL", statetest.RedisURL())
	t.Setenv("REDIS_PREFIX", "") // the sandbox's own
	t.Setenv("SURVEYS_DIR", "../../surveys")
	sandboxRun(t, "[1] ✅ Погоджуюся")
	sandboxRun(t, "Відкриті опитування") // consent was given in the first run
}

func sandboxRun(t *testing.T, first string) {
	t.Helper()
	stdin, typed := io.Pipe()
	out := &syncWriter{}
	done := make(chan error, 1)
	go func() { done <- run(context.Background(), []string{"run"}, stdin, out, io.Discard) }()

	out.waitFor(t, first)
	if first == "[1] ✅ Погоджуюся" {
		io.WriteString(typed, "1\n")
	}
	out.waitFor(t, "Місцеві вибори: уроки для єдності") // "▶ " in front the second time
	io.WriteString(typed, "1\n")
	out.waitFor(t, "У якому регіоні ви зараз живете?")
	io.WriteString(typed, "sticker\n")
	out.waitFor(t, "Стікери, фото та голосові повідомлення не зберігаються")
	io.WriteString(typed, "quit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sandbox ended with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox did not end after quit")
	}
}

func TestTokenCommands(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.URL(t))
	ctx := context.Background()
	var out, errs strings.Builder
	if err := run(ctx, []string{"token", "create", "--role", "analyst", "--name", "Олена, KSE"}, nil, &out, &errs); err != nil {
		t.Fatal(err, errs.String())
	}
	token := strings.TrimSpace(out.String())
	if !strings.HasPrefix(token, "hrm_") || len(token) < 40 {
		t.Fatalf("token = %q", token)
	}
	out.Reset()
	if err := run(ctx, []string{"token", "list"}, nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Олена, KSE") || strings.Contains(out.String(), token) {
		t.Fatalf("list shows %q", out.String())
	}
	if err := run(ctx, []string{"token", "revoke", "1"}, nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"token", "revoke", "1"}, nil, &out, &errs); err == nil {
		t.Fatal("revoking twice should fail")
	}
	if err := run(ctx, []string{"token", "create", "--role", "king", "--name", "x"}, nil, &out, &errs); err == nil {
		t.Fatal("an unknown role was accepted")
	}
}

func TestAdminCommands(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.URL(t))
	ctx := context.Background()
	var out, errs strings.Builder
	for _, args := range [][]string{
		{"admin", "grant", "--telegram-id", "5000000001", "--role", "analyst"},
		{"admin", "grant", "--telegram-id", "5000000001", "--role", "analyst"}, // again: no change
		{"admin", "grant", "--telegram-id", "42", "--role", "admin"},
		{"admin", "revoke", "--telegram-id", "42", "--role", "admin"},
	} {
		if err := run(ctx, args, nil, &out, &errs); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	if err := run(ctx, []string{"admin", "list"}, nil, &out, &errs); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^5000000001\s+analyst\s`).MatchString(out.String()) || regexp.MustCompile(`(?m)^42\s`).MatchString(out.String()) {
		t.Fatalf("list:\n%s", out.String())
	}
	for _, args := range [][]string{
		{"admin", "grant", "--telegram-id", "1", "--role", "king"},
		{"admin", "grant", "--role", "admin"},
		{"admin", "revoke", "--telegram-id", "42", "--role", "admin"}, // no longer has it
	} {
		if err := run(ctx, args, nil, &out, &errs); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

// TestBroadcastCommand: the audience's size, a broadcast created and
// listed, a wrong audience refused, a cancellation.
func TestBroadcastCommand(t *testing.T) {
	dbURL := storetest.URL(t)
	t.Setenv("DATABASE_URL", dbURL)
	var out strings.Builder
	cmd := func(args ...string) error {
		out.Reset()
		return run(context.Background(), append([]string{"broadcast"}, args...), nil, &out, io.Discard)
	}
	if err := cmd("send", "--who-event", "forum:attended", "--dry-run"); err != nil || out.String() != "0 recipients now\n" {
		t.Fatalf("dry run: %v %q", err, out.String())
	}
	if err := cmd("send", "--who-survey", "poll:finished", "--text", "x"); err == nil || !strings.Contains(err.Error(), "completed, started, not_started") {
		t.Errorf("a wrong survey state: %v", err)
	}
	if err := cmd("send", "--text", "<b>Завтра</b> зустріч", "--url", "https://example.org", "--button", "Деталі", "--at", "2030-01-01 10:00"); err != nil || !strings.HasPrefix(out.String(), "broadcast 1: scheduled, 0 recipients now") {
		t.Fatalf("send: %v %q", err, out.String())
	}
	if err := cmd("list"); err != nil || !strings.Contains(out.String(), "scheduled") {
		t.Fatalf("list: %v %q", err, out.String())
	}
	if err := cmd("cancel", "1"); err != nil || out.String() != "broadcast 1 cancelled\n" {
		t.Fatalf("cancel: %v %q", err, out.String())
	}
	if err := cmd("cancel", "1"); err == nil {
		t.Error("a cancelled broadcast was cancelled again")
	}
}
