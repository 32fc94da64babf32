package opensanctions_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
	"github.com/hopcheck/hopcheck/importer/formats/opensanctions"
)

func file(t testing.TB, name string) importer.File { return formattest.File(t, name) }

var fixtures = []string{"mieu.csv", "dod_1260h.csv", "fcc_table.csv", "section_889.csv"}

// Each file is told by its header, by exactly one layout.
func TestDetect(t *testing.T) {
	for i, name := range fixtures {
		var got []int
		for j, fm := range opensanctions.Formats() {
			if fm.Detect(file(t, name)) {
				got = append(got, j)
			}
		}
		if !reflect.DeepEqual(got, []int{i}) {
			t.Errorf("%s detected by layouts %v, want [%d]", name, got, i)
		}
	}
	if (opensanctions.Formats()[0]).Detect(importer.File{Name: "x.csv", Data: []byte("name,country\nOrion,CN\n")}) {
		t.Error("a spreadsheet taken for a source file")
	}
}

func read(t *testing.T, files ...importer.File) (graph.Upload, *importer.Report) {
	t.Helper()
	return formattest.Read(t, importer.Options{Formats: opensanctions.Formats()}, files...)
}

type listing struct{ entity, list, program, from, to string }

func listings(u graph.Upload) []listing {
	var out []listing
	for _, l := range u.Listings {
		out = append(out, listing{l.Entity, l.List, l.Program, l.ListedFrom, l.ListedTo})
	}
	return out
}

func byID(u graph.Upload) map[string]graph.Entity {
	m := map[string]graph.Entity{}
	for _, e := range u.Entities {
		m[e.ID] = e
	}
	return m
}

func TestLayouts(t *testing.T) {
	cases := []struct {
		file     string
		listings []listing
		lists    []string
		check    func(t *testing.T, u graph.Upload, rep *importer.Report)
	}{
		{"mieu.csv", []listing{
			{"us_bis_mieu-bureau_of_signals_reconnaissance", "us_bis_mieu", "US-BIS-MIEU", "2021-03-16", ""},
			{"us_bis_mieu-coastal_intelligence_office", "us_bis_mieu", "US-BIS-MIEU", "2022-03-01", ""},
			{"us_bis_mieu-ivan_testerov", "us_bis_mieu", "US-BIS-MIEU", "2023-01-05", ""},
		}, []string{"us_bis_mieu"}, func(t *testing.T, u graph.Upload, rep *importer.Report) {
			e := byID(u)
			if b := e["us_bis_mieu-bureau_of_signals_reconnaissance"]; b.Kind != graph.GovernmentBody || b.BodyKind != "intelligence" ||
				b.Country != "IR" || !reflect.DeepEqual(b.Aliases, []string{"BSR"}) || b.Source.Row != 2 || b.Source.File != "mieu.csv" {
				t.Errorf("MIEU body %+v", b)
			}
			if c := e["us_bis_mieu-coastal_intelligence_office"]; c.Kind != graph.Organization {
				t.Errorf("a body without a country is an organization: %+v", c)
			}
			if p := e["us_bis_mieu-ivan_testerov"]; p.Kind != graph.Person {
				t.Errorf("person %+v", p)
			}
			if !warned(rep, 4, "H", "before the start") {
				t.Errorf("no warning for the end before the start: %v", rep.Warnings)
			}
		}},
		{"dod_1260h.csv", []listing{
			{"us_dod_1260h-orion_vision_technology_co", "us_dod_1260h", "Section 1260H", "2021-06-03", "2024-01-31"},
			{"us_dod_1260h-orion_vision_subsidiary_co_ltd", "us_dod_1260h", "Section 1260H", "2024-01-31", ""},
			{"us_dod_1260h-orion_vision_technology_co", "us_dod_1260h", "Section 1260H", "2026-06-08", ""},
			{"us_dod_1260h-lyra_sub_ltd", "us_dod_1260h", "Section 1260H", "2025-01-07", ""},
		}, []string{"us_dod_1260h"}, func(t *testing.T, u graph.Upload, rep *importer.Report) {
			s := byID(u)["us_dod_1260h-orion_vision_subsidiary_co_ltd"]
			if !reflect.DeepEqual(s.Aliases, []string{"Old Orion Optics", "OOO"}) || s.Source.Row != 3 {
				t.Errorf("subsidiary %+v", s)
			}
			if r := u.Listings[1].Reason; !strings.Contains(r, "parent company: Orion Vision Technology Co.") {
				t.Errorf("reason %q: want the parent", r)
			}
			if len(u.Links) != 1 || u.Links[0].From != "us_dod_1260h-orion_vision_technology_co" || u.Links[0].To != s.ID ||
				u.Links[0].Type != graph.Owns || u.Links[0].Percent != nil || u.Links[0].Source.Row != 3 {
				t.Errorf("links %+v: want the parent's owns link, percent unknown", u.Links)
			}
			if !warned(rep, 5, "", "not in the upload or the store") {
				t.Errorf("warnings %v: want the link to a parent not on the list skipped, with a warning", rep.Warnings)
			}
			if r := u.Listings[2].Reason; !strings.Contains(r, "affiliated with a ministry") || !strings.Contains(r, "1260h-2026.pdf") {
				t.Errorf("reason %q: want the note and the source", r)
			}
		}},
		{"fcc_table.csv", []listing{
			{"us_fcc_covered-lyra_camera_company", "us_fcc_covered", "", "2021-03-12", ""},
			{"us_fcc_covered-vega_networks_corp", "us_fcc_covered", "", "2022-09-20", ""},
			{"us_fcc_covered-vega_usa_llc", "us_fcc_covered", "", "2022-09-20", ""},
			{"us_fcc_covered-nova_lab_inc", "us_fcc_covered", "", "2024-07-23", ""},
		}, []string{"us_fcc_covered"}, func(t *testing.T, u graph.Upload, rep *importer.Report) {
			if n := byID(u)["us_fcc_covered-nova_lab_inc"].Name; n != "Nova Lab, Inc." {
				t.Errorf("name %q", n)
			}
			if len(u.Links) != 1 || u.Links[0].From != "us_fcc_covered-vega_networks_corp" || u.Links[0].To != "us_fcc_covered-vega_usa_llc" ||
				u.Links[0].Type != graph.Owns || *u.Links[0].Percent != 100 {
				t.Errorf("links %+v: want the wholly-owned subsidiary", u.Links)
			}
			if !warned(rep, 5, "A", "names no producer") {
				t.Errorf("no warning for the entry without a party: %v", rep.Warnings)
			}
		}},
		{"section_889.csv", []listing{
			{"us_ndaa_889-lyra_camera_company", "us_ndaa_889", "Section 889 of the NDAA for Fiscal Year 2019 (Public Law 115 - 232)", "2019-08-01", ""},
			{"example_act_section_7-jane_example", "example_act_section_7", "Example Act Section 7", "2020-01-01", ""},
		}, []string{"us_ndaa_889", "example_act_section_7"}, func(t *testing.T, u graph.Upload, rep *importer.Report) {
			e := byID(u)
			if l := e["us_ndaa_889-lyra_camera_company"]; l.Country != "CN" || !reflect.DeepEqual(l.Aliases, []string{"Lyra"}) {
				t.Errorf("Lyra %+v", l)
			}
			if p := e["example_act_section_7-jane_example"]; p.Kind != graph.Person {
				t.Errorf("person %+v", p)
			}
			if u.Listings[0].Authority != "United States Congress" {
				t.Errorf("authority %q", u.Listings[0].Authority)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			u, rep := read(t, file(t, c.file))
			if rep.Rejected {
				t.Fatalf("rejected: %v", rep.Errors)
			}
			if got := listings(u); !reflect.DeepEqual(got, c.listings) {
				t.Errorf("listings\n got %v\nwant %v", got, c.listings)
			}
			var lists []string
			for _, l := range u.Lists {
				lists = append(lists, l.ID)
				if l.Name == "" || l.Authority == "" {
					t.Errorf("list %+v without a name or an authority", l)
				}
			}
			sort.Strings(lists)
			want := append([]string(nil), c.lists...)
			sort.Strings(want)
			if !reflect.DeepEqual(lists, want) {
				t.Errorf("lists %v, want %v", lists, want)
			}
			for _, l := range u.Listings {
				if l.Source.File != c.file || l.Source.Row < 2 || l.Source.Evidence == "" {
					t.Errorf("listing without its record: %+v", l.Source)
				}
			}
			c.check(t, u, rep)
		})
	}
}

func warned(rep *importer.Report, row int, col, text string) bool {
	for _, w := range rep.Warnings {
		if w.Row == row && w.Column == col && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

// A record without a name is an error naming its file, row and column.
func TestRecordWithoutName(t *testing.T) {
	f := importer.File{Name: "section_889.csv", Data: []byte("schema,name,aliases,topics,program,authority,start-date,end-date\n" +
		"Company,,,debarment,Section 889,United States Congress,,\n")}
	_, rep := read(t, f)
	if !rep.Rejected || len(rep.Errors) != 1 || rep.Errors[0].Row != 2 || rep.Errors[0].Column != "B" || rep.Errors[0].File != "section_889.csv" {
		t.Errorf("errors %+v", rep.Errors)
	}
}

func FuzzOpenSanctions(f *testing.F) {
	for _, name := range fixtures {
		f.Add(file(f, name).Data)
	}
	formattest.Fuzz(f, "source.csv", opensanctions.Formats()...)
}
