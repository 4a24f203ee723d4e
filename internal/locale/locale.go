// Package locale holds the bot's own words in Ukrainian, English and Russian
// (survey texts come from the survey files) and picks a citizen's language.
// Plurals follow CLDR rules through go-i18n. It does no I/O.
package locale

import (
	"embed"
	"fmt"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed *.yaml
var files embed.FS

// Languages the bot speaks, the first being the default.
var Languages = []string{"uk", "en", "ru"}

// Catalog localises message ids. It is safe for concurrent use.
type Catalog struct {
	localizers map[string]*i18n.Localizer
}

// New loads the embedded catalogs; it fails only if they are broken.
func New() (*Catalog, error) {
	bundle := i18n.NewBundle(language.Ukrainian)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{localizers: map[string]*i18n.Localizer{}}
	for _, lang := range Languages {
		if _, err := bundle.LoadMessageFileFS(files, lang+".yaml"); err != nil {
			return nil, fmt.Errorf("locale: %s: %w", lang, err)
		}
		c.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return c, nil
}

// Supported reports whether the bot speaks lang.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Pick maps Telegram's language_code (an IETF tag such as "uk", "ru-RU",
// "en-GB", or empty) to a language the bot speaks: Ukrainian when unknown or
// empty, Russian for ru and be, English for any other foreign language.
func Pick(code string) string {
	base, _, _ := strings.Cut(strings.ToLower(code), "-")
	switch base {
	case "", "uk":
		return "uk"
	case "ru", "be":
		return "ru"
	}
	return "en"
}

// T returns message id in lang with template data (may be nil).
func (c *Catalog) T(lang, id string, data map[string]any) string {
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// N returns the plural form of message id for count; the template sees
// {{.Count}} and the other data.
func (c *Catalog) N(lang, id string, count int, data map[string]any) string {
	d := map[string]any{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: count})
}

func (c *Catalog) localize(lang string, cfg *i18n.LocalizeConfig) string {
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[Languages[0]]
	}
	s, err := l.Localize(cfg)
	if err != nil {
		// A missing id is a programming error that the catalog test catches;
		// show the id rather than nothing.
		return cfg.MessageID
	}
	return s
}
