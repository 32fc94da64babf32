package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hopcheck/hopcheck/graph"
)

// Mapping tells the importer what sheets and headers it does not recognise
// by itself mean. It is written in YAML:
//
//	date_format: DD/MM/YYYY        # optional: order of numeric dates
//	decimal_comma: true            # optional: numbers written 96.000,00
//	headers:                       # for every sheet
//	  Firma: name
//	  Land: country
//	sheets:
//	  sii_companies_flat:          # sheet or CSV file name (matched like headers)
//	    kind: distributors         # any sheet name or table the importer knows, or ignore
//	    header_row: 2              # optional; 0 finds the header row
//	    no_header: false           # true: columns are named by letter (A, B, …)
//	    columns:
//	      company: name
//	      Notes: ignore            # "ignore" drops a column without a warning
//
// Header keys match like built-in headers (case, spaces, "_" and "-" do not
// matter); values are canonical column names of the sheet's table.
type Mapping struct {
	DateFormat string `yaml:"date_format,omitempty" json:"date_format,omitempty"`
	// DecimalComma reads numbers as 96.000,00.
	DecimalComma bool                    `yaml:"decimal_comma,omitempty" json:"decimal_comma,omitempty"`
	Headers      map[string]string       `yaml:"headers,omitempty" json:"headers,omitempty"`
	Sheets       map[string]SheetMapping `yaml:"sheets,omitempty" json:"sheets,omitempty"`
}

// SheetMapping is the mapping of one sheet or CSV file.
type SheetMapping struct {
	Kind      string            `yaml:"kind,omitempty" json:"kind,omitempty"`
	HeaderRow int               `yaml:"header_row,omitempty" json:"header_row,omitempty"`
	NoHeader  bool              `yaml:"no_header,omitempty" json:"no_header,omitempty"`
	Columns   map[string]string `yaml:"columns,omitempty" json:"columns,omitempty"`
}

// ignoreColumn is the mapping target that drops a column silently.
const ignoreColumn = "ignore"

// ParseMapping reads a YAML mapping file and checks every kind and column
// name in it; unknown keys are errors so that a typo does not go unnoticed.
func ParseMapping(data []byte) (*Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return nil, graph.Errorf(graph.EINVALID, "mapping: %v", err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Mapping) validate() error {
	var problems []string
	if _, err := ParseDateFormat(m.DateFormat); err != nil {
		problems = append(problems, err.Error())
	}
	known := map[string]bool{ignoreColumn: true}
	for _, t := range Tables {
		for _, c := range t.Columns() {
			known[c] = true
		}
	}
	check := func(where string, cols map[string]string, t Table) {
		for h, c := range cols {
			c = strings.TrimSpace(c)
			if t != "" && c != ignoreColumn && !t.has(c) {
				problems = append(problems, fmt.Sprintf("%s: header %q maps to %q, which is not a column of %s (%s)",
					where, h, c, t, strings.Join(t.Columns(), ", ")))
			} else if !known[c] {
				problems = append(problems, fmt.Sprintf("%s: header %q maps to unknown column %q", where, h, c))
			}
		}
	}
	check("headers", m.Headers, "")
	names := make([]string, 0, len(m.Sheets))
	for n := range m.Sheets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := m.Sheets[n]
		var t Table
		if norm(s.Kind) == ignoreColumn {
			continue
		}
		if s.Kind != "" {
			k, ok := KindOf(s.Kind)
			if !ok {
				problems = append(problems, fmt.Sprintf("sheet %q: unknown kind %q (expected one of %s)", n, s.Kind, tableList()))
				continue
			}
			t = k.Table
		}
		if s.HeaderRow < 0 {
			problems = append(problems, fmt.Sprintf("sheet %q: header_row must be 1 or more", n))
		}
		check(fmt.Sprintf("sheet %q", n), s.Columns, t)
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		return graph.Errorf(graph.EINVALID, "mapping: %s", strings.Join(problems, "; "))
	}
	return nil
}

func tableList() string {
	s := make([]string, len(Tables))
	for i, t := range Tables {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// sheet returns the mapping of a sheet or file name, if any.
func (m *Mapping) sheet(name string) (SheetMapping, bool) {
	if m == nil {
		return SheetMapping{}, false
	}
	n := norm(name)
	for k, s := range m.Sheets {
		if norm(k) == n {
			return s, true
		}
	}
	return SheetMapping{}, false
}

// column returns what the mapping says a header of a sheet means: a
// canonical column, ignoreColumn, or "" when it says nothing.
func (m *Mapping) column(sm SheetMapping, header string) string {
	if m == nil {
		return ""
	}
	n := norm(header)
	for h, c := range sm.Columns {
		if norm(h) == n {
			return strings.TrimSpace(c)
		}
	}
	for h, c := range m.Headers {
		if norm(h) == n {
			return strings.TrimSpace(c)
		}
	}
	return ""
}

// MappingStore keeps saved mappings; every graph.Store is one.
type MappingStore interface {
	Mappings(ctx context.Context) ([]graph.SavedMapping, error)
}

// SavedMapping returns the mapping saved under name, checked as a mapping
// file is; when none is saved under it, an EINVALID error names those that
// are.
func SavedMapping(ctx context.Context, s MappingStore, name string) (*Mapping, error) {
	ms, err := s.Mappings(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range ms {
		if m.Name == name {
			mp, err := ParseMapping(m.Mapping)
			if err != nil {
				return nil, graph.Errorf(graph.EINVALID, "saved mapping %q: %s", name, graph.ErrorMessage(err))
			}
			return mp, nil
		}
		names = append(names, m.Name)
	}
	if len(names) == 0 {
		return nil, graph.Errorf(graph.EINVALID, "no mapping is saved under the name %q: none is saved yet", name)
	}
	return nil, graph.Errorf(graph.EINVALID, "no mapping is saved under the name %q (saved: %s)", name, strings.Join(names, ", "))
}
