package api

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
)

// maxExport bounds the flags in one export.
const maxExport = 100000

var flagColumns = []string{"transaction", "date", "severity", "verdict", "status", "buyer id", "buyer", "country",
	"seller id", "seller", "declared end-user id", "declared end-user", "product", "capability", "capability categories",
	"value", "currency", "end-users", "effective ownership %", "reasons", "reviewer", "note", "assignee", "pending clear", "evaluated at", "evidence upload", "history"}

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
		if err := row(i+2, flagRow(fl)...); err != nil {
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

// flagRow is a flag's cells in the order of flagColumns.
func flagRow(fl graph.Flag) []any {
	var ends []string
	for _, x := range fl.Exposures {
		ends = append(ends, x.EndUser.Name+" ("+x.EndUser.ID+", "+strconv.Itoa(x.Hops)+")")
	}
	var owned, value any = "", ""
	if t := fl.OwnershipText(); t != "" && !strings.Contains(t, "unknown") {
		owned = *fl.EffectiveOwnership // a number the spreadsheet can sum
	} else {
		owned = t
	}
	if fl.Value != nil {
		value = *fl.Value
	}
	party := func(r *graph.Ref) (string, string) {
		if r == nil {
			return "", ""
		}
		return r.ID, r.Name
	}
	sellerID, seller := party(fl.Seller)
	endUserID, endUser := party(fl.EndUser)
	return []any{fl.TransactionID, fl.Date, string(fl.Severity), string(fl.Verdict), string(fl.Status),
		fl.Buyer.ID, fl.Buyer.Name, fl.Country, sellerID, seller, endUserID, endUser, fl.Product, fl.Capability,
		strings.Join(fl.Capabilities, "; "), value, fl.Currency, strings.Join(ends, "; "), owned,
		strings.Join(fl.Reasons, " "), fl.Reviewer, fl.Note, fl.Assignee, pendingText(fl.PendingClear),
		evaluatedText(fl), fl.EvidenceUpload, historyText(fl.History)}
}

// flagsCSV writes flags as CSV with the workbook's columns, every cell
// neutralised.
func flagsCSV(fs []graph.Flag) []byte {
	var b bytes.Buffer
	put := func(vals []any) {
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			cell := fmt.Sprint(v)
			if f, ok := v.(float64); ok {
				cell = strconv.FormatFloat(f, 'f', -1, 64)
			}
			b.WriteString(csvField(neutralise(cell), ','))
		}
		b.WriteString("\r\n")
	}
	head := make([]any, len(flagColumns))
	for i, c := range flagColumns {
		head[i] = c
	}
	put(head)
	for _, fl := range fs {
		put(flagRow(fl))
	}
	return b.Bytes()
}

// historyText writes a flag's history for a cell, an entry a line, oldest
// first: every decision, approval, comment and reopening with its note.
func historyText(hs []graph.HistoryEntry) string {
	lines := make([]string, len(hs))
	for i, h := range hs {
		action := h.Action
		if action == "" {
			action = graph.ActionReview
		}
		line := h.At.UTC().Format(time.RFC3339) + " " + h.By + " " + action + " → " + string(h.Status)
		if h.Assignee != "" {
			line += " (to " + h.Assignee + ")"
		}
		if h.Note != "" {
			line += ": " + h.Note
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

func pendingText(a *graph.Approval) string {
	if a == nil {
		return ""
	}
	return a.By + " at " + a.At.UTC().Format(time.RFC3339) + ": " + a.Note
}

func evaluatedText(f graph.Flag) string {
	if f.EvaluatedAt.IsZero() {
		return ""
	}
	return f.EvaluatedAt.UTC().Format(time.RFC3339)
}
