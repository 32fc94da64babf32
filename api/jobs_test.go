package api_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
)

// stuckStore writes nothing until the context ends, like a store that
// hangs; or fails at once when fail is set.
type stuckStore struct {
	graph.Store
	fail bool
}

func (s stuckStore) Apply(ctx context.Context, u graph.Upload, progress func(done, total int)) (graph.WriteResult, error) {
	if s.fail {
		return graph.WriteResult{}, graph.Errorf(graph.EUNAVAILABLE, "neo4j is not reachable")
	}
	<-ctx.Done()
	return graph.WriteResult{}, ctx.Err()
}

func (s *testServer) waitState(id string, want graph.JobState) graph.Job {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var j graph.Job
		s.mustJSON("GET", "/api/v1/uploads/"+id, nil, 200, &j)
		if j.State == want {
			return j
		}
		if j.State.Final() || time.Now().After(deadline) {
			s.t.Fatalf("job %s is %s, want %s: %+v", id, j.State, want, j)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestShutdownInterruptsRunningJob(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bg := api.NewBackground(ctx)
	s := mustServer(t, false, func(d *api.Deps) { d.Store, d.Background = stuckStore{Store: d.Store}, bg })
	w := s.upload("/api/v1/uploads", demoFiles(), nil)
	if w.Code != 202 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(w.Header().Get("Location"), "/api/v1/uploads/")
	j := s.waitState(id, graph.JobWriting)
	if j.Progress.Phase != "validating" || j.Progress.Total == 0 || j.Progress.Done != j.Progress.Total {
		t.Errorf("progress of a job writing: %+v", j.Progress)
	}
	cancel() // the server stops
	bg.Wait()
	j = s.waitState(id, graph.JobInterrupted)
	if !strings.Contains(j.Error, "again") {
		t.Errorf("interrupted job's error should say to upload again: %q", j.Error)
	}
	var st graph.Stats
	s.mustJSON("GET", "/api/v1/stats", nil, 200, &st)
	if st.Transactions != 0 {
		t.Errorf("interrupted upload wrote %+v", st)
	}
}

func TestStoreFailureFailsJob(t *testing.T) {
	s := mustServer(t, false, func(d *api.Deps) { d.Store = stuckStore{Store: d.Store, fail: true} })
	w := s.upload("/api/v1/uploads", demoFiles(), nil)
	id := strings.TrimPrefix(w.Header().Get("Location"), "/api/v1/uploads/")
	j := s.mustFinish(id)
	if j.State != graph.JobFailed || !strings.HasPrefix(j.Error, "neo4j is not reachable; upload the same files again") || len(j.Report) == 0 {
		t.Errorf("failed job: %+v", j)
	}
}

// downStore is a store that goes down during an upload, like Neo4j
// stopped while writing: Apply fails as unavailable, and so does saving a
// job until the store is back.
type downStore struct {
	graph.Store
	down    atomic.Bool
	refused atomic.Int32 // saves of a job's outcome refused while down
}

func (s *downStore) Apply(ctx context.Context, u graph.Upload, progress func(done, total int)) (graph.WriteResult, error) {
	s.down.Store(true)
	return graph.WriteResult{}, graph.Errorf(graph.EUNAVAILABLE, "neo4j is not reachable")
}

func (s *downStore) SaveJob(ctx context.Context, j graph.Job) error {
	if s.down.Load() {
		if j.State.Final() {
			s.refused.Add(1)
		}
		return graph.Errorf(graph.EUNAVAILABLE, "neo4j is not reachable")
	}
	return s.Store.SaveJob(ctx, j)
}

// TestFailedJobSavedWhenStoreIsBack checks that a job whose store went
// down does not stay "writing": its outcome is saved once the store answers.
func TestFailedJobSavedWhenStoreIsBack(t *testing.T) {
	ds := &downStore{}
	s := mustServer(t, false, func(d *api.Deps) { ds.Store = d.Store; d.Store = ds })
	w := s.upload("/api/v1/uploads", demoFiles(), nil)
	if w.Code != 202 {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(w.Header().Get("Location"), "/api/v1/uploads/")
	deadline := time.Now().Add(30 * time.Second)
	for ds.refused.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the job's outcome was offered %d times while the store was down, want at least 2", ds.refused.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if j := s.waitState(id, graph.JobWriting); j.Error != "" {
		t.Errorf("job while the store is down: %+v", j)
	}
	ds.down.Store(false)
	j := s.mustFinish(id)
	if j.State != graph.JobFailed || !strings.HasPrefix(j.Error, "neo4j is not reachable; upload the same files again") {
		t.Errorf("job once the store is back: %s %q", j.State, j.Error)
	}
}
