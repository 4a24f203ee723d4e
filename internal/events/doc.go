// Package events holds the event sign-up rules that need no I/O: calendar
// files, check-in codes and reminder times.
//
// It must not read the clock, the database or the network: callers pass the
// times in and store or send what comes out. Seats and the waitlist are
// decided in Postgres (internal/store), under a lock on the event's row.
package events
