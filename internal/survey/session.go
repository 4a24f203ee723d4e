package survey

import "time"

// SessionVersion is the version of the Session JSON layout.
const SessionVersion = 1

// Status is where a session stands.
type Status string

// Session statuses.
const (
	Asking     Status = "asking"     // Current is the question being asked
	Reviewing  Status = "reviewing"  // all shown questions answered; summary with Confirm / Change
	Completed  Status = "completed"  // confirmed
	Cancelling Status = "cancelling" // asked "discard your answers?"; Cancel again confirms, Resume returns
	Cancelled  Status = "cancelled"  // discarded by the citizen
)

// Session is one citizen's progress through one survey response. It is a plain
// value, serialised as JSON into Redis; Postgres holds enough to rebuild it
// (answers + current question + status).
type Session struct {
	V             int               `json:"v"`
	Status        Status            `json:"status"`
	SurveyID      string            `json:"survey"`
	SurveyVersion int               `json:"survey_version"`
	ResponseID    int64             `json:"response"`
	Lang          string            `json:"lang"`
	Current       string            `json:"current,omitempty"`     // question id while Asking
	Answers       map[string]Answer `json:"answers,omitempty"`     // by question id
	Selection     []string          `json:"selection,omitempty"`   // multi: toggled option ids not yet Done
	AwaitOther    bool              `json:"await_other,omitempty"` // "other" chosen, waiting for its text
	Editing       bool              `json:"editing,omitempty"`     // changing an answer: all are given, moving on returns to the review
	Seq           int               `json:"seq"`                   // bumped on every state change; stale buttons carry an older one
	ResumeTo      Status            `json:"resume_to,omitempty"`   // Cancelling: the status Resume returns to
	Started       time.Time         `json:"started,omitzero"`      // when Start made the session (zero after Rebuild)
}

// Answer is one accepted answer. Exactly the fields of its question's type are set.
type Answer struct {
	Question string    `json:"q"`
	Skipped  bool      `json:"skipped,omitempty"`
	Choice   string    `json:"choice,omitempty"`  // single, yesno, region; "other" with Other text
	Choices  []string  `json:"choices,omitempty"` // multi, in definition order
	Other    string    `json:"other,omitempty"`   // free text after choosing "other"
	Number   *float64  `json:"number,omitempty"`  // scale, number
	Text     string    `json:"text,omitempty"`    // text
	Date     string    `json:"date,omitempty"`    // YYYY-MM-DD
	Phone    string    `json:"phone,omitempty"`   // +380…
	Lat      *float64  `json:"lat,omitempty"`     // location
	Lon      *float64  `json:"lon,omitempty"`
	At       time.Time `json:"at"`
}

// InputKind is what the citizen did.
type InputKind string

// Input kinds.
const (
	InText        InputKind = "text"        // typed text (Text)
	InChoose      InputKind = "choose"      // tapped an option (Option) of single/yesno/region/scale
	InToggle      InputKind = "toggle"      // tapped an option (Option) of a multi question
	InDone        InputKind = "done"        // multi: Done
	InSkip        InputKind = "skip"        // Skip (optional questions)
	InBack        InputKind = "back"        // Back
	InCancel      InputKind = "cancel"      // Cancel (asks to confirm first)
	InResume      InputKind = "resume"      // "continue" after Cancel was asked, or re-show the current step
	InContact     InputKind = "contact"     // shared a contact (Phone, OwnContact)
	InLocation    InputKind = "location"    // shared a location (Lat, Lon)
	InConfirm     InputKind = "confirm"     // review: Confirm
	InEdit        InputKind = "edit"        // review: change the answer to Question
	InUnsupported InputKind = "unsupported" // sticker, photo, voice, …
)

// Input is one thing the citizen did, already decoded from Telegram by the bot layer.
type Input struct {
	Kind       InputKind
	Text       string
	Option     string // option id (for scale: the number as text)
	Question   string // for InEdit
	Phone      string
	OwnContact bool // the shared contact's user id is the sender's
	Lat, Lon   float64
	At         time.Time
}

// Problem is why an input was not accepted; the dialogue layer localises it.
type Problem string

// Problems.
const (
	NoProblem       Problem = ""
	ErrNeedButton   Problem = "need_button"   // text/other where a button is expected
	ErrTooShort     Problem = "too_short"     // text shorter than MinLength (Limit)
	ErrTooLong      Problem = "too_long"      // text longer than MaxLength (Limit)
	ErrNotNumber    Problem = "not_number"    // not a number (or not whole when Integer)
	ErrNotInteger   Problem = "not_integer"   // a decimal where a whole number is needed
	ErrTooSmall     Problem = "too_small"     // below Min (Limit)
	ErrTooBig       Problem = "too_big"       // above Max (Limit)
	ErrNotDate      Problem = "not_date"      // not a valid date
	ErrNotOwnPhone  Problem = "not_own_phone" // a contact that is not the sender's own
	ErrNeedPhone    Problem = "need_phone"    // anything else where the contact button is expected
	ErrNeedLocation Problem = "need_location" // anything else where a location is expected
	ErrTooFew       Problem = "too_few"       // multi Done with fewer than MinChoices (Limit)
	ErrTooMany      Problem = "too_many"      // multi toggle past MaxChoices (Limit)
	ErrNotOptional  Problem = "not_optional"  // Skip on a required question
	ErrUnsupported  Problem = "unsupported"   // sticker, photo, voice, …
	ErrStale        Problem = "stale"         // a button that does not belong to the current step
	ErrNoBack       Problem = "no_back"       // Back on the first question
)

// Result is what one Apply did. The caller persists Saved/Cleared/Session in one
// transaction, then renders the new step of Session.
type Result struct {
	Problem Problem
	Limit   string // the bound that was broken, as text ("5", "280", "2026-01-01")

	Saved   *Answer  // an answer accepted (insert or replace)
	Cleared []string // answers removed (questions now hidden by show_if)

	// Toggled is true when only the multi selection changed (edit the keyboard in place).
	Toggled bool
	// Completed is true when the citizen confirmed; Cancelled when they discarded.
	Completed bool
	Cancelled bool
}
