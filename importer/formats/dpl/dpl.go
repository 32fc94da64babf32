// Package dpl reads the BIS Denied Persons List as BIS publishes it
// (dpl.txt): tab-separated, quoted, a header of Name, Street_Address, City,
// State, Country, Postal_Code, Effective_Date, Expiration_Date,
// Standard_Order, Last_Update, Action, FR_Citation, dates as MM/DD/YYYY.
// Each name is one entity on us_bis_denied (its rows, one an address, are
// its addresses), each row a listing with its order's dates.
package dpl

import (
	"context"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/csvrec"
)

// ListID is the list the denied persons are on.
const ListID = "us_bis_denied"

// Format is the Denied Persons List reader.
type Format struct{}

// Name implements importer.Format.
func (Format) Name() string { return "BIS Denied Persons List" }

var header = []string{"name", "street_address", "city", "country", "effective_date", "expiration_date", "fr_citation"}

// Detect implements importer.Format: a tab-separated header with the
// list's name, address, date and citation columns.
func (Format) Detect(f importer.File) bool {
	h, err := csvrec.ReadHeader(f.Data, '\t')
	return err == nil && csvrec.NewHeader(h).Has(header...)
}

var mdy, _ = importer.ParseDateFormat("MM/DD/YYYY")

// Read implements importer.Format.
func (Format) Read(ctx context.Context, upload string, files []importer.File) (importer.FormatRows, error) {
	list, _ := importer.KnownList(ListID)
	at := map[string]int{}     // entity id → its index in rows.Entities
	orders := map[string]int{} // listing key → its index in rows.Listings
	return csvrec.Rows(ctx, files, csvrec.Options{Comma: '\t', Header: true}, func(rec csvrec.Record, rows *importer.FormatRows) {
		rows.Records[rec.File]++
		name := rec.Get("name")
		if name == "" {
			rows.Issues = append(rows.Issues, rec.Issue("name", "a record without a name"))
			return
		}
		src := graph.Source{Upload: upload, File: rec.File, Row: rec.Line, Evidence: "BIS Denied Persons List: " + name}
		if len(rows.Lists) == 0 {
			list.Source = src
			rows.AddList(list)
		}
		address := join(", ", rec.Get("street_address"), rec.Get("city"), rec.Get("state"), rec.Get("postal_code"), rec.Get("country"))
		id, kind := ListID+"-"+importer.ListID(name), kindOf(name)
		if _, ok := at[id]; !ok {
			e := graph.Entity{ID: id, Kind: kind, Name: name, Country: country(rec, rows), Source: src}
			at[id] = len(rows.Entities)
			rows.Entities = append(rows.Entities, e)
		}
		e := &rows.Entities[at[id]]
		if kind == graph.Organization {
			e.Address = addTo(e.Address, address)
		}
		from, to := csvrec.ListedDates(rec, "effective_date", "expiration_date", mdy, rows)
		program := ""
		if strings.EqualFold(rec.Get("standard_order"), "Y") {
			program = "standard order"
		}
		l := graph.Listing{Entity: id, List: ListID, Program: program, Authority: list.Authority, ListedFrom: from, ListedTo: to, Source: src}
		reason := rec.Get("action")
		if c := rec.Get("fr_citation"); c != "" {
			reason = join(" ", reason, "("+c+")")
		}
		// One order, one listing: the rows of its other addresses add
		// them to it (a person's address is kept with the order only).
		if i, ok := orders[l.Key()]; ok {
			l = rows.Listings[i]
		} else {
			orders[l.Key()] = len(rows.Listings)
			l.Reason = reason
			rows.Listings = append(rows.Listings, l)
		}
		if kind == graph.Person && address != "" {
			rows.Listings[orders[l.Key()]].Reason = addTo(l.Reason, "address: "+address)
		}
	})
}

// country is the Country column; a US address states its state only.
func country(rec csvrec.Record, rows *importer.FormatRows) string {
	if c := rec.Get("country"); c != "" {
		code, err := importer.ParseCountry(c)
		if err != nil {
			rows.Warnings = append(rows.Warnings, rec.Issue("country", err.Error()+"; country left out"))
		}
		return code
	}
	if rec.Get("state") != "" {
		return "US"
	}
	return ""
}

// kindOf tells a firm from a person by its name, as the list does not: a
// legal form (LLC, Ltd, GmbH…) or a word only firms have in their names.
func kindOf(name string) graph.Kind {
	for _, w := range graph.NameWords(name) {
		if graph.IsLegalForm(w) || firmWords[w] {
			return graph.Organization
		}
	}
	return graph.Person
}

var firmWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`company companies corporation corp co inc incorporated trading trade traders
		airline airlines aviation air cargo freight logistics shipping transport transportation express
		group holding holdings industries industry international enterprise enterprises technology technologies
		tech technik electronics electronic systems engineering export exports import imports services service
		solutions supply supplies lab labs laboratory laboratories institute university bank partners associates
		center centre agency office ministry factory works manufacturing network networks web digital global
		products equipment machinery components instruments marine energy petroleum oil chemical chemicals
		development investment investments consulting research sales store shop
		sl sa ag ab bv srl spa sarl fze fzc fzco pte anstalt commercio comercial vertrieb vertriebs handel`) {
		m[w] = true
	}
	return m
}()

// addTo adds part to a "; "-separated text unless it is there.
func addTo(text, part string) string {
	if part == "" || strings.Contains(text, part) {
		return text
	}
	return join("; ", text, part)
}

func join(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
