package graphtest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// Decide adds an identity decision on a and b (in either order) by who, at
// a fixed time, with a note.
func (b *Builder) Decide(a, c string, i graph.Identity, by, note string) *Builder {
	d := graph.NewDecision(a, c, i)
	d.DecidedBy, d.DecidedAt, d.Note, d.Source = by, "2024-05-01T10:00:00Z", note, b.src("Identity")
	b.u.Decisions = append(b.u.Decisions, d)
	return b
}

// runIdentity is the conformance of identity decisions (SPEC §1
// "Identity"): stored and listed in order, restated unchanged, never undone
// by a re-import, removed only by Undecide, refused whole when they
// contradict each other or name an unknown entity, exported and counted.
func runIdentity(t *testing.T, newStore func(t *testing.T) graph.Store) {
	for _, tt := range []struct {
		name string
		run  func(t *testing.T, s graph.Store)
	}{
		{"StoredAndSorted", testDecisionsStored},
		{"RestatingIsUnchanged", testDecisionsRestated},
		{"ReimportNeverUndoes", testDecisionsSurviveReimport},
		{"Undecide", testUndecide},
		{"ContradictionRefused", testDecisionsContradiction},
		{"UnknownEntityRefused", testDecisionsUnknownEntity},
		{"Stats", testDecisionStats},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore(t)) })
	}
	t.Run("ExportRoundTrip", func(t *testing.T) { testDecisionsExport(t, newStore) })
}

// parties are five organizations to decide on.
func parties() *Builder {
	return NewBuilder("u-parties").Country(XF, nil).Org("a", XF).Org("b", XF).Org("c", XF).Org("d", XF).Org("e", XF)
}

func mustDecisions(t *testing.T, s graph.Store) []graph.Decision {
	t.Helper()
	ds, err := s.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func keys(ds []graph.Decision) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Key()+" "+string(d.Identity))
	}
	return out
}

func testDecisionsStored(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	if ds := mustDecisions(t, s); len(ds) != 0 {
		t.Fatalf("a fresh store has decisions: %+v", ds)
	}
	b := NewBuilder("u-decide").Decide("d", "c", graph.Same, "alice", "same registry number").
		Decide("b", "a", graph.Same, "bob", "").Decide("e", "a", graph.NotSame, "carol", "different addresses")
	res := b.MustApply(t, s)
	if res.Decisions != (graph.Changes{Created: 3}) {
		t.Errorf("result %+v", res.Decisions)
	}
	got := mustDecisions(t, s)
	if want := []string{"a|b same", "a|e not_same", "c|d same"}; !reflect.DeepEqual(keys(got), want) {
		t.Fatalf("decisions %v, want %v (sorted by key)", keys(got), want)
	}
	byKey := map[string]graph.Decision{}
	for _, d := range b.Upload().Decisions {
		byKey[d.Key()] = d
	}
	for _, d := range got {
		if d.A >= d.B {
			t.Errorf("decision %s: a is not below b", d.Key())
		}
		if want := byKey[d.Key()]; d != want {
			t.Errorf("decision %s:\n got %+v\nwant %+v (every field, with its source)", d.Key(), d, want)
		}
	}
}

func testDecisionsRestated(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	first := NewBuilder("u-1").Decide("a", "b", graph.Same, "alice", "reg no").Decide("c", "d", graph.NotSame, "bob", "")
	first.MustApply(t, s)
	before := mustDecisions(t, s)
	// The same decisions again, from another upload and in the other order.
	again := NewBuilder("u-2").Decide("b", "a", graph.Same, "alice", "reg no").Decide("d", "c", graph.NotSame, "bob", "")
	res := again.MustApply(t, s)
	if res.Any() || res.Decisions.Unchanged != 2 {
		t.Errorf("restating wrote %+v", res)
	}
	if after := mustDecisions(t, s); !reflect.DeepEqual(after, before) {
		t.Errorf("restating changed the decisions (a restatement keeps its first source):\n%+v\n%+v", after, before)
	}
	// Another note, or the opposite decision, replaces the decision.
	res = NewBuilder("u-3").Decide("a", "b", graph.Same, "alice", "reg no and address").Decide("c", "d", graph.Same, "dave", "").MustApply(t, s)
	if res.Decisions != (graph.Changes{Updated: 2}) {
		t.Errorf("replacing: %+v", res.Decisions)
	}
	got := mustDecisions(t, s)
	if len(got) != 2 || got[0].Note != "reg no and address" || got[0].Source.Upload != "u-3" || got[1].Identity != graph.Same || got[1].DecidedBy != "dave" {
		t.Errorf("after replacing %+v", got)
	}
}

func testDecisionsSurviveReimport(t *testing.T, s graph.Store) {
	p := parties()
	p.Owns("a", "c", Pct(50))
	p.MustApply(t, s)
	NewBuilder("u-decide").Decide("a", "b", graph.Same, "alice", "").Decide("b", "c", graph.Same, "alice", "").
		Decide("d", "e", graph.NotSame, "bob", "").MustApply(t, s)
	want := mustDecisions(t, s)
	stats := func() graph.Stats {
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	before := stats()
	// The same data again, then changed data about the decided entities.
	p.MustApply(t, s)
	changed := NewBuilder("u-changed").Entity(graph.Entity{ID: "a", Kind: graph.Organization, Name: "Org a renamed", Country: XF}).
		Entity(graph.Entity{ID: "e", Kind: graph.Organization, Name: "Org e", Aliases: []string{"E"}})
	changed.Owns("a", "c", Pct(70)).Owns("d", "e", nil)
	changed.MustApply(t, s)
	if got := mustDecisions(t, s); !reflect.DeepEqual(got, want) {
		t.Errorf("a re-import changed the decisions:\n got %+v\nwant %+v", got, want)
	}
	if after := stats(); after.Clusters != before.Clusters || !reflect.DeepEqual(after.Decisions, before.Decisions) {
		t.Errorf("a re-import changed the clusters: %+v, was %+v", after, before)
	}
}

func testUndecide(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	NewBuilder("u-decide").Decide("a", "b", graph.Same, "alice", "reg no").Decide("b", "c", graph.Same, "alice", "").MustApply(t, s)
	all := mustDecisions(t, s)
	d, err := s.Undecide(ctx, "b", "a") // either order
	if err != nil {
		t.Fatal(err)
	}
	if d != all[0] {
		t.Errorf("removed %+v, want %+v", d, all[0])
	}
	if got := keys(mustDecisions(t, s)); !reflect.DeepEqual(got, []string{"b|c same"}) {
		t.Errorf("after removing: %v", got)
	}
	if st, _ := s.Stats(ctx); st.Clusters != 1 || st.Decisions[graph.Same] != 1 {
		t.Errorf("stats after removing: clusters %d, decisions %v", st.Clusters, st.Decisions)
	}
	if _, err := s.Undecide(ctx, "a", "b"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("removing again: %v, want ErrNotFound", err)
	}
	if _, err := s.Undecide(ctx, "a", "nobody"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("removing a decision never made: %v, want ErrNotFound", err)
	}
	// Removed, a pair may be decided again, the other way: nothing joins a and c now.
	res := NewBuilder("u-again").Decide("a", "c", graph.NotSame, "bob", "").MustApply(t, s)
	if res.Decisions.Created != 1 {
		t.Errorf("deciding after a removal: %+v", res.Decisions)
	}
}

func testDecisionsContradiction(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	NewBuilder("u-decide").Decide("a", "b", graph.Same, "alice", "").Decide("c", "d", graph.NotSame, "bob", "").MustApply(t, s)
	before := mustDecisions(t, s)
	for _, c := range []struct {
		name string
		b    *Builder
	}{
		{"within the upload", NewBuilder("u-x").Decide("c", "e", graph.Same, "x", "").Decide("d", "e", graph.Same, "x", "")},
		{"with the stored ones", NewBuilder("u-x").Decide("b", "c", graph.Same, "x", "").Decide("a", "c", graph.NotSame, "x", "")},
		{"an entity and itself", NewBuilder("u-x").Decide("a", "a", graph.Same, "x", "")},
		{"no decision", NewBuilder("u-x").Decide("a", "e", "maybe", "x", "")},
	} {
		c.b.Org("new-org", XF) // refused with the rest
		_, err := s.Apply(ctx, c.b.Upload(), nil)
		if graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: %v, want EINVALID", c.name, err)
		}
		if got := mustDecisions(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("%s: a refused upload changed the decisions: %v", c.name, keys(got))
		}
		if _, err := s.Entity(ctx, "new-org"); !errors.Is(err, graph.ErrNotFound) {
			t.Errorf("%s: a refused upload wrote an entity: %v", c.name, err)
		}
	}
}

func testDecisionsUnknownEntity(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	b := NewBuilder("u-x").Org("new-org", XF).Decide("a", "nobody", graph.Same, "x", "")
	if _, err := s.Apply(ctx, b.Upload(), nil); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("a decision on an unknown entity: %v, want EINVALID", err)
	}
	if ds := mustDecisions(t, s); len(ds) != 0 {
		t.Errorf("stored %+v", ds)
	}
	if _, err := s.Entity(ctx, "new-org"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("a refused upload wrote an entity: %v", err)
	}
	// An entity of the same upload is known.
	res := NewBuilder("u-y").Org("new-org", XF).Decide("a", "new-org", graph.Same, "x", "").MustApply(t, s)
	if res.Decisions.Created != 1 || res.Entities.Created != 1 {
		t.Errorf("a decision on an entity of its own upload: %+v", res)
	}
}

func testDecisionStats(t *testing.T, s graph.Store) {
	parties().MustApply(t, s)
	// Clusters {a, b, c} and {d, e}; one not_same between them.
	NewBuilder("u-decide").Decide("a", "b", graph.Same, "x", "").Decide("c", "b", graph.Same, "x", "").
		Decide("d", "e", graph.Same, "x", "").Decide("a", "d", graph.NotSame, "x", "").MustApply(t, s)
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[graph.Identity]int{graph.Same: 3, graph.NotSame: 1}; !reflect.DeepEqual(st.Decisions, want) || st.Clusters != 2 {
		t.Errorf("decisions %v clusters %d, want %v and 2", st.Decisions, st.Clusters, want)
	}
	// A same decision made not_same splits a cluster.
	NewBuilder("u-split").Decide("d", "e", graph.NotSame, "x", "").MustApply(t, s)
	st, _ = s.Stats(ctx)
	if want := map[graph.Identity]int{graph.Same: 2, graph.NotSame: 2}; !reflect.DeepEqual(st.Decisions, want) || st.Clusters != 1 {
		t.Errorf("after the split: decisions %v clusters %d, want %v and 1", st.Decisions, st.Clusters, want)
	}
	// Joining two clusters makes one.
	NewBuilder("u-join").Decide("e", "c", graph.Same, "x", "").MustApply(t, s)
	if st, _ = s.Stats(ctx); st.Clusters != 1 || st.Entities[graph.Organization] != 5 {
		t.Errorf("after joining: clusters %d, entities %v", st.Clusters, st.Entities)
	}
}

// testDecisionsExport applies a store's export to a fresh one, opened
// after the export was read (a Neo4j test store empties the one database).
func testDecisionsExport(t *testing.T, newStore func(t *testing.T) graph.Store) {
	s := newStore(t)
	parties().MustApply(t, s)
	NewBuilder("u-decide").Decide("a", "b", graph.Same, "alice", "reg no").Decide("b", "c", graph.Same, "bob", "").
		Decide("d", "e", graph.NotSame, "carol", "two addresses").MustApply(t, s)
	u, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := mustDecisions(t, s)
	if !reflect.DeepEqual(u.Decisions, want) {
		t.Fatalf("Export's decisions:\n got %+v\nwant %+v", u.Decisions, want)
	}
	a, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := newStore(t)
	res, err := fresh.Apply(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Decisions.Created != 3 {
		t.Errorf("applying the export: %+v", res.Decisions)
	}
	if got := mustDecisions(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
	b, _ := fresh.Stats(ctx)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("stats after the round trip %+v, want %+v", b, a)
	}
	again, err := fresh.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Decisions, u.Decisions) {
		t.Errorf("export of the copy differs")
	}
}
