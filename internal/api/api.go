// Package api is Hromada's HTTP API for analysts: the list of surveys and
// their responses as CSV, XLSX or long CSV, behind Bearer tokens made with
// `hromada token create`. Every request is authorised in one place (allow);
// errors are JSON. It serves on the admin listener, never on the webhook's.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/store"
)

// API serves /api/v1/.
type API struct {
	Store *store.Store
	Key   []byte // PSEUDONYM_KEY: exports refuse to run without it
	Log   *slog.Logger
}

// Handler returns the API's routes.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/surveys", a.allow(a.surveys, "admin", "analyst"))
	mux.HandleFunc("GET /api/v1/surveys/{id}/responses", a.allow(a.responses, "admin", "analyst"))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	return mux
}

// allow lets a request through to next only with a live token of one of
// roles: no or a wrong/revoked token is 401, another role 403.
func (a *API) allow(next func(http.ResponseWriter, *http.Request, store.Token), roles ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		value, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(value) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hromada"`)
			writeError(w, http.StatusUnauthorized, "a Bearer token is required")
			return
		}
		token, err := a.Store.TokenFor(r.Context(), strings.TrimSpace(value))
		switch {
		case errors.Is(err, store.ErrNotFound):
			w.Header().Set("WWW-Authenticate", `Bearer realm="hromada", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "the token is unknown or revoked")
			return
		case err != nil:
			a.Log.Error("api: token lookup failed", "error", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return
		}
		if !slices.Contains(roles, token.Role) {
			a.Log.Warn("api: role refused", "token_id", token.ID, "role", token.Role, "path", r.URL.Path)
			writeError(w, http.StatusForbidden, "the role "+token.Role+" may not use this endpoint")
			return
		}
		next(w, r, token)
	}
}

func (a *API) surveys(w http.ResponseWriter, r *http.Request, _ store.Token) {
	list, err := a.Store.SurveySummaries(r.Context())
	if err != nil {
		a.Log.Error("api: surveys", "error", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	if list == nil {
		list = []store.SurveySummary{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"surveys": list})
}

// responses streams a survey's responses: ?format=csv|xlsx|long (csv),
// partial=1, excel=1, labels=1, lang=uk, since=/until= (RFC 3339 or a date).
func (a *API) responses(w http.ResponseWriter, r *http.Request, token store.Token) {
	if len(a.Key) == 0 {
		writeError(w, http.StatusServiceUnavailable, "exports need PSEUDONYM_KEY to be set")
		return
	}
	q := r.URL.Query()
	o := export.Options{
		Format:  export.Format(q.Get("format")),
		Excel:   q.Get("excel") == "1" || q.Get("excel") == "true",
		Partial: q.Get("partial") == "1" || q.Get("partial") == "true",
		Labels:  q.Get("labels") == "1" || q.Get("labels") == "true",
		Lang:    q.Get("lang"),
		Admin:   token.Role == "admin",
		Key:     a.Key,
	}
	if o.Format == "" {
		o.Format = export.CSV
	}
	if _, err := export.ParseFormat(string(o.Format)); err != nil {
		writeError(w, http.StatusBadRequest, "format must be csv, xlsx or long")
		return
	}
	id := r.PathValue("id")
	loc, err := export.Location(r.Context(), a.Store, id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no survey "+id)
		return
	} else if err != nil {
		a.Log.Error("api: survey", "error", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	// Days are read in the survey's time zone, until's day included, as by
	// `hromada export`.
	for _, bound := range []struct {
		name string
		end  bool
		dst  **time.Time
	}{{"since", false, &o.Since}, {"until", true, &o.Until}} {
		if v := q.Get(bound.name); v != "" {
			t, err := export.ParseTime(v, loc, bound.end)
			if err != nil {
				writeError(w, http.StatusBadRequest, bound.name+" must be a date (2026-01-31) or an RFC 3339 time")
				return
			}
			*bound.dst = &t
		}
	}
	w.Header().Set("Content-Type", export.ContentType(o.Format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+export.FileName(id, o.Format)+`"`)
	// Write checks the options before it writes a byte, so its refusals
	// can still be answered properly.
	err = export.Write(r.Context(), w, a.Store, id, o)
	switch {
	case err == nil:
	case errors.Is(err, export.ErrInvalid):
		w.Header().Del("Content-Disposition")
		writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "export: "))
	case errors.Is(err, store.ErrNotFound):
		w.Header().Del("Content-Disposition")
		writeError(w, http.StatusNotFound, "no survey "+id)
	default: // the status line is gone; the client sees a cut body
		a.Log.Error("api: export failed midway", "survey", id, "token_id", token.ID, "error", err)
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
