package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hromada/hromada/internal/app"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/tgemu"
)

// runBot runs the bot against Telegram, or the local sandbox when no token
// is set.
func runBot(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("run", args, stderr)
	if err != nil {
		return err
	}
	if cfg.Sandbox() {
		return sandbox(ctx, cfg, stdin, stdout, stderr)
	}
	log := newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Run(ctx)
}

const sandboxHelp = `Hromada sandbox: no TELEGRAM_BOT_TOKEN is set, so the bot talks to a Telegram
emulator and you are the citizen. Type a message and press Enter; type the
number of a button to tap it; "contact" shares your phone number, "location"
a point in Kyiv, "sticker" sends a sticker, "photo <caption>" a photo,
"html <b>bold</b> text" formatted text; "quit" (or Ctrl-D) leaves.
You are also the team's admin here: try /broadcast, /broadcasts, /attendees,
/results, /export, /team.
Set TELEGRAM_BOT_TOKEN to go live.
`

// sandbox runs the real bot against an in-process emulator and lets the
// person at the terminal chat with it.
func sandbox(ctx context.Context, cfg config.Config, stdin io.Reader, stdout, stderr io.Writer) error {
	emu := tgemu.New(tgemu.Options{BotUsername: "hromada_sandbox_bot"})
	base, err := emu.Start()
	if err != nil {
		return err
	}
	defer emu.Close()
	cfg.BotToken, cfg.APIURL = emu.Token(), base
	// The sandbox keeps its data apart from a real bot's on the same machine.
	if os.Getenv("DATABASE_URL") == "" {
		u, err := sandboxDatabase(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		cfg.DatabaseURL = u
	}
	ownPrefix := os.Getenv("REDIS_PREFIX") == ""
	if ownPrefix {
		cfg.RedisPrefix = "hromada-sandbox:"
	}
	cfg.AdminListen = "127.0.0.1:0"
	cfg.PollTimeout = 5 * time.Second
	if cfg.LogLevel == "info" {
		cfg.LogLevel = "warn" // keep the chat readable
	}
	log := newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if ownPrefix {
		// Every run's emulator numbers its updates from the same first id:
		// forget the last run's (handled ids, chat states); Postgres keeps
		// everything that matters.
		if err := a.State.Flush(ctx); err != nil {
			return err
		}
	}
	if err := a.Start(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := a.Run(ctx); err != nil {
			log.Error("bot stopped", "error", err)
			cancel()
		}
	})
	defer wg.Wait()

	fmt.Fprint(stdout, sandboxHelp)
	you := emu.NewCitizen("Citizen", "uk")
	if err := a.Store.Grant(ctx, you.ID(), store.RoleAdmin, nil); err != nil {
		return err
	}
	screen := &sandboxScreen{out: stdout}
	wg.Go(func() { screen.follow(ctx, emu, you.ID()) })
	if _, err := you.Send("/start"); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "you> /start")
	lines := make(chan string)
	go func() { // ends with stdin; not waited for, as a terminal read cannot be interrupted
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				cancel()
				return nil
			}
			if err := screen.act(you, strings.TrimSpace(line)); err != nil {
				if err == io.EOF {
					cancel()
					return nil
				}
				fmt.Fprintln(stdout, "!", err)
			}
		}
	}
}

// sandboxDatabase returns the URL of the database "hromada_sandbox" on the
// server of serverURL, creating it when missing.
func sandboxDatabase(ctx context.Context, serverURL string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("sandbox: DATABASE_URL: %w", err)
	}
	u.Path = "/hromada_sandbox"
	if conn, err := pgx.Connect(ctx, u.String()); err == nil {
		conn.Close(ctx)
		return u.String(), nil
	}
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return "", fmt.Errorf("sandbox: postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "create database hromada_sandbox"); err != nil {
		return "", fmt.Errorf("sandbox: create database hromada_sandbox: %w", err)
	}
	return u.String(), nil
}

// sandboxScreen prints the bot's messages and remembers the buttons on show,
// so that a number typed at the prompt taps one.
type sandboxScreen struct {
	out io.Writer

	mu      sync.Mutex
	inline  tgemu.Message // the latest message with inline buttons
	buttons []sandboxButton
}

type sandboxButton struct {
	text    string
	inline  bool
	contact bool
	place   bool
}

func (s *sandboxScreen) follow(ctx context.Context, emu *tgemu.Server, chatID int64) {
	since := 0
	for ctx.Err() == nil {
		msgs, next, err := emu.Changes(ctx, chatID, since)
		if err != nil {
			if ctx.Err() == nil {
				time.Sleep(50 * time.Millisecond)
			}
			continue
		}
		since = next
		for _, m := range msgs {
			s.show(m)
		}
	}
}

func (s *sandboxScreen) show(m tgemu.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Deleted {
		return
	}
	var b strings.Builder
	if m.EditCount > 0 {
		b.WriteString("bot (edited)> ")
	} else {
		b.WriteString("bot> ")
	}
	b.WriteString(strings.ReplaceAll(m.PlainText(), "\n", "\n     "))
	switch {
	case m.Document != nil:
		fmt.Fprintf(&b, " [file %s, %d bytes]", m.Document.Name, len(m.Document.Bytes))
	case m.Photo != nil:
		fmt.Fprintf(&b, " [picture %s]", m.Photo.Name)
	case m.Location != nil:
		fmt.Fprintf(&b, "[map pin %.4f, %.4f]", m.Location.Latitude, m.Location.Longitude)
	}
	b.WriteString("\n")
	var buttons []sandboxButton
	for _, row := range m.InlineKeyboard {
		for _, btn := range row {
			buttons = append(buttons, sandboxButton{text: btn.Text, inline: true})
		}
	}
	if len(buttons) > 0 {
		s.inline = m
	}
	if m.ReplyKeyboard != nil {
		for _, row := range m.ReplyKeyboard.Rows {
			for _, btn := range row {
				buttons = append(buttons, sandboxButton{text: btn.Text, contact: btn.RequestContact, place: btn.RequestLocation})
			}
		}
	}
	if len(buttons) > 0 {
		s.buttons = buttons
		for i, btn := range buttons {
			fmt.Fprintf(&b, "     [%d] %s\n", i+1, btn.text)
		}
	}
	fmt.Fprint(s.out, b.String())
}

// act does what the person typed.
func (s *sandboxScreen) act(you *tgemu.Citizen, line string) error {
	s.mu.Lock()
	buttons, inline := s.buttons, s.inline
	s.mu.Unlock()
	var err error
	switch line {
	case "":
		return nil
	case "quit", "exit":
		return io.EOF
	case "contact":
		_, err = you.ShareContact(you.Phone(), you.ID())
	case "location":
		_, err = you.ShareLocation(50.4501, 30.5234)
	case "sticker":
		_, err = you.SendSticker()
	default:
		if caption, ok := strings.CutPrefix(line, "photo"); ok && (caption == "" || caption[0] == ' ') {
			_, err = you.SendPhotoWithCaption(strings.TrimSpace(caption))
			break
		}
		if text, ok := strings.CutPrefix(line, "html "); ok {
			_, err = you.SendFormatted(text)
			break
		}
		n, convErr := strconv.Atoi(line)
		if convErr != nil || n < 1 || n > len(buttons) {
			_, err = you.Send(line)
			break
		}
		btn := buttons[n-1]
		if btn.inline {
			_, err = you.Tap(inline, btn.text)
		} else {
			_, err = you.PressReplyButton(btn.text)
		}
	}
	return err
}
