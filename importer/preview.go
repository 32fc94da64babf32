package importer

import "context"

// Preview is what the UI's mapping step shows before an import: each
// sheet's kind, its header row and how every header was understood, and
// the first rows as read. Nothing is validated beyond the headers, and
// nothing is written.
type Preview struct {
	Upload   string         `json:"upload"`
	Sheets   []SheetPreview `json:"sheets"`
	Errors   []Issue        `json:"errors"`
	Warnings []Issue        `json:"warnings"`
}

// SheetPreview describes one sheet or CSV file.
type SheetPreview struct {
	File      string          `json:"file"`
	Sheet     string          `json:"sheet,omitempty"`
	Kind      SheetKind       `json:"kind"` // empty table: not recognised
	HeaderRow int             `json:"header_row,omitempty"`
	Columns   []ColumnPreview `json:"columns"`
	Missing   []string        `json:"missing,omitempty"` // required columns not found
	Rows      [][]string      `json:"rows"`              // the first data rows, cells as read
	// Format names the public format a file is in (OFAC SDN, BODS…): it is
	// read as that format, with no headers to map.
	Format string `json:"format,omitempty"`
}

// ColumnPreview is one header and what it was read as.
type ColumnPreview struct {
	Letter   string `json:"letter"`
	Header   string `json:"header"`
	Column   string `json:"column,omitempty"` // canonical column; empty: not recognised, ignored
	Required bool   `json:"required,omitempty"`
}

// PreviewFiles reads the sheets' structure and first n rows (10 when n
// is 0) without validating values or writing anything.
func PreviewFiles(files []File, opts Options, n int) *Preview {
	if n <= 0 {
		n = 10
	}
	var sheets []File
	var formats []SheetPreview
	for _, f := range files {
		claimed := false
		for _, fm := range opts.Formats {
			if fm.Detect(f) {
				formats = append(formats, SheetPreview{File: f.Name, Format: fm.Name(), Columns: []ColumnPreview{}, Rows: [][]string{}})
				claimed = true
				break
			}
		}
		if !claimed {
			sheets = append(sheets, f)
		}
	}
	r := newReader(context.Background(), nil, sheets, opts)
	r.preview = &Preview{Upload: UploadID(files, opts), Sheets: formats}
	r.nRows = n
	r.readFiles()
	r.preview.Errors, r.preview.Warnings = r.rep.Errors, r.rep.Warnings
	return r.preview
}

func (s *sheet) previewColumns() []ColumnPreview {
	byIdx := map[int]string{}
	for c, i := range s.cols {
		byIdx[i] = c
	}
	out := []ColumnPreview{}
	for i, h := range s.header {
		if h == "" {
			continue
		}
		c := byIdx[i]
		out = append(out, ColumnPreview{Letter: columnLetter(i), Header: h, Column: c, Required: c != "" && s.requires(c)})
	}
	return out
}
