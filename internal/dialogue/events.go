package dialogue

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// Events are the event definitions the bot offers (the current file of each).
type Events struct {
	all   []*survey.Event // by start
	byID  map[string]*survey.Event
	byKey map[string]string // short key (callback data) → id
	regs  map[string]*survey.Survey
}

// RegisterEvents stores each event's definition in Postgres (which may
// promote waitlisted citizens when seats were added, and reschedules
// reminders when the time changed) and registers the surveys of their
// registration questions with surveys. An event whose feedback survey is not
// among surveys is an error: the bot must not start with a broken promise.
func RegisterEvents(ctx context.Context, st *store.Store, surveys *Surveys, defs []*survey.Event, now time.Time) (*Events, error) {
	e := &Events{byID: map[string]*survey.Event{}, byKey: map[string]string{}, regs: map[string]*survey.Survey{}}
	for _, ev := range defs {
		if ev.Feedback != "" && surveys.Current(ev.Feedback) == nil {
			return nil, fmt.Errorf("dialogue: event %s: feedback survey %q is not among the surveys", ev.ID, ev.Feedback)
		}
		if reg := ev.Registration(); reg != nil {
			if err := surveys.addHidden(ctx, reg); err != nil {
				return nil, err
			}
			e.regs[ev.ID] = reg
		}
		if _, err := st.SaveEvent(ctx, ev, now); err != nil {
			return nil, fmt.Errorf("dialogue: register event %s: %w", ev.ID, err)
		}
		e.all = append(e.all, ev)
		e.byID[ev.ID] = ev
		e.byKey[surveyKey(ev.ID)] = ev.ID
	}
	sort.SliceStable(e.all, func(i, j int) bool { return e.all[i].Starts.Before(e.all[j].Starts) })
	return e, nil
}

// All returns the events, soonest first.
func (e *Events) All() []*survey.Event {
	if e == nil {
		return nil
	}
	return e.all
}

// Get returns the event id, or nil.
func (e *Events) Get(id string) *survey.Event {
	if e == nil {
		return nil
	}
	return e.byID[id]
}

// ByKey returns the event whose short key is key, or nil.
func (e *Events) ByKey(key string) *survey.Event {
	if e == nil {
		return nil
	}
	return e.byID[e.byKey[key]]
}

// registration returns the survey of the event's registration questions, or nil.
func (e *Events) registration(id string) *survey.Survey {
	if e == nil {
		return nil
	}
	return e.regs[id]
}
