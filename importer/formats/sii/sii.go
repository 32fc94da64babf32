// Package sii reads the Surveillance Industry Index (Privacy International,
// Transparency Toolkit) as the flat CSV files made of its JSON, one layout
// each, told by its header:
//
//   - companies (bibtex_key, company_name, hq_country, technology_sold,
//     parent_company, incorporation_date, …): each row a manufacturer
//     (organization, role manufacturer), with its parent company an owns
//     link of unknown percent from the parent;
//   - company sales (company_bibtex_key, sale_title, recipient_country,
//     order_year_from_id, sale_record_id): "X Sales to Country", each a
//     supplies link from the company to the government of the country
//     (SPEC §1: the SII does not name the unit);
//   - transfers (unique_id, supplier_company, recipient_country, enduser,
//     goods, order_year, …): each a supplies link from the supplier to the
//     government of the recipient country, the end-user as the SII names
//     it kept in the evidence.
//
// A company's id is its SII key (sii-<bibtex_key>), which the companies
// and sales files both give, so they join whichever is imported first; a
// company or government a record names but does not describe is implied
// (importer.FormatRows.Implied), never overwriting what the store has.
package sii

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

type layout struct {
	name   string
	header []string
	read   func(r *rower, rec csvrec.Record)
}

var layouts = []*layout{
	{name: "Surveillance Industry Index companies", read: company,
		header: []string{"bibtex_key", "company_name", "hq_country", "technology_sold", "parent_company", "incorporation_date"}},
	{name: "Surveillance Industry Index company sales", read: sale,
		header: []string{"company_bibtex_key", "company_name", "sale_title", "recipient_country", "sale_record_id"}},
	{name: "Surveillance Industry Index transfers", read: transfer,
		header: []string{"unique_id", "supplier_company", "supplier_company_hq", "recipient_country", "enduser", "order_year"}},
}

// Formats are the readers of every layout.
func Formats() []importer.Format {
	ls := make([]csvrec.Layout, len(layouts))
	for i, l := range layouts {
		ls[i] = csvrec.Layout{Name: l.name, Header: l.header, Read: l.readFiles}
	}
	return csvrec.Layouts(ls...)
}

func (l *layout) readFiles(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	r := &rower{upload: upload, links: map[string]int{}, byName: map[string]string{}}
	rows, err := csvrec.Rows(ctx, files, csvrec.Options{Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		rows.Records[rec.File]++
		r.rows = rows
		l.read(r, rec)
	})
	if err != nil {
		return rows, err
	}
	r.rows = &rows
	// A parent is named by its name; the company of the file so named (by
	// its name or its key) is it, else an organization implied by the name.
	for _, p := range r.parents {
		if id, ok := r.byName[importer.ListID(p.name)]; ok {
			p.link.From = id
		} else {
			p.link.From = ID(p.name)
			rows.Imply(graph.Entity{ID: p.link.From, Kind: graph.Organization, Name: p.name, Source: p.link.Source})
		}
		if p.link.From != p.link.To {
			r.link(p.link)
		}
	}
	return rows, nil
}

// ID is the id of the SII company of key (or name): sii-<key as a list id>.
func ID(key string) string { return "sii-" + importer.ListID(key) }

type rower struct {
	upload  string
	rows    *importer.FormatRows
	links   map[string]int    // link key → index in rows.Links
	byName  map[string]string // a company's name and key (as list ids) → its id
	parents []parent
}

type parent struct {
	name string
	link graph.Link
}

func (r *rower) source(rec csvrec.Record, evidence string) graph.Source {
	return graph.Source{Upload: r.upload, File: rec.File, Row: rec.Line, Evidence: evidence}
}

// link adds a link; one that the rows have (the same supplier, customer and
// start: several SII records of one sale) adds its record to the evidence.
func (r *rower) link(l graph.Link) {
	if i, ok := r.links[l.Key()]; ok {
		have := &r.rows.Links[i]
		have.Source.Evidence += fmt.Sprintf("; also line %d: %s", l.Source.Row, l.Source.Evidence)
		return
	}
	r.links[l.Key()] = len(r.rows.Links)
	r.rows.Links = append(r.rows.Links, l)
}

func (r *rower) warn(rec csvrec.Record, col, msg string) {
	r.rows.Warnings = append(r.rows.Warnings, rec.Issue(col, msg))
}

// country reads a country name, warning of one without an ISO code.
func (r *rower) country(rec csvrec.Record, col, v string) string {
	if v == "" {
		return ""
	}
	code, err := importer.ParseCountry(v)
	if err != nil || code == "" {
		r.warn(rec, col, fmt.Sprintf("%q has no ISO 3166 code; country left out", v))
		return ""
	}
	return code
}

// government returns the id of the government of the recipient country in
// col, implied with the record as its source, or "" with a warning naming
// the record when the country is blank or has no ISO code.
func (r *rower) government(rec csvrec.Record, col, what string) string {
	v := rec.Get(col)
	if v == "" {
		r.warn(rec, col, what+": no recipient country; the sale is not imported")
		return ""
	}
	code, err := importer.ParseCountry(v)
	if err != nil || code == "" {
		r.warn(rec, col, fmt.Sprintf("%s: the recipient country %q has no ISO 3166 code; the sale is not imported", what, v))
		return ""
	}
	return r.rows.ImplyGovernment(code, r.source(rec, what))
}

// year reads a partial date YYYY (or a full date) as a link's start: its
// first day (SPEC §2); "" with a warning when it is not a date.
func (r *rower) year(rec csvrec.Record, col string) string {
	d, err := importer.ParsePartialDate(rec.Get(col), importer.DateFormat{})
	if err != nil {
		r.warn(rec, col, err.Error()+"; date left out")
		return ""
	}
	return importer.StartOf(d)
}

// company: one manufacturer. Its name, HQ country (hq_country, else
// offices_in when that names a single country), city as its address,
// company_number as registration id, incorporation_date as founded at
// its precision; what the SII says besides (technology sold, website,
// CEO, founder, where it was found, public or private) is the record's
// evidence, shown with the entity's source, not invented entities.
func company(r *rower, rec csvrec.Record) {
	key, name := rec.Get("bibtex_key"), rec.Get("company_name")
	if name == "" {
		name = strings.ReplaceAll(strings.ReplaceAll(key, "_", " "), "-", " ")
	}
	if key == "" || name == "" {
		r.rows.Issues = append(r.rows.Issues, rec.Issue("bibtex_key", "a company without a key or a name"))
		return
	}
	e := graph.Entity{ID: ID(key), Kind: graph.Organization, Name: name, Role: "manufacturer",
		Address: rec.Get("hq_city"), RegistrationID: rec.Get("company_number")}
	e.Country = r.hq(rec)
	if v := rec.Get("incorporation_date"); v != "" {
		d, err := importer.ParsePartialDate(v, importer.DateFormat{})
		if err != nil {
			r.warn(rec, "incorporation_date", err.Error()+"; founded left out")
		}
		e.Founded = d
	}
	ev := []string{"Surveillance Industry Index company " + key}
	for _, c := range []struct{ col, label string }{
		{"technology_sold", "technology sold"}, {"website", "website"}, {"ceo", "CEO"}, {"founder", "founder"},
		{"offices_in", "offices in"}, {"found_in", "found in"}, {"public_private", "ownership"}, {"parent_company", "parent company"},
	} {
		if v := rec.Get(c.col); v != "" {
			ev = append(ev, c.label+": "+v)
		}
	}
	e.Source = r.source(rec, strings.Join(ev, "; "))
	r.rows.Entities = append(r.rows.Entities, e)
	r.byName[importer.ListID(name)], r.byName[importer.ListID(key)] = e.ID, e.ID
	if p := rec.Get("parent_company"); p != "" {
		l := graph.Link{Type: graph.Owns, To: e.ID,
			Source: r.source(rec, fmt.Sprintf("Surveillance Industry Index company %s: parent company %s", key, p))}
		if v := rec.Get("date_purchased_by_parent"); v != "" {
			d, err := purchaseDate(v)
			if err != nil {
				r.warn(rec, "date_purchased_by_parent", err.Error()+"; date left out")
			}
			l.ValidFrom = d
		}
		r.parents = append(r.parents, parent{p, l})
	}
}

// hq is a company's country: hq_country, else (blank, or a city such as
// "Paris" in it) offices_in when that names one country; a name without an
// ISO code is a warning naming the cell.
func (r *rower) hq(rec csvrec.Record) string {
	hq, off := rec.Get("hq_country"), rec.Get("offices_in")
	if off != "" && strings.ContainsAny(off, ",;") {
		off = ""
	}
	if hq != "" {
		code, err := importer.ParseCountry(hq)
		if err == nil && code != "" {
			return code
		}
		if alt, err := importer.ParseCountry(off); err == nil && alt != "" {
			r.warn(rec, "hq_country", fmt.Sprintf("%q has no ISO 3166 code; country %s taken from offices_in", hq, alt))
			return alt
		}
		return r.country(rec, "hq_country", hq)
	}
	return r.country(rec, "offices_in", off)
}

// purchaseDate reads a date as the SII writes it ("November 18 2011"), or
// any date or partial date the importer reads, as a start.
func purchaseDate(v string) (string, error) {
	for _, layout := range []string{"January 2 2006", "January 2, 2006", "2 January 2006", "January 2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	d, err := importer.ParsePartialDate(v, importer.DateFormat{})
	return importer.StartOf(d), err
}

// sale: "X Sales to Country", record id, order year when the id has it.
// The company is the companies file's (sii-<key>), implied from this row's
// name and HQ country when that file is not in the upload or the store.
func sale(r *rower, rec csvrec.Record) {
	key, id := rec.Get("company_bibtex_key"), rec.Get("sale_record_id")
	what := fmt.Sprintf("Surveillance Industry Index sale %q (%s)", rec.Get("sale_title"), id)
	if key == "" {
		r.rows.Issues = append(r.rows.Issues, rec.Issue("company_bibtex_key", what+": a sale without its company"))
		return
	}
	gov := r.government(rec, "recipient_country", what)
	if gov == "" {
		return
	}
	from := ID(key)
	name := rec.Get("company_name")
	if name == "" {
		name = key
	}
	r.rows.Imply(graph.Entity{ID: from, Kind: graph.Organization, Name: name, Role: "manufacturer",
		Country: r.quietCountry(rec.Get("company_hq_country")), Source: r.source(rec, what)})
	r.link(graph.Link{Type: graph.Supplies, From: from, To: gov, ValidFrom: r.year(rec, "order_year_from_id"), Source: r.source(rec, what)})
}

// quietCountry is a country of an implied entity: the companies file
// warns of its unknown names, so here it is left out without a word.
func (r *rower) quietCountry(v string) string {
	code, err := importer.ParseCountry(v)
	if err != nil {
		return ""
	}
	return code
}

// transfer: one transfer of the SII's transfers data. The supplier may be
// two firms ("Gamma International, FinFisher") when its HQ column names as
// many countries; each is an organization implied by its name, which gives
// the companies file's id when the key is the name (sii-<name>). The
// end-user column mixes agencies, telecom operators and "Unknown multiple
// entities", separated by commas that also occur inside names, so it is
// kept in the evidence and the link goes to the government of the country.
func transfer(r *rower, rec csvrec.Record) {
	uid := rec.Get("unique_id")
	what := fmt.Sprintf("Surveillance Industry Index transfer %s", uid)
	for _, c := range []struct{ col, label string }{
		{"enduser", "end-user"}, {"goods", "goods"}, {"transfer_to_enduser_reported_as_complete", "reported complete"}, {"source_link", "source"},
	} {
		if v := rec.Get(c.col); v != "" {
			what += "; " + c.label + ": " + v
		}
	}
	supplier := rec.Get("supplier_company")
	if supplier == "" {
		r.warn(rec, "supplier_company", what+": no supplier; the transfer is not imported")
		return
	}
	gov := r.government(rec, "recipient_country", what)
	if gov == "" {
		return
	}
	names, hqs := []string{supplier}, []string{rec.Get("supplier_company_hq")}
	if n, h := splitComma(supplier), splitComma(hqs[0]); len(n) > 1 && len(n) == len(h) {
		names, hqs = n, h
	}
	from := r.year(rec, "order_year")
	for i, n := range names {
		id := ID(n)
		r.rows.Imply(graph.Entity{ID: id, Kind: graph.Organization, Name: n, Role: "manufacturer",
			Country: r.quietCountry(hqs[i]), Source: r.source(rec, what)})
		r.link(graph.Link{Type: graph.Supplies, From: id, To: gov, ValidFrom: from, Source: r.source(rec, what)})
	}
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
