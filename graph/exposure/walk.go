// Package exposure holds the rules of SPEC §3, written once against the
// domain: the exposure path search for stores that hold the graph in
// memory, effective ownership, severity, verdict and the reasons in words,
// and the evaluator that turns transactions into persisted flags.
package exposure

import (
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Graph is what the path search needs from a graph held in memory.
type Graph interface {
	// Entity returns the entity with the id.
	Entity(id string) (graph.Entity, bool)
	// Out returns the links whose From is id; In those whose To is id. The
	// search only reads them, so a store may hand out its own.
	Out(id string) []*graph.Link
	In(id string) []*graph.Link
	// Listings returns the entity's listings.
	Listings(id string) []graph.Listing
	// Country returns the country with the alpha-2 code.
	Country(code string) (graph.Country, bool)
}

// Clustered is implemented by graphs that hold SAME_AS clusters (SPEC §1
// "Identity"): the search then walks clusters, not entities. A cluster is
// named by its lowest member id; every link of every member counts, links
// inside a cluster are not steps, and a step keeps the member link it walked.
type Clustered interface {
	Clusters() *graph.Clusters
}

// view is a graph seen as clusters: node ids are cluster ids.
type view struct {
	Graph
	c *graph.Clusters
}

func viewOf(g Graph) view {
	if cg, ok := g.(Clustered); ok {
		return view{g, cg.Clusters()}
	}
	return view{Graph: g}
}

// node is the cluster of entity id.
func (v view) node(id string) string { return v.c.Of(id) }

// members are the entities of cluster id: id alone when it is in none.
func (v view) members(id string) []string {
	if ms := v.c.Members(id); ms != nil {
		return ms
	}
	return []string{id}
}

// restrictive reports whether cluster id is a restrictive end-user on day:
// whether any member is.
func (v view) restrictive(id, day string, lists graph.ListSet) bool {
	for _, m := range v.members(id) {
		if e, ok := v.Entity(m); ok && IsRestrictive(e, day, v.Country, v.Listings(m), lists) {
			return true
		}
	}
	return false
}

// clusterListings returns the listings of cluster id's members.
func (v view) clusterListings(id string) []graph.Listing {
	ms := v.members(id)
	if len(ms) == 1 {
		return v.Listings(id)
	}
	var out []graph.Listing
	for _, m := range ms {
		out = append(out, v.Listings(m)...)
	}
	return out
}

// IsRestrictive applies SPEC §3 to one entity on day, given its listings
// and the lists the policy restricts: a government body with restrictive =
// yes, or of a country restrictive on the day unless it says no; or any
// entity with a listing valid on the day on a restricted list.
func IsRestrictive(e graph.Entity, day string, country func(code string) (graph.Country, bool), listings []graph.Listing, lists graph.ListSet) bool {
	for _, l := range listings {
		if lists.Has(l.List) && l.ValidOn(day) {
			return true
		}
	}
	if e.Kind != graph.GovernmentBody {
		return false
	}
	if e.Restrictive != nil {
		return *e.Restrictive
	}
	c, ok := country(e.Country)
	return ok && c.RestrictiveOn(day)
}

// MayBeRestrictive reports whether the entity is a restrictive end-user on
// some day: what a Horizon starts from.
func MayBeRestrictive(e graph.Entity, country func(code string) (graph.Country, bool), listings []graph.Listing, lists graph.ListSet) bool {
	for _, l := range listings {
		if lists.Has(l.List) {
			return true
		}
	}
	if e.Kind != graph.GovernmentBody {
		return false
	}
	if e.Restrictive != nil {
		return *e.Restrictive
	}
	c, ok := country(e.Country)
	return ok && c.EverRestrictive()
}

// trail is a path under construction: node ids and the steps between them.
type trail struct {
	nodes []string
	steps []graph.PathStep
}

func (t trail) extend(id string, s graph.PathStep) trail {
	return trail{
		nodes: append(t.nodes[:len(t.nodes):len(t.nodes)], id),
		steps: append(t.steps[:len(t.steps):len(t.steps)], s),
	}
}

func stepKey(s graph.PathStep) string {
	return string(s.Type) + "|" + s.From + "|" + s.To + "|" + s.Role + "|" + s.ValidFrom
}

// walker knows, for each link type, the steps that walk it under a policy
// forwards and backwards ("" when none); a type the policy does not allow
// is absent. OWNS is walked backwards by owner, forwards by subsidiary.
type walker map[graph.LinkType]walk

type walk struct {
	forward, back graph.Step
}

func walkerOf(steps []graph.Step) walker {
	w := walker{}
	for _, s := range steps {
		t, forward, both := s.Walk()
		k := w[t]
		if (forward || both) && k.forward == "" {
			k.forward = s
		}
		if (!forward || both) && k.back == "" {
			k.back = s
		}
		w[t] = k
	}
	return w
}

// moves calls fn for every link the walker walks out of cluster id on
// day, with the cluster it leads to; links inside the cluster are not
// steps. Each of the members' links is looked at once.
func (w walker) moves(g view, id, day string, fn func(to string, s graph.Step, l *graph.Link)) {
	for _, m := range g.members(id) {
		for _, l := range g.Out(m) {
			if k, ok := w[l.Type]; ok && k.forward != "" && l.ValidOn(day) {
				if to := g.node(l.To); to != id {
					fn(to, k.forward, l)
				}
			}
		}
		for _, l := range g.In(m) {
			if k, ok := w[l.Type]; ok && k.back != "" && l.ValidOn(day) {
				if to := g.node(l.From); to != id {
					fn(to, k.back, l)
				}
			}
		}
	}
}

// reached is a node found by the breadth-first search: the node before it
// on its shortest trail, the link walked from there, and its rank among
// the nodes of its level in the order of their trails.
type reached struct {
	prev *reached
	id   string
	step graph.Step
	link *graph.Link
	rank int
}

// trail spells out the trail that ends at r.
func (r *reached) trail() trail {
	n := 0
	for x := r; x != nil; x = x.prev {
		n++
	}
	t := trail{nodes: make([]string, n), steps: make([]graph.PathStep, n-1)}
	for x := r; x != nil; x = x.prev {
		n--
		t.nodes[n] = x.id
		if x.prev != nil {
			t.steps[n-1] = graph.StepOf(x.step, *x.link)
		}
	}
	return t
}

// shortest walks breadth first from start up to maxHops and returns, for
// every node reached, its shortest trail. Ties between trails of one
// length break by node ids in order, then by the keys of the links walked
// in order, so that every store reports the same path.
//
// The trails are not built while walking: a trail to v is the least trail
// to a node u of the level before, plus a link. Comparing two such trails
// compares the trails to u first (node ids, all of them before any link),
// so the least trail to v comes from the u of least rank, and of two links
// from that u, the least by key. Ranking each level by (rank of u, id)
// keeps that order level by level.
//
// With a horizon h for the same steps and bound, a node that cannot reach
// a restrictive end-user in the steps left after it is not kept. That
// changes no trail to an end-user: every node on one can reach it in the
// steps left, and so can every u that walks to such a node, so the least
// u of a kept node is kept and the kept nodes keep their order.
func shortest(g view, start, day string, steps []graph.Step, maxHops int, h Horizon) map[string]*reached {
	w := walkerOf(steps)
	root := &reached{id: start}
	best := map[string]*reached{start: root}
	frontier := []*reached{root}
	for hop := 1; hop <= maxHops && len(frontier) > 0; hop++ {
		var next []*reached
		for _, u := range frontier {
			w.moves(g, u.id, day, func(to string, s graph.Step, l *graph.Link) {
				if h != nil {
					if d, ok := h[to]; !ok || d > maxHops-hop {
						return
					}
				}
				cur, seen := best[to]
				switch {
				case !seen:
					r := &reached{prev: u, id: to, step: s, link: l, rank: -1}
					best[to] = r
					next = append(next, r)
				case cur.rank != -1:
					// reached at an earlier level
				case cur.prev == u && l.Key() < cur.link.Key():
					cur.step, cur.link = s, l
				}
				// A u of the frontier never ranks below one walked
				// before it: the frontier is in rank order.
			})
		}
		sort.Slice(next, func(i, j int) bool {
			if next[i].prev.rank != next[j].prev.rank {
				return next[i].prev.rank < next[j].prev.rank
			}
			return next[i].id < next[j].id
		})
		for i, r := range next {
			r.rank = i
		}
		frontier = next
	}
	return best
}

// Reach is the exposure path search of SPEC §3 over a graph in memory.
// Stores that hold their graph elsewhere (Neo4j) implement the same search
// themselves and must give the same answer.
func Reach(g Graph, q graph.ReachQuery, p graph.Policy) graph.Reach {
	v := viewOf(g)
	if _, ok := g.Entity(q.Start); !ok {
		return graph.Reach{Start: graph.Ref{ID: q.Start}}
	}
	start := v.node(q.Start)
	r := graph.Reach{Start: ref(g, start)}
	isR := func(id string) bool { return v.restrictive(id, q.On, p.RestrictedLists) }
	var h Horizon
	if hs, ok := g.(Horizons); ok {
		h = hs.Horizon(p)
	}
	ends := map[string]bool{}
	for id, t := range shortest(v, start, q.On, p.Steps, p.MaxHops, h) {
		if isR(id) {
			r.Exposures = append(r.Exposures, exposureOf(g, t.trail()))
			ends[id] = true
		}
	}
	SortExposures(r.Exposures)
	if p.Allows(graph.StepParent) {
		for id := range shortest(v, start, q.On, []graph.Step{graph.StepParent}, p.MaxHops, nil) {
			if isR(id) {
				r.ByParent = append(r.ByParent, id)
			}
		}
		sort.Strings(r.ByParent)
	}
	r.Ownership = ownership(v, start, q.On, p.OwnershipDepth, isR)
	for _, x := range r.Ownership {
		ends[x.EndUser.ID] = true
	}
	for _, m := range v.members(start) {
		for _, l := range g.In(m) {
			c := v.node(l.From)
			if l.Type == graph.Controls && l.ValidOn(q.On) && c != start && isR(c) && !contains(r.Controllers, c) {
				r.Controllers = append(r.Controllers, c)
				ends[c] = true
			}
		}
	}
	sort.Strings(r.Controllers)
	if p.Method() == graph.OFAC {
		r.Stakes = stakes(v, start, q.On, isR)
	}
	for id := range ends {
		for _, l := range v.clusterListings(id) {
			if p.RestrictedLists.Has(l.List) && l.ValidOn(q.On) {
				r.Listings = append(r.Listings, l)
			}
		}
	}
	sort.Slice(r.Listings, func(i, j int) bool { return r.Listings[i].Key() < r.Listings[j].Key() })
	r.Clusters = clustersNamed(v, r)
	return r
}

// clustersNamed returns the members of every cluster of two or more that
// r names, or nil when it names none.
func clustersNamed(v view, r graph.Reach) map[string][]string {
	if v.c.Len() == 0 {
		return nil
	}
	ids := append(append([]string{r.Start.ID}, r.ByParent...), r.Controllers...)
	for _, xs := range [][]graph.Exposure{r.Exposures, r.Ownership} {
		for _, x := range xs {
			for _, n := range x.Path {
				ids = append(ids, n.ID)
			}
		}
	}
	for _, s := range r.Stakes {
		ids = append(ids, s.Owner, s.Owned)
	}
	var out map[string][]string
	for _, id := range ids {
		if ms := v.c.Members(id); ms != nil {
			if out == nil {
				out = map[string][]string{}
			}
			out[id] = ms
		}
	}
	return out
}

// better reports whether OWNS link a states the stake between two clusters
// rather than b: the highest known percent, then the least key (SPEC §1:
// links of one type between the same two clusters are one fact).
func better(a, b *graph.Link) bool {
	switch {
	case a.Percent != nil && b.Percent == nil:
		return true
	case a.Percent == nil && b.Percent != nil:
		return false
	case a.Percent != nil && *a.Percent != *b.Percent:
		return *a.Percent > *b.Percent
	}
	return a.Key() < b.Key()
}

// owners calls fn with each cluster owning cluster id directly on day and
// the one OWNS link that states its stake, in cluster order.
func owners(g view, id, day string, fn func(owner string, l *graph.Link)) {
	best := map[string]*graph.Link{}
	walkerOf([]graph.Step{graph.StepOwner}).moves(g, id, day, func(to string, _ graph.Step, l *graph.Link) {
		if b, ok := best[to]; !ok || better(l, b) {
			best[to] = l
		}
	})
	ids := make([]string, 0, len(best))
	for o := range best {
		ids = append(ids, o)
	}
	sort.Strings(ids)
	for _, o := range ids {
		fn(o, best[o])
	}
}

// stakes returns the stake of every cluster owning the start, or owning
// a cluster that owns it, directly or through others, on day, sorted by
// link key.
func stakes(g view, start, day string, isR func(string) bool) []graph.Stake {
	var out []graph.Stake
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		owners(g, v, day, func(o string, l *graph.Link) {
			out = append(out, graph.Stake{Link: *l, Owner: o, Owned: v, Restrictive: isR(o)})
			if !seen[o] {
				seen[o] = true
				queue = append(queue, o)
			}
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Link.Key() < out[j].Link.Key() })
	return out
}

// ownership returns every simple OWNS chain of clusters into start, walked
// as owner steps, that ends at the first restrictive end-user it meets.
func ownership(g view, start, day string, depth int, isR func(string) bool) []graph.Exposure {
	var out []graph.Exposure
	on := map[string]bool{start: true}
	var walk func(t trail)
	walk = func(t trail) {
		last := t.nodes[len(t.nodes)-1]
		if len(t.steps) > 0 && isR(last) {
			out = append(out, exposureOf(g, t))
			return
		}
		if len(t.steps) == depth {
			return
		}
		owners(g, last, day, func(to string, l *graph.Link) {
			if on[to] {
				return
			}
			on[to] = true
			walk(t.extend(to, graph.StepOf(graph.StepOwner, *l)))
			on[to] = false
		})
	}
	walk(trail{nodes: []string{start}})
	SortExposures(out)
	return out
}

func ref(g Graph, id string) graph.Ref {
	if e, ok := g.Entity(id); ok {
		return e.Ref()
	}
	return graph.Ref{ID: id}
}

func exposureOf(g Graph, t trail) graph.Exposure {
	x := graph.Exposure{Hops: len(t.steps), Steps: t.steps, Path: make([]graph.Ref, len(t.nodes))}
	for i, id := range t.nodes {
		x.Path[i] = ref(g, id)
	}
	x.EndUser = x.Path[len(x.Path)-1]
	if x.Steps == nil {
		x.Steps = []graph.PathStep{}
	}
	return x
}

// SortExposures orders exposures by hops, then by the ids along the path,
// then by the links walked: the one order every store reports.
func SortExposures(xs []graph.Exposure) {
	sort.SliceStable(xs, func(i, j int) bool { return exposureLess(xs[i], xs[j]) })
}

func exposureLess(a, b graph.Exposure) bool {
	if a.Hops != b.Hops {
		return a.Hops < b.Hops
	}
	for i := range a.Path {
		if a.Path[i].ID != b.Path[i].ID {
			return a.Path[i].ID < b.Path[i].ID
		}
	}
	for i := range a.Steps {
		if x, y := stepKey(a.Steps[i]), stepKey(b.Steps[i]); x != y {
			return x < y
		}
	}
	return false
}

// pathIDs is the path as ids joined by " > ", for fingerprints and tests.
func pathIDs(x graph.Exposure) string {
	ids := make([]string, len(x.Path))
	for i, r := range x.Path {
		ids[i] = r.ID
	}
	return strings.Join(ids, " > ")
}
