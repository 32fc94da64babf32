package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

func TestLimits(t *testing.T) {
	// A zip bomb: a small file that unpacks to 64 MiB of spaces.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		_, _ = w.Write([]byte("<x/>"))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 64; i++ {
		_, _ = w.Write(chunk)
	}
	must(t, zw.Close())
	tests := []struct {
		name   string
		file   importer.File
		limits importer.Limits
		msg    string
	}{
		{"file bytes", csvFile("orgs.csv", "name", "A", "B"), importer.Limits{MaxFileBytes: 5}, "more than the limit of 5"},
		{"rows", csvFile("orgs.csv", "name", "A", "B", "C"), importer.Limits{MaxRows: 2}, "more than 2 rows"},
		{"cell", csvFile("orgs.csv", "name", strings.Repeat("x", 100)), importer.Limits{MaxCellBytes: 50}, "more than the limit of 50"},
		{"zip bomb", importer.File{Name: "bomb.xlsx", Data: bomb.Bytes()}, importer.Limits{MaxUnzipBytes: 16 << 20}, "unpacks to"},
		{"xlsx rows", importer.File{Name: "b.xlsx", Data: mustXLSX(t, sheetData{"Companies", [][]any{{"Name"}, {"A"}, {"B"}, {"C"}}})}, importer.Limits{MaxRows: 2}, "more than 2 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep := mustRead(t, nil, importer.Options{Limits: tt.limits}, tt.file)
			if !rep.Rejected || !strings.Contains(text(rep), tt.msg) {
				t.Errorf("want a rejection with %q:\n%s", tt.msg, text(rep))
			}
		})
	}
}

func TestProgress(t *testing.T) {
	var phases []importer.Phase
	opts := importer.Options{Progress: func(p importer.Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}}
	lines := []string{"name"}
	for i := 0; i < 2500; i++ {
		lines = append(lines, "Org "+strings.Repeat("x", i%7)+string(rune('a'+i%26)))
	}
	_, _ = mustRead(t, nil, opts, csvFile("orgs.csv", lines...))
	if len(phases) < 2 || phases[0] != importer.Reading || phases[1] != importer.Validating {
		t.Errorf("phases = %v", phases)
	}
}

// TestImportTwiceChangesNothing runs against the embedded store.
func TestImportTwiceChangesNothing(t *testing.T) {
	store, err := memstore.Open(t.TempDir())
	if err != nil {
		t.Skipf("memstore: %v", err)
	}
	defer store.Close()
	book := importer.File{Name: "book.xlsx", Data: mustXLSX(t, sample()...)}
	ctx := context.Background()
	rep, err := importer.Import(ctx, store, []importer.File{book}, importer.Options{})
	must(t, err)
	mustClean(t, rep)
	if rep.Written == nil || rep.Written.Entities.Created != 5 {
		t.Fatalf("first import: %s", text(rep))
	}
	rep, err = importer.Import(ctx, store, []importer.File{book}, importer.Options{})
	must(t, err)
	mustClean(t, rep)
	if rep.Written.Any() {
		t.Errorf("second import changed something: %s", text(rep))
	}
	if strings.Contains(text(rep), "possible duplicate") {
		t.Errorf("second import warns about duplicates of itself: %s", text(rep))
	}
	e, err := store.Entity(ctx, "org-cn-orion-tech")
	must(t, err)
	if e.Role != "distributor" {
		t.Errorf("stored %+v", e)
	}
	// References by name now resolve against the store.
	rep, err = importer.Import(ctx, store, []importer.File{csvFile("sales.csv", "id,date,buyer", "T-2,2024-05-01,Orion Tech Ltd.")}, importer.Options{})
	must(t, err)
	mustClean(t, rep)
	tx, err := store.Transaction(ctx, "T-2")
	must(t, err)
	if tx.Buyer != "org-cn-orion-tech" {
		t.Errorf("buyer = %q", tx.Buyer)
	}
	var _ graph.Store = store
}
