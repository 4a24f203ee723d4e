package dialogue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Surveys are the survey definitions the bot offers (the current version of
// each file) and a cache of older versions that running responses still use.
type Surveys struct {
	store   *store.Store
	current []*survey.Survey          // sorted by id
	byID    map[string]*survey.Survey // current versions
	byKey   map[string]string         // short key (callback data) → id

	hidden []*survey.Survey // registration questions of events, current versions

	mu       sync.RWMutex
	versions map[versionKey]*survey.Survey
}

type versionKey struct {
	id      string
	version int
}

// Register stores each definition in Postgres (a changed definition gets a
// new version) and returns the registry of current versions.
func Register(ctx context.Context, st *store.Store, defs []*survey.Survey) (*Surveys, error) {
	s := &Surveys{store: st, byID: map[string]*survey.Survey{}, byKey: map[string]string{}, versions: map[versionKey]*survey.Survey{}}
	for _, def := range defs {
		v, _, err := st.SaveSurvey(ctx, def)
		if err != nil {
			return nil, fmt.Errorf("dialogue: register survey %s: %w", def.ID, err)
		}
		def.Version = v
		s.current = append(s.current, def)
		s.byID[def.ID] = def
		s.byKey[surveyKey(def.ID)] = def.ID
		s.versions[versionKey{def.ID, v}] = def
	}
	sort.Slice(s.current, func(i, j int) bool { return s.current[i].ID < s.current[j].ID })
	return s, nil
}

// addHidden stores a definition that is not offered in menus or by deep link
// (an event's registration questions): only Version finds it.
func (s *Surveys) addHidden(ctx context.Context, def *survey.Survey) error {
	v, _, err := s.store.SaveSurvey(ctx, def)
	if err != nil {
		return fmt.Errorf("dialogue: register survey %s: %w", def.ID, err)
	}
	def.Version = v
	s.mu.Lock()
	s.versions[versionKey{def.ID, v}] = def
	s.mu.Unlock()
	s.hidden = append(s.hidden, def)
	return nil
}

// Everything returns the current definitions, those offered and those of
// events' registration questions.
func (s *Surveys) Everything() []*survey.Survey {
	return append(append([]*survey.Survey(nil), s.current...), s.hidden...)
}

// All returns the current definitions, sorted by id.
func (s *Surveys) All() []*survey.Survey { return s.current }

// Current returns the current definition of id, or nil.
func (s *Surveys) Current(id string) *survey.Survey { return s.byID[id] }

// ByKey returns the current definition whose short key is key, or nil.
func (s *Surveys) ByKey(key string) *survey.Survey { return s.byID[s.byKey[key]] }

// Version returns a definition by version, from memory or Postgres.
func (s *Surveys) Version(ctx context.Context, id string, version int) (*survey.Survey, error) {
	k := versionKey{id, version}
	s.mu.RLock()
	def := s.versions[k]
	s.mu.RUnlock()
	if def != nil {
		return def, nil
	}
	def, err := s.store.SurveyVersion(ctx, id, version)
	if err != nil {
		return nil, fmt.Errorf("dialogue: survey %s v%d: %w", id, version, err)
	}
	def.Version = version
	s.mu.Lock()
	s.versions[k] = def
	s.mu.Unlock()
	return def, nil
}

// surveyKey is a short, stable stand-in for a survey (or event) id in
// callback data, which Telegram limits to 64 bytes whatever the length of the id.
func surveyKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:5])
}
