package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

// TestCreateCollides has another upload store the same entities, link and
// transaction between an upload's plan (which finds them missing and so
// CREATEs them) and its writes. The unique constraints refuse the CREATEs
// and the upload merges instead: it succeeds, nothing is stored twice, and
// the result is what the upload alone would give (it restates every field
// the other one states).
func TestCreateCollides(t *testing.T) {
	pct := func(v float64) *float64 { return &v }
	src := func(upload string, row int) graph.Source {
		return graph.Source{Upload: upload, File: upload + ".csv", Row: row}
	}
	mine := graph.Upload{
		Entities: []graph.Entity{
			{ID: "e1", Kind: graph.Organization, Name: "Alpha One", Country: "FR", Role: "holding", Source: src("a", 1)},
			{ID: "e2", Kind: graph.Organization, Name: "Beta Two", Country: "FR", Source: src("a", 2)},
			{ID: "e3", Kind: graph.Person, Name: "Carla Three", Country: "FR", Source: src("a", 3)},
		},
		Links: []graph.Link{
			{Type: graph.Owns, From: "e1", To: "e2", Percent: pct(60), Source: src("a", 4)},
			{Type: graph.Controls, From: "e3", To: "e1", Role: "director", Source: src("a", 5)},
		},
		Transactions: []graph.Transaction{
			{ID: "t1", Date: "2024-05-01", Buyer: "e2", Seller: "e1", Product: "camera", Source: src("a", 6)},
		},
	}
	other := graph.Upload{
		Entities: []graph.Entity{
			{ID: "e1", Kind: graph.Organization, Name: "Alpha Old", Country: "DE", Source: src("b", 1)},
			{ID: "e2", Kind: graph.Organization, Name: "Beta Old", Source: src("b", 2)},
		},
		Links: []graph.Link{
			{Type: graph.Owns, From: "e1", To: "e2", Percent: pct(40), Source: src("b", 3)},
		},
		Transactions: []graph.Transaction{
			{ID: "t1", Date: "2024-05-01", Buyer: "e2", Product: "lens", Source: src("b", 4)},
		},
	}
	mem, _ := memstore.Open("")
	if _, err := mem.Apply(context.Background(), mine, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := mem.Export(context.Background())

	for _, c := range []struct {
		name           string
		txRows, writer int
	}{
		{"one transaction", 0, 0},
		{"batches", 1, 1},
		{"batches on two sessions", 1, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config(t)
			cfg.TxRows, cfg.BatchRows, cfg.Writers = c.txRows, 1, c.writer
			s := mustOpen(t, cfg)
			s2, err := neo4jstore.Open(context.Background(), config(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			plans := 0
			s.AfterPlan(func() {
				if plans++; plans == 1 {
					if _, err := s2.Apply(context.Background(), other, nil); err != nil {
						t.Errorf("the other upload: %v", err)
					}
				}
			})
			res, err := s.Apply(context.Background(), mine, nil)
			if err != nil {
				t.Fatalf("upload whose rows another upload stored after its plan: %v", err)
			}
			t.Logf("plans: %d, result %+v", plans, res)
			got, err := s.Export(context.Background())
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("after the collision (%v)\n got %s\nwant %s", err, js(got), js(want))
			}
			if st, _ := s.Stats(context.Background()); st.Links[graph.Owns] != 1 || st.Links[graph.Controls] != 1 || st.Transactions != 1 {
				t.Errorf("stored %v links and %d transactions, want one of each (none twice)", st.Links, st.Transactions)
			}
		})
	}
}
