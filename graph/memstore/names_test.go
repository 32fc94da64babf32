package memstore

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// TestWritesKeepNameIndexes: after each write of renamed, re-aliased and
// new entities, planned before the lock (prepare) or in put, the name
// indexes answer as ones built from the entities then stored.
func TestWritesKeepNameIndexes(t *testing.T) {
	words := []string{"Falar", "Orvane", "Kestrel", "Brindle", "Tamsin", "Networks", "Systems", "Vision", "Labs", "Trading"}
	rng := rand.New(rand.NewPCG(3, 4))
	name := func() string { return words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))] }
	g := newState()
	for round := range 30 {
		r := &record{}
		taken := map[string]bool{}
		for range 1 + rng.IntN(12) {
			id := fmt.Sprintf("E%d", rng.IntN(25))
			if taken[id] {
				continue
			}
			taken[id] = true
			e := graph.Entity{ID: id, Kind: graph.Organization, Name: name()}
			if old, ok := g.entity(id); ok && rng.IntN(3) == 0 {
				e.Name = old.Name // the same name, other aliases
			}
			for range rng.IntN(3) {
				e.Aliases = append(e.Aliases, name())
			}
			r.Entities = append(r.Entities, e)
		}
		var prep *reindexing
		if round%2 == 0 {
			prep = g.prepare(r)
		}
		g.put(r, prep, copyValues)

		want := &state{entities: g.entities}
		want.nameIndexes()
		if got, w := nameAnswers(g, words), nameAnswers(want, words); !reflect.DeepEqual(got, w) {
			t.Fatalf("round %d:\n got %v\nwant %v", round, got, w)
		}
	}
}

// nameAnswers is what readers see of a state's name indexes: the ids of
// every name key, in order, and the search's candidates for each pair of words.
func nameAnswers(g *state, words []string) map[string][]string {
	out := map[string][]string{}
	for k, ids := range g.names {
		out["= "+k] = slices.Sorted(slices.Values(ids)) // in no order: a rebuild adds them in the map's
	}
	for _, a := range words {
		for _, b := range words {
			ids := g.search.Lookup(a+" "+b, false)
			slices.Sort(ids)
			out["? "+a+" "+b] = ids
		}
	}
	return out
}
