package exposure

import (
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Horizon holds, for every node within a bound of a restrictive end-user,
// the fewest steps from it to one under a policy's steps, validity dates
// ignored. A node absent from it, or farther than the steps a search has
// left, is on no exposure path: the search skips it. Skipping changes no
// answer, only the work (see shortest).
type Horizon map[string]int

// Horizons is implemented by graphs that keep a Horizon per policy, e.g.
// until the next write; the search uses one when the graph offers it.
type Horizons interface {
	Horizon(p graph.Policy) Horizon
}

// HorizonKey is what a Horizon depends on in a policy: its steps, max hops
// and restricted lists.
func HorizonKey(p graph.Policy) string {
	lists := "all"
	if p.RestrictedLists != nil {
		lists = strings.Join(p.RestrictedLists, ",") + "."
	}
	return fmt.Sprint(p.Steps, p.MaxHops, lists)
}

// NewHorizon walks backwards from the restrictive end-users ends (entity
// ids; the horizon holds their clusters, as the search walks clusters), up
// to maxHops steps: a node one step before a node at distance d is at most
// d+1 away. Dates are ignored, so the distances are lower bounds on any
// day's.
func NewHorizon(g Graph, ends []string, steps []graph.Step, maxHops int) Horizon {
	v := viewOf(g)
	w := walkerOf(steps)
	h := make(Horizon, len(ends))
	level := make([]string, 0, len(ends))
	for _, id := range ends {
		id = v.node(id)
		if _, ok := h[id]; !ok {
			h[id] = 0
			level = append(level, id)
		}
	}
	for d := 1; d <= maxHops && len(level) > 0; d++ {
		var next []string
		add := func(id, from string) {
			if id = v.node(id); id == from {
				return // a link inside a cluster is no step
			}
			if _, ok := h[id]; !ok {
				h[id] = d
				next = append(next, id)
			}
		}
		for _, c := range level {
			// u walks to c forward along u→c, or back along c→u.
			for _, m := range v.members(c) {
				for _, l := range g.In(m) {
					if k, ok := w[l.Type]; ok && k.forward != "" {
						add(l.From, c)
					}
				}
				for _, l := range g.Out(m) {
					if k, ok := w[l.Type]; ok && k.back != "" {
						add(l.To, c)
					}
				}
			}
		}
		level = next
	}
	return h
}
