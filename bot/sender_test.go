package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/hromada/hromada/internal/dialogue"
	"github.com/hromada/hromada/internal/tgemu"
)

// newSender returns a Sender talking to a fresh emulator, and a citizen who
// has written to the bot (a bot cannot write first).
func newSender(t *testing.T) (*Sender, *tgemu.Server, *tgemu.Citizen) {
	t.Helper()
	emu := tgemu.New(tgemu.Options{})
	base, err := emu.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	api, err := tgbotapi.NewBotAPIWithClient(emu.Token(), base+"/bot%s/%s", &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := emu.NewCitizen("Test", "uk")
	if _, err := c.Send("/start"); err != nil {
		t.Fatal(err)
	}
	return NewSender(api, rate.Inf, slog.New(slog.NewTextHandler(io.Discard, nil)), NewMetrics(nil)), emu, c
}

func TestA429PausesAllSendingForRetryAfter(t *testing.T) {
	s, emu, c := newSender(t)
	emu.FailNext("sendMessage", 1, 429, "", 1)
	start := time.Now()
	if err := s.Deliver(context.Background(), []dialogue.Out{{ChatID: c.ID(), Text: "one"}, {ChatID: c.ID(), Text: "two"}}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("delivered in %s, before retry_after ran out", d)
	}
	var throttledAt time.Time
	for _, r := range emu.Requests() {
		switch {
		case r.Method == "sendMessage" && r.Code == 429:
			throttledAt = r.Time
		case r.Method == "sendMessage" && !throttledAt.IsZero() && r.Time.Sub(throttledAt) < time.Second:
			t.Fatalf("a message was sent %s after the 429, inside retry_after", r.Time.Sub(throttledAt))
		}
	}
	if got := len(c.Messages()); got != 2 {
		t.Fatalf("citizen got %d messages, want 2", got)
	}
}

func TestABlockedCitizenIsNotRetried(t *testing.T) {
	s, emu, c := newSender(t)
	if _, err := c.BlockBot(); err != nil {
		t.Fatal(err)
	}
	err := s.Deliver(context.Background(), []dialogue.Out{{ChatID: c.ID(), Text: "one"}, {ChatID: c.ID(), Text: "two"}})
	if !errors.Is(err, ErrBlocked) {
		t.Fatalf("Deliver = %v, want ErrBlocked", err)
	}
	if n := emu.Stats().Calls["sendMessage"]; n != 1 {
		t.Fatalf("sendMessage called %d times, want 1 (no retry, the rest skipped)", n)
	}
}

func TestTemporaryFailuresAreRetried(t *testing.T) {
	s, emu, c := newSender(t)
	emu.FailNext("sendMessage", 2, 502, "Bad Gateway", 0)
	if err := s.Deliver(context.Background(), []dialogue.Out{{ChatID: c.ID(), Text: "one"}}); err != nil {
		t.Fatal(err)
	}
	if n := emu.Stats().Calls["sendMessage"]; n != 3 {
		t.Fatalf("sendMessage called %d times, want 3", n)
	}
}

func TestHarmlessRefusalsAreSkipped(t *testing.T) {
	s, _, c := newSender(t)
	if err := s.Deliver(context.Background(), []dialogue.Out{{ChatID: c.ID(), Text: "one"}}); err != nil {
		t.Fatal(err)
	}
	m, _ := c.LastMessage()
	same := dialogue.Out{Kind: dialogue.Edit, ChatID: c.ID(), MessageID: m.ID, Text: "one"}
	if err := s.Deliver(context.Background(), []dialogue.Out{same, {ChatID: c.ID(), Text: "two"}}); err != nil {
		t.Fatalf("an edit that changes nothing failed the delivery: %v", err)
	}
	if got := len(c.Messages()); got != 2 {
		t.Fatalf("citizen got %d messages, want 2", got)
	}
}

// TestMessagesWaitingForTheirTurnHonourA429: messages already queued for the
// rate limit when a 429 comes wait the pause out too (they used to go out
// one by one during it), and a conversation's message is not queued behind
// more than one broadcast message.
func TestMessagesWaitingForTheirTurnHonourA429(t *testing.T) {
	s, emu, _ := newSender(t)
	s.limiter = rate.NewLimiter(20, 1)
	var chats []int64
	for i := range 8 {
		c := emu.NewCitizen(fmt.Sprintf("R%d", i), "uk")
		c.MarkStarted()
		chats = append(chats, c.ID())
	}
	emu.FailNext("sendMessage", 1, 429, "", 1)
	var wg sync.WaitGroup
	for _, id := range chats {
		wg.Go(func() {
			if err := s.DeliverBulk(context.Background(), []dialogue.Out{{ChatID: id, Text: "invitation"}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := emu.Stats().TooManyRequests; got != 1 {
		t.Errorf("%d answers 429: messages were sent during the pause", got)
	}
}
