package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Issue is an error or warning, located as precisely as it can be: file,
// sheet (XLSX), row (1-based, as the spreadsheet shows it; the line for
// CSV), column letter and header.
type Issue struct {
	File    string `json:"file,omitempty"`
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"` // letter: A, B, …
	Header  string `json:"header,omitempty"` // the header text of the column
	Message string `json:"message"`
	// Suggestions are the entities a reference that names none might
	// mean, best first ("did you mean …"): a person picks one.
	Suggestions []Suggestion `json:"suggestions,omitempty"`
}

// Suggestion is an entity a reference might mean, with its match score.
type Suggestion struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Country string  `json:"country,omitempty"`
	Score   float64 `json:"score"`
}

// String renders the issue as one line:
// file "book.xlsx" sheet "Links" row 14 column C (type): unknown link type "own" …
func (i Issue) String() string {
	var b strings.Builder
	if i.File != "" {
		fmt.Fprintf(&b, "file %q ", i.File)
	}
	if i.Sheet != "" {
		fmt.Fprintf(&b, "sheet %q ", i.Sheet)
	}
	if i.Row > 0 {
		fmt.Fprintf(&b, "row %d ", i.Row)
	}
	if i.Column != "" {
		fmt.Fprintf(&b, "column %s ", i.Column)
		if i.Header != "" {
			fmt.Fprintf(&b, "(%s) ", i.Header)
		}
	} else if i.Header != "" {
		fmt.Fprintf(&b, "column %s ", i.Header)
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		return i.Message
	}
	return s + ": " + i.Message
}

// SheetReport says how one sheet or CSV file was read.
type SheetReport struct {
	File      string `json:"file"`
	Sheet     string `json:"sheet,omitempty"`
	Kind      string `json:"kind,omitempty"` // table; empty when the sheet was ignored
	Role      string `json:"role,omitempty"`
	LinkType  string `json:"link_type,omitempty"`
	HeaderRow int    `json:"header_row,omitempty"`
	Rows      int    `json:"rows"` // data rows read (empty rows not counted)
	Encoding  string `json:"encoding,omitempty"`
}

// Contents counts what a valid upload holds.
type Contents struct {
	Entities     int `json:"entities"`
	Countries    int `json:"countries"`
	Lists        int `json:"lists"`
	Listings     int `json:"listings"`
	Links        int `json:"links"`
	Transactions int `json:"transactions"`
	Decisions    int `json:"decisions,omitempty"` // identity decisions
}

// Report is the outcome of reading (and writing) an upload. Errors and
// warnings are data: a report with errors is Rejected and nothing was written.
type Report struct {
	Upload   string        `json:"upload"`
	Files    []string      `json:"files"`
	Sheets   []SheetReport `json:"sheets"`
	Rejected bool          `json:"rejected"`
	Contents Contents      `json:"contents"`
	// Written is what the store did; nil when nothing was written.
	Written      *graph.WriteResult `json:"written,omitempty"`
	Errors       []Issue            `json:"errors"`
	MoreErrors   int                `json:"more_errors,omitempty"` // errors beyond the listed ones
	Warnings     []Issue            `json:"warnings"`
	MoreWarnings int                `json:"more_warnings,omitempty"`

	maxErrors, maxWarnings int
}

func newReport(id string, files []File, lim Limits) *Report {
	r := &Report{Upload: id, Errors: []Issue{}, Warnings: []Issue{}, maxErrors: lim.MaxErrors, maxWarnings: lim.MaxWarnings}
	for _, f := range files {
		r.Files = append(r.Files, f.Name)
	}
	return r
}

func (r *Report) errorf(i Issue) {
	r.Rejected = true
	if len(r.Errors) >= r.maxErrors {
		r.MoreErrors++
		return
	}
	r.Errors = append(r.Errors, i)
}

// errorListed records an error that must be seen even when the list is
// full: a limit that stopped the reading of a file or sheet.
func (r *Report) errorListed(i Issue) {
	r.Rejected = true
	r.Errors = append(r.Errors, i)
}

func (r *Report) warnf(i Issue) {
	if len(r.Warnings) >= r.maxWarnings {
		r.MoreWarnings++
		return
	}
	r.Warnings = append(r.Warnings, i)
}

// WriteText writes the report for people: a summary, then every error and
// warning on its own line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	status := "accepted"
	if r.Rejected {
		status = "rejected: nothing was written"
	} else if r.Written == nil {
		status = "valid, not written"
	}
	fmt.Fprintf(&b, "upload %s (%s): %s\n", r.Upload, strings.Join(r.Files, ", "), status)
	for _, s := range r.Sheets {
		where := fmt.Sprintf("file %q", s.File)
		if s.Sheet != "" {
			where += fmt.Sprintf(" sheet %q", s.Sheet)
		}
		kind := s.Kind
		if kind == "" {
			kind = "ignored"
		}
		if s.Role != "" {
			kind += " (role " + s.Role + ")"
		}
		if s.LinkType != "" {
			kind += " (type " + strings.ToLower(s.LinkType) + ")"
		}
		fmt.Fprintf(&b, "  %s: %s, %d rows\n", where, kind, s.Rows)
	}
	c := r.Contents
	fmt.Fprintf(&b, "contents: %d entities, %d links, %d countries, %d transactions\n", c.Entities, c.Links, c.Countries, c.Transactions)
	if c.Lists+c.Listings > 0 {
		fmt.Fprintf(&b, "contents: %d listings on %d lists\n", c.Listings, c.Lists)
	}
	if c.Decisions > 0 {
		fmt.Fprintf(&b, "contents: %d identity decisions\n", c.Decisions)
	}
	if w := r.Written; w != nil {
		for _, x := range []struct {
			name string
			c    graph.Changes
		}{{"entities", w.Entities}, {"links", w.Links}, {"countries", w.Countries}, {"transactions", w.Transactions},
			{"lists", w.Lists}, {"listings", w.Listings}, {"identity decisions", w.Decisions}} {
			if (x.name == "lists" || x.name == "listings" || x.name == "identity decisions") && x.c == (graph.Changes{}) {
				continue
			}
			fmt.Fprintf(&b, "written %s: %d created, %d updated, %d unchanged\n", x.name, x.c.Created, x.c.Updated, x.c.Unchanged)
		}
	}
	if n := len(r.Errors) + r.MoreErrors; n > 0 {
		fmt.Fprintf(&b, "%d errors:\n", n)
		for _, i := range r.Errors {
			fmt.Fprintf(&b, "  %s\n", i)
		}
		if r.MoreErrors > 0 {
			fmt.Fprintf(&b, "  … and %d more errors\n", r.MoreErrors)
		}
	}
	if n := len(r.Warnings) + r.MoreWarnings; n > 0 {
		fmt.Fprintf(&b, "%d warnings:\n", n)
		for _, i := range r.Warnings {
			fmt.Fprintf(&b, "  %s\n", i)
		}
		if r.MoreWarnings > 0 {
			fmt.Fprintf(&b, "  … and %d more warnings\n", r.MoreWarnings)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Cause names the upload as the change of the graph that re-evaluated
// the flags, for the note of a flag it reopens: "upload u-… by alice",
// and the identity decisions it made or changed, which change clusters.
func (r *Report) Cause(by string) string {
	s := "upload " + r.Upload
	if by != "" {
		s += " by " + by
	}
	if w := r.Written; w != nil {
		if n := w.Decisions.Created + w.Decisions.Updated; n == 1 {
			s += " (1 identity decision)"
		} else if n > 1 {
			s += fmt.Sprintf(" (%d identity decisions)", n)
		}
	}
	return s
}

// RowsRead counts the data rows the upload read, in every sheet.
func (r *Report) RowsRead() int {
	n := 0
	for _, s := range r.Sheets {
		n += s.Rows
	}
	return n
}
