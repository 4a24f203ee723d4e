package survey

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseEvent parses and validates one event definition; file names it in
// issues. It returns the event, or nil and every problem found (sorted by
// line): an event is usable only when there are no issues. That a feedback
// survey exists is for the caller to check, who knows the surveys.
func ParseEvent(file string, data []byte) (*Event, []Issue) {
	return usable(parseEvent(file, data))
}

// ParseEventFile reads and parses the event definition at path.
func ParseEventFile(path string) (*Event, []Issue) {
	return parseFile(path, ParseEvent)
}

// LoadEvents parses every *.yaml and *.yml file in dir (not its
// subdirectories), in name order, and checks problems across files: two files
// with the same event id (the later file is reported and left out). It
// returns the usable events and the issues of all files. A directory that
// cannot be read, or does not exist, is an issue too: whether having no
// events directory is fine is for the caller to decide.
func LoadEvents(dir string) ([]*Event, []Issue) {
	return loadDir(dir, "event", parseEvent, func(e *Event) string { return e.ID })
}

// emptyEvent is the issue of an event file with nothing in it.
const emptyEvent = "the file is empty; an event starts with id, languages, title, starts, ends, place or online, and capacity"

// parseEvent decodes and validates data, returning the event (even when there
// are issues), where each part of it was written, and the issues sorted by line.
func parseEvent(file string, data []byte) (*Event, lines, []Issue) {
	d := &decoder{file: file, lines: lines{}, failed: map[string]bool{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		d.issue(0, emptyEvent)
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
	const oneEvent = `one event per file: remove the second document (after "---")`
	if err := dec.Decode(&extra); err != nil && !errors.Is(err, io.EOF) {
		d.issue(0, oneEvent)
	} else if err == nil && !isNull(&extra) {
		d.issue(extra.Line, oneEvent)
	}
	e := d.event(&doc)
	if e != nil {
		d.validateEvent(e)
	}
	slices.SortStableFunc(d.issues, func(a, b Issue) int { return a.Line - b.Line })
	return e, d.lines, d.issues
}
