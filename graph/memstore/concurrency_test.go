package memstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/gen"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

// A screening does not wait for a flag-all: while every transaction is
// being re-evaluated and a writer (an upload job's progress) waits for the
// graph, a read is answered before the re-evaluation ends. Before, the
// whole batch held the read lock, the waiting writer held back every new
// reader behind it, and screening stalled for the whole re-evaluation.
func TestReadersDoNotWaitForAFlagAll(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Entities: 2000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	files, err := gen.ReadCSV(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, _, err := importer.Read(ctx, s, files, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, u, nil); err != nil {
		t.Fatal(err)
	}
	// A batch far longer than the test: it is cancelled once the read is in.
	var qs []graph.ReachQuery
	for len(qs) < 200_000 {
		for _, tx := range u.Transactions {
			qs = append(qs, graph.ReachQuery{Start: tx.Buyer, On: tx.Date})
		}
	}
	batch, cancel := context.WithCancel(ctx)
	defer cancel()
	reached := make(chan error, 1)
	go func() {
		_, err := s.Reach(batch, qs, graph.DefaultPolicy())
		reached <- err
	}()
	time.Sleep(50 * time.Millisecond) // the batch is under way

	wrote := make(chan error, 1)
	go func() { wrote <- s.SaveJob(ctx, graph.Job{ID: "job-progress", State: graph.JobRunning}) }()
	time.Sleep(50 * time.Millisecond) // the writer is in, or waiting for the graph

	if _, err := s.Entity(ctx, u.Entities[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-reached; err == nil {
		t.Errorf("the read was answered only once all %d searches of the batch had run: readers waited for it", len(qs))
	}
}

// Audit entries are written beside searches (they are under a lock of
// their own): writing one must not touch the name indexes a search reads.
// The race detector (make test runs it) fails this test when it does.
func TestAuditBesideSearches(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Apply(ctx, graph.Upload{Entities: []graph.Entity{{ID: "A", Kind: graph.Organization, Name: "Falar Networks", Country: "XF"}}}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		var err error
		for i := 0; i < 200 && err == nil; i++ {
			err = s.AppendAudit(ctx, graph.AuditEntry{By: "alice", Action: "screen"})
		}
		done <- err
	}()
	for range 200 {
		// Not the exact name: scoring a near one reads the index's counts.
		if ms, err := s.Search(ctx, graph.SearchQuery{Text: "Falar Network Systems"}); err != nil || len(ms) == 0 {
			t.Fatalf("search: %v, %v", ms, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
