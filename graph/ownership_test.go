package graph_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func TestOwnershipText(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	chain := func(stakes ...*float64) graph.Exposure {
		var x graph.Exposure
		for _, p := range stakes {
			x.Steps = append(x.Steps, graph.PathStep{Type: graph.Owns, Percent: p})
		}
		return x
	}
	for _, tt := range []struct {
		name string
		a    graph.Assessment
		want string
	}{
		{"no owner chain", graph.Assessment{}, ""},
		{"every stake known", graph.Assessment{EffectiveOwnership: pct(55), Ownership: []graph.Exposure{chain(pct(55))}}, "55%"},
		{"known and zero", graph.Assessment{EffectiveOwnership: pct(0), Ownership: []graph.Exposure{chain(pct(0))}}, "0%"},
		{"every stake unknown", graph.Assessment{EffectiveOwnership: pct(0), Ownership: []graph.Exposure{chain(nil)}}, "unknown"},
		{"some stakes unknown", graph.Assessment{EffectiveOwnership: pct(30),
			Ownership: []graph.Exposure{chain(pct(30)), chain(pct(60), nil)}}, "at least 30% (some stakes unknown)"},
		{"a fraction", graph.Assessment{EffectiveOwnership: pct(12.5), Ownership: []graph.Exposure{chain(pct(50), pct(25))}}, "12.5%"},
	} {
		if got := tt.a.OwnershipText(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
