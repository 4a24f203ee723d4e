package store

import (
	"time"

	"github.com/riverqueue/river"
)

// The River jobs the store inserts in the same transaction as the change they
// follow, so that a registration never exists without its reminders and a
// promotion never happens without the message that tells the citizen. The
// workers that send them are the dialogue's (see dialogue.Jobs).

// ReminderJob reminds a confirmed participant Before an event starts. It is
// unique by its arguments, so inserting it again (a restart re-syncing an
// event) changes nothing; Starts is part of them so that moving the event
// schedules new reminders and the worker skips those of the old time.
type ReminderJob struct {
	RegistrationID int64     `json:"registration_id"`
	Before         int64     `json:"before"` // seconds
	Starts         time.Time `json:"starts"`
}

// Kind names the job for River.
func (ReminderJob) Kind() string { return "event_reminder" }

// InsertOpts makes the job unique by its arguments.
func (ReminderJob) InsertOpts() river.InsertOpts { return uniqueJob() }

// PromotedJob tells a citizen that a seat opened and they moved from the
// waitlist to the participants.
type PromotedJob struct {
	RegistrationID int64 `json:"registration_id"`
}

// Kind names the job for River.
func (PromotedJob) Kind() string { return "event_promoted" }

// InsertOpts makes the job unique by its arguments.
func (PromotedJob) InsertOpts() river.InsertOpts { return uniqueJob() }

// FeedbackJob invites an attendee to the event's feedback survey once the
// event has ended.
type FeedbackJob struct {
	RegistrationID int64 `json:"registration_id"`
}

// Kind names the job for River.
func (FeedbackJob) Kind() string { return "event_feedback" }

// InsertOpts makes the job unique by its arguments.
func (FeedbackJob) InsertOpts() river.InsertOpts { return uniqueJob() }

// JobAttempts bounds how often a job that failed (Telegram or the network
// down) is tried before River gives up on it.
const JobAttempts = 8

func uniqueJob() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: JobAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}
