package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
	"github.com/hopcheck/hopcheck/importer"
)

// memLookup is a tiny in-memory store for lookups; Apply records calls.
type memLookup struct {
	graph.Store // unimplemented methods panic
	entities    map[string]graph.Entity
	decisions   []graph.Decision
	applied     int
}

func (m *memLookup) Decisions(context.Context) ([]graph.Decision, error) { return m.decisions, nil }

func newLookup(es ...graph.Entity) *memLookup {
	m := &memLookup{entities: map[string]graph.Entity{}}
	for _, e := range es {
		m.entities[e.ID] = e
	}
	return m
}

func (m *memLookup) Entity(_ context.Context, id string) (graph.Entity, error) {
	if e, ok := m.entities[id]; ok {
		return e, nil
	}
	return graph.Entity{}, graph.Errorf(graph.ENOTFOUND, "no entity %s", id)
}

func (m *memLookup) EntitiesByName(_ context.Context, keys []string) (map[string][]graph.Entity, error) {
	out := map[string][]graph.Entity{}
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	for _, e := range m.entities {
		seen := map[string]bool{}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			k := graph.NameKey(n)
			if want[k] && !seen[k] {
				seen[k] = true
				out[k] = append(out[k], e)
			}
		}
	}
	for _, v := range out {
		sort.Slice(v, func(i, j int) bool { return v[i].ID < v[j].ID })
	}
	return out, nil
}

func (m *memLookup) Search(_ context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	var all []graph.Entity
	for _, e := range m.entities {
		all = append(all, e)
	}
	return match.Rank(q, all, nil), nil
}

func (m *memLookup) Apply(_ context.Context, u graph.Upload, _ func(int, int)) (graph.WriteResult, error) {
	m.applied++
	for _, e := range u.Entities {
		m.entities[e.ID] = e
	}
	return graph.WriteResult{Entities: graph.Changes{Created: len(u.Entities)}}, nil
}

// pct is a value written as an XLSX percentage cell (0.6 shows as 60%).
type pct float64

// dmy is a date written as an XLSX date cell formatted dd/mm/yyyy.
type dmy time.Time

// sheetData is one sheet of a generated workbook: rows of cells.
type sheetData struct {
	name string
	rows [][]any
}

// mustXLSX builds a workbook; cells may be strings, numbers, time.Time
// (date cells), dmy, pct or nil.
func mustXLSX(tb testing.TB, sheets ...sheetData) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	pctStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	dmyCode := "dd/mm/yyyy"
	dmyStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dmyCode})
	isoDate, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for i, s := range sheets {
		if i == 0 {
			must(tb, f.SetSheetName("Sheet1", s.name))
		} else {
			_, err := f.NewSheet(s.name)
			must(tb, err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				case pct:
					must(tb, f.SetCellFloat(s.name, cell, float64(v), -1, 64))
					must(tb, f.SetCellStyle(s.name, cell, cell, pctStyle))
				case dmy:
					must(tb, f.SetCellValue(s.name, cell, time.Time(v)))
					must(tb, f.SetCellStyle(s.name, cell, cell, dmyStyle))
				case time.Time:
					must(tb, f.SetCellValue(s.name, cell, v))
					must(tb, f.SetCellStyle(s.name, cell, cell, isoDate))
				default:
					must(tb, f.SetCellValue(s.name, cell, v))
				}
			}
		}
	}
	var buf bytes.Buffer
	must(tb, f.Write(&buf))
	return buf.Bytes()
}

// patchZip rewrites one entry of a zip file with a string replacement.
func patchZip(tb testing.TB, data []byte, entry, old, new string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(tb, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		must(tb, err)
		b, err := io.ReadAll(rc)
		must(tb, err)
		if f.Name == entry {
			if !strings.Contains(string(b), old) {
				tb.Fatalf("patchZip: %q not in %s: %s", old, entry, b)
			}
			b = []byte(strings.Replace(string(b), old, new, 1))
			found = true
		}
		w, err := zw.Create(f.Name)
		must(tb, err)
		_, err = w.Write(b)
		must(tb, err)
	}
	must(tb, zw.Close())
	if !found {
		tb.Fatalf("patchZip: no entry %s", entry)
	}
	return buf.Bytes()
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// mustRead reads files and fails the test on a lookup error.
func mustRead(tb testing.TB, lookup importer.Lookup, opts importer.Options, files ...importer.File) (graph.Upload, *importer.Report) {
	tb.Helper()
	u, rep, err := importer.Read(context.Background(), lookup, files, opts)
	must(tb, err)
	return u, rep
}

// mustClean fails the test when the report has errors.
func mustClean(tb testing.TB, rep *importer.Report) {
	tb.Helper()
	if len(rep.Errors) > 0 {
		var b strings.Builder
		_ = rep.WriteText(&b)
		tb.Fatalf("unexpected errors:\n%s", b.String())
	}
}

func csvFile(name string, lines ...string) importer.File {
	return importer.File{Name: name, Data: []byte(strings.Join(lines, "\n") + "\n")}
}

func text(rep *importer.Report) string {
	var b strings.Builder
	_ = rep.WriteText(&b)
	return b.String()
}

func fp(v float64) *float64 { return &v }
func bp(v bool) *bool       { return &v }

func kindOf(s string) graph.Kind { return graph.Kind(s) }

func excelizeOpen(data []byte) (*excelize.File, error) {
	return excelize.OpenReader(bytes.NewReader(data))
}
