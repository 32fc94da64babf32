package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// minHeaderCellBytes is the least a header or title cell may hold, however
// low MaxCellBytes is set: headers are names, not data.
const minHeaderCellBytes = 1 << 10

// headerScanRows is how many non-empty rows may stand above the header row
// (titles, notes) before a sheet is said to have no header.
const headerScanRows = 10

// reader holds one upload being read.
type reader struct {
	ctx     context.Context
	lookup  Lookup
	files   []File
	opts    Options
	lim     Limits
	dates   DateFormat
	id      string
	rep     *Report
	rows    int // data rows read, for progress
	cells   int // cells read, all sheets together, against MaxCells
	preview *Preview
	nRows   int // preview rows per sheet

	entities []*entityRow
	// uploadIndex and uploadByID find the upload's entities for "did you
	// mean", made on first use.
	uploadIndex *match.Index
	uploadByID  map[string]graph.Entity
	suggested   int // references given suggestions so far
	byID        map[string]*entityRow
	countries   []*countryRow
	byCode      map[string]*countryRow
	byYear      map[string]*countryRow // code|year
	links       []*linkRow
	txs         []*txRow
	txByID      map[string]*txRow
	// countryRefs remembers the first row naming each country code.
	countryRefs map[string]graph.Source
	listings    []*listingRow
	decisions   []*identityRow
	stored      *[]graph.Decision     // the store's decisions, once read
	clusters    *graph.Clusters       // their SAME_AS clusters, once made
	upload      *graph.Upload         // being assembled
	lists       map[string]graph.List // by id, in the order of listOrder
	listOrder   []string
	// govs are the bodies made for government:XX references (nil: stored).
	govs     map[string]*graph.Entity
	govOrder []string
}

func newReader(ctx context.Context, lookup Lookup, files []File, opts Options) *reader {
	lim := opts.Limits.withDefaults()
	id := UploadID(files, opts)
	r := &reader{ctx: ctx, lookup: lookup, files: files, opts: opts, lim: lim, id: id,
		rep: newReport(id, files, lim), byID: map[string]*entityRow{}, byCode: map[string]*countryRow{}, byYear: map[string]*countryRow{},
		txByID: map[string]*txRow{}, countryRefs: map[string]graph.Source{}, lists: map[string]graph.List{},
		govs: map[string]*graph.Entity{}}
	format := opts.DateFormat
	if format == "" && opts.Mapping != nil {
		format = opts.Mapping.DateFormat
	}
	df, err := ParseDateFormat(format)
	if err != nil {
		r.rep.errorf(Issue{Message: "options: " + err.Error()})
	}
	r.dates = df
	return r
}

func (r *reader) run() (graph.Upload, *Report, error) {
	u := graph.Upload{ID: r.id, Files: r.rep.Files}
	if len(r.files) == 0 {
		r.rep.errorf(Issue{Message: "no files in the upload"})
		return u, r.rep, nil
	}
	if ok, err := r.readFormats(&u); ok || err != nil {
		r.rep.Contents = Contents{Entities: len(u.Entities), Countries: len(u.Countries), Links: len(u.Links),
			Transactions: len(u.Transactions), Lists: len(u.Lists), Listings: len(u.Listings)}
		return u, r.rep, err
	}
	r.readFiles()
	if err := r.ctx.Err(); err != nil {
		return u, r.rep, err
	}
	recognised := false
	for _, s := range r.rep.Sheets {
		recognised = recognised || s.Kind != ""
	}
	if !recognised && !r.rep.Rejected {
		r.rep.errorf(Issue{Message: fmt.Sprintf("no sheet or file was recognised; name them after what they hold (%s, or synonyms such as Distributors or Shareholders), or choose a kind at upload", tableList())})
	}
	if err := r.resolve(); err != nil {
		return u, r.rep, err
	}
	r.upload = &u
	r.assemble(&u)
	if err := r.assembleDecisions(&u); err != nil {
		return u, r.rep, err
	}
	if err := r.duplicates(u.Entities); err != nil {
		return u, r.rep, err
	}
	r.rep.Contents = Contents{Entities: len(u.Entities), Countries: len(u.Countries), Links: len(u.Links), Transactions: len(u.Transactions),
		Lists: len(u.Lists), Listings: len(u.Listings), Decisions: len(u.Decisions)}
	return u, r.rep, nil
}

// readFiles reads every sheet of every file into rows.
func (r *reader) readFiles() {
	for _, f := range r.files {
		if r.ctx.Err() != nil {
			return
		}
		if int64(len(f.Data)) > r.lim.MaxFileBytes {
			r.rep.errorf(Issue{File: f.Name, Message: fmt.Sprintf("file is %d bytes, more than the limit of %d", len(f.Data), r.lim.MaxFileBytes)})
			continue
		}
		if strings.EqualFold(strings.TrimSpace(f.Name[max(0, len(f.Name)-4):]), ".xls") {
			r.rep.errorf(Issue{File: f.Name, Message: "the old .xls format is not supported; save the workbook as .xlsx or export CSV"})
			continue
		}
		if isXLSX(f) {
			xf, sheets, err := openWorkbook(f, r.lim)
			if err != nil {
				r.fileError(f.Name, "", err)
				continue
			}
			for _, src := range sheets {
				r.readSheet(src, "")
			}
			_ = xf.Close()
			continue
		}
		src, err := csvSource(f)
		if err != nil {
			r.fileError(f.Name, "", err)
			continue
		}
		r.readSheet(src, src.encoding)
	}
}

func (r *reader) fileError(file, sheet string, err error) {
	var fe *fileError
	if errors.As(err, &fe) {
		if fe.sheet != "" {
			sheet = fe.sheet
		}
		r.rep.errorListed(Issue{File: file, Sheet: sheet, Row: fe.row, Message: fe.msg})
		return
	}
	r.rep.errorListed(Issue{File: file, Sheet: sheet, Message: err.Error()})
}

// sheet is one sheet or CSV file being read.
type sheet struct {
	src       sheetSource
	kind      SheetKind
	mapping   SheetMapping
	header    []string       // header texts by column index
	cols      map[string]int // canonical column → index
	headerRow int
	broken    bool // the header has errors: rows are not read
	limited   bool // reading stopped at a limit, which the report says
	rep       *SheetReport
	unnamed   map[int]bool // columns without header that held data, warned once
	// percents tracks whether every percent in the sheet lies in 0–1.
	percents, fractions int
	firstPercent        int
}

func (s *sheet) issue(row int, col string, msg string) Issue {
	i := Issue{File: s.src.file, Sheet: s.src.sheet, Row: row, Message: msg}
	if idx, ok := s.cols[col]; ok {
		i.Column = columnLetter(idx)
		i.Header = s.header[idx]
	} else if col != "" {
		i.Header = col
	}
	return i
}

func columnLetter(idx int) string {
	name, _ := excelize.ColumnNumberToName(idx + 1)
	return name
}

// kindOf decides what a sheet holds: Options.Kinds, then the mapping, then
// Options.Kind, then the sheet's name.
func (r *reader) kindOf(name string) (SheetKind, bool, error) {
	for k, v := range r.opts.Kinds {
		if norm(k) == norm(name) {
			sk, ok := KindOf(v)
			if !ok {
				return sk, false, fmt.Errorf("unknown kind %q given for it (expected one of %s)", v, tableList())
			}
			return sk, true, nil
		}
	}
	if sm, ok := r.opts.Mapping.sheet(name); ok && sm.Kind != "" {
		sk, ok := KindOf(sm.Kind)
		return sk, ok, nil
	}
	if r.opts.Kind != "" {
		sk, ok := KindOf(r.opts.Kind)
		if !ok {
			return sk, false, fmt.Errorf("unknown kind %q given at upload (expected one of %s)", r.opts.Kind, tableList())
		}
		return sk, true, nil
	}
	sk, ok, ambiguous := NameKind(name)
	if len(ambiguous) > 1 {
		kinds := make([]string, len(ambiguous))
		for i, k := range ambiguous {
			kinds[i] = k.String()
		}
		return sk, false, fmt.Errorf("its name %q could mean %s: give its kind at upload (or in a mapping) or rename it", name, strings.Join(kinds, " or "))
	}
	return sk, ok, nil
}

func (r *reader) readSheet(src sheetSource, encoding string) {
	r.rep.Sheets = append(r.rep.Sheets, SheetReport{File: src.file, Sheet: src.sheet, Encoding: encoding})
	s := &sheet{src: src, rep: &r.rep.Sheets[len(r.rep.Sheets)-1], unnamed: map[int]bool{}}
	if sm, ok := r.opts.Mapping.sheet(src.name); ok && norm(sm.Kind) == ignoreColumn {
		return // the mapping says to ignore the sheet
	}
	kind, ok, err := r.kindOf(src.name)
	if err != nil {
		r.rep.errorf(Issue{File: src.file, Sheet: src.sheet, Message: err.Error()})
		return
	}
	var sp *SheetPreview
	if r.preview != nil {
		r.preview.Sheets = append(r.preview.Sheets, SheetPreview{File: src.file, Sheet: src.sheet})
		sp = &r.preview.Sheets[len(r.preview.Sheets)-1]
	}
	if !ok {
		r.rep.warnf(Issue{File: src.file, Sheet: src.sheet, Message: fmt.Sprintf("sheet ignored: its name does not say what it holds (expected %s or a synonym), and no kind was given for it", tableList())})
		return
	}
	s.kind = kind
	s.mapping, _ = r.opts.Mapping.sheet(src.name)
	s.rep.Kind, s.rep.Role, s.rep.LinkType = string(kind.Table), kind.Role, string(kind.LinkType)
	if sp != nil {
		sp.Kind = kind
	}
	scanned := 0
	err = src.each(func(row int, cells []string) error {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		// Empty cells at the end of a row (formatting, trailing
		// delimiters) count for neither limit.
		n := len(cells)
		for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
			n--
		}
		cells = cells[:n]
		if n > r.lim.MaxColumns {
			r.rep.errorListed(Issue{File: src.file, Sheet: src.sheet, Row: row, Message: fmt.Sprintf("row has %d cells, more than the limit of %d columns", n, r.lim.MaxColumns)})
			s.limited = true
			return errStop
		}
		if r.cells += n; r.cells > r.lim.MaxCells {
			r.rep.errorListed(Issue{File: src.file, Sheet: src.sheet, Row: row, Message: fmt.Sprintf("the upload has more than %d cells: split it", r.lim.MaxCells)})
			s.limited = true
			return errStop
		}
		// Every cell is bounded, in previews too; above the header (titles)
		// and in it, by at least minHeaderCellBytes.
		oversize, limit := false, r.lim.MaxCellBytes
		if s.header == nil {
			limit = max(limit, minHeaderCellBytes)
		}
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
			if len(c) > limit {
				at := Issue{File: src.file, Sheet: src.sheet, Row: row, Column: columnLetter(i),
					Message: fmt.Sprintf("cell is %d bytes, more than the limit of %d", len(c), limit)}
				if i < len(s.header) {
					at.Header = s.header[i]
				}
				r.rep.errorf(at)
				cells[i], oversize = "", true
			}
		}
		if oversize && s.header != nil {
			return nil // the row is refused; the header would be as wrong
		}
		empty := isEmpty(cells)
		if s.header == nil {
			switch {
			case s.mapping.NoHeader:
				s.setHeader(r, 0, letters(max(len(cells), 26)))
				s.headerRow = 0
			case s.mapping.HeaderRow > 0:
				if row < s.mapping.HeaderRow {
					return nil
				}
				s.setHeader(r, row, cells)
				return s.afterHeader(sp)
			default:
				if empty {
					return nil
				}
				scanned++
				if !s.looksLikeHeader(r, cells) {
					if scanned >= headerScanRows {
						r.rep.errorf(Issue{File: src.file, Sheet: src.sheet, Message: fmt.Sprintf("no header row found in the first %d rows: expected headers such as %s", headerScanRows, strings.Join(s.kind.Table.Columns(), ", "))})
						return errStop
					}
					return nil
				}
				s.setHeader(r, row, cells)
				return s.afterHeader(sp)
			}
		}
		if empty {
			return nil
		}
		s.rep.Rows++
		if s.rep.Rows > r.lim.MaxRows {
			r.rep.errorListed(Issue{File: src.file, Sheet: src.sheet, Row: row, Message: fmt.Sprintf("more than %d rows: split the sheet", r.lim.MaxRows)})
			return errStop
		}
		if sp != nil {
			if len(sp.Rows) >= r.nRows {
				return errStop
			}
			sp.Rows = append(sp.Rows, append([]string(nil), cells...))
			return nil
		}
		r.rows++
		if r.rows%1000 == 0 {
			r.opts.progress(Reading, r.rows, 0)
		}
		r.handleRow(s, row, cells)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		if r.ctx.Err() != nil {
			return
		}
		r.fileError(src.file, src.sheet, err)
	}
	if sp == nil && !s.limited && (err == nil || errors.Is(err, errStop)) {
		s.warnEmpty(r, scanned)
	}
	if sp != nil {
		sp.HeaderRow = s.headerRow
		sp.Columns = s.previewColumns()
		for _, c := range s.kind.Table.Columns() {
			if _, ok := s.cols[c]; !ok && s.requires(c) {
				sp.Missing = append(sp.Missing, c)
			}
		}
	}
	s.warnFractions(r)
}

// warnEmpty says when a sheet gave nothing: an error when it has text but
// no header was found in it, a warning when it is empty. A header without
// rows is fine: it is how the template comes.
func (s *sheet) warnEmpty(r *reader, scanned int) {
	at := Issue{File: s.src.file, Sheet: s.src.sheet}
	switch {
	case s.header == nil && scanned > 0 && scanned < headerScanRows:
		at.Message = fmt.Sprintf("no header row found: expected headers such as %s", strings.Join(s.kind.Table.Columns(), ", "))
		r.rep.errorf(at)
	case s.header == nil && scanned == 0:
		at.Message = "the sheet is empty; nothing was read from it"
		r.rep.warnf(at)
	}
}

func (s *sheet) afterHeader(sp *SheetPreview) error {
	if s.broken && sp == nil {
		return errStop
	}
	return nil
}

func isEmpty(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

func letters(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = columnLetter(i)
	}
	return out
}

// columnFor returns what a header means in this sheet: a canonical column,
// ignoreColumn, or "".
func (s *sheet) columnFor(r *reader, header string) string {
	if c := r.opts.Mapping.column(s.mapping, header); c != "" {
		return c
	}
	return headerColumn(s.kind, header)
}

func (s *sheet) looksLikeHeader(r *reader, cells []string) bool {
	for _, c := range cells {
		if c != "" {
			if col := s.columnFor(r, c); col != "" && col != ignoreColumn {
				return true
			}
		}
	}
	return false
}

// requires reports whether a column must be present in this sheet; a
// preset link type makes the type column optional.
func (s *sheet) requires(col string) bool {
	if col == "type" && s.kind.LinkType != "" {
		return false
	}
	if col == "restrictive" && s.kind.Table == Countries {
		_, status := s.cols["status"]
		_, score := s.cols["score"]
		return !status && !score // the policy's country rule reads them
	}
	return s.kind.Table.Required(col)
}

func (s *sheet) setHeader(r *reader, row int, cells []string) {
	s.headerRow = row
	s.rep.HeaderRow = row
	s.header = append([]string(nil), cells...)
	s.cols = map[string]int{}
	seen := map[string]int{}
	for i, h := range s.header {
		if h == "" {
			continue
		}
		at := Issue{File: s.src.file, Sheet: s.src.sheet, Row: row, Column: columnLetter(i), Header: h}
		if s.mapping.NoHeader {
			at.Row = 0
		}
		if j, dup := seen[norm(h)]; dup && !s.mapping.NoHeader {
			at.Message = fmt.Sprintf("duplicate header %q: columns %s and %s", h, columnLetter(j), columnLetter(i))
			r.rep.errorf(at)
			s.broken = true
			continue
		}
		seen[norm(h)] = i
		col := s.columnFor(r, h)
		switch {
		case col == ignoreColumn:
		case col == "":
			if !s.mapping.NoHeader {
				at.Message = fmt.Sprintf("column not recognised for %s; ignored (map it in a mapping file to use it)", s.kind.Table)
				r.rep.warnf(at)
			}
		default:
			if j, dup := s.cols[col]; dup {
				at.Message = fmt.Sprintf("columns %s (%s) and %s (%s) both mean %s; keep one", columnLetter(j), s.header[j], columnLetter(i), h, col)
				r.rep.errorf(at)
				s.broken = true
				continue
			}
			s.cols[col] = i
		}
	}
	for _, c := range s.kind.Table.Columns() {
		if _, ok := s.cols[c]; !ok && s.requires(c) {
			msg := fmt.Sprintf("required column %s is missing", c)
			if syn := synonymsOf(s.kind, c); len(syn) > 1 {
				msg += fmt.Sprintf(" (headers read as %s: %s)", c, strings.Join(syn, ", "))
			}
			r.rep.errorf(Issue{File: s.src.file, Sheet: s.src.sheet, Row: row, Header: c, Message: msg})
			s.broken = true
		}
	}
}

func (s *sheet) warnFractions(r *reader) {
	if s.percents >= 3 && s.fractions == s.percents {
		r.rep.warnf(s.issue(0, "percent", fmt.Sprintf("every percentage is between 0 and 1 (first at row %d): they were read as percent (0.6 is 0.6%%); if they are fractions, write 60 or 60%%, or format the cells as percentages", s.firstPercent)))
	}
}

// rowCtx is one data row being read.
type rowCtx struct {
	r     *reader
	s     *sheet
	row   int
	cells []string
	bad   bool
}

func (c *rowCtx) get(col string) string {
	idx, ok := c.s.cols[col]
	if !ok || idx >= len(c.cells) {
		return ""
	}
	v := c.cells[idx]
	if len(v) > c.r.lim.MaxCellBytes {
		c.fail(col, fmt.Sprintf("cell is %d bytes, more than the limit of %d", len(v), c.r.lim.MaxCellBytes))
		c.cells[idx] = ""
		return ""
	}
	return v
}

func (c *rowCtx) fail(col, msg string) {
	c.bad = true
	c.r.rep.errorf(c.s.issue(c.row, col, msg))
}

func (c *rowCtx) warn(col, msg string) {
	c.r.rep.warnf(c.s.issue(c.row, col, msg))
}

func (c *rowCtx) source() graph.Source {
	return graph.Source{Upload: c.r.id, File: c.s.src.file, Sheet: c.s.src.sheet, Row: c.row}
}

// need returns a required value, failing the row when it is blank.
func (c *rowCtx) need(col string) string {
	v := c.get(col)
	if v == "" {
		c.fail(col, col+" is required")
	}
	return v
}

func (c *rowCtx) date(col string) string {
	d, err := ParseDate(c.get(col), c.r.dates)
	if err != nil {
		c.fail(col, err.Error())
	}
	return d
}

// partialDate reads a date that may be a year or a month, at its precision.
func (c *rowCtx) partialDate(col string) string {
	d, err := ParsePartialDate(c.get(col), c.r.dates)
	if err != nil {
		c.fail(col, err.Error())
	}
	return d
}

// startDate reads the start of a period: a year or month means its first day.
func (c *rowCtx) startDate(col string) string { return StartOf(c.partialDate(col)) }

// endDate reads the end of a period: a year or month means its last day.
func (c *rowCtx) endDate(col string) string { return EndOf(c.partialDate(col)) }

func (c *rowCtx) country(col string) string {
	code, err := ParseCountry(c.get(col))
	if err != nil {
		c.fail(col, err.Error())
		return ""
	}
	if code != "" {
		if _, ok := c.r.countryRefs[code]; !ok {
			c.r.countryRefs[code] = c.source()
		}
	}
	return code
}

func (c *rowCtx) number(col string) *float64 {
	raw := c.get(col)
	if c.r.opts.DecimalComma || (c.r.opts.Mapping != nil && c.r.opts.Mapping.DecimalComma) {
		raw = strings.ReplaceAll(strings.ReplaceAll(raw, ".", ""), ",", ".")
	}
	v, err := ParseNumber(raw)
	if err != nil {
		c.fail(col, err.Error())
	}
	return v
}

func (c *rowCtx) ref(col string) *ref {
	v := c.get(col)
	if v == "" {
		return nil
	}
	return &ref{value: v, s: c.s, row: c.row, col: col}
}

// unnamedData warns once per column about values under an empty header.
func (c *rowCtx) unnamedData() {
	for i, v := range c.cells {
		if v == "" || c.s.unnamed[i] {
			continue
		}
		if i < len(c.s.header) && c.s.header[i] != "" {
			continue
		}
		if c.s.mapping.NoHeader {
			continue
		}
		c.s.unnamed[i] = true
		c.r.rep.warnf(Issue{File: c.s.src.file, Sheet: c.s.src.sheet, Row: c.row, Column: columnLetter(i),
			Message: "column has no header; its values are ignored"})
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
