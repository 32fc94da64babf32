package gen_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/gen"
)

func TestDeterministicAndSized(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	ca, err := gen.Write(a, gen.Config{Entities: 2000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := gen.Write(b, gen.Config{Entities: 2000, Seed: 7})
	if ca != cb {
		t.Errorf("counts differ for one seed: %+v %+v", ca, cb)
	}
	for _, name := range []string{"organizations.csv", "links.csv", "transactions.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs for one seed", name)
		}
	}
	ents := ca.Organizations + ca.Persons + ca.GovernmentBodies
	if ents != 2000 || ca.Links < 2*ents || ca.Links > 4*ents || ca.Transactions != 200 {
		t.Errorf("counts %+v: want 2000 entities, about 3 links each, 200 transactions", ca)
	}
	c, _ := gen.Write(t.TempDir(), gen.Config{Entities: 2000, Seed: 8})
	if c == ca {
		t.Error("another seed gave the same counts")
	}
}

// The links are one fact per key (an import rejects a key stated twice
// differently), and a small share of the entities is in restrictive
// countries.
func TestShape(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Config{Entities: 5000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	links := readCSV(t, filepath.Join(dir, "links.csv"))
	seen := map[string]bool{}
	for _, r := range links[1:] {
		k := r[2] + "|" + r[0] + "|" + r[1] + "|" + r[4] + "|" + r[5]
		if seen[k] {
			t.Fatalf("link %s stated twice", k)
		}
		seen[k] = true
	}
	restrictive := map[string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, "countries.csv"))[1:] {
		restrictive[r[0]] = r[1] == "true"
	}
	orgs := readCSV(t, filepath.Join(dir, "organizations.csv"))[1:]
	n := 0
	for _, r := range orgs {
		if restrictive[r[3]] {
			n++
		}
	}
	if share := float64(n) / float64(len(orgs)); share < 0.03 || share > 0.2 {
		t.Errorf("%.0f%% of the organizations are in restrictive countries, want about a tenth", 100*share)
	}
}

func TestXLSXHoldsTheCSVRows(t *testing.T) {
	dir := t.TempDir()
	c, err := gen.Write(dir, gen.Config{Entities: 500, Seed: 3, XLSX: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "hopcheck.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Links")
	if err != nil {
		t.Fatal(err)
	}
	want := readCSV(t, filepath.Join(dir, "links.csv"))
	if len(rows) != c.Links+1 || len(want) != len(rows) {
		t.Fatalf("Links sheet has %d rows, links.csv %d, want %d", len(rows), len(want), c.Links+1)
	}
	for i := range rows {
		for j, cell := range rows[i] {
			if cell != want[i][j] {
				t.Fatalf("Links row %d column %d: %q, links.csv says %q", i+1, j+1, cell, want[i][j])
			}
		}
	}
	if got := f.GetSheetList(); len(got) != 6 {
		t.Errorf("sheets %v, want six", got)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
