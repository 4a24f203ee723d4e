package tgemu_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"strconv"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/hromada/hromada/internal/tgemu"
)

func TestSendDocumentMultipart(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Analyst")
	csv := []byte("question,answer\nq1,yes\n")
	doc := tgbotapi.NewDocument(c.ID(), tgbotapi.FileBytes{Name: "results.csv", Bytes: csv})
	doc.Caption = "Survey results"
	sent := mustSend(t, bot, doc)
	if sent.Document == nil || sent.Document.FileName != "results.csv" || sent.Document.FileSize != len(csv) || sent.Document.MimeType != "text/csv" {
		t.Fatalf("document = %+v", sent.Document)
	}
	last, _ := c.LastMessage()
	if last.Document == nil || !bytes.Equal(last.Document.Bytes, csv) || last.Document.Name != "results.csv" || last.Caption != "Survey results" {
		t.Fatalf("stored = %+v", last)
	}

	// The same file again by its file_id, without an upload.
	again := mustSend(t, bot, tgbotapi.NewDocument(c.ID(), tgbotapi.FileID(sent.Document.FileID)))
	if again.Document.FileID != sent.Document.FileID {
		t.Fatalf("resent file_id %q, want %q", again.Document.FileID, sent.Document.FileID)
	}
	if last, _ := c.LastMessage(); !bytes.Equal(last.Document.Bytes, csv) {
		t.Fatal("the resent document lost its bytes")
	}
	_, err := bot.Send(tgbotapi.NewDocument(c.ID(), tgbotapi.FileID("no-such-file")))
	wantError(t, err, 400, "Bad Request: wrong file identifier/HTTP URL specified")
}

// TestMultipartErrorsLackCode documents a trap of tgbotapi v5.5.1: errors of
// uploads (multipart requests) come back with Code 0; only the description
// and RetryAfter survive.
func TestMultipartErrorsLackCode(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Blocker")
	upload := tgbotapi.NewDocument(c.ID(), tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")})
	if _, err := c.BlockBot(); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(upload)
	if tgErr := apiError(t, err); tgErr.Code != 0 || tgErr.Message != "Forbidden: bot was blocked by the user" {
		t.Fatalf("error = %+v", tgErr)
	}
	s.FailNext("sendDocument", 1, 429, "", 7)
	_, err = bot.Send(upload)
	if tgErr := apiError(t, err); tgErr.Code != 0 || tgErr.RetryAfter != 7 || tgErr.Message != "Too Many Requests: retry after 7" {
		t.Fatalf("error = %+v", tgErr)
	}
}

func TestSendPhoto(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Viewer")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	photo := tgbotapi.NewPhoto(c.ID(), tgbotapi.FileBytes{Name: "chart.png", Bytes: img.Bytes()})
	photo.Caption = "<b>Chart</b>"
	photo.ParseMode = "HTML"
	sent := mustSend(t, bot, photo)
	if len(sent.Photo) != 1 || sent.Photo[0].Width != 64 || sent.Photo[0].Height != 48 || sent.Caption != "<b>Chart</b>" {
		t.Fatalf("sent = %+v", sent)
	}
	last, _ := c.LastMessage()
	if last.Photo == nil || last.Photo.Name != "chart.png" || !bytes.Equal(last.Photo.Bytes, img.Bytes()) || last.PlainText() != "Chart" {
		t.Fatalf("stored = %+v", last)
	}
}

func TestSendMediaGroup(t *testing.T) {
	s, bot := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Reader")
	first := tgbotapi.NewInputMediaDocument(tgbotapi.FileBytes{Name: "a.csv", Bytes: []byte("a")})
	first.Caption = "Part A"
	second := tgbotapi.NewInputMediaDocument(tgbotapi.FileBytes{Name: "b.xlsx", Bytes: []byte("b")})
	msgs, err := bot.SendMediaGroup(tgbotapi.NewMediaGroup(c.ID(), []any{first, second}))
	if err != nil {
		t.Fatalf("sendMediaGroup: %v", err)
	}
	if len(msgs) != 2 || msgs[0].MediaGroupID == "" || msgs[0].MediaGroupID != msgs[1].MediaGroupID {
		t.Fatalf("messages = %+v", msgs)
	}
	stored := c.Messages()[len(c.Messages())-2:]
	if stored[0].Document.Name != "a.csv" || string(stored[1].Document.Bytes) != "b" || stored[0].Caption != "Part A" {
		t.Fatalf("stored = %+v, %+v", stored[0].Document, stored[1].Document)
	}

	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(c.ID(), []any{first}))
	if tgErr := apiError(t, err); tgErr.Message != "Bad Request: wrong number of media in the group: must be 2-10" {
		t.Fatalf("one item: %+v", tgErr)
	}
	photo := tgbotapi.NewInputMediaPhoto(tgbotapi.FileBytes{Name: "p.png", Bytes: []byte("p")})
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(c.ID(), []any{first, photo}))
	if tgErr := apiError(t, err); tgErr.Message != "Bad Request: document can't be mixed with other media types" {
		t.Fatalf("mixed: %+v", tgErr)
	}
}

// TestJSONBodies sends requests as application/json objects, as clients other
// than tgbotapi do: numbers as numbers, reply_markup as an object.
func TestJSONBodies(t *testing.T) {
	s, _ := emulator(t, tgemu.Options{})
	c := greeted(t, s, "Json")
	body := []byte(`{"chat_id":` + itoa(c.ID()) + `,"text":"Pick","reply_markup":{"inline_keyboard":[[{"text":"Yes","callback_data":"y"},{"text":"Site","url":"https://example.org"}]]},"disable_notification":true}`)
	code, resp := rawCall(t, s, "sendMessage", "application/json", body)
	if code != 200 || resp["ok"] != true {
		t.Fatalf("sendMessage = %d %v", code, resp)
	}
	result := resp["result"].(map[string]any)
	if result["text"] != "Pick" || result["reply_markup"] == nil {
		t.Fatalf("result = %v", result)
	}
	last, _ := c.LastMessage()
	if b, ok := last.Button("Site"); !ok || b.URL != "https://example.org" {
		t.Fatalf("buttons = %+v", last.InlineKeyboard)
	}

	code, resp = rawCall(t, s, "sendMessage", "application/json; charset=utf-8", []byte(`{"chat_id":"`+itoa(c.ID())+`","text":""}`))
	if code != 400 || resp["description"] != "Bad Request: message text is empty" || resp["error_code"] != float64(400) {
		t.Fatalf("empty text = %d %v", code, resp)
	}
	// A text that happens to read "null" is a text.
	code, resp = rawCall(t, s, "sendMessage", "application/x-www-form-urlencoded", []byte("chat_id="+itoa(c.ID())+"&text=null"))
	if code != 200 {
		t.Fatalf("text null = %d %v", code, resp)
	}
	// Parameters may come in the query string of a GET, too.
	get, err := http.Get(s.URL() + "/bot" + s.Token() + "/sendMessage?chat_id=" + itoa(c.ID()) + "&text=via+GET")
	if err != nil {
		t.Fatal(err)
	}
	get.Body.Close()
	if last, _ := c.LastMessage(); get.StatusCode != 200 || last.Text != "via GET" {
		t.Fatalf("GET = %d, last = %q", get.StatusCode, last.Text)
	}
	code, resp = rawCall(t, s, "sendMessage", "application/json", []byte(`{not json`))
	if code != 400 || resp["ok"] != false {
		t.Fatalf("malformed JSON = %d %v", code, resp)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
