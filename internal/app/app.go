// Package app wires Hromada together from its configuration: Postgres (with
// migrations), Redis, the survey definitions, the Telegram client, the
// dialogue and the bot, and runs them until the context ends.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"golang.org/x/time/rate"

	"github.com/hromada/hromada/bot"
	"github.com/hromada/hromada/internal/api"
	"github.com/hromada/hromada/internal/broadcast"
	"github.com/hromada/hromada/internal/budget"
	"github.com/hromada/hromada/internal/config"
	"github.com/hromada/hromada/internal/dialogue"
	"github.com/hromada/hromada/internal/locale"
	"github.com/hromada/hromada/internal/state"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// App is a running Hromada: every dependency, built once.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	Store    *store.Store
	Redis    *redis.Client
	State    *state.State
	Surveys  *dialogue.Surveys
	Events   *dialogue.Events
	Notice   locale.Notice
	Dialogue *dialogue.Dialogue
	// Broadcasts sends the running broadcasts once Run starts it.
	Broadcasts *broadcast.Engine
	// Jobs works the River jobs (reminders, promotions, feedback) once Run
	// starts it; any replica may work any job.
	Jobs     *river.Client[pgx.Tx]
	Bot      *bot.Bot
	Registry *prometheus.Registry
	// Clock is the time the dialogue sees (tests may set it before Start).
	Clock func() time.Time

	refusalsMu sync.Mutex
	refusals   map[string]map[int64]bool // "<broadcast id> <reason>": the recipients whose message Telegram refused so
}

// New connects to Postgres (and migrates it), Redis and Telegram, and loads
// the surveys. Close releases what it opened.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (a *App, err error) {
	a = &App{Config: cfg, Log: log, Registry: prometheus.NewRegistry(), Clock: time.Now}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	rt := newRoundTrips(a.Registry)
	pc, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return a, fmt.Errorf("app: DATABASE_URL: %w", err)
	}
	pc.ConnConfig.Tracer = rt
	pc.MaxConns = max(pc.MaxConns, int32(min(cfg.Workers, 32)))
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return a, fmt.Errorf("app: postgres: %w", err)
	}
	a.Store = store.New(pool)
	if err = pool.Ping(ctx); err != nil {
		return a, fmt.Errorf("app: postgres: %w", err)
	}
	if err = store.Migrate(ctx, a.Store.Pool()); err != nil {
		return a, fmt.Errorf("app: migrate: %w", err)
	}
	ro, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return a, fmt.Errorf("app: REDIS_URL: %w", err)
	}
	ro.PoolSize = max(ro.PoolSize, cfg.Workers+10)
	a.Redis = redis.NewClient(ro)
	a.Redis.AddHook(rt)
	if err = a.Redis.Ping(ctx).Err(); err != nil {
		return a, fmt.Errorf("app: redis: %w", err)
	}
	a.State = state.New(a.Redis, state.Options{Prefix: cfg.RedisPrefix, TTL: cfg.SessionTTL})
	a.Notice = locale.DefaultNotice()
	if cfg.NoticeFile != "" {
		if a.Notice, err = locale.LoadNotice(cfg.NoticeFile); err != nil {
			return a, fmt.Errorf("app: NOTICE_FILE: %w", err)
		}
	}
	defs, issues := survey.Load(cfg.SurveysDir)
	if len(issues) > 0 {
		var lines []string
		for _, is := range issues {
			lines = append(lines, is.String())
		}
		return a, fmt.Errorf("app: surveys in %s are not valid:\n%s", cfg.SurveysDir, strings.Join(lines, "\n"))
	}
	if a.Surveys, err = dialogue.Register(ctx, a.Store, defs); err != nil {
		return a, err
	}
	log.Info("surveys loaded", "count", len(defs), "dir", cfg.SurveysDir)
	var evs []*survey.Event
	eventsDir := cfg.EventsDir
	if _, serr := os.Stat(eventsDir); errors.Is(serr, fs.ErrNotExist) && eventsDir == config.Default().EventsDir {
		eventsDir = "" // no events directory where none was asked for: no events
	}
	if eventsDir != "" {
		evs, issues = survey.LoadEvents(cfg.EventsDir)
		if len(issues) > 0 {
			var lines []string
			for _, is := range issues {
				lines = append(lines, is.String())
			}
			return a, fmt.Errorf("app: events in %s are not valid:\n%s", cfg.EventsDir, strings.Join(lines, "\n"))
		}
	}
	if a.Events, err = dialogue.RegisterEvents(ctx, a.Store, a.Surveys, evs, a.Clock()); err != nil {
		return a, err
	}
	log.Info("events loaded", "count", len(evs), "dir", eventsDir)
	return a, nil
}

// Start connects to Telegram and builds the dialogue and the bot.
func (a *App) Start() error {
	cat, err := locale.New()
	if err != nil {
		return err
	}
	// Keep a connection to Telegram open for every worker: the default of two
	// idle connections per host makes a busy bot dial for most requests.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = a.Config.Workers + 16
	transport.MaxIdleConnsPerHost = a.Config.Workers + 16
	httpClient := &http.Client{Timeout: a.Config.PollTimeout + 15*time.Second, Transport: transport}
	api, err := tgbotapi.NewBotAPIWithClient(a.Config.BotToken, strings.TrimRight(a.Config.APIURL, "/")+"/bot%s/%s", httpClient)
	if err != nil {
		// The token is in the request URL: never let it reach the logs.
		return fmt.Errorf("app: telegram getMe: %s", redact(err.Error(), a.Config.BotToken))
	}
	a.Log.Info("connected to telegram", "bot", api.Self.UserName)
	a.Dialogue = dialogue.New(dialogue.Deps{
		Store: a.Store, State: a.State, Catalog: cat, Surveys: a.Surveys, Events: a.Events, Clock: a.Clock,
		Notice: a.Notice, ContactRetention: a.Config.ContactRetention, ExportKey: []byte(a.Config.PseudonymKey), Log: a.Log, Metrics: dialogue.NewMetrics(a.Registry),
	})
	bm := bot.NewMetrics(a.Registry)
	a.Bot = &bot.Bot{API: api, Dialogue: a.Dialogue, Sender: bot.NewSenderWith(api, a.senderOptions(), a.Log, bm), Log: a.Log, Metrics: bm, Healthy: a.Healthy, Reach: a.Store.SetReachable}
	a.Jobs, err = river.NewClient(riverpgxv5.New(a.Store.Pool()), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 16}},
		Workers: a.Dialogue.Workers(a.deliverJob),
		Logger:  slog.New(atLeast{a.Log.Handler(), slog.LevelInfo}).With("component", "river"),
		// A job's message waits for the sender's budget, behind conversation
		// replies; give it time, and rescue one left running by a process
		// that died soon enough to matter for a reminder an hour ahead.
		JobTimeout:           2 * time.Minute,
		RescueStuckJobsAfter: 3 * time.Minute,
		// Retention runs daily, and at once when a replica becomes leader
		// (so also after a restart); running it twice deletes nothing twice.
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return store.RetentionJob{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})},
	})
	if err != nil {
		return fmt.Errorf("app: river: %w", err)
	}
	a.Broadcasts = &broadcast.Engine{Store: a.Store, Send: a.sendBroadcast, Clock: a.Clock, Log: a.Log, Progress: a.broadcastProgress}
	return nil
}

// senderOptions are the bot's outgoing budgets: RATE_LIMIT and, when on,
// PAID_BROADCAST_RATE, each shared by every replica through Redis (under
// the key prefix, so replicas of one bot must share it) and kept by each
// process too, for when Redis is out of reach.
func (a *App) senderOptions() bot.SenderOptions {
	limit := rate.Limit(a.Config.RateLimit)
	if limit == 0 {
		limit = rate.Inf
	}
	o := bot.SenderOptions{Rate: limit, Shared: budget.New(a.Redis, a.Config.RedisPrefix, float64(limit), bot.Burst(limit))}
	if paid := rate.Limit(a.Config.PaidRate); paid > 0 {
		o.PaidRate, o.SharedPaid = paid, budget.New(a.Redis, a.Config.RedisPrefix+"paid:", float64(paid), bot.Burst(paid))
	}
	return o
}

// broadcastProgress keeps the progress message of a broadcast composed in
// Telegram up to date: edited in place, or sent when there is none yet (a
// scheduled broadcast that just started), by one replica. The end is the
// report job's.
func (a *App) broadcastProgress(ctx context.Context, b store.Broadcast, c store.DeliveryCounts, done bool) {
	if done || b.NotifyChat == 0 {
		return
	}
	b, err := a.Store.Broadcast(ctx, b.ID)
	if err != nil || b.Status != store.BroadcastRunning {
		return
	}
	o := a.Dialogue.BroadcastProgress(b, c, a.Clock())
	if b.NotifyMessage > 0 {
		// An edit nobody waits for: it goes with the broadcast's messages,
		// after the replies, rather than holding the broadcast back as a
		// reply would.
		o.Kind = dialogue.Edit
		if err := a.Bot.Sender.DeliverBulk(ctx, []dialogue.Out{o}); err != nil {
			a.Log.Warn("broadcast progress not shown", "broadcast", b.ID, "error", err)
		}
		return
	}
	if ok, err := a.Store.ClaimProgressMessage(ctx, b.ID); err != nil || !ok {
		return
	}
	msg, err := a.Bot.Sender.SendMessage(ctx, o)
	switch {
	case errors.Is(err, bot.ErrBlocked):
		msg = -1 // the organiser blocked the bot: no progress message, and no more tries
	case err != nil:
		a.Log.Warn("broadcast progress not shown", "broadcast", b.ID, "error", err)
	}
	if err := a.Store.SetProgressMessage(context.WithoutCancel(ctx), b.ID, msg); err != nil {
		a.Log.Warn("broadcast progress message not recorded", "broadcast", b.ID, "error", err)
	}
}

// sendBroadcast sends one broadcast message, after the conversations'
// replies, and says how it went.
func (a *App) sendBroadcast(ctx context.Context, b store.Broadcast, d store.Delivery) string {
	err := a.Bot.Sender.DeliverBulk(ctx, []dialogue.Out{a.Dialogue.BroadcastOut(b, d)})
	switch {
	case err == nil:
		return store.Sent
	case errors.Is(err, bot.ErrBlocked):
		return store.Blocked
	case bot.Refusal(err) != "":
		a.refused(ctx, b, d.CitizenID, bot.Refusal(err))
		return store.Failed
	default:
		a.Log.Warn("broadcast message failed", "broadcast", b.ID, "chat_id", d.TelegramID, "error", err)
		return store.Failed
	}
}

// refusalsToStop is how many recipients' messages Telegram must refuse for
// the same reason before a broadcast is stopped: one might be about that
// chat alone; three alike are about the message.
const refusalsToStop = 3

// refused counts Telegram's refusals of broadcast b's message and stops it
// (the organiser is told why) once refusalsToStop agree: a message Telegram
// will not take (malformed formatting, an unknown photo, no Stars for a paid
// broadcast) would otherwise fail for every recipient, three times each.
func (a *App) refused(ctx context.Context, b store.Broadcast, citizenID int64, reason string) {
	a.refusalsMu.Lock()
	if a.refusals == nil {
		a.refusals = map[string]map[int64]bool{}
	}
	key := strconv.FormatInt(b.ID, 10) + " " + reason
	if a.refusals[key] == nil {
		a.refusals[key] = map[int64]bool{}
	}
	a.refusals[key][citizenID] = true // a recipient's retries count once
	n := len(a.refusals[key])
	a.refusalsMu.Unlock()
	a.Log.Warn("telegram refused a broadcast message", "broadcast", b.ID, "reason", reason, "times", n)
	if n != refusalsToStop {
		return
	}
	err := a.Store.RefuseBroadcast(context.WithoutCancel(ctx), b.ID, reason, a.Clock())
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		a.Log.Error("cannot stop a refused broadcast", "broadcast", b.ID, "error", err)
	default:
		a.Log.Warn("broadcast stopped: telegram refuses its message", "broadcast", b.ID, "reason", reason)
	}
}

// deliverJob sends the messages of a River job. A citizen who blocked the
// bot is marked unreachable (dialogue.ErrUnreachable: the job is done, not
// retried).
func (a *App) deliverJob(ctx context.Context, outs []dialogue.Out) error {
	err := a.Bot.Sender.Deliver(ctx, outs)
	if errors.Is(err, bot.ErrBlocked) && len(outs) > 0 {
		if rerr := a.Store.SetReachable(ctx, outs[0].ChatID, false); rerr != nil {
			return rerr
		}
		return fmt.Errorf("%w: %w", dialogue.ErrUnreachable, err)
	}
	return err
}

// atLeast drops records below a level: River's debug logs would drown the
// bot's own at LOG_LEVEL=debug.
type atLeast struct {
	slog.Handler
	min slog.Level
}

func (h atLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h atLeast) WithAttrs(attrs []slog.Attr) slog.Handler {
	return atLeast{h.Handler.WithAttrs(attrs), h.min}
}

func (h atLeast) WithGroup(name string) slog.Handler {
	return atLeast{h.Handler.WithGroup(name), h.min}
}

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "<token>")
}

// Run serves until ctx ends: the admin listener (/healthz, /metrics) and
// either long polling or the webhook. In-flight updates finish before it
// returns.
func (a *App) Run(ctx context.Context) error {
	if a.Bot == nil {
		if err := a.Start(); err != nil {
			return err
		}
	}
	admin, err := a.serve(ctx, a.Config.AdminListen, a.AdminHandler())
	if err != nil {
		return fmt.Errorf("app: admin listener: %w", err)
	}
	defer shutdown(admin)
	// Jobs run on their own context: ctx ending stops taking new ones, and
	// Stop lets the running ones finish.
	if err := a.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("app: river: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := a.Jobs.Stop(sctx); err != nil {
			a.Log.Warn("river did not stop in time", "error", err)
		}
	}()
	broadcasting := make(chan struct{})
	go func() {
		defer close(broadcasting)
		a.Broadcasts.Run(ctx)
	}()
	defer func() { <-broadcasting }() // the messages in flight are recorded before leaving
	if a.Config.WebhookURL == "" {
		a.Log.Info("receiving updates by long polling")
		return a.Bot.Poll(ctx, a.Config.PollTimeout, a.Config.Workers)
	}
	hook, err := a.serve(ctx, a.Config.WebhookListen, a.Bot.Webhook(a.Config.WebhookSecret))
	if err != nil {
		return fmt.Errorf("app: webhook listener: %w", err)
	}
	if err := a.Bot.SetWebhook(a.Config.WebhookURL, a.Config.WebhookSecret, min(a.Config.Workers, 100)); err != nil {
		shutdown(hook)
		return err
	}
	a.Log.Info("receiving updates by webhook", "listen", a.Config.WebhookListen)
	<-ctx.Done()
	shutdown(hook) // waits for in-flight updates
	return nil
}

// serve starts an HTTP server on addr and returns it once listening.
func (a *App) serve(ctx context.Context, addr string, h http.Handler) (*http.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server stopped", "addr", addr, "error", err)
		}
	}()
	return srv, nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// Healthy reports whether Postgres and Redis answer within two seconds.
func (a *App) Healthy(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := a.Store.Pool().Ping(ctx); err != nil {
		return errors.New("postgres unavailable")
	}
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		return errors.New("redis unavailable")
	}
	return nil
}

// AdminHandler serves /healthz (Postgres and Redis reachable), /metrics,
// /debug/pprof and the analysts' API under /api/v1.
func (a *App) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.Healthy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{}))
	mux.Handle("/api/", (&api.API{Store: a.Store, Key: []byte(a.Config.PseudonymKey), Log: a.Log}).Handler())
	// Profiles, for measuring where time goes (the admin listener is bound to
	// 127.0.0.1 by default: keep it private).
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	return mux
}

// Close releases connections.
func (a *App) Close() {
	if a.Redis != nil {
		_ = a.Redis.Close()
	}
	if a.Store != nil {
		a.Store.Close()
	}
}
