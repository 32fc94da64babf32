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
