package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/importertest"
)

// uploadAndWait uploads files and waits for the job to end done.
func (s *testServer) uploadAndWait(files []importer.File) graph.Job {
	s.t.Helper()
	w := s.upload("/api/v1/uploads", files, nil)
	if w.Code != http.StatusAccepted {
		s.t.Fatalf("upload: status %d: %s", w.Code, w.Body)
	}
	var j graph.Job
	if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
		s.t.Fatal(err)
	}
	j = s.waitJob(j.ID, time.Now().Add(time.Minute))
	if j.State != graph.JobDone {
		s.t.Fatalf("upload job %s: %s\n%s", j.State, j.Error, j.Report)
	}
	return j
}

// TestInjectionRoundTrip uploads names, aliases and evidence that look
// like query text, markup, formulas and control characters through the
// API, and reads each back unchanged: by id, by search, by screening, and
// from the embedded store's log after a reopen.
func TestInjectionRoundTrip(t *testing.T) {
	s := mustServer(t, false)
	s.uploadAndWait(importertest.InjectionUpload())
	n := len(importertest.Injections)
	for i, name := range importertest.Injections {
		id := importertest.InjectionID(i)
		var got struct {
			Entity graph.Entity `json:"entity"`
			Links  []graph.Link `json:"links"`
		}
		s.mustJSON(http.MethodGet, "/api/v1/entities/"+id, nil, http.StatusOK, &got)
		if got.Entity.Name != name || !reflect.DeepEqual(got.Entity.Aliases, importertest.InjectionAliases(i)) {
			t.Errorf("%s: stored %q %q, want %q %q", id, got.Entity.Name, got.Entity.Aliases, name, importertest.InjectionAliases(i))
		}
		evidence := ""
		for _, l := range got.Links {
			if l.From == id && l.To == importertest.InjectionID((i+1)%n) {
				evidence = l.Source.Evidence
			}
		}
		if evidence != name {
			t.Errorf("%s: link evidence %q, want %q", id, evidence, name)
		}
		var found struct {
			Matches []graph.Match `json:"matches"`
		}
		s.mustJSON(http.MethodGet, "/api/v1/entities?q="+url.QueryEscape(name), nil, http.StatusOK, &found)
		if len(found.Matches) == 0 || found.Matches[0].Entity.ID != id || found.Matches[0].Entity.Name != name {
			t.Errorf("search %q: %+v", name, found.Matches)
		}
		var screened struct {
			Matches []struct {
				ID string `json:"id"`
			} `json:"matches"`
		}
		s.mustJSON(http.MethodPost, "/api/v1/screen", map[string]string{"name": name}, http.StatusOK, &screened)
		if len(screened.Matches) == 0 || screened.Matches[0].ID != id {
			t.Errorf("screen %q: %+v", name, screened.Matches)
		}
	}
	if st, _ := s.store.Stats(context.Background()); st.Entities[graph.Organization] != n || st.Links[graph.Supplies] != n {
		t.Errorf("stats after the injection upload: %+v", st)
	}

	// Through the write-ahead log: write, close, reopen, compare.
	dir := t.TempDir()
	ms, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := importer.Import(context.Background(), ms, importertest.InjectionUpload(), importer.Options{})
	if err != nil || rep.Rejected {
		t.Fatalf("import: %v %+v", err, rep)
	}
	before, _ := ms.Export(context.Background())
	ms.Close()
	if ms, err = memstore.Open(dir); err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	after, _ := ms.Export(context.Background())
	if !reflect.DeepEqual(before, after) {
		t.Error("the store reads back differently after a reopen")
	}
	for i, name := range importertest.Injections {
		if e, err := ms.Entity(context.Background(), importertest.InjectionID(i)); err != nil || e.Name != name {
			t.Errorf("after reopen %s: %q %v, want %q", importertest.InjectionID(i), e.Name, err, name)
		}
	}
}

// formulaNames start with each character a spreadsheet reads as a formula.
var formulaNames = []string{`=HYPERLINK("http://x.test","click")`, "+SUM(1,2)", "-2+3 Minus", "@SUM(A1)", "=1+1"}

// mustNeutral fails when a cell would be read as a formula: it must not
// start with = + - @ (a neutralised cell starts with ').
func mustNeutral(t *testing.T, where, cell string) {
	t.Helper()
	if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
		t.Errorf("%s: cell %q is not neutralised", where, cell)
	}
}

// mustNeutralXLSX checks every cell of every sheet, and that no cell holds
// a formula; it returns every cell's text.
func mustNeutralXLSX(t *testing.T, what string, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer f.Close()
	var all strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				mustNeutral(t, what+" "+sheet+"!"+cell, v)
				if fm, _ := f.GetCellFormula(sheet, cell); fm != "" {
					t.Errorf("%s %s!%s: formula %q", what, sheet, cell, fm)
				}
				all.WriteString(v + "\n")
			}
		}
	}
	return all.String()
}

// TestExportsNeutraliseFormulas checks the real outputs: flags.xlsx and
// the batch screening's XLSX and CSV, for names that start with = + - @.
func TestExportsNeutraliseFormulas(t *testing.T) {
	s := mustServer(t, false)
	var orgs, links, txs []string
	for i, name := range formulaNames {
		id := "F-" + string(rune('A'+i))
		orgs = append(orgs, id+","+csvQuote(name)+",CN")
		links = append(links, "G-1,"+id+",owns,60")
		txs = append(txs, "T-"+string(rune('A'+i))+",2024-05-01,"+id+","+csvQuote("@product "+name))
	}
	s.uploadAndWait([]importer.File{
		{Name: "countries.csv", Data: []byte("country,restrictive\nCN,yes\n")},
		{Name: "government_bodies.csv", Data: []byte("id,name,country,restrictive\nG-1,\"=GOV()+1\",CN,yes\n")},
		{Name: "organizations.csv", Data: []byte("id,name,country\n" + strings.Join(orgs, "\n") + "\n")},
		{Name: "links.csv", Data: []byte("from,to,type,percent\n" + strings.Join(links, "\n") + "\n")},
		{Name: "transactions.csv", Data: []byte("id,date,buyer,product\n" + strings.Join(txs, "\n") + "\n")},
	})
	var page struct {
		Flags []graph.Flag `json:"flags"`
	}
	s.mustJSON(http.MethodGet, "/api/v1/flags", nil, http.StatusOK, &page)
	if len(page.Flags) != len(formulaNames) {
		t.Fatalf("%d flags, want %d", len(page.Flags), len(formulaNames))
	}
	w := s.do(http.MethodGet, "/api/v1/flags.xlsx", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("flags.xlsx: %d %s", w.Code, w.Body)
	}
	text := mustNeutralXLSX(t, "flags.xlsx", w.Body.Bytes())
	for _, name := range formulaNames {
		if !strings.Contains(text, "'"+name) {
			t.Errorf("flags.xlsx lost %q", name)
		}
	}

	// Batch screening of a CSV, answered as CSV and as XLSX.
	in := "name,country\n"
	for _, name := range formulaNames {
		in += csvQuote(name) + ",CN\n"
	}
	w = batchFile(s, "screen.csv", []byte(in), "text/csv")
	if w.Code != http.StatusOK {
		t.Fatalf("batch CSV: %d %s", w.Code, w.Body)
	}
	recs, err := csv.NewReader(bytes.NewReader(w.Body.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for r, rec := range recs {
		for c, v := range rec {
			mustNeutral(t, "batch CSV row "+string(rune('1'+r))+" col "+string(rune('A'+c)), v)
		}
	}
	if !strings.Contains(w.Body.String(), "'=GOV()+1") {
		t.Errorf("batch CSV does not name the end-user:\n%s", w.Body)
	}
	w = batchFile(s, "screen.csv", []byte(in), xlsxType)
	if w.Code != http.StatusOK {
		t.Fatalf("batch XLSX: %d %s", w.Code, w.Body)
	}
	mustNeutralXLSX(t, "batch XLSX from CSV", w.Body.Bytes())

	// A workbook in: the result columns added to it are neutralised.
	book := importertest.Workbook(importertest.Sheet{Name: "Screen", Rows: [][]importertest.Cell{
		importertest.Strs("name", "country"), importertest.Strs("+SUM(1,2)", "CN"), importertest.Strs("@SUM(A1)", "CN")}})
	w = batchFile(s, "screen.xlsx", book, xlsxType)
	if w.Code != http.StatusOK {
		t.Fatalf("batch XLSX from XLSX: %d %s", w.Code, w.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Screen", excelize.Options{RawCellValue: true})
	for r, row := range rows {
		for c := 2; c < len(row); c++ { // columns added by hopcheck
			mustNeutral(t, "batch XLSX from XLSX", row[c])
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fm, _ := f.GetCellFormula("Screen", cell); fm != "" {
				t.Errorf("batch XLSX %s: formula %q", cell, fm)
			}
		}
	}
}

func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
