// Package csl reads the US Consolidated Screening List CSV (trade.gov):
// one record per listed party, each source list (the SDN list, the Entity
// List, the Denied Persons List…) its own list id, each program a listing.
package csl

import (
	"context"
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// Format is the Consolidated Screening List reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "US Consolidated Screening List" }

// Detect implements importer.Format: a header with the CSL's source, name,
// programs and alt_names columns.
func (Format) Detect(f importer.File) bool {
	h, err := csvrec.ReadHeader(f.Data, 0)
	return err == nil && csvrec.NewHeader(h).Has("source", "name", "programs", "alt_names", "start_date")
}

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	return csvrec.Rows(ctx, files, csvrec.Options{Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		read(upload, rec, rows)
	})
}

func read(upload string, rec csvrec.Record, rows *importer.FormatRows) {
	get := rec.Get
	if get("source") == "source" { // a repeated header
		return
	}
	rows.Records[rec.File]++
	name, source := get("name"), get("source")
	if name == "" || source == "" {
		col := "name"
		if source == "" {
			col = "source"
		}
		rows.Issues = append(rows.Issues, rec.Issue(col, "a record without a name or a source list"))
		return
	}
	list := importer.ListID(source)
	if list == "" {
		rows.Issues = append(rows.Issues, rec.Issue("source", fmt.Sprintf("source list %q has no letter or digit to make its id of", source)))
		return
	}
	id := get("_id")
	if id == "" {
		id = get("entity_number")
	}
	if id == "" {
		id = importer.ListID(source) + "-" + importer.ListID(name)
	}
	what := "CSL record " + id
	src := graph.Source{Upload: upload, File: rec.File, Row: rec.Line, Evidence: what}
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
	l, known := importer.KnownList(list)
	if !known {
		l = graph.List{ID: list, Name: source}
		if i := strings.LastIndex(source, " - "); i > 0 {
			l.Authority = source[i+3:]
		}
	}
	l.Source = src
	rows.AddList(l)
	from, to := csvrec.ListedDates(rec, "start_date", "end_date", importer.DateFormat{}, rows)
	reason := get("remarks")
	if n := get("federal_register_notice"); n != "" {
		reason = strings.TrimSpace(reason + " (" + n + ")")
	}
	for _, p := range programs(get("programs")) {
		rows.Listings = append(rows.Listings, graph.Listing{Entity: e.ID, List: list, Program: p,
			ListedFrom: from, ListedTo: to, Reason: reason, Source: src})
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
