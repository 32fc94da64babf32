package sii_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
	"github.com/hopcheck/hopcheck/importer/formats/sii"
)

func file(t testing.TB, name string) importer.File { return formattest.File(t, name) }

var fixtures = []string{"companies.csv", "sales.csv", "transfers.csv"}

// Each file is told by its header, by exactly one of all the formats: its
// own layout.
func TestDetect(t *testing.T) {
	all := formats.All()
	for i, name := range fixtures {
		var got []string
		for _, fm := range all {
			if fm.Detect(file(t, name)) {
				got = append(got, fm.Name())
			}
		}
		if want := []string{sii.Formats()[i].Name()}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s detected as %v, want %v", name, got, want)
		}
	}
	for _, fm := range sii.Formats() {
		if fm.Detect(importer.File{Name: "x.csv", Data: []byte("name,country\nOrion,FR\n")}) {
			t.Errorf("a spreadsheet taken for %s", fm.Name())
		}
	}
}

func read(t *testing.T, files ...importer.File) (graph.Upload, *importer.Report) {
	t.Helper()
	u, rep := formattest.Read(t, importer.Options{Formats: sii.Formats()}, files...)
	if rep.Rejected {
		t.Fatalf("rejected: %v", rep.Errors)
	}
	return u, rep
}

func byID(u graph.Upload) map[string]graph.Entity {
	m := map[string]graph.Entity{}
	for _, e := range u.Entities {
		m[e.ID] = e
	}
	return m
}

// links renders links as "type from→to from=valid_from row=N".
func links(u graph.Upload) []string {
	var out []string
	for _, l := range u.Links {
		pct := "?"
		if l.Percent != nil {
			pct = fmt.Sprint(*l.Percent)
		}
		out = append(out, fmt.Sprintf("%s %s→%s %s from=%s row=%d", l.Type, l.From, l.To, pct, l.ValidFrom, l.Source.Row))
	}
	sort.Strings(out)
	return out
}

func warnings(rep *importer.Report) []string {
	var out []string
	for _, w := range rep.Warnings {
		out = append(out, fmt.Sprintf("%s:%d %s", w.File, w.Row, w.Header))
	}
	return out
}

func TestCompanies(t *testing.T) {
	u, rep := read(t, file(t, "companies.csv"))
	got := byID(u)
	type org struct{ name, country, role, founded, address, reg string }
	want := map[string]org{
		"sii-orion_intercept": {"Orion Intercept", "FR", "manufacturer", "1998", "Lyon", "FR-123"},
		"sii-nordwave_probes": {"Nordwave Probes", "FI", "manufacturer", "2004-06", "Turku", ""}, // HQ from offices_in
		"sii-kestrel":         {"Kestrel Analytics", "", "manufacturer", "", "Springfield", ""},
		"sii-vega_holdings":   {"Vega Holdings", "", "", "", "", ""},                            // the parent, implied by its name
		"sii-lumen":           {"Lumen Labs", "ES", "manufacturer", "2010-05-17", "Madrid", ""}, // a city as hq_country: offices_in
	}
	if len(got) != len(want) {
		t.Errorf("entities %v", got)
	}
	for id, w := range want {
		e := got[id]
		if g := (org{e.Name, e.Country, e.Role, e.Founded, e.Address, e.RegistrationID}); g != w || e.Kind != graph.Organization {
			t.Errorf("%s: %+v %s, want %+v", id, g, e.Kind, w)
		}
	}
	if ev := got["sii-orion_intercept"].Source.Evidence; !strings.Contains(ev, "company Orion-Intercept") ||
		!strings.Contains(ev, "technology sold: Phone Monitoring; Internet Monitoring") || !strings.Contains(ev, "CEO: Jane Roe") ||
		got["sii-orion_intercept"].Source.Row != 2 || got["sii-orion_intercept"].Source.File != "companies.csv" {
		t.Errorf("evidence %+v", got["sii-orion_intercept"].Source)
	}
	wantLinks := []string{
		"OWNS sii-orion_intercept→sii-nordwave_probes ? from=2012-03-03 row=3", // a parent in the file is its company
		"OWNS sii-vega_holdings→sii-kestrel ? from= row=4",
	}
	if l := links(u); !reflect.DeepEqual(l, wantLinks) {
		t.Errorf("links\n%v\nwant\n%v", strings.Join(l, "\n"), strings.Join(wantLinks, "\n"))
	}
	wantWarn := []string{"companies.csv:4 hq_country", "companies.csv:4 incorporation_date", "companies.csv:5 hq_country"}
	if w := warnings(rep); !reflect.DeepEqual(w, wantWarn) {
		t.Errorf("warnings %v, want %v (%v)", w, wantWarn, rep.Warnings)
	} else if m := rep.Warnings[2].Message; !strings.Contains(m, `"Madrid" has no ISO 3166 code; country ES taken from offices_in`) {
		t.Errorf("warning %q", m)
	}
}

func TestSales(t *testing.T) {
	u, rep := read(t, file(t, "sales.csv"))
	got := byID(u)
	sy := got["gov-SY"]
	if sy.Name != "Government of Syrian Arab Republic" || sy.Kind != graph.GovernmentBody || sy.BodyKind != "government" || sy.Country != "SY" || sy.Source.Row != 2 {
		t.Errorf("gov-SY %+v", sy)
	}
	// Alone, the sales file implies its companies, by their keys.
	if o := got["sii-orion_intercept"]; o.Name != "Orion Intercept" || o.Country != "FR" || o.Role != "manufacturer" {
		t.Errorf("implied company %+v", o)
	}
	if _, ok := got["sii-kestrel"]; ok || len(got) != 3 { // the company of a sale not imported is not implied

		t.Errorf("entities %v: want Orion Intercept and two governments", got)
	}
	wantLinks := []string{
		"SUPPLIES sii-orion_intercept→gov-MX ? from= row=4",
		"SUPPLIES sii-orion_intercept→gov-SY ? from=2011-01-01 row=2", // two records of one sale: one link
	}
	if l := links(u); !reflect.DeepEqual(l, wantLinks) {
		t.Errorf("links\n%v\nwant\n%v", strings.Join(l, "\n"), strings.Join(wantLinks, "\n"))
	}
	for _, l := range u.Links {
		if l.To == "gov-SY" && (!strings.Contains(l.Source.Evidence, `"Orion Intercept Sales to Syria" (Orion_Intercept_Syria_2011sii_transfers)`) ||
			!strings.Contains(l.Source.Evidence, "also line 3") || !strings.Contains(l.Source.Evidence, "Syria_2011sii_transfers_2")) {
			t.Errorf("evidence %q: want both records", l.Source.Evidence)
		}
	}
	wantWarn := []string{"sales.csv:5 recipient_country", "sales.csv:6 recipient_country"}
	if w := warnings(rep); !reflect.DeepEqual(w, wantWarn) {
		t.Errorf("warnings %v, want %v", w, wantWarn)
	}
	if !strings.Contains(rep.Warnings[0].Message, `"Ruritania" has no ISO 3166 code`) || !strings.Contains(rep.Warnings[0].Message, "Kestrel_Ruritania_2013sii_transfers") {
		t.Errorf("warning %q: want the country and the record", rep.Warnings[0].Message)
	}
}

func TestTransfers(t *testing.T) {
	u, rep := read(t, file(t, "transfers.csv"))
	got := byID(u)
	for id, country := range map[string]string{"sii-orion_intercept": "FR", "sii-nordwave_probes": "FI", "sii-kestrel_analytics": "", "gov-BH": "BH", "gov-EG": "EG"} {
		if e, ok := got[id]; !ok || e.Country != country {
			t.Errorf("%s: %+v, want country %q", id, e, country)
		}
	}
	wantLinks := []string{
		"SUPPLIES sii-kestrel_analytics→gov-EG ? from= row=3",
		"SUPPLIES sii-nordwave_probes→gov-BH ? from=2010-01-01 row=2", // two suppliers, as many HQ countries
		"SUPPLIES sii-orion_intercept→gov-BH ? from=2010-01-01 row=2",
	}
	if l := links(u); !reflect.DeepEqual(l, wantLinks) {
		t.Errorf("links\n%v\nwant\n%v", strings.Join(l, "\n"), strings.Join(wantLinks, "\n"))
	}
	if ev := u.Links[0].Source.Evidence; !strings.Contains(ev, "transfer Orion_Intercept_Nordwave_Bahrain_2010") ||
		!strings.Contains(ev, "end-user: Ministry of the Interior, Cyber Unit") || !strings.Contains(ev, "goods: Monitoring centre") {
		t.Errorf("evidence %q", ev)
	}
	wantWarn := []string{"transfers.csv:4 recipient_country", "transfers.csv:5 supplier_company"}
	if w := warnings(rep); !reflect.DeepEqual(w, wantWarn) {
		t.Errorf("warnings %v, want %v (%v)", w, wantWarn, rep.Warnings)
	}
}

// The companies and sales files join up by the SII key: read together in
// either order, or one after the other into a store, the sale's company
// is the companies file's, and an implied entity never replaces a stored one.
func TestJoin(t *testing.T) {
	c, s := file(t, "companies.csv"), file(t, "sales.csv")
	a, _ := read(t, c, s)
	b, _ := read(t, s, c)
	for _, u := range []graph.Upload{a, b} {
		o := byID(u)["sii-orion_intercept"]
		if o.Founded != "1998" || o.Source.File != "companies.csv" || len(u.Entities) != 7 {
			t.Errorf("company %+v of %d entities: want the companies file's", o, len(u.Entities))
		}
		if l := links(u); len(l) != 4 {
			t.Errorf("links %v", l)
		}
	}
	for _, order := range [][]importer.File{{c, s}, {s, c}} {
		store, err := memstore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, f := range order {
			rep, err := importer.Import(ctx, store, []importer.File{f}, importer.Options{Formats: sii.Formats()})
			if err != nil || rep.Rejected {
				t.Fatalf("%s: %v %v", f.Name, err, rep.Errors)
			}
		}
		o, err := store.Entity(ctx, "sii-orion_intercept")
		if err != nil || o.Founded != "1998" || o.Source.File != "companies.csv" {
			t.Errorf("%s then %s: %+v %v", order[0].Name, order[1].Name, o, err)
		}
		gov, err := store.Entity(ctx, "gov-SY")
		if err != nil || gov.Name != "Government of Syrian Arab Republic" {
			t.Errorf("gov-SY %+v %v", gov, err)
		}
		_ = store.Close()
	}
}

// A government body the store has (a spreadsheet's gov-SY, restrictive
// whatever its country's assessment) keeps what it states when a sale names
// it: the sale links to it and implies nothing.
func TestStoredGovernmentKept(t *testing.T) {
	store, err := memstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	bodies := importer.File{Name: "Government Bodies.csv", Data: []byte("id,name,country,kind,restrictive\ngov-SY,Government of Syria,SY,government,yes\n")}
	for _, f := range []importer.File{bodies, file(t, "sales.csv")} {
		rep, err := importer.Import(ctx, store, []importer.File{f}, importer.Options{Formats: sii.Formats()})
		if err != nil || rep.Rejected {
			t.Fatalf("%s: %v %v", f.Name, err, rep.Errors)
		}
	}
	gov, err := store.Entity(ctx, "gov-SY")
	if err != nil || gov.Restrictive == nil || !*gov.Restrictive || gov.Name != "Government of Syria" || gov.Source.File != "Government Bodies.csv" {
		t.Errorf("gov-SY %+v %v: want the stored body unchanged", gov, err)
	}
	ls, err := store.Links(ctx, "gov-SY")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].From != "sii-orion_intercept" || ls[0].Type != graph.Supplies {
		t.Errorf("links of gov-SY %+v: want the sale", ls)
	}
}

func FuzzSII(f *testing.F) {
	for _, name := range fixtures {
		f.Add(file(f, name).Data)
	}
	formattest.Fuzz(f, "sii.csv", sii.Formats()...)
}
