package neo4jstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
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
	policies := map[string]graph.Policy{"default": graph.DefaultPolicy()}
	narrow := graph.DefaultPolicy()
	narrow.MaxHops, narrow.OwnershipDepth, narrow.OwnershipThreshold = 3, 2, 25
	narrow.Steps = []graph.Step{graph.StepOwner, graph.StepCustomer, graph.StepParent, graph.StepAssociate}
	policies["narrow"] = narrow
	wide := graph.DefaultPolicy()
	wide.MaxHops, wide.OwnershipDepth = 6, 12
	policies["wide"] = wide
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
		uploads := randomUploads(seed)
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
		if !reflect.DeepEqual(gotExp, wantExp) {
			fail("export differs\nneo4j    %s\nembedded %s", js(gotExp), js(wantExp))
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

// randomUploads makes a random graph of about forty entities with every
// link type, unknown and known percents, validity windows, restrictive
// flags and countries, and transactions; as two uploads, the second
// restating part of the first with changes.
func randomUploads(seed uint64) []graph.Upload {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	src := func(upload, sheet string, row int) graph.Source {
		return graph.Source{Upload: upload, File: upload + ".xlsx", Sheet: sheet, Row: row, Evidence: fmt.Sprintf("row %d", row)}
	}
	yes, no := true, false
	tri := func() *bool {
		switch r.IntN(3) {
		case 0:
			return &yes
		case 1:
			return &no
		}
		return nil
	}
	u := graph.Upload{ID: "u-1", Files: []string{"u-1.xlsx"}}
	codes := []string{"AA", "BB", "CC", "DD"} // DD is never stored
	for i, c := range codes[:3] {
		u.Countries = append(u.Countries, graph.Country{Code: c, Name: "Country " + c, Restrictive: tri(), Source: src("u-1", "Countries", i+2)})
	}
	n := 30 + r.IntN(20)
	ids := make([]string, n)
	for i := range ids {
		// Ids of varied length, so that ties between paths order by id text.
		ids[i] = fmt.Sprintf("%c%d", 'a'+r.IntN(6), i)
		e := graph.Entity{ID: ids[i], Name: fmt.Sprintf("Entity %d", i), Country: codes[r.IntN(len(codes))], Source: src("u-1", "Entities", i+2)}
		switch r.IntN(3) {
		case 0:
			e.Kind, e.Role = graph.Organization, "distributor"
		case 1:
			e.Kind, e.Position = graph.Person, "director"
		default:
			e.Kind, e.BodyKind, e.Restrictive = graph.GovernmentBody, "police", tri()
		}
		u.Entities = append(u.Entities, e)
	}
	days := []string{"", "", "", "2020-01-01", "2022-06-30", "2024-06-01", "2024-06-02", "2019-12-31"}
	m := n * 2
	for i := 0; i < m; i++ {
		l := graph.Link{Type: graph.LinkTypes[r.IntN(len(graph.LinkTypes))], From: ids[r.IntN(n)], To: ids[r.IntN(n)],
			Source: src("u-1", "Links", i+2)}
		if l.From == l.To {
			continue
		}
		if l.Type == graph.Owns && r.IntN(4) > 0 {
			p := float64(r.IntN(101))
			if r.IntN(3) == 0 {
				p += 0.5
			}
			l.Percent = &p
		}
		if r.IntN(3) == 0 {
			l.Role = []string{"director", "brother", "agent"}[r.IntN(3)]
		}
		if r.IntN(3) == 0 {
			l.ValidFrom = days[r.IntN(len(days))]
			l.ValidTo = days[r.IntN(len(days))]
			if l.ValidTo != "" && l.ValidTo < l.ValidFrom {
				l.ValidFrom, l.ValidTo = l.ValidTo, l.ValidFrom
			}
		}
		u.Links = append(u.Links, l)
		if r.IntN(8) == 0 { // the same ends once more, as another fact
			l2 := l
			l2.Role, l2.Source = "second", src("u-1", "Links", 1000+i)
			u.Links = append(u.Links, l2)
		}
	}
	for i := 0; i < 10; i++ {
		t := graph.Transaction{ID: fmt.Sprintf("T-%02d", i), Date: []string{"2024-06-01", "2021-03-15"}[r.IntN(2)],
			Buyer: ids[r.IntN(n)], Product: "camera", Source: src("u-1", "Transactions", i+2)}
		if r.IntN(2) == 0 {
			t.EndUser = ids[r.IntN(n)]
		}
		if r.IntN(2) == 0 {
			t.Seller = ids[r.IntN(n)]
		}
		if r.IntN(2) == 0 {
			t.ShipTo = codes[r.IntN(len(codes))]
		}
		u.Transactions = append(u.Transactions, t)
	}

	// The second upload restates some rows, with changes or as they were.
	u2 := graph.Upload{ID: "u-2", Files: []string{"u-2.xlsx"}}
	u2.Countries = append(u2.Countries, graph.Country{Code: codes[r.IntN(3)], Restrictive: tri(), Source: src("u-2", "Countries", 2)})
	for i, e := range u.Entities {
		switch r.IntN(6) {
		case 0:
			e.Restrictive, e.Name, e.Source = tri(), "", src("u-2", "Entities", i+2)
			u2.Entities = append(u2.Entities, e)
		case 1:
			u2.Entities = append(u2.Entities, e) // unchanged
		}
	}
	for i, l := range u.Links {
		if r.IntN(5) == 0 {
			if l.Type == graph.Owns && r.IntN(2) == 0 {
				p := float64(r.IntN(101))
				l.Percent = &p
			}
			l.Source = src("u-2", "Links", i+2)
			u2.Links = append(u2.Links, l)
		}
	}
	for i, t := range u.Transactions {
		if r.IntN(4) == 0 {
			t.Buyer, t.Source = ids[r.IntN(n)], src("u-2", "Transactions", i+2)
			u2.Transactions = append(u2.Transactions, t)
		}
	}
	return []graph.Upload{u, u2}
}
