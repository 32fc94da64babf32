package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// ref is a reference to an entity as written in a cell, resolved later.
type ref struct {
	value string
	id    string
	kind  graph.Kind
	// Where it was written, for errors (issue): the Issue itself is made
	// only for one, not for each of a million links' two ends.
	s   *sheet
	row int
	col string
}

// issue is an Issue with msg at the cell the reference was read from.
func (x *ref) issue(msg string) Issue {
	if x.s == nil {
		return Issue{Message: msg}
	}
	return x.s.issue(x.row, x.col, msg)
}

type entityRow struct {
	e      graph.Entity
	parent *ref
}

type countryRow struct{ c graph.Country }

type linkRow struct {
	l        graph.Link
	from, to *ref
}

type txRow struct {
	t                      graph.Transaction
	buyer, seller, endUser *ref
}

func (r *reader) handleRow(s *sheet, row int, cells []string) {
	c := &rowCtx{r: r, s: s, row: row, cells: cells}
	c.unnamedData()
	switch s.kind.Table {
	case Organizations:
		r.entityRow(c, graph.Organization)
	case Persons:
		r.entityRow(c, graph.Person)
	case GovernmentBodies:
		r.entityRow(c, graph.GovernmentBody)
	case Countries:
		r.countryRow(c)
	case Links:
		r.linkRow(c)
	case Transactions:
		r.txRow(c)
	case Listings:
		r.listingRow(c)
	case Identity:
		r.identityRow(c)
	}
}

func (r *reader) entityRow(c *rowCtx, kind graph.Kind) {
	e := graph.Entity{Kind: kind, ID: c.get("id"), Name: c.need("name"), Aliases: ParseAliases(c.get("aliases")), Source: c.source()}
	if kind == graph.GovernmentBody {
		e.Country = c.country("country")
		if c.get("country") == "" {
			c.fail("country", "country is required for a government body")
		}
	} else {
		e.Country = c.country("country")
	}
	var row entityRow
	switch kind {
	case graph.Organization:
		e.Role = c.s.kind.Role
		if v := c.get("role"); v != "" {
			role, ok := parseEnum(strings.TrimSuffix(strings.ToLower(v), "s"), Roles)
			if !ok {
				role, ok = parseEnum(v, Roles)
			}
			if !ok {
				c.fail("role", fmt.Sprintf("unknown role %q (expected %s)", v, strings.Join(Roles, ", ")))
			}
			e.Role = role
		}
		e.RegistrationID = c.get("registration_id")
		e.Address = c.get("address")
		e.Founded = c.partialDate("founded")
	case graph.Person:
		e.Position = c.get("position")
	case graph.GovernmentBody:
		if v := c.get("kind"); v != "" {
			k, ok := parseEnum(v, BodyKinds)
			if !ok {
				c.fail("kind", fmt.Sprintf("unknown kind %q (expected %s)", v, strings.Join(BodyKinds, ", ")))
			}
			e.BodyKind = k
		}
		b, err := ParseBool(c.get("restrictive"))
		if err != nil {
			c.fail("restrictive", err.Error())
		}
		e.Restrictive = b
		e.Basis = c.get("basis")
		row.parent = c.ref("parent")
	}
	if c.bad {
		return
	}
	generated := e.ID == ""
	if generated {
		e.ID = EntityID(kind, e.Country, e.Name)
	}
	row.e = e
	if prev, ok := r.byID[e.ID]; ok {
		if sameEntity(prev, &row) {
			c.warn("", fmt.Sprintf("repeats %s (same id %s); read once", rowName(prev.e.Source), e.ID))
			return
		}
		if generated {
			c.fail("id", fmt.Sprintf("same name and country as the different entity at %s, so the same id %s; give the rows ids, or countries, or make them identical", rowName(prev.e.Source), e.ID))
			return
		}
		c.fail("id", fmt.Sprintf("id %s is also given to a different entity at %s; give each entity its own id or make the rows identical", e.ID, rowName(prev.e.Source)))
		return
	}
	r.byID[e.ID] = &row
	r.entities = append(r.entities, &row)
}

func sameEntity(a, b *entityRow) bool {
	x, y := a.e, b.e
	x.Source, y.Source = graph.Source{}, graph.Source{}
	pa, pb := "", ""
	if a.parent != nil {
		pa = a.parent.value
	}
	if b.parent != nil {
		pb = b.parent.value
	}
	return reflect.DeepEqual(x, y) && pa == pb
}

// rowName names a row for messages that point at another row.
func rowName(s graph.Source) string {
	if s.Sheet != "" {
		return fmt.Sprintf("sheet %q row %d", s.Sheet, s.Row)
	}
	return fmt.Sprintf("file %q row %d", s.File, s.Row)
}

func (r *reader) countryRow(c *rowCtx) {
	raw := c.need("country")
	code := ""
	if raw != "" {
		var err error
		if code, err = ParseCountry(raw); err != nil {
			if t := strings.ToLower(strings.TrimSpace(c.get("territory"))); t == "t" || t == "territory" {
				c.warn("country", fmt.Sprintf("territory %q has no ISO 3166 code; row skipped", raw))
				return
			}
			c.fail("country", err.Error())
		}
	}
	restrictive, err := ParseBool(c.get("restrictive"))
	score := c.number("score")
	if err != nil {
		c.fail("restrictive", err.Error())
	} else if restrictive == nil {
		if restrictive = c.r.countryRule().Restrictive(c.get("status"), score); restrictive == nil {
			c.fail("restrictive", "restrictive is required (yes or no), or a Freedom in the World status or score")
		}
	}
	basis := c.get("basis")
	if basis == "" && c.get("status") != "" {
		basis = "Freedom in the World status " + c.get("status")
		if score != nil {
			basis += fmt.Sprintf(", score %g", *score)
		}
	}
	year := 0
	if raw := c.get("year"); raw != "" {
		y, err := strconv.Atoi(strings.TrimSuffix(raw, ".0"))
		if err != nil || y < 1800 || y > 2200 {
			c.fail("year", fmt.Sprintf("year %q is not a year such as 2023", raw))
		}
		year = y
	}
	as := graph.CountryAssessment{Year: year, Restrictive: restrictive, Score: score, Basis: basis, Source: c.source()}
	co := graph.Country{Code: code, Name: c.get("name"), Assessments: []graph.CountryAssessment{as}, Source: c.source()}
	if co.Name == "" {
		co.Name = CountryName(code)
	}
	if c.bad {
		return
	}
	key := fmt.Sprintf("%s|%d", code, year)
	if prev, ok := r.byYear[key]; ok {
		x, y := prev.c, co
		x.Source, y.Source = graph.Source{}, graph.Source{}
		x.Assessments[0].Source, y.Assessments[0].Source = graph.Source{}, graph.Source{}
		if !reflect.DeepEqual(x, y) {
			what := code
			if year != 0 {
				what = fmt.Sprintf("%s in %d", code, year)
			}
			c.fail("country", fmt.Sprintf("%s is also assessed differently at %s", what, rowName(prev.c.Source)))
		}
		return
	}
	row := &countryRow{c: co}
	r.byYear[key] = row
	r.byCode[code] = row
	r.countries = append(r.countries, row)
}

type listingRow struct {
	l      graph.Listing
	entity *ref
}

func (r *reader) listingRow(c *rowCtx) {
	entity := c.ref("entity")
	if entity == nil {
		c.fail("entity", "entity is required")
	}
	name := c.need("list")
	l := graph.Listing{List: ListID(name), Program: c.get("program"), Authority: c.get("authority"),
		ListedFrom: c.startDate("listed_from"), ListedTo: c.endDate("listed_to"), Reason: c.get("reason"), Source: c.source()}
	if l.ListedFrom != "" && l.ListedTo != "" && l.ListedTo < l.ListedFrom {
		c.fail("listed_to", fmt.Sprintf("listed_to %s is before listed_from %s", l.ListedTo, l.ListedFrom))
	}
	if c.bad {
		return
	}
	r.noteList(name, l.Authority, l.Source)
	r.listings = append(r.listings, &listingRow{l: l, entity: entity})
}

func (r *reader) linkRow(c *rowCtx) {
	l := graph.Link{Source: c.source()}
	l.Source.Evidence = c.get("evidence")
	from, to := c.ref("from"), c.ref("to")
	if from == nil {
		c.fail("from", "from is required")
	}
	if to == nil {
		c.fail("to", "to is required")
	}
	if v := c.get("type"); v != "" {
		t, ok := parseLinkType(v)
		if !ok {
			c.fail("type", fmt.Sprintf("unknown link type %q (expected %s)", v, strings.Join(LinkNames, ", ")))
		}
		l.Type = t
	} else if c.s.kind.LinkType != "" {
		l.Type = c.s.kind.LinkType
	} else {
		c.fail("type", "type is required")
	}
	p, err := ParsePercent(c.get("percent"))
	if err != nil {
		c.fail("percent", err.Error())
	}
	if p != nil {
		c.s.percents++
		if *p <= 1 {
			if c.s.fractions == 0 {
				c.s.firstPercent = c.row
			}
			c.s.fractions++
		}
		if l.Type != "" && l.Type != graph.Owns {
			c.warn("percent", fmt.Sprintf("a percentage only applies to owns links; ignored for %s", strings.ToLower(string(l.Type))))
			p = nil
		}
	}
	l.Percent = p
	l.Role = c.get("role")
	l.ValidFrom = c.startDate("valid_from")
	l.ValidTo = c.endDate("valid_to")
	if l.ValidFrom != "" && l.ValidTo != "" && l.ValidTo < l.ValidFrom {
		c.fail("valid_to", fmt.Sprintf("valid_to %s is before valid_from %s", l.ValidTo, l.ValidFrom))
	}
	if c.bad {
		return
	}
	r.links = append(r.links, &linkRow{l: l, from: from, to: to})
}

func (r *reader) txRow(c *rowCtx) {
	t := graph.Transaction{ID: c.need("id"), Source: c.source()}
	if c.get("date") == "" {
		c.fail("date", "date is required")
	} else {
		t.Date = c.date("date")
	}
	buyer := c.ref("buyer")
	if buyer == nil {
		c.fail("buyer", "buyer is required")
	}
	seller, endUser := c.ref("seller"), c.ref("end_user")
	t.ShipTo = c.country("ship_to")
	t.Product = c.get("product")
	t.Capability = c.get("capability")
	t.Quantity = c.number("quantity")
	if t.Quantity != nil && *t.Quantity < 0 {
		c.fail("quantity", "quantity is negative")
	}
	t.Value = c.number("value")
	if v := c.get("currency"); v != "" {
		cur, ok := parseCurrency(v)
		if !ok {
			c.fail("currency", fmt.Sprintf("unknown currency %q (expected a three-letter code such as USD)", v))
		}
		t.Currency = cur
	}
	if c.bad {
		return
	}
	row := &txRow{t: t, buyer: buyer, seller: seller, endUser: endUser}
	if prev, ok := r.txByID[t.ID]; ok {
		x, y := prev.t, t
		x.Source, y.Source = graph.Source{}, graph.Source{}
		same := reflect.DeepEqual(x, y) && refValue(prev.buyer) == refValue(buyer) &&
			refValue(prev.seller) == refValue(seller) && refValue(prev.endUser) == refValue(endUser)
		if !same {
			c.fail("id", fmt.Sprintf("transaction %s is also given at %s with different values", t.ID, rowName(prev.t.Source)))
		}
		return
	}
	r.txByID[t.ID] = row
	r.txs = append(r.txs, row)
}

func refValue(r *ref) string {
	if r == nil {
		return ""
	}
	return r.value
}

func parseCurrency(s string) (string, bool) {
	switch strings.TrimSpace(s) {
	case "$":
		return "USD", true
	case "€":
		return "EUR", true
	case "£":
		return "GBP", true
	}
	u := strings.ToUpper(strings.TrimSpace(s))
	if len(u) != 3 {
		return "", false
	}
	for _, r := range u {
		if r < 'A' || r > 'Z' {
			return "", false
		}
	}
	return u, true
}

// idPrefix is the id prefix of each kind.
var idPrefix = map[graph.Kind]string{graph.Organization: "org", graph.Person: "per", graph.GovernmentBody: "gov"}

// maxSlug bounds the name part of generated ids.
const maxSlug = 48

// EntityID is the id given to an entity row without one: kind prefix
// (org, per, gov), country (lower case, "xx" when unknown) and the name's
// NameKey with "-" for spaces, e.g. org-cn-orion-tech. Long names are cut
// at a word and get a short hash of the whole key, so ids stay distinct.
func EntityID(kind graph.Kind, country, name string) string {
	cc := strings.ToLower(country)
	if cc == "" {
		cc = "xx"
	}
	key := graph.NameKey(name)
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	slug := strings.Trim(b.String(), "-")
	sum := sha256.Sum256([]byte(key))
	hash := hex.EncodeToString(sum[:])[:6]
	switch {
	case slug == "":
		slug = hash
	case len(slug) > maxSlug:
		cut := slug[:maxSlug-7]
		if i := strings.LastIndexByte(cut, '-'); i > maxSlug/2 {
			cut = cut[:i]
		}
		slug = strings.Trim(cut, "-") + "-" + hash
	}
	return idPrefix[kind] + "-" + cc + "-" + slug
}
