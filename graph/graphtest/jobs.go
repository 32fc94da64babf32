package graphtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// t0 is the first instant of the job tests; in a zone other than UTC, so
// that a store must keep the instant, not the zone's name.
var t0 = time.Date(2024, 6, 1, 9, 30, 15, 123456789, time.FixedZone("+02", 2*3600))

func testJobs(t *testing.T, s graph.Store) {
	j1 := graph.Job{ID: "job-1", State: graph.JobValidating, Files: []string{"a.csv", "b.csv"}, By: "alice",
		Created: t0, Updated: t0}
	j2 := graph.Job{ID: "job-2", Upload: "u-2", State: graph.JobWriting, Files: []string{"book.xlsx"}, By: "bob",
		Created: t0.Add(time.Minute), Updated: t0.Add(time.Minute), Progress: graph.JobProgress{Phase: "writing", Done: 5, Total: 9}}
	// job-0 and job-3 are created at the same instant as job-1: ties go by id, descending.
	j0 := graph.Job{ID: "job-0", State: graph.JobRejected, Files: []string{"x.csv"}, By: "carol", Created: t0.UTC(), Updated: t0}
	j3 := graph.Job{ID: "job-3", State: graph.JobFailed, Files: []string{"y.csv"}, By: "carol", Created: t0, Updated: t0,
		Error: "neo4j at bolt://db:7687 is unreachable"}
	for _, j := range []graph.Job{j1, j2, j0, j3} {
		if err := s.SaveJob(ctx, j); err != nil {
			t.Fatalf("saving %s: %v", j.ID, err)
		}
	}

	// Saving again replaces the job.
	j1.State, j1.Upload, j1.Updated = graph.JobDone, "u-1", t0.Add(2*time.Minute)
	j1.Progress = graph.JobProgress{Phase: "flags", Done: 12, Total: 12}
	j1.Report = json.RawMessage(`{"rejected": false, "written": {"entities": {"created": 3}}, "warnings": ["possible duplicate of \"Orion\""]}`)
	j1.Flags = json.RawMessage(`{"evaluated":4,"changed":["T-1","T-2"],"reopened":[]}`)
	if err := s.SaveJob(ctx, j1); err != nil {
		t.Fatal(err)
	}
	got, err := s.Job(ctx, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	sameJob(t, got, j1)

	if _, err := s.Job(ctx, "job-9"); !errors.Is(err, graph.ErrNotFound) || !contains(err, "job-9") {
		t.Errorf("unknown job: %v, want not found naming it", err)
	}

	all, err := s.Jobs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids := jobIDs(all); !reflect.DeepEqual(ids, []string{"job-2", "job-3", "job-1", "job-0"}) {
		t.Errorf("jobs %v, want newest first, then by id descending", ids)
	}
	for _, j := range all {
		if j.ID == "job-1" {
			sameJob(t, j, j1)
		}
		if j.ID == "job-2" {
			sameJob(t, j, j2)
		}
	}
	for limit, want := range map[int][]string{1: {"job-2"}, 3: {"job-2", "job-3", "job-1"}, 4: jobIDs(all), 10: jobIDs(all)} {
		js, err := s.Jobs(ctx, limit)
		if ids := jobIDs(js); err != nil || !reflect.DeepEqual(ids, want) {
			t.Errorf("jobs limit %d: %v (%v), want %v", limit, ids, err, want)
		}
	}

	// Changing what was returned changes nothing stored.
	got.Files[0] = "changed.csv"
	if again, _ := s.Job(ctx, "job-1"); again.Files[0] != "a.csv" {
		t.Errorf("a caller's change to a returned job reached the store: %v", again.Files)
	}
}

func testJobsInvalid(t *testing.T, s graph.Store) {
	for name, j := range map[string]graph.Job{
		"no id":          {State: graph.JobDone, Created: t0},
		"invalid report": {ID: "job-r", Created: t0, Report: json.RawMessage(`{"rejected":`)},
		"invalid flags":  {ID: "job-f", Created: t0, Flags: json.RawMessage(`nope`)},
	} {
		if err := s.SaveJob(ctx, j); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if js, err := s.Jobs(ctx, 0); err != nil || len(js) != 0 {
		t.Errorf("after invalid saves: %d jobs (%v), want none", len(js), err)
	}
}

func testAudit(t *testing.T, s graph.Store) {
	if a, err := s.Audit(ctx, 0); err != nil || len(a) != 0 {
		t.Fatalf("audit of an empty store: %+v (%v)", a, err)
	}
	entries := []graph.AuditEntry{
		{At: t0, By: "alice", Action: "upload", Target: "job-1", Detail: "a.csv, b.csv"},
		{At: t0.Add(time.Hour), By: "bob", Action: "review", Target: "T-1", Detail: "confirmed: the ministry owns the buyer"},
		// Appended last though earlier: the log is in the order appended.
		{At: t0.Add(-time.Hour), By: "carol", Action: "review", Target: "T-2"},
	}
	for _, e := range entries {
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	newestFirst := []graph.AuditEntry{entries[2], entries[1], entries[0]}
	for _, limit := range []int{0, 1, 2, 3, 10} {
		got, err := s.Audit(ctx, limit)
		if err != nil {
			t.Fatal(err)
		}
		want := newestFirst
		if limit > 0 && limit < len(want) {
			want = want[:limit]
		}
		if !sameAudit(got, want) {
			t.Errorf("audit limit %d\n got %+v\nwant %+v", limit, got, want)
		}
	}
}

// testAuditConcurrent appends from several goroutines at once, as several
// requests or servers do: no entry is lost, and each writer's entries keep
// their order.
func testAuditConcurrent(t *testing.T, s graph.Store) {
	const writers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e := graph.AuditEntry{At: t0, By: fmt.Sprintf("writer-%d", w), Action: "review", Target: fmt.Sprintf("T-%d", i)}
				if err := s.AppendAudit(ctx, e); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != writers*each {
		t.Fatalf("%d entries, want %d", len(got), writers*each)
	}
	next := map[string]int{} // per writer, the target expected next, newest first
	for _, e := range got {
		i, seen := next[e.By]
		if !seen {
			i = each - 1
		}
		if want := fmt.Sprintf("T-%d", i); e.Target != want {
			t.Errorf("%s: entry %s, want %s: a writer's entries out of order", e.By, e.Target, want)
		}
		next[e.By] = i - 1
	}
}

// sameJob compares jobs as a client of the store sees them: times as
// instants and Report and Flags as JSON values, which a store may keep
// compacted rather than byte for byte.
func sameJob(t *testing.T, got, want graph.Job) {
	t.Helper()
	if !got.Created.Equal(want.Created) || !got.Updated.Equal(want.Updated) {
		t.Errorf("job %s: created %v updated %v, want %v and %v", want.ID, got.Created, got.Updated, want.Created, want.Updated)
	}
	for _, raw := range []struct {
		name      string
		got, want json.RawMessage
	}{{"report", got.Report, want.Report}, {"flags", got.Flags, want.Flags}} {
		if !sameJSON(raw.got, raw.want) {
			t.Errorf("job %s: %s %s, want %s", want.ID, raw.name, raw.got, raw.want)
		}
	}
	got.Created, got.Updated, got.Report, got.Flags = want.Created, want.Updated, want.Report, want.Flags
	if !reflect.DeepEqual(got, want) {
		t.Errorf("job %s\n got %+v\nwant %+v", want.ID, got, want)
	}
}

// sameJSON reports whether a and b hold the same JSON value; empty is null.
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

func jobIDs(js []graph.Job) []string {
	ids := []string{}
	for _, j := range js {
		ids = append(ids, j.ID)
	}
	return ids
}

// sameAudit compares audit entries, their times as instants.
func sameAudit(got, want []graph.AuditEntry) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.At.Equal(w.At) {
			return false
		}
		g.At = w.At
		if g != w {
			return false
		}
	}
	return true
}

// contains reports whether err's message for users contains s.
func contains(err error, s string) bool {
	return err != nil && strings.Contains(graph.ErrorMessage(err), s)
}
