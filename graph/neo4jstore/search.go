package neo4jstore

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// Search implements graph.Store. Candidates come from the full-text index
// entity_match on the entities' retrieval keys (graph/match): the query's
// keys, each also a typo or two away (Lucene's fuzzy terms), ranked by
// Lucene. They are scored in Go by the matcher, as the embedded store
// does, with the document frequencies of the query's words counted in the
// same index.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	terms := match.Terms(q.Text)
	var clauses, words []string
	for _, t := range terms {
		if !luceneSafe.MatchString(t.Key) {
			continue // keys are letters, digits and "_"; anything else is no key
		}
		clauses = append(clauses, fmt.Sprintf("%s^%.2f", t.Key, t.Weight))
		if t.Fuzzy {
			edits := 1
			if len(t.Key) >= 8 {
				edits = 2
			}
			clauses = append(clauses, fmt.Sprintf("%s~%d^%.2f", t.Key, edits, 0.8*t.Weight))
		}
		if t.Word {
			words = append(words, t.Key)
		}
	}
	if t, ok := match.PrefixTerm(q.Text); ok && q.Prefix && luceneSafe.MatchString(t.Key) {
		clauses = append(clauses, fmt.Sprintf("%s*^%.2f", t.Key, t.Weight))
	}
	if len(clauses) == 0 {
		return nil, nil
	}
	// One round trip: the candidates, the number of entities, and how many
	// have each word of the query (up to match.MaxDocFreq), as the embedded
	// index counts them.
	recs, err := s.read(ctx, "searching names", `
		CALL () { MATCH (e:Entity) RETURN count(e) AS docs }
		CALL () {
		  CALL db.index.fulltext.queryNodes('entity_match', $q, {limit: $limit}) YIELD node
		  RETURN collect(node) AS nodes
		}
		CALL () {
		  UNWIND $words AS w
		  CALL (w) {
		    CALL db.index.fulltext.queryNodes('entity_match', w, {limit: $cap}) YIELD node
		    RETURN count(node) AS df
		  }
		  RETURN collect([w, df]) AS dfs
		}
		RETURN docs, nodes, dfs`,
		map[string]any{"q": strings.Join(clauses, " "), "limit": retrieved, "words": words, "cap": match.MaxDocFreq})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	st := wordCounts{docs: int(recs[0].Values[0].(int64)), df: map[string]int{}}
	for _, v := range recs[0].Values[2].([]any) {
		pair := v.([]any)
		st.df[pair[0].(string)] = int(pair[1].(int64))
	}
	byID := map[string]graph.Entity{}
	keysOf := map[string][]string{}
	var ids []string
	for _, v := range recs[0].Values[1].([]any) {
		n := v.(neo4j.Node)
		e := entityOf(n)
		keys, _ := n.Props["match_keys"].(string)
		byID[e.ID], keysOf[e.ID] = e, strings.Fields(keys)
		ids = append(ids, e.ID)
	}
	prefix := false
	if t, ok := match.PrefixTerm(q.Text); ok && q.Prefix {
		prefix = st.DocFreq(t.Key) == 0 // as the embedded index: only when no entity has the word
	}
	var cands []graph.Entity
	for _, id := range match.Retrieval(q.Text, prefix, ids, keysOf) {
		cands = append(cands, byID[id])
	}
	return match.Rank(q, cands, st), nil
}

// retrieved is how many entities Lucene brings for a search, to be ranked
// again in Go as the embedded store ranks them (match.Retrieval) before
// the best match.Candidates are scored.
const retrieved = 100

var luceneSafe = regexp.MustCompile(`^[a-z0-9_]+$`)

// wordCounts are the corpus statistics of a search (match.Stats).
type wordCounts struct {
	docs int
	df   map[string]int
}

func (w wordCounts) Docs() int               { return w.docs }
func (w wordCounts) DocFreq(word string) int { return w.df[word] }

// addMatchKeys gives the retrieval keys to entities stored before they
// existed, once, in batches.
func (s *Store) addMatchKeys(ctx context.Context) error {
	for {
		recs, err := s.read(ctx, "finding entities without match keys", `
			MATCH (e:Entity) WHERE e.match_keys IS NULL AND e.name IS NOT NULL
			RETURN e.id, e.name, coalesce(e.aliases, []) LIMIT 5000`, nil)
		if err != nil || len(recs) == 0 {
			return err
		}
		var rows []map[string]any
		for _, r := range recs {
			names := []string{r.Values[1].(string)}
			for _, a := range r.Values[2].([]any) {
				names = append(names, a.(string))
			}
			rows = append(rows, map[string]any{"id": r.Values[0], "keys": strings.Join(match.Keys(names), " ")})
		}
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, `
			UNWIND $rows AS row MATCH (e:Entity {id: row.id}) SET e.match_keys = row.keys`,
			map[string]any{"rows": rows}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
			return s.fail(err, "adding match keys")
		}
	}
}
