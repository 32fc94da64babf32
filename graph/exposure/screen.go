package exposure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// ScreenQuery names a counterparty to screen before a deal: by entity id,
// or by name with what else is known of it (country, kind, identifier),
// which the matcher weighs.
type ScreenQuery struct {
	Name       string     `json:"name,omitempty"`
	Country    string     `json:"country,omitempty"`
	Kind       graph.Kind `json:"kind,omitempty"`
	Identifier string     `json:"identifier,omitempty"`
	ID         string     `json:"id,omitempty"`
	Date       string     `json:"date,omitempty"` // YYYY-MM-DD; today when empty
}

// Standing of a candidate: a match is taken for the counterparty and
// decides the verdict; a possible match needs a person to confirm it.
const (
	StandingMatch    = "match"
	StandingPossible = "possible"
)

// Candidate is an entity that matched a screening query, with its own
// assessment and the features that made its score.
type Candidate struct {
	ID       string               `json:"id"`
	Name     string               `json:"name"`
	Country  string               `json:"country,omitempty"`
	Label    string               `json:"label"`
	Score    float64              `json:"score"`
	Matched  string               `json:"matched"` // the name or alias that matched
	Standing string               `json:"standing"`
	Features []graph.MatchFeature `json:"features"`
	// Cluster names the SAME_AS cluster the candidate is a member of, and
	// Members lists its members (SPEC §1 "Identity"): the cluster is
	// assessed as one party, once, under its best-scoring member; empty
	// when the candidate is in no cluster.
	Cluster    string           `json:"cluster,omitempty"`
	Members    []string         `json:"members,omitempty"`
	Assessment graph.Assessment `json:"assessment"`
}

// Screening is the answer to a screening query (SPEC §4 "screen"). Its
// assessment is the governing candidate's, and its verdict the worst of
// the matches; review when only possible matches exist, or when a possible
// match would be worse than the matches; unknown when nothing matches.
type Screening struct {
	Query   ScreenQuery `json:"query"`
	Matches []Candidate `json:"matches"`
	// Known is true when at least one candidate reached the match threshold.
	Known bool `json:"known"`
	// Entity is the candidate whose assessment governs; nil when unknown.
	Entity *graph.Ref `json:"entity"`
	graph.Assessment
}

// screenCandidates bounds the candidates of a screening.
const screenCandidates = 10

// ValidDay checks a YYYY-MM-DD date, as screening and the API read them.
func ValidDay(s string) error {
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return graph.Errorf(graph.EINVALID, "date %q: expected YYYY-MM-DD", s)
	}
	return nil
}

// Screen finds the counterparty and assesses every candidate at or above
// the policy's review threshold. The answer never guesses: equal
// candidates are all assessed and the worse governs, candidates below the
// match threshold are possible matches to confirm, and a query nothing
// matches is unknown, never clear.
func (e *Evaluator) Screen(ctx context.Context, q ScreenQuery) (Screening, error) {
	if q.Date == "" {
		q.Date = graph.Today(e.now())
	}
	res := Screening{Query: q, Matches: []Candidate{}}
	if err := ValidDay(q.Date); err != nil {
		return res, err
	}
	switch {
	case q.ID != "":
		ent, err := e.store.Entity(ctx, q.ID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			break
		}
		if err != nil {
			return res, err
		}
		res.Matches = append(res.Matches, Candidate{ID: ent.ID, Name: ent.Name, Country: ent.Country, Label: ent.Kind.Label(),
			Score: 1, Matched: ent.ID, Standing: StandingMatch,
			Features: []graph.MatchFeature{{Name: "id", Score: 1, Effect: "sets", Detail: "the entity's own id"}}})
	case q.Name != "":
		ms, err := e.store.Search(ctx, graph.SearchQuery{Text: q.Name, Country: q.Country, Kind: q.Kind, Identifier: q.Identifier,
			MinScore: e.policy.ReviewThreshold, Limit: screenCandidates})
		if err != nil {
			return res, err
		}
		for _, m := range ms {
			standing := StandingPossible
			if m.Score >= e.policy.MatchThreshold {
				standing = StandingMatch
			}
			res.Matches = append(res.Matches, Candidate{ID: m.Entity.ID, Name: m.Entity.Name, Country: m.Entity.Country,
				Label: m.Entity.Kind.Label(), Score: m.Score, Matched: m.Matched, Standing: standing, Features: m.Features})
		}
	default:
		return res, graph.Errorf(graph.EINVALID, "screening needs a name or an entity id")
	}
	if len(res.Matches) == 0 {
		res.Assessment = graph.Assessment{Severity: graph.None, Verdict: graph.Unknown, Exposures: []graph.Exposure{},
			Reasons: []string{fmt.Sprintf("Unknown counterparty: nothing in the graph matches %s. Its links to government end-users are unknown, not absent; add it to the graph to screen it.", describeQuery(q))}}
		return res, nil
	}
	// Every candidate in one path search: one round trip to Neo4j.
	qs := make([]graph.ReachQuery, len(res.Matches))
	for i, m := range res.Matches {
		qs[i] = graph.ReachQuery{Start: m.ID, On: q.Date}
	}
	rs, err := e.store.Reach(ctx, qs, e.policy)
	if err != nil {
		return res, err
	}
	folded := res.Matches[:0]
	seen := map[string]bool{}
	for i, m := range res.Matches {
		// Candidates of one cluster are one party: the first (the best
		// scoring) stands for it, with the cluster's members.
		c := rs[i].Start.ID
		if seen[c] {
			continue
		}
		seen[c] = true
		if ms := rs[i].Clusters[c]; ms != nil {
			m.Cluster, m.Members = c, ms
		}
		m.Assessment = Assess([]Start{{Role: "counterparty", Reach: rs[i]}}, nil, q.Date, e.policy)
		folded = append(folded, m)
	}
	res.Matches = folded
	gov := governing(res.Matches)
	res.Known = res.Matches[gov].Standing == StandingMatch
	c := res.Matches[gov]
	res.Entity = &graph.Ref{ID: c.ID, Name: c.Name, Country: c.Country, Label: c.Label}
	res.Assessment = c.Assessment
	res.Assessment.Reasons = append(identityReasons(res.Matches, gov), c.Assessment.Reasons...)
	if !res.Known || worstPossible(res.Matches) > rank(res.Verdict) {
		res.Verdict = graph.Review
	}
	return res, nil
}

// rank orders verdicts: block 3, review 2, clear 1.
func rank(v graph.Verdict) int {
	switch v {
	case graph.Block:
		return 3
	case graph.Review:
		return 2
	case graph.Clear:
		return 1
	}
	return 0
}

// governing picks the candidate whose assessment answers: the worst
// verdict among the matches (then the most severe, the best score, the
// lowest id); with no match, the best possible match.
func governing(cs []Candidate) int {
	order := make([]int, len(cs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := cs[order[x]], cs[order[y]]
		if (a.Standing == StandingMatch) != (b.Standing == StandingMatch) {
			return a.Standing == StandingMatch
		}
		if a.Standing == StandingMatch {
			if ra, rb := rank(a.Assessment.Verdict), rank(b.Assessment.Verdict); ra != rb {
				return ra > rb
			}
			if ra, rb := a.Assessment.Severity.Rank(), b.Assessment.Severity.Rank(); ra != rb {
				return ra > rb
			}
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.ID < b.ID
	})
	return order[0]
}

// worstPossible is the rank of the worst verdict among possible matches.
func worstPossible(cs []Candidate) int {
	worst := 0
	for _, c := range cs {
		if c.Standing == StandingPossible {
			worst = max(worst, rank(c.Assessment.Verdict))
		}
	}
	return worst
}

// identityReasons says, before the governing candidate's own reasons, who
// was taken for the counterparty and who else might be.
func identityReasons(cs []Candidate, gov int) []string {
	var matches, possible []string
	for i, c := range cs {
		d := fmt.Sprintf("%s (%s, score %.2f, %s)", c.Name, c.ID, c.Score, c.Assessment.Verdict)
		if i == gov {
			continue
		}
		if c.Standing == StandingMatch {
			matches = append(matches, d)
		} else {
			possible = append(possible, d)
		}
	}
	g := cs[gov]
	var out []string
	switch {
	case g.Standing == StandingPossible:
		out = append(out, fmt.Sprintf("Possible match: confirm the identity. No entity reaches the match threshold; the closest is %s (%s), score %.2f, whose assessment follows.", g.Name, g.ID, g.Score))
	case len(matches) > 0:
		out = append(out, fmt.Sprintf("Several entities match: each was assessed and the worst governs, %s (%s, score %.2f). Also matched: %s.", g.Name, g.ID, g.Score, strings.Join(matches, "; ")))
	case g.Score < 1:
		out = append(out, fmt.Sprintf("Matched %s (%s), score %.2f.", g.Name, g.ID, g.Score))
	}
	if len(possible) > 0 {
		out = append(out, "Possible matches, to confirm or rule out: "+strings.Join(possible, "; ")+".")
	}
	return out
}

func describeQuery(q ScreenQuery) string {
	switch {
	case q.ID != "":
		return fmt.Sprintf("id %q", q.ID)
	case q.Country != "":
		return fmt.Sprintf("%q in %s", q.Name, q.Country)
	}
	return fmt.Sprintf("%q", q.Name)
}
