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
	// Out returns the links whose From is id; In those whose To is id.
	Out(id string) []graph.Link
	In(id string) []graph.Link
	// Restrictive reports whether the entity is a restrictive end-user.
	Restrictive(id string) bool
}

// IsRestrictive applies SPEC §3 to one entity: a government body with
// restrictive = yes, or of a restrictive country unless it says no.
func IsRestrictive(e graph.Entity, country func(code string) (graph.Country, bool)) bool {
	if e.Kind != graph.GovernmentBody {
		return false
	}
	if e.Restrictive != nil {
		return *e.Restrictive
	}
	c, ok := country(e.Country)
	return ok && c.Restrictive != nil && *c.Restrictive
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

// less orders trails of equal length: by node ids in order, then by the
// links walked, so that ties between shortest paths break the same way in
// every store.
func (t trail) less(o trail) bool {
	for i := range t.nodes {
		if t.nodes[i] != o.nodes[i] {
			return t.nodes[i] < o.nodes[i]
		}
	}
	for i := range t.steps {
		if a, b := stepKey(t.steps[i]), stepKey(o.steps[i]); a != b {
			return a < b
		}
	}
	return false
}

func stepKey(s graph.PathStep) string {
	return string(s.Type) + "|" + s.From + "|" + s.To + "|" + s.Role + "|" + s.ValidFrom
}

// moves returns the steps the policy allows out of node id on day, each
// with the node it leads to.
func moves(g Graph, id, day string, steps []graph.Step) []move {
	var ms []move
	for _, s := range steps {
		t, forward, both := s.Walk()
		if forward || both {
			for _, l := range g.Out(id) {
				if l.Type == t && l.ValidOn(day) {
					ms = append(ms, move{to: l.To, step: graph.StepOf(s, l)})
				}
			}
		}
		if !forward || both {
			for _, l := range g.In(id) {
				if l.Type == t && l.ValidOn(day) {
					ms = append(ms, move{to: l.From, step: graph.StepOf(s, l)})
				}
			}
		}
	}
	return ms
}

type move struct {
	to   string
	step graph.PathStep
}

// shortest walks breadth first from start up to maxHops and returns, for
// every node reached, its shortest trail with ties broken by less.
func shortest(g Graph, start, day string, steps []graph.Step, maxHops int) map[string]trail {
	best := map[string]trail{start: {nodes: []string{start}}}
	frontier := []string{start}
	for hop := 1; hop <= maxHops && len(frontier) > 0; hop++ {
		next := map[string]trail{}
		for _, u := range frontier {
			for _, m := range moves(g, u, day, steps) {
				if _, seen := best[m.to]; seen {
					continue
				}
				t := best[u].extend(m.to, m.step)
				if cur, ok := next[m.to]; !ok || t.less(cur) {
					next[m.to] = t
				}
			}
		}
		frontier = frontier[:0]
		for id, t := range next {
			best[id] = t
			frontier = append(frontier, id)
		}
	}
	return best
}

// Reach is the exposure path search of SPEC §3 over a graph in memory.
// Stores that hold their graph elsewhere (Neo4j) implement the same search
// themselves and must give the same answer.
func Reach(g Graph, q graph.ReachQuery, p graph.Policy) graph.Reach {
	r := graph.Reach{Start: ref(g, q.Start)}
	if _, ok := g.Entity(q.Start); !ok {
		return r
	}
	for id, t := range shortest(g, q.Start, q.On, p.Steps, p.MaxHops) {
		if g.Restrictive(id) {
			r.Exposures = append(r.Exposures, exposureOf(g, t))
		}
	}
	SortExposures(r.Exposures)
	if p.Allows(graph.StepParent) {
		for id := range shortest(g, q.Start, q.On, []graph.Step{graph.StepParent}, p.MaxHops) {
			if g.Restrictive(id) {
				r.ByParent = append(r.ByParent, id)
			}
		}
		sort.Strings(r.ByParent)
	}
	r.Ownership = ownership(g, q.Start, q.On, p.OwnershipDepth)
	return r
}

// ownership returns every simple OWNS chain into start, walked as owner
// steps, that ends at the first restrictive end-user it meets.
func ownership(g Graph, start, day string, depth int) []graph.Exposure {
	var out []graph.Exposure
	on := map[string]bool{start: true}
	var walk func(t trail)
	walk = func(t trail) {
		last := t.nodes[len(t.nodes)-1]
		if len(t.steps) > 0 && g.Restrictive(last) {
			out = append(out, exposureOf(g, t))
			return
		}
		if len(t.steps) == depth {
			return
		}
		for _, m := range moves(g, last, day, []graph.Step{graph.StepOwner}) {
			if on[m.to] {
				continue
			}
			on[m.to] = true
			walk(t.extend(m.to, m.step))
			on[m.to] = false
		}
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
