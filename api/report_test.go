package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/casefile/casefiletest"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// reportFiles are caseFiles with a listing of the ministry and a second
// record of Alpha Trading.
func reportFiles() []importer.File {
	files := caseFiles()
	files[2].Data = append(files[2].Data, []byte("ORG-A2,Alpha Trading GmbH,DE\n")...)
	return append(files, importer.File{Name: "listings.csv",
		Data: []byte("entity,list,program,listed_from,reason\nGOV-1,eu_restrictive,BELARUS-REGIME,2021-06-01,internal repression\n")})
}

func TestCaseReport(t *testing.T) {
	reports := map[string]string{} // by store
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			s := caseServer(t, newStore(t), graph.DefaultPolicy())
			j := s.mustUpload(reportFiles(), nil)
			if j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			s.mustJSON("POST", "/api/v1/identity/decisions", map[string]string{"a": "ORG-A", "b": "ORG-A2", "decision": "same", "note": "one register entry"}, 201, nil)
			s.mustJSON("PUT", "/api/v1/flags/T-C/assignee", map[string]string{"assignee": "carla"}, 200, nil)
			s.mustJSON("POST", "/api/v1/flags/T-C/comments", map[string]string{"note": "asked the registry"}, 201, nil)
			s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "stake sold in 2023"}, 200, nil)
			var f graph.Flag
			s.mustJSON("GET", "/api/v1/flags/T-C", nil, 200, &f)
			if len(f.Exposures) == 0 || len(f.Exposures[0].Steps) == 0 {
				t.Fatalf("T-C has no path: %+v", f)
			}
			// Every step of every path, with its source.
			var wants []string
			for _, x := range append(f.Exposures, f.Ownership...) {
				for _, st := range x.Steps {
					wants = append(wants, fmt.Sprintf("upload %s · file %s · row %d", st.Source.Upload, st.Source.File, st.Source.Row))
				}
			}
			wants = append(wants, "T-C", "Alpha Trading", "Ministry of Order", "critical", "block",
				"eu_restrictive", "BELARUS-REGIME", "internal repression", // the listing
				"ORG-A2", "one register entry", // the identity decision and its cluster
				"assigned to carla", "asked the registry", "approved clearing", "stake sold in 2023", "ana", // the review history
				"Ownership threshold", "50%", j.Upload, "countries.csv") // the policy and the uploads

			w := s.do("GET", "/api/v1/flags/T-C/report", nil)
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("report: %d %s\n%s", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			html := w.Body.String()
			reports[name] = html
			for _, want := range append(wants, "<svg", "@media print") {
				if !strings.Contains(html, want) {
					t.Errorf("HTML report lacks %q", want)
				}
			}
			if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("CSP %q", csp)
			}

			w = s.do("GET", "/api/v1/flags/T-C/report?format=pdf", nil)
			if w.Code != 200 || w.Header().Get("Content-Type") != "application/pdf" {
				t.Fatalf("PDF report: %d %s\n%s", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			text := casefiletest.PDFText(t, w.Body.Bytes())
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("PDF report lacks %q", want)
				}
			}

			s.mustError("GET", "/api/v1/flags/NOPE/report", nil, 404, graph.ENOTFOUND)
			s.mustError("GET", "/api/v1/flags/T-C/report?format=docx", nil, 400, graph.EINVALID)
		})
	}
	// Built above the stores, the report reads the same on both.
	if n, e := reports["neo4j"], reports["embedded"]; n != "" && n != e {
		t.Errorf("the report differs between the stores:\nembedded:\n%s\nneo4j:\n%s", e, n)
	}
}

func TestCaseReportsZip(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			s := caseServer(t, store, graph.DefaultPolicy())
			if j := s.mustUpload(reportFiles(), nil); j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			files := func(path string) map[string][]byte { return files2(t, s, path) }
			all := files("/api/v1/flags/reports.zip")
			if len(all) != 2 || all["case-T-C.html"] == nil || all["case-T-H.html"] == nil {
				t.Errorf("all flags: %d files", len(all))
			}
			if !bytes.Contains(all["case-T-H.html"], []byte("file links.csv · row 3")) {
				t.Errorf("T-H's report lacks its step's source")
			}
			crit := files("/api/v1/flags/reports.zip?severity=critical&format=pdf")
			if len(crit) != 2 || crit["case-T-C.html"] == nil || crit["case-T-C.pdf"] == nil {
				t.Errorf("critical flags with PDFs: %d files", len(crit))
			}
			if text := casefiletest.PDFText(t, crit["case-T-C.pdf"]); !strings.Contains(text, "file links.csv · row 2") {
				t.Errorf("T-C's PDF lacks its step's source")
			}
			s.mustError("GET", "/api/v1/flags/reports.zip?severity=low", nil, 400, graph.EINVALID)

			// Above the limit: refused with the count, never cut.
			small := caseServer(t, store, graph.DefaultPolicy(), func(d *api.Deps) { d.MaxReports = 1 })
			e := small.mustError("GET", "/api/v1/flags/reports.zip", nil, 413, graph.ETOOLARGE)
			if !strings.Contains(e.Error.Message, "2 flags match") || !strings.Contains(e.Error.Message, "at most 1") {
				t.Errorf("refusal %q", e.Error.Message)
			}
			if got := files2(t, small, "/api/v1/flags/reports.zip?severity=critical"); len(got) != 1 {
				t.Errorf("one critical flag under a limit of one: %d files", len(got))
			}
			if got := files2(t, small, "/api/v1/flags/reports.zip?limit=1&offset=1"); len(got) != 1 || got["case-T-H.html"] == nil {
				t.Errorf("a page of one: %v", got)
			}
			s.mustError("GET", "/api/v1/flags/reports.zip?format=rtf", nil, 400, graph.EINVALID)
		})
	}
}

// files2 gets a ZIP and returns its files by name.
func files2(t *testing.T, s *testServer, path string) map[string][]byte {
	t.Helper()
	w := s.do("GET", path, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("%s: %d\n%s", path, w.Code, w.Body)
	}
	z, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(r)
	}
	return out
}
