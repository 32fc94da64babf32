package neo4jstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// bigUpload is n organizations in a supply chain, each owned by another:
// about 3n rows.
func bigUpload(id string, n int) graph.Upload {
	u := graph.Upload{ID: id}
	src := graph.Source{Upload: id, File: "big.csv", Row: 2}
	for i := 0; i < n; i++ {
		u.Entities = append(u.Entities, graph.Entity{ID: fmt.Sprintf("e%06d", i), Kind: graph.Organization,
			Name: fmt.Sprintf("Company %d Systems LLC", i), Country: "AA", Source: src})
		if i > 0 {
			u.Links = append(u.Links, graph.Link{Type: graph.Supplies, From: fmt.Sprintf("e%06d", i-1), To: fmt.Sprintf("e%06d", i), Source: src})
			u.Links = append(u.Links, graph.Link{Type: graph.Owns, From: fmt.Sprintf("e%06d", i/2), To: fmt.Sprintf("e%06d", i), Source: src})
		}
	}
	return u
}

// The Apply benchmarks write 60,000 rows into an empty database, in one
// transaction and in batches of their own; they measure what decided
// Config.TxRows (docs/NEO4J.md).
func BenchmarkApplyOneTransaction(b *testing.B) { benchmarkApply(b, 1<<30) }
func BenchmarkApplyBatches(b *testing.B)        { benchmarkApply(b, 1) }

func benchmarkApply(b *testing.B, txRows int) {
	cfg := config(b)
	cfg.TxRows = txRows
	u := bigUpload("u-big", 20000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := mustOpen(b, cfg)
		b.StartTimer()
		if _, err := s.Apply(context.Background(), u, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*(len(u.Entities)+len(u.Links)))/b.Elapsed().Seconds(), "rows/s")
}
