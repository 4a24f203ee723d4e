package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Text is a piece of text per language code ("uk", "en", "ru", …).
type Text map[string]string

// In returns the text in lang, falling back to fallback, then Ukrainian,
// then English, then the first language in alphabetical order: the same
// answer every time.
func (t Text) In(lang, fallback string) string {
	for _, l := range [...]string{lang, fallback, "uk", "en"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	first := ""
	for l, s := range t {
		if s != "" && (first == "" || l < first) {
			first = l
		}
	}
	return t[first]
}

// Type is a question type.
type Type string

// Question types.
const (
	Single   Type = "single"   // inline buttons, one tap
	Multi    Type = "multi"    // toggle buttons with ✓, Done
	Scale    Type = "scale"    // a row of numbers with end labels
	YesNo    Type = "yesno"    // two buttons: option ids "yes" and "no"
	FreeText Type = "text"     // free text, min/max length
	Number   Type = "number"   // integer or decimal, min/max
	Date     Type = "date"     // a calendar date, YYYY-MM-DD (also DD.MM.YYYY on input)
	Region   Type = "region"   // Ukraine's regions and "outside Ukraine"; options are built in
	Phone    Type = "phone"    // the citizen's own contact via request_contact
	Location Type = "location" // a location via request_location
	Note     Type = "note"     // information only, no answer
)

// Survey is one validated survey definition.
type Survey struct {
	ID        string     `json:"id"`
	Title     Text       `json:"title"`
	Intro     Text       `json:"intro,omitempty"`
	Languages []string   `json:"languages"` // first is the default
	TimeZone  string     `json:"timezone"`  // IANA name, default Europe/Kyiv
	Opens     *time.Time `json:"opens,omitempty"`
	Closes    *time.Time `json:"closes,omitempty"`
	Anonymous bool       `json:"anonymous"`
	// Multiple allows more than one completed response per citizen (YAML: responses: many).
	Multiple bool `json:"multiple"`
	// Retention is how long typed answers, phone numbers and locations are
	// kept after they were given (0: as long as the response; contact data
	// is also bounded by the operator's default). YAML: retention: 180d.
	Retention time.Duration `json:"retention,omitempty"`
	// ShareResults lets a citizen who completed the survey see what others
	// answered to its choice questions (small counts hidden).
	ShareResults bool       `json:"share_results,omitempty"`
	Questions    []Question `json:"questions"`

	// Version is the definition's version as registered by the store (a new
	// Checksum gets a new Version). It is not part of the definition: Parse
	// leaves it 0 and Checksum ignores it. Start copies it into the Session.
	Version int `json:"-"`
}

// MaxRetention bounds a survey's retention: ten years.
const MaxRetention = 3650 * 24 * time.Hour

// Expiring reports whether answers to q hold what retention rules cover:
// typed text, a phone number, a location.
func (q *Question) Expiring() bool {
	return q.Type == FreeText || q.Type == Phone || q.Type == Location
}

// Question is one step of a survey.
type Question struct {
	ID       string     `json:"id"`
	Type     Type       `json:"type"`
	Text     Text       `json:"text"`
	Optional bool       `json:"optional,omitempty"`
	ShowIf   *Condition `json:"show_if,omitempty"`

	// Options for single and multi (region and yesno get built-in options).
	Options []Option `json:"options,omitempty"`
	// Other, when set, adds an "other" option (id "other") whose choice asks for free text.
	Other Text `json:"other,omitempty"`

	// MinChoices and MaxChoices bound a multi answer (0 = no bound).
	MinChoices int `json:"min_choices,omitempty"`
	MaxChoices int `json:"max_choices,omitempty"`

	// ScaleMin, ScaleMax and their labels define a scale (e.g. 1..5, 0..10).
	ScaleMin      int  `json:"scale_min,omitempty"`
	ScaleMax      int  `json:"scale_max,omitempty"`
	ScaleMinLabel Text `json:"scale_min_label,omitempty"`
	ScaleMaxLabel Text `json:"scale_max_label,omitempty"`

	// MinLength and MaxLength bound a text answer in characters (MaxLength 0 = 4000).
	MinLength int `json:"min_length,omitempty"`
	MaxLength int `json:"max_length,omitempty"`

	// Integer restricts a number answer to whole numbers; Min and Max bound it.
	Integer bool     `json:"integer,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`

	// MinDate and MaxDate bound a date answer (YYYY-MM-DD, inclusive; "" = no bound).
	MinDate string `json:"min_date,omitempty"`
	MaxDate string `json:"max_date,omitempty"`

	// Sensitive marks a question whose value must never be logged or summarised.
	Sensitive bool `json:"sensitive,omitempty"`
}

// Option is one choice of a single or multi question.
type Option struct {
	ID    string `json:"id"`
	Label Text   `json:"label"`
}

// Op is a comparison in a condition.
type Op string

// Condition operators.
const (
	OpEquals    Op = "equals"
	OpNotEquals Op = "not_equals"
	OpOneOf     Op = "one_of"
	OpLess      Op = "less_than"
	OpGreater   Op = "greater_than"
	OpAnswered  Op = "answered"
)

// Condition decides whether a question is shown, from earlier answers.
// Exactly one of (Question+Op), All, Any, Not is set.
type Condition struct {
	Question string   `json:"question,omitempty"`
	Op       Op       `json:"op,omitempty"`
	Value    string   `json:"value,omitempty"`  // option id, number or date as text
	Values   []string `json:"values,omitempty"` // for one_of

	All []Condition `json:"all,omitempty"`
	Any []Condition `json:"any,omitempty"`
	Not *Condition  `json:"not,omitempty"`
}

// Question returns the question with the given id and its index in
// s.Questions, or nil and -1 when there is none.
func (s *Survey) Question(id string) (*Question, int) {
	for i := range s.Questions {
		if s.Questions[i].ID == id {
			return &s.Questions[i], i
		}
	}
	return nil, -1
}

// IsOpen reports whether the survey accepts answers at now: on or after Opens
// (when set) and before Closes (when set).
func (s *Survey) IsOpen(now time.Time) bool {
	if s.Opens != nil && now.Before(*s.Opens) {
		return false
	}
	if s.Closes != nil && !now.Before(*s.Closes) {
		return false
	}
	return true
}

// Checksum is the hex SHA-256 of the definition's canonical JSON encoding
// (struct fields in declaration order, map keys sorted, times in UTC). Two
// definitions with the same checksum ask the same questions the same way; a
// changed definition gets a new checksum and so a new version. It is "" for a
// definition JSON cannot encode (a NaN or infinite Min/Max, which Parse rejects).
func (s *Survey) Checksum() string {
	c := *s
	if c.Opens != nil {
		t := c.Opens.UTC()
		c.Opens = &t
	}
	if c.Closes != nil {
		t := c.Closes.UTC()
		c.Closes = &t
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
