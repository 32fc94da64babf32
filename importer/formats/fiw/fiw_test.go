package fiw_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/fiw"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
)

func file(t testing.TB, name string) importer.File { return formattest.File(t, name) }

func read(t *testing.T, rule *graph.CountryRule, f importer.File) (map[string]graph.Country, *importer.Report) {
	t.Helper()
	u, rep := formattest.Read(t, importer.Options{Formats: []importer.Format{fiw.Format{}}, CountryRule: rule}, f)
	m := map[string]graph.Country{}
	for _, c := range u.Countries {
		m[c.Code] = c
	}
	return m, rep
}

// restrictive renders a country's assessments as year:restrictive pairs.
func restrictive(c graph.Country) string {
	var b strings.Builder
	for _, a := range c.Assessments {
		v := "?"
		if a.Restrictive != nil {
			v = map[bool]string{true: "R", false: "-"}[*a.Restrictive]
		}
		b.WriteString(itoa(a.Year) + ":" + v + " ")
	}
	return strings.TrimSpace(b.String())
}

func itoa(y int) string {
	if y == 0 {
		return "-"
	}
	return strconv.Itoa(y)
}

func TestSeries(t *testing.T) {
	below := 45.0
	cases := []struct {
		name string
		rule *graph.CountryRule
		want map[string]string
	}{
		{"default rule: NF", nil, map[string]string{"DE": "2023:-", "IR": "2013:R 2023:R", "HK": "2023:-", "KE": "2023:-"}},
		{"policy rule: PF and below 45", &graph.CountryRule{RestrictiveStatus: []string{"NF", "PF"}, RestrictiveBelow: &below},
			map[string]string{"DE": "2023:-", "IR": "2013:R 2023:R", "HK": "2023:R", "KE": "2023:R"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := file(t, "fiw_series.csv")
			if !(fiw.Format{}).Detect(f) {
				t.Fatal("not recognised")
			}
			got, rep := read(t, c.rule, f)
			if rep.Rejected {
				t.Fatalf("rejected: %v", rep.Errors)
			}
			if len(got) != len(c.want) {
				t.Errorf("countries %v", got)
			}
			for code, want := range c.want {
				if r := restrictive(got[code]); r != want {
					t.Errorf("%s: %s, want %s", code, r, want)
				}
			}
			ir := got["IR"]
			if a := ir.Assessments[1]; *a.Score != 14 || a.Basis != "Freedom in the World status NF, score 14" || a.Source.Row != 3 || a.Source.File != "fiw_series.csv" {
				t.Errorf("Iran 2023 %+v", a)
			}
			if len(rep.Warnings) != 1 || rep.Warnings[0].Row != 5 || !strings.Contains(rep.Warnings[0].Message, "Northland Isles") {
				t.Errorf("warnings %v: want the territory without a code, only", rep.Warnings)
			}
		})
	}
}

// The reader and the spreadsheet countries path (a sheet named FIW…)
// assess the same rows alike.
func TestSameAsTheSpreadsheetPath(t *testing.T) {
	f := file(t, "fiw_series.csv")
	flat := func(u graph.Upload) map[string]string {
		m := map[string]string{}
		for _, c := range u.Countries {
			for _, a := range c.Assessments {
				m[c.Code+" "+itoa(a.Year)] = fmt.Sprintf("%v %v %s row %d", *a.Restrictive, *a.Score, a.Basis, a.Source.Row)
			}
		}
		return m
	}
	viaFormat, _ := formattest.MustRead(t, fiw.Format{}, f)
	viaSheet, rep := formattest.Read(t, importer.Options{}, f)
	if rep.Rejected {
		t.Fatal(rep.Errors)
	}
	if a, b := flat(viaFormat), flat(viaSheet); !reflect.DeepEqual(a, b) || len(a) != 5 {
		t.Errorf("reader %v\nsheet  %v", a, b)
	}
}

func TestSingleYear(t *testing.T) {
	f := file(t, "fiw_single.csv")
	got, rep := read(t, nil, f)
	if rep.Rejected || restrictive(got["IR"]) != "-:-" || *got["IR"].Assessments[0].Score != 14 {
		t.Fatalf("%v %v", rep.Errors, got)
	}
	if len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0].Message, "restrictive_below") {
		t.Errorf("warnings %v: want the rule that finds nothing by score, and the unknown name", rep.Warnings)
	}
	below := 30.0
	got, rep = read(t, &graph.CountryRule{RestrictiveBelow: &below}, f)
	if restrictive(got["IR"]) != "-:R" || restrictive(got["DE"]) != "-:-" || len(rep.Warnings) != 1 {
		t.Errorf("with restrictive_below 30: IR %s, DE %s, warnings %v", restrictive(got["IR"]), restrictive(got["DE"]), rep.Warnings)
	}
}

func TestBadCells(t *testing.T) {
	for name, c := range map[string]struct {
		row        string
		line       int
		col, inMsg string
	}{
		"status":      {"Iran,Middle East,c,2023,XX,14", 2, "E", "status"},
		"edition":     {"Iran,Middle East,c,twenty,NF,14", 2, "D", "edition"},
		"score":       {"Iran,Middle East,c,2023,NF,lots", 2, "F", "number"},
		"country":     {"Atlantis,Europe,c,2023,NF,14", 2, "A", "Atlantis"},
		"twice apart": {"Iran,Middle East,c,2023,NF,14\nIran,Middle East,c,2023,NF,15", 3, "A", "row 2"},
	} {
		t.Run(name, func(t *testing.T) {
			f := importer.File{Name: "fiw.csv", Data: []byte("Country/Territory,Region,C/T,Edition,Status,Total\n" + c.row + "\n")}
			_, rep := read(t, nil, f)
			if !rep.Rejected || len(rep.Errors) != 1 {
				t.Fatalf("errors %v: want one", rep.Errors)
			}
			if e := rep.Errors[0]; e.File != "fiw.csv" || e.Row != c.line || e.Column != c.col || !strings.Contains(e.Message, c.inMsg) {
				t.Errorf("error %+v: want row %d column %s about %s", e, c.line, c.col, c.inMsg)
			}
		})
	}
}

func FuzzFIW(f *testing.F) {
	f.Add(file(f, "fiw_series.csv").Data)
	f.Add(file(f, "fiw_single.csv").Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, file := fiw.Format{}, importer.File{Name: "fiw.csv", Data: data}
		if !fm.Detect(file) {
			return
		}
		rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{file})
		if err != nil {
			return
		}
		formattest.Check(t, rows)
		for _, c := range rows.Countries {
			years := map[int]bool{}
			for i, a := range c.Assessments {
				if years[a.Year] || a.Restrictive == nil || a.Source.Row < 2 || (i > 0 && a.Year < c.Assessments[i-1].Year) {
					t.Fatalf("%s: assessments %+v", c.Code, c.Assessments)
				}
				years[a.Year] = true
			}
		}
	})
}
