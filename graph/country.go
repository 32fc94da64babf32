package graph

import (
	"sort"
	"strconv"
)

// Country is a country and its assessments: one a year, or one without a
// year (SPEC §1). The source is that of the last row that stated a name or
// an assessment; a row that merely names the country changes nothing.
type Country struct {
	Code        string              `json:"code"` // ISO 3166-1 alpha-2
	Name        string              `json:"name"`
	Assessments []CountryAssessment `json:"assessments,omitempty"` // sorted by year, the one without a year first
	Source      Source              `json:"source"`
}

// CountryAssessment is one assessment of a country, for a year (0: without one).
type CountryAssessment struct {
	Year        int      `json:"year,omitempty"`
	Restrictive *bool    `json:"restrictive,omitempty"` // nil: not assessed as restrictive
	Score       *float64 `json:"score,omitempty"`
	Basis       string   `json:"basis,omitempty"`
	Source      Source   `json:"source"`
}

// On returns the assessment that holds on day (YYYY-MM-DD; empty: no year)
// by SPEC §3's as-of rule: the latest year not after the day's year; with
// none that early, the one without a year; with neither, the earliest.
func (c Country) On(day string) (CountryAssessment, bool) {
	year := 0
	if len(day) >= 4 {
		year, _ = strconv.Atoi(day[:4])
	}
	var best *CountryAssessment
	for i := range c.Assessments {
		a := &c.Assessments[i]
		if a.Year != 0 && a.Year <= year && (best == nil || a.Year > best.Year) {
			best = a
		}
	}
	if best != nil {
		return *best, true
	}
	for _, a := range c.Assessments {
		if a.Year == 0 {
			return a, true
		}
	}
	if len(c.Assessments) == 0 {
		return CountryAssessment{}, false
	}
	earliest := c.Assessments[0]
	for _, a := range c.Assessments[1:] {
		if a.Year < earliest.Year {
			earliest = a
		}
	}
	return earliest, true
}

// RestrictiveOn reports whether the country is restrictive on day.
func (c Country) RestrictiveOn(day string) bool {
	a, ok := c.On(day)
	return ok && a.Restrictive != nil && *a.Restrictive
}

// EverRestrictive reports whether some assessment says restrictive: the
// country may be restrictive on some day.
func (c Country) EverRestrictive() bool {
	for _, a := range c.Assessments {
		if a.Restrictive != nil && *a.Restrictive {
			return true
		}
	}
	return false
}

// SortAssessments orders assessments by year, the one without a year first.
func SortAssessments(as []CountryAssessment) {
	sort.Slice(as, func(i, j int) bool { return as[i].Year < as[j].Year })
}
