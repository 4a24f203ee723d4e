package tgemu

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

const (
	maxRequestBytes = 64 << 20 // a little over Telegram's 50 MB upload limit
	maxMemoryBytes  = 32 << 20 // multipart parts beyond this go to temporary files
)

// request holds the parameters of one Bot API call, whichever way they came:
// query string, form, multipart form or JSON object. JSON values that are not
// strings (numbers, objects, arrays) are kept as their JSON text, which is how
// form-encoding clients send them too.
type request struct {
	values map[string]string
	files  map[string]upload
	form   *multipart.Form
	ctx    context.Context // ends when the bot hangs up
}

// upload is a file sent in a multipart request.
type upload struct {
	name        string
	contentType string
	data        []byte
}

func readRequest(w http.ResponseWriter, r *http.Request) (*request, error) {
	req := &request{values: make(map[string]string), ctx: r.Context()}
	for k, v := range r.URL.Query() {
		req.values[k] = v[0]
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return req, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/json":
		return req, req.readJSON(r.Body)
	case "multipart/form-data":
		return req, req.readMultipart(r)
	default:
		if err := r.ParseForm(); err != nil {
			return nil, badRequest("can't parse request body")
		}
		for k, v := range r.PostForm {
			req.values[k] = v[0]
		}
		return req, nil
	}
}

func (req *request) readJSON(body io.Reader) error {
	data, err := io.ReadAll(body)
	if err != nil {
		return badRequest("can't read request body")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return badRequest("can't parse JSON object")
	}
	for k, raw := range fields {
		switch {
		case string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return badRequest("can't parse JSON object")
			}
			req.values[k] = s
		default:
			req.values[k] = string(raw)
		}
	}
	return nil
}

func (req *request) readMultipart(r *http.Request) error {
	if err := r.ParseMultipartForm(maxMemoryBytes); err != nil {
		return badRequest("can't parse multipart request body")
	}
	req.form = r.MultipartForm
	for k, v := range req.form.Value {
		req.values[k] = v[0]
	}
	req.files = make(map[string]upload, len(req.form.File))
	for k, headers := range req.form.File {
		f, err := headers[0].Open()
		if err != nil {
			return badRequest("can't read file %q", k)
		}
		data, err := io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			return badRequest("can't read file %q", k)
		}
		req.files[k] = upload{name: headers[0].Filename, contentType: headers[0].Header.Get("Content-Type"), data: data}
	}
	return nil
}

// cleanup removes the temporary files of a multipart request.
func (req *request) cleanup() {
	if req.form != nil {
		_ = req.form.RemoveAll()
	}
}

// str returns a parameter, "" when absent.
func (req *request) str(key string) string { return req.values[key] }

// flag reports a boolean parameter.
func (req *request) flag(key string) bool {
	v, _ := strconv.ParseBool(strings.TrimSpace(req.str(key)))
	return v
}

// integer returns an integer parameter; ok is false when it is absent.
func (req *request) integer(key string) (n int64, ok bool, err error) {
	v := strings.TrimSpace(req.str(key))
	if v == "" {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(v, 10, 64)
	return n, true, err
}

// number returns a float parameter; ok is false when it is absent.
func (req *request) number(key string) (f float64, ok bool, err error) {
	v := strings.TrimSpace(req.str(key))
	if v == "" {
		return 0, false, nil
	}
	f, err = strconv.ParseFloat(v, 64)
	return f, true, err
}

// decode unmarshals a JSON-valued parameter into v; ok is false when it is
// absent or null (tgbotapi sends "null" for a nil slice).
func (req *request) decode(key string, v any) (ok bool, err error) {
	raw := strings.TrimSpace(req.str(key))
	if raw == "" || raw == "null" {
		return false, nil
	}
	return true, json.Unmarshal([]byte(raw), v)
}

// chatID returns the chat_id parameter, 0 when absent or not a number.
func (req *request) chatID() int64 {
	id, _, _ := req.integer("chat_id")
	return id
}
