package importer_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/importer"
)

func TestListingsPartialDatesAndGovernments(t *testing.T) {
	u, rep := mustRead(t, nil, importer.Options{},
		csvFile("Organizations.csv", "Name,Country,Founded", "Ariantel,IR,2007", "Orion Tech,CN,2015-06"),
		csvFile("Sanctions.csv", "Entity,List,Program,Date listed,Delisted,Statement of reasons",
			"Ariantel,EU Iran human rights,EU-IRN,2023-04,,telecommunications surveillance",
			"Orion Tech,Entity List,EAR,2019,2021,surveillance exports"),
		csvFile("Links.csv", "From,To,Type,Valid from,Valid to", "Orion Tech,government:IR,supplies,2012,2014-02"),
		csvFile("Sales.csv", "Invoice,Date,Customer,End user", "T-1,2024-03-04,Orion Tech,Government of Iran"))
	mustClean(t, rep)
	founded := map[string]string{}
	for _, e := range u.Entities {
		founded[e.ID] = e.Founded
	}
	if founded["org-ir-ariantel"] != "2007" || founded["org-cn-orion-tech"] != "2015-06" {
		t.Errorf("founded kept at its precision: %v", founded)
	}
	if len(u.Listings) != 2 || len(u.Lists) != 2 {
		t.Fatalf("listings %+v lists %+v", u.Listings, u.Lists)
	}
	a, o := u.Listings[0], u.Listings[1]
	if a.Entity != "org-ir-ariantel" || a.List != "eu_iran_human_rights" || a.Program != "EU-IRN" || a.ListedFrom != "2023-04-01" ||
		a.ListedTo != "" || a.Reason != "telecommunications surveillance" || a.Source.Row != 2 {
		t.Errorf("Ariantel's listing %+v", a)
	}
	if o.List != "us_bis_entity_list" || o.ListedFrom != "2019-01-01" || o.ListedTo != "2021-12-31" {
		t.Errorf("a year is a start's first day and an end's last: %+v", o)
	}
	if u.Lists[0].Name != "EU Iran human rights" || u.Lists[1].Name != "BIS Entity List" || u.Lists[1].Authority == "" {
		t.Errorf("lists %+v", u.Lists)
	}
	var gov int
	for _, e := range u.Entities {
		if e.ID == "gov-IR" {
			gov++
			if e.Name != "Government of Iran (Islamic Republic of)" || e.BodyKind != "government" || e.Country != "IR" {
				t.Errorf("government body %+v", e)
			}
		}
	}
	l := u.Links[0]
	if gov != 1 || l.To != "gov-IR" || l.ValidFrom != "2012-01-01" || l.ValidTo != "2014-02-28" || u.Transactions[0].EndUser != "gov-IR" {
		t.Errorf("government references: %d bodies, link %+v, transaction %+v", gov, l, u.Transactions[0])
	}
}

func TestFreedomInTheWorldSeries(t *testing.T) {
	u, rep := mustRead(t, nil, importer.Options{},
		csvFile("FIW13-23.csv", "Country/Territory,Region,C/T,Edition,Status,PR rating,Total",
			"Abkhazia,Eurasia,t,2023,PF,5,39", "Iran,Middle East,c,2023,NF,6,12", "Iran,Middle East,c,2013,NF,6,16",
			"Hong Kong,Asia,t,2023,PF,5,42", "Germany,Europe,c,2023,F,1,94"))
	mustClean(t, rep)
	if len(rep.Warnings) == 0 {
		t.Error("no warning for the territory without a code, nor for the ignored columns")
	}
	byCode := map[string]int{}
	for _, c := range u.Countries {
		byCode[c.Code] += len(c.Assessments)
		for _, a := range c.Assessments {
			want := c.Code == "IR"
			if a.Restrictive == nil || *a.Restrictive != want || a.Year == 0 || a.Score == nil || a.Basis == "" {
				t.Errorf("%s %d: %+v, want restrictive %v from the status", c.Code, a.Year, a, want)
			}
		}
	}
	if byCode["IR"] != 2 || byCode["HK"] != 1 || byCode["DE"] != 1 || len(byCode) != 3 {
		t.Errorf("assessments by country %v", byCode)
	}
}

func TestDecimalCommaIgnoredSheetsAndCollidingColumns(t *testing.T) {
	m, err := importer.ParseMapping([]byte(`
decimal_comma: true
sheets:
  notes:
    kind: ignore
  companies:
    columns:
      Type: ignore
      Kind of firm: role
`))
	if err != nil {
		t.Fatal(err)
	}
	u, rep := mustRead(t, nil, importer.Options{Mapping: m},
		csvFile("notes.csv", "anything", "at all"),
		csvFile("companies.csv", "Name;Country;Type;Kind of firm", "Orion Tech;CN;LLC;distributor"),
		csvFile("Sales.csv", "Invoice;Date;Customer;Amount", "T-1;2024-03-04;Orion Tech;96.000,50"))
	mustClean(t, rep)
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %v: an ignored sheet or column warns of nothing", rep.Warnings)
	}
	if *u.Transactions[0].Value != 96000.5 || u.Entities[0].Role != "distributor" {
		t.Errorf("value %v, entity %+v", *u.Transactions[0].Value, u.Entities[0])
	}
}
