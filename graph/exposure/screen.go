package exposure

import (
	"context"
	"fmt"

	"github.com/hopcheck/hopcheck/graph"
)

// ScreenQuery names a counterparty to screen before a deal: by entity id,
// or by name with an optional country.
type ScreenQuery struct {
	Name    string `json:"name,omitempty"`
	Country string `json:"country,omitempty"`
	ID      string `json:"id,omitempty"`
	Date    string `json:"date,omitempty"` // YYYY-MM-DD; today when empty
}

// Candidate is an entity that matched a screening query.
type Candidate struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country,omitempty"`
	Label   string  `json:"label"`
	Score   float64 `json:"score"`
	Matched string  `json:"matched"` // the name or alias that matched
}

// Screening is the answer to a screening query (SPEC §4 "screen").
type Screening struct {
	Query   ScreenQuery `json:"query"`
	Matches []Candidate `json:"matches"`
	// Known is false when nothing in the graph matches the query.
	Known bool `json:"known"`
	// Entity is the match that was assessed: the best one.
	Entity *graph.Ref `json:"entity"`
	graph.Assessment
}

// Screen finds the counterparty and assesses the best match. Matches are
// ranked by score, then id, so the answer is deterministic.
func (e *Evaluator) Screen(ctx context.Context, q ScreenQuery) (Screening, error) {
	if q.Date == "" {
		q.Date = graph.Today(e.now())
	}
	res := Screening{Query: q, Matches: []Candidate{}}
	switch {
	case q.ID != "":
		ent, err := e.store.Entity(ctx, q.ID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			break
		}
		if err != nil {
			return res, err
		}
		res.Matches = append(res.Matches, Candidate{ID: ent.ID, Name: ent.Name, Country: ent.Country, Label: ent.Kind.Label(), Score: 1, Matched: ent.ID})
	case q.Name != "":
		ms, err := e.store.Search(ctx, graph.SearchQuery{Text: q.Name, Country: q.Country, Limit: 10})
		if err != nil {
			return res, err
		}
		for _, m := range ms {
			res.Matches = append(res.Matches, Candidate{ID: m.Entity.ID, Name: m.Entity.Name, Country: m.Entity.Country,
				Label: m.Entity.Kind.Label(), Score: round(m.Score), Matched: m.Matched})
		}
	default:
		return res, graph.Errorf(graph.EINVALID, "screening needs a name or an entity id")
	}
	if len(res.Matches) == 0 {
		res.Assessment = graph.Assessment{Severity: graph.None, Verdict: graph.Clear, Exposures: []graph.Exposure{},
			Reasons: []string{fmt.Sprintf("Unknown counterparty: nothing in the graph matches %s. Its links to government end-users are unknown, not absent; add it to the graph to screen it.", describeQuery(q))}}
		return res, nil
	}
	best := res.Matches[0]
	a, err := e.Entity(ctx, best.ID, q.Date)
	if err != nil {
		return res, err
	}
	res.Known = true
	res.Entity = &graph.Ref{ID: best.ID, Name: best.Name, Country: best.Country, Label: best.Label}
	if best.Score < 1 {
		a.Reasons = append([]string{fmt.Sprintf("No exact match: assessed the closest entity, %s (%s), name similarity %.2f.", best.Name, best.ID, best.Score)}, a.Reasons...)
	}
	if len(res.Matches) > 1 && res.Matches[1].Score == best.Score {
		a.Reasons = append([]string{fmt.Sprintf("Several entities match equally well; assessed %s, the first by id: check the other matches.", best.ID)}, a.Reasons...)
	}
	res.Assessment = a
	return res, nil
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

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
