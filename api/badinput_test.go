package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/importertest"
)

// waitJob polls an upload job until it ends or the deadline passes.
func (s *testServer) waitJob(id string, deadline time.Time) graph.Job {
	s.t.Helper()
	for {
		var j graph.Job
		s.mustJSON(http.MethodGet, "/api/v1/uploads/"+id, nil, http.StatusOK, &j)
		if j.State.Final() {
			return j
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("job %s still %s at its deadline", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUploadBadInputs sends the bad-input corpus to POST /uploads: every
// job ends in the state its case calls for, within the case's time, with
// a located error in its report, and a refused upload writes nothing.
func TestUploadBadInputs(t *testing.T) {
	for _, c := range importertest.BadInputs() {
		t.Run(c.Name, func(t *testing.T) {
			if testing.Short() && c.Timeout > time.Minute {
				t.Skip("slow case")
			}
			s := mustServer(t, false, func(d *api.Deps) { d.ImportLimits = c.Limits })
			if c.Seed != nil {
				rep, err := importer.Import(context.Background(), s.store, c.Seed, importer.Options{})
				if err != nil || rep.Rejected {
					t.Fatalf("seed: %v %+v", err, rep)
				}
			}
			before := graphtest.TakeSnapshot(t, s.store)
			deadline := time.Now().Add(c.Timeout)
			w := s.upload("/api/v1/uploads", c.Files, nil)
			if w.Code != http.StatusAccepted {
				t.Fatalf("status %d, want 202: %s", w.Code, w.Body)
			}
			var j graph.Job
			if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
				t.Fatal(err)
			}
			j = s.waitJob(j.ID, deadline)
			want := map[importertest.Outcome]graph.JobState{importertest.Rejected: graph.JobRejected,
				importertest.Warned: graph.JobDone, importertest.Accepted: graph.JobDone, importertest.Conflict: graph.JobFailed}[c.Outcome]
			if j.State != want {
				t.Fatalf("job %s (%s), want %s", j.State, j.Error, want)
			}
			if c.Outcome == importertest.Conflict {
				if !strings.Contains(j.Error, c.Want) {
					t.Errorf("job error %q does not name %s", j.Error, c.Want)
				}
			} else {
				var rep importer.Report
				if err := json.Unmarshal(j.Report, &rep); err != nil {
					t.Fatalf("report: %v", err)
				}
				if err := importertest.CheckReport(c, &rep); err != nil {
					t.Error(err)
				}
			}
			after := graphtest.TakeSnapshot(t, s.store)
			if (c.Outcome == importertest.Rejected || c.Outcome == importertest.Conflict) && !reflect.DeepEqual(before, after) {
				t.Errorf("a refused upload changed the store: %+v -> %+v", before.Stats, after.Stats)
			}
		})
	}
}

// TestPreviewBadInputs runs the corpus through the mapping step
// (?preview=true): it answers, within the case's time, and writes nothing.
func TestPreviewBadInputs(t *testing.T) {
	s := mustServer(t, false)
	before := graphtest.TakeSnapshot(t, s.store)
	for _, c := range importertest.BadInputs() {
		if testing.Short() && c.Timeout > time.Minute {
			continue
		}
		start := time.Now()
		w := s.upload("/api/v1/uploads?preview=true", c.Files, nil)
		if w.Code != http.StatusOK {
			t.Errorf("%s: preview status %d: %.300s", c.Name, w.Code, w.Body)
		}
		if d := time.Since(start); d > c.Timeout {
			t.Errorf("%s: preview took %s", c.Name, d)
		}
	}
	if after := graphtest.TakeSnapshot(t, s.store); !reflect.DeepEqual(before, after) {
		t.Error("previews changed the store")
	}
}
