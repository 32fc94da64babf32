package memstore_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/gen"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

// benchScale is the generated data set of the benchmarks: 28,600 entities,
// about 109,000 rows (docs/BENCHMARKS.md).
const benchScale = 28600

var benchData = sync.OnceValues(func() (graph.Upload, error) {
	dir, err := os.MkdirTemp("", "hopcheck-bench-")
	if err != nil {
		return graph.Upload{}, err
	}
	defer os.RemoveAll(dir)
	if _, err := gen.Write(dir, gen.Config{Entities: benchScale, Seed: 1}); err != nil {
		return graph.Upload{}, err
	}
	files, err := gen.ReadCSV(dir)
	if err != nil {
		return graph.Upload{}, err
	}
	s, _ := memstore.Open("")
	u, _, err := importer.Read(context.Background(), s, files, importer.Options{})
	return u, err
})

// loaded returns a store in memory holding the generated data set.
func loaded(b *testing.B) (*memstore.Store, graph.Upload) {
	b.Helper()
	u, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	s, err := memstore.Open("")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(context.Background(), u, nil); err != nil {
		b.Fatal(err)
	}
	return s, u
}

// buyers are the screenings of the benchmarks: each transaction's buyer on its date.
func buyers(u graph.Upload) []graph.ReachQuery {
	qs := make([]graph.ReachQuery, len(u.Transactions))
	for i, t := range u.Transactions {
		qs[i] = graph.ReachQuery{Start: t.Buyer, On: t.Date}
	}
	return qs
}

func BenchmarkReach(b *testing.B) {
	s, u := loaded(b)
	qs, p := buyers(u), graph.DefaultPolicy()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, err := s.Reach(context.Background(), qs[i%len(qs):i%len(qs)+1], p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkScreen(b *testing.B) {
	s, u := loaded(b)
	qs := buyers(u)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		if _, err := ev.Entity(context.Background(), q.Start, q.On); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRefresh flags every transaction of the data set (2,860).
func BenchmarkRefresh(b *testing.B) {
	s, u := loaded(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now) // a new clock each round: flags are rewritten
		b.StartTimer()
		if _, err := ev.Refresh(context.Background(), ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(u.Transactions)), "ns/transaction")
}

// BenchmarkApply writes the data set into an empty durable store.
func BenchmarkApply(b *testing.B) {
	u, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	rows := len(u.Entities) + len(u.Links) + len(u.Countries) + len(u.Transactions)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := memstore.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.Apply(context.Background(), u, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkOpen replays a data directory holding the data set and its flags.
func BenchmarkOpen(b *testing.B) {
	u, err := benchData()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Apply(context.Background(), u, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now).Refresh(context.Background(), ""); err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ReportAllocs()
	for b.Loop() {
		s, err := memstore.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
