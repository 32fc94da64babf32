package importer_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/importer"
)

func TestNameKind(t *testing.T) {
	org := importer.SheetKind{Table: importer.Organizations}
	tx := importer.SheetKind{Table: importer.Transactions}
	tests := []struct {
		name      string
		want      importer.SheetKind
		ok        bool
		ambiguous []string
	}{
		{"partner list", org, true, nil},
		{"Partners 2024 (final)", org, true, nil},
		{"entities", org, true, nil},
		{"ledger_2024_v1", tx, true, nil},
		{"Sales-Ledger Q3 2024", tx, true, nil},
		{"transactions export march", tx, true, nil},
		{"entity list 2024", importer.SheetKind{Table: importer.Listings}, true, nil},
		{"partners - distributors", importer.SheetKind{Table: importer.Organizations, Role: "distributor"}, true, nil},
		{"Shareholder register v2", importer.SheetKind{Table: importer.Links, LinkType: "OWNS"}, true, nil},
		{"shareholders and directors", importer.SheetKind{}, false, []string{"links (type OWNS)", "persons"}},
		{"sales and distribution", importer.SheetKind{}, false, []string{"links (type SUPPLIES)", "transactions"}},
		{"Ownership notes", importer.SheetKind{}, false, nil},
		{"Sheet1", importer.SheetKind{}, false, nil},
		{"2024", importer.SheetKind{}, false, nil},
		{"", importer.SheetKind{}, false, nil},
	}
	for _, tt := range tests {
		k, ok, amb := importer.NameKind(tt.name)
		var got []string
		for _, a := range amb {
			got = append(got, a.String())
		}
		if k != tt.want || ok != tt.ok || !reflect.DeepEqual(got, tt.ambiguous) {
			t.Errorf("NameKind(%q) = %+v, %v, %q; want %+v, %v, %q", tt.name, k, ok, got, tt.want, tt.ok, tt.ambiguous)
		}
	}
}

func TestHeaderSynonyms(t *testing.T) {
	tests := []struct {
		file, header, want string
	}{
		{"ledger_2024_v1.csv", "Supplier", "seller"},
		{"ledger_2024_v1.csv", "Tech category", "capability"},
		{"ledger_2024_v1.csv", "Deal #", "id"},
		{"ledger_2024_v1.csv", "Nation", "ship_to"},
		{"ledger_2024_v1.csv", "Net Amount", "value"},
		{"partner list.csv", "Nation", "country"},
		{"partner list.csv", "Company Name", "name"},
	}
	for _, tt := range tests {
		got := headerOf(t, tt.file, tt.header)
		if got != tt.want {
			t.Errorf("%s: header %q is %q, want %q", tt.file, tt.header, got, tt.want)
		}
	}
}

// headerOf is what the importer reads a header of a file as.
func headerOf(t *testing.T, file, header string) string {
	t.Helper()
	p := importer.PreviewFiles([]importer.File{csvFile(file, `"`+header+`",x`, "1,2")}, importer.Options{}, 1)
	if len(p.Sheets) != 1 || len(p.Sheets[0].Columns) == 0 {
		t.Fatalf("%s: preview %+v", file, p)
	}
	return p.Sheets[0].Columns[0].Column
}

func TestAmbiguousFileNameIsAnError(t *testing.T) {
	_, rep := mustRead(t, newLookup(), importer.Options{}, csvFile("shareholders and directors.csv", "from,to", "a,b"))
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, `"shareholders and directors" could mean links (type OWNS) or persons`) {
		t.Fatalf("errors %+v", rep.Errors)
	}
	// Given its kind, it reads.
	_, rep = mustRead(t, newLookup(), importer.Options{Kind: "persons"}, csvFile("shareholders and directors.csv", "name", "Ana"))
	mustClean(t, rep)
}
