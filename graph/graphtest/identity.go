package graphtest

import (
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// Same decides that a and b are one party.
func (b *Builder) Same(x, y string) *Builder {
	return b.Decide(x, y, graph.Same, "tester", "same registry number")
}

// NotSame decides that a and b are two parties.
func (b *Builder) NotSame(x, y string) *Builder {
	return b.Decide(x, y, graph.NotSame, "tester", "different registries")
}

// identityRules are SPEC §1 "Identity" as the rules see it: a SAME_AS
// cluster is one entity, named by its lowest member id.
var identityRules = []rule{
	{name: "identity: a member's link counts for its cluster", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Same("X", "X2").Link(graph.Supplies, "X2", "G")
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}, reasons: []string{"one party with X2 by identity decision"}},
	{name: "identity: a buyer named by its second record is the cluster", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Same("X", "X2").Link(graph.Supplies, "X", "G")
		},
		tx: buy("X2"), exposures: []string{"G:1:X>G"}},
	{name: "identity: a member's listing makes the cluster restrictive", severity: graph.Critical,
		build: func(b *Builder) {
			b.Org("B", XF).Org("Z", XF).List("l1", "EU").Listed("Z", "l1", "IRN", "", "").Same("B", "Z")
		},
		tx: buy("B"), exposures: []string{"B:0:B"}, reasons: []string{"Z on list l1, program IRN"}},
	{name: "identity: a cluster in the middle of a path is one node", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("M1", XF).Org("M2", XF).Gov("G", XR, nil).Same("M1", "M2").
				Link(graph.Supplies, "X", "M1").Link(graph.Supplies, "M2", "G")
		},
		tx: buy("X"), exposures: []string{"G:2:X>M1>G"}},
	{name: "identity: a link inside a cluster is no step", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Same("X", "X2").
				Link(graph.Supplies, "X", "X2").Link(graph.Supplies, "X2", "G")
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "identity: stakes into two members are summed", severity: graph.Critical, ownership: Pct(55),
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G1", XR, nil).Gov("G2", XR, nil).Same("X", "X2").
				Owns("G1", "X", Pct(30)).Owns("G2", "X2", Pct(25))
		},
		tx: buy("X"), exposures: []string{"G1:1:X>G1", "G2:1:X>G2"}},
	{name: "identity: one owner's stakes into two members count once, at the highest", severity: graph.High, ownership: Pct(45),
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Same("X", "X2").
				Owns("G", "X", Pct(30)).Owns("G", "X2", Pct(45))
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "identity: an owner recorded twice counts once", severity: graph.High, ownership: Pct(40),
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G", XR, nil).Gov("G2", XR, nil).Same("G", "G2").
				Owns("G", "X", Pct(30)).Owns("G2", "X", nil).Owns("G2", "X", Pct(40))
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "identity: ofac counts one stake between two clusters", severity: graph.High, ownership: Pct(45),
		policy: func(p *graph.Policy) { p.OwnershipMethod = graph.OFAC },
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Same("X", "X2").
				Owns("G", "X", Pct(30)).Owns("G", "X2", Pct(45))
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "identity: ofac holds a cluster owned through its members", severity: graph.Critical, ownership: Pct(60),
		policy: func(p *graph.Policy) { p.OwnershipMethod = graph.OFAC },
		build: func(b *Builder) {
			b.Org("X", XF).Org("H", XF).Org("H2", XF).Gov("G1", XR, nil).Gov("G2", XR, nil).Same("H", "H2").
				Owns("G1", "H", Pct(30)).Owns("G2", "H2", Pct(25)).Owns("H2", "X", Pct(60))
		},
		tx: buy("X"), exposures: []string{"G1:2:X>H>G1", "G2:2:X>H>G2"}},
	{name: "identity: not the same changes nothing", severity: graph.None,
		build: func(b *Builder) {
			b.Org("X", XF).Org("X2", XF).Gov("G", XR, nil).NotSame("X", "X2").Link(graph.Supplies, "X2", "G")
		},
		tx: buy("X")},
}

// testIdentityFlags decides, re-imports and undoes, refreshing the flags
// each time: a decision changes the flag and reopens a reviewed one; a
// re-import keeps the decision; undoing it restores the first flag.
func testIdentityFlags(t *testing.T, s graph.Store) {
	base := func() *Builder {
		return NewBuilder("u-id").Country(XR, Yes).Country(XF, No).
			Org("X", XF).Org("X2", XF).Gov("G", XR, nil).Link(graph.Supplies, "X2", "G").
			Tx(graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", ShipTo: XR})
	}
	base().MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
	severity := func() graph.Flag {
		t.Helper()
		if _, err := ev.Refresh(ctx, ""); err != nil {
			t.Fatal(err)
		}
		f, err := s.Flag(ctx, "T-1")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := severity(); f.Severity != graph.Medium {
		t.Fatalf("before any decision: %s, want medium (ship-to only)", f.Severity)
	}
	if _, err := ev.Review(ctx, "T-1", graph.Cleared, "reviewer", "ship-to only, accepted"); err != nil {
		t.Fatal(err)
	}
	NewBuilder("u-decide").Same("X", "X2").MustApply(t, s)
	f := severity()
	if f.Severity != graph.High || f.Status != graph.Open || len(f.Exposures) != 1 || f.Exposures[0].Steps[0].From != "X2" {
		t.Fatalf("after X = X2: %s %s %+v, want high, reopened, through X2's link", f.Severity, f.Status, f.Exposures)
	}
	if src := f.Exposures[0].Steps[0].Source; src.Upload != "u-id" || src.Sheet != "Links" {
		t.Errorf("the step keeps its link's own source, got %+v", src)
	}
	// A re-import of the same rows does not undo the decision.
	base().MustApply(t, s)
	if f := severity(); f.Severity != graph.High {
		t.Fatalf("after a re-import: %s, want high (the decision stands)", f.Severity)
	}
	if _, err := s.Undecide(ctx, "X2", "X"); err != nil {
		t.Fatal(err)
	}
	if f := severity(); f.Severity != graph.Medium {
		t.Fatalf("after undoing X = X2: %s, want medium again", f.Severity)
	}
	if ds, err := s.Decisions(ctx); err != nil || len(ds) != 0 {
		t.Fatalf("decisions after undo: %v %v", ds, err)
	}
}

// testIdentityContradiction refuses a not_same inside a cluster, writing
// nothing, and names the chain of same decisions.
func testIdentityContradiction(t *testing.T, s graph.Store) {
	NewBuilder("u-1").Org("A", XF).Org("B", XF).Org("C", XF).Same("A", "B").Same("B", "C").MustApply(t, s)
	_, err := s.Apply(ctx, NewBuilder("u-2").Org("D", XF).NotSame("C", "A").Upload(), nil)
	if err == nil || !strings.Contains(err.Error(), "A = B = C") {
		t.Fatalf("a contradiction: %v, want an error naming A = B = C", err)
	}
	if _, err := s.Entity(ctx, "D"); err == nil {
		t.Error("a refused upload wrote its entity")
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Clusters != 1 || st.Decisions[graph.Same] != 2 || st.Decisions[graph.NotSame] != 0 {
		t.Errorf("stats %+v, want one cluster of two same decisions", st)
	}
}

// testIdentityScreening screens a name that two records of one party
// match: one candidate stands for the cluster, with its members, and the
// link of the other record counts.
func testIdentityScreening(t *testing.T, s graph.Store) {
	b := NewBuilder("u-scr").Country(XR, Yes).Country(XF, No).Gov("G", XR, nil)
	b.Entity(graph.Entity{ID: "acme-ledger", Kind: graph.Organization, Name: "Acme Vision Systems Ltd", Country: XF})
	b.Entity(graph.Entity{ID: "acme-list", Kind: graph.Organization, Name: "Acme Vision Systems", Country: XF})
	b.Link(graph.Supplies, "acme-list", "G").Same("acme-ledger", "acme-list").MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
	res, err := ev.Screen(ctx, exposure.ScreenQuery{Name: "Acme Vision Systems", Country: XF})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) != 1 || res.Matches[0].Cluster != "acme-ledger" || strings.Join(res.Matches[0].Members, ",") != "acme-ledger,acme-list" {
		t.Fatalf("matches %+v, want one candidate for the cluster acme-ledger of two members", res.Matches)
	}
	if res.Verdict != graph.Review || res.Severity != graph.High {
		t.Errorf("verdict %s (%s), want review (high) through acme-list's link", res.Verdict, res.Severity)
	}
}
