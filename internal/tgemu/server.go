package tgemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultToken is the bot token a Server accepts when Options.Token is empty.
const DefaultToken = "7000000001:AAEmulatedTokenForTestsOnly"

const (
	firstCitizenID        = 5_000_000_001 // above 2^32: a bot that keeps ids in int32 fails early
	firstUpdateID         = 100_000_001
	defaultRequestLog     = 10_000
	defaultWebhookTimeout = 60 * time.Second
)

// Errors returned by the Go API of the emulator (not by the Bot API, whose
// errors are JSON answers).
var (
	// ErrClosed: the Server was closed.
	ErrClosed = errors.New("tgemu: server closed")
	// ErrBlocked: the citizen has blocked the bot and must unblock it first.
	ErrBlocked = errors.New("tgemu: citizen has blocked the bot")
	// ErrNotFound: no such chat, message, button, keyboard or update.
	ErrNotFound = errors.New("tgemu: not found")
)

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Token is the bot token the server accepts; "" means DefaultToken. The
	// number before the colon is the bot's user id.
	Token string
	// BotUsername and BotName are what getMe reports; "" means
	// "hromada_test_bot" and "Hromada".
	BotUsername string
	BotName     string
	// Limits turns on Telegram's flood control for sendMessage, sendPhoto,
	// sendDocument, sendMediaGroup (one message per group) and sendLocation:
	// 30 messages a second over the whole bot and 1 a second into one private
	// chat, with bursts of 30 and 3. Messages sent with allow_paid_broadcast
	// (Telegram's paid broadcasts) count against a bot-wide budget of their
	// own, 1000 a second with a burst of 1000, instead of the 30; the limit
	// of each chat still applies to them. Over a limit the answer is 429 with
	// retry_after N, and every such request to the same scope (the bot's free
	// or paid budget, or the chat) is refused with 429 until those N seconds
	// have passed; refusals do not extend the pause. A bot that honours
	// retry_after thus meets one 429 per pause (see Stats). Edits, callbacks
	// and other methods are not limited.
	Limits bool
	// PaidBroadcastDisabled refuses every message sent with
	// allow_paid_broadcast with 400 "Bad Request: BALANCE_TOO_LOW", as
	// Telegram would for a bot without the Stars to pay, and sends nothing.
	PaidBroadcastDisabled bool
	// WebhookTimeout is how long a webhook delivery may take before it counts
	// as failed and is tried again; 0 means 60 s, as Telegram.
	WebhookTimeout time.Duration
	// RequestLog is how many recent requests Requests remembers; 0 means
	// 10 000, a negative value keeps none (for load tests).
	RequestLog int
	// OnRequest, when set, is called once for every request after it has been
	// handled and before its answer is written, on the goroutine serving it.
	// It must be safe for concurrent use; it may call the Server.
	OnRequest func(Request)
}

// Server is an emulated Telegram Bot API server for one bot. Create it with
// New, then either Start it or mount it as an http.Handler; Close it when done.
type Server struct {
	opts   Options
	bot    tgUser
	client *http.Client  // delivers webhook updates
	done   chan struct{} // closed by Close

	mu         sync.Mutex
	closed     bool
	httpServer *http.Server
	baseURL    string

	nextUserID   int64
	nextUpdateID int
	nextFileID   int
	nextQueryID  int64
	nextGroupID  int64

	chats     map[int64]*chatState
	files     map[string]*storedFile
	callbacks map[string]*callbackState
	callOrder []string // callback query ids, oldest first
	commands  map[string][]Command

	queue        []*queuedUpdate // unconfirmed updates, by update_id
	history      map[int]sentUpdate
	queueChanged signal
	allowed      map[string]bool // nil: every kind the emulator makes
	pollGen      int             // identifies the newest getUpdates call
	webhook      *webhook
	inFlight     map[int64]bool // chats with a webhook delivery under way
	scanSkip     map[int64]bool // scratch space of nextForWebhookLocked

	limits   limiter
	failures []failure
	losses   []failure

	calls        map[string]int
	errors       map[int]int
	paidMessages int       // successful requests with allow_paid_broadcast
	requests     []Request // ring buffer of the request log
	reqNext      int
}

// New returns a Server for the bot of opts.Token.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "hromada_test_bot"
	}
	if opts.BotName == "" {
		opts.BotName = "Hromada"
	}
	if opts.WebhookTimeout <= 0 {
		opts.WebhookTimeout = defaultWebhookTimeout
	}
	if opts.RequestLog == 0 {
		opts.RequestLog = defaultRequestLog
	}
	botID, err := strconv.ParseInt(strings.SplitN(opts.Token, ":", 2)[0], 10, 64)
	if err != nil || botID <= 0 {
		botID = 7_000_000_001
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = maxConnections
	transport.Proxy = nil // webhooks go straight to the bot, as in a test network
	return &Server{
		opts:         opts,
		bot:          tgUser{ID: botID, IsBot: true, FirstName: opts.BotName, Username: opts.BotUsername},
		client:       &http.Client{Transport: transport},
		done:         make(chan struct{}),
		nextUserID:   firstCitizenID - 1,
		nextUpdateID: firstUpdateID - 1,
		chats:        make(map[int64]*chatState),
		files:        make(map[string]*storedFile),
		callbacks:    make(map[string]*callbackState),
		commands:     make(map[string][]Command),
		history:      make(map[int]sentUpdate),
		inFlight:     make(map[int64]bool),
		scanSkip:     make(map[int64]bool),
		limits:       limiter{chats: make(map[int64]*bucket)},
		calls:        make(map[string]int),
		errors:       make(map[int]int),
	}
}

// Token returns the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// Start listens on a free port of 127.0.0.1 and returns the base URL, such as
// http://127.0.0.1:41234: the bot calls <base>/bot<token>/<method>, so with
// tgbotapi the endpoint is base+"/bot%s/%s".
func (s *Server) Start() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", ErrClosed
	}
	if s.httpServer != nil {
		return "", errors.New("tgemu: server already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("tgemu: listen: %w", err)
	}
	s.httpServer = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.baseURL = "http://" + ln.Addr().String()
	go s.httpServer.Serve(ln) //nolint:errcheck // always http.ErrServerClosed after Close
	return s.baseURL, nil
}

// URL returns the base URL Start returned, or "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Close stops the listener, webhook deliveries and every waiting call
// (getUpdates, WaitFor, …). It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	wh, hs := s.webhook, s.httpServer
	s.webhook = nil
	s.mu.Unlock()
	if wh != nil {
		wh.shutdown()
	}
	if hs != nil {
		_ = hs.Close()
	}
	s.client.CloseIdleConnections()
}

// method is one Bot API method the emulator implements.
type method struct {
	name   string // as the Bot API spells it
	handle func(*Server, *request) (any, error)
}

// lookupMethod finds a method by name; Telegram ignores the case of names.
func lookupMethod(name string) (method, bool) {
	for _, m := range [...]method{
		{"getMe", (*Server).getMe},
		{"getUpdates", (*Server).getUpdates},
		{"setWebhook", (*Server).setWebhook},
		{"deleteWebhook", (*Server).deleteWebhook},
		{"getWebhookInfo", (*Server).getWebhookInfo},
		{"sendMessage", (*Server).sendMessage},
		{"editMessageText", (*Server).editMessageText},
		{"editMessageReplyMarkup", (*Server).editMessageReplyMarkup},
		{"deleteMessage", (*Server).deleteMessage},
		{"answerCallbackQuery", (*Server).answerCallbackQuery},
		{"sendDocument", (*Server).sendDocument},
		{"sendPhoto", (*Server).sendPhoto},
		{"sendMediaGroup", (*Server).sendMediaGroup},
		{"sendLocation", (*Server).sendLocation},
		{"sendChatAction", (*Server).sendChatAction},
		{"setMyCommands", (*Server).setMyCommands},
		{"deleteMyCommands", (*Server).deleteMyCommands},
		{"getMyCommands", (*Server).getMyCommands},
	} {
		if strings.EqualFold(m.name, name) {
			return m, true
		}
	}
	return method{}, false
}

// ServeHTTP answers Bot API requests at /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Time: time.Now(), Code: http.StatusOK}
	token, name, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	rec.Method = name
	var result any
	var err error
	switch m, known := lookupMethod(name); {
	case !ok || !strings.HasPrefix(r.URL.Path, "/bot"):
		err = errNotFound
	case token != s.opts.Token:
		err = errUnauthorized
	case !known:
		err = errNotFound
	default:
		rec.Method = m.name
		var req *request
		req, err = readRequest(w, r)
		if err == nil {
			rec.ChatID, rec.Paid = req.chatID(), paidBroadcast(m.name, req)
			result, err = s.call(m, req, rec.Paid)
			req.cleanup()
		}
	}
	var apiErr *apiError
	if err != nil {
		if !errors.As(err, &apiErr) {
			apiErr = &apiError{code: http.StatusInternalServerError, description: "Internal Server Error: " + err.Error()}
		}
		rec.Code, rec.RetryAfter = apiErr.code, apiErr.retryAfter
	}
	lose := s.record(rec)
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(rec)
	}
	if lose {
		panic(http.ErrAbortHandler) // the connection drops; the bot never learns the outcome
	}
	if apiErr != nil {
		writeJSON(w, apiErr.code, apiErr.response())
		return
	}
	writeJSON(w, http.StatusOK, tgResponse{OK: true, Result: result})
}

// call admits a request past injected failures, refused paid broadcasts and
// flood control, then handles it. paid: the request sends a message with
// allow_paid_broadcast.
func (s *Server) call(m method, r *request, paid bool) (any, error) {
	if err := s.admit(m.name, r.chatID(), paid); err != nil {
		return nil, err
	}
	return m.handle(s, r)
}

// admit lets a request through to its handler or refuses it with an injected
// failure, a refused paid broadcast or a 429 of flood control.
func (s *Server) admit(method string, chatID int64, paid bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if f, ok := take(&s.failures, method); ok {
		if f.err.code == http.StatusTooManyRequests && f.err.retryAfter > 0 && limitedMethod(method) {
			s.limits.pause(now, f.err.retryAfter)
		}
		return f.err
	}
	if !limitedMethod(method) {
		return nil
	}
	if paid && s.opts.PaidBroadcastDisabled {
		return errPaidBroadcast
	}
	if retry := s.limits.admit(now, chatID, paid, s.opts.Limits); retry > 0 {
		return tooManyRequests(retry)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v tgResponse) {
	body, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		body = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// apiError is an error answer of the Bot API.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func (e *apiError) Error() string { return e.description }

func (e *apiError) response() tgResponse {
	resp := tgResponse{ErrorCode: e.code, Description: e.description}
	if e.retryAfter > 0 {
		resp.Parameters = &tgResponseParameters{RetryAfter: e.retryAfter}
	}
	return resp
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func tooManyRequests(retryAfter int) *apiError {
	return &apiError{
		code:        http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		retryAfter:  retryAfter,
	}
}

var (
	errNotFound        = &apiError{code: http.StatusNotFound, description: "Not Found"}
	errUnauthorized    = &apiError{code: http.StatusUnauthorized, description: "Unauthorized"}
	errChatNotFound    = badRequest("chat not found")
	errBotBlocked      = &apiError{code: http.StatusForbidden, description: "Forbidden: bot was blocked by the user"}
	errCannotInitiate  = &apiError{code: http.StatusForbidden, description: "Forbidden: bot can't initiate conversation with a user"}
	errMessageNotFound = badRequest("message to edit not found")
	errNotModified     = badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	errQueryTooOld     = badRequest("query is too old and response timeout expired or query ID is invalid")
	errWebhookActive   = &apiError{code: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	errOtherPoller     = &apiError{code: http.StatusConflict, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	// errPaidBroadcast: the exact answer for a paid broadcast the bot cannot
	// pay for is not documented. BALANCE_TOO_LOW is the MTProto error for a
	// Stars balance too low to pay (payments.sendStarsForm), and the Bot API
	// passes MTProto errors on as "Bad Request: NAME"; a guess, not a record.
	errPaidBroadcast = badRequest("BALANCE_TOO_LOW")
)

// signal wakes every goroutine waiting for a change. It is guarded by
// Server.mu: take the channel with wait while holding the lock, then release
// the lock and receive from it.
type signal struct{ ch chan struct{} }

func (g *signal) wait() <-chan struct{} {
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *signal) notify() {
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}
