package graphtest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// testHistory: an update that changes a value keeps the earlier value
// with the row that had stated it and the row that changed it; a
// restatement of the same values from another file changes the source
// but makes no revision.
func testHistory(t *testing.T, s graph.Store) {
	b := NewBuilder("u-1").Org("org-a", XF).Org("org-b", XF)
	b.Owns("org-a", "org-b", Pct(30))
	b.MustApply(t, s)
	if h, err := s.History(ctx, "org-b"); err != nil || len(h) != 0 {
		t.Fatalf("history of a new entity: %+v (%v), want none", h, err)
	}
	first := b.Upload().Links[0].Source

	// The same facts from another file: new source, no revision.
	again := NewBuilder("u-2")
	again.u.Files = []string{"again.xlsx"}
	again.Owns("org-a", "org-b", Pct(30))
	again.u.Links[0].Source.File = "again.xlsx"
	if res := again.MustApply(t, s); res.Links != (graph.Changes{Updated: 1}) {
		t.Errorf("restatement: %+v, want the link updated (its source)", res.Links)
	}
	if h, _ := s.History(ctx, "org-b"); len(h) != 0 {
		t.Errorf("a restatement made revisions: %+v", h)
	}
	restated := again.Upload().Links[0].Source

	// An amendment: 30% → 35%, and the entity's name changes.
	amend := NewBuilder("u-3")
	amend.Owns("org-a", "org-b", Pct(35))
	amend.Entity(graph.Entity{ID: "org-b", Kind: graph.Organization, Name: "Org B Renamed"})
	amend.MustApply(t, s)
	link := amend.Upload().Links[0]
	org := amend.Upload().Entities[0]
	want := []graph.Revision{
		{Target: graph.EntityTarget, Key: "org-b", Changes: []graph.FieldChange{{Field: "name", Old: "Org org-b", New: "Org B Renamed"}},
			Was: b.Upload().Entities[1].Source, By: org.Source},
		{Target: graph.LinkTarget, Key: link.Key(), Changes: []graph.FieldChange{{Field: "percent", Old: "30", New: "35"}},
			Was: restated, By: link.Source},
	}
	h, err := s.History(ctx, "org-b")
	if err != nil || !reflect.DeepEqual(h, want) {
		t.Errorf("history of org-b\n got %+v (%v)\nwant %+v", h, err, want)
	}
	if h, _ := s.History(ctx, "org-a"); !reflect.DeepEqual(h, want[1:]) {
		t.Errorf("history of org-a (the link only)\n got %+v\nwant %+v", h, want[1:])
	}
	if restated == first {
		t.Fatal("the test's restatement must come from another file")
	}

	// Writing the amendment again changes nothing and adds no revision.
	amend.MustApply(t, s)
	if h, _ := s.History(ctx, "org-b"); len(h) != 2 {
		t.Errorf("re-applying made revisions: %d, want 2", len(h))
	}
	// A later amendment comes after the earlier one.
	amend2 := NewBuilder("u-4")
	amend2.Owns("org-a", "org-b", Pct(40))
	amend2.MustApply(t, s)
	h, _ = s.History(ctx, "org-a")
	if len(h) != 2 || h[0].Changes[0].New != "35" || h[1].Changes[0] != (graph.FieldChange{Field: "percent", Old: "35", New: "40"}) ||
		h[1].Was != link.Source {
		t.Errorf("two amendments, oldest first: %+v", h)
	}
	if _, err := s.History(ctx, "nope"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("history of a missing entity: %v, want not found", err)
	}
}

// testFlagAssignee: flags filter by assignee.
func testFlagAssignee(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	mk := func(id, assignee string) graph.Flag {
		return graph.Flag{TransactionID: id, Assessment: graph.Assessment{Severity: graph.High, Verdict: graph.Review,
			Exposures: []graph.Exposure{}}, Status: graph.Open, Assignee: assignee, Buyer: graph.Ref{ID: "org-1", Name: "Orion"},
			PendingClear: nil, Date: "2024-06-01", Evidence: "e"}
	}
	if err := s.SaveFlags(ctx, []graph.Flag{mk("T-1", "ana"), mk("T-2", "ben"), mk("T-3", "")}); err != nil {
		t.Fatal(err)
	}
	fs, n, err := s.Flags(ctx, graph.FlagFilter{Assignee: "ana"})
	if err != nil || n != 1 || len(fs) != 1 || fs[0].TransactionID != "T-1" || fs[0].Assignee != "ana" {
		t.Errorf("flags assigned to ana: %+v (%d, %v), want T-1", fs, n, err)
	}
}
