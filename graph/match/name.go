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

// Parse takes a name apart, phonetic keys included. Parenthesised parts
// are read as words: Expand makes names of them first.
func Parse(s string) Name {
	n := parse(s)
	n.Phonetic = make([]string, len(n.Words))
	for i, w := range n.Words {
		n.Phonetic[i] = phonetic(w)
	}
	return n
}

// parse takes a name apart without its phonetic keys, which scoring a
// candidate needs only for the few words that are nearly alike.
func parse(s string) Name {
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
	var initials strings.Builder
	for _, w := range n.Words {
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

// Expand returns the names to compare for one stated name. A
// parenthesised acronym is a name of its own ("Scientific Studies and
// Research Center (SSRC)" is also "SSRC"); any other parenthesised part
// ("(Beijing)", "(Alexandr)", "(a.k.a. …)") is read both ways, in the name
// and left out, never on its own. Lists mark names with asterisks and
// footnotes; those go too.
func Expand(name string) []string {
	name = strings.TrimSpace(strings.Trim(name, "*† "))
	var outer, inline strings.Builder
	var acronyms []string
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
					if p := strings.TrimSpace(name[start:i]); isAcronym(p) {
						acronyms = append(acronyms, p)
					} else {
						inline.WriteString(" " + p + " ")
					}
				}
			}
		default:
			if depth == 0 {
				outer.WriteRune(r)
				inline.WriteRune(r)
			}
		}
	}
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(strings.Trim(s, "*,; ")); s != "" && len(graph.NameWords(s)) > 0 {
			for _, o := range out {
				if o == s {
					return
				}
			}
			out = append(out, s)
		}
	}
	add(outer.String())
	if inline.Len() != outer.Len() {
		add(inline.String())
	}
	for _, a := range acronyms {
		add(a)
	}
	if len(out) == 0 {
		return []string{name}
	}
	return out
}

// isAcronym reports whether a parenthesised part is an acronym: one word
// of capitals (digits and hyphens allowed), "SSRC", "AVIC", "S-SEA".
func isAcronym(p string) bool {
	letters := 0
	for _, r := range p {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsDigit(r) || r == '-' || r == '.' || r == '&':
		default:
			return false
		}
	}
	return letters >= 2
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
