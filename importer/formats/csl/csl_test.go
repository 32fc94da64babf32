package csl_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csl"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
)

func fixture(t testing.TB) importer.File { return formattest.File(t, "csl.csv") }

func TestConsolidatedScreeningList(t *testing.T) {
	u, _ := formattest.MustRead(t, csl.Format{}, fixture(t))
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
	formattest.Fuzz(f, "csl.csv", csl.Format{})
}
