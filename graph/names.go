package graph

import (
	"sort"
	"strings"
	"unicode"

	"github.com/adrg/strutil/metrics"
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
	s := norm.NFKC.String(name)
	s = unidecode.Unidecode(s)
	s = strings.ToLower(s)
	var b strings.Builder
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
	words := strings.Fields(b.String())
	kept := words[:0:0]
	for _, w := range words {
		if !legalForms[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words
	}
	return strings.Join(kept, " ")
}

// MinMatchScore is the least score of a search match.
const MinMatchScore = 0.75

// ScoreName scores entity e's name and aliases against key, a NameKey:
// 1 for the same key, at least 0.9 for a key that starts with it, else
// their Jaro-Winkler similarity. It returns the best score and the name or
// alias that gave it. Both stores score their candidates with it.
func ScoreName(key string, e Entity) (float64, string) {
	jw := metrics.NewJaroWinkler()
	jw.CaseSensitive = false
	var best float64
	var matched string
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		k := NameKey(n)
		score := jw.Compare(key, k)
		if k == key {
			score = 1
		} else if strings.HasPrefix(k, key) {
			score = max(score, 0.9)
		}
		if score > best {
			best, matched = score, n
		}
	}
	return best, matched
}

// RankMatches orders matches by score, best first, then by id, and keeps
// the first limit.
func RankMatches(ms []Match, limit int) []Match {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Score != ms[j].Score {
			return ms[i].Score > ms[j].Score
		}
		return ms[i].Entity.ID < ms[j].Entity.ID
	})
	return ms[:min(len(ms), limit)]
}
