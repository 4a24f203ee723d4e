package survey

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// maxConditionParts bounds the size of one show_if (aliases can make a small
// file describe a huge tree), and maxConditionDepth its nesting.
const (
	maxConditionParts = 64
	maxConditionDepth = 8
)

// conditionOps are the comparisons of a show_if, in the order they are documented.
var conditionOps = []Op{OpEquals, OpNotEquals, OpOneOf, OpLess, OpGreater, OpAnswered}

const conditionExample = "{question: q1, equals: yes}"

// conditionBudget counts down the parts one show_if may still have.
type conditionBudget struct {
	left     int
	reported bool
}

// condition decodes a show_if (or one part of an all/any/not).
func (d *decoder) condition(n *yaml.Node, prefix string, depth int, budget *conditionBudget, path ...any) *Condition {
	budget.left--
	if budget.left < 0 || depth > maxConditionDepth {
		if !budget.reported {
			budget.reported = true
			d.issuef(line(n), "%sthe condition is too large or too deeply nested", prefix)
		}
		return nil
	}
	f, ok := d.mapping(n, prefix, prefix+"a condition must be a mapping, like "+conditionExample)
	if !ok {
		return nil
	}
	d.lines.set(resolve(n).Line, path...)
	allowed := []string{"question", "all", "any", "not"}
	for _, op := range conditionOps {
		allowed = append(allowed, string(op))
	}
	before := len(d.issues)
	d.unknownKeys(f, prefix, allowed, nil, nil)
	typo := len(d.issues) > before

	c := &Condition{}
	var groups []string
	for _, k := range []string{"all", "any", "not"} {
		if f.has(k) {
			groups = append(groups, k)
		}
	}
	if len(groups) > 0 {
		if len(groups) > 1 || len(f.keys) > 1 {
			d.issuef(line(resolve(n)), `%s%q must be the only key of its condition; nest conditions inside it instead`, prefix, groups[0])
		}
		k := groups[0]
		v := f.get(k)
		d.lines.set(line(v), append(path, k)...)
		if k == "not" {
			if v == nil {
				d.issuef(line(f.by[k].key), "%s\"not\" needs a condition, like not: %s", prefix, conditionExample)
				return c
			}
			c.Not = d.condition(v, prefix, depth+1, budget, append(path, "not")...)
			return c
		}
		items, ok := d.list(v, prefix, k, "["+conditionExample+", …]")
		if !ok {
			return c
		}
		if len(items) == 0 {
			d.issuef(line(v), "%s%q needs at least one condition", prefix, k)
		}
		for j, it := range items {
			sub := d.condition(it, prefix, depth+1, budget, append(path, k, j)...)
			if sub == nil {
				sub = &Condition{}
			}
			if k == "all" {
				c.All = append(c.All, *sub)
			} else {
				c.Any = append(c.Any, *sub)
			}
		}
		return c
	}

	if v := f.get("question"); v != nil {
		d.lines.set(line(v), append(path, "question")...)
		c.Question, _ = d.scalar(v, prefix, "question")
	} else {
		d.issuef(line(resolve(n)), `%smissing "question" (the id of an earlier question)`, prefix)
	}
	var ops []Op
	for _, op := range conditionOps {
		if f.has(string(op)) {
			ops = append(ops, op)
		}
	}
	if len(ops) != 1 && !(len(ops) == 0 && typo) {
		d.issuef(line(resolve(n)), "%suse exactly one of equals, not_equals, one_of, less_than, greater_than, answered", prefix)
	}
	if len(ops) == 0 {
		return c
	}
	c.Op = ops[0]
	v := f.by[string(c.Op)].val
	d.lines.set(line(v), append(path, "value")...)
	switch c.Op {
	case OpOneOf:
		items, ok := d.list(v, prefix, "one_of", "[a, b]")
		if !ok {
			return c
		}
		if len(items) == 0 {
			d.issuef(line(v), "%s\"one_of\" needs at least one value", prefix)
		}
		for j, it := range items {
			d.lines.set(line(it), append(path, "values", j)...)
			s, _ := d.scalar(it, prefix, "one_of")
			c.Values = append(c.Values, s)
		}
	case OpAnswered:
		b, _ := d.boolean(v, prefix, "answered")
		c.Value = fmt.Sprint(b)
	default:
		if isNull(v) {
			d.issuef(line(v), "%s%q needs a value", prefix, c.Op)
			return c
		}
		c.Value, _ = d.scalar(v, prefix, string(c.Op))
	}
	return c
}
