// Package ofac reads the OFAC SDN list as Treasury publishes it: sdn.csv
// (no header, Latin-1, a trailing ^Z byte) with, optionally, alt.csv (the
// aliases). Every SDN becomes an entity with id ofac-<ent_num>, and each of
// its programs a listing on us_ofac_sdn.
package ofac

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// ListID is the list the SDNs are on.
const ListID = "us_ofac_sdn"

// Format is the OFAC SDN reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "OFAC SDN" }

// Detect implements importer.Format: the first record of sdn.csv has 12
// fields, a numeric ent_num and an SDN type; of alt.csv, 5 fields, two
// numbers and an alias type.
func (Format) Detect(f importer.File) bool {
	_, ok := kindOf(f)
	return ok
}

const (
	sdnFile = "sdn"
	altFile = "alt"
)

func kindOf(f importer.File) (string, bool) {
	rec, err := csvrec.ReadHeader(latin1(head(f.Data)), 0)
	if err != nil {
		return "", false
	}
	switch {
	case len(rec) == 12 && numeric(rec[0]) && sdnType(rec[2]) != "":
		return sdnFile, true
	case len(rec) == 5 && numeric(rec[0]) && numeric(rec[1]) && altTypes[strings.TrimSpace(rec[2])]:
		return altFile, true
	}
	return "", false
}

var altTypes = map[string]bool{"aka": true, "fka": true, "nka": true}

// head is the start of data, which holds its first record: kindOf looks
// at that one only.
func head(data []byte) []byte { return data[:min(len(data), 64<<10)] }

func numeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// sdnType is the SDN_Type field: "-0-" for an entity.
func sdnType(s string) string {
	switch v := strings.TrimSpace(s); v {
	case "-0-":
		return "entity"
	case "individual", "vessel", "aircraft":
		return v
	}
	return ""
}

// latin1 decodes Treasury's Latin-1 to UTF-8, stopping at the ^Z that
// ends its files.
func latin1(data []byte) []byte {
	if i := bytes.IndexByte(data, 0x1a); i >= 0 {
		data = data[:i]
	}
	out, _ := charmap.ISO8859_1.NewDecoder().Bytes(data) // every byte is a Latin-1 character
	return out
}

func field(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

var akaInRemarks = regexp.MustCompile(`\b[afn]\.k\.a\.,? '([^']+)'`)

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	aliases := map[string][]string{}
	var sdns []importer.File
	for _, f := range files {
		if k, _ := kindOf(f); k == altFile {
			if err := readAlt(ctx, f, aliases, &rows); err != nil {
				return rows, err
			}
		} else {
			sdns = append(sdns, f)
		}
	}
	if len(sdns) == 0 {
		return rows, errors.New("alt.csv holds only aliases: upload it with its sdn.csv")
	}
	rows.Lists = []graph.List{{ID: ListID, Name: "OFAC Specially Designated Nationals and Blocked Persons List",
		Authority: "US Treasury, OFAC", Source: graph.Source{Upload: upload, File: sdns[0].Name, Row: 1}}}
	for _, f := range sdns {
		if err := readSDN(ctx, upload, f, aliases, &rows); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

func readAlt(ctx context.Context, f importer.File, aliases map[string][]string, rows *importer.FormatRows) error {
	return csvrec.Each(ctx, f.Name, latin1(f.Data), csvrec.Options{}, func(rec csvrec.Record) error {
		rows.Records[f.Name]++
		if len(rec.Fields) < 4 || !numeric(rec.Fields[0]) {
			rows.Warnings = append(rows.Warnings, rec.Issue("", "not an alias record (ent_num, alt_num, type, name); skipped"))
			return nil
		}
		if name := field(rec.Fields[3]); name != "" {
			id := "ofac-" + strings.TrimSpace(rec.Fields[0])
			aliases[id] = append(aliases[id], name)
		}
		return nil
	})
}

func readSDN(ctx context.Context, upload string, f importer.File, aliases map[string][]string, rows *importer.FormatRows) error {
	return csvrec.Each(ctx, f.Name, latin1(f.Data), csvrec.Options{}, func(r csvrec.Record) error {
		rows.Records[f.Name]++
		rec := r.Fields
		if len(rec) != 12 || !numeric(rec[0]) || field(rec[1]) == "" {
			rows.Issues = append(rows.Issues, r.Issue("", fmt.Sprintf(
				"not an SDN record: %d fields, want 12 (ent_num, name, type, programs, …) with a number and a name", len(rec))))
			return nil
		}
		num := strings.TrimSpace(rec[0])
		src := graph.Source{Upload: upload, File: f.Name, Row: r.Line, Evidence: "OFAC SDN ent_num " + num}
		e := graph.Entity{ID: "ofac-" + num, Name: field(rec[1]), Source: src}
		switch sdnType(rec[2]) {
		case "individual":
			e.Kind, e.Position = graph.Person, field(rec[4])
		case "vessel", "aircraft":
			e.Kind, e.Role = graph.Organization, "other"
		default:
			e.Kind = graph.Organization
		}
		remarks := field(rec[11])
		seen := map[string]bool{e.Name: true}
		for _, a := range append(aliases[e.ID], akaNames(remarks)...) {
			if !seen[a] {
				seen[a] = true
				e.Aliases = append(e.Aliases, a)
			}
		}
		rows.Entities = append(rows.Entities, e)
		for _, p := range programs(rec[3]) {
			rows.Listings = append(rows.Listings, graph.Listing{Entity: e.ID, List: ListID, Program: p,
				Authority: "US Treasury, OFAC", Reason: remarks, Source: src})
		}
		return nil
	})
}

func akaNames(remarks string) []string {
	var out []string
	for _, m := range akaInRemarks.FindAllStringSubmatch(remarks, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

// programs splits the Program field, "SDGT] [IFSR", into its programs.
func programs(s string) []string {
	var out []string
	for _, p := range strings.Split(field(s), "] [") {
		if p = strings.Trim(strings.TrimSpace(p), "[]"); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
