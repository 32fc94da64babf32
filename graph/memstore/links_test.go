package memstore

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func TestKeyIs(t *testing.T) {
	l := &graph.Link{Type: graph.Owns, From: "a|b", To: "c", Role: "r", ValidFrom: "2020-01-01"}
	for _, tc := range []struct {
		k    string
		want bool
	}{
		{l.Key(), true},
		{"OWNS|a|b|c|r|2020-01-01", true},
		{"OWNS|a|b|c|r|2020-01-0", false},
		{"OWNS|a|b|c|r|2020-01-011", false},
		{"OWNS|a|b|c|r", false},
		{"OWNS|a|b|c||2020-01-01", false},
		{"CONTROLS|a|b|c|r|2020-01-01", false},
		{"", false},
	} {
		if got := keyIs(l, tc.k); got != tc.want {
			t.Errorf("keyIs(%q) = %v, want %v", tc.k, got, tc.want)
		}
	}
	// Ids holding the separator make the same key as Key does.
	m := &graph.Link{Type: graph.Owns, From: "a", To: "b|c", Role: "r", ValidFrom: "2020-01-01"}
	if !keyIs(m, l.Key()) {
		t.Error("keyIs differs from Key for ids holding |")
	}
}

func TestLinkIndex(t *testing.T) {
	links := []*graph.Link{
		{Type: graph.Owns, From: "A", To: "B"},
		{Type: graph.Owns, From: "A", To: "C"},
		{Type: graph.Supplies, From: "B", To: "C", Role: "x"},
	}
	for _, tc := range []struct {
		name string
		hash func(string) uint64
	}{
		{"real hash", newLinkIndex(0).hash},
		{"every key collides", func(string) uint64 { return 7 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := newLinkIndex(0)
			x.hash = tc.hash
			for _, l := range links {
				if _, ok := x.get(l.Key()); ok {
					t.Fatalf("%s found before it was added", l.Key())
				}
				x.add(l.Key(), l)
			}
			if x.len() != len(links) {
				t.Fatalf("len %d, want %d", x.len(), len(links))
			}
			for _, l := range links {
				if got, ok := x.get(l.Key()); !ok || got != l {
					t.Errorf("get(%s) = %v, %v", l.Key(), got, ok)
				}
			}
			if _, ok := x.get("OWNS|A|D||"); ok {
				t.Error("found a link never added")
			}
			sorted := x.sorted()
			for i := 1; i < len(sorted); i++ {
				if sorted[i-1].Key() >= sorted[i].Key() {
					t.Errorf("sorted out of order: %s, %s", sorted[i-1].Key(), sorted[i].Key())
				}
			}
		})
	}
}

// A link read from a store whose end names no entity (Check reports it)
// is still walkable, and the entity stored later takes its links.
func TestLinkEndWithoutEntity(t *testing.T) {
	g := newState()
	l := graph.Link{Type: graph.Owns, From: "A", To: "B"}
	g.put(&record{Entities: []graph.Entity{{ID: "A", Kind: graph.Organization, Name: "A"}}, Links: []graph.Link{l}}, nil, copyValues)
	if got := g.checkIndexes(); len(got) != 1 || got[0] != `link OWNS|A|B||: no entity "B"` {
		t.Fatalf("check = %q, want the missing entity B", got)
	}
	if len(g.Out("A")) != 1 || len(g.In("B")) != 1 {
		t.Fatalf("out of A %d, in of B %d links, want 1 and 1", len(g.Out("A")), len(g.In("B")))
	}
	g.put(&record{Entities: []graph.Entity{{ID: "B", Kind: graph.Organization, Name: "B"}}}, nil, copyValues)
	if got := g.checkIndexes(); len(got) != 0 {
		t.Fatalf("check = %q after B is stored", got)
	}
	if len(g.In("B")) != 1 || len(g.ends) != 0 {
		t.Fatalf("in of B %d links, %d ends left; want 1 and 0", len(g.In("B")), len(g.ends))
	}
	if e, ok := g.Entity("B"); !ok || e.Name != "B" {
		t.Fatalf("entity B = %+v, %v", e, ok)
	}
}
