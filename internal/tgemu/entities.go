package tgemu

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
)

// entityPriority orders entities with the same offset and length, as tdlib
// does; types not listed come last.
var entityPriority = map[string]int{
	"blockquote": 0, "expandable_blockquote": 0, "pre": 11, "code": 20,
	"text_link": 49, "bot_command": 50,
	"bold": 90, "italic": 91, "underline": 92, "strikethrough": 93, "spoiler": 94,
	"custom_emoji": 99,
}

// formattingEntity reports whether entities of type t only change how text
// looks, and so may contain and be part of most others.
func formattingEntity(t string) bool {
	switch t {
	case "bold", "italic", "underline", "strikethrough", "spoiler":
		return true
	}
	return false
}

func quoteEntity(t string) bool { return t == "blockquote" || t == "expandable_blockquote" }

// mayContain reports whether an entity of type outer may contain one of type
// inner, after the Bot API's rules: nothing goes inside code and pre,
// formatting goes anywhere else and holds anything, quotations hold anything
// but quotations, and the other entities hold none of each other.
func mayContain(outer, inner string) bool {
	switch {
	case outer == "code" || outer == "pre":
		return false
	case formattingEntity(inner) || formattingEntity(outer):
		return true
	case quoteEntity(outer):
		return !quoteEntity(inner)
	}
	return false
}

// sortEntities puts entities in Telegram's order: by offset, the longer (the
// outer) first, then by type.
func sortEntities(ents []tgMessageEntity) {
	slices.SortStableFunc(ents, func(a, b tgMessageEntity) int {
		if c := cmp.Compare(a.Offset, b.Offset); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Length, a.Length); c != 0 {
			return c
		}
		return cmp.Compare(priority(a.Type), priority(b.Type))
	})
}

func priority(t string) int {
	if p, ok := entityPriority[t]; ok {
		return p
	}
	return 100
}

// fixEntities applies Telegram's rules to the entities of text and returns
// them sorted: entities outside the text or empty are dropped, so is
// formatting of white space only and an entity inside one that may not
// contain it (see mayContain). Partial overlaps, which HTML cannot make, are
// kept when one side is formatting and dropped otherwise.
func fixEntities(text string, ents []tgMessageEntity) []tgMessageEntity {
	units := utf16.Encode([]rune(text))
	sorted := slices.Clone(ents)
	sortEntities(sorted)
	var kept []tgMessageEntity
	for _, e := range sorted {
		if e.Length <= 0 || e.Offset < 0 || e.Offset+e.Length > len(units) {
			continue
		}
		if formattingEntity(e.Type) && strings.TrimSpace(string(utf16.Decode(units[e.Offset:e.Offset+e.Length]))) == "" {
			continue
		}
		if fits(kept, e) {
			kept = append(kept, e)
		}
	}
	return kept
}

// fits reports whether e may join kept, whose entities all start before e or
// where e does and, when they start together, are at least as long.
func fits(kept []tgMessageEntity, e tgMessageEntity) bool {
	for _, p := range kept {
		switch {
		case p.Offset+p.Length <= e.Offset: // apart
		case e.Offset+e.Length <= p.Offset+p.Length: // inside p
			if !mayContain(p.Type, e.Type) {
				return false
			}
		case !formattingEntity(p.Type) && !formattingEntity(e.Type):
			return false
		}
	}
	return true
}

// trimFormatted trims white space off both ends of text, as Telegram does
// with every message, and moves and cuts the entities to match.
func trimFormatted(text string, ents []tgMessageEntity) (string, []tgMessageEntity) {
	left := strings.TrimLeftFunc(text, unicode.IsSpace)
	shift := utf16Len(text) - utf16Len(left)
	trimmed := strings.TrimRightFunc(left, unicode.IsSpace)
	n := utf16Len(trimmed)
	var out []tgMessageEntity
	for _, e := range ents {
		start, end := max(e.Offset-shift, 0), min(e.Offset+e.Length-shift, n)
		if end > start {
			e.Offset, e.Length = start, end-start
			out = append(out, e)
		}
	}
	return trimmed, out
}
