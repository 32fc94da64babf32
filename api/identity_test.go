package api_test

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

type decisionsBody struct {
	Decisions []graph.Decision `json:"decisions"`
}

type clusterBody struct {
	Cluster   string           `json:"cluster"`
	Members   []graph.Entity   `json:"members"`
	Decisions []graph.Decision `json:"decisions"`
}

func TestIdentityDecisionsAPI(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	same := map[string]string{"a": "ORG-NOR", "b": "ORG-CYP", "decision": "same", "note": "one VAT number"}

	// Viewers read, investigators decide.
	s.key = testKeys[api.Viewer]
	s.mustError("POST", "/api/v1/identity/decisions", same, 403, "forbidden")
	var list decisionsBody
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &list)
	if list.Decisions == nil || len(list.Decisions) != 0 {
		t.Errorf("no decisions is an empty list: %+v", list)
	}
	s.key = testKeys[api.Screening]
	s.mustError("GET", "/api/v1/identity/decisions", nil, 403, "forbidden")

	s.key = testKeys[api.Investigator]
	var d graph.Decision
	s.mustJSON("POST", "/api/v1/identity/decisions", same, 201, &d)
	if d.A != "ORG-CYP" || d.B != "ORG-NOR" || d.Identity != graph.Same || d.DecidedBy != "investigator" ||
		d.DecidedAt != "2024-06-01T09:00:00Z" || d.Note != "one VAT number" || d.Source.File != "POST /api/v1/identity/decisions" {
		t.Errorf("stored decision %+v", d)
	}
	notSame := map[string]string{"a": "ORG-HAN", "b": "ORG-LUM", "decision": "not_same"}
	s.mustJSON("POST", "/api/v1/identity/decisions", notSame, 201, nil)

	s.key = testKeys[api.Viewer]
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &list)
	if len(list.Decisions) != 2 || list.Decisions[0] != d || list.Decisions[1].Key() != "ORG-HAN|ORG-LUM" {
		t.Errorf("listed %+v", list.Decisions)
	}
	var cl clusterBody
	s.mustJSON("GET", "/api/v1/entities/ORG-NOR/cluster", nil, 200, &cl)
	if cl.Cluster != "ORG-CYP" || len(cl.Members) != 2 || cl.Members[0].ID != "ORG-CYP" || cl.Members[1].Name != "Nordis Distribution B.V." ||
		len(cl.Decisions) != 1 || cl.Decisions[0] != d {
		t.Errorf("cluster %+v", cl)
	}
	s.mustJSON("GET", "/api/v1/entities/ORG-HAN/cluster", nil, 200, &cl)
	if cl.Cluster != "ORG-HAN" || len(cl.Members) != 1 || len(cl.Decisions) != 1 || cl.Decisions[0].Identity != graph.NotSame {
		t.Errorf("a cluster of its own %+v", cl)
	}
	s.mustError("GET", "/api/v1/entities/NOPE/cluster", nil, 404, "not_found")

	// Refused, and nothing written.
	s.key = testKeys[api.Investigator]
	for _, c := range []struct {
		body any
		want string
	}{
		{map[string]string{"a": "ORG-NOR", "b": "ORG-CYP", "decision": "maybe"}, `decision "maybe"`},
		{map[string]string{"a": "ORG-NOR", "b": "NOPE", "decision": "same"}, `no entity "NOPE"`},
		{map[string]string{"a": "ORG-NOR", "b": "ORG-NOR", "decision": "same"}, "always the same as itself"},
		{map[string]string{"a": "ORG-NOR", "decision": "same"}, "two entities"},
		{`{"a": "ORG-NOR", `, ""},
	} {
		e := s.mustError("POST", "/api/v1/identity/decisions", c.body, 400, "invalid")
		if !strings.Contains(e.Error.Message, c.want) {
			t.Errorf("%v: %q does not say %q", c.body, e.Error.Message, c.want)
		}
	}
	// A contradiction: ORG-HAN = ORG-NOR = ORG-CYP, then ORG-HAN ≠ ORG-CYP.
	s.mustJSON("POST", "/api/v1/identity/decisions", map[string]string{"a": "ORG-HAN", "b": "ORG-NOR", "decision": "same"}, 201, nil)
	e := s.mustError("POST", "/api/v1/identity/decisions", map[string]string{"a": "ORG-HAN", "b": "ORG-CYP", "decision": "not_same"}, 400, "invalid")
	if !strings.Contains(e.Error.Message, "contradict") || !strings.Contains(e.Error.Message, "ORG-CYP = ORG-NOR = ORG-HAN") {
		t.Errorf("contradiction: %s", e.Error.Message)
	}
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &list)
	if len(list.Decisions) != 3 {
		t.Errorf("after the refusals %+v", list.Decisions)
	}

	// Removing: viewers may not, investigators may, once.
	s.key = testKeys[api.Viewer]
	s.mustError("DELETE", "/api/v1/identity/decisions?a=ORG-NOR&b=ORG-HAN", nil, 403, "forbidden")
	s.key = testKeys[api.Investigator]
	s.mustError("DELETE", "/api/v1/identity/decisions?a=ORG-NOR", nil, 400, "invalid")
	var removed graph.Decision
	s.mustJSON("DELETE", "/api/v1/identity/decisions?a=ORG-NOR&b=ORG-HAN", nil, 200, &removed)
	if removed.Key() != "ORG-HAN|ORG-NOR" || removed.Identity != graph.Same {
		t.Errorf("removed %+v", removed)
	}
	s.mustError("DELETE", "/api/v1/identity/decisions?a=ORG-NOR&b=ORG-HAN", nil, 404, "not_found")

	// Each decision and removal is in the audit log, with who.
	s.key = testKeys[api.Admin]
	var log struct {
		Entries []graph.AuditEntry `json:"entries"`
	}
	s.mustJSON("GET", "/api/v1/audit", nil, 200, &log)
	var got []string
	for _, e := range log.Entries {
		if strings.HasPrefix(e.Action, "identity_") {
			got = append(got, e.By+" "+e.Action+" "+e.Target)
		}
	}
	want := []string{ // newest first
		"investigator identity_decision_removed ORG-HAN|ORG-NOR",
		"investigator identity_decision ORG-HAN|ORG-NOR",
		"investigator identity_decision ORG-HAN|ORG-LUM",
		"investigator identity_decision ORG-CYP|ORG-NOR",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestIdentityDecisionsCSVRoundTrip exports the decisions as an identity
// sheet and imports it into another server: the same decisions.
func TestIdentityDecisionsCSVRoundTrip(t *testing.T) {
	s := mustServer(t, true)
	for _, body := range []map[string]string{
		{"a": "ORG-NOR", "b": "ORG-CYP", "decision": "same", "note": "=HYPERLINK(\"http://x\") — one VAT number, \"quoted\""},
		{"a": "ORG-HAN", "b": "ORG-LUM", "decision": "not_same", "note": "-different registries\nsecond line"},
	} {
		s.mustJSON("POST", "/api/v1/identity/decisions", body, 201, nil)
	}
	var want decisionsBody
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &want)

	w := s.do("GET", "/api/v1/identity/decisions.csv", nil)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(w.Header().Get("Content-Disposition"), `filename="identity.csv"`) {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "a,b,decision,note,decided_by,decided_at" || len(rows) != 3 {
		t.Fatalf("exported rows %q", rows)
	}
	for _, r := range rows[1:] {
		if c := r[3]; c[0] == '=' || c[0] == '-' {
			t.Errorf("formula-like note not neutralised: %q", c)
		}
	}

	other := mustServer(t, true)
	j := other.mustUpload([]importer.File{{Name: "identity.csv", Data: w.Body.Bytes()}}, nil)
	if j.State != graph.JobDone {
		t.Fatalf("import of the export: %+v %s", j, j.Report)
	}
	var got decisionsBody
	other.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &got)
	if len(got.Decisions) != len(want.Decisions) {
		t.Fatalf("imported %+v, want %+v", got.Decisions, want.Decisions)
	}
	for i, g := range got.Decisions {
		x := want.Decisions[i]
		if g.A != x.A || g.B != x.B || g.Identity != x.Identity || g.Note != x.Note || g.DecidedBy != x.DecidedBy || g.DecidedAt != x.DecidedAt {
			t.Errorf("decision %d:\n got %+v\nwant %+v", i, g, x)
		}
		if g.Source.File != "identity.csv" || g.Source.Row != i+2 {
			t.Errorf("imported decision's source %+v", g.Source)
		}
	}
	// And importing it again changes nothing.
	j = other.mustUpload([]importer.File{{Name: "identity.csv", Data: w.Body.Bytes()}}, nil)
	if !strings.Contains(string(j.Report), `"decisions":{"created":0,"updated":0,"unchanged":2}`) {
		t.Errorf("re-import: %s", j.Report)
	}
}

// TestUploadNamesUploaderAsDecider: an identity row without decided_by is
// the uploading key's, at the upload's time.
func TestUploadNamesUploaderAsDecider(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	s.key = testKeys[api.Investigator]
	j := s.mustUpload([]importer.File{{Name: "Identity.csv", Data: []byte("a,b,decision\nNordis Distribution,ORG-CYP,merge\n")}}, nil)
	if j.State != graph.JobDone {
		t.Fatalf("upload %+v %s", j, j.Report)
	}
	var list decisionsBody
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &list)
	if len(list.Decisions) != 1 || list.Decisions[0].DecidedBy != "investigator" || list.Decisions[0].DecidedAt != "2024-06-01T09:00:00Z" ||
		list.Decisions[0].Key() != "ORG-CYP|ORG-NOR" {
		t.Errorf("decisions %+v", list.Decisions)
	}
}

// TestDecisionReopensReviewedFlag: a reviewed flag whose evidence a
// decision changes reopens, its history naming the decision; removing it
// reopens the flag again, naming the removal.
func TestDecisionReopensReviewedFlag(t *testing.T) {
	s := mustServer(t, true)
	var f graph.Flag
	s.mustJSON("PATCH", "/api/v1/flags/T-1013", map[string]string{"status": "confirmed", "note": "front company"}, 200, &f)
	if f.Severity != graph.High {
		t.Fatalf("T-1013 is %s before the decision", f.Severity)
	}
	// The buyer, ORG-ORT, is decided to be the Belarusian ministry itself.
	s.mustJSON("POST", "/api/v1/identity/decisions", map[string]string{"a": "ORG-ORT", "b": "GOV-BY-MIA", "decision": "same", "note": "shell of the ministry"}, 201, nil)
	s.mustJSON("GET", "/api/v1/flags/T-1013", nil, 200, &f)
	last := f.History[len(f.History)-1]
	if f.Status != graph.Open || f.Severity != graph.Critical ||
		!strings.HasPrefix(last.Note, "reopened: identity decision GOV-BY-MIA = ORG-ORT by ana (note: shell of the ministry): evidence changed (was high, now critical): ") ||
		len(last.Changes) == 0 || last.Changes[0] != (graph.EvidenceChange{What: "severity", Old: "high", New: "critical"}) {
		t.Errorf("after the decision: %s %s %q", f.Status, f.Severity, last.Note)
	}
	s.mustJSON("PATCH", "/api/v1/flags/T-1013", map[string]string{"status": "confirmed", "note": "the ministry's"}, 200, nil)
	s.mustJSON("DELETE", "/api/v1/identity/decisions?a=ORG-ORT&b=GOV-BY-MIA", nil, 200, nil)
	s.mustJSON("GET", "/api/v1/flags/T-1013", nil, 200, &f)
	last = f.History[len(f.History)-1]
	if f.Status != graph.Open || f.Severity != graph.High ||
		!strings.HasPrefix(last.Note, "reopened: removal of identity decision GOV-BY-MIA = ORG-ORT by ana (note: shell of the ministry) by ana: evidence changed (was critical, now high): ") {
		t.Errorf("after the removal: %s %s %q", f.Status, f.Severity, last.Note)
	}
}

func TestIdentityDecisionsBatch(t *testing.T) {
	s := mustServer(t, true)
	var got decisionsBody
	s.mustJSON("POST", "/api/v1/identity/decisions", map[string]any{"decisions": []map[string]string{
		{"a": "ORG-NOR", "b": "ORG-CYP", "decision": "same", "note": "exact registration id"},
		{"a": "ORG-HAN", "b": "ORG-LUM", "decision": "not_same"},
	}}, 201, &got)
	if len(got.Decisions) != 2 || got.Decisions[0].Key() != "ORG-CYP|ORG-NOR" || got.Decisions[1].Identity != graph.NotSame || got.Decisions[0].DecidedBy != "ana" {
		t.Errorf("batch answer %+v", got.Decisions)
	}
	e := s.mustError("POST", "/api/v1/identity/decisions", map[string]any{"decisions": []map[string]string{
		{"a": "ORG-NOR", "b": "ORG-HAN", "decision": "same"}, {"a": "ORG-NOR", "b": "NOPE", "decision": "same"},
	}}, 400, "invalid")
	if !strings.Contains(e.Error.Message, `decision 2: no entity "NOPE"`) {
		t.Errorf("refused batch: %s", e.Error.Message)
	}
	s.mustError("POST", "/api/v1/identity/decisions", map[string]any{"a": "ORG-NOR", "decisions": []map[string]string{}}, 400, "invalid")
	var list decisionsBody
	s.mustJSON("GET", "/api/v1/identity/decisions", nil, 200, &list)
	if len(list.Decisions) != 2 {
		t.Errorf("after a refused batch %+v", list.Decisions)
	}
}
