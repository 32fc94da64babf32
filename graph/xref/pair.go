package xref

import (
	"context"
	"fmt"
	"math"
	"slices"
	"unicode"

	"github.com/antzucaro/matchr"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// Raises and penalties of the features beyond the matcher's: each raise
// closes that share of the distance to 1.
const (
	weakShare      = 0.7  // of a match on short aliases or acronyms only
	otherNumbers   = 0.7  // the names carry other numbers
	otherWords     = 0.85 // each name has a word the other lacks
	otherNames     = 0.7  // the same of the names proper, when an alias matched
	sameAddress    = 0.3  // the same address, once normalised
	similarAddress = 0.15 // most words of the addresses alike
	sharedOne      = 0.2  // one shared owner, controller, officer or principal
	sharedMore     = 0.35 // two or more
	linkedPenalty  = 0.85 // one links to the other: records of one party do not own or supply each other
	// linkReach: pairs this far below MinScore have their links read, as
	// shared owners or officers may lift them above it.
	linkReach = 0.25
	// maxNames bounds the names and aliases of each side compared.
	maxNames = 20
)

// pair scores entities i and j: the matcher's score of each one's best
// name against the other, the two directions combined (see both), with
// the matcher's country, kind and identifier rules, then the rules of
// names of pairs (short aliases, numbers, siblings), addresses and shared
// owners or officers.
func (r *run) pair(ctx context.Context, i, j int32) (Candidate, error) {
	if r.ents[j].ID < r.ents[i].ID {
		i, j = j, i
	}
	a, b := &r.ents[i], &r.ents[j]
	ab, qa := r.best(i, j, true)
	ba, qb := r.best(j, i, true)
	c := Candidate{A: a.ID, B: b.ID, Score: both(ab.Score, ba.Score)}
	weak := ""
	if !r.allStrong(i) || !r.allStrong(j) {
		r.weakMatch(i, j, &c, &ab, &ba, &qa, &qb, &weak)
	}
	nameA, nameB := ab.Features[0], ba.Features[0]
	name := graph.MatchFeature{Name: "name", Score: round(both(nameA.Score, nameB.Score)), Effect: "sets"}
	if !r.quiet {
		name.Detail = fmt.Sprintf("%q against %q: %s; %q against %q: %s%s", qa, ab.Matched, nameA.Detail, qb, ba.Matched, nameB.Detail, weak)
	}
	c.Features = append(c.Features, name)
	for _, f := range ab.Features[1:] {
		if !r.quiet {
			f = pairFeature(f, a, b)
		}
		c.Features = append(c.Features, f)
	}
	if ia := match.Identifier(a.RegistrationID); ia != "" && ia == match.Identifier(b.RegistrationID) {
		c.ExactIdentifier = true
	}
	if !c.ExactIdentifier {
		wa, wb := r.wordsOf(i, qa), r.wordsOf(j, ab.Matched)
		pa, pb := r.wordsOf(i, a.Name), r.wordsOf(j, b.Name)
		if f, ok := numbers(wa, wb); ok {
			c.Score *= otherNumbers
			c.Features = append(c.Features, f)
		} else if f, ok := distinctWords(wa, wb); ok {
			c.Score *= otherWords
			c.Features = append(c.Features, f)
		} else if f, ok := distinctWords(pa, pb); ok && len(unlike(significant(pa), significant(pb))) < len(significant(pa)) {
			// The names proper share words and each has its own: the
			// units of one body matched on the body's name as an alias.
			c.Score *= otherNames
			c.Features = append(c.Features, f)
		}
	}
	if f, raise := addresses(a.Address, b.Address); f.Name != "" {
		c.Score += (1 - c.Score) * raise
		c.Features = append(c.Features, f)
	}
	if c.Score >= r.o.MinScore-linkReach {
		fs, err := r.linkFeatures(ctx, i, j, &c.Score)
		if err != nil {
			return c, err
		}
		c.Features = append(c.Features, fs...)
	}
	c.Score = round(math.Min(1, c.Score))
	return c, nil
}

// both combines the scores of the two directions: the better counts 70%,
// the worse 30%. A short name inside a longer one scores well one way and
// badly the other: "Dahua Technology" in "Zhejiang Dahua Technology" (a
// city before it, 0.88 and 0.52) is proposed, "Huawei" in "Huawei
// Technologies Beijing Research Center" (0.84 and 0.36) is not.
func both(x, y float64) float64 {
	return 0.7*max(x, y) + 0.3*min(x, y)
}

// weakMatch scores the pair on all names, short aliases and acronyms
// too, and takes that score, at weakShare, when it is higher.
func (r *run) weakMatch(i, j int32, c *Candidate, ab, ba *match.Result, qa, qb, weak *string) {
	wab, wqa := r.best(i, j, false)
	if wab.Score <= ab.Score {
		return
	}
	wba, wqb := r.best(j, i, false)
	if s := weakShare * both(wab.Score, wba.Score); s > c.Score {
		c.Score, *ab, *ba, *qa, *qb = s, wab, wba, wqa, wqb
		if r.quiet {
			return
		}
		*weak = fmt.Sprintf("; only a short alias or an acronym matches (%q, %q), which counts %.0f%%", wqa, wab.Matched, 100*weakShare)
	}
}

// allStrong reports whether every name of entity i is strong.
func (r *run) allStrong(i int32) bool {
	for _, n := range r.parsed(i) {
		if !n.strong {
			return false
		}
	}
	return true
}

// wordsOf returns the words of entity i's stated name, as parsed, of
// all its readings ("… (IRGC)-Qods Force" has irgc too).
func (r *run) wordsOf(i int32, stated string) []string {
	var ws []string
	for _, n := range r.parsed(i) {
		if n.Stated == stated {
			for _, w := range n.Words() {
				if !slices.Contains(ws, w) {
					ws = append(ws, w)
				}
			}
		}
	}
	return ws
}

// strongWords reports whether a name has two words that say which party
// it is ("al-Ahmed" has one).
func strongWords(ws []string) bool {
	n := 0
	for _, w := range ws {
		if match.WordWeight(w) >= 0.5 {
			n++
		}
	}
	return n >= 2
}

// numbers compares the numbers in two names: "Fu Yuan Yu 7861" and "Fu
// Yuan Yu 7864", "53 Arsenal" and "75 Arsenal" are different parties.
func numbers(a, b []string) (graph.MatchFeature, bool) {
	na, nb := numberWords(a), numberWords(b)
	if len(na) == 0 || len(nb) == 0 || slices.Equal(na, nb) {
		return graph.MatchFeature{}, false
	}
	return graph.MatchFeature{Name: "numbers", Score: 0, Effect: "lowers",
		Detail: fmt.Sprintf("the names have other numbers: %s and %s", strings.Join(na, " "), strings.Join(nb, " "))}, true
}

func numberWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// distinctWords: each name has a word of its own, unlike any of the
// other's (the cities of "Gazprom Transgaz Stavropol" and "Gazprom
// Transgaz Krasnodar", the surnames of two generals): siblings, not one
// party.
func distinctWords(a, b []string) (graph.MatchFeature, bool) {
	wa, wb := significant(a), significant(b)
	ua, ub := unlike(wa, wb), unlike(wb, wa)
	if len(ua) == 0 || len(ub) == 0 {
		return graph.MatchFeature{}, false
	}
	return graph.MatchFeature{Name: "words", Score: 0, Effect: "lowers",
		Detail: fmt.Sprintf("each name has words the other lacks: %s / %s", strings.Join(ua, " "), strings.Join(ub, " "))}, true
}

// significant are a name's words that say which party it is: not legal
// forms (parsing took them out), generic words, initials or numbers.
func significant(ws []string) []string {
	var out []string
	for _, w := range ws {
		if len(w) >= 3 && match.WordWeight(w) >= 0.5 && strings.IndexFunc(w, unicode.IsDigit) < 0 {
			out = append(out, w)
		}
	}
	return out
}

// unlike returns the words of ws with no word of others alike: equal,
// one the start of the other, or an edit or two apart.
func unlike(ws, others []string) []string {
	var out []string
	for _, w := range ws {
		alike := false
		for _, o := range others {
			if w == o || strings.HasPrefix(w, o) || strings.HasPrefix(o, w) || matchr.OSA(w, o) <= max(1, min(len(w), len(o))/4) {
				alike = true
				break
			}
		}
		if !alike {
			out = append(out, w)
		}
	}
	return out
}

// best is the matcher's best score of one of a's names against b, and
// that name. Two names are compared when they share a retrieval key (a
// word, a phonetic key, the name written together, initials), as the
// names that match do; when no two do, the names proper are.
func (r *run) best(i, j int32, strong bool) (match.Result, string) {
	a, b := &r.ents[i], &r.ents[j]
	an, bn := r.parsed(i), r.parsed(j)
	var best match.Result
	var name string
	tried := false
	var against []match.Parsed
	for _, q := range an {
		if strong && !q.strong {
			continue
		}
		against = against[:0]
		for _, c := range bn {
			if (!strong || c.strong) && shareKey(q.keys, c.keys) {
				against = append(against, c.Parsed)
			}
		}
		if len(against) == 0 {
			continue
		}
		res := match.ScoreParsed(match.Query{Name: q.Stated, Country: a.Country, Kind: a.Kind, Identifier: a.RegistrationID, Quiet: r.quiet}, q.Parsed, *b, against, r)
		if !tried || res.Score > best.Score {
			best, name, tried = res, q.Stated, true
		}
	}
	if !tried && len(an) > 0 && len(bn) > 0 {
		best = match.ScoreParsed(match.Query{Name: a.Name, Country: a.Country, Kind: a.Kind, Identifier: a.RegistrationID, Quiet: r.quiet}, an[0].Parsed, *b, []match.Parsed{bn[0].Parsed}, r)
		name = a.Name
	}
	return best, name
}

// shareKey reports whether two sorted key lists have a key in common.
func shareKey(a, b []uint64) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// name is one reading of a stated name taken apart, with its retrieval
// keys hashed and sorted. A strong name has two words or more, or is the
// entity's name proper; the others (a nickname, an acronym in
// parentheses, a one-word alias) are shared by unrelated parties too
// often to count in full.
type name struct {
	match.Parsed
	keys   []uint64
	strong bool
}

// maxCachedNames bounds the entities whose parsed names are kept between
// pairs.
const maxCachedNames = 100000

// parsed returns entity i's names and aliases, at most maxNames, taken
// apart once.
func (r *run) parsed(i int32) []name {
	if ps, ok := r.names[i]; ok {
		return ps
	}
	e := &r.ents[i]
	ps := make([]name, 0, min(maxNames, 1+len(e.Aliases)))
	for n, stated := range append([]string{e.Name}, e.Aliases...) {
		if n == maxNames {
			break
		}
		for k, reading := range match.Expand(stated) {
			p := match.ParseReading(stated, reading)
			var keys []uint64
			for _, k := range match.Keys([]string{reading}) {
				keys = append(keys, hashKey(keyType(k), k))
			}
			slices.Sort(keys)
			ps = append(ps, name{p, keys, strongWords(p.Words()) || (n == 0 && k == 0)})
		}
	}
	if len(r.names) >= maxCachedNames {
		clear(r.names)
	}
	r.names[i] = ps
	return ps
}

// pairFeature words a feature of the matcher's (said of a query and an
// entity) as said of a pair.
func pairFeature(f graph.MatchFeature, a, b *graph.Entity) graph.MatchFeature {
	switch f.Name {
	case "country":
		if f.Effect == "keeps" {
			f.Detail = "both in " + a.Country
		} else {
			f.Detail = fmt.Sprintf("%s is in %s, %s in %s", a.ID, a.Country, b.ID, b.Country)
		}
	case "kind":
		f.Detail = fmt.Sprintf("%s is a %s, %s a %s", a.ID, a.Kind, b.ID, b.Kind)
	case "identifier":
		if f.Effect == "raises" {
			f.Detail = "same registration id " + a.RegistrationID
		} else {
			f.Detail = fmt.Sprintf("registration ids differ: %s and %s", a.RegistrationID, b.RegistrationID)
		}
	}
	return f
}

// addresses compares two addresses: the same words, most words shared, or
// different (which changes nothing: parties move).
func addresses(a, b string) (graph.MatchFeature, float64) {
	wa, wb := graph.NameWords(a), graph.NameWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return graph.MatchFeature{}, 0
	}
	if strings.Join(wa, " ") == strings.Join(wb, " ") {
		return graph.MatchFeature{Name: "address", Score: 1, Effect: "raises", Detail: "same address: " + a}, sameAddress
	}
	set := map[string]bool{}
	for _, w := range wa {
		set[w] = true
	}
	shared, union := 0, len(set)
	seen := map[string]bool{}
	for _, w := range wb {
		if seen[w] {
			continue
		}
		seen[w] = true
		if set[w] {
			shared++
		} else {
			union++
		}
	}
	jac := float64(shared) / float64(union)
	if jac >= 0.7 && len(wa) >= 3 && len(wb) >= 3 {
		return graph.MatchFeature{Name: "address", Score: round(jac), Effect: "raises",
			Detail: fmt.Sprintf("addresses alike (%.0f%% of the words): %q and %q", 100*jac, a, b)}, similarAddress
	}
	return graph.MatchFeature{Name: "address", Score: round(jac), Effect: "keeps", Detail: fmt.Sprintf("addresses differ: %q and %q", a, b)}, 0
}

// neighbours are what an entity's links say of it for comparison: its
// ends by role ("owned by X"), and every entity it links to.
type neighbours struct {
	roles  map[string]string // role key → the other end
	linked map[string]graph.Link
}

// roleOf is the role key of a link seen from entity id, for the link types
// that name a party's owners, controllers, officers or principals.
func roleOf(l graph.Link, id string) (string, string) {
	switch l.Type {
	case graph.Owns, graph.Controls, graph.OfficerOf, graph.AgentOf:
	default:
		return "", ""
	}
	if l.To == id {
		return "in " + string(l.Type) + " " + l.From, l.From
	}
	return "out " + string(l.Type) + " " + l.To, l.To
}

// roleWords says a shared role in words.
func roleWords(key, other string) string {
	switch {
	case strings.HasPrefix(key, "in OWNS"):
		return "both owned by " + other
	case strings.HasPrefix(key, "in CONTROLS"):
		return "both controlled by " + other
	case strings.HasPrefix(key, "in OFFICER_OF"):
		return "both have officer " + other
	case strings.HasPrefix(key, "in AGENT_OF"):
		return "both have agent " + other
	case strings.HasPrefix(key, "out OWNS"):
		return "both own " + other
	case strings.HasPrefix(key, "out CONTROLS"):
		return "both control " + other
	case strings.HasPrefix(key, "out OFFICER_OF"):
		return "both officers of " + other
	}
	return "both agents of " + other
}

// maxCachedLinks bounds the entities whose links are kept between pairs.
const maxCachedLinks = 50000

func (r *run) neighboursOf(ctx context.Context, i int32) (*neighbours, error) {
	if n, ok := r.links[i]; ok {
		return n, nil
	}
	id := r.ents[i].ID
	ls, err := r.s.Links(ctx, id)
	if err != nil {
		return nil, err
	}
	n := &neighbours{roles: map[string]string{}, linked: map[string]graph.Link{}}
	for _, l := range ls {
		other := l.To
		if other == id {
			other = l.From
		}
		if _, ok := n.linked[other]; !ok {
			n.linked[other] = l
		}
		if k, end := roleOf(l, id); k != "" {
			n.roles[k] = end
		}
	}
	if len(r.links) >= maxCachedLinks {
		clear(r.links)
	}
	r.links[i] = n
	return n, nil
}

// linkFeatures compares the pair's links: owners, controllers, officers or
// principals in common raise the score; a link between the two lowers it.
func (r *run) linkFeatures(ctx context.Context, i, j int32, score *float64) ([]graph.MatchFeature, error) {
	na, err := r.neighboursOf(ctx, i)
	if err != nil {
		return nil, err
	}
	nb, err := r.neighboursOf(ctx, j)
	if err != nil {
		return nil, err
	}
	a, b := &r.ents[i], &r.ents[j]
	var fs []graph.MatchFeature
	if l, ok := na.linked[b.ID]; ok {
		*score *= linkedPenalty
		fs = append(fs, graph.MatchFeature{Name: "link", Score: 0, Effect: "lowers",
			Detail: fmt.Sprintf("%s %s %s (%s row %d): records of one party do not link to each other", l.From, l.Type, l.To, l.Source.File, l.Source.Row)})
	}
	var shared []string
	for k, end := range na.roles {
		if _, ok := nb.roles[k]; ok && end != a.ID && end != b.ID {
			shared = append(shared, roleWords(k, r.nameOf(end)))
		}
	}
	if len(shared) > 0 {
		sort.Strings(shared)
		raise := sharedOne
		if len(shared) > 1 {
			raise = sharedMore
		}
		*score += (1 - *score) * raise
		if len(shared) > 5 {
			shared = append(shared[:5], fmt.Sprintf("and %d more", len(shared)-5))
		}
		fs = append(fs, graph.MatchFeature{Name: "shared links", Score: 1, Effect: "raises", Detail: strings.Join(shared, "; ")})
	}
	return fs, nil
}

func (r *run) nameOf(id string) string {
	if n, ok := r.ord[id]; ok {
		return describe(&r.ents[n])
	}
	return id
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
