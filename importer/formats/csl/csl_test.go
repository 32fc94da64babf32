package csl_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csl"
)

func fixture(t testing.TB) importer.File {
	data, err := os.ReadFile("testdata/csl.csv")
	if err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: "csl.csv", Data: data}
}

func TestConsolidatedScreeningList(t *testing.T) {
	f := fixture(t)
	if !(csl.Format{}).Detect(f) {
		t.Fatal("not recognised")
	}
	u, rep, err := importer.Read(context.Background(), nil, []importer.File{f}, importer.Options{Formats: []importer.Format{csl.Format{}}})
	if err != nil || rep.Rejected {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	byID := map[string]graph.Entity{}
	for _, e := range u.Entities {
		byID[e.ID] = e
	}
	ct := byID["csl-30882"]
	if ct.Country != "CN" || !reflect.DeepEqual(ct.Aliases, []string{"CHINA TELECOM", "CHINA TELECOM CO., LTD"}) || ct.Source.Row != 2 {
		t.Errorf("China Telecom %+v", ct)
	}
	if p := byID["csl-7140"]; p.Kind != graph.Person || p.Country != "IR" || p.Position != "Director" {
		t.Errorf("person %+v", p)
	}
	lists := map[string]string{}
	for _, l := range u.Lists {
		lists[l.ID] = l.Name
	}
	if len(lists) != 4 || lists["us_bis_entity_list"] != "BIS Entity List" || lists["us_ofac_sdn"] == "" || lists["us_bis_denied"] == "" {
		t.Errorf("each source list its own list: %v", lists)
	}
	var got []string
	for _, l := range u.Listings {
		got = append(got, l.Entity+"/"+l.List+"/"+l.Program+"/"+l.ListedFrom+"/"+l.ListedTo)
	}
	want := []string{"csl-30882/non_sdn_chinese_military_industrial_complex_companies_list_cmic_treasury_department/CMIC-EO13959//",
		"csl-e1/us_bis_entity_list//2019-10-09/", "csl-7140/us_ofac_sdn/SDGT//", "csl-7140/us_ofac_sdn/IFSR//",
		"csl-d9/us_bis_denied//2017-10-16/2020-10-13"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("listings\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(u.Listings[1].Reason, "84 FR 54002") {
		t.Errorf("reason %q: want the Federal Register notice", u.Listings[1].Reason)
	}
}

func FuzzCSL(f *testing.F) {
	f.Add(fixture(f).Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, file := csl.Format{}, importer.File{Name: "csl.csv", Data: data}
		if !fm.Detect(file) {
			return
		}
		rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{file})
		if err != nil {
			return
		}
		for _, l := range rows.Listings {
			if l.ListedTo != "" && l.ListedFrom != "" && l.ListedTo < l.ListedFrom {
				t.Fatalf("listing ends before it starts: %+v", l)
			}
		}
	})
}

// A file cut off mid-record (a download that stopped) is rejected with an
// error naming the file and the line of the cut record, never read short.
func TestTruncatedFile(t *testing.T) {
	data := fixture(t).Data
	lines := strings.Count(string(data), "\n")
	cut := importer.File{Name: "csl.csv", Data: data[:len(data)-40]} // inside the last record
	u, rep, err := importer.Read(context.Background(), nil, []importer.File{cut}, importer.Options{Formats: []importer.Format{csl.Format{}}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Rejected || len(rep.Errors) != 1 {
		t.Fatalf("rejected %v, errors %v: want the upload rejected for the cut record", rep.Rejected, rep.Errors)
	}
	if is := rep.Errors[0]; is.File != "csl.csv" || is.Row != lines || !strings.Contains(is.Message, "cut off") {
		t.Errorf("error %+v: want csl.csv line %d, cut off", is, lines)
	}
	if len(u.Entities) != 0 {
		t.Errorf("%d entities of a rejected upload", len(u.Entities))
	}
}
