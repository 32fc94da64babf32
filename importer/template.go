package importer

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/graph"
)

// templateSheets names the template's sheets, one per table.
var templateSheets = map[Table]string{
	Organizations: "Organizations", Persons: "Persons", GovernmentBodies: "Government Bodies",
	Countries: "Countries", Links: "Links", Transactions: "Transactions", Listings: "Listings",
	Identity: "Identity",
}

var templateNotes = map[Table]string{
	Organizations:    "One row per company. Columns marked * are required. Leave id blank to get one from country and name. Aliases separated by ; . Country: ISO code or English name. Dates: YYYY-MM-DD.",
	Persons:          "One row per person. Columns marked * are required. Leave id blank to get one from country and name. Aliases separated by ; .",
	GovernmentBodies: "One row per government body. Columns marked * are required. Parent: id or name of the body this one belongs to. Restrictive: yes, no or blank (follow the country).",
	Countries:        "One row per country assessment, per year or without one. Country: ISO code or English name. Restrictive: yes or no, or blank with a Freedom in the World status (F, PF, NF) or score. Score: a number.",
	Links:            "One row per relationship, from → to. From and to: an id or a name. Percent (owns only): 60 or 60%. Dates: YYYY-MM-DD, or YYYY or YYYY-MM (valid_from: first day, valid_to: last day). Evidence: where this is stated.",
	Listings:         "One row per listing of an entity on a sanctions or export-control list. Entity: an id or a name. List: its id (us_ofac_sdn, eu_fsf…) or name. Dates: YYYY-MM-DD, YYYY or YYYY-MM.",
	Identity:         "One row per identity decision on two records. A and b: an id or a name. Decision: same (one party; SAME_AS) or not_same (two parties; NOT_SAME_AS). Decided at: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; blank: the upload's time. Decided by: blank: the uploader.",
	Transactions:     "One row per sale. Buyer, seller and end user: an id or a name. Ship to: ISO code or English name. Capability: free text; the list offers the guidance's categories.",
}

// templateRows is how far down the template's dropdowns reach.
const templateRows = 5000

// Template writes an XLSX workbook with one sheet per table: a notes row,
// then the canonical headers (required ones marked "*", which the reader
// accepts) and dropdowns for the enumerations. It imports back empty
// without errors.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	notes, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	if err != nil {
		return err
	}
	lists := map[string][]string{
		"role": Roles, "kind": BodyKinds, "type": LinkNames, "restrictive": yesNoNames, "capability": graph.CapabilityCategories,
		"decision": {string(graph.Same), string(graph.NotSame)},
	}
	for i, t := range Tables {
		name := templateSheets[t]
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := f.SetCellStr(name, "A1", templateNotes[t]); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, "A1", "A1", notes); err != nil {
			return err
		}
		for j, c := range t.Columns() {
			col := columnLetter(j)
			h := c
			if t.Required(c) {
				h += "*"
			}
			if err := f.SetCellStr(name, col+"2", h); err != nil {
				return err
			}
			if err := f.SetColWidth(name, col, col, float64(max(14, len(h)+4))); err != nil {
				return err
			}
			if list, ok := lists[c]; ok && !(t == Countries && c == "name") {
				dv := excelize.NewDataValidation(true)
				dv.Sqref = fmt.Sprintf("%s3:%s%d", col, col, templateRows)
				if err := dv.SetDropList(list); err != nil {
					return err
				}
				// Capability is free text: the list suggests, it does not restrict.
				dv.ShowErrorMessage = c != "capability"
				if err := f.AddDataValidation(name, dv); err != nil {
					return err
				}
			}
		}
		last := columnLetter(len(t.Columns()) - 1)
		if err := f.SetCellStyle(name, "A2", last+"2", bold); err != nil {
			return err
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// TemplateHeaders returns the template's header row of a table, for docs
// and tests.
func TemplateHeaders(t Table) []string {
	var out []string
	for _, c := range t.Columns() {
		if t.Required(c) {
			c += "*"
		}
		out = append(out, c)
	}
	return out
}
