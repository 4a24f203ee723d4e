package dialogue

import (
	"errors"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/survey"
)

// An action is what an inline button asks for, encoded in its callback_data.
// Telegram allows 1–64 bytes; survey ids and option ids never appear in it
// (surveys by a 10-character key, options and questions by index), so the
// longest action is well under the limit whatever a survey's ids are:
// "q:" + 13 base-36 digits of a response id + ":" + 4 + ":" + 4 < 30 bytes.
type action struct {
	op       byte   // see the op* constants
	arg      string // consent "1"/"0", language code, survey key
	response int64  // survey ops: the response the button belongs to
	pos      string // survey ops: the step it belongs to (see position)
	index    int    // option or question index
}

// Operations.
const (
	opConsent  = 'a' // arg "1" agree, "0" decline
	opLanguage = 'l' // arg language code
	opOpen     = 'o' // arg survey key
	opMenu     = 'm'
	opChoose   = 'c' // index: option
	opToggle   = 't' // index: option
	opDone     = 'd' // multi Done, note Next
	opSkip     = 's'
	opBack     = 'b'
	opCancel   = 'x'
	opDiscard  = 'y' // cancel confirmed
	opKeep     = 'n' // cancel withdrawn
	opConfirm  = 'k'
	opChange   = 'e' // review: list questions to change
	opEdit     = 'q' // index: question
	opReview   = 'r' // back to the summary

	// Staff operations (arg-only, checked against the tapper's role).
	opExport = 'E' // arg survey key: choose the format
	opFormat = 'F' // arg "<survey key>.<format>": send the file
	opResult = 'R' // arg survey key: send its results

	// Event operations.
	opEvent         = 'v' // arg event key: show the event
	opRegister      = 'g' // arg event key: sign up
	opUnregister    = 'u' // arg registration id (base 36): ask to confirm the cancellation
	opUnregisterYes = 'U' // arg registration id (base 36): cancel
	opEvents        = 'L' // arg "1": list upcoming events
	opMyEvents      = 'M' // arg "1": list my registrations
	opAttend        = 'T' // organisers; arg "<registration id base 36>.<page>": toggle attendance
	opAttendees     = 'P' // organisers; arg "<event key>.<page>": a page of participants

	opForget = 'Z' // arg "1": erase my data (confirmed), "0": keep it
	opShared = 'W' // arg survey key: what others answered (share_results)

	opBroadcastOpen  = 'B' // arg "<survey key>.<broadcast id base 36>": open a survey from an invitation
	opBroadcastEvent = 'G' // arg "<event key>.<broadcast id base 36>": show an event from an invitation
	opCompose        = 'C' // organisers; arg "<draft id base 36>.<verb>[.<param>]": see compose.go
	opBroadcasts     = 'K' // organisers; arg "<broadcast id base 36>.<i|x|X|n>" or "list": /broadcasts
)

// argOps take one argument and nothing else.
const argOps = "aloEFRvguULMTPZWBGCK"

// surveyOps take a response, a position and (some) an index.
const surveyOps = "ctdsbxynkeqr"

var errBadButton = errors.New("dialogue: garbled callback data")

func (a action) String() string {
	switch {
	case strings.IndexByte(surveyOps, a.op) >= 0:
		s := string(a.op) + ":" + strconv.FormatInt(a.response, 36) + ":" + a.pos
		if a.op == opChoose || a.op == opToggle || a.op == opEdit {
			s += ":" + strconv.Itoa(a.index)
		}
		return s
	case a.op == opMenu:
		return "m"
	default:
		return string(a.op) + ":" + a.arg
	}
}

// parseAction decodes callback data; anything not made by action.String is
// errBadButton.
func parseAction(data string) (action, error) {
	if len(data) == 0 || len(data) > 64 {
		return action{}, errBadButton
	}
	parts := strings.Split(data, ":")
	if len(parts[0]) != 1 {
		return action{}, errBadButton
	}
	a := action{op: parts[0][0]}
	switch {
	case a.op == opMenu && len(parts) == 1:
		return a, nil
	case strings.IndexByte(argOps, a.op) >= 0 && len(parts) == 2 && parts[1] != "":
		a.arg = parts[1]
		return a, nil
	case strings.IndexByte(surveyOps, a.op) >= 0:
		want := 3
		if a.op == opChoose || a.op == opToggle || a.op == opEdit {
			want = 4
		}
		if len(parts) != want || parts[2] == "" {
			return action{}, errBadButton
		}
		r, err := strconv.ParseInt(parts[1], 36, 64)
		if err != nil || r <= 0 {
			return action{}, errBadButton
		}
		a.response, a.pos = r, parts[2]
		if want == 4 {
			i, err := strconv.Atoi(parts[3])
			if err != nil || i < 0 || i > 9999 {
				return action{}, errBadButton
			}
			a.index = i
		}
		return a, nil
	}
	return action{}, errBadButton
}

// position names the step a session is at, so that a button of another step
// (an earlier question, a double tap after the answer moved on) is stale.
func position(def *survey.Survey, s *survey.Session) string {
	switch s.Status {
	case survey.Reviewing:
		return "r"
	case survey.Cancelling:
		return "x"
	case survey.Asking:
		_, i := def.Question(s.Current)
		if s.AwaitOther {
			return strconv.Itoa(i) + "o"
		}
		return strconv.Itoa(i)
	}
	return "-"
}
