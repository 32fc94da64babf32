// Package connect finds how two entities are connected: the shortest
// chain of links between them, in either direction, as the explorer
// draws it. It reads only through graph.Store, so both stores answer
// the same.
package connect

import (
	"context"
	"slices"

	"github.com/hopcheck/hopcheck/graph"
)

// Bounds of a search.
const (
	DefaultHops = 6
	MaxHops     = 10
	// MaxVisited bounds the entities a search reads the links of, so a
	// search between two far ends of a large graph stops with an error
	// instead of reading the whole store (on Neo4j each is a round trip).
	MaxVisited = 5000
)

// Query says what to connect.
type Query struct {
	From, To string
	// Day, when set (YYYY-MM-DD), walks only the links valid on it
	// (graph.Link.ValidOn); empty walks every link, ended or not.
	Day string
	// Types, when set, walks only links of these types.
	Types []graph.LinkType
	// MaxHops bounds the path length; 0 means DefaultHops.
	MaxHops int
	// MaxVisited bounds the entities whose links are read; 0 means MaxVisited.
	MaxVisited int
}

// Path is a chain of entities and the link between each pair, in the
// order from Query.From to Query.To; a link may point either way.
type Path struct {
	Entities []graph.Ref  `json:"entities"`
	Links    []graph.Link `json:"links"`
}

// Shortest returns a shortest path from q.From to q.To, or found=false
// when there is none within q.MaxHops links. Among paths of the same
// length it picks the same one on every store: neighbours are visited in
// link key order.
func Shortest(ctx context.Context, s graph.Store, q Query) (p Path, found bool, err error) {
	hops := q.MaxHops
	if hops == 0 {
		hops = DefaultHops
	}
	if hops < 1 || hops > MaxHops {
		return Path{}, false, graph.Errorf(graph.EINVALID, "max hops %d: expected 1 to %d", hops, MaxHops)
	}
	if q.From == "" || q.To == "" {
		return Path{}, false, graph.Errorf(graph.EINVALID, "from and to are required: the ids of the two entities")
	}
	for _, t := range q.Types {
		if !t.Valid() {
			return Path{}, false, graph.Errorf(graph.EINVALID, "unknown link type %q", t)
		}
	}
	ends := [2]graph.Entity{}
	for i, id := range []string{q.From, q.To} {
		if ends[i], err = s.Entity(ctx, id); err != nil {
			return Path{}, false, err
		}
	}
	if q.From == q.To {
		return Path{Entities: []graph.Ref{ends[0].Ref()}, Links: []graph.Link{}}, true, nil
	}

	// Breadth first from both ends; each side remembers the link it came
	// by. The smaller frontier grows first.
	type via struct {
		prev string
		link graph.Link
	}
	seen := [2]map[string]via{{q.From: {}}, {q.To: {}}}
	frontier := [2][]string{{q.From}, {q.To}}
	depth := [2]int{}
	budget := q.MaxVisited
	if budget <= 0 || budget > MaxVisited {
		budget = MaxVisited
	}
	visited := 0
	meet := ""
	for meet == "" && depth[0]+depth[1] < hops && len(frontier[0]) > 0 && len(frontier[1]) > 0 {
		side := 0
		if len(frontier[1]) < len(frontier[0]) {
			side = 1
		}
		var next []string
		for _, id := range frontier[side] {
			if err := ctx.Err(); err != nil {
				return Path{}, false, err
			}
			visited++
			if visited > budget {
				return Path{}, false, graph.Errorf(graph.EINVALID,
					"the search read the links of %d entities without joining %s and %s: narrow it with fewer hops or link types", budget, q.From, q.To)
			}
			ls, err := s.Links(ctx, id)
			if err != nil {
				return Path{}, false, err
			}
			slices.SortFunc(ls, func(a, b graph.Link) int { return compareKeys(a, b) })
			for _, l := range ls {
				if !walks(l, q) {
					continue
				}
				other := l.To
				if other == id {
					other = l.From
				}
				if _, ok := seen[side][other]; ok {
					continue
				}
				seen[side][other] = via{prev: id, link: l}
				next = append(next, other)
				if _, ok := seen[1-side][other]; ok && meet == "" {
					meet = other
				}
			}
			if meet != "" {
				break
			}
		}
		frontier[side] = next
		depth[side]++
	}
	if meet == "" {
		return Path{}, false, nil
	}

	// From's half, read backwards from the meeting point, then To's.
	var ids []string
	var links []graph.Link
	for id := meet; id != q.From; id = seen[0][id].prev {
		ids = append(ids, id)
		links = append(links, seen[0][id].link)
	}
	ids = append(ids, q.From)
	slices.Reverse(ids)
	slices.Reverse(links)
	for id := meet; id != q.To; {
		v := seen[1][id]
		links = append(links, v.link)
		ids = append(ids, v.prev)
		id = v.prev
	}
	p = Path{Links: links}
	for _, id := range ids {
		e, err := s.Entity(ctx, id)
		if err != nil {
			return Path{}, false, err
		}
		p.Entities = append(p.Entities, e.Ref())
	}
	return p, true, nil
}

func walks(l graph.Link, q Query) bool {
	if q.Day != "" && !l.ValidOn(q.Day) {
		return false
	}
	return len(q.Types) == 0 || slices.Contains(q.Types, l.Type)
}

func compareKeys(a, b graph.Link) int {
	if a.Key() < b.Key() {
		return -1
	}
	if a.Key() > b.Key() {
		return 1
	}
	return 0
}
