// Package fiw reads Freedom House's Freedom in the World as CSV: the
// 2013–2023 "All Data" table (Country/Territory, Region, C/T, Edition,
// Status, …, Total: one row per country and edition) or a single-year
// table (Country/Territory, Total). Each row is one assessment of its
// country: the edition its year, the status (F, PF, NF) and total score
// its basis, restrictive derived by the policy's country_rule, as the
// spreadsheet countries path derives it from the same columns.
package fiw

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// Format is the Freedom in the World reader; Rule derives restrictive
// (nil: the default policy's rule).
type Format struct{ Rule *graph.CountryRule }

// Name implements importer.Format.
func (Format) Name() string { return "Freedom in the World" }

// WithCountryRule implements importer.CountryFormat.
func (f Format) WithCountryRule(r graph.CountryRule) importer.Format {
	f.Rule = &r
	return f
}

// Detect implements importer.Format: Freedom House's Country/Territory
// and Total columns.
func (Format) Detect(f importer.File) bool {
	h, err := csvrec.ReadHeader(f.Data, 0)
	return err == nil && csvrec.NewHeader(h).Has("country/territory", "total")
}

type stated struct {
	a   graph.CountryAssessment
	row int
}

// Read implements importer.Format.
func (f Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rule := graph.DefaultPolicy().CountryRule
	if f.Rule != nil {
		rule = *f.Rule
	}
	byCode := map[string][]stated{}
	var codes []string
	warned := map[string]bool{} // files warned of scores the rule cannot judge
	rows, err := csvrec.Rows(ctx, files, csvrec.Options{Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		rows.Records[rec.File]++
		if !warned[rec.File] && !rec.Header.Has("status") && rule.RestrictiveBelow == nil {
			warned[rec.File] = true
			rows.Warnings = append(rows.Warnings, rec.Issue("total", "scores without a status: the country_rule has no restrictive_below, so it finds no country restrictive by score"))
		}
		code, a, ok := assessment(rec, rule, upload, rows)
		if !ok {
			return
		}
		for _, s := range byCode[code] {
			if s.a.Year != a.Year {
				continue
			}
			x, y := s.a, a
			x.Source, y.Source = graph.Source{}, graph.Source{}
			if !same(x, y) {
				rows.Issues = append(rows.Issues, rec.Issue("country/territory",
					fmt.Sprintf("%s%s is also assessed differently at row %d", code, inYear(a.Year), s.row)))
			}
			return
		}
		if byCode[code] == nil {
			codes = append(codes, code)
		}
		byCode[code] = append(byCode[code], stated{a, rec.Line})
	})
	if err != nil {
		return rows, err
	}
	for _, code := range codes {
		c := graph.Country{Code: code, Name: importer.CountryName(code)}
		for _, s := range byCode[code] {
			c.Assessments = append(c.Assessments, s.a)
		}
		sort.SliceStable(c.Assessments, func(i, j int) bool { return c.Assessments[i].Year < c.Assessments[j].Year })
		c.Source = c.Assessments[len(c.Assessments)-1].Source // the latest assessment's row
		rows.Countries = append(rows.Countries, c)
	}
	return rows, nil
}

func inYear(y int) string {
	if y == 0 {
		return ""
	}
	return fmt.Sprintf(" in %d", y)
}

func same(a, b graph.CountryAssessment) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Year == b.Year && a.Basis == b.Basis && eq(a.Score, b.Score) &&
		(a.Restrictive == nil) == (b.Restrictive == nil) && (a.Restrictive == nil || *a.Restrictive == *b.Restrictive)
}

// assessment reads one row; a territory without an ISO code (Abkhazia) is
// skipped with a warning, a country the importer does not know or a value
// that is not one is an error naming the cell.
func assessment(rec csvrec.Record, rule graph.CountryRule, upload string, rows *importer.FormatRows) (string, graph.CountryAssessment, bool) {
	fail := func(col, msg string) (string, graph.CountryAssessment, bool) {
		rows.Issues = append(rows.Issues, rec.Issue(col, msg))
		return "", graph.CountryAssessment{}, false
	}
	name := rec.Get("country/territory")
	if name == "" {
		return fail("country/territory", "a row without a country or territory")
	}
	code, err := importer.ParseCountry(name)
	if err != nil {
		ct := strings.ToLower(rec.Get("c/t"))
		if ct == "t" || !rec.Header.Has("c/t") {
			what := "territory"
			if ct != "t" {
				what = "country or territory"
			}
			rows.Warnings = append(rows.Warnings, rec.Issue("country/territory", fmt.Sprintf("%s %q has no ISO 3166 code; row skipped", what, name)))
			return "", graph.CountryAssessment{}, false
		}
		return fail("country/territory", err.Error())
	}
	year := 0
	if raw := rec.Get("edition"); raw != "" {
		y, err := strconv.Atoi(strings.TrimSuffix(raw, ".0"))
		if err != nil || y < 1800 || y > 2200 {
			return fail("edition", fmt.Sprintf("edition %q is not a year such as 2023", raw))
		}
		year = y
	}
	status := strings.ToUpper(rec.Get("status"))
	switch status {
	case "", "F", "PF", "NF":
	default:
		return fail("status", fmt.Sprintf("status %q is not a Freedom in the World status (F, PF or NF)", rec.Get("status")))
	}
	var score *float64
	if raw := rec.Get("total"); raw != "" && !strings.EqualFold(raw, "n/a") {
		if score, err = importer.ParseNumber(raw); err != nil {
			return fail("total", err.Error())
		}
	}
	restrictive := rule.Restrictive(status, score)
	if restrictive == nil {
		rows.Warnings = append(rows.Warnings, rec.Issue("total", fmt.Sprintf("%s%s has neither a status nor a score: no assessment; row skipped", name, inYear(year))))
		return "", graph.CountryAssessment{}, false
	}
	// The basis the spreadsheet countries path writes for the same columns.
	basis := fmt.Sprintf("Freedom in the World status %s", status)
	switch {
	case status != "" && score != nil:
		basis += fmt.Sprintf(", score %g", *score)
	case status == "":
		basis = fmt.Sprintf("Freedom in the World score %g", *score)
	}
	src := graph.Source{Upload: upload, File: rec.File, Row: rec.Line, Evidence: fmt.Sprintf("Freedom in the World: %s%s", name, inYear(year))}
	return code, graph.CountryAssessment{Year: year, Restrictive: restrictive, Score: score, Basis: basis, Source: src}, true
}
