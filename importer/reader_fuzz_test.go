package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/importertest"
)

// fuzzLimits keep each fuzz input cheap: a hostile input must fail at a
// limit, not take the fuzzer's time.
var fuzzLimits = importer.Limits{MaxFileBytes: 1 << 20, MaxUnzipBytes: 4 << 20, MaxRows: 2000, StoreSearchTime: -1}

// readWithin reads files and fails when reading takes more than a few
// seconds: a hang is a finding like a panic.
func readWithin(t *testing.T, opts importer.Options, files ...importer.File) (graph.Upload, *importer.Report) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, rep, err := importer.Read(ctx, nil, files, opts)
	if ctx.Err() != nil {
		t.Fatalf("reading took longer than 10s")
	}
	if err != nil {
		t.Fatalf("Read without a store failed: %v", err)
	}
	return u, rep
}

// checkAccepted holds for any upload the importer accepts.
func checkAccepted(t *testing.T, u graph.Upload, rep *importer.Report) {
	t.Helper()
	if rep.Rejected {
		if len(rep.Errors) == 0 {
			t.Fatal("rejected without an error")
		}
		return
	}
	for _, e := range u.Entities {
		if e.ID == "" || e.Name == "" || !e.Kind.Valid() {
			t.Fatalf("accepted entity without id, name or kind: %+v", e)
		}
		if !utf8.ValidString(e.Name) || strings.ContainsRune(e.Name, 0) {
			t.Fatalf("accepted a name that is not clean UTF-8: %q", e.Name)
		}
	}
	for _, l := range u.Links {
		if l.From == "" || l.To == "" || l.From == l.To || !l.Type.Valid() {
			t.Fatalf("accepted link %+v", l)
		}
		if p := l.Percent; p != nil && (*p < 0 || *p > 100) {
			t.Fatalf("accepted percent %v", *p)
		}
	}
}

// sheetShell is a workbook whose first sheet's XML the fuzzer writes.
func sheetShell(t *testing.T, sheetXML []byte) []byte {
	base := importertest.Workbook(importertest.Sheet{Name: "Companies"})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		must(t, err)
		if f.Name == "xl/worksheets/sheet1.xml" {
			_, _ = w.Write(sheetXML)
			continue
		}
		rc, err := f.Open()
		must(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		_, _ = w.Write(b.Bytes())
	}
	must(t, zw.Close())
	return out.Bytes()
}

// FuzzXLSXSheet fuzzes the worksheet XML inside a well-formed workbook,
// where the XLSX reader does its work (cells, shared strings, styles,
// dates, formulas).
func FuzzXLSXSheet(f *testing.F) {
	seed := func(rows ...[]importertest.Cell) {
		wb := importertest.Workbook(importertest.Sheet{Name: "Companies", Rows: rows})
		zr, _ := zip.NewReader(bytes.NewReader(wb), int64(len(wb)))
		for _, zf := range zr.File {
			if zf.Name == "xl/worksheets/sheet1.xml" {
				rc, _ := zf.Open()
				var b bytes.Buffer
				_, _ = b.ReadFrom(rc)
				rc.Close()
				f.Add(b.Bytes())
			}
		}
	}
	seed(importertest.Strs("name", "country", "founded"), []importertest.Cell{importertest.Str("Orion"), importertest.Str("CN"), importertest.Date(45000)})
	seed(importertest.Strs("id", "name"), []importertest.Cell{importertest.Num(1), importertest.Formula("A1&\"x\"", "Cached")})
	seed(importertest.Strs("name"), importertest.Strs("=1+1"), importertest.Strs("x\ty"))
	f.Add([]byte(`<worksheet><sheetData><row r="1048576"><c r="XFD1048576" t="s"><v>99</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheetXML []byte) {
		data := sheetShell(t, sheetXML)
		u, rep := readWithin(t, importer.Options{Limits: fuzzLimits}, importer.File{Name: "book.xlsx", Data: data})
		checkAccepted(t, u, rep)
	})
}

// FuzzXLSX fuzzes whole files named .xlsx: zip structure, parts and
// sizes. Most inputs are not zip files at all and must be refused cleanly.
func FuzzXLSX(f *testing.F) {
	f.Add(importertest.Workbook(importertest.Sheet{Name: "Companies", Rows: [][]importertest.Cell{importertest.Strs("name", "country"), importertest.Strs("Orion", "CN")}}))
	f.Add(importertest.Workbook(importertest.Sheet{Name: "Links", Rows: [][]importertest.Cell{importertest.Strs("from", "to", "type", "percent"), importertest.Strs("a", "b", "owns", "50")}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("<html></html>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, rep := readWithin(t, importer.Options{Limits: fuzzLimits}, importer.File{Name: "book.xlsx", Data: data})
		checkAccepted(t, u, rep)
	})
}

// FuzzCSVUpload fuzzes a CSV upload whose kind comes from its name, over
// all the tables, with references between the rows (FuzzCSV fixes the kind).
func FuzzCSVUpload(f *testing.F) {
	f.Add("links", []byte("from,to,type,percent,valid_from\nA,B,owns,60%,2024-01-01\n"))
	f.Add("government_bodies", []byte("id,name,country,parent,restrictive\nG1,Ministry,CN,G2,yes\nG2,Agency,CN,G1,no\n"))
	f.Add("transactions", []byte("id;date;buyer;value;currency\nT-1;03/04/2024;Orion;1 200,50;€\n"))
	f.Add("countries", []byte("country\trestrictive\tscore\nChina\ty\t9\n"))
	f.Add("organizations", []byte("\xFF\xFEn\x00a\x00m\x00e\x00\n\x00"))
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		orgs := importer.File{Name: "organizations.csv", Data: []byte("id,name,country\nA,Alpha,CN\nB,Beta,DE\n")}
		u, rep := readWithin(t, importer.Options{Kinds: map[string]string{"upload": kind}, Limits: fuzzLimits, DateFormat: "DD/MM/YYYY"}, orgs, importer.File{Name: "upload.csv", Data: data})
		checkAccepted(t, u, rep)
	})
}
