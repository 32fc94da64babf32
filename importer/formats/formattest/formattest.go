// Package formattest holds what the format readers' tests share: reading
// a fixture, importing it through the importer, and the invariants every
// reader's output keeps, which the fuzz targets check.
package formattest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// File reads testdata/name.
func File(t testing.TB, name string) importer.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: name, Data: data}
}

// Read imports the files with the formats (and opts' other options), as
// an upload does, without a store.
func Read(t testing.TB, opts importer.Options, files ...importer.File) (graph.Upload, *importer.Report) {
	t.Helper()
	u, rep, err := importer.Read(context.Background(), nil, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	return u, rep
}

// MustRead is Read with the one format, failing when it does not
// recognise a file or rejects the upload.
func MustRead(t testing.TB, fm importer.Format, files ...importer.File) (graph.Upload, *importer.Report) {
	t.Helper()
	for _, f := range files {
		if !fm.Detect(f) {
			t.Fatalf("%s not recognised as %s", f.Name, fm.Name())
		}
	}
	u, rep := Read(t, importer.Options{Formats: []importer.Format{fm}}, files...)
	if rep.Rejected {
		t.Fatalf("rejected: %v", rep.Errors)
	}
	return u, rep
}

// Check fails when a reader's rows break what every reader keeps: each
// entity (and implied entity) has an id, a name and the line it came
// from; each link its ends and its line; each listing is of
// an entity read, on a list, and does not end before it starts; each
// country assessment has its line.
func Check(t testing.TB, rows importer.FormatRows) {
	t.Helper()
	ids := map[string]bool{}
	for _, e := range rows.Entities {
		if e.ID == "" || e.Name == "" || e.Source.File == "" || e.Source.Row < 1 {
			t.Fatalf("entity without an id, a name or its record: %+v", e)
		}
		ids[e.ID] = true
	}
	for _, e := range rows.Implied {
		if e.ID == "" || e.Name == "" || e.Source.File == "" || e.Source.Row < 1 {
			t.Fatalf("implied entity without an id, a name or its record: %+v", e)
		}
	}
	for _, l := range rows.Links {
		if l.From == "" || l.To == "" || l.Source.File == "" || l.Source.Row < 1 {
			t.Fatalf("link without its ends or its record: %+v", l)
		}
	}
	for _, l := range rows.Listings {
		if !ids[l.Entity] || l.List == "" || l.Source.Row < 1 {
			t.Fatalf("listing of no entity read, on no list, or without its record: %+v", l)
		}
		if l.ListedTo != "" && l.ListedFrom != "" && l.ListedTo < l.ListedFrom {
			t.Fatalf("listing ends before it starts: %+v", l)
		}
	}
	for _, c := range rows.Countries {
		for _, a := range c.Assessments {
			if a.Source.Row < 1 || a.Restrictive == nil {
				t.Fatalf("%s: assessment without its record or a restrictive: %+v", c.Code, a)
			}
		}
	}
}

// Fuzz checks, for any input a format recognises, that reading it panics
// not and keeps the invariants of Check.
func Fuzz(f *testing.F, name string, fms ...importer.Format) {
	f.Fuzz(func(t *testing.T, data []byte) {
		file := importer.File{Name: name, Data: data}
		for _, fm := range fms {
			if !fm.Detect(file) {
				continue
			}
			if rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{file}); err == nil {
				Check(t, rows)
			}
		}
	})
}
