// Package ftm reads FollowTheMoney entities as JSON lines (the OpenSanctions
// and yente exports): LegalEntity, Company, Organization, PublicBody and
// Person become entities; Ownership, Directorship, Family, Associate,
// Representation and UnknownLink links; Sanction a listing on the list of
// its dataset. Other schemata (Address, Passport, Payment…) are counted and
// left out.
package ftm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// Format is the FollowTheMoney reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "FollowTheMoney" }

type entity struct {
	ID         string           `json:"id"`
	Schema     string           `json:"schema"`
	Properties map[string][]any `json:"properties"`
	Datasets   []string         `json:"datasets"`
	Caption    string           `json:"caption"`
}

// Detect implements importer.Format: the first line is a JSON object with
// an id, a schema and properties.
func (Format) Detect(f importer.File) bool {
	line, _, _ := bytes.Cut(bytes.TrimPrefix(f.Data, []byte("\xef\xbb\xbf")), []byte("\n"))
	var e entity
	if json.Unmarshal(bytes.TrimSpace(line), &e) != nil {
		return false
	}
	_, known := schemata[e.Schema]
	return e.ID != "" && e.Properties != nil && (known || e.Schema != "")
}

// what each schema becomes.
type role struct {
	kind     graph.Kind
	link     graph.LinkType
	from, to string // the link's property names
	sanction bool
}

var schemata = map[string]role{
	"LegalEntity": {kind: graph.Organization}, "Company": {kind: graph.Organization}, "Organization": {kind: graph.Organization},
	"PublicBody": {kind: graph.GovernmentBody}, "Person": {kind: graph.Person},
	"Ownership":      {link: graph.Owns, from: "owner", to: "asset"},
	"Directorship":   {link: graph.Controls, from: "director", to: "organization"},
	"Family":         {link: graph.RelatedTo, from: "person", to: "relative"},
	"Associate":      {link: graph.RelatedTo, from: "person", to: "associate"},
	"Representation": {link: graph.AgentOf, from: "agent", to: "client"},
	"UnknownLink":    {link: graph.RelatedTo, from: "subject", to: "object"},
	"Sanction":       {sanction: true},
}

func (e entity) strings(prop string) []string {
	var out []string
	for _, v := range e.Properties[prop] {
		if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func (e entity) first(props ...string) string {
	for _, p := range props {
		if vs := e.strings(p); len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

// Read implements importer.Format, one line at a time.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	rows := importer.FormatRows{Records: map[string]int{}}
	lists := map[string]bool{}
	skipped := map[string]int{}
	for _, f := range files {
		sc := bufio.NewScanner(bytes.NewReader(f.Data))
		sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
		for line := 1; sc.Scan(); line++ {
			if line%5000 == 0 && ctx.Err() != nil {
				return rows, ctx.Err()
			}
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			rows.Records[f.Name]++
			var e entity
			if err := json.Unmarshal(text, &e); err != nil || e.ID == "" || e.Schema == "" {
				rows.Issues = append(rows.Issues, importer.Issue{File: f.Name, Row: line, Message: "not a FollowTheMoney entity (a JSON object with id, schema and properties)"})
				continue
			}
			r, ok := schemata[e.Schema]
			if !ok {
				skipped[e.Schema]++
				continue
			}
			src := graph.Source{Upload: upload, File: f.Name, Row: line, Evidence: "FtM " + e.Schema + " " + e.ID}
			switch {
			case r.kind != "":
				rows.Entities = append(rows.Entities, entityOf(e, r.kind, src))
			case r.link != "":
				linksOf(e, r, src, &rows)
			case r.sanction:
				sanctionOf(e, src, lists, &rows)
			}
		}
		if err := sc.Err(); err != nil {
			return rows, fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	var names []string
	for s := range skipped {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		rows.Warnings = append(rows.Warnings, importer.Issue{Message: fmt.Sprintf("%d %s entities left out: hopcheck keeps parties, their links and sanctions", skipped[s], s)})
	}
	return rows, nil
}

func entityOf(e entity, kind graph.Kind, src graph.Source) graph.Entity {
	names := e.strings("name")
	out := graph.Entity{ID: e.ID, Kind: kind, Name: e.Caption, Source: src}
	if len(names) > 0 {
		out.Name = names[0]
	}
	seen := map[string]bool{out.Name: true}
	for _, a := range append(names, append(e.strings("alias"), e.strings("previousName")...)...) {
		if !seen[a] {
			seen[a] = true
			out.Aliases = append(out.Aliases, a)
		}
	}
	for _, c := range append(e.strings("country"), append(e.strings("jurisdiction"), e.strings("nationality")...)...) {
		if code, err := importer.ParseCountry(c); err == nil && code != "" {
			out.Country = code
			break
		}
	}
	switch kind {
	case graph.Organization:
		out.RegistrationID = e.first("registrationNumber", "innCode", "ogrnCode", "leiCode", "taxNumber")
		out.Address = e.first("address")
		if d, err := importer.ParsePartialDate(e.first("incorporationDate"), importer.DateFormat{}); err == nil {
			out.Founded = d
		}
	case graph.Person:
		out.Position = e.first("position")
	case graph.GovernmentBody:
		out.BodyKind = "other"
	}
	return out
}

func linksOf(e entity, r role, src graph.Source, rows *importer.FormatRows) {
	from, to := e.strings(r.from), e.strings(r.to)
	start, end := dates(e, src, rows)
	role := e.first("role", "relationship")
	if e.Schema == "UnknownLink" && role == "" {
		role = "unknown link"
	}
	var pct *float64
	if r.link == graph.Owns {
		if p, err := importer.ParsePercent(e.first("percentage", "sharesValue")); err == nil {
			pct = p
		}
		if pct != nil && (*pct < 0 || *pct > 100) {
			pct = nil
		}
	}
	for _, a := range from {
		for _, b := range to {
			rows.Links = append(rows.Links, graph.Link{Type: r.link, From: a, To: b, Percent: pct, Role: role,
				ValidFrom: start, ValidTo: end, Source: src})
		}
	}
}

func dates(e entity, src graph.Source, rows *importer.FormatRows) (string, string) {
	start, err1 := importer.ParsePartialDate(e.first("startDate", "listingDate"), importer.DateFormat{})
	end, err2 := importer.ParsePartialDate(e.first("endDate"), importer.DateFormat{})
	if err1 != nil || err2 != nil {
		rows.Warnings = append(rows.Warnings, importer.Issue{File: src.File, Row: src.Row, Message: src.Evidence + ": a date that is not one; left out"})
	}
	if err1 != nil {
		start = ""
	}
	if err2 != nil {
		end = ""
	}
	start, end = importer.StartOf(start), importer.EndOf(end)
	if start != "" && end != "" && end < start {
		end = ""
	}
	return start, end
}

func sanctionOf(e entity, src graph.Source, lists map[string]bool, rows *importer.FormatRows) {
	list := "ftm_sanctions"
	if len(e.Datasets) > 0 {
		list = importer.ListID(e.Datasets[0])
	}
	if !lists[list] {
		lists[list] = true
		l := graph.List{ID: list, Name: list, Authority: e.first("authority"), Source: src}
		for _, k := range importer.KnownLists {
			if k.ID == list {
				l.Name, l.Authority = k.Name, k.Authority
			}
		}
		rows.Lists = append(rows.Lists, l)
	}
	start, end := dates(e, src, rows)
	reason := e.first("reason", "summary", "provisions")
	for _, id := range e.strings("entity") {
		rows.Listings = append(rows.Listings, graph.Listing{Entity: id, List: list, Program: e.first("programId", "program"),
			Authority: e.first("authority"), ListedFrom: start, ListedTo: end, Reason: reason, Source: src})
	}
}
