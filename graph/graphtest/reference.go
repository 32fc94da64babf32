package graphtest

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// ReferencePolicies are the policies the reference checks run under: the
// default, the ofac ownership method, a wide one (subsidiary steps,
// control_is_critical, longer paths) and one restricting a single list.
func ReferencePolicies() map[string]graph.Policy {
	ofac := graph.DefaultPolicy()
	ofac.OwnershipMethod = graph.OFAC
	wide := graph.DefaultPolicy()
	wide.Steps = append(wide.Steps, graph.StepSubsidiary)
	wide.ControlIsCritical = true
	wide.MaxHops, wide.OwnershipDepth = 6, 12
	oneList := graph.DefaultPolicy()
	oneList.RestrictedLists = graph.ListSet{"l_one"}
	return map[string]graph.Policy{"default": graph.DefaultPolicy(), "ofac": ofac, "wide": wide, "one list": oneList}
}

// runReference loads random graphs (listings, yearly assessments, validity
// windows) into the store and requires, for every transaction under every
// reference policy, the severity, the end-users reached with their hops and
// the effective ownership that SPEC §3 gives, as reference computes it.
func runReference(t *testing.T, newStore func(t *testing.T) graph.Store) {
	seeds := 20
	if testing.Short() {
		seeds = 5
	}
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	bySeverity := map[string]map[graph.Severity]int{}
	listed := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		s := newStore(t)
		for _, u := range RandomUploads(seed) {
			if _, err := s.Apply(ctx, u, nil); err != nil {
				t.Fatalf("seed %d: apply %s: %v", seed, u.ID, err)
			}
		}
		u, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		g := newRefGraph(u)
		for name, p := range ReferencePolicies() {
			as, err := exposure.NewEvaluator(s, p, now).Assess(ctx, u.Transactions)
			if err != nil {
				t.Fatalf("seed %d, policy %s: %v", seed, name, err)
			}
			if bySeverity[name] == nil {
				bySeverity[name] = map[graph.Severity]int{}
			}
			for i, tx := range u.Transactions {
				want := g.assess(tx, p)
				got := refResultOf(as[i])
				bySeverity[name][got.severity]++
				if !got.equal(want) {
					t.Errorf("seed %d, policy %s, %s (buyer %s, end-user %q, %s):\n got %s\nwant %s\nreasons:\n%s",
						seed, name, tx.ID, tx.Buyer, tx.EndUser, tx.Date, got, want, strings.Join(as[i].Reasons, "\n"))
				}
			}
		}
		for _, l := range u.Listings {
			for _, tx := range u.Transactions {
				if (l.Entity == tx.Buyer || l.Entity == tx.EndUser) && g.listedOn(l.Entity, tx.Date, nil) {
					listed++
				}
			}
		}
	}
	for name, n := range bySeverity {
		if n[graph.Critical] == 0 || n[graph.High]+n[graph.Medium] == 0 || n[graph.None] == 0 {
			t.Errorf("policy %s: severities %v: the random graphs do not exercise every outcome", name, n)
		}
	}
	if listed == 0 {
		t.Error("no listed buyer or end-user: listings are not exercised")
	}
}

// refResult is what the reference checks of an assessment.
type refResult struct {
	severity graph.Severity
	endUsers map[string]int // end-user id → fewest hops
	owned    *float64
}

func refResultOf(a graph.Assessment) refResult {
	r := refResult{severity: a.Severity, endUsers: map[string]int{}, owned: a.EffectiveOwnership}
	for _, x := range a.Exposures {
		r.endUsers[x.EndUser.ID] = x.Hops
	}
	return r
}

func (r refResult) equal(o refResult) bool {
	if r.severity != o.severity || len(r.endUsers) != len(o.endUsers) || (r.owned == nil) != (o.owned == nil) {
		return false
	}
	for id, h := range r.endUsers {
		if oh, ok := o.endUsers[id]; !ok || oh != h {
			return false
		}
	}
	return r.owned == nil || math.Abs(*r.owned-*o.owned) < 1e-5
}

func (r refResult) String() string {
	ids := make([]string, 0, len(r.endUsers))
	for id, h := range r.endUsers {
		ids = append(ids, fmt.Sprintf("%s:%d", id, h))
	}
	sort.Strings(ids)
	return fmt.Sprintf("%s [%s] owned %s", r.severity, strings.Join(ids, " "), fmtPct(r.owned))
}

// refGraph is the reference's own reading of a stored graph: plain lists,
// searched by brute force, sharing no code with the stores or the rules.
// SAME_AS clusters are contracted: every id is replaced by its cluster's
// (the least member id), links inside a cluster are dropped, and a
// cluster is restrictive when a member is (SPEC §1 "Identity").
type refGraph struct {
	entities  map[string]graph.Entity
	countries map[string]graph.Country
	links     []graph.Link // ends replaced by their clusters
	listings  map[string][]graph.Listing
	cluster   map[string]string   // entity → cluster id
	members   map[string][]string // cluster id → members
}

func newRefGraph(u graph.Upload) *refGraph {
	g := &refGraph{entities: map[string]graph.Entity{}, countries: map[string]graph.Country{},
		listings: map[string][]graph.Listing{}, cluster: map[string]string{}, members: map[string][]string{}}
	for _, e := range u.Entities {
		g.entities[e.ID] = e
	}
	// Clusters: the parts of the graph of same decisions, each named by
	// its least id, found by a search from every entity in id order.
	same := map[string][]string{}
	for _, d := range u.Decisions {
		if d.Identity == graph.Same {
			same[d.A] = append(same[d.A], d.B)
			same[d.B] = append(same[d.B], d.A)
		}
	}
	ids := make([]string, 0, len(g.entities))
	for id := range g.entities {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, done := g.cluster[id]; done {
			continue
		}
		queue := []string{id}
		g.cluster[id] = id
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			g.members[id] = append(g.members[id], x)
			for _, y := range same[x] {
				if _, done := g.cluster[y]; !done {
					g.cluster[y] = id
					queue = append(queue, y)
				}
			}
		}
	}
	for _, l := range u.Links {
		l.From, l.To = g.cluster[l.From], g.cluster[l.To]
		if l.From != l.To {
			g.links = append(g.links, l)
		}
	}
	for _, c := range u.Countries {
		g.countries[c.Code] = c
	}
	for _, l := range u.Listings {
		g.listings[l.Entity] = append(g.listings[l.Entity], l)
	}
	return g
}

// stakesInto returns, for each cluster owning x directly on day, the one
// OWNS link counted: the highest known percent, then the least key.
func (g *refGraph) stakesInto(x, day string) []graph.Link {
	best := map[string]graph.Link{}
	for _, l := range g.links {
		if l.Type != graph.Owns || l.To != x || !within(day, l.ValidFrom, l.ValidTo) {
			continue
		}
		b, ok := best[l.From]
		switch {
		case !ok:
		case l.Percent == nil:
			if b.Percent != nil || l.Key() > b.Key() {
				continue
			}
		case b.Percent != nil && (*l.Percent < *b.Percent || (*l.Percent == *b.Percent && l.Key() > b.Key())):
			continue
		}
		best[l.From] = l
	}
	out := make([]graph.Link, 0, len(best))
	for _, l := range best {
		out = append(out, l)
	}
	return out
}

func within(day, from, to string) bool {
	return !(from != "" && day < from) && !(to != "" && day > to)
}

func (g *refGraph) listedOn(id, day string, lists graph.ListSet) bool {
	for _, l := range g.listings[id] {
		named := lists == nil
		for _, v := range lists {
			named = named || v == l.List
		}
		if named && within(day, l.ListedFrom, l.ListedTo) {
			return true
		}
	}
	return false
}

// countryRestrictive counts years down from the day's to find the
// assessment in force: SPEC §3's as-of rule.
func (g *refGraph) countryRestrictive(code, day string) bool {
	c, ok := g.countries[code]
	if !ok || len(c.Assessments) == 0 {
		return false
	}
	byYear := map[int]graph.CountryAssessment{}
	first := 0
	for _, a := range c.Assessments {
		byYear[a.Year] = a
		if a.Year != 0 && (first == 0 || a.Year < first) {
			first = a.Year
		}
	}
	year, _ := strconv.Atoi(day[:min(4, len(day))])
	pick, found := graph.CountryAssessment{}, false
	for y := year; y >= 1 && y >= first && !found; y-- {
		pick, found = byYear[y]
	}
	if !found {
		pick, found = byYear[0]
	}
	if !found {
		pick = byYear[first]
	}
	return pick.Restrictive != nil && *pick.Restrictive
}

func (g *refGraph) restrictive(id, day string, p graph.Policy) bool {
	for _, m := range g.members[id] {
		if g.listedOn(m, day, p.RestrictedLists) {
			return true
		}
		e := g.entities[m]
		if e.Kind != graph.GovernmentBody {
			continue
		}
		if e.Restrictive != nil {
			if *e.Restrictive {
				return true
			}
			continue
		}
		if g.countryRestrictive(e.Country, day) {
			return true
		}
	}
	return false
}

// next lists the nodes one step of the allowed steps away from id on day.
func (g *refGraph) next(id, day string, steps []graph.Step) []string {
	allowed := map[graph.Step]bool{}
	for _, s := range steps {
		allowed[s] = true
	}
	var out []string
	for _, l := range g.links {
		if !within(day, l.ValidFrom, l.ValidTo) || (day == "" && l.ValidFrom != "") {
			continue
		}
		fwd := map[graph.LinkType]graph.Step{graph.Supplies: graph.StepCustomer, graph.PartOf: graph.StepParent,
			graph.OfficerOf: graph.StepOffice, graph.AgentOf: graph.StepPrincipal, graph.RelatedTo: graph.StepAssociate,
			graph.Owns: graph.StepSubsidiary}[l.Type]
		back := map[graph.LinkType]graph.Step{graph.Owns: graph.StepOwner, graph.Controls: graph.StepController,
			graph.RelatedTo: graph.StepAssociate}[l.Type]
		if l.From == id && allowed[fwd] {
			out = append(out, l.To)
		}
		if l.To == id && allowed[back] {
			out = append(out, l.From)
		}
	}
	return out
}

// hops returns the fewest steps from start to every node within maxHops.
func (g *refGraph) hops(start, day string, steps []graph.Step, maxHops int) map[string]int {
	d := map[string]int{start: 0}
	level := []string{start}
	for h := 1; h <= maxHops; h++ {
		var nxt []string
		for _, u := range level {
			for _, v := range g.next(u, day, steps) {
				if _, seen := d[v]; !seen {
					d[v] = h
					nxt = append(nxt, v)
				}
			}
		}
		level = nxt
	}
	return d
}

// multiplied is effective ownership by the multiply method: every simple
// OWNS chain into x that ends at its first restrictive owner.
func (g *refGraph) multiplied(x, day string, p graph.Policy) (float64, bool) {
	share, any := 0.0, false
	var walk func(at string, on map[string]bool, f float64, depth int)
	walk = func(at string, on map[string]bool, f float64, depth int) {
		if depth == p.OwnershipDepth {
			return
		}
		for _, l := range g.stakesInto(at, day) {
			if on[l.From] {
				continue
			}
			pf := 0.0
			if l.Percent != nil {
				pf = *l.Percent / 100
			}
			if g.restrictive(l.From, day, p) {
				any = true
				share += f * pf
				continue
			}
			on[l.From] = true
			walk(l.From, on, f*pf, depth+1)
			delete(on, l.From)
		}
	}
	walk(x, map[string]bool{x: true}, 1, 0)
	return math.Min(share*100, 100), any
}

// held is the ofac method over the whole graph: the entities that
// restrictive end-users and held entities own directly at least the
// threshold of, grown until nothing changes.
func (g *refGraph) held(day string, p graph.Policy) map[string]bool {
	held := map[string]bool{}
	for {
		grew := false
		for id := range g.members {
			if held[id] {
				continue
			}
			sum := 0.0
			for _, l := range g.stakesInto(id, day) {
				if l.Percent != nil && (held[l.From] || g.restrictive(l.From, day, p)) {
					sum += *l.Percent
				}
			}
			if sum >= p.OwnershipThreshold-1e-9 {
				held[id], grew = true, true
			}
		}
		if !grew {
			return held
		}
	}
}

func (g *refGraph) ofac(x, day string, p graph.Policy) (float64, bool) {
	held := g.held(day, p)
	share, any := 0.0, false
	for _, l := range g.stakesInto(x, day) {
		if held[l.From] || g.restrictive(l.From, day, p) {
			any = true
			if l.Percent != nil {
				share += *l.Percent
			}
		}
	}
	return math.Min(share, 100), any
}

// assess is SPEC §3's severity of a transaction, from the text.
func (g *refGraph) assess(tx graph.Transaction, p graph.Policy) refResult {
	r := refResult{severity: graph.None, endUsers: map[string]int{}}
	raise := func(s graph.Severity) {
		if s.Rank() > r.severity.Rank() {
			r.severity = s
		}
	}
	starts := []string{g.cluster[tx.Buyer]}
	if tx.EndUser != "" && g.cluster[tx.EndUser] != starts[0] {
		starts = append(starts, g.cluster[tx.EndUser])
	}
	day := tx.Date
	for _, x := range starts {
		for v, h := range g.hops(x, day, p.Steps, p.MaxHops) {
			if g.restrictive(v, day, p) {
				if cur, ok := r.endUsers[v]; !ok || h < cur {
					r.endUsers[v] = h
				}
				switch {
				case h == 0:
					raise(graph.Critical)
				case h <= 2:
					raise(graph.High)
				default:
					raise(graph.Medium)
				}
			}
		}
		if p.Allows(graph.StepParent) {
			for v := range g.hops(x, day, []graph.Step{graph.StepParent}, p.MaxHops) {
				if g.restrictive(v, day, p) {
					raise(graph.Critical)
				}
			}
		}
		share, ok := g.multiplied(x, day, p)
		if p.OwnershipMethod == graph.OFAC {
			share, ok = g.ofac(x, day, p)
		}
		if ok {
			if r.owned == nil || share > *r.owned {
				r.owned = &share
			}
			if share >= p.OwnershipThreshold-1e-9 {
				raise(graph.Critical)
			}
		}
		if p.ControlIsCritical {
			for _, l := range g.links {
				if l.Type == graph.Controls && l.To == x && within(day, l.ValidFrom, l.ValidTo) && g.restrictive(l.From, day, p) {
					raise(graph.Critical)
				}
			}
		}
	}
	if tx.ShipTo != "" && g.countryRestrictive(tx.ShipTo, day) {
		raise(graph.Medium)
	}
	return r
}
