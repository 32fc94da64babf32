package match

import (
	"sort"

	"github.com/hopcheck/hopcheck/graph"
)

// Rank scores a store's candidates for a search and returns the matches
// at or above the query's least score, best first, then by id, at most
// its limit. Both stores answer Search with it, so that they score alike.
func Rank(q graph.SearchQuery, cands []graph.Entity, stats Stats) []graph.Match {
	minScore := q.MinScore
	if minScore <= 0 {
		minScore = graph.MinMatchScore
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	mq := Query{Name: q.Text, Country: q.Country, Kind: q.Kind, Identifier: q.Identifier, Prefix: q.Prefix}
	if q.Restrict {
		mq.Country, mq.Kind = "", ""
	}
	var out []graph.Match
	qn := parseQuery(q.Text) // once, not once a candidate
	for _, e := range cands {
		if q.Restrict && ((q.Country != "" && e.Country != q.Country) || (q.Kind != "" && e.Kind != q.Kind)) {
			continue
		}
		if r := ScoreParsed(mq, qn, e, entityNames(e), stats); r.Score >= minScore {
			out = append(out, graph.Match{Entity: e, Score: r.Score, Matched: r.Matched, Features: r.Features})
		}
	}
	Order(out)
	return out[:min(len(out), limit)]
}

// Order sorts matches best first, then by id: the order of every answer.
func Order(ms []graph.Match) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Score != ms[j].Score {
			return ms[i].Score > ms[j].Score
		}
		return ms[i].Entity.ID < ms[j].Entity.ID
	})
}
