package neo4jstore

import (
	"context"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// maxPosting is the most entities one word of a search may bring: a word
// that many names share ("ministry", "technology") says little on its own,
// and is skipped when the text has other words. maxScored bounds the
// candidates whose names are compared: they are taken from the rarest word
// of the text first. The embedded store uses the same bounds.
const (
	maxPosting = 20000
	maxScored  = 200
)

// Search implements graph.Store. Candidates come from the full-text index
// on the stored name keys: the entities that have a word of the text's key,
// or, when the last word is no whole word of any name, a word starting with
// it (search as you type). They are then scored in Go, like the embedded
// store does: 1 for the same key, at least 0.9 for a key that starts with
// the text, else Jaro-Winkler similarity; below 0.75 is no match.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	key := graph.NameKey(q.Text)
	if key == "" {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	words := strings.Fields(key)
	last := len(words) - 1
	var terms []map[string]any
	for i, w := range words {
		terms = append(terms, map[string]any{"i": i, "prefix": false, "q": `name_keys:"` + w + `"`})
		if i == last && len(w) >= 2 {
			terms = append(terms, map[string]any{"i": i, "prefix": true, "q": "name_keys:" + w + "*"})
		}
	}
	var label any
	if q.Kind != "" {
		label = q.Kind.Label()
	}
	recs, err := s.read(ctx, "searching names", `
		UNWIND $terms AS term
		CALL (term) {
		  CALL db.index.fulltext.queryNodes('entity_names', term.q, {limit: $cap}) YIELD node
		  RETURN collect(node) AS nodes
		}
		RETURN term.i, term.prefix, size(nodes),
		  [n IN nodes WHERE ($country IS NULL OR n.country = $country) AND ($label IS NULL OR $label IN labels(n))][..$scored]`,
		map[string]any{"terms": terms, "cap": maxPosting + 1, "scored": maxScored, "country": strValue(q.Country), "label": label})
	if err != nil {
		return nil, err
	}
	type posting struct {
		n    int
		hits []graph.Entity
	}
	exact := make([]posting, len(words))
	var prefix posting
	for _, r := range recs {
		p := posting{n: int(r.Values[2].(int64))}
		for _, v := range r.Values[3].([]any) {
			p.hits = append(p.hits, entityOf(v.(neo4j.Node)))
		}
		if r.Values[1].(bool) {
			prefix = p
		} else {
			exact[int(r.Values[0].(int64))] = p
		}
	}
	type source struct {
		posting
		has func(string) bool
	}
	var sources []source
	for i, w := range words {
		p := exact[i]
		has := func(word string) bool { return word == w }
		if p.n == 0 && i == last && len(w) >= 2 {
			p = prefix
			p.n = min(p.n, maxPosting)
			has = func(word string) bool { return strings.HasPrefix(word, w) }
		}
		if p.n > maxPosting && len(words) > 1 {
			continue
		}
		sources = append(sources, source{p, has})
	}
	// The rarest word first, as the embedded store does.
	sort.SliceStable(sources, func(i, j int) bool { return sources[i].n < sources[j].n })
	var cands []graph.Entity
	seen := map[string]bool{}
	for _, src := range sources {
		for _, e := range src.hits {
			if len(cands) < maxScored && !seen[e.ID] && hasWord(e, src.has) {
				seen[e.ID] = true
				cands = append(cands, e)
			}
		}
	}
	var out []graph.Match
	for _, e := range cands {
		if score, matched := graph.ScoreName(key, e); score >= graph.MinMatchScore {
			out = append(out, graph.Match{Entity: e, Score: score, Matched: matched})
		}
	}
	return graph.RankMatches(out, limit), nil
}

// hasWord reports whether a word of one of the entity's name keys passes.
func hasWord(e graph.Entity, pass func(string) bool) bool {
	for _, n := range append([]string{e.Name}, e.Aliases...) {
		for _, w := range strings.Fields(graph.NameKey(n)) {
			if pass(w) {
				return true
			}
		}
	}
	return false
}
