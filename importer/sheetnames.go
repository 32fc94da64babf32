package importer

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// NameKind tells what a sheet or file holds from its name: the whole name
// first (KindOf), or else the words in it, so that "partner list",
// "Partners 2024 (final)" and "ledger_2024_v1" are read as organizations,
// organizations and transactions. Every word must be part of a phrase
// that names a kind, or a word that says nothing of what the rows are (a
// number, a version, "list", "final", a month: see nameNoise), so that a
// sheet of "Ownership notes" is not read as links. Only whole phrases of
// words count, the
// longest wins over the words within it ("entity list 2024" is listings,
// not organizations), and a kind with a role or link type wins over its
// plain table ("partners - distributors" is distributors). A name whose
// words point to two kinds ("shareholders and directors") is ambiguous:
// ok is false and the kinds are returned, so that the caller can say so
// rather than guess.
func NameKind(name string) (k SheetKind, ok bool, ambiguous []SheetKind) {
	if k, ok := KindOf(name); ok {
		return k, true, nil
	}
	words := nameWords(name)
	type hit struct {
		lo, hi int
		kind   SheetKind
	}
	var hits []hit
	for lo := range words {
		for hi := lo + 1; hi <= min(len(words), lo+maxNameWords); hi++ {
			if k, ok := KindOf(strings.Join(words[lo:hi], " ")); ok {
				hits = append(hits, hit{lo, hi, k})
			}
		}
	}
	kinds := map[SheetKind]bool{}
	covered := make([]bool, len(words))
	for _, h := range hits {
		inside := false
		for _, o := range hits {
			if o.lo <= h.lo && h.hi <= o.hi && o.hi-o.lo > h.hi-h.lo {
				inside = true
				break
			}
		}
		if !inside {
			kinds[h.kind] = true
			for i := h.lo; i < h.hi; i++ {
				covered[i] = true
			}
		}
	}
	for i, w := range words {
		if !covered[i] && !isNameNoise(w) {
			return SheetKind{}, false, nil
		}
	}
	for k := range kinds {
		if k.Role != "" || k.LinkType != "" {
			delete(kinds, SheetKind{Table: k.Table})
		}
	}
	if len(kinds) == 1 {
		for k := range kinds {
			return k, true, nil
		}
	}
	for k := range kinds {
		ambiguous = append(ambiguous, k)
	}
	sort.Slice(ambiguous, func(i, j int) bool { return ambiguous[i].String() < ambiguous[j].String() })
	return SheetKind{}, false, ambiguous
}

// nameNoise are the words of a sheet or file name that say nothing of
// what its rows are.
var nameNoise = map[string]bool{
	"list": true, "lists": true, "register": true, "registry": true, "final": true, "draft": true, "copy": true,
	"export": true, "exported": true, "extract": true, "data": true, "file": true, "master": true, "update": true,
	"updated": true, "new": true, "latest": true, "current": true, "full": true, "all": true, "and": true, "of": true,
	"the": true, "version": true, "rev": true, "fy": true, "sheet": true, "clean": true, "cleaned": true, "raw": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true, "jul": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "january": true, "february": true, "march": true, "april": true,
	"june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
}

// isNameNoise reports whether a word of a name says nothing of its rows:
// a number, a single letter (v1, q3), or one of nameNoise.
func isNameNoise(w string) bool {
	if nameNoise[w] || len([]rune(w)) == 1 {
		return true
	}
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// maxNameWords bounds the phrases NameKind tries.
const maxNameWords = 4

// nameWords splits a name into lower-case runs of letters and runs of
// digits: "ledger_2024_v1" gives ledger, 2024, v, 1.
func nameWords(name string) []string {
	var out []string
	var b strings.Builder
	last := 0 // 1 letter, 2 digit
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(name) {
		class := 0
		switch {
		case unicode.IsLetter(r):
			class = 1
		case unicode.IsDigit(r):
			class = 2
		}
		if class != last {
			flush()
		}
		if class != 0 {
			b.WriteRune(r)
		}
		last = class
	}
	flush()
	return out
}

// String names a kind as the importer's messages do: "organizations",
// "organizations (role distributor)", "links (type OWNS)".
func (k SheetKind) String() string {
	switch {
	case k.Role != "":
		return fmt.Sprintf("%s (role %s)", k.Table, k.Role)
	case k.LinkType != "":
		return fmt.Sprintf("%s (type %s)", k.Table, k.LinkType)
	}
	return string(k.Table)
}
