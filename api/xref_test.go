package api_test

import (
	"encoding/json"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/xref"
	"github.com/hopcheck/hopcheck/importer"
)

type candidates struct {
	Candidates []struct {
		A, B            graph.Entity
		Score           float64
		Features        []graph.MatchFeature
		ExactIdentifier bool `json:"exact_identifier"`
	}
	Total   int
	LeftOff int `json:"left_off"`
}

func (c candidates) pairs() []string {
	out := []string{}
	for _, x := range c.Candidates {
		out = append(out, x.A.ID+"|"+x.B.ID)
	}
	return out
}

// An upload's possible duplicates reach the review queue; a run over the
// whole store is a job; decisions made since take pairs out; cross-
// referencing's jobs are not uploads.
func TestCandidates(t *testing.T) {
	s := mustServer(t, false)
	s.mustUpload([]importer.File{{Name: "organizations.csv", Data: []byte(
		"id,name,country,registration_id\n" +
			"org-1,Orion Tech LLC,RU,1027700132195\n" +
			"org-2,Orion Tech,RU,\n" +
			"org-3,Vega Holding,RU,1027700132195\n" +
			"org-4,Sirius Logistics,AE,\n")}}, nil)
	s.bg.Wait() // the run after the upload

	var c candidates
	s.mustJSON("GET", "/api/v1/identity/candidates", nil, 200, &c)
	if got := c.pairs(); c.Total != 2 || len(got) != 2 || got[0] != "org-1|org-2" || got[1] != "org-1|org-3" {
		t.Fatalf("candidates after the upload: %q (total %d)", got, c.Total)
	}
	if x := c.Candidates[1]; !x.ExactIdentifier || x.A.Name != "Orion Tech LLC" || x.B.Country != "RU" || len(x.Features) < 2 {
		t.Errorf("first candidate: %+v", x)
	}
	s.mustJSON("GET", "/api/v1/identity/candidates?exact=true", nil, 200, &c)
	if got := c.pairs(); len(got) != 1 || got[0] != "org-1|org-3" {
		t.Errorf("exact only: %q", got)
	}
	s.mustJSON("GET", "/api/v1/identity/candidates?limit=1&offset=1", nil, 200, &c)
	if got := c.pairs(); len(got) != 1 || got[0] != "org-1|org-3" || c.Total != 2 {
		t.Errorf("second page: %q (total %d)", got, c.Total)
	}
	s.mustJSON("GET", "/api/v1/identity/candidates?min_score=1", nil, 200, &c)
	if c.Total != 1 {
		t.Errorf("min_score=1: %q", c.pairs())
	}
	for _, q := range []string{"min_score=2", "limit=0", "exact=maybe", "offset=-1"} {
		s.mustJSON("GET", "/api/v1/identity/candidates?"+q, nil, 400, nil)
	}

	// Decided after the run: gone from the queue.
	u := graphtest.NewBuilder("u-decide").Upload()
	u.Decisions = []graph.Decision{graph.NewDecision("org-3", "org-1", graph.NotSame)}
	if _, err := s.store.Apply(t.Context(), u, nil); err != nil {
		t.Fatal(err)
	}
	s.mustJSON("GET", "/api/v1/identity/candidates", nil, 200, &c)
	if got := c.pairs(); len(got) != 1 || got[0] != "org-1|org-2" {
		t.Errorf("after a not-same decision: %q", got)
	}

	// On demand, over everything.
	var j graph.Job
	s.mustJSON("POST", "/api/v1/identity/xref", nil, 202, &j)
	if j.ID != xref.JobID || j.State != graph.JobRunning {
		t.Errorf("started: %+v", j)
	}
	s.bg.Wait()
	s.mustJSON("GET", "/api/v1/identity/xref", nil, 200, &j)
	var sum xref.Summary
	if err := json.Unmarshal(j.Report, &sum); err != nil || j.State != graph.JobDone || sum.Entities != 4 || sum.Decided != 1 || sum.Kept != 1 {
		t.Errorf("run: %+v %s (%v)", j, j.Report, err)
	}

	var ups struct{ Uploads []graph.Job }
	s.mustJSON("GET", "/api/v1/uploads?limit=1", nil, 200, &ups)
	if len(ups.Uploads) != 1 || xref.IsJob(ups.Uploads[0].ID) {
		t.Errorf("uploads list: %+v", ups.Uploads)
	}
}

func TestXrefNotRunYet(t *testing.T) {
	s := mustServer(t, false)
	s.mustJSON("GET", "/api/v1/identity/xref", nil, 404, nil)
	var c candidates
	s.mustJSON("GET", "/api/v1/identity/candidates", nil, 200, &c)
	if c.Total != 0 || c.Candidates == nil {
		t.Errorf("no run yet: %+v", c)
	}
}
