package api_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// TestUploadReopensReviewedFlag follows an investigator's day through the
// API: review a flag, upload new evidence, and find the flag reopened with
// its history saying why; restating old facts leaves a review alone.
func TestUploadReopensReviewedFlag(t *testing.T) {
	s := mustServer(t, false)
	if j := s.mustUpload(demoFiles(), nil); j.State != graph.JobDone {
		t.Fatalf("demo upload: %+v", j)
	}
	var f graph.Flag
	s.mustJSON("PATCH", "/api/v1/flags/T-1013", map[string]string{"status": "confirmed", "note": "front company"}, 200, &f)
	if f.Status != graph.Confirmed || f.Severity != graph.High {
		t.Fatalf("reviewed flag %+v", f)
	}

	restated := []importer.File{{Name: "links.csv", Data: []byte("from,to,type,percent\nORG-ORT,ORG-ORH,owns,50\n")}}
	if j := s.mustUpload(restated, nil); j.State != graph.JobDone {
		t.Fatalf("restating upload: %+v", j)
	}
	s.mustJSON("GET", "/api/v1/flags/T-1013", nil, 200, &f)
	if f.Status != graph.Confirmed {
		t.Errorf("restated facts reopened the review: %+v", f)
	}

	more := []importer.File{{Name: "ownership.csv", Data: []byte("owner,owned,share %\nBeltech State Holding,Orion Holding Ltd,90%\n")}}
	if j := s.mustUpload(more, nil); j.State != graph.JobDone {
		t.Fatalf("new evidence upload: %+v", j)
	}
	s.mustJSON("GET", "/api/v1/flags/T-1013", nil, 200, &f)
	if f.Status != graph.Open || f.Severity != graph.High || f.EffectiveOwnership == nil || *f.EffectiveOwnership != 36 {
		t.Errorf("after new evidence: status %s severity %s owned %v", f.Status, f.Severity, f.EffectiveOwnership)
	}
	if n := len(f.History); n != 2 || f.History[1].By != "hopcheck" || f.History[1].Status != graph.Open {
		t.Errorf("history %+v", f.History)
	}
}
