package events

import "time"

// Due returns when a reminder `before` the start of an event starting at
// starts falls due, and whether to schedule it at all for a registration
// made (confirmed) at registered. A reminder whose due time had come by then
// is not scheduled: the citizen has just had the confirmation. Nor is one
// with before ≤ 0, which would fall due once the event has begun (see Send).
func Due(starts time.Time, before time.Duration, registered time.Time) (time.Time, bool) {
	due := starts.Add(-before)
	return due, before > 0 && registered.Before(due)
}

// Send reports whether a reminder of an event starting at starts, taken up
// by the scheduler at or after its due time, may still go out at now: late
// is fine (the bot was down or busy when it fell due), but never once the
// event has started (now ≥ starts).
func Send(starts, now time.Time) bool {
	return now.Before(starts)
}
