// Package match decides how well a screening query or a reference names an
// entity. A name is taken apart once (Parse: words after transliteration,
// legal form, acronyms, initials, phonetic keys); retrieval keys (Keys)
// let a store find candidates without an exact shared word; Score compares
// a query with a candidate by named features (name, country, kind,
// identifier), each with its contribution, so every match explains itself.
// Both stores feed candidates to the same scorer.
package match

import (
	"strings"
	"unicode"

	"github.com/antzucaro/matchr"

	"github.com/hopcheck/hopcheck/graph"
)

// Name is a name taken apart for matching.
type Name struct {
	Original string
	// Words are the name's words after transliteration to ASCII, lower
	// case, without punctuation and without legal-form words (unless
	// nothing else is left), in their order.
	Words []string
	// Legal are the legal-form words the name had (llc, gmbh, ooo, …).
	Legal []string
	// Phonetic is the Double Metaphone key of each word ("" for numbers
	// and one-letter words), aligned with Words.
	Phonetic []string
	// Initials are the first letters of the significant words: "Ministry
	// of Public Security" → "mps".
	Initials string
	// Joined is the words written together: "ntech lab" → "ntechlab".
	Joined string
}

// Parse takes a name apart. Parenthesised parts are not read: Expand makes
// names of them.
func Parse(s string) Name {
	n := Name{Original: s}
	for _, w := range graph.NameWords(stripHan(s)) {
		if graph.IsLegalForm(w) {
			n.Legal = append(n.Legal, w)
			continue
		}
		n.Words = append(n.Words, w)
	}
	if len(n.Words) == 0 {
		n.Words, n.Legal = n.Legal, nil
	}
	n.Phonetic = make([]string, len(n.Words))
	var initials strings.Builder
	for i, w := range n.Words {
		n.Phonetic[i] = phonetic(w)
		if weightOf(w) > 0.1 {
			initials.WriteByte(w[0])
		}
	}
	if len(n.Words) >= 2 {
		n.Initials = initials.String()
	}
	n.Joined = strings.Join(n.Words, "")
	return n
}

// phonetic is a word's Double Metaphone primary key, or "" when the word
// is too short or has digits (numbers must be equal, not sound alike).
func phonetic(w string) string {
	if len(w) < 3 || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return ""
	}
	p, _ := matchr.DoubleMetaphone(w)
	return p
}

// Expand returns the names to compare for one stated name: the name
// without its parenthesised parts, and each parenthesised part on its own
// ("Scientific Studies and Research Center (SSRC)" → the centre's name and
// "SSRC"). Lists mark names with asterisks and footnotes; those go too.
func Expand(name string) []string {
	name = strings.TrimSpace(strings.Trim(name, "*† "))
	var outer strings.Builder
	var parts []string
	depth, start := 0, 0
	for i, r := range name {
		switch r {
		case '(', '[':
			if depth == 0 {
				start = i + 1
			}
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
				if depth == 0 {
					parts = append(parts, name[start:i])
				}
			}
		default:
			if depth == 0 {
				outer.WriteRune(r)
			}
		}
	}
	var out []string
	if o := strings.TrimSpace(strings.Trim(outer.String(), "*,; ")); o != "" {
		out = append(out, o)
	}
	for _, p := range parts {
		if p = strings.TrimSpace(strings.Trim(p, "*,; ")); p != "" && len(graph.NameWords(p)) > 0 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{name}
	}
	return out
}

// hanForms are Chinese company-form and generic suffixes, dropped before
// transliteration as the legal forms of Latin names are.
var hanForms = []string{"股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "股份"}

func stripHan(s string) string {
	for _, f := range hanForms {
		if strings.Contains(s, f) {
			if t := strings.TrimSpace(strings.ReplaceAll(s, f, " ")); t != "" {
				s = t
			}
		}
	}
	return s
}
