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
// entity_match on the entities' retrieval keys (graph/match), ranked by
// Lucene: the query's keys, and the keys a typo away from its fuzzy ones,
// which the vocabulary of fuzzy keys finds (MatchKey nodes, their
// deletions in the full-text index match_key_near) as the embedded
// store's in-memory index finds them. They are scored in Go by the
// matcher, as the embedded store does, with the document frequencies of
// the query's words counted in the same index. Two round trips: the
// vocabulary and the counts, then the candidates.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	var terms []match.Term
	var words []string
	for _, t := range match.Terms(q.Text) {
		if luceneSafe.MatchString(t.Key) { // keys are letters, digits and "_"; anything else is no key
			terms = append(terms, t)
			if t.Word {
				words = append(words, t.Key)
			}
		}
	}
	pt, hasPrefix := match.PrefixTerm(q.Text)
	hasPrefix = hasPrefix && q.Prefix && luceneSafe.MatchString(pt.Key)
	if len(terms) == 0 && !hasPrefix {
		return nil, nil
	}
	// The vocabulary is asked once for every fuzzy key of the query
	// (match.NearQuery): tokens in match_key_near, deletions by the key's
	// constraint.
	tokens, dels := match.NearQuery(terms)
	tokens = tokens[:min(len(tokens), maxClauses)]
	// The number of entities, how many have each word of the query (up to
	// match.MaxDocFreq, as the embedded index counts them), and the
	// vocabulary's keys near the fuzzy keys.
	recs, err := s.read(ctx, "searching names", `
		CALL () { MATCH (e:Entity) RETURN count(e) AS docs }
		CALL () {
		  UNWIND $words AS w
		  CALL (w) {
		    CALL db.index.fulltext.queryNodes('entity_match', w, {limit: $cap}) YIELD node
		    RETURN count(node) AS df
		  }
		  RETURN collect([w, df]) AS dfs
		}
		CALL () {
		  CALL () {
		    WITH $near AS q WHERE q <> ''
		    CALL db.index.fulltext.queryNodes('match_key_near', q, {limit: $nearCap}) YIELD node
		    RETURN node.key AS k
		    UNION
		    MATCH (m:MatchKey) WHERE m.key IN $dels
		    RETURN m.key AS k
		  }
		  RETURN collect(k) AS near
		}
		RETURN docs, dfs, near`,
		map[string]any{"words": words, "cap": match.MaxDocFreq, "near": strings.Join(tokens, " "), "dels": dels, "nearCap": nearKeys})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	st := wordCounts{docs: int(recs[0].Values[0].(int64)), df: map[string]int{}}
	for _, v := range recs[0].Values[1].([]any) {
		pair := v.([]any)
		st.df[pair[0].(string)] = int(pair[1].(int64))
	}
	var found []string
	for _, v := range recs[0].Values[2].([]any) {
		if k := v.(string); luceneSafe.MatchString(k) { // as the query's own keys, whoever wrote the vocabulary
			found = append(found, k)
		}
	}
	// The query's own keys first, then the keys near them, up to what
	// Lucene takes in one query.
	var clauses, near []string
	for _, t := range terms {
		clauses = append(clauses, fmt.Sprintf("%s^%.2f", t.Key, t.Weight))
		if t.Fuzzy {
			for _, k := range match.Near(t.Key, found) {
				near = append(near, fmt.Sprintf("%s^%.2f", k, match.NearWeight(t, k)))
			}
		}
	}
	if hasPrefix {
		clauses = append(clauses, fmt.Sprintf("%s*^%.2f", pt.Key, pt.Weight))
	}
	clauses = append(clauses, near...)
	clauses = clauses[:min(len(clauses), maxClauses)]
	recs, err = s.read(ctx, "searching names", `
		CALL db.index.fulltext.queryNodes('entity_match', $q, {limit: $limit}) YIELD node
		RETURN collect(node) AS nodes`,
		map[string]any{"q": strings.Join(clauses, " "), "limit": retrieved})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	byID := map[string]graph.Entity{}
	keysOf := map[string][]string{}
	var ids []string
	for _, v := range recs[0].Values[0].([]any) {
		n := v.(neo4j.Node)
		e := entityOf(n)
		keys, _ := n.Props["match_keys"].(string)
		byID[e.ID], keysOf[e.ID] = e, strings.Fields(keys)
		ids = append(ids, e.ID)
	}
	// As the embedded index: the last word counts as the start of a word
	// only when no entity has the word itself.
	prefix := hasPrefix && st.DocFreq(pt.Key) == 0
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

// maxClauses is below Lucene's limit of 1,024 clauses in a query.
const maxClauses = 1000

// nearKeys bounds the vocabulary's keys the fuzzy keys of a query bring
// before they are checked by edit distance (match.Near).
const nearKeys = 5000

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
		var rows, vocabulary []map[string]any
		seen := map[string]bool{}
		for _, r := range recs {
			names := []string{r.Values[1].(string)}
			for _, a := range r.Values[2].([]any) {
				names = append(names, a.(string))
			}
			keys := match.Keys(names)
			rows = append(rows, map[string]any{"id": r.Values[0], "keys": strings.Join(keys, " ")})
			vocabulary = append(vocabulary, vocabularyRows(keys, seen)...)
		}
		if err := s.writeRows(ctx, "adding match keys", writeVocabulary, vocabulary); err != nil {
			return err
		}
		if err := s.writeRows(ctx, "adding match keys", `
			UNWIND $rows AS row MATCH (e:Entity {id: row.id}) SET e.match_keys = row.keys`, rows); err != nil {
			return err
		}
	}
}

// The vocabulary: a MatchKey node for each fuzzy retrieval key an entity
// has had, its deletions in near (graph/match: Vocabulary). A key no
// entity has any more stays; it brings no candidate.
const writeVocabulary = `
UNWIND $rows AS row
MERGE (k:MatchKey {key: row.key})
ON CREATE SET k.near = row.near`

// vocabularyRows are the rows of writeVocabulary for entities' retrieval
// keys (the match_keys property), each key once.
func vocabularyRows(keys []string, seen map[string]bool) []map[string]any {
	var rows []map[string]any
	for _, v := range match.FuzzyKeys(keys) {
		if !seen[v.Key] {
			seen[v.Key] = true
			rows = append(rows, map[string]any{"key": v.Key, "near": strings.Join(v.Deletions, " ")})
		}
	}
	return rows
}

// vocabularyMarker is the node that says the vocabulary holds the keys of
// the entities stored before it existed (addVocabulary).
const vocabularyMarker = "MATCH (v:MatchVocabulary) RETURN count(v) > 0"

// addVocabulary writes the vocabulary of a database made before it, once:
// the fuzzy keys of every stored entity, read a page at a time.
func (s *Store) addVocabulary(ctx context.Context) error {
	recs, err := s.read(ctx, "reading the match vocabulary's marker", vocabularyMarker, nil)
	if err != nil {
		return err
	}
	if recs[0].Values[0].(bool) {
		return nil
	}
	seen := map[string]bool{}
	after := ""
	for {
		recs, err := s.read(ctx, "reading match keys", `
			MATCH (e:Entity) WHERE e.id > $after
			RETURN e.id, e.match_keys ORDER BY e.id LIMIT $limit`, map[string]any{"after": after, "limit": 10 * entityPage})
		if err != nil {
			return err
		}
		var rows []map[string]any
		for _, r := range recs {
			after = r.Values[0].(string)
			if keys, ok := r.Values[1].(string); ok {
				rows = append(rows, vocabularyRows(strings.Fields(keys), seen)...)
			}
		}
		if err := s.writeRows(ctx, "writing the match vocabulary", writeVocabulary, rows); err != nil {
			return err
		}
		if len(recs) < 10*entityPage {
			break
		}
	}
	return s.writeRows(ctx, "writing the match vocabulary", "MERGE (:MatchVocabulary)", nil)
}

// writeRows runs a write statement over rows in transactions of
// Config.BatchRows rows; with no rows, once.
func (s *Store) writeRows(ctx context.Context, what, query string, rows []map[string]any) error {
	for lo := 0; lo == 0 || lo < len(rows); lo += s.cfg.BatchRows {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, query, map[string]any{"rows": rows[lo:min(lo+s.cfg.BatchRows, len(rows))]},
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
			return s.fail(err, what)
		}
	}
	return nil
}
