package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

// maxBatch bounds the counterparties of one batch screening.
const maxBatch = 5000

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv"
)

// batchResult is one row's screening, or why it could not be screened: a
// counterparty's Screening, or a transaction's Assessment.
type batchResult struct {
	Row         int          `json:"row,omitempty"` // the spreadsheet row (CSV: line), for file input
	Error       *errorDetail `json:"error,omitempty"`
	Transaction string       `json:"transaction_id,omitempty"`
	*exposure.Screening
	*graph.Assessment `json:"assessment,omitempty"`

	index int // of the data row in the table
}

// handleScreenBatch screens many counterparties: a JSON {"queries": [...]}
// or a spreadsheet (XLSX or CSV, columns name, country, id, date) in a
// multipart "file" field. The answer is JSON, or with Accept for XLSX or
// CSV the same spreadsheet with result columns added.
func handleScreenBatch(deps Deps, m *metrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		if strings.HasPrefix(c.ContentType(), "application/json") {
			var req struct {
				Queries []screenRequest `json:"queries"`
			}
			if err := c.ShouldBindJSON(&req); err != nil {
				respondErr(c, bodyError(err))
				return
			}
			if len(req.Queries) == 0 || len(req.Queries) > maxBatch {
				respondErr(c, invalid("queries: give 1 to %d counterparties, got %d", maxBatch, len(req.Queries)))
				return
			}
			results, err := screenAll(c.Request.Context(), deps, m, req.Queries, nil)
			if err != nil {
				respondErr(c, err)
				return
			}
			respond(c, http.StatusOK, gin.H{"results": results})
			return
		}
		fh, err := c.FormFile("file")
		if err != nil {
			respondErr(c, bodyOr(err, invalid("expected a JSON body or a multipart form with a spreadsheet in the field \"file\"")))
			return
		}
		data, err := readPart(fh)
		if err != nil {
			respondErr(c, err)
			return
		}
		t, err := readTable(fh.Filename, data)
		if err != nil {
			respondErr(c, err)
			return
		}
		var results []batchResult
		if t.has("buyer") {
			results, err = assessTransactions(c.Request.Context(), deps, m, fh.Filename, data, t)
		} else {
			var qs []screenRequest
			var at []position
			if qs, at, err = t.queries(); err == nil {
				results, err = screenAll(c.Request.Context(), deps, m, qs, at)
			}
		}
		if err != nil {
			respondErr(c, err)
			return
		}
		name := strings.TrimSuffix(filepath.Base(fh.Filename), filepath.Ext(fh.Filename)) + "-screened"
		switch c.NegotiateFormat(gin.MIMEJSON, xlsxType, csvType) {
		case xlsxType:
			out, err := t.annotatedXLSX(results)
			if err != nil {
				respondErr(c, err)
				return
			}
			c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".xlsx"))
			c.Data(http.StatusOK, xlsxType, out)
		case csvType:
			c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".csv"))
			c.Data(http.StatusOK, csvType+"; charset=utf-8", t.annotatedCSV(results))
		default:
			respond(c, http.StatusOK, gin.H{"results": results})
		}
	}
}

// bodyOr is err when it says the body was too large, else other.
func bodyOr(err, other error) error {
	if graph.ErrorCode(bodyError(err)) == graph.EINVALID {
		return other
	}
	return err
}

// screenAll screens each query in order. A query that is wrong gets an
// error of its own; a store failure fails the batch.
func screenAll(ctx context.Context, deps Deps, m *metrics, reqs []screenRequest, at []position) ([]batchResult, error) {
	out := make([]batchResult, len(reqs))
	for i, req := range reqs {
		if at != nil {
			out[i].Row, out[i].index = at[i].row, at[i].index
		}
		q, err := screenQuery(req)
		if err == nil {
			var s exposure.Screening
			if s, err = deps.Evaluator.Screen(ctx, q); err == nil {
				out[i].Screening = &s
				m.screenings.WithLabelValues(string(s.Verdict)).Inc()
				continue
			}
		}
		if graph.ErrorCode(err) != graph.EINVALID {
			return nil, err
		}
		out[i].Error = &errorDetail{Code: graph.EINVALID, Message: graph.ErrorMessage(err)}
	}
	return out, nil
}

// assessTransactions reads a ledger of transactions with the importer —
// the same columns, values and name resolution as an upload — and assesses
// each without writing anything. A row the importer rejects rejects the batch.
func assessTransactions(ctx context.Context, deps Deps, m *metrics, name string, data []byte, t *table) ([]batchResult, error) {
	u, rep, err := importer.Read(ctx, deps.Store, []importer.File{{Name: name, Data: data}}, importer.Options{Kind: string(importer.Transactions)})
	if err != nil {
		return nil, err
	}
	if rep.Rejected {
		msgs := make([]string, 0, 3)
		for _, e := range rep.Errors[:min(3, len(rep.Errors))] {
			msgs = append(msgs, e.String())
		}
		return nil, invalid("the ledger has %d errors: %s", len(rep.Errors)+rep.MoreErrors, strings.Join(msgs, "; "))
	}
	if len(u.Transactions) == 0 || len(u.Transactions) > maxBatch {
		return nil, invalid("give 1 to %d transactions, one a row; found %d", maxBatch, len(u.Transactions))
	}
	as, err := deps.Evaluator.Assess(ctx, u.Transactions)
	if err != nil {
		return nil, err
	}
	index := make(map[int]int, len(t.nums))
	for i, n := range t.nums {
		index[n] = i
	}
	out := make([]batchResult, len(as))
	for i, tx := range u.Transactions {
		out[i] = batchResult{Row: tx.Source.Row, Transaction: tx.ID, Assessment: &as[i], index: index[tx.Source.Row]}
		m.screenings.WithLabelValues(string(as[i].Verdict)).Inc()
	}
	return out, nil
}

// has reports whether the table has a column with the normalised header.
func (t *table) has(header string) bool {
	for _, h := range t.header {
		if normHeader(h) == header {
			return true
		}
	}
	return false
}

// table is an uploaded spreadsheet's first sheet.
type table struct {
	xlsx   *excelize.File // nil for CSV
	sheet  string
	header []string
	rows   [][]string // data rows, after the header
	nums   []int      // each data row's number as the user sees it: row, or CSV line
}

// position is where a query came from: its data row and that row's number.
type position struct{ index, row int }

func readTable(name string, data []byte) (*table, error) {
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 16 << 20})
		if err != nil {
			return nil, invalid("file %q is not a readable XLSX workbook", name)
		}
		sheet := f.GetSheetList()[0]
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, invalid("file %q sheet %q: %v", name, sheet, err)
		}
		if len(rows) == 0 {
			return nil, invalid("file %q sheet %q is empty", name, sheet)
		}
		t := &table{xlsx: f, sheet: sheet, header: rows[0], rows: rows[1:]}
		for i := range t.rows {
			t.nums = append(t.nums, i+2)
		}
		return t, nil
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, invalid("file %q is not UTF-8 text; save it as CSV UTF-8 or XLSX", name)
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ','
	for _, d := range []rune{';', '\t'} {
		if bytes.Count(line, []byte(string(d))) > bytes.Count(line, []byte(string(r.Comma))) {
			r.Comma = d
		}
	}
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	t := &table{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid("file %q: %v", name, err)
		}
		if t.header == nil {
			t.header = rec
			continue
		}
		line, _ := r.FieldPos(0)
		t.rows, t.nums = append(t.rows, rec), append(t.nums, line)
	}
	if t.header == nil {
		return nil, invalid("file %q is empty", name)
	}
	return t, nil
}

// batchColumns maps normalised headers to screening fields.
var batchColumns = map[string]string{
	"name": "name", "companyname": "name", "counterparty": "name", "entityname": "name",
	"country": "country", "countrycode": "country",
	"id": "id", "entityid": "id",
	"date": "date", "screeningdate": "date", "asof": "date",
}

func normHeader(h string) string {
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
}

// queries reads each non-empty row as a query, and where it came from.
func (t *table) queries() ([]screenRequest, []position, error) {
	col := map[string]int{}
	for i, h := range t.header {
		if f, ok := batchColumns[normHeader(h)]; ok {
			if _, dup := col[f]; !dup {
				col[f] = i
			}
		}
	}
	_, hasName := col["name"]
	_, hasID := col["id"]
	if !hasName && !hasID {
		return nil, nil, invalid("the first row must name the columns, with name or id (and optionally country and date); found %q", t.header)
	}
	cell := func(row []string, f string) string {
		if i, ok := col[f]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var qs []screenRequest
	var at []position
	for i, row := range t.rows {
		q := screenRequest{Name: cell(row, "name"), Country: cell(row, "country"), ID: cell(row, "id"), Date: cell(row, "date")}
		if q == (screenRequest{}) {
			continue
		}
		if t.xlsx != nil {
			if serial, err := strconv.ParseFloat(q.Date, 64); err == nil {
				if d, err := excelize.ExcelDateToTime(serial, false); err == nil {
					q.Date = d.Format("2006-01-02")
				}
			}
		}
		qs = append(qs, q)
		at = append(at, position{index: i, row: t.nums[i]})
	}
	if len(qs) == 0 || len(qs) > maxBatch {
		return nil, nil, invalid("give 1 to %d counterparties, one a row; found %d", maxBatch, len(qs))
	}
	return qs, at, nil
}

// resultHeaders are the columns a screened spreadsheet gets.
var resultHeaders = []string{"hopcheck verdict", "hopcheck severity", "hopcheck match id", "hopcheck match name", "hopcheck match score", "hopcheck end-users", "hopcheck reasons"}

func resultCells(r batchResult) []string {
	if r.Error != nil {
		return []string{"error", "", "", "", "", "", r.Error.Message}
	}
	a := r.Assessment
	var id, name, score string
	if s := r.Screening; s != nil {
		a = &s.Assessment
		if s.Entity != nil {
			id, name = s.Entity.ID, s.Entity.Name
			score = strconv.FormatFloat(s.Matches[0].Score, 'f', 3, 64)
		}
	}
	var ends []string
	for _, x := range a.Exposures {
		hops := "hops"
		if x.Hops == 1 {
			hops = "hop"
		}
		ends = append(ends, fmt.Sprintf("%s (%s, %d %s)", x.EndUser.Name, x.EndUser.ID, x.Hops, hops))
	}
	return []string{string(a.Verdict), string(a.Severity), id, name, score, strings.Join(ends, "; "), strings.Join(a.Reasons, " ")}
}

// neutralise keeps a cell from being read as a formula by a spreadsheet.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// extra returns each data row's result cells, by index.
func extra(results []batchResult) map[int][]string {
	m := make(map[int][]string, len(results))
	for _, r := range results {
		m[r.index] = resultCells(r)
	}
	return m
}

// annotatedXLSX returns the workbook with the result columns added to the
// sheet that was read; CSV input becomes a new workbook.
func (t *table) annotatedXLSX(results []batchResult) ([]byte, error) {
	f, sheet, first, copyInput := t.xlsx, t.sheet, len(t.header)+1, false
	if f == nil {
		f, sheet, first, copyInput = excelize.NewFile(), "Screening", 1, true
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return nil, err
		}
	}
	write := func(row int, vals ...[]string) error {
		var cells []any
		for _, vs := range vals {
			for _, v := range vs {
				cells = append(cells, neutralise(v))
			}
		}
		return f.SetSheetRow(sheet, cellName(first, row), &cells)
	}
	input := func(row []string) []string {
		if !copyInput {
			return nil
		}
		return pad(row, len(t.header))
	}
	if err := write(1, input(t.header), resultHeaders); err != nil {
		return nil, err
	}
	ex := extra(results)
	for i, row := range t.rows {
		n := t.nums[i]
		if copyInput {
			n = i + 2
		}
		if err := write(n, input(row), ex[i]); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func pad(row []string, n int) []string {
	out := make([]string, max(n, len(row)))
	copy(out, row)
	return out[:n]
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// annotatedCSV returns the rows with the result columns added, every
// cell neutralised.
func (t *table) annotatedCSV(results []batchResult) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	put := func(vals ...[]string) {
		var out []string
		for _, vs := range vals {
			for _, v := range vs {
				out = append(out, neutralise(v))
			}
		}
		_ = w.Write(out)
	}
	put(t.header, resultHeaders)
	ex := extra(results)
	for i, row := range t.rows {
		put(pad(row, len(t.header)), ex[i])
	}
	w.Flush()
	return b.Bytes()
}
