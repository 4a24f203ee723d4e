package dialogue

import "github.com/prometheus/client_golang/prometheus"

// Metrics count what the dialogue does. Nothing in them identifies a citizen.
type Metrics struct {
	Updates         *prometheus.CounterVec // by kind: callback, command, input, before_consent
	Problems        *prometheus.CounterVec // inputs not accepted, by problem
	Duplicates      prometheus.Counter
	Rebuilds        prometheus.Counter // chats rebuilt from Postgres (no state in Redis)
	Consents        prometheus.Counter
	Started         prometheus.Counter
	Answers         prometheus.Counter
	Completed       prometheus.Counter
	StorageFailures prometheus.Counter
	HandleSeconds   prometheus.Histogram
	Registrations   *prometheus.CounterVec // event registrations by outcome: confirmed, waitlisted, cancelled, promoted
	EventMessages   *prometheus.CounterVec // messages of the event jobs by kind: reminder, promoted, feedback; and skipped
	Forgotten       prometheus.Counter     // citizens who erased their data
}

// NewMetrics makes the metrics and registers them with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Updates:         prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hromada_updates_total", Help: "Updates handled, by kind."}, []string{"kind"}),
		Problems:        prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hromada_input_problems_total", Help: "Inputs not accepted, by problem."}, []string{"problem"}),
		Duplicates:      prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_duplicate_updates_total", Help: "Updates dropped as handled before."}),
		Rebuilds:        prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_state_rebuilds_total", Help: "Chats whose state was rebuilt from Postgres."}),
		Consents:        prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_consents_total", Help: "Consents given."}),
		Started:         prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_responses_started_total", Help: "Responses started."}),
		Answers:         prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_answers_total", Help: "Answers accepted and stored."}),
		Completed:       prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_responses_completed_total", Help: "Responses confirmed."}),
		StorageFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_storage_failures_total", Help: "Updates whose answer could not be stored (the citizen was told)."}),
		HandleSeconds:   prometheus.NewHistogram(prometheus.HistogramOpts{Name: "hromada_handle_seconds", Help: "Time to handle one update, replies included.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
		Registrations:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hromada_event_registrations_total", Help: "Event registrations by outcome."}, []string{"outcome"}),
		Forgotten:       prometheus.NewCounter(prometheus.CounterOpts{Name: "hromada_citizens_forgotten_total", Help: "Citizens who erased their data with /forget."}),
		EventMessages:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "hromada_event_messages_total", Help: "Messages of the event jobs (reminders, promotions, feedback invitations), by kind and outcome."}, []string{"kind", "outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.Updates, m.Problems, m.Duplicates, m.Rebuilds, m.Consents, m.Started, m.Answers, m.Completed, m.StorageFailures, m.HandleSeconds, m.Registrations, m.EventMessages, m.Forgotten)
	}
	return m
}
