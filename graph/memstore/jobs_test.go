package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func TestJobsAndAuditSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
	j1 := graph.Job{ID: "job-1", State: graph.JobValidating, Files: []string{"a.csv"}, By: "alice", Created: t0, Updated: t0}
	j2 := graph.Job{ID: "job-2", State: graph.JobValidating, Files: []string{"b.xlsx"}, By: "bob", Created: t0.Add(time.Minute), Updated: t0}
	for _, j := range []graph.Job{j1, j2} {
		if err := s.SaveJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	j1.State, j1.Progress, j1.Report = graph.JobDone, graph.JobProgress{Phase: "writing", Done: 3, Total: 3}, json.RawMessage(`{"rejected":false}`)
	if err := s.SaveJob(ctx, j1); err != nil {
		t.Fatal(err)
	}
	for _, e := range []graph.AuditEntry{
		{At: t0, By: "alice", Action: "upload", Target: "job-1"},
		{At: t0.Add(time.Hour), By: "bob", Action: "review", Target: "T-1", Detail: "confirmed"},
	} {
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveJob(ctx, graph.Job{}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("job without id: %v, want invalid", err)
	}
	s.Close()

	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Job(ctx, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != graph.JobDone || got.Progress.Done != 3 || string(got.Report) != `{"rejected":false}` || !got.Created.Equal(t0) {
		t.Errorf("job-1 after reopen: %+v", got)
	}
	if _, err := s.Job(ctx, "job-9"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown job: %v, want not found", err)
	}
	js, _ := s.Jobs(ctx, 0)
	if len(js) != 2 || js[0].ID != "job-2" || js[1].ID != "job-1" {
		t.Errorf("jobs, newest first: %+v", js)
	}
	if js, _ := s.Jobs(ctx, 1); len(js) != 1 || js[0].ID != "job-2" {
		t.Errorf("jobs limit 1: %+v", js)
	}
	audit, _ := s.Audit(ctx, 0)
	if len(audit) != 2 || audit[0].Action != "review" || audit[1].Target != "job-1" {
		t.Errorf("audit, newest first: %+v", audit)
	}
	if a, _ := s.Audit(ctx, 1); len(a) != 1 || a[0].By != "bob" {
		t.Errorf("audit limit 1: %+v", a)
	}
}
