package dpl_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/dpl"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
)

func fixture(t testing.TB) importer.File { return formattest.File(t, "dpl.txt") }

func TestDeniedPersonsList(t *testing.T) {
	u, rep := formattest.MustRead(t, dpl.Format{}, fixture(t))
	byID := map[string]graph.Entity{}
	for _, e := range u.Entities {
		byID[e.ID] = e
	}
	if len(u.Entities) != 3 {
		t.Errorf("%d entities, want 3: a name on two rows is one entity", len(u.Entities))
	}
	if p := byID["us_bis_denied-john_q_sample"]; p.Kind != graph.Person || p.Country != "US" || p.Source.Row != 2 {
		t.Errorf("person %+v", p)
	}
	o := byID["us_bis_denied-orion_freight_ltd"]
	if o.Kind != graph.Organization || o.Country != "AE" || !strings.Contains(o.Address, "DUBAI") || !strings.Contains(o.Address, "LIMASSOL") {
		t.Errorf("firm %+v: want both addresses", o)
	}
	var got []string
	for _, l := range u.Listings {
		got = append(got, l.Entity+"/"+l.List+"/"+l.ListedFrom+"/"+l.ListedTo)
	}
	want := []string{"us_bis_denied-john_q_sample/us_bis_denied/2019-06-19/2029-06-19",
		"us_bis_denied-orion_freight_ltd/us_bis_denied/2021-03-01/2031-03-01",
		"us_bis_denied-petra_example/us_bis_denied//"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("listings\n got %q\nwant %q", got, want)
	}
	// One order on several rows (one an address) is one listing; a
	// person's addresses are kept with it.
	if r := u.Listings[0].Reason; !strings.Contains(r, "84 F.R. 12345") || !strings.Contains(r, "SPRINGFIELD") || !strings.Contains(r, "PEORIA") {
		t.Errorf("reason %q: want the citation and both of the person's addresses", r)
	}
	if p := byID["us_bis_denied-john_q_sample"]; p.Address != "" {
		t.Errorf("a person has no address: %q", p.Address)
	}
	if len(u.Lists) != 1 || u.Lists[0].ID != "us_bis_denied" || u.Lists[0].Authority == "" {
		t.Errorf("lists %+v", u.Lists)
	}
	// 13/01/2022 is no MM/DD/YYYY date: a warning naming the cell.
	found := false
	for _, w := range rep.Warnings {
		found = found || (w.File == "dpl.txt" && w.Row == 6 && w.Column == "G")
	}
	if !found {
		t.Errorf("warnings %v: want the bad date named", rep.Warnings)
	}
}

func FuzzDPL(f *testing.F) {
	f.Add(fixture(f).Data)
	formattest.Fuzz(f, "dpl.txt", dpl.Format{})
}

func TestKindFromTheName(t *testing.T) {
	head := "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\tStandard_Order\tLast_Update\tAction\tFR_Citation\n"
	kinds := map[string]graph.Kind{
		"KOTO COMMERCIO IBERICA, S.L.": graph.Organization, "AL NASER WINGS AIRLINES": graph.Organization,
		"SKY BLUE BIRD FZC": graph.Organization, "PJSC AEROFLOT": graph.Organization,
		"JORGE MARTIN DORAME, JR.": graph.Person, "YE SANG \"\"IVY\"\" WANG": graph.Person,
	}
	data := head
	for name := range kinds {
		data += "\"" + name + "\"\t\t\t\t\t\t\t\t\t\t\t\n"
	}
	u, _ := formattest.MustRead(t, dpl.Format{}, importer.File{Name: "dpl.txt", Data: []byte(data)})
	for _, e := range u.Entities {
		want := kinds[strings.ReplaceAll(e.Name, `"`, `""`)]
		if e.Kind != want {
			t.Errorf("%s: %s, want %s", e.Name, e.Kind, want)
		}
	}
	if len(u.Entities) != len(kinds) {
		t.Errorf("%d entities", len(u.Entities))
	}
}
