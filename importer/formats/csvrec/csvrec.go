// Package csvrec reads the CSV records of the public formats (the CSL, the
// EU Official Journal, OFAC, OpenSanctions' source files, the Denied
// Persons List, Freedom in the World, the Surveillance Industry Index) the
// one way they all need: a BOM dropped, quotes read leniently, each record
// with the line it starts on, a header indexed by name, and a file that
// ends inside a record (a cut-off download) an error naming the file and
// the line rather than a short record read as if whole.
package csvrec

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hopcheck/hopcheck/importer"
)

// Options say how a file's records are written.
type Options struct {
	Comma rune // the field delimiter; ',' when 0
	// Header: the first record names the columns. Every other record must
	// have as many fields: one that has not is an error (the file is cut
	// off, or not the layout its header says).
	Header bool
}

// Header indexes a header's columns by name, trimmed and in lower case.
type Header struct {
	names []string
	index map[string]int
}

// NewHeader indexes the header names; of a repeated name the first counts.
func NewHeader(names []string) Header {
	h := Header{names: append([]string(nil), names...), index: map[string]int{}}
	for i, n := range names {
		k := key(n)
		if _, ok := h.index[k]; !ok {
			h.index[k] = i
		}
	}
	return h
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Has reports whether the header has every one of the columns.
func (h Header) Has(cols ...string) bool {
	for _, c := range cols {
		if _, ok := h.index[key(c)]; !ok {
			return false
		}
	}
	return true
}

// Names are the header's columns as written.
func (h Header) Names() []string { return h.names }

// Record is one record of a file, with the line it starts on (1-based, so
// the header is line 1).
type Record struct {
	File   string
	Line   int
	Fields []string // valid only during the call that receives the record
	Header Header   // empty without Options.Header
}

// Get returns the record's field in column col, trimmed; "" when the
// header has no such column.
func (r Record) Get(col string) string {
	if i, ok := r.Header.index[key(col)]; ok && i < len(r.Fields) {
		return strings.TrimSpace(r.Fields[i])
	}
	return ""
}

// Issue is a problem of the record, in column col when col is not "": the
// file, the line, and the column's letter and header.
func (r Record) Issue(col, msg string) importer.Issue {
	is := importer.Issue{File: r.File, Row: r.Line, Message: msg}
	if i, ok := r.Header.index[key(col)]; ok {
		is.Column, is.Header = importer.ColumnLetter(i), r.Header.names[i]
	} else if col != "" {
		is.Header = col
	}
	return is
}

// ReadHeader returns the first record of data, for a Detect that looks at
// the header.
func ReadHeader(data []byte, comma rune) ([]string, error) {
	return reader(trimBOM(data), comma).Read()
}

func trimBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) }

func reader(data []byte, comma rune) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	if comma != 0 {
		r.Comma = comma
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return r
}

// Each calls fn with every record of file's data, after the header when
// Options.Header, in order, until the end or fn's error. It checks ctx
// every few thousand records. Its errors are importer.Issue values naming
// the file and the line: a record that cannot be parsed, one of another
// width than the header, and a last record the data ends inside of (no
// final newline, and fields missing or a quote left open).
func Each(ctx context.Context, file string, data []byte, opts Options, fn func(Record) error) error {
	data = trimBOM(data)
	r := reader(data, opts.Comma)
	rec := Record{File: file}
	if opts.Header {
		h, err := r.Read()
		if errors.Is(err, io.EOF) {
			return importer.Issue{File: file, Row: 1, Message: "the file is empty: no header"}
		}
		if err != nil {
			return parseIssue(file, err)
		}
		rec.Header = NewHeader(h)
	}
	for n := 1; ; n++ {
		start := r.InputOffset()
		fields, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return parseIssue(file, err)
		}
		if n%5000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec.Line, _ = r.FieldPos(0)
		rec.Fields = fields
		width := len(rec.Header.names)
		if r.InputOffset() == int64(len(data)) && cutOff(data[start:], len(fields), width) {
			return importer.Issue{File: file, Row: rec.Line, Message: fmt.Sprintf(
				"the file ends inside this record (%d fields of %d read): it is cut off; nothing of it was read", len(fields), max(width, len(fields)))}
		}
		if opts.Header && len(fields) != width {
			return importer.Issue{File: file, Row: rec.Line, Message: fmt.Sprintf(
				"the record has %d fields, the header %d: the file is not the layout its header says", len(fields), width)}
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}

// cutOff tells whether the last record's text stops mid-way: it has no
// final newline and either lacks fields or leaves a quote open.
func cutOff(last []byte, fields, width int) bool {
	if bytes.HasSuffix(last, []byte("\n")) || bytes.HasSuffix(last, []byte("\r")) {
		return false
	}
	return fields < width || bytes.Count(last, []byte(`"`))%2 == 1
}

func parseIssue(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		is := importer.Issue{File: file, Row: pe.Line, Message: pe.Err.Error()}
		if pe.Column > 0 {
			is.Message = fmt.Sprintf("%s (at character %d)", is.Message, pe.Column)
		}
		return is
	}
	return importer.Issue{File: file, Message: err.Error()}
}

// Rows reads the records of every file into one importer.FormatRows:
// fn adds what a record states (and counts it in Records). It stops at the
// first error of Each.
func Rows(ctx context.Context, files []importer.File, opts Options, fn func(Record, *importer.FormatRows)) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	for _, f := range files {
		err := Each(ctx, f.Name, f.Data, opts, func(rec Record) error {
			fn(rec, &rows)
			return nil
		})
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// ListedDates reads a listing's dates from columns fromCol and toCol
// (partial dates kept as SPEC §2 says: a start its first day, an end its
// last). A value that is not a date, or an end before the start, is left
// out with a warning in rows naming the cell.
func ListedDates(rec Record, fromCol, toCol string, format importer.DateFormat, rows *importer.FormatRows) (from, to string) {
	read := func(col string) string {
		d, err := importer.ParsePartialDate(rec.Get(col), format)
		if err != nil {
			rows.Warnings = append(rows.Warnings, rec.Issue(col, err.Error()+"; date left out"))
			return ""
		}
		return d
	}
	from, to = importer.StartOf(read(fromCol)), importer.EndOf(read(toCol))
	if to != "" && to < from {
		rows.Warnings = append(rows.Warnings, rec.Issue(toCol, fmt.Sprintf("the end date %s is before the start date %s; end date left out", to, from)))
		to = ""
	}
	return from, to
}

// Layout is a format of one CSV file told by the columns of its header
// (OpenSanctions' source files, the Surveillance Industry Index), not by
// its name.
type Layout struct {
	Name   string
	Header []string // the columns that tell it
	Read   func(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error)
}

// Layouts returns the formats of the layouts, in the order given: the
// order they are tried.
func Layouts(ls ...Layout) []importer.Format {
	out := make([]importer.Format, len(ls))
	for i, l := range ls {
		out[i] = layoutFormat{l}
	}
	return out
}

type layoutFormat struct{ l Layout }

// Name implements importer.Format.
func (f layoutFormat) Name() string { return f.l.Name }

// Detect implements importer.Format: the header has the layout's columns.
func (f layoutFormat) Detect(file importer.File) bool {
	h, err := ReadHeader(file.Data, 0)
	return err == nil && NewHeader(h).Has(f.l.Header...)
}

// Read implements importer.Format.
func (f layoutFormat) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	return f.l.Read(ctx, upload, files)
}
