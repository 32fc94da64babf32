package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

type batchResults struct {
	Results []struct {
		Row     int           `json:"row"`
		Verdict graph.Verdict `json:"verdict"`
		Known   bool          `json:"known"`
		Entity  *graph.Ref    `json:"entity"`
		Error   *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"results"`
}

func TestScreenBatchJSON(t *testing.T) {
	s := mustServer(t, true)
	var res batchResults
	s.mustJSON("POST", "/api/v1/screen/batch", map[string]any{"queries": []map[string]string{
		{"name": "Belsec Integration", "country": "BY", "date": "2024-06-01"},
		{"name": "Nobody Known At All"},
		{"name": "X", "country": "Atlantis"},
		{"id": "ORG-EMG", "date": "2024-06-01"},
	}}, 200, &res)
	r := res.Results
	if len(r) != 4 || r[0].Verdict != graph.Block || r[1].Known || r[1].Verdict != graph.Unknown ||
		r[2].Error == nil || r[2].Error.Code != "invalid" || r[3].Verdict != graph.Review {
		t.Errorf("batch: %+v", res)
	}
	s.mustError("POST", "/api/v1/screen/batch", map[string]any{"queries": []any{}}, 400, graph.EINVALID)
}

func batchFile(s *testServer, name string, data []byte, accept string) *httptest.ResponseRecorder {
	body, ctype := multipartBody(s.t, []importer.File{{Name: name, Data: data}}, nil)
	req := httptest.NewRequest("POST", "/api/v1/screen/batch", body)
	req.Header.Set("Content-Type", ctype)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return s.send(req)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func TestScreenBatchSpreadsheet(t *testing.T) {
	s := mustServer(t, true)
	// A name in the graph that looks like a formula must come out inert.
	up := []importer.File{{Name: "organizations.csv", Data: []byte("id,name,country\nORG-EVIL,\"=HYPERLINK(\"\"http://x\"\")\",BY\n")}}
	if j := s.mustUpload(up, nil); j.State != graph.JobDone {
		t.Fatalf("upload: %+v %s", j, j.Report)
	}
	csvIn := "Counterparty;Country;Date\nBelsec Integration;Belarus;2024-06-01\n\n=HYPERLINK(\"http://x\");BY;2024-06-01\nSomeone;Atlantis;\n"

	w := batchFile(s, "deal.csv", []byte(csvIn), "")
	var res batchResults
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil || len(res.Results) != 3 {
		t.Fatalf("CSV to JSON: %d %s", w.Code, w.Body)
	}
	if res.Results[0].Row != 2 || res.Results[0].Verdict != graph.Block || res.Results[1].Row != 4 || res.Results[2].Error == nil {
		t.Errorf("CSV to JSON: %+v", res.Results)
	}

	w = batchFile(s, "deal.csv", []byte(csvIn), "text/csv")
	cr := csv.NewReader(bytes.NewReader(w.Body.Bytes()))
	cr.Comma = ';' // the input's delimiter
	rows, err := cr.ReadAll()
	if w.Code != 200 || err != nil || len(rows) != 4 {
		t.Fatalf("CSV to CSV: %d %v %q\n%s", w.Code, err, rows, w.Body)
	}
	if rows[0][3] != "hopcheck verdict" || rows[1][3] != "block" || rows[2][0] != `'=HYPERLINK("http://x")` || rows[2][6] != `'=HYPERLINK("http://x")` || rows[3][3] != "error" {
		t.Errorf("annotated CSV: %q", rows)
	}

	w = batchFile(s, "deal.csv", []byte(csvIn), xlsxType)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "deal-screened.xlsx") {
		t.Fatalf("CSV to XLSX: %d %v", w.Code, w.Header())
	}
	f, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.GetRows(f.GetSheetList()[0])
	if len(got) != 4 || got[1][3] != "block" || got[2][6] != `'=HYPERLINK("http://x")` {
		t.Errorf("annotated XLSX from CSV: %q", got)
	}

	// A workbook comes back as itself with the result columns added.
	book := excelize.NewFile()
	book.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Country", "Date", "Notes"})
	book.SetSheetRow("Sheet1", "A2", &[]any{"Emerald Gulf Technologies", "AE", "2024-06-01", "kept"})
	var in bytes.Buffer
	book.Write(&in)
	w = batchFile(s, "deal.xlsx", in.Bytes(), xlsxType)
	if w.Code != 200 {
		t.Fatalf("XLSX to XLSX: %d %s", w.Code, w.Body)
	}
	f, _ = excelize.OpenReader(w.Body)
	got, _ = f.GetRows("Sheet1")
	if len(got) != 2 || got[1][3] != "kept" || got[0][4] != "hopcheck verdict" || got[1][4] != "review" || got[1][6] != "ORG-EMG" {
		t.Errorf("annotated workbook: %q", got)
	}

	for name, data := range map[string]string{
		"no-columns.csv": "foo,bar\n1,2\n",
		"latin1.csv":     "name\nM\xfcller\n",
		"broken.xlsx":    "PK not really",
		"empty.csv":      "",
	} {
		if w := batchFile(s, name, []byte(data), ""); w.Code != 400 {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
}

func TestFlagsExport(t *testing.T) {
	s := mustServer(t, true)
	w := s.do("GET", "/api/v1/flags.xlsx?severity=critical", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != xlsxType {
		t.Fatalf("flags.xlsx: %d %v", w.Code, w.Header())
	}
	f, err := excelize.OpenReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Flags")
	if len(rows) != 7 || rows[0][0] != "transaction" || rows[1][0] != "T-1001" || rows[1][2] != "critical" {
		t.Errorf("flags.xlsx rows: %q", rows)
	}
	s.mustError("GET", "/api/v1/flags.xlsx?status=nope", nil, 400, graph.EINVALID)
}

// TestScreenBatchTransactions screens a ledger: transactions are read by
// the importer, assessed, and nothing is written.
func TestScreenBatchTransactions(t *testing.T) {
	s := mustServer(t, true)
	before, _ := s.store.Stats(t.Context())
	ledger := "id;date;buyer;ship_to\r\nN-1;2024-03-05;Belsec Integration OOO;BY\r\nN-2;2024-06-01;Hanseatic Security Systems GmbH;DE\r\nN-3;2024-06-01;Hanseatic Security Systems GmbH;Myanmar\r\n"
	w := batchFile(s, "ledger.csv", []byte(ledger), "")
	var res struct {
		Results []struct {
			Row         int              `json:"row"`
			Transaction string           `json:"transaction_id"`
			Assessment  graph.Assessment `json:"assessment"`
		} `json:"results"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil || len(res.Results) != 3 {
		t.Fatalf("ledger: %d %s", w.Code, w.Body)
	}
	got := []string{}
	for _, r := range res.Results {
		got = append(got, r.Transaction+":"+string(r.Assessment.Severity)+":"+strings.Repeat("*", r.Row))
	}
	if want := []string{"N-1:critical:**", "N-2:none:***", "N-3:medium:****"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ledger results %v, want %v", got, want)
	}
	if after, _ := s.store.Stats(t.Context()); after.Transactions != before.Transactions {
		t.Errorf("screening a ledger stored transactions: %d → %d", before.Transactions, after.Transactions)
	}
	w = batchFile(s, "ledger.csv", []byte(ledger), "text/csv")
	cr := csv.NewReader(w.Body)
	cr.Comma = ';' // the input's delimiter
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 4 || rows[1][4] != "block" || rows[2][4] != "clear" {
		t.Errorf("annotated ledger: %v %v", rows, err)
	}
	bad := "id,date,buyer\nN-9,03/04/2024,Nobody Known\n"
	w = batchFile(s, "ledger.csv", []byte(bad), "")
	if w.Code != 400 || !strings.Contains(w.Body.String(), "row 2") {
		t.Errorf("bad ledger: %d %s", w.Code, w.Body)
	}
}
