package main

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/mozillazg/go-unidecode"

	"github.com/hopcheck/hopcheck/graph"
)

// Query is one benchmark query: a variant of a target's name made by a
// rule, or a name that is in no list (Target empty). Accept are the
// records that are a right answer: the target and the records of other
// lists that state one of its names exactly (after NameKey).
type Query struct {
	Name   string   `json:"name"`
	Rule   string   `json:"rule"`
	Target string   `json:"target,omitempty"`
	Accept []string `json:"accept,omitempty"`
}

// The variant rules, each a function of a name (and its record) that
// returns the variant, or "" when it does not apply. They are written in
// docs/MATCHING.md.
var rules = []struct {
	name string
	make func(r Record, rng *rand.Rand) string
}{
	{"typo", typo},
	{"word order", wordOrder},
	{"legal form", legalForm},
	{"transliteration", transliteration},
	{"acronym", acronym},
	{"added word", addedWord},
	{"dropped word", droppedWord},
}

// typo makes one edit in the name's longest word: a letter swapped with
// the next, dropped, doubled or replaced.
func typo(r Record, rng *rand.Rand) string {
	words := strings.Fields(r.Name)
	best := -1
	for i, w := range words {
		if len([]rune(w)) >= 5 && (best < 0 || len(w) > len(words[best])) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	w := []rune(words[best])
	i := 1 + rng.IntN(len(w)-2)
	switch rng.IntN(4) {
	case 0:
		w[i], w[i+1] = w[i+1], w[i]
	case 1:
		w = slices.Delete(w, i, i+1)
	case 2:
		w = slices.Insert(w, i, w[i])
	default:
		w[i] = rune('a' + rng.IntN(26))
	}
	words[best] = string(w)
	return strings.Join(words, " ")
}

// wordOrder reads "SURNAME, Given" as "Given SURNAME", and otherwise
// moves the first word to the end.
func wordOrder(r Record, _ *rand.Rand) string {
	if before, after, ok := strings.Cut(r.Name, ","); ok && r.Kind == "person" {
		return strings.TrimSpace(after) + " " + strings.TrimSpace(before)
	}
	words := strings.Fields(r.Name)
	if len(words) < 2 {
		return ""
	}
	return strings.Join(append(words[1:], words[0]), " ")
}

// legalForm drops the name's legal-form words, or adds "LLC" to an
// organisation's name that has none.
func legalForm(r Record, _ *rand.Rand) string {
	if r.Kind == "person" {
		return ""
	}
	var kept []string
	for _, w := range strings.Fields(r.Name) {
		if !graph.IsLegalForm(strings.ToLower(strings.Trim(w, ".,()"))) {
			kept = append(kept, w)
		}
	}
	if len(kept) == len(strings.Fields(r.Name)) {
		return r.Name + " LLC"
	}
	return strings.Join(kept, " ")
}

// romanisations are the spelling differences of transliteration schemes.
var romanisations = [][2]string{{"kh", "h"}, {"zh", "j"}, {"ya", "ia"}, {"yu", "iu"}, {"ts", "tz"}, {"y", "i"},
	{"ou", "u"}, {"u", "ou"}, {"sh", "sch"}, {"q", "k"}, {"ee", "i"}, {"dj", "j"}, {"ph", "f"}}

// transliteration romanises a name's non-Latin alias, or re-spells a
// Latin name, the way another transliteration scheme would.
func transliteration(r Record, rng *rand.Rand) string {
	src := strings.ToLower(r.Name)
	for _, a := range r.Aliases {
		if nonLatin(a) {
			src = strings.ToLower(unidecode.Unidecode(a))
			break
		}
	}
	var applicable [][2]string
	for _, p := range romanisations {
		if strings.Contains(src, p[0]) {
			applicable = append(applicable, p)
		}
	}
	if len(applicable) == 0 {
		return ""
	}
	p := applicable[rng.IntN(len(applicable))]
	return strings.ReplaceAll(src, p[0], p[1])
}

func nonLatin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && r > unicode.MaxLatin1 && !unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// acronym is a stated acronym (in parentheses, or a short all-caps
// alias), else the initials of an organisation of three words or more.
func acronym(r Record, _ *rand.Rand) string {
	if i, j := strings.LastIndex(r.Name, "("), strings.LastIndex(r.Name, ")"); i >= 0 && j > i+2 {
		if a := r.Name[i+1 : j]; len(a) <= 8 && strings.ToUpper(a) == a {
			return a
		}
	}
	for _, a := range r.Aliases {
		if len(a) >= 2 && len(a) <= 6 && strings.ToUpper(a) == a && !strings.Contains(a, " ") {
			return a
		}
	}
	if r.Kind == "person" {
		return ""
	}
	var initials []byte
	for _, w := range graph.NameWords(r.Name) {
		if w != "of" && w != "the" && w != "and" && w != "for" && !graph.IsLegalForm(w) {
			initials = append(initials, byte(unicode.ToUpper(rune(w[0]))))
		}
	}
	if len(initials) < 3 {
		return ""
	}
	return string(initials)
}

var added = []string{"Group", "Company", "International", "Holding", "Corporation"}

// addedWord adds a generic word to an organisation's name.
func addedWord(r Record, rng *rand.Rand) string {
	if r.Kind == "person" {
		return ""
	}
	return r.Name + " " + added[rng.IntN(len(added))]
}

// droppedWord drops one word, not the first, of a name of three or more.
func droppedWord(r Record, rng *rand.Rand) string {
	words := strings.Fields(r.Name)
	if len(words) < 3 {
		return ""
	}
	i := 1 + rng.IntN(len(words)-1)
	return strings.Join(slices.Delete(words, i, i+1), " ")
}

// absent are names of real organisations, bodies and people that none of
// the lists names; those whose name key a list states are left out when
// the set is built (and counted).
var absent = []string{
	"Axis Communications AB", "Bosch Security Systems", "Milestone Systems", "Genetec Inc", "Avigilon Corporation",
	"Motorola Solutions", "Hanwha Vision", "Zhejiang Uniview Technologies", "Ministry of Internal Affairs of Kazakhstan",
	"Ministry of Public Security of Vietnam", "Ministry of Health of Ukraine", "Norwegian Police Security Service",
	"Royal Canadian Mounted Police", "Swiss Federal Intelligence Service", "Federal Police of Brazil",
	"Ministry of Justice of Estonia", "Danish Security and Intelligence Service", "Kenya National Police Service",
	"Ministry of Interior of Portugal", "State Security Service of Georgia", "Helsinki City Transport",
	"Nordic Semiconductor ASA", "Siemens Healthineers", "Canon Marketing Japan", "Sony Semiconductor Solutions",
	"Vodafone Group", "Telenor ASA", "Deutsche Telekom", "Orange Business Services", "Ericsson AB",
	"Nokia Solutions and Networks", "Atos Origin", "Capgemini Engineering",
	"Clearview AI", "Cellebrite DI", "Idemia Identity and Security", "Thales Digital Identity", "Gemalto",
	"Secunet Security Networks", "Rohde and Schwarz", "Hensoldt Sensors", "Leonardo DRS", "Saab Surveillance",
	"Elbit Systems of America", "Anna Lindqvist", "Pierre Dubois", "Maria Gonzalez Ruiz", "Kenji Tanaka",
	"Olusegun Adeyemi", "Ministry of Education of Chile", "National Bank of Belgium", "University of Oslo",
	"Tallinn University of Technology", "Port of Rotterdam Authority", "Lagos State Traffic Management Authority",
	"Ministry of Agriculture of Mongolia", "Central Bank of Kenya", "Oxford Instruments", "Hikari Optics Trading",
}

// buildQueries picks targets from every list (a seeded sample of the
// larger ones), makes each rule's variant of each, and adds the absent
// names.
func buildQueries(recs []Record, seed uint64, perSource int) ([]Query, []string, int) {
	ambiguous := 0
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	byKey := map[string][]string{}
	for _, r := range recs {
		for _, n := range append([]string{r.Name}, r.Aliases...) {
			if k := sameName(n); k != "" && !slices.Contains(byKey[k], r.ID) {
				byKey[k] = append(byKey[k], r.ID)
			}
		}
	}
	bySource := map[string][]Record{}
	var sources []string
	for _, r := range recs {
		if len(graph.NameKey(r.Name)) < 4 {
			continue
		}
		if _, ok := bySource[r.Source]; !ok {
			sources = append(sources, r.Source)
		}
		bySource[r.Source] = append(bySource[r.Source], r)
	}
	sort.Strings(sources)
	var qs []Query
	for _, src := range sources {
		rs := bySource[src]
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		for _, r := range rs[:min(len(rs), perSource)] {
			accept := []string{r.ID}
			for _, n := range append([]string{r.Name}, r.Aliases...) {
				for _, id := range byKey[sameName(n)] {
					if !slices.Contains(accept, id) {
						accept = append(accept, id)
					}
				}
			}
			for _, rule := range rules {
				v := strings.TrimSpace(rule.make(r, rng))
				if v == "" || graph.NameKey(v) == "" {
					continue
				}
				if others := byKey[sameName(v)]; rule.name == "acronym" && len(others) > 0 && !slices.Contains(accept, others[0]) {
					// Initials that another record states as its name mean
					// that record: no matcher can tell the target from it.
					ambiguous++
					continue
				}
				qs = append(qs, Query{Name: v, Rule: rule.name, Target: r.ID, Accept: accept})
			}
		}
	}
	var dropped []string
	for _, n := range absent {
		if len(byKey[sameName(n)]) > 0 {
			dropped = append(dropped, n)
			continue
		}
		qs = append(qs, Query{Name: n, Rule: "absent"})
	}
	return qs, dropped, ambiguous
}

// sameName is the key of names that are the same name: the NameKey's
// words in sorted order, so that "MAMLUK, Ali" and "Ali Mamluk" are one.
func sameName(n string) string {
	words := strings.Fields(graph.NameKey(n))
	sort.Strings(words)
	return strings.Join(words, " ")
}
