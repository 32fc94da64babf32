package importertest

import (
	"bytes"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/importer"
)

// Outcome is what a bad input must lead to.
type Outcome int

// The outcomes.
const (
	// Rejected: the report lists a located error and nothing is written.
	Rejected Outcome = iota
	// Warned: the upload is accepted whole with a warning that says what
	// was left out or how the file was read.
	Warned
	// Accepted: the upload is valid as the SPEC reads it (documented in
	// docs/HARDENING.md); the test checks what was stored.
	Accepted
	// Conflict: the report is clean, but the store refuses the write with
	// a conflict naming the id; nothing is written.
	Conflict
)

func (o Outcome) String() string {
	return [...]string{"rejected", "warned", "accepted", "conflict"}[o]
}

// Case is one bad input.
type Case struct {
	Name  string
	Files []importer.File
	// Seed is a valid upload imported before the case, for cases about
	// what is already stored.
	Seed []importer.File
	// Limits, when not zero, are the importer limits for the case; the
	// CLI has no way to set them yet and skips such cases.
	Limits  importer.Limits
	Outcome Outcome
	// Want is a fragment of the error or warning message (or, for
	// Accepted, of a stored entity's name).
	Want string
	// At is where the issue must point: its non-empty fields are compared.
	At importer.Issue
	// Timeout bounds the case; it includes the race detector's slowdown.
	Timeout time.Duration
}

// Small are limits low enough to trip without big inputs.
var Small = importer.Limits{MaxRows: 1000, MaxCellBytes: 4096, MaxUnzipBytes: 8 << 20, MaxFileBytes: 1 << 20}

func csvFile(name string, lines ...string) importer.File {
	return importer.File{Name: name, Data: []byte(strings.Join(lines, "\n") + "\n")}
}

func xlsx(name string, sheets ...Sheet) importer.File {
	return importer.File{Name: name, Data: Workbook(sheets...)}
}

// utf16LE encodes ASCII text as UTF-16 little-endian, without a BOM.
func utf16LE(s string) []byte {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		b.WriteByte(0)
	}
	return b.Bytes()
}

// manyRows is a links CSV with n data rows; each fails quickly (no type),
// so that reading them costs little before the row limit is hit.
func manyRows(n int) importer.File {
	var b bytes.Buffer
	b.WriteString("from,to,type\n")
	for i := 0; i < n; i++ {
		b.WriteString("a,b,\n")
	}
	return importer.File{Name: "links.csv", Data: b.Bytes()}
}

// BadInputs returns the corpus of SPEC §6 and issue 7: every case with
// the outcome it must have.
func BadInputs() []Case {
	good := Workbook(Sheet{Name: "Companies", Rows: [][]Cell{Strs("name", "country"), Strs("Orion Tech", "CN"), Strs("Vega Systems", "DE")}})
	corrupt := append([]byte(nil), good...)
	// Flip bytes inside the first entry's compressed data (past its 30-byte
	// local header and name): the CRC no longer matches.
	for i := 60; i < 80 && i < len(corrupt); i++ {
		corrupt[i] ^= 0x5a
	}
	bigCell := strings.Repeat("x", 1<<20)
	nulLate := "name,country\n" + strings.Repeat("Filler Org,DE\n", 400) + "Bad\x00Org,DE\n"
	cases := []Case{
		{Name: "zip bomb", Files: []importer.File{{Name: "bomb.xlsx", Data: ZipBomb(1100, false)}},
			Want: "more than the limit of", At: importer.Issue{File: "bomb.xlsx"}},
		{Name: "zip bomb under small limits", Files: []importer.File{{Name: "bomb.xlsx", Data: ZipBomb(64, false)}}, Limits: Small,
			Want: "unpacks to", At: importer.Issue{File: "bomb.xlsx"}, Timeout: 2 * time.Minute}, // 62 s once under -race on 2 busy cores
		{Name: "zip bomb lying about its size", Files: []importer.File{{Name: "liar.xlsx", Data: ZipBomb(256, true)}},
			Want: "the workbook is damaged", At: importer.Issue{File: "liar.xlsx"}},
		{Name: "truncated xlsx", Files: []importer.File{{Name: "cut.xlsx", Data: good[:len(good)/2]}},
			Want: "not a readable XLSX workbook", At: importer.Issue{File: "cut.xlsx"}},
		{Name: "corrupt xlsx", Files: []importer.File{{Name: "corrupt.xlsx", Data: corrupt}},
			Want: "workbook", At: importer.Issue{File: "corrupt.xlsx"}},
		{Name: "html renamed xlsx", Files: []importer.File{{Name: "page.xlsx", Data: []byte("<!DOCTYPE html><html><body><table><tr><td>name</td></tr><tr><td>Orion</td></tr></table></body></html>")}},
			Want: "not a readable XLSX workbook", At: importer.Issue{File: "page.xlsx"}},
		{Name: "csv renamed xlsx", Files: []importer.File{{Name: "companies.xlsx", Data: []byte("name,country\nOrion,CN\n")}},
			Want: "not a readable XLSX workbook", At: importer.Issue{File: "companies.xlsx"}},
		{Name: "old xls", Files: []importer.File{{Name: "old.xls", Data: []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")}},
			Want: ".xls format is not supported", At: importer.Issue{File: "old.xls"}},
		{Name: "file over the size limit", Files: []importer.File{csvFile("organizations.csv", "name", strings.Repeat("y", 2<<20))}, Limits: Small,
			Want: "more than the limit of 1048576", At: importer.Issue{File: "organizations.csv"}},
		{Name: "too many rows", Files: []importer.File{manyRows(1_000_001)}, Timeout: 3 * time.Minute,
			Want: "more than 1000000 rows", At: importer.Issue{File: "links.csv", Row: 1_000_002}},
		{Name: "too many rows under small limits", Files: []importer.File{manyRows(1001)}, Limits: Small,
			Want: "more than 1000 rows", At: importer.Issue{File: "links.csv", Row: 1002}},
		{Name: "too many rows xlsx", Limits: Small, Files: []importer.File{xlsx("rows.xlsx", Sheet{Name: "Companies", Rows: append([][]Cell{Strs("name")}, repeatRow(Strs("Same Org"), 1001)...)})},
			Want: "more than 1000 rows", At: importer.Issue{File: "rows.xlsx", Sheet: "Companies", Row: 1002}},
		{Name: "megabyte cell csv", Files: []importer.File{csvFile("organizations.csv", "name,country", "Orion,CN", bigCell+",DE")},
			Want: "cell is 1048576 bytes", At: importer.Issue{File: "organizations.csv", Row: 3, Column: "A"}},
		{Name: "megabyte cell xlsx", Files: []importer.File{xlsx("big.xlsx", Sheet{Name: "Companies", Rows: [][]Cell{Strs("name", "address"), Strs("Orion", bigCell)}})},
			Want: "cell is 1048576 bytes", At: importer.Issue{File: "big.xlsx", Sheet: "Companies", Row: 2, Column: "B"}},
		{Name: "formula with cached value", Outcome: Accepted, Want: "Cached Name Ltd",
			Files: []importer.File{xlsx("formula.xlsx", Sheet{Name: "Companies", Rows: [][]Cell{Strs("name", "country"), {Formula(`CONCAT("Cached"," Name Ltd")`, "Cached Name Ltd"), Str("DE")}}})}},
		{Name: "formula without cached value", Want: "name is required",
			Files: []importer.File{xlsx("formula.xlsx", Sheet{Name: "Companies", Rows: [][]Cell{Strs("name", "country"), {Formula(`CONCAT("A","B")`, ""), Str("DE")}}})},
			At:    importer.Issue{File: "formula.xlsx", Sheet: "Companies", Row: 2, Column: "A"}},
		{Name: "formula-looking text", Outcome: Accepted, Want: `=HYPERLINK("http://x.test","click")`,
			Files: []importer.File{csvFile("organizations.csv", "name,country", `"=HYPERLINK(""http://x.test"",""click"")",DE`)}},
		{Name: "merged header cells", Outcome: Warned, Want: "column has no header",
			Files: []importer.File{xlsx("merged.xlsx", Sheet{Name: "Companies", Merged: []string{"A1:B1"},
				Rows: [][]Cell{Strs("name", "", "country"), Strs("Orion Tech", "Orion Tech Holding", "CN")}})},
			At: importer.Issue{File: "merged.xlsx", Sheet: "Companies", Row: 2, Column: "B"}},
		{Name: "duplicate headers", Files: []importer.File{csvFile("organizations.csv", "name,country,Name", "Orion,CN,Vega")},
			Want: `duplicate header "Name"`, At: importer.Issue{File: "organizations.csv", Row: 1, Column: "C"}},
		{Name: "two headers meaning one column", Files: []importer.File{csvFile("organizations.csv", "name,company name", "Orion,Vega")},
			Want: "both mean name", At: importer.Issue{File: "organizations.csv", Row: 1, Column: "B"}},
		{Name: "wrong headers", Files: []importer.File{csvFile("organizations.csv", "foo,bar", "1,2")},
			Want: "no header row found", At: importer.Issue{File: "organizations.csv"}},
		{Name: "empty file", Outcome: Warned, Files: []importer.File{{Name: "organizations.csv"}},
			Want: "empty", At: importer.Issue{File: "organizations.csv"}},
		{Name: "empty xlsx sheet", Outcome: Warned, Files: []importer.File{xlsx("empty.xlsx", Sheet{Name: "Companies"})},
			Want: "empty", At: importer.Issue{File: "empty.xlsx", Sheet: "Companies"}},
		{Name: "header only", Outcome: Accepted, Files: []importer.File{csvFile("organizations.csv", "name,country")}},
		{Name: "unbalanced quotes", Files: []importer.File{csvFile("organizations.csv", "name,country", `"Orion,CN`, "Vega,DE")},
			Want: "malformed CSV", At: importer.Issue{File: "organizations.csv", Row: 2}},
		{Name: "stray quote in a field", Files: []importer.File{csvFile("organizations.csv", "name,country", `Ori"on,CN`)},
			Want: "malformed CSV", At: importer.Issue{File: "organizations.csv", Row: 2}},
		{Name: "mixed line endings", Outcome: Accepted, Want: "Third Org",
			Files: []importer.File{{Name: "organizations.csv", Data: []byte("name,country\r\nFirst Org,CN\nSecond Org,DE\r\nThird Org,FR\n")}}},
		{Name: "bare carriage returns", Outcome: Accepted, Want: "Second Org",
			Files: []importer.File{{Name: "organizations.csv", Data: []byte("name,country\rFirst Org,CN\rSecond Org,DE\r")}}},
		{Name: "invalid utf-8", Outcome: Accepted, Want: "Société Générale",
			Files: []importer.File{{Name: "organizations.csv", Data: []byte("name,country\nSoci\xe9t\xe9 G\xe9n\xe9rale,FR\n")}}},
		{Name: "utf-16 without bom", Files: []importer.File{{Name: "organizations.csv", Data: utf16LE("name,country\nOrion,CN\n")}},
			Want: "UTF-16 without a byte-order mark", At: importer.Issue{File: "organizations.csv"}},
		{Name: "nul byte early", Files: []importer.File{{Name: "organizations.csv", Data: []byte("name,country\nOr\x00ion,CN\n")}},
			Want: "NUL", At: importer.Issue{File: "organizations.csv", Row: 2}},
		{Name: "nul byte late", Files: []importer.File{{Name: "organizations.csv", Data: []byte(nulLate)}},
			Want: "NUL", At: importer.Issue{File: "organizations.csv", Row: 402}},
		{Name: "parent loop", Files: []importer.File{csvFile("government_bodies.csv", "id,name,country,parent,restrictive",
			"G-A,Ministry A,CN,G-B,yes", "G-B,Agency B,CN,G-C,yes", "G-C,Office C,CN,G-A,yes")},
			Want: "loop", At: importer.Issue{File: "government_bodies.csv", Column: "D"}},
		{Name: "percent over 100", Files: []importer.File{csvFile("organizations.csv", "id,name", "A,Alpha", "B,Beta"),
			csvFile("links.csv", "from,to,type,percent", "A,B,owns,150")},
			Want: "outside 0–100", At: importer.Issue{File: "links.csv", Row: 2, Column: "D"}},
		{Name: "negative percent", Files: []importer.File{csvFile("organizations.csv", "id,name", "A,Alpha", "B,Beta"),
			csvFile("links.csv", "from,to,type,percent", "A,B,owns,-5%")},
			Want: "outside 0–100", At: importer.Issue{File: "links.csv", Row: 2, Column: "D"}},
		{Name: "year 0", Files: []importer.File{csvFile("organizations.csv", "name,founded", "Orion,0000-01-01")},
			Want: "not a valid date", At: importer.Issue{File: "organizations.csv", Row: 2, Column: "B"}},
		{Name: "year 9999", Outcome: Accepted, Want: "Far Future Org",
			Files: []importer.File{csvFile("organizations.csv", "name,founded", "Far Future Org,9999-12-31")}},
		{Name: "xlsx date serial 0", Files: []importer.File{xlsx("dates.xlsx", Sheet{Name: "Companies", Rows: [][]Cell{Strs("name", "founded"), {Str("Orion"), Date(0)}}})},
			Want: "date", At: importer.Issue{File: "dates.xlsx", Sheet: "Companies", Row: 2, Column: "B"}},
		{Name: "ids colliding across kinds", Files: []importer.File{csvFile("organizations.csv", "id,name", "X-1,Orion"), csvFile("persons.csv", "id,name", "X-1,Ivan Petrov")},
			Want: "also given to a different entity", At: importer.Issue{File: "persons.csv", Row: 2, Column: "A"}},
		{Name: "id colliding with a stored entity of another kind", Outcome: Conflict, Want: "X-1",
			Seed:  []importer.File{csvFile("organizations.csv", "id,name", "X-1,Orion")},
			Files: []importer.File{csvFile("persons.csv", "id,name", "X-1,Ivan Petrov")}},
		{Name: "shared-strings bomb", Files: []importer.File{{Name: "strings.xlsx", Data: SharedStringsBomb(900, "<si><t>a</t></si>")}},
			Want: "shared strings unpack to", At: importer.Issue{File: "strings.xlsx"}, Timeout: 2 * time.Minute},
		{Name: "shared strings over the count", Files: []importer.File{{Name: "strings.xlsx", Data: SharedStringsBomb(24, "<si><t/></si>")}},
			Want: "more than 1000000 shared strings", At: importer.Issue{File: "strings.xlsx"}},
		{Name: "1M-column CSV", Files: []importer.File{{Name: "organizations.csv", Data: WideCSV(1_000_000)}},
			Want: "more than the limit of 1024 columns", At: importer.Issue{File: "organizations.csv", Row: 1}},
	}
	for i := range cases {
		if cases[i].Timeout == 0 {
			cases[i].Timeout = time.Minute
		}
	}
	return cases
}

func repeatRow(row []Cell, n int) [][]Cell {
	out := make([][]Cell, n)
	for i := range out {
		out[i] = row
	}
	return out
}
