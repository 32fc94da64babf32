package graph

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"
	"golang.org/x/text/unicode/norm"
)

// legalForms are the company-form words dropped from names before matching,
// written as they read once dots are removed ("L.L.C." reads "llc").
var legalForms = map[string]bool{
	"llc": true, "ltd": true, "limited": true, "gmbh": true, "jsc": true, "ojsc": true, "cjsc": true,
	"pjsc": true, "ooo": true, "oao": true, "zao": true, "pao": true, "ao": true, "mmc": true,
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true,
	"plc": true, "llp": true, "lp": true, "sa": true, "sas": true, "sarl": true, "srl": true, "spa": true,
	"ag": true, "kg": true, "bv": true, "nv": true, "ab": true, "as": true, "oy": true, "pte": true,
	"pty": true, "sdn": true, "bhd": true, "fze": true, "fzco": true, "fzc": true, "kft": true,
	"sro": true, "doo": true, "tov": true, "too": true, "ltda": true, "cv": true, "kk": true,
}

// NameKey normalises a name for matching: Unicode folding and
// transliteration to ASCII, lower case, punctuation removed, spaces
// collapsed, and legal-form words (LLC, Ltd, GmbH, JSC, OOO, MMC, …) dropped
// unless nothing else is left. "Ōrion-Tech, L.L.C." and "orion tech" share a key.
func NameKey(name string) string {
	words := NameWords(name)
	kept := words[:0:0]
	for _, w := range words {
		if !IsLegalForm(w) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words
	}
	return strings.Join(kept, " ")
}

// NameWords returns the words of a name as NameKey reads them: folded,
// transliterated to ASCII, lower case, without punctuation, legal forms kept.
func NameWords(name string) []string {
	s := name
	if !isASCII(s) {
		s = unidecode.Unidecode(norm.NFKC.String(s))
	}
	s = strings.ToLower(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '.' || r == '\'' || r == '`':
			// "L.L.C." reads "llc"; "O'Brien" reads "obrien"
		case r == '&':
			b.WriteString(" and ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// IsLegalForm reports whether a word of NameWords is a company-form word.
func IsLegalForm(w string) bool { return legalForms[w] }

// MinMatchScore is the least score of a search match when the query sets
// none: below it, names are different.
const MinMatchScore = 0.6
