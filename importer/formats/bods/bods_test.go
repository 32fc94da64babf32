package bods_test

import (
	"context"
	"os"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/bods"
)

func file(t testing.TB, name string) importer.File {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return importer.File{Name: name, Data: data}
}

func read(t *testing.T, name string) (graph.Upload, *importer.Report) {
	f := file(t, name)
	if !(bods.Format{}).Detect(f) {
		t.Fatalf("%s not recognised", name)
	}
	u, rep, err := importer.Read(context.Background(), nil, []importer.File{f}, importer.Options{Formats: []importer.Format{bods.Format{}}})
	if err != nil || rep.Rejected {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	return u, rep
}

func TestBODS04(t *testing.T) {
	u, rep := read(t, "bods-0.4.json")
	kinds := map[string]graph.Entity{}
	for _, e := range u.Entities {
		kinds[e.ID] = e
	}
	if a := kinds["bods-c1"]; a.Country != "GB" || a.Founded != "1998-05" || a.RegistrationID != "GB-COH XE9999" || a.Source.Row != 1 ||
		a.Source.Evidence != "BODS statement c1" {
		t.Errorf("entity %+v", a)
	}
	if p := kinds["bods-p1"]; p.Kind != graph.Person || p.Name != "Person 1" || len(p.Aliases) != 1 {
		t.Errorf("person %+v", p)
	}
	if kinds["bods-st1"].Kind != graph.GovernmentBody {
		t.Errorf("a state body is a government body: %+v", kinds["bods-st1"])
	}
	var owns, controls []graph.Link
	for _, l := range u.Links {
		switch l.Type {
		case graph.Owns:
			owns = append(owns, l)
		case graph.Controls:
			controls = append(controls, l)
		}
	}
	if len(owns) != 2 || *owns[0].Percent != 75 || *owns[0].PercentMax != 100 || owns[0].ValidFrom != "2016-04-06" ||
		owns[0].From != "bods-p1" || owns[0].To != "bods-c1" || *owns[1].Percent != 20 || owns[1].PercentMax != nil {
		t.Errorf("a range is kept as minimum and maximum: %+v", owns)
	}
	if len(controls) != 1 || controls[0].Role != "appointmentOfBoard" {
		t.Errorf("controls %+v", controls)
	}
	if len(rep.Warnings) != 1 {
		t.Errorf("the relationship with an unspecified party: warnings %v", rep.Warnings)
	}
}

func TestBODS02Lines(t *testing.T) {
	u, _ := read(t, "bods-0.2.jsonl")
	if len(u.Entities) != 2 || len(u.Links) != 1 {
		t.Fatalf("%d entities, %d links", len(u.Entities), len(u.Links))
	}
	l := u.Links[0]
	if l.From != "bods-p-200" || l.To != "bods-e-100" || *l.Percent != 26.15 || l.ValidTo != "2023-03-30" || l.Source.Row != 3 {
		t.Errorf("shareholding and voting rights are one stake: %+v", l)
	}
}

func FuzzBODS(f *testing.F) {
	f.Add(file(f, "bods-0.4.json").Data)
	f.Add(file(f, "bods-0.2.jsonl").Data)
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, fl := bods.Format{}, importer.File{Name: "x.json", Data: data}
		if !fm.Detect(fl) {
			return
		}
		rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{fl})
		if err != nil {
			return
		}
		for _, l := range rows.Links {
			if l.Percent != nil && (*l.Percent < 0 || *l.Percent > 100) {
				t.Fatalf("percent out of range: %+v", l)
			}
		}
	})
}
