package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// sample is one upload's data as sheets; the same data serves the
// workbook and the CSV files.
func sample() []sheetData {
	return []sheetData{
		{"Distributors", [][]any{
			{"Company Name", "Country", "Aliases", "Registration Number", "Founded"},
			{"Orion Tech LLC", "China", "Orion; OT", "91-110", "2015-06-01"},
			{"Ada Systems GmbH", "DE", nil, nil, nil},
		}},
		{"People", [][]any{
			{"Name", "Nationality", "Position"},
			{"Ivan Petrov", "RUS", "Director"},
		}},
		{"Government Bodies", [][]any{
			{"id", "name*", "country*", "kind", "parent", "restrictive"},
			{"gov-mps", "Ministry of Public Security", "CN", "ministry", nil, "yes"},
			{nil, "Bureau 7", "CN", "police", "Ministry of Public Security", nil},
		}},
		{"Country Risk", [][]any{
			{"Code", "Restrictive", "Score"},
			{"CN", "yes", "9"},
		}},
		{"Shareholders", [][]any{
			{"Shareholder", "Company", "Stake", "Start date", "Source"},
			{"Ivan Petrov", "OOO Orion Tech", "60%", "2020-01-01", "registry extract"},
		}},
		{"Supply Chain", [][]any{
			{"Supplier", "Customer"},
			{"Ada Systems", "orion tech"},
		}},
		{"Sales", [][]any{
			{"Invoice No", "Date", "Customer", "End User", "Destination", "Product", "Capability", "Qty", "Amount", "Currency"},
			{"T-1", "2024-03-04", "Orion Tech", "gov-mps", "Hong Kong", "Model X", "IMSI catcher", "1,200", "99000.50", "usd"},
		}},
	}
}

func toCSV(s sheetData) importer.File {
	var lines []string
	for _, row := range s.rows {
		var cells []string
		for _, c := range row {
			v := ""
			if c != nil {
				v = fmt.Sprint(c)
			}
			if strings.ContainsAny(v, ",\"") {
				v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			cells = append(cells, v)
		}
		lines = append(lines, strings.Join(cells, ","))
	}
	return csvFile(s.name+".csv", lines...)
}

func TestReadWorkbook(t *testing.T) {
	data := mustXLSX(t, sample()...)
	u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "book.xlsx", Data: data})
	mustClean(t, rep)
	ids := []string{}
	for _, e := range u.Entities {
		ids = append(ids, e.ID)
	}
	wantIDs := []string{"org-cn-orion-tech", "org-de-ada-systems", "per-ru-ivan-petrov", "gov-mps", "gov-cn-bureau-7"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("entity ids = %q, want %q", ids, wantIDs)
	}
	orion := u.Entities[0]
	if orion.Role != "distributor" || orion.Country != "CN" || !reflect.DeepEqual(orion.Aliases, []string{"Orion", "OT"}) ||
		orion.RegistrationID != "91-110" || orion.Founded != "2015-06-01" {
		t.Errorf("orion = %+v", orion)
	}
	if s := orion.Source; s.Upload != u.ID || s.File != "book.xlsx" || s.Sheet != "Distributors" || s.Row != 2 {
		t.Errorf("orion source = %+v", s)
	}
	if mps := u.Entities[3]; mps.Restrictive == nil || !*mps.Restrictive || mps.BodyKind != "ministry" {
		t.Errorf("mps = %+v", mps)
	}
	wantLinks := []string{"OWNS per-ru-ivan-petrov→org-cn-orion-tech 60 from 2020-01-01 (registry extract)",
		"SUPPLIES org-de-ada-systems→org-cn-orion-tech",
		"PART_OF gov-cn-bureau-7→gov-mps"}
	var links []string
	for _, l := range u.Links {
		s := fmt.Sprintf("%s %s→%s", l.Type, l.From, l.To)
		if l.Percent != nil {
			s += fmt.Sprintf(" %g", *l.Percent)
		}
		if l.ValidFrom != "" {
			s += " from " + l.ValidFrom
		}
		if l.Source.Evidence != "" {
			s += " (" + l.Source.Evidence + ")"
		}
		links = append(links, s)
	}
	if !reflect.DeepEqual(links, wantLinks) {
		t.Errorf("links = %q, want %q", links, wantLinks)
	}
	tx := u.Transactions[0]
	if tx.ID != "T-1" || tx.Buyer != "org-cn-orion-tech" || tx.EndUser != "gov-mps" || tx.ShipTo != "HK" ||
		*tx.Quantity != 1200 || *tx.Value != 99000.5 || tx.Currency != "USD" || tx.Capability != "IMSI catcher" {
		t.Errorf("transaction = %+v", tx)
	}
	var codes []string
	for _, c := range u.Countries {
		codes = append(codes, c.Code)
		if c.Code != "CN" && len(c.Assessments) != 0 {
			t.Errorf("referenced country %s has restrictive set", c.Code)
		}
	}
	if !reflect.DeepEqual(codes, []string{"CN", "DE", "HK", "RU"}) {
		t.Errorf("countries = %q", codes)
	}
	if rep.Sheets[0].Rows != 2 || rep.Contents.Entities != 5 {
		t.Errorf("report = %+v", rep)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Fatal(err)
	}
}

func TestWorkbookAndCSVGiveTheSameUpload(t *testing.T) {
	book := mustXLSX(t, sample()...)
	ub, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "book.xlsx", Data: book})
	mustClean(t, rep)
	var files []importer.File
	for _, s := range sample() {
		files = append(files, toCSV(s))
	}
	uc, rep := mustRead(t, nil, importer.Options{}, files...)
	mustClean(t, rep)
	strip := func(u graph.Upload) graph.Upload {
		u.ID, u.Files = "", nil
		for i := range u.Entities {
			u.Entities[i].Source = graph.Source{Row: u.Entities[i].Source.Row}
		}
		for i := range u.Links {
			u.Links[i].Source = graph.Source{Row: u.Links[i].Source.Row, Evidence: u.Links[i].Source.Evidence}
		}
		for i := range u.Countries {
			u.Countries[i].Source = graph.Source{Row: u.Countries[i].Source.Row}
			for j := range u.Countries[i].Assessments {
				u.Countries[i].Assessments[j].Source = graph.Source{Row: u.Countries[i].Assessments[j].Source.Row}
			}
		}
		for i := range u.Transactions {
			u.Transactions[i].Source = graph.Source{Row: u.Transactions[i].Source.Row}
		}
		return u
	}
	if b, c := strip(ub), strip(uc); !reflect.DeepEqual(b, c) {
		jb, _ := json.MarshalIndent(b, "", " ")
		jc, _ := json.MarshalIndent(c, "", " ")
		t.Errorf("workbook and CSV differ:\n%s\n---\n%s", jb, jc)
	}
}

func TestSameUploadSameIDs(t *testing.T) {
	book := mustXLSX(t, sample()...)
	u1, _ := mustRead(t, nil, importer.Options{}, importer.File{Name: "book.xlsx", Data: book})
	u2, _ := mustRead(t, nil, importer.Options{}, importer.File{Name: "book.xlsx", Data: book})
	if !reflect.DeepEqual(u1, u2) {
		t.Error("the same upload read twice differs")
	}
	if !strings.HasPrefix(u1.ID, "u-") || len(u1.ID) != 14 {
		t.Errorf("upload id %q", u1.ID)
	}
	u3, _ := mustRead(t, nil, importer.Options{DateFormat: "DD/MM/YYYY"}, importer.File{Name: "book.xlsx", Data: book})
	if u3.ID == u1.ID {
		t.Error("options do not change the upload id")
	}
}

func TestXLSXCells(t *testing.T) {
	day := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	data := mustXLSX(t,
		sheetData{"Organizations", [][]any{
			{"name", "founded", "country", "registration_id"},
			{"Alpha", day, "CN", 123456},
			{"Beta", dmy(day), "CN", "=A2"}, // a date shown as 04/03/2024; a formula-looking string stays text
			{"Gamma", time.Date(2024, 3, 4, 17, 45, 0, 0, time.UTC), "CN", nil},
			{"Delta", nil, "CN", nil},
		}},
		sheetData{"Ownership", [][]any{
			{"Owner", "Owned", "Percent"},
			{"Alpha", "Beta", pct(0.6)},
			{"Alpha", "Gamma", pct(0.605)},
			{"Beta", "Gamma", 40},
			{"Gamma", "Delta", nil},
		}},
	)
	// A formula cell with a cached value: the cached value is used, never evaluated.
	data = patchZip(t, data, "xl/worksheets/sheet1.xml", `<c r="A5" t="s"><v>9</v></c>`,
		`<c r="A5" t="str"><f>UPPER("never evaluated")</f><v>Delta</v></c>`)
	u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "cells.xlsx", Data: data})
	mustClean(t, rep)
	var founded []string
	for _, e := range u.Entities {
		founded = append(founded, e.Founded)
	}
	if want := []string{"2024-03-04", "2024-03-04", "2024-03-04", ""}; !reflect.DeepEqual(founded, want) {
		t.Errorf("founded = %q, want %q", founded, want)
	}
	if u.Entities[3].Name != "Delta" {
		t.Errorf("formula cell read as %q", u.Entities[3].Name)
	}
	if u.Entities[0].RegistrationID != "123456" || u.Entities[1].RegistrationID != "=A2" {
		t.Errorf("registration ids %q %q", u.Entities[0].RegistrationID, u.Entities[1].RegistrationID)
	}
	var percents []any
	for _, l := range u.Links {
		percents = append(percents, deref(l.Percent))
	}
	if want := []any{60.0, 60.5, 40.0, nil}; !reflect.DeepEqual(percents, want) {
		t.Errorf("percents = %v, want %v", percents, want)
	}
}

func TestXLSXFormulaWithCachedNumber(t *testing.T) {
	data := mustXLSX(t, sheetData{"Shareholders", [][]any{
		{"Owner", "Company", "Share %"},
		{"A Corp", "B Corp", 30},
	}}, sheetData{"Companies", [][]any{{"Name"}, {"A Corp"}, {"B Corp"}}})
	data = patchZip(t, data, "xl/worksheets/sheet1.xml", `<c r="C2"><v>30</v></c>`, `<c r="C2"><f>10*3+1</f><v>30</v></c>`)
	u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "f.xlsx", Data: data})
	mustClean(t, rep)
	if *u.Links[0].Percent != 30 {
		t.Errorf("percent = %v, want the cached 30", *u.Links[0].Percent)
	}
}

func TestCSVEncodingsAndDelimiters(t *testing.T) {
	plain := "Name;Country;Aliases\nMüller Überwachung GmbH;Türkiye;Mül\n"
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(plain)
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(plain)
	cp1252, _ := charmap.Windows1252.NewEncoder().String(plain)
	tests := []struct {
		name string
		data string
	}{
		{"utf8", plain},
		{"utf8 bom", "\xEF\xBB\xBF" + plain},
		{"utf16le", utf16le},
		{"utf16be", utf16be},
		{"windows-1252", cp1252},
		{"tab", strings.ReplaceAll(plain, ";", "\t")},
		{"comma", strings.ReplaceAll(plain, ";", ",")},
		{"crlf", strings.ReplaceAll(plain, "\n", "\r\n")},
		{"quoted", "\"Name\";\"Country\";\"Aliases\"\n\"Müller Überwachung GmbH\";\"Türkiye\";\"Mül\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "companies.csv", Data: []byte(tt.data)})
			mustClean(t, rep)
			if len(u.Entities) != 1 {
				t.Fatalf("entities = %+v", u.Entities)
			}
			e := u.Entities[0]
			if e.Name != "Müller Überwachung GmbH" || e.Country != "TR" || e.Aliases[0] != "Mül" || e.ID != "org-tr-muller-uberwachung" {
				t.Errorf("entity = %+v", e)
			}
		})
	}
}

func TestCSVDelimiterInsideQuotes(t *testing.T) {
	f := csvFile("orgs.csv", `name,address`, `"Orion; Tech","Road 1; Beijing"`, `Ada,"a,b"`)
	u, rep := mustRead(t, nil, importer.Options{}, f)
	mustClean(t, rep)
	if u.Entities[0].Name != "Orion; Tech" || u.Entities[1].Address != "a,b" {
		t.Errorf("entities = %+v", u.Entities)
	}
}

// issueWant is where an error must be reported.
type issueWant struct {
	file, sheet   string
	row           int
	column, label string
	msg           string
}

func checkIssue(t *testing.T, rep *importer.Report, w issueWant) {
	t.Helper()
	for _, i := range rep.Errors {
		if i.File == w.file && i.Sheet == w.sheet && i.Row == w.row && i.Column == w.column && i.Header == w.label && strings.Contains(i.Message, w.msg) {
			return
		}
	}
	t.Errorf("no error %+v in:\n%s", w, text(rep))
}

func TestErrorsAreLocated(t *testing.T) {
	tests := []struct {
		name  string
		files []importer.File
		opts  importer.Options
		want  issueWant
	}{
		{"unknown link type", []importer.File{csvFile("orgs.csv", "name", "A", "B"), csvFile("links.csv", "from,to,type", "A,B,owns", "A,B,own")},
			importer.Options{}, issueWant{"links.csv", "", 3, "C", "type", `unknown link type "own" (expected owns, controls, supplies, part_of, officer_of, related_to, agent_of)`}},
		{"ambiguous date", []importer.File{csvFile("orgs.csv", "name,founded", "A,03/04/2024")},
			importer.Options{}, issueWant{"orgs.csv", "", 2, "B", "founded", "ambiguous date"}},
		{"bad country", []importer.File{csvFile("people.csv", "name,country", "A,Narnia")},
			importer.Options{}, issueWant{"people.csv", "", 2, "B", "country", `unknown country "Narnia"`}},
		{"bad percent", []importer.File{csvFile("orgs.csv", "name", "A", "B"), csvFile("ownership.csv", "owner,company,share %", "A,B,120")},
			importer.Options{}, issueWant{"ownership.csv", "", 2, "C", "share %", "outside 0–100"}},
		{"bad restrictive", []importer.File{csvFile("agencies.csv", "name,country,restrictive", "A,CN,maybe")},
			importer.Options{}, issueWant{"agencies.csv", "", 2, "C", "restrictive", "not yes or no"}},
		{"missing name", []importer.File{csvFile("orgs.csv", "name,country", ",CN")},
			importer.Options{}, issueWant{"orgs.csv", "", 2, "A", "name", "name is required"}},
		{"missing column", []importer.File{csvFile("links.csv", "from,type", "A,owns")},
			importer.Options{}, issueWant{"links.csv", "", 1, "", "to", "required column to is missing"}},
		{"duplicate header", []importer.File{csvFile("orgs.csv", "name,Name", "A,B")},
			importer.Options{}, issueWant{"orgs.csv", "", 1, "B", "Name", "duplicate header"}},
		{"two headers one column", []importer.File{csvFile("orgs.csv", "name,company name", "A,B")},
			importer.Options{}, issueWant{"orgs.csv", "", 1, "B", "company name", "both mean name"}},
		{"no match", []importer.File{csvFile("sales.csv", "id,date,buyer", "T1,2024-01-01,Nobody Ltd")},
			importer.Options{}, issueWant{"sales.csv", "", 2, "C", "buyer", `"Nobody Ltd" names no entity`}},
		{"bad quantity", []importer.File{csvFile("orgs.csv", "name", "A"), csvFile("sales.csv", "id,date,buyer,qty", "T1,2024-01-01,A,lots")},
			importer.Options{}, issueWant{"sales.csv", "", 2, "D", "qty", `"lots" is not a number`}},
		{"malformed csv", []importer.File{csvFile("orgs.csv", "name,country", `"A,CN`, `B,DE`)},
			importer.Options{}, issueWant{"orgs.csv", "", 2, "", "", "malformed CSV"}},
		{"conflicting rows", []importer.File{csvFile("orgs.csv", "id,name", "o1,A", "o1,B")},
			importer.Options{}, issueWant{"orgs.csv", "", 3, "A", "id", `id o1 is also given to a different entity at file "orgs.csv" row 2`}},
		{"parent not a body", []importer.File{csvFile("orgs.csv", "name", "Acme"), csvFile("agencies.csv", "name,country,parent", "Bureau,CN,Acme")},
			importer.Options{}, issueWant{"agencies.csv", "", 2, "C", "parent", "not a government body"}},
		{"self link", []importer.File{csvFile("orgs.csv", "name", "A"), csvFile("links.csv", "from,to,type", "A,A,supplies")},
			importer.Options{}, issueWant{"links.csv", "", 2, "B", "to", "to itself"}},
		{"unknown kind option", []importer.File{csvFile("x.csv", "name", "A")},
			importer.Options{Kind: "widgets"}, issueWant{"x.csv", "", 0, "", "", `unknown kind "widgets"`}},
		{"nothing recognised", []importer.File{csvFile("stuff.csv", "name", "A")},
			importer.Options{}, issueWant{"", "", 0, "", "", "no sheet or file was recognised"}},
		{"not xlsx", []importer.File{{Name: "book.xlsx", Data: []byte("PK\x03\x04garbage")}},
			importer.Options{}, issueWant{"book.xlsx", "", 0, "", "", "not a readable XLSX workbook"}},
		{"old xls", []importer.File{{Name: "book.xls", Data: []byte{0xD0, 0xCF, 0x11, 0xE0}}},
			importer.Options{}, issueWant{"book.xls", "", 0, "", "", ".xls format"}},
		{"utf16 without bom", []importer.File{{Name: "orgs.csv", Data: []byte("n\x00a\x00m\x00e\x00\n\x00")}},
			importer.Options{}, issueWant{"orgs.csv", "", 0, "", "", "NUL bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rep := mustRead(t, nil, tt.opts, tt.files...)
			if !rep.Rejected {
				t.Errorf("not rejected:\n%s", text(rep))
			}
			checkIssue(t, rep, tt.want)
		})
	}
}

func TestXLSXErrorsNameSheetAndColumnLetter(t *testing.T) {
	data := mustXLSX(t,
		sheetData{"Companies", [][]any{{"Name"}, {"A"}, {"B"}}},
		sheetData{"Links", [][]any{{"Notes: one row per link"}, {"from", "to", "type"}, {"A", "B", "owns"}, {"A", "B", "own"}}},
	)
	_, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "book.xlsx", Data: data})
	checkIssue(t, rep, issueWant{"book.xlsx", "Links", 4, "C", "type", `unknown link type "own"`})
	want := `file "book.xlsx" sheet "Links" row 4 column C (type): unknown link type "own" (expected owns, controls, supplies, part_of, officer_of, related_to, agent_of)`
	if !strings.Contains(text(rep), want) {
		t.Errorf("text report lacks %q:\n%s", want, text(rep))
	}
}

func TestDateFormatOption(t *testing.T) {
	f := csvFile("orgs.csv", "name,founded", "A,03/04/2024", "B,25/12/2023", "C,2024-01-31")
	_, rep := mustRead(t, nil, importer.Options{}, f)
	if len(rep.Errors) != 2 {
		t.Errorf("without a format: %d errors, want 2:\n%s", len(rep.Errors), text(rep))
	}
	u, rep := mustRead(t, nil, importer.Options{DateFormat: "DD/MM/YYYY"}, f)
	mustClean(t, rep)
	got := []string{u.Entities[0].Founded, u.Entities[1].Founded, u.Entities[2].Founded}
	if want := []string{"2024-04-03", "2023-12-25", "2024-01-31"}; !reflect.DeepEqual(got, want) {
		t.Errorf("founded = %q, want %q", got, want)
	}
	_, rep = mustRead(t, nil, importer.Options{DateFormat: "MM/DD/YYYY"}, f)
	checkIssue(t, rep, issueWant{"orgs.csv", "", 3, "B", "founded", "not a valid date in the format MM/DD/YYYY"})
}

func TestReferences(t *testing.T) {
	store := newLookup(
		graph.Entity{ID: "org-stored", Kind: graph.Organization, Name: "Stored Holdings Ltd", Country: "CY"},
		graph.Entity{ID: "org-twin-1", Kind: graph.Organization, Name: "Twin Trading", Country: "AE"},
		graph.Entity{ID: "org-twin-2", Kind: graph.Organization, Name: "Twin Trading LLC", Country: "TR"},
		graph.Entity{ID: "gov-stored", Kind: graph.GovernmentBody, Name: "State Security Service", Country: "BY"},
	)
	orgs := csvFile("orgs.csv", "id,name,country,aliases", "o-orion,Orion LLC,RU,", "o-nova,Nova,RU,Новa Group")
	tests := []struct {
		name, ref string
		want      string
		err       string
	}{
		{"upload id", "o-orion", "o-orion", ""},
		{"store id", "org-stored", "org-stored", ""},
		{"legal form", "OOO Orion", "o-orion", ""},
		{"transliteration", "ООО «Орион»", "o-orion", ""},
		{"alias", "nova group", "o-nova", ""},
		{"store name", "STORED HOLDINGS", "org-stored", ""},
		{"no match", "Completely Unrelated Name", "", `"Completely Unrelated Name" names no entity: no id or name matches it in this upload or in the store`},
		{"did you mean, upload", "Orionn", "", `"Orionn" names no entity: no id or name matches it in this upload or in the store; did you mean Orion LLC (o-orion, score 0.9`},
		{"did you mean, store", "Stored Holdngs", "", `; did you mean Stored Holdings Ltd (org-stored, score 0.9`},
		{"ambiguous", "Twin Trading", "", `"Twin Trading" is ambiguous: it names 2 entities: org-twin-1 (Twin Trading, AE); org-twin-2 (Twin Trading LLC, TR)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sales := csvFile("sales.csv", "id,date,buyer", "T1,2024-01-01,"+tt.ref)
			u, rep := mustRead(t, store, importer.Options{}, orgs, sales)
			if tt.err != "" {
				checkIssue(t, rep, issueWant{"sales.csv", "", 2, "C", "buyer", tt.err})
				return
			}
			mustClean(t, rep)
			if got := u.Transactions[0].Buyer; got != tt.want {
				t.Errorf("buyer = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("a pick among the suggestions", func(t *testing.T) {
		sales := csvFile("sales.csv", "id,date,buyer", "T1,2024-01-01,Stored Holdngs")
		u, rep := mustRead(t, store, importer.Options{References: map[string]string{"Stored Holdngs": "org-stored"}}, orgs, sales)
		mustClean(t, rep)
		if got := u.Transactions[0].Buyer; got != "org-stored" {
			t.Errorf("buyer = %q, want the picked org-stored", got)
		}
		_, rep = mustRead(t, store, importer.Options{References: map[string]string{"Stored Holdngs": "org-nope"}}, orgs, sales)
		checkIssue(t, rep, issueWant{"sales.csv", "", 2, "C", "buyer", `"org-nope" names no entity`})
	})
	t.Run("parent in store", func(t *testing.T) {
		u, rep := mustRead(t, store, importer.Options{}, csvFile("agencies.csv", "name,country,parent", "Unit 9,BY,State Security Service"))
		mustClean(t, rep)
		if l := u.Links[0]; l.Type != graph.PartOf || l.From != "gov-by-unit-9" || l.To != "gov-stored" {
			t.Errorf("link = %+v", l)
		}
	})
}

func TestImportRejectsWithoutWriting(t *testing.T) {
	store := newLookup()
	files := []importer.File{csvFile("orgs.csv", "name,country", "A,CN", "B,Narnia", "C,DE")}
	rep, err := importer.Import(context.Background(), store, files, importer.Options{})
	must(t, err)
	if !rep.Rejected || store.applied != 0 || rep.Written != nil {
		t.Errorf("rejected=%v applied=%d", rep.Rejected, store.applied)
	}
	files = []importer.File{csvFile("orgs.csv", "name,country", "A,CN", "C,DE")}
	rep, err = importer.Import(context.Background(), store, files, importer.Options{})
	must(t, err)
	if rep.Rejected || store.applied != 1 || rep.Written == nil || rep.Written.Entities.Created != 2 {
		t.Errorf("report = %s", text(rep))
	}
}

func TestEveryErrorIsCollected(t *testing.T) {
	var lines []string
	lines = append(lines, "name,country,founded")
	for i := 0; i < 1500; i++ {
		lines = append(lines, fmt.Sprintf("Org %d,Narnia,01/02/2020", i))
	}
	_, rep := mustRead(t, nil, importer.Options{}, csvFile("orgs.csv", lines...))
	if len(rep.Errors) != 1000 || rep.MoreErrors != 2000 {
		t.Errorf("errors listed %d, more %d; want 1000 and 2000", len(rep.Errors), rep.MoreErrors)
	}
	if !strings.Contains(text(rep), "and 2000 more errors") {
		t.Error("text report does not say how many more")
	}
}

func TestWarnings(t *testing.T) {
	store := newLookup(graph.Entity{ID: "org-old", Kind: graph.Organization, Name: "Orion Technologies", Country: "CN"})
	files := []importer.File{
		csvFile("orgs.csv", "name,country,colour,", "Orion Technologies,CN,red,x", "Orion Technologie,CN,blue,", "Nova,RU,,", "Nova,KZ,,"),
		csvFile("notes.csv", "whatever", "x"),
	}
	_, rep := mustRead(t, store, importer.Options{}, files...)
	mustClean(t, rep)
	all := text(rep)
	for _, want := range []string{
		`file "orgs.csv" row 1 column C (colour): column not recognised for organizations; ignored`,
		`file "orgs.csv" row 2 column D: column has no header`,
		`file "notes.csv": sheet ignored`,
		`possible duplicate of org-cn-orion-technologies (Orion Technologies, CN) at file "orgs.csv" row 2`,
		`possible duplicate of org-ru-nova (Nova, RU)`,
		`possible duplicate of org-old (Orion Technologies, CN) in the store`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
}

func TestFractionPercentWarning(t *testing.T) {
	_, rep := mustRead(t, nil, importer.Options{},
		csvFile("orgs.csv", "name", "A", "B", "C", "D"),
		csvFile("ownership.csv", "owner,company,percent", "A,B,0.5", "A,C,0.25", "A,D,1"))
	mustClean(t, rep)
	if !strings.Contains(text(rep), "every percentage is between 0 and 1") {
		t.Errorf("no fraction warning:\n%s", text(rep))
	}
}

func TestMapping(t *testing.T) {
	m, err := importer.ParseMapping([]byte(`
date_format: DD.MM.YYYY
headers:
  Firma: name
sheets:
  export_2024:
    kind: resellers
    columns:
      Land: country
      Gegründet: founded
      Intern: ignore
  sdn:
    kind: persons
    no_header: true
    columns:
      B: name
`))
	must(t, err)
	files := []importer.File{
		csvFile("export_2024.csv", "Firma;Land;Gegründet;Intern", "Orion GmbH;Deutschland;31.12.1999;x"),
		csvFile("sdn.csv", "1,PETROV Ivan,individual", "2,SIDOROV Oleg,individual"),
	}
	u, rep := mustRead(t, nil, importer.Options{Mapping: m}, files...)
	mustClean(t, rep)
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings: %s", text(rep))
	}
	if e := u.Entities[0]; e.Name != "Orion GmbH" || e.Country != "DE" || e.Founded != "1999-12-31" || e.Role != "reseller" {
		t.Errorf("entity = %+v", e)
	}
	if len(u.Entities) != 3 || u.Entities[1].Name != "PETROV Ivan" || u.Entities[1].Source.Row != 1 {
		t.Errorf("no-header entities = %+v", u.Entities)
	}
	for _, bad := range []string{"sheets: {x: {kind: widgets}}", "headers: {Firma: nom}", "sheets: {x: {kind: persons, columns: {a: role}}}", "colour: red", "date_format: DD/MM/YY"} {
		if _, err := importer.ParseMapping([]byte(bad)); err == nil || !errors_Is(err) {
			t.Errorf("ParseMapping(%q): %v; want an invalid error", bad, err)
		}
	}
}

func errors_Is(err error) bool { return graph.ErrorCode(err) == graph.EINVALID }

func TestExplicitKind(t *testing.T) {
	f := csvFile("export.csv", "Company,Country", "Orion,CN")
	u, rep := mustRead(t, nil, importer.Options{Kind: "distributors"}, f)
	mustClean(t, rep)
	if u.Entities[0].Role != "distributor" {
		t.Errorf("entity = %+v", u.Entities[0])
	}
	u, rep = mustRead(t, nil, importer.Options{Kinds: map[string]string{"EXPORT": "persons"}}, f)
	if len(rep.Errors) == 0 { // Company is not a persons header: name is missing
		t.Errorf("persons kind accepted a companies header: %+v", u.Entities)
	}
}

func TestPreview(t *testing.T) {
	data := mustXLSX(t, sample()...)
	p := importer.PreviewFiles([]importer.File{{Name: "book.xlsx", Data: data}, csvFile("x.csv", "a", "b")}, importer.Options{}, 1)
	if len(p.Sheets) != 8 {
		t.Fatalf("sheets = %d", len(p.Sheets))
	}
	s := p.Sheets[0]
	if s.Kind.Table != importer.Organizations || s.Kind.Role != "distributor" || s.HeaderRow != 1 || len(s.Rows) != 1 || s.Rows[0][0] != "Orion Tech LLC" {
		t.Errorf("sheet = %+v", s)
	}
	if c := s.Columns[0]; c.Header != "Company Name" || c.Column != "name" || !c.Required || c.Letter != "A" {
		t.Errorf("column = %+v", c)
	}
	if p.Sheets[7].Kind.Table != "" || len(p.Warnings) == 0 {
		t.Errorf("unknown sheet = %+v, warnings %v", p.Sheets[7], p.Warnings)
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	must(t, importer.Template(&buf))
	_, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "template.xlsx", Data: buf.Bytes()})
	mustClean(t, rep)
	if len(rep.Warnings) != 0 || len(rep.Sheets) != 8 {
		t.Errorf("empty template: %s", text(rep))
	}
	for _, s := range rep.Sheets {
		if s.Kind == "" || s.HeaderRow != 2 {
			t.Errorf("template sheet %+v", s)
		}
	}
	// Fill it in: every sheet gets a row under the headers.
	f, err := excelizeOpen(buf.Bytes())
	must(t, err)
	rows := map[string][]any{
		"Organizations":     {"", "Orion Tech", "Orion", "CN", "distributor", "91-1", "Beijing", "2015-01-02"},
		"Persons":           {"", "Ivan Petrov", "", "RU", "director"},
		"Government Bodies": {"gov-mps", "Ministry of Public Security", "", "CN", "ministry", "", "yes", "listed"},
		"Countries":         {"CN", "yes", "China", 9, "assessment"},
		"Links":             {"Ivan Petrov", "Orion Tech", "owns", "51%", "", "2020-01-01", "", "registry"},
		"Transactions":      {"T-1", "2024-03-04", "Orion Tech", "", "gov-mps", "CN", "X", "facial recognition", 2, 1000, "USD"},
		"Listings":          {"Orion Tech", "us_bis_entity_list", "EAR", "", "2019-05", "", "surveillance"},
		"Identity":          {"Orion Tech", "Ivan Petrov", "not_same", "a company and a person", "alice", "2024-03-05"},
	}
	for sheet, row := range rows {
		must(t, f.SetSheetRow(sheet, "A3", &row))
	}
	var filled bytes.Buffer
	must(t, f.Write(&filled))
	u, rep := mustRead(t, nil, importer.Options{}, importer.File{Name: "filled.xlsx", Data: filled.Bytes()})
	mustClean(t, rep)
	if len(u.Entities) != 3 || len(u.Links) != 1 || len(u.Transactions) != 1 || *u.Links[0].Percent != 51 ||
		len(u.Listings) != 1 || u.Listings[0].ListedFrom != "2019-05-01" || u.Listings[0].List != "us_bis_entity_list" ||
		len(u.Lists) != 1 || u.Lists[0].Name != "BIS Entity List" ||
		len(u.Decisions) != 1 || u.Decisions[0].Identity != graph.NotSame || u.Decisions[0].DecidedAt != "2024-03-05T00:00:00Z" {
		t.Errorf("filled template read as %+v", u)
	}
}

// TestDocExample is the example of docs/SPREADSHEETS.md.
func TestDocExample(t *testing.T) {
	u, rep := mustRead(t, nil, importer.Options{},
		csvFile("Distributors.csv", "Company Name,Country,Aliases", "Orion Tech LLC,China,Orion; OT", "Ada Systems GmbH,DE,"),
		csvFile("Shareholders.csv", "Shareholder,Company,Share %,Start date,Source", "Ada Systems,OOO Orion Tech,60%,2020-01-01,registry extract 2023-11"),
		csvFile("Sales.csv", "Invoice No;Date;Customer;Destination;Capability;Qty;Amount;Currency", "T-1;2024-03-04;Orion Tech;Hong Kong;IMSI catcher;1 200;99000.50;USD"))
	mustClean(t, rep)
	l := u.Links[0]
	if len(u.Entities) != 2 || l.From != "org-de-ada-systems" || l.To != "org-cn-orion-tech" || *l.Percent != 60 ||
		l.ValidFrom != "2020-01-01" || l.Source.Evidence != "registry extract 2023-11" ||
		u.Transactions[0].Buyer != "org-cn-orion-tech" || u.Transactions[0].ShipTo != "HK" || len(u.Countries) != 3 {
		t.Errorf("upload = %+v", u)
	}
}
