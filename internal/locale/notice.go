package locale

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Notice is the privacy notice: a version and a text per language.
type Notice struct {
	Version string            `yaml:"version"`
	Texts   map[string]string `yaml:"texts"`
}

// Text returns the notice in lang, or in the first language.
func (n Notice) Text(lang string) string {
	if t, ok := n.Texts[lang]; ok {
		return t
	}
	return n.Texts[Languages[0]]
}

// DefaultNotice is the notice built into the binary (internal/locale/notice.yaml).
func DefaultNotice() Notice {
	data, err := files.ReadFile("notice.yaml")
	if err != nil {
		panic(err) // embedded: cannot be missing
	}
	n, err := ParseNotice("notice.yaml", data)
	if err != nil {
		panic(err) // the built-in notice is checked by its test
	}
	return n
}

// LoadNotice reads an operator's notice file.
func LoadNotice(path string) (Notice, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Notice{}, fmt.Errorf("notice: %w", err)
	}
	return ParseNotice(path, data)
}

// ParseNotice checks a notice: a version, and a non-empty text for every
// language the bot speaks.
func ParseNotice(name string, data []byte) (Notice, error) {
	var n Notice
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&n); err != nil {
		return n, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	if strings.TrimSpace(n.Version) == "" {
		problems = append(problems, "version is missing; set one, and change it whenever the text changes in substance")
	}
	for _, l := range Languages {
		if strings.TrimSpace(n.Texts[l]) == "" {
			problems = append(problems, fmt.Sprintf("texts: %q is missing", l))
		}
	}
	for l := range n.Texts {
		if !Supported(l) {
			problems = append(problems, fmt.Sprintf("texts: the bot does not speak %q (it speaks %s)", l, strings.Join(Languages, ", ")))
		}
	}
	if len(problems) > 0 {
		return n, fmt.Errorf("%s: %s", name, strings.Join(problems, "; "))
	}
	return n, nil
}
