package survey

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decoder turns YAML nodes into a Survey, remembering lines and collecting
// every issue instead of stopping at the first.
type decoder struct {
	file   string
	lines  lines
	issues []Issue
	failed map[string]bool // paths of values that did not decode ("questions.3.min")
}

func (d *decoder) issue(line int, msg string) {
	d.issues = append(d.issues, Issue{File: d.file, Line: line, Msg: msg})
}

func (d *decoder) issuef(line int, format string, args ...any) {
	d.issue(line, fmt.Sprintf(format, args...))
}

// field is one key and its value in a YAML mapping.
type field struct {
	key, val *yaml.Node
}

// fields is a YAML mapping by key, in the order written.
type fields struct {
	by   map[string]field
	keys []string
}

func (f fields) has(key string) bool { _, ok := f.by[key]; return ok }

// get returns the value of key, or nil when the key is absent or its value is
// null (an empty "key:" counts as absent).
func (f fields) get(key string) *yaml.Node {
	fl, ok := f.by[key]
	if !ok || isNull(fl.val) {
		return nil
	}
	return fl.val
}

// maxAliasHops bounds how far an alias chain is followed.
const maxAliasHops = 16

// resolve follows YAML aliases (*name) to the node they stand for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasHops; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = resolve(n.Content[0])
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.AliasNode ||
		(n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// mapping reads a YAML mapping, reporting repeated keys and non-scalar keys
// (prefix starts those issues). When n is not a mapping it reports notMapping.
func (d *decoder) mapping(n *yaml.Node, prefix, notMapping string) (fields, bool) {
	n = resolve(n)
	f := fields{by: map[string]field{}}
	if n == nil || n.Kind != yaml.MappingNode {
		d.issue(line(n), notMapping)
		return f, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			d.issuef(n.Content[i].Line, "%sa key must be a plain word", prefix)
			continue
		}
		if prev, ok := f.by[k.Value]; ok {
			d.issuef(k.Line, "%skey %q is repeated (first on line %d)", prefix, k.Value, prev.key.Line)
			continue
		}
		f.by[k.Value] = field{key: k, val: v}
		f.keys = append(f.keys, k.Value)
	}
	return f, true
}

// unknownKeys reports the keys of f that are not in allowed. For a key that is
// valid elsewhere (in other), notApply explains why it is not valid here.
func (d *decoder) unknownKeys(f fields, prefix string, allowed, other []string, notApply func(key string) string) {
	for _, k := range f.keys {
		if slices.Contains(allowed, k) {
			continue
		}
		line := f.by[k].key.Line
		if slices.Contains(other, k) && notApply != nil {
			d.issue(line, prefix+notApply(k))
			continue
		}
		msg := fmt.Sprintf("%sunknown key %q", prefix, k)
		if s := suggest(k, allowed); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		d.issue(line, msg)
	}
}

// scalar returns the text of a scalar node; a mapping or list is an issue.
func (d *decoder) scalar(n *yaml.Node, prefix, key string) (string, bool) {
	r := resolve(n)
	if r == nil || r.Kind != yaml.ScalarNode {
		d.issuef(line(n), "%s%q must be a single value, not a list or mapping", prefix, key)
		return "", false
	}
	return r.Value, true
}

// boolean decodes true/false (YAML 1.1 yes/no/on/off too).
func (d *decoder) boolean(n *yaml.Node, prefix, key string) (bool, bool) {
	r := resolve(n)
	var b bool
	if r == nil || r.Kind != yaml.ScalarNode || r.Decode(&b) != nil {
		d.issuef(line(n), "%s%q must be true or false", prefix, key)
		return false, false
	}
	return b, true
}

// integer decodes a whole number.
func (d *decoder) integer(n *yaml.Node, prefix, key string) (int, bool) {
	r := resolve(n)
	var i int
	if r == nil || r.Kind != yaml.ScalarNode || r.ShortTag() != "!!int" || r.Decode(&i) != nil {
		d.issuef(line(n), "%s%q must be a whole number", prefix, key)
		return 0, false
	}
	return i, true
}

// number decodes a finite number.
func (d *decoder) number(n *yaml.Node, prefix, key string) (float64, bool) {
	r := resolve(n)
	var f float64
	if r == nil || r.Kind != yaml.ScalarNode || (r.ShortTag() != "!!int" && r.ShortTag() != "!!float") ||
		r.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		d.issuef(line(n), "%s%q must be a number", prefix, key)
		return 0, false
	}
	return f, true
}

// list returns the items of a YAML sequence.
func (d *decoder) list(n *yaml.Node, prefix, key, example string) ([]*yaml.Node, bool) {
	r := resolve(n)
	if r == nil || r.Kind != yaml.SequenceNode {
		d.issuef(line(n), "%s%q must be a list, like %s", prefix, key, example)
		return nil, false
	}
	return r.Content, true
}

// text decodes a per-language text {uk: "…", en: "…"}; languages are checked
// later, when they are all known.
func (d *decoder) text(n *yaml.Node, prefix, key string, path ...any) Text {
	r := resolve(n)
	if r == nil || r.Kind != yaml.MappingNode {
		d.issuef(line(n), `%s%q must give the text per language, like {uk: "…", en: "…"}`, prefix, key)
		return nil
	}
	f, _ := d.mapping(r, prefix+key+": ", "")
	t := Text{}
	for _, lang := range f.keys {
		v := f.by[lang].val
		d.lines.set(line(v), append(path, lang)...)
		if isNull(v) {
			t[lang] = ""
			continue
		}
		if s, ok := d.scalar(v, prefix+key+": ", lang); ok {
			t[lang] = s
		}
	}
	return t
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

// suggest returns the word in words closest to w when it is close enough to be
// a typo (a case difference, an edit distance of at most 2, or a longer form
// of the word, like "multiple" for "multi").
func suggest(w string, words []string) string {
	best, bestD := "", 3
	for _, c := range words {
		if strings.EqualFold(w, c) {
			return c
		}
		if len(c) >= 4 && strings.HasPrefix(strings.ToLower(w), c) && bestD > 2 {
			best, bestD = c, 2
		}
		if d := distance(w, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes (keys are ASCII).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
