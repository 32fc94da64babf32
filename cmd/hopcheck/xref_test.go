package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An import cross-references what it wrote; hopcheck xref runs over the
// whole store and lists the open pairs; --list lists them without a run;
// the proposals outlive the process.
func TestXref(t *testing.T) {
	dir, store := t.TempDir(), t.TempDir()
	orgs := filepath.Join(dir, "organizations.csv")
	os.WriteFile(orgs, []byte("id,name,country,registration_id\n"+
		"o-1,Orion Tech LLC,RU,1027700132195\no-2,Orion Tech,RU,\no-3,Vega Holding,RU,1027-7001-32195\no-4,Sirius Logistics,AE,\n"), 0o644)
	out := mustHop(t, "import", "--data-dir", store, orgs)
	if !strings.Contains(out, "Cross-referencing: 2 pairs with the 4 entities the upload touched") {
		t.Errorf("import report:\n%s", out)
	}
	var run struct {
		Summary    *struct{ Entities, Proposed, Kept int }
		Candidates []struct {
			A, B            struct{ ID string }
			ExactIdentifier bool `json:"exact_identifier"`
		}
		Total int
	}
	if err := json.Unmarshal([]byte(mustHop(t, "xref", "--json", "--data-dir", store)), &run); err != nil {
		t.Fatal(err)
	}
	if run.Summary == nil || run.Summary.Entities != 4 || run.Summary.Proposed != 2 || run.Total != 2 ||
		run.Candidates[0].A.ID != "o-1" || run.Candidates[0].B.ID != "o-2" || !run.Candidates[1].ExactIdentifier {
		t.Errorf("xref --json: %+v", run)
	}
	out = mustHop(t, "xref", "--list", "--data-dir", store)
	if !strings.Contains(out, "2 candidate pairs to decide") || !strings.Contains(out, "o-3 Vega Holding (RU)") || strings.Contains(out, "Cross-referenced") {
		t.Errorf("xref --list:\n%s", out)
	}
	if code, _, _ := hop(t, "xref", "--min-score", "2", "--data-dir", store); code != 2 {
		t.Errorf("--min-score 2: exit %d, want 2", code)
	}
}
