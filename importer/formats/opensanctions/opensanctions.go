// Package opensanctions reads the source files OpenSanctions keeps of US
// lists that have no machine-readable export of their own, one layout
// each, told by its header: the BIS Military-Intelligence End-User list
// (mieu.csv), the DoD Section 1260H Chinese military companies
// (sanctions.csv), the FCC Covered List (table.csv) and the special
// legislation files such as Section 889 (section_889.csv: schema, name,
// aliases, program, authority, …). Every row is an entity listed on the
// layout's list; its id is the list's and the name's (us_dod_1260h-baidu_inc),
// so a firm on several lists is one entity per list (joining them is a
// SAME_AS decision, SPEC §1).
package opensanctions

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// A layout is one source file's columns and what its rows state.
type layout struct {
	name   string
	list   string   // the list id its rows are on (importer.KnownLists)
	header []string // columns that tell the layout
	row    func(l lister, rec csvrec.Record)
}

var layouts = []*layout{
	{name: "BIS Military-Intelligence End-User list (OpenSanctions mieu.csv)", list: "us_bis_mieu",
		header: []string{"type", "name", "alias", "country", "topics", "program", "date", "end date"}, row: mieu},
	{name: "DoD Section 1260H Chinese military companies (OpenSanctions sanctions.csv)", list: "us_dod_1260h",
		header: []string{"name", "clean name", "alias", "previous name", "parent name", "note", "start date", "end date"}, row: dod1260h},
	{name: "FCC Covered List (OpenSanctions table.csv)", list: "us_fcc_covered",
		header: []string{"covered_equipment_or_services", "date_of_inclusion_on_covered_list"}, row: fcc},
	{name: "US special legislation list (OpenSanctions special_leg)", list: "",
		header: []string{"schema", "name", "aliases", "topics", "program", "authority", "start-date", "end-date"}, row: specialLeg},
}

// Formats are the readers of every layout, in the order they are tried.
func Formats() []importer.Format {
	ls := make([]csvrec.Layout, len(layouts))
	for i, l := range layouts {
		ls[i] = csvrec.Layout{Name: l.name, Header: l.header, Read: l.read}
	}
	return csvrec.Layouts(ls...)
}

func (l *layout) read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	links, parents := map[string]bool{}, &[]parent{}
	rows, err := csvrec.Rows(ctx, files, csvrec.Options{Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		rows.Records[rec.File]++
		l.row(lister{upload: upload, list: l.list, rows: rows, links: links, parents: parents}, rec)
	})
	if err != nil {
		return rows, err
	}
	// A parent is named as the list names firms: its clean name, or with
	// its acronym ("… Limited (CASIC)"); the entity the file has is it.
	ids := map[string]bool{}
	for _, e := range rows.Entities {
		ids[e.ID] = true
	}
	w := lister{rows: &rows, links: links}
	for _, p := range *parents {
		p.link.From = l.list + "-" + importer.ListID(p.name)
		if alt := l.list + "-" + importer.ListID(withoutAcronym(p.name)); !ids[p.link.From] && ids[alt] {
			p.link.From = alt
		}
		w.link(p.link)
	}
	return rows, nil
}

// parent is a link to a parent company named in a record, its id told
// once every record is read.
type parent struct {
	name string
	link graph.Link
}

// lister adds what one record states: entities, their listings, the list.
type lister struct {
	upload  string
	list    string
	rows    *importer.FormatRows
	links   map[string]bool // keys of the links added, each once
	parents *[]parent
}

// link adds a link unless the rows have it.
func (l lister) link(k graph.Link) {
	if !l.links[k.Key()] {
		l.links[k.Key()] = true
		l.rows.Links = append(l.rows.Links, k)
	}
}

func (l lister) source(rec csvrec.Record, what string) graph.Source {
	return graph.Source{Upload: l.upload, File: rec.File, Row: rec.Line, Evidence: what}
}

// entity returns the entity of a name on the list, with its aliases (split
// on ";", the name itself left out), or false with an issue when the name
// is blank.
func (l lister) entity(rec csvrec.Record, nameCol string, kind graph.Kind, aliases ...string) (graph.Entity, bool) {
	name := rec.Get(nameCol)
	if name == "" && nameCol != "name" {
		name = rec.Get("name")
	}
	if name == "" {
		l.rows.Issues = append(l.rows.Issues, rec.Issue(nameCol, "a record without a name"))
		return graph.Entity{}, false
	}
	id := l.list + "-" + importer.ListID(name)
	e := graph.Entity{ID: id, Kind: kind, Name: name, Source: l.source(rec, evidence(l.list, rec.Get("name")))}
	seen := map[string]bool{strings.ToLower(name): true}
	for _, s := range aliases {
		for _, a := range strings.Split(s, ";") {
			if a = strings.TrimSpace(a); a != "" && !seen[strings.ToLower(a)] {
				seen[strings.ToLower(a)] = true
				e.Aliases = append(e.Aliases, a)
			}
		}
	}
	return e, true
}

// add adds the entity, its listing on l's list, and the list when it is
// a known one (specialLeg adds the others).
func (l lister) add(e graph.Entity, lt graph.Listing) {
	if known, ok := importer.KnownList(l.list); ok {
		known.Source = e.Source
		l.rows.AddList(known)
		if lt.Authority == "" {
			lt.Authority = known.Authority
		}
	}
	l.rows.Entities = append(l.rows.Entities, e)
	lt.Entity, lt.List, lt.Source = e.ID, l.list, e.Source
	l.rows.Listings = append(l.rows.Listings, lt)
}

// evidence names a record by its list and its own words: these files
// number nothing, so the name as written (or the entry's text) is the
// record's id beside its line.
func evidence(list, what string) string {
	name := list
	if k, ok := importer.KnownList(list); ok {
		name = k.Name
	}
	return fmt.Sprintf("%s: %q", name, what)
}

// country reads an ISO code or country name, warning of one it does not know.
func (l lister) country(rec csvrec.Record, col string) string {
	v := rec.Get(col)
	if v == "" {
		return ""
	}
	code, err := importer.ParseCountry(v)
	if err != nil {
		l.rows.Warnings = append(l.rows.Warnings, rec.Issue(col, err.Error()+"; country left out"))
	}
	return code
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// mieu: Type, Name, Alias, Country, Topics, Program, Date, End date,
// Source URL. The MIEU list names military-intelligence services (EAR
// 744.22): a government body of kind intelligence, restrictive as its
// country is unless a policy's restricted_lists names the list.
func mieu(l lister, rec csvrec.Record) {
	kind := graph.GovernmentBody
	if strings.EqualFold(rec.Get("type"), "person") {
		kind = graph.Person
	}
	e, ok := l.entity(rec, "name", kind, rec.Get("alias"))
	if !ok {
		return
	}
	e.Country = l.country(rec, "country")
	if kind == graph.GovernmentBody {
		e.BodyKind = "intelligence"
		if e.Country == "" { // a government body needs its country (SPEC §2)
			e.Kind, e.BodyKind = graph.Organization, ""
		}
	}
	from, to := csvrec.ListedDates(rec, "date", "end date", importer.DateFormat{}, l.rows)
	l.add(e, graph.Listing{Program: rec.Get("program"), ListedFrom: from, ListedTo: to, Reason: rec.Get("source url")})
}

// dod1260h: Name (with its acronym and a * for the first tranches), Clean
// Name, Alias, Previous Name, Parent Name, Note, Start date, End date,
// Source Url. Each row is one tranche: a firm named in several years has
// one listing a year, each with its dates. A Parent Name is the firm's
// parent company on the list: an owns link (percent unknown) from the
// parent's entity, which the importer keeps when the parent is in the
// upload or the store and else skips with a warning.
func dod1260h(l lister, rec csvrec.Record) {
	e, ok := l.entity(rec, "clean name", graph.Organization, rec.Get("alias"), rec.Get("previous name"))
	if !ok {
		return
	}
	reason := rec.Get("note")
	if p := rec.Get("parent name"); p != "" {
		reason = join(reason, "parent company: "+p)
		*l.parents = append(*l.parents, parent{p, graph.Link{To: e.ID, Type: graph.Owns,
			Source: l.source(rec, evidence(l.list, rec.Get("name"))+" names its parent company "+p)}})
	}
	from, to := csvrec.ListedDates(rec, "start date", "end date", importer.DateFormat{}, l.rows)
	l.add(e, graph.Listing{Program: "Section 1260H", ListedFrom: from, ListedTo: to, Reason: join(reason, rec.Get("source url"))})
}

// fcc: covered_equipment_or_services, date_of_inclusion_on_covered_list.
// The text names the producer or provider ("… produced by Huawei
// Technologies Company, including …"); an entry of a kind of equipment
// from any foreign producer (routers, drones) names no party and is left
// out with a warning.
func fcc(l lister, rec csvrec.Record) {
	text := rec.Get("covered_equipment_or_services")
	names := producers(text)
	if len(names) == 0 {
		l.rows.Warnings = append(l.rows.Warnings, rec.Issue("covered_equipment_or_services",
			"the entry names no producer or provider (equipment of a kind, from any foreign producer): no party to list; skipped"))
		return
	}
	// "March 25, 2022" or, for an entry amended since, "December 22, 2025Updated:January 7, 2026…": the first is the inclusion.
	date := rec.Get("date_of_inclusion_on_covered_list")
	if i := strings.Index(date, "Updated"); i > 0 {
		date = strings.TrimSpace(date[:i])
	}
	from, err := importer.ParseDate(date, importer.DateFormat{})
	if err != nil {
		l.rows.Warnings = append(l.rows.Warnings, rec.Issue("date_of_inclusion_on_covered_list", err.Error()+"; date left out"))
	}
	var ids []string
	for _, n := range names {
		e := graph.Entity{ID: l.list + "-" + importer.ListID(n), Kind: graph.Organization, Name: n,
			Source: l.source(rec, evidence(l.list, n))}
		l.add(e, graph.Listing{ListedFrom: from, Reason: text})
		ids = append(ids, e.ID)
	}
	if len(ids) == 2 && strings.Contains(text, "wholly-owned subsidiary") {
		pct := 100.0
		l.link(graph.Link{From: ids[0], To: ids[1], Type: graph.Owns, Percent: &pct, Source: l.source(rec, evidence(l.list, text))})
	}
}

// withoutAcronym drops what the list's Name column adds to a clean name: a
// trailing acronym in brackets and the * of the first tranches ("China
// Aerospace Science and Industry Corporation Limited (CASIC)*").
func withoutAcronym(s string) string {
	return strings.TrimSpace(acronym.ReplaceAllString(s, ""))
}

var acronym = regexp.MustCompile(`\s*(\([^()]*\))?\s*\*?\s*$`)

var (
	byProducer = regexp.MustCompile(`\b(?:produced|provided|supplied)(?:,? directly or indirectly,| or provided)? by (.+)`)
	nameEnds   = []string{", including", ", to the extent", " or any of", ", subject to", " subject to", " and its ", ", which", "."}
	subsidiary = regexp.MustCompile(`^and its (?:wholly-owned )?subsidiar(?:y|ies) (.+)`)
)

// producers reads the firms an FCC entry's text names.
func producers(text string) []string {
	m := byProducer.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	name, rest := cut(m[1])
	if name == "" {
		return nil
	}
	out := []string{name}
	if s := subsidiary.FindStringSubmatch(rest); s != nil {
		if sub, _ := cut(s[1]); sub != "" {
			out = append(out, sub)
		}
	}
	return out
}

// cut splits a text at the earliest end of a firm's name: "Kaspersky Lab,
// Inc. or any of its successors" is "Kaspersky Lab, Inc.".
func cut(s string) (name, rest string) {
	end := len(s)
	for _, e := range nameEnds {
		i := strings.Index(s, e)
		if e == "." { // a sentence's end, not "Inc." or "Corp."
			i = -1
			if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "Inc.") && !strings.HasSuffix(s, "Corp.") {
				i = len(s) - 1
			}
		}
		if i >= 0 && i < end {
			end = i
		}
	}
	return strings.TrimSpace(strings.TrimRight(s[:end], ",")), strings.TrimSpace(s[end:])
}

// specialLeg: OpenSanctions' table of a statute's named firms: schema,
// name, aliases, topics, program, authority, reason, report-date,
// start-date, end-date, country, notes, source_url. The list is told by
// the program (Section 889 → us_ndaa_889).
func specialLeg(l lister, rec csvrec.Record) {
	program := rec.Get("program")
	l.list = importer.ListID(program)
	if strings.HasPrefix(strings.ToLower(program), "section 889") {
		l.list = "us_ndaa_889"
	}
	if l.list == "" {
		l.rows.Issues = append(l.rows.Issues, rec.Issue("program", "a record without a program: no list to put it on"))
		return
	}
	kind := graph.Organization
	switch strings.ToLower(rec.Get("schema")) {
	case "person":
		kind = graph.Person
	case "publicbody":
		kind = graph.GovernmentBody
	}
	e, ok := l.entity(rec, "name", kind, rec.Get("aliases"))
	if !ok {
		return
	}
	e.Country = l.country(rec, "country")
	if kind == graph.GovernmentBody && e.Country == "" {
		e.Kind = graph.Organization
	}
	if _, known := importer.KnownList(l.list); !known {
		l.rows.AddList(graph.List{ID: l.list, Name: program, Authority: rec.Get("authority"), Source: e.Source})
	}
	from, to := csvrec.ListedDates(rec, "start-date", "end-date", importer.DateFormat{}, l.rows)
	l.add(e, graph.Listing{Program: program, Authority: rec.Get("authority"), ListedFrom: from, ListedTo: to,
		Reason: join(rec.Get("reason"), rec.Get("notes"), rec.Get("source_url"))})
}
