package importer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// errStop ends a row walk early without an error.
var errStop = errors.New("stop")

// sheetSource is one sheet of a workbook, or one CSV file, as a stream of
// rows: row is the 1-based spreadsheet row (the line for CSV) and cells
// are untrimmed texts, XLSX dates as YYYY-MM-DD and percentages as "60%".
type sheetSource struct {
	file  string
	sheet string // "" for CSV
	name  string // what tells the kind: the sheet name, or the CSV file name without extension
	each  func(fn func(row int, cells []string) error) error
	// encoding is a CSV file's: UTF-8, UTF-16 or Windows-1252.
	encoding string
}

// fileError is a problem with a whole file (corrupt, too large, bad CSV).
type fileError struct {
	sheet string
	row   int
	msg   string
}

func (e *fileError) Error() string { return e.msg }

// isXLSX tells workbooks from CSV by extension, then by the zip signature.
func isXLSX(f File) bool {
	switch strings.ToLower(path.Ext(f.Name)) {
	case ".xlsx", ".xlsm":
		return true
	case ".csv", ".tsv", ".txt":
		return false
	}
	return bytes.HasPrefix(f.Data, []byte("PK\x03\x04"))
}

// OpenXLSX opens an XLSX workbook within the limits: the zip's declared
// and actual sizes, every part that excelize holds in memory (all but the
// worksheets, which it streams from temporary files), and the shared
// strings by size and count, all checked before excelize reads anything.
// The caller closes the file, which removes its temporary files. Errors
// are plain sentences for the person who uploaded the file.
func OpenXLSX(data []byte, lim Limits) (*excelize.File, error) {
	lim = lim.withDefaults()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &fileError{msg: fmt.Sprintf("not a readable XLSX workbook (%v); save it again as .xlsx or export CSV", err)}
	}
	var total uint64
	hasWorkbook := false
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if strings.EqualFold(zf.Name, "xl/workbook.xml") {
			hasWorkbook = true
		}
	}
	if total > uint64(lim.MaxUnzipBytes) {
		return nil, &fileError{msg: fmt.Sprintf("workbook unpacks to %d bytes, more than the limit of %d", total, lim.MaxUnzipBytes)}
	}
	if !hasWorkbook {
		return nil, &fileError{msg: "not an XLSX workbook (a zip file without xl/workbook.xml)"}
	}
	// Read every part once before excelize does: the zip reader checks the
	// sizes the directory declares (a bomb may lie about them) and the
	// checksums, which excelize would let pass as a short or empty sheet.
	for _, zf := range zr.File {
		if err := checkZipEntry(zf); err != nil {
			return nil, &fileError{msg: fmt.Sprintf("the workbook is damaged: part %s: %v; save it again as .xlsx or export CSV", zf.Name, err)}
		}
	}
	for _, zf := range zr.File {
		if err := checkPart(zf, lim); err != nil {
			return nil, err
		}
	}
	xf, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(lim.MaxUnzipBytes, lim.MaxInMemoryXML),
	})
	if err != nil {
		return nil, &fileError{msg: fmt.Sprintf("cannot open the workbook: %v", err)}
	}
	return xf, nil
}

// checkPart bounds what excelize would hold of one part: the shared
// strings by size and count (excelize decodes them whole, at about 200
// bytes a string), every other part but the worksheets by size. The
// directory's sizes were checked against the data by checkZipEntry.
func checkPart(zf *zip.File, lim Limits) error {
	name := strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))
	size := zf.UncompressedSize64
	switch {
	case strings.HasPrefix(name, "xl/worksheets/") && !strings.Contains(name, "/_rels/"):
		return nil // streamed from a temporary file above MaxInMemoryXML
	case name == "xl/sharedstrings.xml":
		if size > uint64(lim.MaxSharedStringsBytes) {
			return &fileError{msg: fmt.Sprintf("the workbook's shared strings unpack to %d bytes, more than the limit of %d; split the workbook or export CSV", size, lim.MaxSharedStringsBytes)}
		}
		n, err := countSharedStrings(zf, lim.MaxSharedStrings)
		if err != nil {
			return &fileError{msg: fmt.Sprintf("the workbook is damaged: part %s: %v; save it again as .xlsx or export CSV", zf.Name, err)}
		}
		if n > lim.MaxSharedStrings {
			return &fileError{msg: fmt.Sprintf("the workbook has more than %d shared strings; split the workbook or export CSV", lim.MaxSharedStrings)}
		}
		return nil
	}
	if size > uint64(lim.MaxPartBytes) {
		return &fileError{msg: fmt.Sprintf("part %s of the workbook unpacks to %d bytes, more than the limit of %d for a part that is read whole", zf.Name, size, lim.MaxPartBytes)}
	}
	return nil
}

// countSharedStrings counts the <si> elements of the shared strings as a
// stream, stopping once there are more than limit.
func countSharedStrings(zf *zip.File, limit int) (int, error) {
	rc, err := zf.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	n := 0
	for n <= limit {
		tok, err := d.RawToken()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			n++
		}
	}
	return n, nil
}

// openWorkbook opens an XLSX workbook within the limits and prepares its
// number formats so that streamed cells read unambiguously (see
// prepareStyles). The caller closes the file.
func openWorkbook(f File, lim Limits) (*excelize.File, []sheetSource, error) {
	xf, err := OpenXLSX(f.Data, lim)
	if err != nil {
		return nil, nil, err
	}
	if err := prepareStyles(xf); err != nil {
		_ = xf.Close()
		return nil, nil, &fileError{msg: fmt.Sprintf("cannot read the workbook's styles: %v", err)}
	}
	var sheets []sheetSource
	for _, name := range xf.GetSheetList() {
		sheet := name
		sheets = append(sheets, sheetSource{file: f.Name, sheet: sheet, name: sheet, each: func(fn func(int, []string) error) error {
			rows, err := xf.Rows(sheet)
			if err != nil {
				return &fileError{sheet: sheet, msg: fmt.Sprintf("cannot read the sheet: %v", err)}
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
				cells, err := rows.Columns()
				if err != nil {
					return &fileError{sheet: sheet, row: n, msg: fmt.Sprintf("cannot read the row: %v", err)}
				}
				if err := fn(n, cells); err != nil {
					return err
				}
			}
			if err := rows.Error(); err != nil {
				return &fileError{sheet: sheet, row: n, msg: fmt.Sprintf("cannot read the sheet: %v", err)}
			}
			return nil
		}})
	}
	return xf, sheets, nil
}

func checkZipEntry(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// prepareStyles rewrites the workbook's number formats in memory so that
// excelize's formatted cell values say what the cell is: every date or time
// format becomes yyyy-mm-dd (so a date cell reads "2024-03-04", never the
// ambiguous "3/4/24"), every percentage format becomes 0.0000% (0.6 reads
// "60.0000%"), and every other number format becomes General (the raw
// number, without rounding or currency signs). Text formats are untouched.
// Formula cells keep their cached value: excelize never evaluates them here.
func prepareStyles(xf *excelize.File) error {
	if _, err := xf.GetStyle(0); err != nil || xf.Styles == nil || xf.Styles.CellXfs == nil {
		return nil // no styles: every cell reads as written
	}
	custom := map[int]string{}
	if xf.Styles.NumFmts != nil {
		for _, nf := range xf.Styles.NumFmts.NumFmt {
			if nf != nil {
				custom[nf.NumFmtID] = nf.FormatCode
			}
		}
	}
	n := len(xf.Styles.CellXfs.Xf)
	dateCode, pctCode := "yyyy-mm-dd", "0.0000%"
	ds, err := xf.NewStyle(&excelize.Style{CustomNumFmt: &dateCode})
	if err != nil {
		return err
	}
	ps, err := xf.NewStyle(&excelize.Style{CustomNumFmt: &pctCode})
	if err != nil {
		return err
	}
	dateFmt := xf.Styles.CellXfs.Xf[ds].NumFmtID
	pctFmt := xf.Styles.CellXfs.Xf[ps].NumFmtID
	general := 0
	for i := 0; i < n; i++ {
		x := &xf.Styles.CellXfs.Xf[i]
		if x.NumFmtID == nil {
			continue
		}
		id := *x.NumFmtID
		code, isCustom := custom[id]
		switch {
		case id == 0 || id == 49 || (isCustom && strings.TrimSpace(code) == "@"):
		case isDateFormat(id, code, isCustom):
			x.NumFmtID = dateFmt
		case id == 9 || id == 10 || (isCustom && strings.Contains(stripFormatLiterals(code), "%")):
			x.NumFmtID = pctFmt
		default:
			x.NumFmtID = &general
		}
	}
	return nil
}

func isDateFormat(id int, code string, isCustom bool) bool {
	if !isCustom {
		return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
	}
	return strings.ContainsAny(strings.ToLower(stripFormatLiterals(code)), "ydmhs")
}

// stripFormatLiterals drops quoted text, escaped characters and bracketed
// sections ([Red], [$€-407]) from a number format code.
func stripFormatLiterals(code string) string {
	var b strings.Builder
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			inQuote = c != '"'
		case inBracket:
			inBracket = c != ']'
		case c == '"':
			inQuote = true
		case c == '[':
			inBracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// decodeText returns CSV bytes as UTF-8: UTF-8 with or without BOM,
// UTF-16 with BOM, otherwise Windows-1252.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", fmt.Errorf("broken UTF-16 text: %v", err)
		}
		return string(out), "UTF-16", nil
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// On the first line it is the whole file (UTF-16 without BOM); later, a row.
		line := bytes.Count(data[:i], []byte("\n")) + 1
		if line == 1 {
			line = 0
		}
		return "", "", &fileError{row: line,
			msg: "the file contains NUL bytes: UTF-16 without a byte-order mark, or not a text file; save it as CSV UTF-8"}
	}
	if utf8.Valid(data) {
		// The data itself, not a copy (a file of links at a million rows
		// is 143 MB): the importer never changes a File's Data, and the
		// CSV reader copies the values it gives.
		return unsafe.String(unsafe.SliceData(data), len(data)), "UTF-8", nil
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fmt.Errorf("text in an unknown encoding: %v", err)
	}
	return string(out), "Windows-1252", nil
}

// detectDelimiter picks ',', ';' or tab: the one found most often outside
// quotes in the first lines.
func detectDelimiter(text string) rune {
	counts := map[rune]int{}
	lines, inQuote := 0, false
	for _, r := range text {
		switch {
		case r == '"':
			inQuote = !inQuote
		case inQuote:
		case r == '\n':
			lines++
		case r == ',' || r == ';' || r == '\t':
			counts[r]++
		}
		if lines >= 5 {
			break
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// csvSource reads one CSV file.
func csvSource(f File) (sheetSource, error) {
	text, enc, err := decodeText(f.Data)
	var fe *fileError
	if errors.As(err, &fe) {
		return sheetSource{}, fe
	}
	if err != nil {
		return sheetSource{}, &fileError{msg: err.Error()}
	}
	if !strings.Contains(text, "\n") {
		// Classic Mac OS line ends: a lone CR ends each line.
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	base := path.Base(strings.ReplaceAll(f.Name, "\\", "/"))
	name := strings.TrimSuffix(base, path.Ext(base))
	return sheetSource{file: f.Name, name: name, encoding: enc, each: func(fn func(int, []string) error) error {
		r := csv.NewReader(strings.NewReader(text))
		r.Comma = detectDelimiter(text)
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return &fileError{row: pe.StartLine, msg: fmt.Sprintf("malformed CSV at line %d: %v", pe.Line, pe.Err)}
				}
				return &fileError{msg: fmt.Sprintf("malformed CSV: %v", err)}
			}
			line, _ := r.FieldPos(0)
			if err := fn(line, rec); err != nil {
				return err
			}
		}
	}}, nil
}
