package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// mustFinish polls an upload job until it ends. The bound only catches a
// job that never ends: on Neo4j the first re-evaluation plans the path
// search (seconds, more under -race on busy cores).
func (s *testServer) mustFinish(id string) graph.Job {
	s.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var j graph.Job
		s.mustJSON("GET", "/api/v1/uploads/"+id, nil, 200, &j)
		if j.State.Final() {
			return j
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("job %s still %s", id, j.State)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *testServer) mustUpload(files []importer.File, fields map[string]string) graph.Job {
	s.t.Helper()
	w := s.upload("/api/v1/uploads", files, fields)
	if w.Code != 202 {
		s.t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	var j graph.Job
	if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
		s.t.Fatal(err)
	}
	if j.ID == "" || j.State != graph.JobValidating || w.Header().Get("Location") != "/api/v1/uploads/"+j.ID {
		s.t.Fatalf("accepted job: %+v %v", j, w.Header())
	}
	return s.mustFinish(j.ID)
}

type report struct {
	Rejected bool               `json:"rejected"`
	Written  *graph.WriteResult `json:"written"`
	Errors   []importer.Issue   `json:"errors"`
}

func TestUploadJob(t *testing.T) {
	s := mustServer(t, false)
	j := s.mustUpload(demoFiles(), nil)
	if j.State != graph.JobDone || len(j.Files) != 6 || j.By != "anonymous" || j.Upload == "" {
		t.Fatalf("job: %+v", j)
	}
	var rep report
	if err := json.Unmarshal(j.Report, &rep); err != nil || rep.Rejected || rep.Written == nil || rep.Written.Entities.Created != 29 {
		t.Errorf("report: %v %s", err, j.Report)
	}
	var flags struct{ Flagged int }
	json.Unmarshal(j.Flags, &flags)
	if flags.Flagged == 0 {
		t.Errorf("flags after upload: %s", j.Flags)
	}
	var page flagPage
	s.mustJSON("GET", "/api/v1/flags?severity=critical", nil, 200, &page)
	if page.Total != 6 {
		t.Errorf("critical flags after upload: %d", page.Total)
	}

	var list struct {
		Uploads []graph.Job `json:"uploads"`
	}
	s.mustJSON("GET", "/api/v1/uploads", nil, 200, &list)
	if len(list.Uploads) != 1 || list.Uploads[0].ID != j.ID || list.Uploads[0].State != graph.JobDone {
		t.Errorf("uploads: %+v", list)
	}
	s.mustError("GET", "/api/v1/uploads/job-nope", nil, 404, graph.ENOTFOUND)
	var audit struct {
		Entries []graph.AuditEntry `json:"entries"`
	}
	s.mustJSON("GET", "/api/v1/audit", nil, 200, &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].Action != "upload" || audit.Entries[0].Target != j.ID {
		t.Errorf("audit: %+v", audit)
	}
}

func TestRejectedUploadWritesNothing(t *testing.T) {
	s := mustServer(t, false)
	files := demoFiles()
	for i, f := range files {
		if f.Name == "links.csv" {
			files[i].Data = []byte(strings.Replace(string(f.Data), ",owns,", ",own,", 1))
		}
	}
	j := s.mustUpload(files, nil)
	if j.State != graph.JobRejected {
		t.Fatalf("job: %+v", j)
	}
	var rep report
	json.Unmarshal(j.Report, &rep)
	if !rep.Rejected || len(rep.Errors) == 0 || rep.Errors[0].File != "links.csv" || rep.Errors[0].Row == 0 {
		t.Errorf("report: %s", j.Report)
	}
	var st graph.Stats
	s.mustJSON("GET", "/api/v1/stats", nil, 200, &st)
	if st.Transactions != 0 || st.Countries != 0 || len(st.Entities) != 0 {
		t.Errorf("a rejected upload wrote %+v", st)
	}
}

func TestUploadPreview(t *testing.T) {
	s := mustServer(t, false)
	files := []importer.File{{Name: "Distributors.csv", Data: []byte("Company Name,Country,Phone\nNordis,NL,+31\n")}}
	w := s.upload("/api/v1/uploads?preview=true", files, nil)
	if w.Code != 200 {
		t.Fatalf("preview: %d %s", w.Code, w.Body)
	}
	var p importer.Preview
	json.Unmarshal(w.Body.Bytes(), &p)
	if len(p.Sheets) != 1 || len(p.Sheets[0].Rows) != 1 || p.Sheets[0].Columns[0].Column != "name" {
		t.Errorf("preview: %s", w.Body)
	}
	var list struct {
		Uploads []graph.Job `json:"uploads"`
	}
	s.mustJSON("GET", "/api/v1/uploads", nil, 200, &list)
	if len(list.Uploads) != 0 {
		t.Errorf("a preview started a job: %+v", list)
	}
	var st graph.Stats
	s.mustJSON("GET", "/api/v1/stats", nil, 200, &st)
	if len(st.Entities) != 0 {
		t.Errorf("a preview wrote %+v", st)
	}
}

func TestUploadRefusals(t *testing.T) {
	s := mustServer(t, false, func(d *api.Deps) { d.MaxUploadBytes = 4096 })
	s.mustError("POST", "/api/v1/uploads", "not a form", 400, graph.EINVALID)
	if w := s.upload("/api/v1/uploads", nil, map[string]string{"kind": "organizations"}); w.Code != 400 {
		t.Errorf("upload without files: %d %s", w.Code, w.Body)
	}
	two := []importer.File{{Name: "a.xlsx", Data: []byte("PK")}, {Name: "b.csv", Data: []byte("name\nX\n")}}
	if w := s.upload("/api/v1/uploads", two, nil); w.Code != 400 {
		t.Errorf("workbook and CSV together: %d %s", w.Code, w.Body)
	}
	if w := s.upload("/api/v1/uploads", []importer.File{{Name: "o.csv", Data: []byte("name\nX\n")}}, map[string]string{"date_format": "whenever"}); w.Code != 400 {
		t.Errorf("bad date format: %d %s", w.Code, w.Body)
	}
	big := []importer.File{{Name: "organizations.csv", Data: []byte("name\n" + strings.Repeat("X\n", 4000))}}
	if w := s.upload("/api/v1/uploads", big, nil); w.Code != 413 {
		t.Errorf("oversize upload: %d %s", w.Code, w.Body)
	}
}
