package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/hopcheck/hopcheck/gen"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
	"github.com/hopcheck/hopcheck/importer"
)

// reachScale is the generated data set of the Reach benchmarks: 10,000
// entities, about 38,000 rows (docs/BENCHMARKS.md).
const reachScale = 10000

// generated returns a store holding the generated data set, and each
// transaction's buyer on its date.
func generated(b *testing.B) (*neo4jstore.Store, []graph.ReachQuery) {
	b.Helper()
	s := mustOpen(b, config(b))
	dir := b.TempDir()
	if _, err := gen.Write(dir, gen.Config{Entities: reachScale, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	files, err := gen.ReadCSV(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rep, err := importer.Import(ctx, s, files, importer.Options{})
	if err != nil || rep.Rejected {
		b.Fatalf("import: %v %v", err, rep.Errors)
	}
	txs, err := s.Transactions(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	qs := make([]graph.ReachQuery, len(txs))
	for i, t := range txs {
		qs[i] = graph.ReachQuery{Start: t.Buyer, On: t.Date}
	}
	return s, qs
}

// dbHits reports the database hits of the Reach query (PROFILE) per start,
// over the first 100 starts of qs in calls of batch starts. It runs after
// the timed loop: ResetTimer would delete the metric.
func dbHits(b *testing.B, s *neo4jstore.Store, qs []graph.ReachQuery, p graph.Policy, batch int) {
	b.Helper()
	const starts = 100
	var hits int64
	for lo := 0; lo < starts; lo += batch {
		h, err := s.ProfileReach(context.Background(), qs[lo:lo+batch], p)
		if err != nil {
			b.Fatal(err)
		}
		hits += h
	}
	b.ReportMetric(float64(hits)/starts, "dbhits/start")
}

// BenchmarkReachSingle is one screening's path search: one start a call.
func BenchmarkReachSingle(b *testing.B) {
	s, qs := generated(b)
	p := graph.DefaultPolicy()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		if _, err := s.Reach(context.Background(), []graph.ReachQuery{q}, p); err != nil {
			b.Fatal(err)
		}
		i++
	}
	dbHits(b, s, qs, p, 1)
}

// BenchmarkReachBatch is the path search of flagging: 100 starts a call.
func BenchmarkReachBatch(b *testing.B) {
	s, qs := generated(b)
	p := graph.DefaultPolicy()
	const batch = 100
	b.ResetTimer()
	i := 0
	for b.Loop() {
		lo := (i * batch) % (len(qs) - batch)
		if _, err := s.Reach(context.Background(), qs[lo:lo+batch], p); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/start")
	dbHits(b, s, qs, p, batch)
}
