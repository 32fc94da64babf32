package graphtest

import (
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/xref"
)

// testXref: cross-referencing reads the store through EachEntity, Links
// and Decisions and keeps its proposals in the store's jobs, so that every
// store proposes the same pairs with the same scores and explanations,
// and they survive in the store.
func testXref(t *testing.T, s graph.Store) {
	b := NewBuilder("u-xref")
	for _, e := range []graph.Entity{
		{ID: "org-a", Kind: graph.Organization, Name: "Orion Tech LLC", Country: XF, RegistrationID: "1027700132195", Address: "1 Main St, Minsk"},
		{ID: "org-b", Kind: graph.Organization, Name: "ООО Орион Тех", Country: XF, Address: "1 MAIN ST. MINSK"},
		{ID: "org-c", Kind: graph.Organization, Name: "Vega Holding", Country: XF, RegistrationID: "1027-7001-32195"},
		{ID: "org-d", Kind: graph.Organization, Name: "Orion Technologies", Country: XF},
		{ID: "org-e", Kind: graph.Organization, Name: "Orion Tech", Country: XR},
		{ID: "per-1", Kind: graph.Person, Name: "Ana Petrova", Country: XR},
	} {
		b.Entity(e)
	}
	b.Owns("per-1", "org-a", Pct(60)).Owns("per-1", "org-b", nil)
	u := b.Upload()
	u.Decisions = []graph.Decision{graph.NewDecision("org-a", "org-e", graph.NotSame)}
	if _, err := s.Apply(ctx, u, nil); err != nil {
		t.Fatal(err)
	}
	x := &xref.Runner{Store: s}
	sum, err := x.Run(ctx, xref.Options{}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entities != 6 || sum.Decided != 1 {
		t.Errorf("summary %+v: want 6 entities read, the not-same pair left out", sum)
	}
	p, err := xref.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]xref.Candidate{}
	for _, c := range p.Candidates {
		got[c.Key()] = c
	}
	ab, ok := got["org-a|org-b"]
	if !ok || ab.Score < 0.96 || len(features(ab, "shared links")) != 1 || len(features(ab, "address")) != 1 || features(ab, "address")[0].Effect != "raises" {
		t.Errorf("org-a|org-b: %+v, want a score raised by the shared owner and the same address", ab)
	}
	if ac := got["org-a|org-c"]; !ac.ExactIdentifier || ac.Score < 0.99 {
		t.Errorf("org-a|org-c: %+v, want the same identifier", ac)
	}
	if _, ok := got["org-a|org-e"]; ok {
		t.Error("a pair decided not the same was proposed")
	}
	// The same again: the stored proposals are what a new run finds.
	again, err := xref.Run(ctx, s, xref.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Candidates, p.Candidates) {
		t.Errorf("stored proposals\n%+v\ndiffer from a new run's\n%+v", p.Candidates, again.Candidates)
	}
	if j, err := s.Job(ctx, xref.JobID); err != nil || j.State != graph.JobDone {
		t.Errorf("the run's job: %+v (%v)", j, err)
	}
}

func features(c xref.Candidate, name string) []graph.MatchFeature {
	var out []graph.MatchFeature
	for _, f := range c.Features {
		if f.Name == name {
			out = append(out, f)
		}
	}
	return out
}
