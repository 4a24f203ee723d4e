package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/api"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/store/storetest"
	"github.com/hromada/hromada/internal/survey"
)

type world struct {
	st  *store.Store
	srv *httptest.Server
}

func newWorld(t *testing.T, key string) *world {
	t.Helper()
	st := storetest.New(t)
	def, issues := survey.ParseFile("../app/testdata/surveys/every-type.yaml")
	if len(issues) > 0 {
		t.Fatal(issues)
	}
	if _, _, err := st.SaveSurvey(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	a := &api.API{Store: st, Key: []byte(key), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return &world{st: st, srv: srv}
}

func (w *world) token(t *testing.T, role string) (string, int64) {
	t.Helper()
	tok, id, err := w.st.CreateToken(context.Background(), "test "+role, role)
	if err != nil {
		t.Fatal(err)
	}
	return tok, id
}

// get returns status, content type and body of GET path with token.
func (w *world) get(t *testing.T, path, token string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, w.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

const key = "test-key-of-at-least-thirty-two-characters"

func TestAuthorisation(t *testing.T) {
	w := newWorld(t, key)
	analyst, _ := w.token(t, "analyst")
	organiser, _ := w.token(t, "organiser")
	for _, tc := range []struct {
		name, path, token string
		want              int
	}{
		{"no token", "/api/v1/surveys", "", 401},
		{"wrong token", "/api/v1/surveys", "hrm_not-a-token", 401},
		{"organiser's token", "/api/v1/surveys", organiser, 403},
		{"organiser's token on responses", "/api/v1/surveys/every-type/responses", organiser, 403},
		{"analyst", "/api/v1/surveys", analyst, 200},
		{"unknown survey", "/api/v1/surveys/no-such/responses", analyst, 404},
		{"unknown survey without a token", "/api/v1/surveys/no-such/responses", "", 401},
		{"bad format", "/api/v1/surveys/every-type/responses?format=pdf", analyst, 400},
		{"bad date", "/api/v1/surveys/every-type/responses?since=yesterday", analyst, 400},
		{"unknown label language", "/api/v1/surveys/every-type/responses?labels=1&lang=de", analyst, 400},
		{"since after until", "/api/v1/surveys/every-type/responses?since=2026-02-01&until=2026-01-01", analyst, 400},
		{"unknown endpoint", "/api/v1/citizens", analyst, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ctype, body := w.get(t, tc.path, tc.token)
			if code != tc.want {
				t.Fatalf("status %d, want %d (%s)", code, tc.want, body)
			}
			if code != 200 {
				var e struct{ Error string }
				if !strings.HasPrefix(ctype, "application/json") || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
					t.Fatalf("error is not JSON with an error field: %s %q", ctype, body)
				}
			}
		})
	}
}

func TestSurveysList(t *testing.T) {
	w := newWorld(t, key)
	analyst, _ := w.token(t, "analyst")
	_, _, body := w.get(t, "/api/v1/surveys", analyst)
	var got struct{ Surveys []store.SurveySummary }
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err, body)
	}
	if len(got.Surveys) != 1 || got.Surveys[0].ID != "every-type" || got.Surveys[0].Title["uk"] != "Усі типи" {
		t.Fatalf("surveys = %+v", got.Surveys)
	}
}

func TestARevokedTokenStopsAtOnce(t *testing.T) {
	w := newWorld(t, key)
	analyst, id := w.token(t, "analyst")
	if code, _, _ := w.get(t, "/api/v1/surveys", analyst); code != 200 {
		t.Fatalf("live token: %d", code)
	}
	if err := w.st.RevokeToken(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := w.get(t, "/api/v1/surveys", analyst); code != 401 {
		t.Fatalf("revoked token: %d, want 401", code)
	}
}

func TestResponsesDownload(t *testing.T) {
	w := newWorld(t, key)
	analyst, _ := w.token(t, "analyst")
	for _, format := range []string{"csv", "long", "xlsx"} {
		code, ctype, body := w.get(t, "/api/v1/surveys/every-type/responses?format="+format, analyst)
		if code != 200 || body == "" {
			t.Fatalf("%s: status %d, %d bytes", format, code, len(body))
		}
		if format != "xlsx" && !strings.HasPrefix(ctype, "text/csv") {
			t.Errorf("%s: content type %q", format, ctype)
		}
	}
}

func TestExportsNeedTheKey(t *testing.T) {
	w := newWorld(t, "")
	analyst, _ := w.token(t, "analyst")
	if code, _, body := w.get(t, "/api/v1/surveys/every-type/responses", analyst); code != 503 || !strings.Contains(body, "PSEUDONYM_KEY") {
		t.Fatalf("status %d %q, want 503 naming PSEUDONYM_KEY", code, body)
	}
}
