package graphtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// testReachHorizon checks the path search of many starts in one call on
// starts that a search pruned by a horizon (exposure.Horizon and the Neo4j
// store's counterpart) could lose: an end-user exactly max hops away, one
// reached only through another member of a cluster, end-users restrictive
// only by a listing (on some days, or of a cluster member), and starts too
// far for any path whose ownership, controllers and stakes must still be
// found. Then it changes the graph (a new link, an identity decision
// undone) and searches again: a horizon kept from before the change would
// drop the starts the change brought near.
func testReachHorizon(t *testing.T, s graph.Store) {
	p := graph.DefaultPolicy()
	p.MaxHops, p.OwnershipDepth, p.OwnershipMethod = 3, 5, graph.OFAC
	p.Steps = []graph.Step{graph.StepOwner, graph.StepCustomer, graph.StepParent, graph.StepAssociate}
	p.RestrictedLists = graph.ListSet{"l1"}

	b := NewBuilder("u-hz").Country(XR, Yes).Country(XF, No).List("l1", "UN").List("l2", "EU")
	// G exactly max hops from A3; A4 one step too far.
	b.Gov("G", XR, nil).Org("A1", XF).Org("A2", XF).Org("A3", XF).Org("A4", XF)
	b.Link(graph.Supplies, "A4", "A3").Link(graph.Supplies, "A3", "A2").Link(graph.Supplies, "A2", "A1").Link(graph.Supplies, "A1", "G")
	// C reaches G only through D2, one party with D1.
	b.Org("C", XF).Org("D1", XF).Org("D2", XF).Org("E1", XF).Same("D1", "D2")
	b.Link(graph.Supplies, "C", "D1").Link(graph.Supplies, "D2", "E1").Link(graph.Supplies, "E1", "G")
	// L is restrictive only by its listing on l1, in 2023; L2 is listed on
	// a list the policy does not restrict; Q2, one party with Q1, is listed.
	b.Org("K", XF).Org("L", XF).Org("K2", XF).Org("L2", XF).Org("P", XF).Org("Q1", XF).Org("Q2", XF)
	b.Listed("L", "l1", "P1", "2023-01-01", "2023-12-31").Listed("L2", "l2", "P2", "", "").Listed("Q2", "l1", "P3", "", "")
	b.Link(graph.Supplies, "K", "L").Link(graph.Supplies, "K2", "L2").Link(graph.Supplies, "P", "Q1").Same("Q1", "Q2")
	// S1 is restrictive by the listing of S2, one party with it.
	b.Org("S1", XF).Org("S2", XF).Listed("S2", "l1", "P4", "", "").Same("S1", "S2")
	// F: four owner steps below R, too far for a path, near enough for
	// ownership; H: controlled by R2, a step the policy does not walk.
	b.Org("F", XF).Org("O1", XF).Org("O2", XF).Org("O3", XF).Gov("R", XR, nil).Org("H", XF).Gov("R2", XR, nil)
	b.Owns("O1", "F", Pct(60)).Owns("O2", "O1", Pct(60)).Owns("O3", "O2", Pct(60)).Owns("R", "O3", Pct(60))
	b.Link(graph.Controls, "R2", "H")
	// T2 is part of G; T is part of A1, which is no end-user.
	b.Org("T", XF).Org("T2", XF).Link(graph.PartOf, "T", "A1").Link(graph.PartOf, "T2", "G")
	b.MustApply(t, s)

	type want struct{ exposures, parent, ownership, controllers, stakes, clusters string }
	// as is the cluster node a start is searched by, when not itself.
	day := "2024-06-01"
	queries := []struct {
		start, on, as string
		want          want
	}{
		{"A3", day, "", want{exposures: "G:3:A3>A2>A1>G"}},
		{"A4", day, "", want{}},
		{"A1", day, "", want{exposures: "G:1:A1>G"}},
		{"G", day, "", want{exposures: "G:0:G", parent: "G"}},
		{"C", day, "", want{exposures: "G:3:C>D1>E1>G", clusters: "D1=D1,D2"}},
		{"D2", day, "D1", want{exposures: "G:2:D1>E1>G", clusters: "D1=D1,D2"}},
		{"E1", day, "", want{exposures: "G:1:E1>G"}},
		{"K", "2023-06-01", "", want{exposures: "L:1:K>L"}},
		{"K", day, "", want{}},
		{"K2", day, "", want{}},
		{"P", day, "", want{exposures: "Q1:1:P>Q1", clusters: "Q1=Q1,Q2"}},
		{"S2", day, "S1", want{exposures: "S1:0:S1", parent: "S1", clusters: "S1=S1,S2"}},
		{"T", day, "", want{exposures: "G:2:T>A1>G"}},
		{"T2", day, "", want{exposures: "G:1:T2>G", parent: "G"}},
		{"F", day, "", want{ownership: "R:4:F>O1>O2>O3>R", stakes: "O1>F O2>O1 O3>O2 R>O3!"}},
		{"O2", day, "", want{exposures: "R:2:O2>O3>R", ownership: "R:2:O2>O3>R", stakes: "O3>O2 R>O3!"}},
		{"H", day, "", want{controllers: "R2"}},
		{"R2", day, "", want{exposures: "R2:0:R2", parent: "R2"}},
		{"nobody", day, "", want{}},
	}
	// Many starts in one call, as flagging every transaction asks.
	var qs []graph.ReachQuery
	for range 2 {
		for _, q := range queries {
			qs = append(qs, graph.ReachQuery{Start: q.start, On: q.on})
		}
	}
	check := func(when string, changed map[string]want) {
		t.Helper()
		rs, err := s.Reach(ctx, qs, p)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		for i, r := range rs {
			q := queries[i%len(queries)]
			w, ok := changed[q.start]
			if !ok {
				w = q.want
			}
			got := want{describe(r.Exposures), strings.Join(r.ByParent, " "), describe(r.Ownership), strings.Join(r.Controllers, " "), describeStakes(r.Stakes), describeClusters(r.Clusters)}
			if got != w {
				t.Errorf("%s: %s on %s:\n got %+v\nwant %+v", when, q.start, q.on, got, w)
			}
			if r.Start.ID != q.start && r.Start.ID != q.as {
				t.Errorf("%s: %s: start %+v", when, q.start, r.Start)
			}
		}
	}
	check("first search", nil)

	// A4 comes within two steps of G; then D2 leaves D1's cluster, so that
	// C no longer reaches G and D2 does as a cluster of its own.
	NewBuilder("u-hz2").Org("A4", XF).Org("A1", XF).Link(graph.Supplies, "A4", "A1").MustApply(t, s)
	check("after the upload", map[string]want{"A4": {exposures: "G:2:A4>A1>G"}})
	if _, err := s.Undecide(ctx, "D1", "D2"); err != nil {
		t.Fatal(err)
	}
	check("after the decision is undone", map[string]want{
		"A4": {exposures: "G:2:A4>A1>G"},
		"C":  {},
		"D2": {exposures: "G:2:D2>E1>G"},
	})
}

// describeStakes is "owner>owned" for each stake, "!" after a restrictive
// owner.
func describeStakes(ss []graph.Stake) string {
	parts := make([]string, len(ss))
	for i, x := range ss {
		parts[i] = x.Owner + ">" + x.Owned
		if x.Restrictive {
			parts[i] += "!"
		}
	}
	return strings.Join(parts, " ")
}

// describeClusters is "id=member,member" for each cluster, by id.
func describeClusters(cs map[string][]string) string {
	var parts []string
	for id, ms := range cs {
		parts = append(parts, fmt.Sprintf("%s=%s", id, strings.Join(ms, ",")))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
