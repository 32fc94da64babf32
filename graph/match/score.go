package match

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/antzucaro/matchr"

	"github.com/hopcheck/hopcheck/graph"
)

// Query is what a screening or a reference says of the party it means.
type Query struct {
	Name       string
	Country    string     // alpha-2; "" when not stated
	Kind       graph.Kind // "" when not stated
	Identifier string     // a registration or other identifier; "" when not stated
	// Prefix: the name is being typed, and a name that starts with it
	// scores at least startsWith.
	Prefix bool
	// Quiet leaves the features' details out, the same scores: a caller
	// scoring many pairs explains the few it keeps.
	Quiet bool
}

// startsWith is the least score of a name that starts with the text typed.
const startsWith = 0.9

// Feature is one part of a match's explanation.
type Feature = graph.MatchFeature

// Result is how well a candidate matches a query, in [0, 1], with the
// name or alias that matched and the features that made the score.
type Result struct {
	Score    float64   `json:"score"`
	Matched  string    `json:"matched"`
	Features []Feature `json:"features"`
}

// Penalties and boosts of the features other than the name.
const (
	otherCountry = 0.75 // a candidate of another country than the query's
	otherKind    = 0.8  // a person for an organisation, or the reverse
	otherID      = 0.9  // both carry identifiers, and they differ
	sameID       = 0.99 // an equal identifier makes a match whatever the name
)

// Score compares a query with a candidate entity. stats, when not nil,
// makes the query's rare words weigh more than its common ones.
func Score(q Query, e graph.Entity, stats Stats) Result {
	return ScoreParsed(q, parseQuery(q.Name), e, entityNames(e), stats)
}

// parseQuery takes a query's name apart as Score reads it.
func parseQuery(name string) Parsed { return Parsed{Stated: name, readings: parseAll([]string{name})} }

// entityNames takes an entity's name and aliases apart as Score reads them.
func entityNames(e graph.Entity) []Parsed {
	out := make([]Parsed, 0, 1+len(e.Aliases))
	for _, stated := range append([]string{e.Name}, e.Aliases...) {
		out = append(out, Parsed{Stated: stated, readings: recent.readings(stated)})
	}
	return out
}

// recent keeps the readings of the names scored lately: screenings meet
// the same candidates again (those a common word brings), and reading a
// name (transliteration, phonetic keys) is much of scoring it. The
// readings are only read once made, so callers share them.
var recent = &nameCache{max: 20000}

// nameCache is a bounded cache of readings by stated name, in two
// generations: when the newer is full it becomes the older and the older
// is dropped, so at most 2×max names are kept and the ones in use stay.
type nameCache struct {
	mu       sync.Mutex
	max      int
	cur, old map[string][]Name
}

func (c *nameCache) readings(stated string) []Name {
	c.mu.Lock()
	r, ok := c.cur[stated]
	if !ok {
		r, ok = c.old[stated]
	}
	c.mu.Unlock()
	if !ok {
		r = parseEach(Expand(stated))
	}
	c.mu.Lock()
	if len(c.cur) >= c.max || c.cur == nil {
		c.old, c.cur = c.cur, make(map[string][]Name, c.max)
	}
	c.cur[stated] = r
	c.mu.Unlock()
	return r
}

// Parsed is a stated name taken apart as Score reads it, once, for a
// caller that scores the same names many times (cross-referencing).
type Parsed struct {
	Stated   string
	readings []Name
}

// ParseName takes a stated name apart as Score does: each of its readings
// (Expand), parsed.
func ParseName(stated string) Parsed {
	var rs []Name
	for _, x := range Expand(stated) {
		rs = append(rs, Parse(x))
	}
	return Parsed{Stated: stated, readings: rs}
}

// ParseReading takes apart one reading of a stated name (one of
// Expand(stated)): a caller that weighs readings differently (an acronym
// in parentheses, a nickname) scores them apart.
func ParseReading(stated, reading string) Parsed {
	return Parsed{Stated: stated, readings: []Name{Parse(reading)}}
}

// Words returns the words of the name's first reading.
func (p Parsed) Words() []string {
	if len(p.readings) == 0 {
		return nil
	}
	return p.readings[0].Words
}

func parseEach(xs []string) []Name {
	out := make([]Name, len(xs))
	for i, x := range xs {
		out[i] = parse(x)
	}
	return out
}

// ScoreParsed is Score with the query's name and the entity's names
// (name first, then aliases) already taken apart by ParseName.
func ScoreParsed(q Query, qn Parsed, e graph.Entity, names []Parsed, stats Stats) Result {
	var best Result
	var bestDetail string
	var bestQ, bestC *Name
	person := e.Kind == graph.Person
	for _, cand := range names {
		for ci := range cand.readings {
			for qi := range qn.readings {
				qr, c := &qn.readings[qi], &cand.readings[ci]
				if len(qr.Words) == 0 {
					continue
				}
				if s, _ := nameScore(*qr, *c, person, stats, false); s > best.Score {
					best.Score, best.Matched, bestQ, bestC = s, cand.Stated, qr, c
				}
			}
		}
	}
	if bestQ != nil && !q.Quiet {
		_, bestDetail = nameScore(*bestQ, *bestC, person, stats, true)
	}
	if q.Prefix && best.Score < startsWith {
		key := graph.NameKey(q.Name)
		for _, stated := range append([]string{e.Name}, e.Aliases...) {
			if key != "" && strings.HasPrefix(graph.NameKey(stated), key) {
				best.Score, best.Matched, bestDetail = startsWith, stated, fmt.Sprintf("%q starts with %q", stated, q.Name)
				break
			}
		}
	}
	best.Features = []Feature{{Name: "name", Score: round(best.Score), Effect: "sets", Detail: bestDetail}}
	if q.Country != "" && e.Country != "" {
		if q.Country == e.Country {
			best.Features = append(best.Features, Feature{Name: "country", Score: 1, Effect: "keeps", Detail: detail(q, "same country, %s", e.Country)})
		} else {
			best.Score *= otherCountry
			best.Features = append(best.Features, Feature{Name: "country", Score: 0, Effect: "lowers",
				Detail: detail(q, "the query says %s, the entity is in %s", q.Country, e.Country)})
		}
	}
	if q.Kind != "" && e.Kind != "" && q.Kind != e.Kind && !(isBody(q.Kind) && isBody(e.Kind)) {
		best.Score *= otherKind
		best.Features = append(best.Features, Feature{Name: "kind", Score: 0, Effect: "lowers",
			Detail: detail(q, "the query is a %s, the entity a %s", q.Kind, e.Kind)})
	}
	if qi, ei := Identifier(q.Identifier), Identifier(e.RegistrationID); qi != "" && ei != "" {
		if qi == ei {
			best.Score = math.Max(best.Score, sameID)
			best.Features = append(best.Features, Feature{Name: "identifier", Score: 1, Effect: "raises", Detail: detail(q, "same identifier %s", e.RegistrationID)})
		} else {
			best.Score *= otherID
			best.Features = append(best.Features, Feature{Name: "identifier", Score: 0, Effect: "lowers",
				Detail: detail(q, "identifiers differ: %s and %s", q.Identifier, e.RegistrationID)})
		}
	}
	best.Score = round(best.Score)
	return best
}

// detail is a feature's detail, "" for a quiet query.
func detail(q Query, format string, args ...any) string {
	if q.Quiet {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

// isBody reports whether a kind is an organisation of some sort: lists
// often cannot tell a state company from a government body.
func isBody(k graph.Kind) bool { return k == graph.Organization || k == graph.GovernmentBody }

func parseAll(names []string) []Name {
	var out []Name
	for _, n := range names {
		for _, x := range Expand(n) {
			if p := Parse(x); len(p.Words) > 0 {
				out = append(out, p)
			}
		}
	}
	return out
}

// Identifier normalises an identifier (a registration id) as the matcher
// compares it: letters and digits, upper case.
func Identifier(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// nameScore compares two parsed names: words aligned one to one whatever
// their order, each pair scored by wordScore and weighted by how much the
// query's word says (generic words little, common words less than rare
// ones). The share of the query's weight that matched counts most; the
// share of the candidate's weight that matched tempers it, so a name with
// many more words is a weaker match. The names written together, and
// initials against an acronym, are compared too; the best reading wins.
//
// Only with explain is the detail written: scoring many readings, the
// caller explains the best one alone.
func nameScore(q, c Name, person bool, stats Stats, explain bool) (float64, string) {
	if len(q.Words) == 0 || len(c.Words) == 0 {
		return 0, ""
	}
	if q.Joined == c.Joined {
		if !explain {
			return 1, ""
		}
		return 1, fmt.Sprintf("same name %q", strings.Join(c.Words, " "))
	}
	wq := make([]float64, len(q.Words))
	for i, w := range q.Words {
		wq[i] = weightOf(w) * rarity(stats, w)
	}
	type pair struct {
		i, j int
		s    float64
	}
	var pairs []pair
	for i, a := range q.Words {
		for j, b := range c.Words {
			if s := wordScore(a, b, q.Phonetic[i]); s > 0 {
				pairs = append(pairs, pair{i, j, s})
			}
		}
	}
	sort.SliceStable(pairs, func(x, y int) bool { return pairs[x].s > pairs[y].s })
	usedQ := make([]bool, len(q.Words))
	usedC := make([]bool, len(c.Words))
	var matchedQ, totalQ, matchedC, totalC float64
	var said []string
	for _, p := range pairs {
		if usedQ[p.i] || usedC[p.j] {
			continue
		}
		usedQ[p.i], usedC[p.j] = true, true
		matchedQ += p.s * wq[p.i]
		matchedC += p.s * wq[p.i]
		totalC += wq[p.i]
		if p.s < 1 && explain {
			said = append(said, fmt.Sprintf("%s~%s %.2f", q.Words[p.i], c.Words[p.j], p.s))
		}
	}
	for _, w := range wq {
		totalQ += w
	}
	var missing []string
	for j, w := range c.Words {
		if !usedC[j] {
			totalC += weightOf(w)
			if explain {
				missing = append(missing, w)
			}
		}
	}
	var unmatched []string
	for i, w := range q.Words {
		if !usedQ[i] && explain {
			unmatched = append(unmatched, w)
		}
	}
	covQ, covC := matchedQ/totalQ, 0.0
	if totalC > 0 {
		covC = matchedC / totalC
	}
	// Every part of a person's name matters; an organisation's name often
	// has words that others leave out (a city, "digital technology").
	base := 0.75
	if person {
		base = 0.5
	}
	score := covQ * (base + (1-base)*covC)
	detail := ""
	if explain {
		detail = fmt.Sprintf("words: %.0f%% of the query's weight, %.0f%% of the name's", 100*covQ, 100*covC)
	}
	if len(said) > 0 {
		detail += "; alike: " + strings.Join(said, ", ")
	}
	if len(unmatched) > 0 {
		detail += "; not in the name: " + strings.Join(unmatched, " ")
	}
	if len(missing) > 0 {
		detail += "; not in the query: " + strings.Join(missing, " ")
	}
	if len(q.Joined) >= 5 && len(c.Joined) >= 5 && 100*abs(len(q.Joined)-len(c.Joined)) <= 15*max(len(q.Joined), len(c.Joined)) {
		if r := ratio(q.Joined, c.Joined); r >= 0.85 && 0.95*r > score {
			score = 0.95 * r
			if explain {
				detail = fmt.Sprintf("written together, %q and %q are %.2f alike", q.Joined, c.Joined, r)
			}
		}
	}
	if s, d := acronymScore(q, c); s > score {
		score, detail = s, d
	}
	return score, detail
}

// acronymScore compares a one-word name with the other's initials.
func acronymScore(q, c Name) (float64, string) {
	const initials = 0.8
	if len(q.Words) == 1 && len(q.Joined) >= 2 && q.Joined == c.Initials {
		return initials, fmt.Sprintf("%q is the initials of %q", q.Joined, strings.Join(c.Words, " "))
	}
	if len(c.Words) == 1 && len(c.Joined) >= 2 && c.Joined == q.Initials {
		return initials, fmt.Sprintf("%q is the initials of the query", c.Joined)
	}
	return 0, ""
}

// wordScore compares two words: 1 when equal; numbers only when equal; an
// initial against a word with that first letter; else their edit
// similarity, raised for words that sound alike and start alike, counted
// from 0.7 up (below that they are different words).
func wordScore(a, b, pa string) float64 {
	if a == b {
		return 1
	}
	if hasDigit(a) || hasDigit(b) {
		return 0
	}
	if len(a) == 1 || len(b) == 1 {
		if a[0] == b[0] {
			return 0.6
		}
		return 0
	}
	if len(a) < 4 && len(b) < 4 {
		return 0
	}
	if n := max(len(a), len(b)); 10*abs(len(a)-len(b)) > 3*n {
		return 0 // too different in length to be 0.7 alike
	}
	r := ratio(a, b)
	if r >= 0.4 && r < 1 && pa != "" && a[0] == b[0] && pa == phonetic(b) {
		r = math.Max(r, 0.5+r/2) // sound alike: halfway to equal
	}
	if r < 0.7 {
		return 0
	}
	return r
}

// ratio is the edit similarity of two strings in [0, 1]: one less the
// optimal-string-alignment distance (an adjacent swap is one edit) over
// the longer length.
func ratio(a, b string) float64 {
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(osa(a, b))/float64(n)
}

// osa is matchr.OSA, the same distance (its transpositions counted from
// the third letter on, as it does), without allocating for ASCII strings
// of up to maxOSA bytes, which names' words and most names written
// together are: three rows on the stack instead of a matrix on the heap.
func osa(s1, s2 string) int {
	const maxOSA = 64
	if len(s1) > maxOSA || len(s2) > maxOSA || !ascii(s1) || !ascii(s2) {
		return matchr.OSA(s1, s2)
	}
	var rows [3][maxOSA + 1]int
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	cols := len(s2) + 1
	for j := range cols {
		prev[j] = j
	}
	for i := 1; i <= len(s1); i++ {
		cur[0] = i
		for j := 1; j < cols; j++ {
			cost := 1
			if s1[i-1] == s2[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 2 && j > 2 && s1[i-1] == s2[j-2] && s1[i-2] == s2[j-1] {
				d = min(d, prev2[j-2]+cost)
			}
			cur[j] = d
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[cols-1]
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
