package tgemu_test

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

// broadcast sends one message to each citizen from ten senders at once, with
// allow_paid_broadcast when paid: even ones form-encoded through tgbotapi,
// odd ones as JSON. It returns the HTTP status of each (-1: no answer).
func broadcast(s *tgemu.Server, bot *tgbotapi.BotAPI, citizens []*tgemu.Citizen, paid bool) []int {
	codes := make([]int, len(citizens))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				codes[i] = sendNews(s, bot, citizens[i].ID(), paid, i%2 == 1)
			}
		}()
	}
	for i := range citizens {
		next <- i
	}
	close(next)
	wg.Wait()
	return codes
}

func sendNews(s *tgemu.Server, bot *tgbotapi.BotAPI, chatID int64, paid, asJSON bool) int {
	flag := strconv.FormatBool(paid)
	if asJSON {
		body := `{"chat_id":` + itoa(chatID) + `,"text":"Новини громади 📰","allow_paid_broadcast":` + flag + `}`
		resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/sendMessage", "application/json", bytes.NewReader([]byte(body)))
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	_, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": itoa(chatID), "text": "Новини громади 📰", "allow_paid_broadcast": flag})
	var tgErr *tgbotapi.Error
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &tgErr):
		return tgErr.Code
	}
	return -1
}

func startedCitizens(s *tgemu.Server, n int) []*tgemu.Citizen {
	out := make([]*tgemu.Citizen, n)
	for i := range out {
		out[i] = s.NewCitizen("Citizen", "uk")
		out[i].MarkStarted()
	}
	return out
}

// TestPaidBroadcast: with flood control on, 300 paid messages into 300 chats
// at once all pass; the same without allow_paid_broadcast meet 429s after the
// free budget of 30, which the paid messages left untouched.
func TestPaidBroadcast(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{Limits: true})
	citizens := startedCitizens(s, 300)

	start := time.Now()
	for i, code := range broadcast(s, bot, citizens, true) {
		if code != http.StatusOK {
			t.Fatalf("paid message %d answered %d", i, code)
		}
	}
	t.Logf("300 paid messages in %s", time.Since(start))
	if st := s.Stats(); st.PaidMessages != 300 || st.TooManyRequests != 0 {
		t.Fatalf("after the paid broadcast: %+v", st)
	}
	for _, c := range citizens {
		if n := len(c.Messages()); n != 1 {
			t.Fatalf("citizen %d got %d messages", c.ID(), n)
		}
	}

	start = time.Now()
	sent, throttled := 0, 0
	for i, code := range broadcast(s, bot, citizens, false) {
		switch code {
		case http.StatusOK:
			sent++
		case http.StatusTooManyRequests:
			throttled++
		default:
			t.Fatalf("free message %d answered %d", i, code)
		}
	}
	allowed := 30 + int(time.Since(start).Seconds()*30) + 1
	if throttled == 0 || sent < 30 || sent > allowed {
		t.Fatalf("free: sent %d and throttled %d of 300; want 30 to %d sent", sent, throttled, allowed)
	}
	if st := s.Stats(); st.PaidMessages != 300 || st.TooManyRequests != throttled {
		t.Fatalf("after the free broadcast: %+v", st)
	}
}

// TestPaidBroadcastChatLimit: paying lifts the bot's limit, not the chat's.
func TestPaidBroadcastChatLimit(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{Limits: true})
	c := startedCitizens(s, 1)[0]
	for i := range 3 { // the chat's burst
		if code := sendNews(s, bot, c.ID(), true, i%2 == 1); code != http.StatusOK {
			t.Fatalf("message %d answered %d", i, code)
		}
	}
	if code := sendNews(s, bot, c.ID(), true, true); code != http.StatusTooManyRequests {
		t.Fatalf("fourth message into one chat answered %d, want 429", code)
	}
	if st := s.Stats(); st.PaidMessages != 3 || st.TooManyRequests != 1 {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestPaidBroadcastDisabled(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{PaidBroadcastDisabled: true})
	c := startedCitizens(s, 1)[0]
	paid := tgbotapi.Params{"chat_id": itoa(c.ID()), "text": "x", "allow_paid_broadcast": "true"}
	_, err := bot.MakeRequest("sendMessage", paid)
	wantError(t, err, 400, "Bad Request: BALANCE_TOO_LOW")
	code, resp := rawCall(t, s, "sendLocation", "application/json", []byte(`{"chat_id":`+itoa(c.ID())+`,"latitude":50.45,"longitude":30.52,"allow_paid_broadcast":true}`))
	if code != 400 || resp["description"] != "Bad Request: BALANCE_TOO_LOW" {
		t.Fatalf("paid sendLocation = %d %v", code, resp)
	}
	if n := len(c.Messages()); n != 0 {
		t.Fatalf("refused paid broadcasts sent %d messages", n)
	}
	mustSend(t, bot, tgbotapi.NewMessage(c.ID(), "free messages still go"))
	if st := s.Stats(); st.PaidMessages != 0 || st.Errors[400] != 2 {
		t.Fatalf("Stats = %+v", st)
	}
}

// TestPaidBroadcastParameter: allow_paid_broadcast is read from forms and
// JSON, and only on methods that send messages.
func TestPaidBroadcastParameter(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	c := startedCitizens(s, 1)[0]
	id := itoa(c.ID())
	const form, jsonBody = "application/x-www-form-urlencoded", "application/json"
	paidCount := 0
	for _, tc := range []struct {
		label, method, contentType, body string
		paid                             bool
	}{
		{"form true", "sendMessage", form, "chat_id=" + id + "&text=x&allow_paid_broadcast=true", true},
		{"form false", "sendMessage", form, "chat_id=" + id + "&text=x&allow_paid_broadcast=false", false},
		{"JSON true", "sendMessage", jsonBody, `{"chat_id":` + id + `,"text":"x","allow_paid_broadcast":true}`, true},
		{"JSON string", "sendMessage", jsonBody, `{"chat_id":` + id + `,"text":"x","allow_paid_broadcast":"true"}`, true},
		{"JSON false", "sendMessage", jsonBody, `{"chat_id":` + id + `,"text":"x","allow_paid_broadcast":false}`, false},
		{"absent", "sendMessage", jsonBody, `{"chat_id":` + id + `,"text":"x"}`, false},
		{"sendLocation", "sendLocation", jsonBody, `{"chat_id":` + id + `,"latitude":1,"longitude":2,"allow_paid_broadcast":true}`, true},
		{"edits are not messages", "editMessageText", jsonBody, `{"chat_id":` + id + `,"message_id":1,"text":"y","allow_paid_broadcast":true}`, false},
	} {
		t.Run(tc.label, func(t *testing.T) {
			if code, resp := rawCall(t, s, tc.method, tc.contentType, []byte(tc.body)); code != 200 {
				t.Fatalf("%s = %d %v", tc.method, code, resp)
			}
			reqs := s.Requests()
			if last := reqs[len(reqs)-1]; last.Method != tc.method || last.Paid != tc.paid {
				t.Fatalf("request = %+v, want Paid %t", last, tc.paid)
			}
			if tc.paid {
				paidCount++
			}
			if got := s.Stats().PaidMessages; got != paidCount {
				t.Fatalf("PaidMessages = %d, want %d", got, paidCount)
			}
		})
	}
}
