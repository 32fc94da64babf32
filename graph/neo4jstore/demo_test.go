package neo4jstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/demo"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

// TestDemoThroughImporter loads the demo workbook through the importer into
// Neo4j and the embedded store, and requires the same stored flags, review
// reopening included: the whole product path on both stores.
func TestDemoThroughImporter(t *testing.T) {
	ctx := context.Background()
	neo := mustOpen(t, config(t))
	mem, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := demo.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	files := []importer.File{{Name: "demo.xlsx", Data: xlsx}}
	now := func() time.Time { return time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC) }
	flags := func(s graph.Store) string {
		rep, err := importer.Import(ctx, s, files, importer.Options{})
		if err != nil || rep.Rejected {
			t.Fatalf("import: %v %+v", err, rep.Errors)
		}
		ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), now)
		if _, err := ev.Refresh(ctx, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := ev.Review(ctx, "T-1013", graph.Confirmed, "ana", "front company"); err != nil {
			t.Fatal(err)
		}
		// New evidence: Beltech's stake in Orion Holding rises to 90%.
		u := graph.Upload{ID: "u-more", Links: []graph.Link{{Type: graph.Owns, From: "GOV-BY-BSH", To: "ORG-ORH",
			Percent: ptr(90.0), Source: graph.Source{Upload: "u-more", File: "more.csv", Row: 2}}}}
		if _, err := s.Apply(ctx, u, nil); err != nil {
			t.Fatal(err)
		}
		if res, err := ev.Refresh(ctx, ""); err != nil || res.Reopened != 1 {
			t.Fatalf("refresh after new evidence: %+v %v", res, err)
		}
		fl, _, err := s.Flags(ctx, graph.FlagFilter{All: true})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.MarshalIndent(fl, "", " ")
		return string(b)
	}
	if a, b := flags(mem), flags(neo); a != b {
		t.Errorf("flags differ\nembedded: %s\nneo4j: %s", a, b)
	}
}

func ptr[T any](v T) *T { return &v }
