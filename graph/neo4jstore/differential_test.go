package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

// TestDifferential loads random graphs into the embedded store and Neo4j
// and requires the same answers from both: write counts, the export, the
// raw path search for every entity, and the flags of every transaction,
// under the default policy and under narrower ones.
func TestDifferential(t *testing.T) {
	cfg := config(t)
	seeds := 50
	if testing.Short() {
		seeds = 10
	}
	policies := graphtest.ReferencePolicies()
	narrow := graph.DefaultPolicy()
	narrow.MaxHops, narrow.OwnershipDepth, narrow.OwnershipThreshold = 3, 2, 25
	narrow.Steps = []graph.Step{graph.StepOwner, graph.StepCustomer, graph.StepParent, graph.StepAssociate}
	policies["narrow"] = narrow
	noParent := graph.DefaultPolicy()
	noParent.Steps = []graph.Step{graph.StepController, graph.StepOffice, graph.StepPrincipal}
	noParent.MaxHops = 1
	policies["one hop, no parent"] = noParent

	ctx := context.Background()
	now := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		mem, err := memstore.Open("")
		if err != nil {
			t.Fatal(err)
		}
		neo := mustOpen(t, cfg)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("seed %d: %s", seed, fmt.Sprintf(format, args...))
		}
		uploads := graphtest.RandomUploads(seed)
		for i, u := range uploads {
			want, err1 := mem.Apply(ctx, u, nil)
			got, err2 := neo.Apply(ctx, u, nil)
			if graph.ErrorCode(err1) != graph.ErrorCode(err2) || (err1 == nil && err2 == nil && got != want) {
				fail("upload %d: neo4j %+v (%v), embedded %+v (%v)", i, got, err2, want, err1)
			}
		}
		wantExp, _ := mem.Export(ctx)
		gotExp, err := neo.Export(ctx)
		if err != nil {
			fail("export: %v", err)
		}
		for _, part := range []struct {
			name      string
			got, want any
		}{{"entities", gotExp.Entities, wantExp.Entities}, {"countries", gotExp.Countries, wantExp.Countries},
			{"links", gotExp.Links, wantExp.Links}, {"transactions", gotExp.Transactions, wantExp.Transactions},
			{"lists", gotExp.Lists, wantExp.Lists}, {"listings", gotExp.Listings, wantExp.Listings}} {
			if !reflect.DeepEqual(part.got, part.want) {
				fail("export differs in %s\nneo4j    %s\nembedded %s", part.name, js(part.got), js(part.want))
			}
		}
		same := func(what string, got, want any, err error) {
			t.Helper()
			if err != nil || !reflect.DeepEqual(got, want) {
				fail("%s (%v)\nneo4j    %s\nembedded %s", what, err, js(got), js(want))
			}
		}
		var keys []string
		for i, e := range wantExp.Entities {
			keys = append(keys, graph.NameKey(e.Name))
			if i%5 == 0 {
				want, _ := mem.Links(ctx, e.ID)
				got, err := neo.Links(ctx, e.ID)
				same("links of "+e.ID, got, want, err)
				wantH, _ := mem.History(ctx, e.ID)
				gotH, err := neo.History(ctx, e.ID)
				same("history of "+e.ID, gotH, wantH, err)
				nq := graph.NeighborhoodQuery{Depth: 2, Limit: 8}
				wantN, _ := mem.Neighborhood(ctx, e.ID, nq)
				gotN, err := neo.Neighborhood(ctx, e.ID, nq)
				same("neighbourhood of "+e.ID, gotN, wantN, err)
			}
		}
		wantNames, _ := mem.EntitiesByName(ctx, keys)
		gotNames, err := neo.EntitiesByName(ctx, keys)
		same("entities by name", gotNames, wantNames, err)
		for _, q := range []graph.SearchQuery{{Text: "Entity 1"}, {Text: "entity 12", Limit: 3}, {Text: "Ent"}, {Text: "Entity 7", Country: "AA"},
			{Text: "entty 2", Kind: graph.Person}, {Text: "nothing"}} {
			want, _ := mem.Search(ctx, q)
			got, err := neo.Search(ctx, q)
			same(fmt.Sprintf("search %+v", q), got, want, err)
		}
		txs, err := neo.Transactions(ctx, nil)
		if err != nil {
			fail("transactions: %v", err)
		}
		var qs []graph.ReachQuery
		for _, e := range wantExp.Entities {
			for _, on := range []string{"2024-06-01", "2021-03-15"} {
				qs = append(qs, graph.ReachQuery{Start: e.ID, On: on})
			}
		}
		qs = append(qs, graph.ReachQuery{Start: "ghost", On: "2024-06-01"})
		for name, p := range policies {
			want, _ := mem.Reach(ctx, qs, p)
			got, err := neo.Reach(ctx, qs, p)
			if err != nil {
				fail("policy %s: reach: %v", name, err)
			}
			for i := range qs {
				if !reflect.DeepEqual(got[i], want[i]) {
					fail("policy %s: reach from %s on %s\nneo4j    %s\nembedded %s", name, qs[i].Start, qs[i].On, js(got[i]), js(want[i]))
				}
			}
			wantA, _ := exposure.NewEvaluator(mem, p, now).Assess(ctx, txs)
			gotA, err := exposure.NewEvaluator(neo, p, now).Assess(ctx, txs)
			if err != nil {
				fail("policy %s: assess: %v", name, err)
			}
			for i := range txs {
				if !reflect.DeepEqual(gotA[i], wantA[i]) {
					fail("policy %s: flag of %s\nneo4j    %s\nembedded %s", name, txs[i].ID, js(gotA[i]), js(wantA[i]))
				}
			}
		}
		mem.Close()
	}
}

func js(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}
