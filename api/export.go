package api

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
)

// maxExport bounds the flags in one export.
const maxExport = 100000

var flagColumns = []string{"transaction", "date", "severity", "verdict", "status", "buyer id", "buyer", "country",
	"end-users", "effective ownership %", "reasons", "reviewer", "note"}

// flagsWorkbook writes flags as one sheet, a flag a row. Every text cell
// is neutralised: names come from uploads and must not become formulas.
func flagsWorkbook(fs []graph.Flag) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Flags"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	row := func(n int, vals ...any) error {
		for i, v := range vals {
			if s, ok := v.(string); ok {
				vals[i] = neutralise(s)
			}
		}
		return sw.SetRow(cellName(1, n), vals)
	}
	head := make([]any, len(flagColumns))
	for i, c := range flagColumns {
		head[i] = c
	}
	if err := row(1, head...); err != nil {
		return nil, err
	}
	for i, fl := range fs {
		var ends []string
		for _, x := range fl.Exposures {
			ends = append(ends, x.EndUser.Name+" ("+x.EndUser.ID+", "+strconv.Itoa(x.Hops)+")")
		}
		var owned any = ""
		if fl.EffectiveOwnership != nil {
			owned = *fl.EffectiveOwnership
		}
		if err := row(i+2, fl.TransactionID, fl.Date, string(fl.Severity), string(fl.Verdict), string(fl.Status),
			fl.Buyer.ID, fl.Buyer.Name, fl.Country, strings.Join(ends, "; "), owned,
			strings.Join(fl.Reasons, " "), fl.Reviewer, fl.Note); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
