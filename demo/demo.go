// Package demo holds hopcheck's built-in demo data: a fictional exporter,
// its distributors and resellers, owners, officers and government bodies,
// and a sales ledger that exercises every exposure rule; and, in a public
// data format, a few FollowTheMoney lines (as an OpenSanctions export has
// them) of a fictional firm, its director and its subsidiary on a
// fictional sanctions list. The entities are invented; the country scores
// are Freedom House's Freedom in the World 2023 totals, used with a demo
// threshold.
package demo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

//go:embed data/*.csv data/public/*
var data embed.FS

// Sheets lists the demo files in the order a person would fill them in.
var Sheets = []string{"countries", "organizations", "persons", "government_bodies", "links", "transactions"}

// File is one demo file: its name and contents.
type File struct {
	Name string
	Data []byte
}

// CSV returns the demo data as CSV files, one per kind.
func CSV() []File {
	files := make([]File, len(Sheets))
	for i, s := range Sheets {
		b, err := data.ReadFile(path.Join("data", s+".csv"))
		if err != nil {
			panic(err) // embedded at build time: cannot fail
		}
		files[i] = File{Name: s + ".csv", Data: b}
	}
	return files
}

// Public returns the demo files in public data formats. They are an
// upload of their own (a public format is never uploaded with
// spreadsheets), and no spreadsheet row names their entities, so they load
// in either order.
func Public() []File {
	entries, err := data.ReadDir("data/public")
	if err != nil {
		panic(err) // embedded at build time: cannot fail
	}
	var files []File
	for _, e := range entries {
		b, err := data.ReadFile(path.Join("data/public", e.Name()))
		if err != nil {
			panic(err)
		}
		files = append(files, File{Name: e.Name(), Data: b})
	}
	return files
}

// Workbook returns the demo data as one XLSX workbook, one sheet per kind,
// written as a person's spreadsheet would be: dates as Excel date cells
// (shown day/month/year), ownership shares as percentage cells, numbers
// as numbers.
func Workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return nil, err
	}
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	for i, file := range CSV() {
		sheet := strings.ReplaceAll(strings.TrimSuffix(file.Name, ".csv"), "_", " ")
		sheet = strings.ToUpper(sheet[:1]) + sheet[1:]
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		rows, err := csv.NewReader(bytes.NewReader(file.Data)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("demo %s: %w", file.Name, err)
		}
		header := rows[0]
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := setCell(f, sheet, cell, header[c], v, r == 0, dateStyle, pctStyle); err != nil {
					return nil, err
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func setCell(f *excelize.File, sheet, cell, column, v string, header bool, dateStyle, pctStyle int) error {
	if header || v == "" {
		return f.SetCellStr(sheet, cell, v)
	}
	switch column {
	case "date", "valid_from", "valid_to", "founded":
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, cell, t); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, dateStyle)
	case "percent":
		n, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil {
			return err
		}
		if err := f.SetCellFloat(sheet, cell, n/100, -1, 64); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, cell, cell, pctStyle)
	case "quantity", "value", "score":
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return err
		}
		return f.SetCellFloat(sheet, cell, n, -1, 64)
	}
	return f.SetCellStr(sheet, cell, v)
}

func ptr[T any](v T) *T { return &v }
