// Package graphtest is the conformance suite every graph.Store must pass:
// the executable specification of the Store interface and of the exposure
// rules as a store answers them. Each store's test calls RunTests with a
// constructor that returns a fresh, empty store.
package graphtest

import (
	"context"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// Builder assembles an upload tersely, for tests.
type Builder struct {
	u   graph.Upload
	row int
}

// NewBuilder starts an upload with the given id.
func NewBuilder(upload string) *Builder {
	return &Builder{u: graph.Upload{ID: upload, Files: []string{"test.xlsx"}}}
}

func (b *Builder) src(sheet string) graph.Source {
	b.row++
	return graph.Source{Upload: b.u.ID, File: "test.xlsx", Sheet: sheet, Row: b.row + 1}
}

// Yes and No are restrictive flags.
var (
	Yes = func() *bool { v := true; return &v }()
	No  = func() *bool { v := false; return &v }()
)

// Pct returns a pointer to a percentage.
func Pct(v float64) *float64 { return &v }

// Country adds a country with an assessment without a year; restrictive may be nil.
func (b *Builder) Country(code string, restrictive *bool) *Builder {
	return b.Assess(code, 0, restrictive)
}

// Assess adds a country's assessment for a year (0: without one).
func (b *Builder) Assess(code string, year int, restrictive *bool) *Builder {
	src := b.src("Countries")
	b.u.Countries = append(b.u.Countries, graph.Country{Code: code, Name: "Country " + code, Source: src,
		Assessments: []graph.CountryAssessment{{Year: year, Restrictive: restrictive, Source: src}}})
	return b
}

// List adds a list.
func (b *Builder) List(id, authority string) *Builder {
	b.u.Lists = append(b.u.Lists, graph.List{ID: id, Name: "List " + id, Authority: authority, Source: b.src("Lists")})
	return b
}

// Listed adds a listing of entity on list under program, from and to
// (either may be empty).
func (b *Builder) Listed(entity, list, program, from, to string) *Builder {
	return b.Listing(graph.Listing{Entity: entity, List: list, Program: program, ListedFrom: from, ListedTo: to})
}

// Listing adds a listing as given, with a source.
func (b *Builder) Listing(l graph.Listing) *Builder {
	l.Source = b.src("Listings")
	b.u.Listings = append(b.u.Listings, l)
	return b
}

// Org adds an organization.
func (b *Builder) Org(id, country string) *Builder {
	b.u.Entities = append(b.u.Entities, graph.Entity{ID: id, Kind: graph.Organization, Name: "Org " + id, Country: country, Source: b.src("Organizations")})
	return b
}

// Person adds a person.
func (b *Builder) Person(id, country string) *Builder {
	b.u.Entities = append(b.u.Entities, graph.Entity{ID: id, Kind: graph.Person, Name: "Person " + id, Country: country, Source: b.src("Persons")})
	return b
}

// Gov adds a government body; restrictive may be nil (follow the country).
func (b *Builder) Gov(id, country string, restrictive *bool) *Builder {
	b.u.Entities = append(b.u.Entities, graph.Entity{ID: id, Kind: graph.GovernmentBody, Name: "Body " + id, Country: country,
		BodyKind: "ministry", Restrictive: restrictive, Source: b.src("Government bodies")})
	return b
}

// Entity adds an entity as given, with a source.
func (b *Builder) Entity(e graph.Entity) *Builder {
	e.Source = b.src("Entities")
	b.u.Entities = append(b.u.Entities, e)
	return b
}

// Link adds a link from → to.
func (b *Builder) Link(t graph.LinkType, from, to string) *Builder {
	return b.LinkWith(graph.Link{Type: t, From: from, To: to})
}

// Owns adds an OWNS link with a percent (nil: unknown).
func (b *Builder) Owns(owner, owned string, percent *float64) *Builder {
	return b.LinkWith(graph.Link{Type: graph.Owns, From: owner, To: owned, Percent: percent})
}

// LinkWith adds a link as given, with a source.
func (b *Builder) LinkWith(l graph.Link) *Builder {
	l.Source = b.src("Links")
	l.Source.Evidence = "stated in test row"
	b.u.Links = append(b.u.Links, l)
	return b
}

// Tx adds a transaction.
func (b *Builder) Tx(t graph.Transaction) *Builder {
	t.Source = b.src("Transactions")
	b.u.Transactions = append(b.u.Transactions, t)
	return b
}

// Upload returns the upload built so far.
func (b *Builder) Upload() graph.Upload { return b.u }

// MustApply writes the upload to the store or fails the test.
func (b *Builder) MustApply(tb testing.TB, s graph.Store) graph.WriteResult {
	tb.Helper()
	res, err := s.Apply(context.Background(), b.u, nil)
	if err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	return res
}
