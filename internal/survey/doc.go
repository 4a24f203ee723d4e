// Package survey holds survey definitions (parsed and validated from YAML) and
// the pure survey engine that moves one citizen's Session through a Survey.
//
// It does no I/O beyond reading definition files in Load/ParseFile: no Postgres,
// no Redis, no Telegram, no clock (times come in with the input). The engine
// returns what happened; the dialogue layer stores it and sends messages.
//
// # Definitions
//
// A survey is one YAML file (surveys/README.md has a full example):
//
//	id: local-elections          # a-z, 0-9, "-", "_"; at most 64 characters
//	languages: [uk, en]          # "uk" first when present; the first is the default
//	title: {uk: "…", en: "…"}    # every text has every language of languages
//	intro: {uk: "…", en: "…"}    # optional; shown before the first question
//	timezone: Europe/Kyiv        # optional, the default; opens/closes are local times in it
//	opens: 2026-01-01 09:00      # optional; also 2026-01-01 or RFC 3339 (2026-01-01T09:00:00+02:00)
//	closes: 2027-01-01 00:00     # optional; must be after opens
//	anonymous: false             # optional; an anonymous survey may not ask for a phone or location
//	responses: one               # optional: one (the default) or many per citizen
//	questions:
//	  - id: topics               # a-z, 0-9, "-", "_"; at most 32 characters; unique
//	    type: multi              # see below
//	    text: {uk: "…", en: "…"}
//	    optional: true           # optional; adds Skip (not on notes)
//	    sensitive: true          # optional; never logged or summarised (phone and location always are)
//	    show_if: {question: region, equals: UA-14}   # optional; see below
//	    …                        # the keys of the type
//
// Question types and their keys:
//
//	single    options (2 to 20, plus other), other
//	multi     options, other, min and max (how many may be chosen)
//	scale     from, to (at most 11 points: 1..5, 0..10), labels: {from: {…}, to: {…}}
//	yesno     (options "yes" and "no" are built in)
//	text      min_length, max_length (characters; at most and by default 4000)
//	number    min, max, integer: true (whole numbers only)
//	date      min, max (2026-03-15)
//	region    (options are built in: Regions)
//	phone     (the citizen's own number, through Telegram's contact button)
//	location  (through Telegram's location button)
//	note      only text: information, with a "Next" button; no answer
//
// An option is {id: economy, uk: "Економіка", en: "Economy"}: an id (unique in
// its question; "other" is reserved) and a label per language, at most 60
// characters (labels are buttons). other: {uk: "Інше", en: "Other"} adds the
// option "other", whose choice asks for a free text.
//
// A show_if names an earlier question and one comparison:
//
//	{question: q, equals: v}         v is an option id (for multi: among those chosen), a number, a date or a text
//	{question: q, not_equals: v}     answered, with another value
//	{question: q, one_of: [a, b]}
//	{question: q, less_than: 18}     number, scale or date questions
//	{question: q, greater_than: 3}
//	{question: q, answered: true}    answered and not skipped (false: not answered, or skipped)
//	{all: [c1, c2]}, {any: [c1, c2]}, {not: c}
//
// Validation reports every problem at once, each at its line (see Issue).
//
// # The engine
//
// Start begins a Session; Apply applies one Input to it and returns the next
// Session and a Result (an answer saved, answers cleared, or a Problem);
// Rebuild remakes a Session from what Postgres keeps. Sessions are plain
// values, serialised as JSON; Apply never changes the session it is given.
//
// Going forward, the next question is the first visible one after the current
// that has no answer; a note is shown on the first pass only (when the
// question after it has no answer yet), a closing note each time it is
// passed. When all are answered the session reviews them: Confirm completes
// it, Edit changes one answer (and asks any question the change makes
// visible), Back returns to the last question. An answer that hides other
// questions clears their answers (Result.Cleared). Cancel asks first; a
// second Cancel discards the response, Resume returns to where it was.
//
// Typed answers are read as citizens write them: numbers as 12, -3, 12.5,
// 12,5 or 1 000 000; dates as 15.03.2026, 15/03/2026 or 2026-03-15 (two-digit
// years are refused: 15.03.26 could be 1926). Texts are trimmed and counted
// in characters.
package survey
