package memstore

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/gen"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/importer"
)

// unpruned is the state without its horizons: the search walks it whole.
type unpruned struct{ g *state }

func (u unpruned) Entity(id string) (graph.Entity, bool) { return u.g.Entity(id) }
func (u unpruned) Out(id string) []*graph.Link           { return u.g.Out(id) }
func (u unpruned) In(id string) []*graph.Link            { return u.g.In(id) }
func (u unpruned) Listings(id string) []graph.Listing    { return u.g.Listings(id) }
func (u unpruned) Country(code string) (graph.Country, bool) {
	return u.g.Country(code)
}
func (u unpruned) Clusters() *graph.Clusters { return u.g.Clusters() }

// TestHorizonChangesNoAnswer screens every buyer and declared end-user of
// a generated data set on its date, under several policies, with and
// without the horizon: the answers must be the same.
func TestHorizonChangesNoAnswer(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Entities: 6000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	files, err := gen.ReadCSV(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := importer.Import(context.Background(), s, files, importer.Options{}); err != nil || rep.Rejected {
		t.Fatalf("import: %v %v", err, rep.Errors)
	}
	var qs []graph.ReachQuery
	for _, tx := range s.g.txs {
		qs = append(qs, graph.ReachQuery{Start: tx.Buyer, On: tx.Date})
		if tx.EndUser != "" {
			qs = append(qs, graph.ReachQuery{Start: tx.EndUser, On: ""})
		}
	}
	short := graph.DefaultPolicy()
	short.MaxHops = 2
	noOwners := graph.DefaultPolicy()
	noOwners.Steps = []graph.Step{graph.StepCustomer, graph.StepParent, graph.StepAssociate}
	long := graph.DefaultPolicy()
	long.MaxHops = 8
	exposed := 0
	for _, p := range []graph.Policy{graph.DefaultPolicy(), short, noOwners, long} {
		for _, q := range qs {
			want := exposure.Reach(unpruned{s.g}, q, p)
			got := exposure.Reach(s.g, q, p)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("policy %+v, %s on %q: with the horizon\n%+v\nwithout\n%+v", p, q.Start, q.On, got, want)
			}
			if len(want.Exposures) > 0 {
				exposed++
			}
		}
	}
	if exposed == 0 {
		t.Fatal("no screening reached an end-user: the test compares nothing")
	}
	t.Logf("%d screenings under 4 policies, %d with exposures", 4*len(qs), exposed)
}

// TestHorizonWithListingsAndYears: on the random graphs of the reference
// checks (listings that start and end, yearly assessments), under the four
// reference policies and on days before, inside and after the listings,
// the horizon changes no answer.
func TestHorizonWithListingsAndYears(t *testing.T) {
	ctx := context.Background()
	days := []string{"", "2019-06-01", "2021-12-31", "2024-06-01", "2025-01-01"}
	compared, listed := 0, 0
	for seed := uint64(1); seed <= 20; seed++ {
		s, err := Open("")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range graphtest.RandomUploads(seed) {
			if _, err := s.Apply(ctx, u, nil); err != nil {
				t.Fatal(err)
			}
		}
		for name, p := range graphtest.ReferencePolicies() {
			for id := range s.g.entities {
				for _, day := range days {
					q := graph.ReachQuery{Start: id, On: day}
					want := exposure.Reach(unpruned{s.g}, q, p)
					if got := exposure.Reach(s.g, q, p); !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d, policy %s, %s on %q: with the horizon\n%+v\nwithout\n%+v", seed, name, id, day, got, want)
					}
					compared++
					if len(want.Listings) > 0 {
						listed++
					}
				}
			}
		}
		s.Close()
	}
	if listed == 0 {
		t.Fatal("no search met a listing: the test compares nothing new")
	}
	t.Logf("%d searches compared, %d met a listing", compared, listed)
}

// A record of jobs, flags or audit entries keeps the horizons (they are
// made of the graph, which it does not change); one that changes the
// graph drops them, and those searched since the write before are made
// again in the background, of the graph after it.
func TestHorizonKeptByRecordsOutsideTheGraph(t *testing.T) {
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	graphtest.NewBuilder("u1").Country("XR", graphtest.Yes).Org("X", "XF").Gov("G", "XR", nil).
		Link(graph.Supplies, "X", "G").MustApply(t, s)
	p := graph.DefaultPolicy()
	s.g.Horizon(p)
	for _, rec := range []*record{
		{Jobs: []graph.Job{{ID: "job-1", State: graph.JobRunning}}},
		{Flags: []graph.Flag{{TransactionID: "T-1", Status: graph.Open}}},
		{Audit: []graph.AuditEntry{{By: "alice", Action: "review"}}},
	} {
		if err := s.commit(ctx, rec, copyValues); err != nil {
			t.Fatal(err)
		}
		if s.g.horizons == nil {
			t.Fatalf("a record of %+v dropped the horizons", rec)
		}
	}
	if h, _ := s.g.horizon(exposure.HorizonKey(p)); h["Y"] > 0 {
		t.Fatal("Y is in the horizon before it is stored")
	}
	graphtest.NewBuilder("u2").Org("Y", "XF").Link(graph.Supplies, "Y", "G").MustApply(t, s)
	s.background.Wait()
	h, ok := s.g.horizon(exposure.HorizonKey(p))
	if !ok {
		t.Fatal("the horizon dropped by the upload was not made again")
	}
	if _, ok := h["Y"]; !ok {
		t.Errorf("the horizon made after the upload is the one before it: %v", h)
	}
	// No search asked for it since: the next write does not make it again.
	graphtest.NewBuilder("u3").Org("Z", "XF").MustApply(t, s)
	s.background.Wait()
	if _, ok := s.g.horizon(exposure.HorizonKey(p)); ok {
		t.Error("a horizon no search asked for since the last write was made again")
	}
}

// TestSearchesDoNotWaitForAHorizon: while one search builds a policy's
// horizon, another searches without it (same answer) instead of waiting,
// and leaves the building to the first.
func TestSearchesDoNotWaitForAHorizon(t *testing.T) {
	ctx := context.Background()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).Org("X", "XF").Org("Y", "XF").
		Owns("G", "X", graphtest.Pct(60)).Link(graph.Supplies, "Y", "X").MustApply(t, s)
	p := graph.DefaultPolicy()
	q := []graph.ReachQuery{{Start: "Y"}}
	want, err := s.Reach(ctx, q, p)
	if err != nil || len(want[0].Exposures) == 0 {
		t.Fatalf("Y reaches nothing (%v): the test compares nothing", err)
	}
	s.g.horizons = nil
	s.g.building.Lock() // a search building the horizon
	done := make(chan []graph.Reach)
	go func() {
		got, _ := s.Reach(ctx, q, p)
		done <- got
	}()
	select {
	case got := <-done:
		if !reflect.DeepEqual(got, want) {
			t.Errorf("searched without the horizon: %+v, want %+v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the search waited for the horizon being built")
	}
	s.g.building.Unlock()
	if _, ok := s.g.horizon(exposure.HorizonKey(p)); ok {
		t.Error("the search that did not build the horizon stored one")
	}
}
