package gen

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// maxSheetRows is the most rows an XLSX sheet holds, header included.
const maxSheetRows = 1_048_576

// workbook is hopcheck.xlsx under construction: one streamed sheet per kind
// of row, each cell a string, as a spreadsheet export would have them.
type workbook struct {
	f      *excelize.File
	sheets []*sheetWriter
}

type sheetWriter struct {
	name string
	sw   *excelize.StreamWriter
	n    int
	buf  []any
}

func newWorkbook() (*workbook, error) { return &workbook{f: excelize.NewFile()}, nil }

func (b *workbook) sheet(name string) (*sheetWriter, error) {
	if len(b.sheets) == 0 {
		if err := b.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := b.f.NewSheet(name); err != nil {
		return nil, err
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	s := &sheetWriter{name: name, sw: sw}
	b.sheets = append(b.sheets, s)
	return s, nil
}

func (s *sheetWriter) row(cells []string) error {
	if s.n == maxSheetRows {
		return fmt.Errorf("sheet %q: more than %d rows do not fit in an XLSX sheet; write CSV only at this scale", s.name, maxSheetRows)
	}
	s.n++
	s.buf = s.buf[:0]
	for _, c := range cells {
		s.buf = append(s.buf, c)
	}
	cell, err := excelize.CoordinatesToCellName(1, s.n)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.buf)
}

func (b *workbook) save(path string) error {
	for _, s := range b.sheets {
		if err := s.sw.Flush(); err != nil {
			return err
		}
	}
	return b.f.SaveAs(path)
}

func (b *workbook) close() { _ = b.f.Close() }
