// Package config is Hromada's configuration: one typed struct, filled from
// defaults, then the environment, then command-line flags, and validated once
// at start with errors that name the setting. It reads nothing else.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the bot.
type Config struct {
	BotToken         string        // TELEGRAM_BOT_TOKEN; empty runs the local sandbox
	APIURL           string        // TELEGRAM_API_URL
	DatabaseURL      string        // DATABASE_URL
	RedisURL         string        // REDIS_URL
	RedisPrefix      string        // REDIS_PREFIX
	SurveysDir       string        // SURVEYS_DIR
	EventsDir        string        // EVENTS_DIR; empty: no events
	WebhookURL       string        // WEBHOOK_URL; empty means long polling
	WebhookListen    string        // WEBHOOK_LISTEN
	WebhookSecret    string        // WEBHOOK_SECRET
	AdminListen      string        // ADMIN_LISTEN: /healthz and /metrics
	SessionTTL       time.Duration // SESSION_TTL
	NoticeFile       string        // NOTICE_FILE: the privacy notice (empty: the built-in one)
	ContactRetention time.Duration // CONTACT_RETENTION: how long phone numbers and locations are kept at most
	RateLimit        float64       // RATE_LIMIT: outgoing messages per second for the whole bot
	PaidRate         float64       // PAID_BROADCAST_RATE: broadcast messages per second as paid broadcasts; 0: off
	Workers          int           // WORKERS: updates handled at once (different chats)
	PollTimeout      time.Duration // POLL_TIMEOUT: getUpdates long-poll timeout
	LogLevel         string        // LOG_LEVEL: debug, info, warn, error
	LogFormat        string        // LOG_FORMAT: text or json
	PseudonymKey     string        // PSEUDONYM_KEY: HMAC key of the respondent ids in exports
}

// setting ties a field to its environment variable, flag and help.
type setting struct {
	env, flag, help string
	ptr             any // *string, *time.Duration, *float64, *int
}

func (c *Config) settings() []setting {
	return []setting{
		{"TELEGRAM_BOT_TOKEN", "token", "Telegram bot token; empty runs the local sandbox", &c.BotToken},
		{"TELEGRAM_API_URL", "api-url", "Bot API base URL; the bot calls <url>/bot<token>/<method>", &c.APIURL},
		{"DATABASE_URL", "database-url", "PostgreSQL connection URL", &c.DatabaseURL},
		{"REDIS_URL", "redis-url", "Redis connection URL", &c.RedisURL},
		{"REDIS_PREFIX", "redis-prefix", "prefix of every Redis key", &c.RedisPrefix},
		{"SURVEYS_DIR", "surveys", "directory of survey YAML files", &c.SurveysDir},
		{"EVENTS_DIR", "events", "directory of event YAML files (empty: no events)", &c.EventsDir},
		{"WEBHOOK_URL", "webhook-url", "public HTTPS URL for Telegram to call; empty uses long polling", &c.WebhookURL},
		{"WEBHOOK_LISTEN", "webhook-listen", "address the webhook server listens on", &c.WebhookListen},
		{"WEBHOOK_SECRET", "webhook-secret", "secret token Telegram sends back in X-Telegram-Bot-Api-Secret-Token", &c.WebhookSecret},
		{"ADMIN_LISTEN", "admin-listen", "address for /healthz and /metrics", &c.AdminListen},
		{"SESSION_TTL", "session-ttl", "how long a conversation's state stays in Redis", &c.SessionTTL},
		{"CONTACT_RETENTION", "contact-retention", "how long phone numbers and locations are kept at most, unless a survey's retention is shorter (0: as long as the response)", &c.ContactRetention},
		{"NOTICE_FILE", "notice", "YAML file of the privacy notice (version and text per language); empty: the built-in notice", &c.NoticeFile},
		{"RATE_LIMIT", "rate-limit", "messages per second the bot sends at most (0: no limit, for load tests against the emulator)", &c.RateLimit},
		{"PAID_BROADCAST_RATE", "paid-broadcast-rate", "send broadcasts as Telegram paid broadcasts (allow_paid_broadcast, 0.1 Star each beyond the free limit) at up to this many messages per second, on top of RATE_LIMIT; 0: off", &c.PaidRate},
		{"WORKERS", "workers", "updates of different chats handled at once", &c.Workers},
		{"POLL_TIMEOUT", "poll-timeout", "long-poll timeout of getUpdates", &c.PollTimeout},
		{"LOG_LEVEL", "log-level", "debug, info, warn or error", &c.LogLevel},
		{"LOG_FORMAT", "log-format", "text or json", &c.LogFormat},
		{"PSEUDONYM_KEY", "pseudonym-key", "secret key (at least 32 characters) of the pseudonymous respondent ids in exports", &c.PseudonymKey},
	}
}

// Default returns the configuration before environment and flags.
func Default() Config {
	return Config{
		APIURL:           "https://api.telegram.org",
		DatabaseURL:      "postgres://postgres@127.0.0.1:5432/hromada?sslmode=disable",
		RedisURL:         "redis://127.0.0.1:6379/0",
		RedisPrefix:      "hromada:",
		SurveysDir:       "./surveys",
		ContactRetention: 180 * 24 * time.Hour,
		EventsDir:        "./events",
		WebhookListen:    ":8443",
		AdminListen:      "127.0.0.1:9090",
		SessionTTL:       30 * 24 * time.Hour,
		RateLimit:        25,
		Workers:          128,
		PollTimeout:      30 * time.Second,
		LogLevel:         "info",
		LogFormat:        "text",
	}
}

// Load fills a Config from defaults, the environment (getenv) and args, and
// validates it. Flags are registered with the built-in defaults only, so that
// -h and a mistyped flag never print a secret taken from the environment.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	c := Default()
	sets := c.settings()
	for _, s := range sets {
		help := s.help + " (env " + s.env + ")"
		switch p := s.ptr.(type) {
		case *string:
			fs.StringVar(p, s.flag, *p, help)
		case *time.Duration:
			fs.DurationVar(p, s.flag, *p, help)
		case *float64:
			fs.Float64Var(p, s.flag, *p, help)
		case *int:
			fs.IntVar(p, s.flag, *p, help)
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range sets {
		v := getenv(s.env)
		if v == "" || given[s.flag] {
			continue
		}
		if err := set(s.ptr, v); err != nil {
			return c, fmt.Errorf("config: %s: %w", s.env, err)
		}
	}
	return c, c.Validate()
}

func set(ptr any, v string) error {
	switch p := ptr.(type) {
	case *string:
		*p = v
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*p = d
	case *float64:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return err
		}
		*p = f
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		*p = n
	}
	return nil
}

var secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// Validate checks every setting and reports all that are wrong.
func (c Config) Validate() error {
	var errs []error
	bad := func(name, why string) { errs = append(errs, fmt.Errorf("config: %s: %s", name, why)) }
	if c.ContactRetention < 0 {
		bad("CONTACT_RETENTION", "must not be negative (0 keeps contact data as long as the response)")
	}
	if u, err := url.Parse(c.APIURL); err != nil || u.Scheme == "" || u.Host == "" {
		bad("TELEGRAM_API_URL", "must be an absolute URL such as https://api.telegram.org")
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("DATABASE_URL", "must start with postgres://")
	}
	if !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		bad("REDIS_URL", "must start with redis:// or rediss://")
	}
	if c.WebhookURL != "" {
		if u, err := url.Parse(c.WebhookURL); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
			bad("WEBHOOK_URL", "must be an https:// URL (http:// only on 127.0.0.1 or localhost, for the emulator)")
		}
		if c.WebhookSecret == "" {
			bad("WEBHOOK_SECRET", "is required in webhook mode (1–256 of A-Z a-z 0-9 _ -)")
		}
	}
	if c.WebhookSecret != "" && !secretPattern.MatchString(c.WebhookSecret) {
		bad("WEBHOOK_SECRET", "must be 1–256 of A-Z a-z 0-9 _ -")
	}
	if c.SessionTTL < time.Hour {
		bad("SESSION_TTL", "must be at least 1h")
	}
	if c.RateLimit < 0 || c.RateLimit > 1000 {
		bad("RATE_LIMIT", "must be between 0 (no limit: load tests against the emulator only) and 1000 messages per second")
	}
	if c.PaidRate < 0 || c.PaidRate+c.RateLimit > 1000 {
		bad("PAID_BROADCAST_RATE", "must be between 0 (off) and 1000 messages per second less RATE_LIMIT (Telegram's paid broadcasts allow 1000 a second in all)")
	}
	if c.Workers < 1 || c.Workers > 10000 {
		bad("WORKERS", "must be between 1 and 10000")
	}
	if c.PollTimeout < 0 || c.PollTimeout > 50*time.Second {
		bad("POLL_TIMEOUT", "must be between 0s and 50s")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "must be debug, info, warn or error")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("LOG_FORMAT", "must be text or json")
	}
	if c.PseudonymKey != "" && len(c.PseudonymKey) < 32 {
		bad("PSEUDONYM_KEY", "must be at least 32 characters")
	}
	return errors.Join(errs...)
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Sandbox reports whether no bot token is set, so Hromada runs against the
// built-in emulator.
func (c Config) Sandbox() bool { return c.BotToken == "" }
