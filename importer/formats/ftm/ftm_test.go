package ftm_test

import (
	"context"
	"os"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/ftm"
)

func fixture(t testing.TB) importer.File {
	data, err := os.ReadFile("testdata/entities.ftm.json")
	if err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: "entities.ftm.json", Data: data}
}

func TestFollowTheMoney(t *testing.T) {
	f := fixture(t)
	if !(ftm.Format{}).Detect(f) {
		t.Fatal("not recognised")
	}
	u, rep, err := importer.Read(context.Background(), nil, []importer.File{f}, importer.Options{Formats: []importer.Format{ftm.Format{}}})
	if err != nil || rep.Rejected {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	kinds := map[string]graph.Kind{}
	for _, e := range u.Entities {
		kinds[e.ID] = e.Kind
		if e.ID == "NK-zala" && (e.Name != "ZALA AERO GROUP" || len(e.Aliases) != 2 || e.Country != "RU" || e.Founded != "2010" ||
			e.RegistrationID != "1831115340" || e.Source.Row != 1 || e.Source.Evidence != "FtM Company NK-zala") {
			t.Errorf("company %+v", e)
		}
	}
	if len(u.Entities) != 5 || kinds["NK-mod"] != graph.GovernmentBody || kinds["NK-zakharov"] != graph.Person {
		t.Errorf("entities %v (the Address is left out)", kinds)
	}
	types := map[graph.LinkType]graph.Link{}
	for _, l := range u.Links {
		types[l.Type] = l
	}
	if o := types[graph.Owns]; o.From != "NK-kalash" || o.To != "NK-zala" || o.Percent == nil || *o.Percent != 51 || o.ValidFrom != "2015-06-01" {
		t.Errorf("ownership %+v", o)
	}
	if c := types[graph.Controls]; c.From != "NK-zakharov" || c.Role != "General Director" {
		t.Errorf("directorship %+v", c)
	}
	if a := types[graph.AgentOf]; a.From != "NK-zala" || a.To != "NK-mod" {
		t.Errorf("representation %+v", a)
	}
	if len(u.Links) != 5 || len(rep.Warnings) < 2 {
		t.Errorf("%d links, warnings %v: the ownership by an entity not exported is skipped with a warning", len(u.Links), rep.Warnings)
	}
	if len(u.Listings) != 1 || u.Listings[0].List != "eu_fsf" || u.Listings[0].Program != "EU-RUS" || u.Listings[0].ListedFrom != "2022-04-01" ||
		u.Listings[0].Source.Row != 13 || len(u.Lists) != 1 || u.Lists[0].Name != "EU Financial Sanctions Files" {
		t.Errorf("listings %+v lists %+v", u.Listings, u.Lists)
	}
}

func FuzzFTM(f *testing.F) {
	f.Add(fixture(f).Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, file := ftm.Format{}, importer.File{Name: "x.json", Data: data}
		if !fm.Detect(file) {
			return
		}
		rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{file})
		if err != nil {
			return
		}
		for _, l := range rows.Links {
			if !l.Type.Valid() || l.From == "" || l.To == "" {
				t.Fatalf("bad link %+v", l)
			}
		}
	})
}
