// Package csl reads the US Consolidated Screening List CSV (trade.gov):
// one record per listed party, each source list (the SDN list, the Entity
// List, the Denied Persons List…) its own list id, each program a listing.
package csl

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// Format is the Consolidated Screening List reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "US Consolidated Screening List" }

// Detect implements importer.Format: a header with the CSL's source, name,
// programs and alt_names columns.
func (Format) Detect(f importer.File) bool {
	h, err := reader(f.Data).Read()
	if err != nil {
		return false
	}
	cols := index(h)
	for _, c := range []string{"source", "name", "programs", "alt_names", "start_date"} {
		if _, ok := cols[c]; !ok {
			return false
		}
	}
	return true
}

func reader(data []byte) *csv.Reader {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return r
}

func index(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[strings.ToLower(strings.TrimSpace(h))] = i
	}
	return m
}

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	lists := map[string]bool{}
	for _, f := range files {
		if err := read(ctx, upload, f, lists, &rows); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

func read(ctx context.Context, upload string, f importer.File, lists map[string]bool, rows *importer.FormatRows) error {
	r := reader(f.Data)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	cols := index(header)
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s line %d: %w", f.Name, line, err)
		}
		if line%5000 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if get("source") == "source" { // a repeated header
			continue
		}
		rows.Records[f.Name]++
		name, source := get("name"), get("source")
		if name == "" || source == "" {
			rows.Issues = append(rows.Issues, importer.Issue{File: f.Name, Row: line, Message: "a record without a name or a source list"})
			continue
		}
		id := get("_id")
		if id == "" {
			id = get("entity_number")
		}
		if id == "" {
			id = importer.ListID(source) + "-" + importer.ListID(name)
		}
		what := "CSL record " + id
		src := graph.Source{Upload: upload, File: f.Name, Row: line, Evidence: what}
		e := graph.Entity{ID: "csl-" + id, Kind: graph.Organization, Name: name, Address: first(get("addresses")), Source: src}
		switch strings.ToLower(get("type")) {
		case "individual":
			e.Kind, e.Position = graph.Person, get("title")
		case "vessel", "aircraft":
			e.Role = "other"
		}
		if e.Kind == graph.Person {
			e.Address = "" // an organization's address only
		}
		e.Country = country(get("addresses"), get("citizenships"), get("nationalities"))
		for _, a := range strings.Split(get("alt_names"), ";") {
			if a = strings.TrimSpace(a); a != "" && a != name {
				e.Aliases = append(e.Aliases, a)
			}
		}
		rows.Entities = append(rows.Entities, e)
		list := importer.ListID(source)
		if !lists[list] {
			lists[list] = true
			l := graph.List{ID: list, Name: source, Source: src}
			if i := strings.LastIndex(source, " - "); i > 0 {
				l.Authority = source[i+3:]
			}
			for _, k := range importer.KnownLists {
				if k.ID == list {
					l.Name, l.Authority = k.Name, k.Authority
				}
			}
			rows.Lists = append(rows.Lists, l)
		}
		from, err1 := importer.ParsePartialDate(get("start_date"), importer.DateFormat{})
		to, err2 := importer.ParsePartialDate(get("end_date"), importer.DateFormat{})
		for _, err := range []error{err1, err2} {
			if err != nil {
				rows.Warnings = append(rows.Warnings, importer.Issue{File: f.Name, Row: line, Message: what + ": " + err.Error() + "; date left out"})
			}
		}
		if err1 != nil {
			from = ""
		}
		if err2 != nil || (to != "" && importer.EndOf(to) < importer.StartOf(from)) {
			to = ""
		}
		reason := get("remarks")
		if n := get("federal_register_notice"); n != "" {
			reason = strings.TrimSpace(reason + " (" + n + ")")
		}
		for _, p := range programs(get("programs")) {
			rows.Listings = append(rows.Listings, graph.Listing{Entity: e.ID, List: list, Program: p,
				ListedFrom: importer.StartOf(from), ListedTo: importer.EndOf(to), Reason: reason, Source: src})
		}
	}
}

func first(s string) string {
	if i := strings.Index(s, ";"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// country reads the country of the first address ("…, Beijing, 100033,
// CN"), else the first citizenship or nationality.
func country(addresses string, others ...string) string {
	parts := strings.Split(first(addresses), ",")
	candidates := append([]string{strings.TrimSpace(parts[len(parts)-1])}, others...)
	for _, c := range candidates {
		if code, err := importer.ParseCountry(first(c)); err == nil && code != "" {
			return code
		}
	}
	return ""
}

func programs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
