package match

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestIndexUpdate pins Plan and Apply down against an index built anew:
// after each batch of removals, renames and additions the index answers
// every lookup, document count and frequency as one made by AddKeys
// from the entities then stored, and planning changes nothing the
// index's readers see before Apply.
func TestIndexUpdate(t *testing.T) {
	words := []string{"alpha", "beta", "gamma", "delta", "trading", "security", "systems", "optics", "vision", "zeta", "omega", "kappa"}
	rng := rand.New(rand.NewPCG(1, 2))
	name := func() []string {
		ns := []string{}
		for range 1 + rng.IntN(2) {
			n := ""
			for i := range 1 + rng.IntN(3) {
				if i > 0 {
					n += " "
				}
				n += words[rng.IntN(len(words))]
			}
			ns = append(ns, n)
		}
		return ns
	}
	var queries []string
	for _, w := range words {
		queries = append(queries, w, w[1:], w[:len(w)-1]+"x", w+" "+words[(len(w)*7)%len(words)])
	}
	stored := map[string][]string{} // entity id → its names
	x := NewIndex()
	for round := range 40 {
		var removes, adds []Doc
		taken := map[string]bool{}
		for range 1 + rng.IntN(30) {
			id := fmt.Sprintf("e%d", rng.IntN(60))
			if taken[id] {
				continue
			}
			taken[id] = true
			old, ok := stored[id]
			switch r := rng.IntN(4); {
			case ok && r == 0: // removed
				removes = append(removes, Doc{id, Keys(old)})
				delete(stored, id)
			case ok && r == 1: // added again without its old keys: re-indexed
				stored[id] = name()
				adds = append(adds, Doc{id, Keys(stored[id])})
			case ok: // renamed
				removes = append(removes, Doc{id, Keys(old)})
				stored[id] = name()
				adds = append(adds, Doc{id, Keys(stored[id])})
			default:
				stored[id] = name()
				adds = append(adds, Doc{id, Keys(stored[id])})
			}
		}
		before := answers(x, queries)
		u := x.Plan(removes, adds)
		if got := answers(x, queries); !reflect.DeepEqual(got, before) {
			t.Fatalf("round %d: planning changed the index", round)
		}
		x.Apply(u)
		want := NewIndex()
		ids := make([]string, 0, len(stored))
		for id := range stored {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			want.AddKeys(id, Keys(stored[id]))
		}
		if got, w := answers(x, queries), answers(want, queries); !reflect.DeepEqual(got, w) {
			t.Fatalf("round %d: index after the update\n got %v\nwant %v", round, got, w)
		}
	}
}

// answers is what an index's readers see of it: its document count, the
// frequency of every key and the keys near each, and the lookups.
func answers(x *Index, queries []string) map[string]any {
	out := map[string]any{"docs": x.Docs()}
	for k, ds := range x.keys {
		out["freq "+k] = len(ds)
		near := x.near(k)
		slices.Sort(near)
		out["near "+k] = near
	}
	for d, ks := range x.deletes {
		ks = slices.Clone(ks)
		slices.Sort(ks)
		out["del "+d] = ks
	}
	for _, q := range queries {
		ids := x.Lookup(q, false)
		slices.Sort(ids) // ties among equal scores are by id in both
		out["lookup "+q] = ids
	}
	return out
}

// TestStaleUpdate: an update planned before another change of the index
// is planned again when applied, not applied as it was planned.
func TestStaleUpdate(t *testing.T) {
	x := NewIndex()
	x.Add("a", []string{"Falar Networks"})
	x.Add("b", []string{"Falar Systems"})
	first := x.Plan([]Doc{{"a", Keys([]string{"Falar Networks"})}}, nil)
	second := x.Plan([]Doc{{"b", Keys([]string{"Falar Systems"})}}, []Doc{{"b", Keys([]string{"Orvane Systems"})}})
	x.Apply(first)
	x.Apply(second)
	want := NewIndex()
	want.Add("b", []string{"Orvane Systems"})
	queries := []string{"Falar", "Falar Networks", "Orvane Systems", "Systems", "Networks"}
	if got, w := answers(x, queries), answers(want, queries); !reflect.DeepEqual(got, w) {
		t.Fatalf("got %v\nwant %v", got, w)
	}
}
