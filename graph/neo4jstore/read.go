package neo4jstore

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// Entity implements graph.Store.
func (s *Store) Entity(ctx context.Context, id string) (graph.Entity, error) {
	recs, err := s.read(ctx, "reading an entity", "MATCH (e:Entity {id: $id}) RETURN e", map[string]any{"id": id})
	if err != nil {
		return graph.Entity{}, err
	}
	if len(recs) == 0 {
		return graph.Entity{}, errNotFound("no entity %q", id)
	}
	return entityOf(recs[0].Values[0].(neo4j.Node)), nil
}

// entityPage is how many entities EachEntity reads in one query.
const entityPage = 2000

// EachEntity implements graph.Store: pages in id order after the last id
// seen, each one read transaction on the entity_id constraint's index.
func (s *Store) EachEntity(ctx context.Context, fn func(graph.Entity) error) error {
	after := ""
	for {
		recs, err := s.read(ctx, "reading entities", `
			MATCH (e:Entity) WHERE e.id > $after
			RETURN e ORDER BY e.id LIMIT $limit`, map[string]any{"after": after, "limit": entityPage})
		if err != nil {
			return err
		}
		for _, r := range recs {
			e := entityOf(r.Values[0].(neo4j.Node))
			if err := fn(e); err != nil {
				return err
			}
			after = e.ID
		}
		if len(recs) < entityPage {
			return nil
		}
	}
}

// EntitiesByName implements graph.Store with the text index on name_keys.
func (s *Store) EntitiesByName(ctx context.Context, keys []string) (map[string][]graph.Entity, error) {
	out := make(map[string][]graph.Entity, len(keys))
	var ask []string
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			out[k] = nil
			if k != "" {
				ask = append(ask, k)
			}
		}
	}
	if len(ask) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, "looking up names", `
		UNWIND $keys AS key
		MATCH (e:Entity) WHERE e.name_keys CONTAINS '|' + key + '|'
		RETURN key, e ORDER BY key, e.id`, map[string]any{"keys": ask})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		k := r.Values[0].(string)
		out[k] = append(out[k], entityOf(r.Values[1].(neo4j.Node)))
	}
	for _, es := range out {
		sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	}
	return out, nil
}

// Links implements graph.Store.
func (s *Store) Links(ctx context.Context, id string) ([]graph.Link, error) {
	recs, err := s.read(ctx, "reading links", `
		MATCH (:Entity {id: $id})-[r:`+allLinkTypes+`]-(:Entity)
		RETURN type(r), r, startNode(r).id, endNode(r).id`, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	ls := make([]graph.Link, 0, len(recs))
	for _, r := range recs {
		ls = append(ls, linkOf(r.Values[0].(string), props(r.Values[1]), r.Values[2].(string), r.Values[3].(string)))
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Key() < ls[j].Key() })
	return ls, nil
}

// allLinkTypes is the relationship type expression of every entity link.
var allLinkTypes = func() string {
	s := ""
	for i, t := range graph.LinkTypes {
		if i > 0 {
			s += "|"
		}
		s += string(t)
	}
	return s
}()

// maxLevelLinks bounds the links one level of a neighbourhood reads: a hub
// with more is cut there and the subgraph is marked truncated.
const maxLevelLinks = 20000

// Neighborhood implements graph.Store: a breadth-first walk, one query per
// level, that adds entities in the order of the links' keys until the limit.
func (s *Store) Neighborhood(ctx context.Context, id string, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	depth, limit := q.Depth, q.Limit
	if depth <= 0 {
		depth = 1
	}
	if limit <= 0 {
		limit = 200
	}
	types := allLinkTypes
	if len(q.Types) > 0 {
		types = ""
		for _, t := range graph.LinkTypes {
			for _, want := range q.Types {
				if want == t {
					if types != "" {
						types += "|"
					}
					types += string(t)
					break
				}
			}
		}
		if types == "" {
			types = allLinkTypes
			depth = 0 // only unknown types asked for: nothing to walk
		}
	}
	start, err := s.Entity(ctx, id)
	if err != nil {
		return graph.Subgraph{}, err
	}
	sub := graph.Subgraph{Entities: []graph.Entity{start}, Links: []graph.Link{}}
	seen := map[string]bool{id: true}
	links := map[string]graph.Link{}
	var added []string
	frontier := []string{id}
	for d := 0; d < depth && len(frontier) > 0 && !sub.Truncated; d++ {
		recs, err := s.read(ctx, "reading a neighbourhood", `
			UNWIND $ids AS id
			MATCH (u:Entity {id: id})-[r:`+types+`]-(v:Entity)
			RETURN id, type(r), r, startNode(r).id, endNode(r).id
			LIMIT $max`, map[string]any{"ids": frontier, "max": maxLevelLinks + 1})
		if err != nil {
			return graph.Subgraph{}, err
		}
		if len(recs) > maxLevelLinks {
			recs, sub.Truncated = recs[:maxLevelLinks], true
		}
		out := map[string][]graph.Link{}
		for _, r := range recs {
			u := r.Values[0].(string)
			out[u] = append(out[u], linkOf(r.Values[1].(string), props(r.Values[2]), r.Values[3].(string), r.Values[4].(string)))
		}
		var next []string
		for _, u := range frontier {
			ls := out[u]
			sort.Slice(ls, func(i, j int) bool { return ls[i].Key() < ls[j].Key() })
			for _, l := range ls {
				v := l.To
				if v == u {
					v = l.From
				}
				if !seen[v] {
					if len(sub.Entities)+len(added) >= limit {
						sub.Truncated = true
						continue
					}
					seen[v] = true
					added = append(added, v)
					next = append(next, v)
				}
				links[l.Key()] = l
			}
		}
		frontier = next
	}
	if len(added) > 0 {
		recs, err := s.read(ctx, "reading a neighbourhood", "UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e",
			map[string]any{"ids": added})
		if err != nil {
			return graph.Subgraph{}, err
		}
		byID := make(map[string]graph.Entity, len(recs))
		for _, r := range recs {
			e := entityOf(r.Values[0].(neo4j.Node))
			byID[e.ID] = e
		}
		for _, id := range added {
			sub.Entities = append(sub.Entities, byID[id])
		}
	}
	for _, k := range sortedKeys(links) {
		sub.Links = append(sub.Links, links[k])
	}
	ids := make([]string, len(sub.Entities))
	for i, e := range sub.Entities {
		ids[i] = e.ID
	}
	if sub.Listings, err = s.listings(ctx, ids); err != nil {
		return graph.Subgraph{}, err
	}
	return sub, nil
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Country implements graph.Store.
func (s *Store) Country(ctx context.Context, code string) (graph.Country, error) {
	recs, err := s.read(ctx, "reading a country", "MATCH (c:Country {code: $code}) RETURN c, "+assessmentsOf, map[string]any{"code": code})
	if err != nil {
		return graph.Country{}, err
	}
	if len(recs) == 0 {
		return graph.Country{}, errNotFound("no country %q", code)
	}
	return countryOf(props(recs[0].Values[0]), recs[0].Values[1].([]any)), nil
}

// Countries implements graph.Store.
func (s *Store) Countries(ctx context.Context) ([]graph.Country, error) {
	recs, err := s.read(ctx, "reading countries", "MATCH (c:Country) RETURN c, "+assessmentsOf, nil)
	if err != nil {
		return nil, err
	}
	var cs []graph.Country
	for _, r := range recs {
		cs = append(cs, countryOf(props(r.Values[0]), r.Values[1].([]any)))
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Code < cs[j].Code })
	return cs, nil
}

// Transaction implements graph.Store.
func (s *Store) Transaction(ctx context.Context, id string) (graph.Transaction, error) {
	recs, err := s.read(ctx, "reading a transaction", "MATCH (t:Transaction {id: $id}) RETURN t, "+partiesOf,
		map[string]any{"id": id})
	if err != nil {
		return graph.Transaction{}, err
	}
	if len(recs) == 0 {
		return graph.Transaction{}, errNotFound("no transaction %q", id)
	}
	return transactionOf(props(recs[0].Values[0]), recs[0].Values[1].([]any)), nil
}

// Transactions implements graph.Store.
func (s *Store) Transactions(ctx context.Context, ids []string) ([]graph.Transaction, error) {
	query := "MATCH (t:Transaction) RETURN t, " + partiesOf
	if ids != nil {
		query = `
			UNWIND $ids AS id
			MATCH (:Entity {id: id})<-[:BUYER|SELLER|END_USER]-(t:Transaction)
			WITH DISTINCT t
			RETURN t, ` + partiesOf
	}
	recs, err := s.read(ctx, "reading transactions", query, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	var ts []graph.Transaction
	for _, r := range recs {
		ts = append(ts, transactionOf(props(r.Values[0]), r.Values[1].([]any)))
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	return ts, nil
}

// Stats implements graph.Store; the counts of labels and relationship types
// come from Neo4j's count store.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{Entities: map[graph.Kind]int{}, Links: map[graph.LinkType]int{}, Flags: map[graph.Severity]int{}}
	query := "RETURN "
	for _, k := range graph.Kinds {
		query += "COUNT { MATCH (:" + k.Label() + ") } AS " + k.Label() + ", "
	}
	for _, t := range graph.LinkTypes {
		query += "COUNT { MATCH ()-[:" + string(t) + "]->() } AS " + string(t) + ", "
	}
	query += `COUNT { MATCH (:Country) } AS countries, COUNT { MATCH (:Transaction) } AS transactions,
		COUNT { MATCH (:List) } AS lists, COUNT { MATCH (:Entity)-[:LISTED_ON]->(:List) } AS listings,
		COLLECT { MATCH (f:Flag) WHERE f.severity <> 'none' WITH f.severity AS severity, count(*) AS n RETURN [severity, n] } AS flags,
		COUNT { MATCH ()-[:SAME_AS]->() } AS same, COUNT { MATCH ()-[:NOT_SAME_AS]->() } AS not_same,
		COUNT { MATCH (e:Entity) WHERE e.cluster <> e.id RETURN DISTINCT e.cluster } AS clusters`
	recs, err := s.read(ctx, "counting the graph", query, nil)
	if err != nil {
		return st, err
	}
	r := recs[0]
	for _, k := range graph.Kinds {
		if v, _ := r.Get(k.Label()); v.(int64) > 0 {
			st.Entities[k] = int(v.(int64))
		}
	}
	for _, t := range graph.LinkTypes {
		if v, _ := r.Get(string(t)); v.(int64) > 0 {
			st.Links[t] = int(v.(int64))
		}
	}
	c, _ := r.Get("countries")
	n, _ := r.Get("transactions")
	st.Countries, st.Transactions = int(c.(int64)), int(n.(int64))
	lists, _ := r.Get("lists")
	listings, _ := r.Get("listings")
	st.Lists, st.Listings = int(lists.(int64)), int(listings.(int64))
	for _, d := range []struct {
		key string
		i   graph.Identity
	}{{"same", graph.Same}, {"not_same", graph.NotSame}} {
		if v, _ := r.Get(d.key); v.(int64) > 0 {
			if st.Decisions == nil {
				st.Decisions = map[graph.Identity]int{}
			}
			st.Decisions[d.i] = int(v.(int64))
		}
	}
	cl, _ := r.Get("clusters")
	st.Clusters = int(cl.(int64))
	fs, _ := r.Get("flags")
	for _, f := range fs.([]any) {
		pair := f.([]any)
		st.Flags[graph.Severity(pair[0].(string))] = int(pair[1].(int64))
	}
	return st, nil
}

// Export implements graph.Store.
func (s *Store) Export(ctx context.Context) (graph.Upload, error) {
	u := graph.Upload{Entities: []graph.Entity{}, Countries: []graph.Country{}, Links: []graph.Link{}, Transactions: []graph.Transaction{}}
	recs, err := s.read(ctx, "exporting entities", "MATCH (e:Entity) RETURN e", nil)
	if err != nil {
		return u, err
	}
	for _, r := range recs {
		u.Entities = append(u.Entities, entityOf(r.Values[0].(neo4j.Node)))
	}
	sort.Slice(u.Entities, func(i, j int) bool { return u.Entities[i].ID < u.Entities[j].ID })
	if u.Countries, err = s.Countries(ctx); err != nil {
		return u, err
	}
	if u.Countries == nil {
		u.Countries = []graph.Country{}
	}
	recs, err = s.read(ctx, "exporting links", "MATCH (a:Entity)-[r:"+allLinkTypes+"]->(b:Entity) RETURN type(r), r, a.id, b.id", nil)
	if err != nil {
		return u, err
	}
	for _, r := range recs {
		u.Links = append(u.Links, linkOf(r.Values[0].(string), props(r.Values[1]), r.Values[2].(string), r.Values[3].(string)))
	}
	sort.Slice(u.Links, func(i, j int) bool { return u.Links[i].Key() < u.Links[j].Key() })
	ts, err := s.Transactions(ctx, nil)
	if err != nil {
		return u, err
	}
	u.Transactions = append(u.Transactions, ts...)
	if u.Lists, err = s.Lists(ctx); err != nil {
		return u, err
	}
	if u.Listings, err = s.listings(ctx, nil); err != nil {
		return u, err
	}
	if u.Decisions, err = s.Decisions(ctx); err != nil {
		return u, err
	}
	return u, nil
}

// Listings implements graph.Store.
func (s *Store) Listings(ctx context.Context, id string) ([]graph.Listing, error) {
	ls, err := s.listings(ctx, []string{id})
	if len(ls) == 0 {
		return nil, err
	}
	return ls, err
}

// listings reads the listings of the entities, or all when ids is nil,
// sorted by key; never nil.
func (s *Store) listings(ctx context.Context, ids []string) ([]graph.Listing, error) {
	query := "MATCH (e:Entity)-[r:LISTED_ON]->(l:List) RETURN r, e.id, l.id"
	if ids != nil {
		query = "UNWIND $ids AS id MATCH (e:Entity {id: id})-[r:LISTED_ON]->(l:List) RETURN r, e.id, l.id"
	}
	recs, err := s.read(ctx, "reading listings", query, map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	ls := []graph.Listing{}
	for _, r := range recs {
		ls = append(ls, listingOf(props(r.Values[0]), r.Values[1].(string), r.Values[2].(string)))
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Key() < ls[j].Key() })
	return ls, nil
}

// Lists implements graph.Store.
func (s *Store) Lists(ctx context.Context) ([]graph.List, error) {
	recs, err := s.read(ctx, "reading lists", "MATCH (l:List) RETURN l", nil)
	if err != nil {
		return nil, err
	}
	ls := []graph.List{}
	for _, r := range recs {
		ls = append(ls, listOf(props(r.Values[0])))
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
	return ls, nil
}

// HasEntities tells whether any entity is stored (from Neo4j's count
// store, without reading nodes): the importer skips its searches for
// near-duplicates in an empty store.
func (s *Store) HasEntities(ctx context.Context) (bool, error) {
	recs, err := s.read(ctx, "counting entities", "MATCH (e:Entity) RETURN count(e) > 0", nil)
	if err != nil {
		return false, err
	}
	return len(recs) == 1 && recs[0].Values[0] == true, nil
}
