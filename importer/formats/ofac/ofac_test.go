package ofac_test

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/ofac"
)

func text(rep *importer.Report) string {
	var b strings.Builder
	rep.WriteText(&b)
	return b.String()
}

func files(t testing.TB, names ...string) []importer.File {
	var out []importer.File
	for _, n := range names {
		data, err := os.ReadFile("testdata/" + n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, importer.File{Name: n, Data: data})
	}
	return out
}

func TestSDNWithAliases(t *testing.T) {
	fs := files(t, "sdn.csv", "alt.csv")
	if !(ofac.Format{}).Detect(fs[0]) || !(ofac.Format{}).Detect(fs[1]) {
		t.Fatal("sdn.csv and alt.csv not recognised")
	}
	opts := importer.Options{Formats: []importer.Format{ofac.Format{}}}
	u, rep, err := importer.Read(context.Background(), nil, fs, opts)
	if err != nil || rep.Rejected {
		t.Fatalf("%v\n%s", err, text(rep))
	}
	byID := map[string]graph.Entity{}
	for _, e := range u.Entities {
		byID[e.ID] = e
	}
	if len(u.Entities) != 4 {
		t.Errorf("%d entities, want 4 (the ^Z is no record)", len(u.Entities))
	}
	bank := byID["ofac-306"]
	if bank.Kind != graph.Organization || !reflect.DeepEqual(bank.Aliases, []string{"NATIONAL BANK OF CUBA", "BNC"}) ||
		bank.Source.Row != 2 || bank.Source.Evidence != "OFAC SDN ent_num 306" {
		t.Errorf("bank %+v", bank)
	}
	if p := byID["ofac-7140"]; p.Kind != graph.Person || p.Name != "MUÑOZ, José" {
		t.Errorf("Latin-1 person %+v", p)
	}
	var programs []string
	for _, l := range u.Listings {
		if l.Entity == "ofac-7140" {
			programs = append(programs, l.Program)
		}
		if l.List != ofac.ListID || l.Source.File != "sdn.csv" {
			t.Errorf("listing %+v", l)
		}
	}
	if !reflect.DeepEqual(programs, []string{"SDGT", "IFSR"}) || len(u.Listings) != 5 || len(u.Lists) != 1 {
		t.Errorf("programs of 7140 %v, %d listings, %d lists", programs, len(u.Listings), len(u.Lists))
	}

	// Loaded, a listed buyer is blocked, and the reason names list and program.
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := importer.Import(context.Background(), s, fs, opts); err != nil || rep.Rejected {
		t.Fatalf("import: %v %v", err, rep.Errors)
	}
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
	a, err := ev.Entity(context.Background(), "ofac-7140", "")
	if err != nil {
		t.Fatal(err)
	}
	if words := strings.Join(a.Reasons, " "); a.Verdict != graph.Block || !strings.Contains(words, "us_ofac_sdn, program IFSR") {
		t.Errorf("verdict %s: %s", a.Verdict, words)
	}
}

func TestAltAloneIsAnError(t *testing.T) {
	_, rep, err := importer.Read(context.Background(), nil, files(t, "alt.csv"), importer.Options{Formats: []importer.Format{ofac.Format{}}})
	if err != nil || !rep.Rejected || !strings.Contains(text(rep), "sdn.csv") {
		t.Errorf("alt.csv alone: %v\n%s", err, text(rep))
	}
}

func TestBadRecordNamesLine(t *testing.T) {
	data := append(files(t, "sdn.csv")[0].Data[:0:0], "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n37,\"B\",-0-\r\n"...)
	_, rep, _ := importer.Read(context.Background(), nil, []importer.File{{Name: "sdn.csv", Data: data}},
		importer.Options{Formats: []importer.Format{ofac.Format{}}})
	if !rep.Rejected || len(rep.Errors) != 1 || rep.Errors[0].Row != 2 || rep.Errors[0].File != "sdn.csv" {
		t.Errorf("errors %+v", rep.Errors)
	}
}

// An sdn.csv cut off inside its last record (no ^Z, a quote left open) is
// rejected naming the file and the line, not read short.
func TestCutOffNamesLine(t *testing.T) {
	data := files(t, "sdn.csv")[0].Data
	cut := data[:bytes.LastIndex(data, []byte(`"9HA`))+3]
	_, rep, _ := importer.Read(context.Background(), nil, []importer.File{{Name: "sdn.csv", Data: cut}},
		importer.Options{Formats: []importer.Format{ofac.Format{}}})
	if !rep.Rejected || len(rep.Errors) != 1 || rep.Errors[0].Row != 4 || !strings.Contains(rep.Errors[0].Message, "cut off") {
		t.Errorf("errors %+v", rep.Errors)
	}
}

func FuzzSDN(f *testing.F) {
	for _, fl := range files(f, "sdn.csv", "alt.csv") {
		f.Add(fl.Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fm := ofac.Format{}
		file := importer.File{Name: "sdn.csv", Data: data}
		if !fm.Detect(file) {
			return
		}
		rows, err := fm.Read(context.Background(), "u-fuzz", []importer.File{file})
		if err != nil {
			return
		}
		for _, e := range rows.Entities {
			if e.ID == "" || e.Name == "" || !e.Kind.Valid() {
				t.Fatalf("entity without id, name or kind: %+v", e)
			}
		}
	})
}
