// Command hromada runs the Hromada Telegram bot and its tools.
//
//	hromada [run]                   run the bot (the local sandbox when no token is set)
//	hromada migrate                 apply database migrations
//	hromada survey validate FILE... check survey definitions
//	hromada event validate FILE...  check event definitions
//	hromada export --survey ID      write a survey's responses (CSV, XLSX, long CSV)
//	hromada token create|list|revoke tokens of the HTTP API
//	hromada loadtest                measure the bot against the emulator
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errQuiet) {
			fmt.Fprintln(os.Stderr, "hromada:", err)
		}
		os.Exit(1)
	}
}

// errQuiet: the command already said what went wrong.
var errQuiet = errors.New("failed")

const usage = `usage: hromada <command> [flags]

commands:
  run                    run the bot (the local sandbox when TELEGRAM_BOT_TOKEN is empty)
  migrate                apply database migrations
  survey validate FILE…  check survey definitions; exits 1 on any problem
  event validate FILE…   check event definitions; exits 1 on any problem
  export --survey ID [--format csv|xlsx|long] [-o FILE]  a survey's responses for analysts
  admin grant|revoke|list   the team's roles (admin, organiser, analyst) by Telegram id
  token create|list|revoke  Bearer tokens of the HTTP API (/api/v1 on ADMIN_LISTEN)
  broadcast send|list|cancel  invitations to many citizens (the running bot sends them)
  report --survey ID -o FILE  a survey's results as one HTML page (small counts hidden)
  loadtest               N emulated citizens complete a survey; prints exchanges/s and latency
  help                   this text

Run "hromada run -h" for the settings (flags and environment variables).
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-') {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return runBot(ctx, args, stdin, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, stderr)
	case "survey":
		if len(args) == 0 || args[0] != "validate" {
			return fmt.Errorf("usage: hromada survey validate FILE...")
		}
		return validate(args[1:], stdout)
	case "event":
		if len(args) == 0 || args[0] != "validate" {
			return fmt.Errorf("usage: hromada event validate FILE...")
		}
		return validateEvents(args[1:], stdout)
	case "loadtest":
		return loadtest(ctx, args, stdout, stderr)
	case "export":
		return exportCommand(ctx, args, stdout, stderr)
	case "broadcast":
		return broadcastCmd(ctx, args, stdout, stderr)
	case "token":
		return token(ctx, args, stdout, stderr)
	case "report":
		return reportPage(ctx, args, stdout, stderr)
	case "admin":
		return admin(ctx, args, stdout, stderr)
	case "barebot": // the load test's yardstick; not for use
		return barebot(ctx)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// loadConfig reads the configuration for a command.
func loadConfig(name string, args []string, stderr io.Writer) (config.Config, error) {
	fs := flag.NewFlagSet("hromada "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return config.Load(fs, args, os.Getenv)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, stderr)
	if err != nil {
		return err
	}
	st, err := openMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stderr, "migrations applied")
	return nil
}

// subcommand splits "hromada <name> <sub> [flags]" into sub and a flag set
// for it (the caller declares its flags, then calls openStore).
func subcommand(name, subs string, args []string, stderr io.Writer) (sub string, fs *flag.FlagSet, rest []string, err error) {
	if len(args) == 0 {
		return "", nil, nil, fmt.Errorf("usage: hromada %s %s", name, subs)
	}
	fs = flag.NewFlagSet("hromada "+name+" "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	return args[0], fs, args[1:], nil
}

// openStore parses args with fs (the command's flags and the settings),
// and connects to the migrated database.
func openStore(ctx context.Context, fs *flag.FlagSet, args []string) (*store.Store, error) {
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return nil, err
	}
	return openMigrated(ctx, cfg.DatabaseURL)
}

// openMigrated connects to Postgres and brings its schema up to date.
func openMigrated(ctx context.Context, databaseURL string) (*store.Store, error) {
	st, err := store.Open(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, st.Pool()); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// validateEvents prints every problem of every event file as file:line: message.
func validateEvents(files []string, stdout io.Writer) error {
	return validateFiles(files, "usage: hromada event validate FILE...", survey.ParseEventFile, stdout, func(ev *survey.Event) string {
		seats := "unlimited"
		if ev.Capacity > 0 {
			seats = fmt.Sprintf("%d seats", ev.Capacity)
			if ev.Waitlist {
				seats += " + waitlist"
			}
		}
		starts := ev.Starts
		if loc, err := time.LoadLocation(ev.TimeZone); err == nil {
			starts = starts.In(loc)
		}
		return fmt.Sprintf("event %q, starts %s %s, %s, %d registration questions",
			ev.ID, starts.Format("2006-01-02 15:04"), ev.TimeZone, seats, len(ev.Questions))
	})
}

// validate prints every problem of every survey file as file:line: message.
func validate(files []string, stdout io.Writer) error {
	return validateFiles(files, "usage: hromada survey validate FILE...", survey.ParseFile, stdout, func(def *survey.Survey) string {
		return fmt.Sprintf("survey %q, %d questions, languages %v", def.ID, len(def.Questions), def.Languages)
	})
}

// validateFiles parses each file, printing its problems as file:line:
// message, or "file: ok (summary)"; errQuiet when any file has a problem.
func validateFiles[T any](files []string, usage string, parse func(string) (T, []survey.Issue), stdout io.Writer, summary func(T) string) error {
	if len(files) == 0 {
		return errors.New(usage)
	}
	bad := false
	for _, f := range files {
		def, issues := parse(f)
		for _, is := range issues {
			fmt.Fprintln(stdout, is.String())
		}
		if len(issues) > 0 {
			bad = true
			continue
		}
		fmt.Fprintf(stdout, "%s: ok (%s)\n", f, summary(def))
	}
	if bad {
		return errQuiet
	}
	return nil
}
