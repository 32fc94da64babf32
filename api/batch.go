package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

// BatchLimits bound batch screening. Zero fields take DefaultBatchLimits.
type BatchLimits struct {
	MaxRows    int   // counterparties or transactions in one batch; default 5000
	MaxBytes   int64 // the request body; default 10 MiB
	Concurrent int   // batches screened at once; more are answered 429; default 2
}

// DefaultBatchLimits: 5000 rows, 10 MiB, 2 at once.
func DefaultBatchLimits() BatchLimits {
	return BatchLimits{MaxRows: 5000, MaxBytes: 10 << 20, Concurrent: 2}
}

func (l BatchLimits) withDefaults() BatchLimits {
	d := DefaultBatchLimits()
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.Concurrent <= 0 {
		l.Concurrent = d.Concurrent
	}
	return l
}

// batchGate lets at most Concurrent batches run; the others get 429.
type batchGate struct{ slots chan struct{} }

func newBatchGate(l BatchLimits) *batchGate {
	return &batchGate{slots: make(chan struct{}, l.withDefaults().Concurrent)}
}

func (g *batchGate) admit(c *gin.Context) {
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
		c.Next()
	default:
		tooMany(c, 5*time.Second, "%d batch screenings are running, the most this server runs at once; try again shortly", cap(g.slots))
	}
}

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
			if len(req.Queries) == 0 || len(req.Queries) > deps.Batch.MaxRows {
				respondErr(c, invalid("queries: give 1 to %d counterparties, got %d", deps.Batch.MaxRows, len(req.Queries)))
				return
			}
			results, err := screenAll(c.Request.Context(), deps, m, req.Queries, nil)
			if err != nil {
				respondErr(c, err)
				return
			}
			auditBatch(c, deps, "batch of "+strconv.Itoa(len(req.Queries)), results)
			respond(c, http.StatusOK, gin.H{"results": forRole(callerOf(c).Role, results)})
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
		t, err := readTable(fh.Filename, data, deps.ImportLimits, deps.Batch.MaxRows)
		if err != nil {
			respondErr(c, err)
			return
		}
		defer t.close()
		var results []batchResult
		if t.has("buyer") {
			results, err = assessTransactions(c.Request.Context(), deps, m, fh.Filename, data, t)
		} else {
			var qs []screenRequest
			var at []position
			if qs, at, err = t.queries(deps.Batch.MaxRows); err == nil {
				results, err = screenAll(c.Request.Context(), deps, m, qs, at)
			}
		}
		if err != nil {
			respondErr(c, err)
			return
		}
		auditBatch(c, deps, fmt.Sprintf("file %q", fh.Filename), results)
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
			respond(c, http.StatusOK, gin.H{"results": forRole(callerOf(c).Role, results)})
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
	u, rep, err := importer.Read(ctx, deps.Store, []importer.File{{Name: name, Data: data}}, importer.Options{Kind: string(importer.Transactions), Limits: deps.ImportLimits})
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
	if len(u.Transactions) == 0 || len(u.Transactions) > deps.Batch.MaxRows {
		return nil, invalid("give 1 to %d transactions, one a row; found %d", deps.Batch.MaxRows, len(u.Transactions))
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
	comma  rune           // CSV: the input's delimiter, kept in the answer
	sheet  string
	header []string
	rows   [][]string // data rows, after the header
	nums   []int      // each data row's number as the user sees it: row, or CSV line
}

// close removes the workbook's temporary files.
func (t *table) close() {
	if t.xlsx != nil {
		_ = t.xlsx.Close()
	}
}

// xlsxTable streams the first sheet's rows.
func xlsxTable(f *excelize.File, name string, lim importer.Limits, maxRows int) (*table, error) {
	sheet := f.GetSheetList()[0]
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, invalid("file %q sheet %q: %v", name, sheet, err)
	}
	defer rows.Close()
	t := &table{xlsx: f, sheet: sheet}
	for n := 1; rows.Next(); n++ {
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, invalid("file %q sheet %q row %d: %v", name, sheet, n, err)
		}
		if err := t.bounded(name, n, rec, lim, maxRows); err != nil {
			return nil, err
		}
		if t.header == nil {
			if len(rec) == 0 {
				return nil, invalid("file %q sheet %q: the first row must name the columns", name, sheet)
			}
			t.header = rec
			continue
		}
		t.rows, t.nums = append(t.rows, rec), append(t.nums, n)
	}
	if err := rows.Error(); err != nil {
		return nil, invalid("file %q sheet %q: %v", name, sheet, err)
	}
	if t.header == nil {
		return nil, invalid("file %q sheet %q is empty", name, sheet)
	}
	return t, nil
}

// bounded refuses a row past maxRows data rows, with more columns than
// the import limit allows, or with a cell above the cell limit.
func (t *table) bounded(name string, row int, rec []string, lim importer.Limits, maxRows int) error {
	d := importer.DefaultLimits()
	maxCols, maxCell := cmp.Or(lim.MaxColumns, d.MaxColumns), cmp.Or(lim.MaxCellBytes, d.MaxCellBytes)
	if len(t.rows) >= maxRows {
		return invalid("file %q: more than %d rows; split it into batches of %d", name, maxRows, maxRows)
	}
	n := len(rec)
	for n > 0 && rec[n-1] == "" { // trailing empty cells: formatting, delimiters
		n--
	}
	if n > maxCols {
		return invalid("file %q row %d: %d cells, more than the limit of %d columns", name, row, n, maxCols)
	}
	for i, v := range rec {
		if len(v) > maxCell {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return invalid("file %q row %d column %s: cell is %d bytes, more than the limit of %d", name, row, col, len(v), maxCell)
		}
	}
	return nil
}

// position is where a query came from: its data row and that row's number.
type position struct{ index, row int }

// readTable reads the first sheet of name within the import limits, and
// at most maxRows data rows (one more says there are too many).
func readTable(name string, data []byte, lim importer.Limits, maxRows int) (*table, error) {
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		f, err := importer.OpenXLSX(data, lim)
		if err != nil {
			return nil, invalid("file %q: %v", name, err)
		}
		t, err := xlsxTable(f, name, lim, maxRows)
		if err != nil {
			_ = f.Close()
			return nil, err
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
	t := &table{comma: r.Comma}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalid("file %q: %v", name, err)
		}
		if err := t.bounded(name, len(t.rows)+2, rec, lim, maxRows); err != nil {
			return nil, err
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
func (t *table) queries(maxRows int) ([]screenRequest, []position, error) {
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
	if len(qs) == 0 || len(qs) > maxRows {
		return nil, nil, invalid("give 1 to %d counterparties, one a row; found %d", maxRows, len(qs))
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
		defer f.Close()
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
// cell neutralised, in the input's delimiter.
func (t *table) annotatedCSV(results []batchResult) []byte {
	var b bytes.Buffer
	comma := cmp.Or(t.comma, ',')
	put := func(vals ...[]string) {
		first := true
		for _, vs := range vals {
			for _, v := range vs {
				if !first {
					b.WriteRune(comma)
				}
				first = false
				b.WriteString(csvField(neutralise(v), comma))
			}
		}
		b.WriteString("\r\n")
	}
	put(t.header, resultHeaders)
	ex := extra(results)
	for i, row := range t.rows {
		put(pad(row, len(t.header)), ex[i])
	}
	return b.Bytes()
}

// csvField quotes a field that holds the delimiter, a quote or a line
// end, as encoding/csv does, and also one that holds any delimiter a
// spreadsheet might split on (',', ';', tab) or a formula trigger: a
// program that splits on another delimiter than ours would otherwise see
// a cell starting with "=" after it.
func csvField(s string, comma rune) string {
	if s == "" || !strings.ContainsAny(s, "\"\r\n,;\t=+-@|"+string(comma)) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
