package survey

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	// Time zones come from the binary, so that Europe/Kyiv is known even on a
	// host (or a scratch container) whose tz database is old or missing.
	_ "time/tzdata"
)

// Issue is one problem in a survey definition, at a line of its file.
type Issue struct {
	File string
	Line int // 1-based; 0 when the problem is not at one line
	Msg  string
}

// String formats the issue as "file:line: msg", the way compilers do, so that
// editors can jump to it.
func (i Issue) String() string {
	switch {
	case i.Line > 0:
		return fmt.Sprintf("%s:%d: %s", i.File, i.Line, i.Msg)
	case i.File != "":
		return i.File + ": " + i.Msg
	default:
		return i.Msg
	}
}

// Parse parses and validates one survey definition; file names it in issues.
// It returns the survey, or nil and every problem found (sorted by line): a
// survey is usable only when there are no issues.
func Parse(file string, data []byte) (*Survey, []Issue) {
	return usable(parse(file, data))
}

// ParseFile reads and parses the survey definition at path.
func ParseFile(path string) (*Survey, []Issue) {
	return parseFile(path, Parse)
}

// usable returns a definition parsed with its lines and issues, or nil and
// the issues when there are any.
func usable[T any](def *T, _ lines, issues []Issue) (*T, []Issue) {
	if len(issues) > 0 {
		return nil, issues
	}
	return def, nil
}

// parseFile reads path and parses it with parse.
func parseFile[T any](path string, parse func(string, []byte) (*T, []Issue)) (*T, []Issue) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, []Issue{{File: path, Msg: readError(err)}}
	}
	return parse(path, data)
}

// Load parses every *.yaml and *.yml file in dir (not its subdirectories), in
// name order, and checks problems across files: two files with the same survey
// id (the later file is reported and left out). It returns the usable surveys
// and the issues of all files.
func Load(dir string) ([]*Survey, []Issue) {
	return loadDir(dir, "survey", parse, func(s *Survey) string { return s.ID })
}

// loadDir parses every *.yaml and *.yml file in dir (not its
// subdirectories) with parse, in name order, and reports a second file
// with the id of an earlier one (kind names what it defines).
func loadDir[T any](dir, kind string, parse func(string, []byte) (T, lines, []Issue), id func(T) string) ([]T, []Issue) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []Issue{{File: dir, Msg: readError(err)}}
	}
	var (
		defs   []T
		issues []Issue
		seen   = map[string]string{} // id → file
	)
	for _, e := range entries { // ReadDir sorts by name
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			issues = append(issues, Issue{File: path, Msg: readError(err)})
			continue
		}
		def, lines, errs := parse(path, data)
		if len(errs) > 0 {
			issues = append(issues, errs...)
			continue
		}
		if first, ok := seen[id(def)]; ok {
			issues = append(issues, Issue{File: path, Line: lines.at("id"),
				Msg: fmt.Sprintf("%s id %q is already used by %s", kind, id(def), first)})
			continue
		}
		seen[id(def)] = path
		defs = append(defs, def)
	}
	return defs, issues
}

func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

// yamlErrLine matches the position yaml.v3 puts in its syntax errors.
var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse decodes and validates data, returning the survey (even when there are
// issues), where each part of it was written, and the issues sorted by line.
func parse(file string, data []byte) (*Survey, lines, []Issue) {
	d := &decoder{file: file, lines: lines{}, failed: map[string]bool{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		d.issue(0, "the file is empty; a survey starts with id, languages, title and questions")
		return nil, d.lines, d.issues
	case err != nil:
		line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		d.issue(line, "YAML syntax: "+msg)
		return nil, d.lines, d.issues
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != nil && !errors.Is(err, io.EOF) {
		d.issue(0, `one survey per file: remove the second document (after "---")`)
	} else if err == nil && !isNull(&extra) {
		d.issue(extra.Line, `one survey per file: remove the second document (after "---")`)
	}
	s := d.survey(&doc)
	if s != nil {
		d.validate(s)
	}
	slices.SortStableFunc(d.issues, func(a, b Issue) int { return a.Line - b.Line })
	return s, d.lines, d.issues
}

// lines remembers the line where each part of a definition was written, by a
// dotted path: "title", "title.en", "questions.2.options.1", "questions.2.show_if.all.0".
type lines map[string]int

// set records the line of the part at path.
func (l lines) set(line int, path ...any) { l[joinPath(path)] = line }

// at returns the line of the part at path, or of its nearest enclosing part
// that was written (so a missing key points at its mapping).
func (l lines) at(path ...any) int {
	p := joinPath(path)
	for {
		if n, ok := l[p]; ok {
			return n
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return 0
		}
		p = p[:i]
	}
}

func joinPath(parts []any) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, p)
	}
	return b.String()
}
