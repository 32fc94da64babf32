// Package importertest builds hostile spreadsheets for tests: the bad-input
// corpus of SPEC §6 and the injection strings that must round-trip as data.
// Everything is generated, so no binary file is checked in; the importer,
// API and CLI tests all run the same cases.
package importertest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
)

// Cell is one cell of a hand-written worksheet, as its XML element minus
// the reference, which Workbook adds.
type Cell string

// Str is an inline-string cell.
func Str(s string) Cell {
	return Cell(`t="inlineStr"><is><t xml:space="preserve">` + escape(s) + `</t></is></c>`)
}

// Num is a number cell with the General format.
func Num(v float64) Cell { return Cell(fmt.Sprintf(`><v>%v</v></c>`, v)) }

// Date is a number cell with the built-in date format (numFmtId 14).
func Date(serial float64) Cell { return Cell(fmt.Sprintf(`s="1"><v>%v</v></c>`, serial)) }

// Formula is a formula cell; cached, when not empty, is the text value the
// spreadsheet saved with it.
func Formula(f, cached string) Cell {
	if cached == "" {
		return Cell(`><f>` + escape(f) + `</f></c>`)
	}
	return Cell(`t="str"><f>` + escape(f) + `</f><v>` + escape(cached) + `</v></c>`)
}

// Sheet is one worksheet: rows of cells (nil cells are left out) and
// merged ranges such as "A1:B1".
type Sheet struct {
	Name   string
	Rows   [][]Cell
	Merged []string
}

func escape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
	ctBase = "application/vnd.openxmlformats-officedocument.spreadsheetml."
)

// Workbook writes a minimal XLSX workbook by hand, so that a test controls
// every byte of the XML (formulas with cached values, merged cells, cells
// larger than Excel allows). Style 1 is a date format.
func Workbook(sheets ...Sheet) []byte {
	parts := map[string]string{}
	var order []string
	put := func(name, body string) {
		parts[name] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + body
		order = append(order, name)
	}
	var types, wbSheets, wbRels strings.Builder
	for i, s := range sheets {
		n := i + 1
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="%sworksheet+xml"/>`, n, ctBase)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escape(s.Name), n, n)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, n, nsRel, n)
	}
	put("[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="`+ctBase+`sheet.main+xml"/>`+
		`<Override PartName="/xl/styles.xml" ContentType="`+ctBase+`styles+xml"/>`+types.String()+`</Types>`)
	put("_rels/.rels", `<Relationships xmlns="`+nsPkg+`"><Relationship Id="rId1" Type="`+nsRel+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<workbook xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"><sheets>`+wbSheets.String()+`</sheets></workbook>`)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/>`, len(sheets)+1, nsRel)
	put("xl/_rels/workbook.xml.rels", `<Relationships xmlns="`+nsPkg+`">`+wbRels.String()+`</Relationships>`)
	put("xl/styles.xml", `<styleSheet xmlns="`+nsMain+`"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>`+
		`<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>`+
		`<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`)
	for i, s := range sheets {
		var b strings.Builder
		b.WriteString(`<worksheet xmlns="` + nsMain + `"><sheetData>`)
		for r, row := range s.Rows {
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, cell := range row {
				if cell == "" {
					continue
				}
				fmt.Fprintf(&b, `<c r="%s%d" %s`, colName(c), r+1, cell)
			}
			b.WriteString(`</row>`)
		}
		b.WriteString(`</sheetData>`)
		if len(s.Merged) > 0 {
			fmt.Fprintf(&b, `<mergeCells count="%d">`, len(s.Merged))
			for _, m := range s.Merged {
				fmt.Fprintf(&b, `<mergeCell ref="%s"/>`, m)
			}
			b.WriteString(`</mergeCells>`)
		}
		b.WriteString(`</worksheet>`)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), b.String())
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, name := range order {
		w, err := zw.Create(name)
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		_, _ = w.Write([]byte(parts[name]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

// Strs is a row of inline-string cells.
func Strs(ss ...string) []Cell {
	out := make([]Cell, len(ss))
	for i, s := range ss {
		if s != "" {
			out[i] = Str(s)
		}
	}
	return out
}
