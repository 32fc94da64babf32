package importer

import (
	"slices"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Table is the kind of rows a sheet holds (SPEC §2).
type Table string

// The tables.
const (
	Organizations    Table = "organizations"
	Persons          Table = "persons"
	GovernmentBodies Table = "government_bodies"
	Countries        Table = "countries"
	Links            Table = "links"
	Transactions     Table = "transactions"
	Listings         Table = "listings"
	Identity         Table = "identity" // identity decisions (SPEC §1 "Identity")
)

// Tables lists the tables in the order the template shows them.
var Tables = []Table{Organizations, Persons, GovernmentBodies, Countries, Links, Transactions, Listings, Identity}

// columns lists each table's canonical columns in order; required ones are
// marked in required.
var columns = map[Table][]string{
	Organizations:    {"id", "name", "aliases", "country", "role", "registration_id", "address", "founded"},
	Persons:          {"id", "name", "aliases", "country", "position"},
	GovernmentBodies: {"id", "name", "aliases", "country", "kind", "parent", "restrictive", "basis"},
	Countries:        {"country", "restrictive", "name", "score", "basis", "year", "status", "territory"},
	Links:            {"from", "to", "type", "percent", "role", "valid_from", "valid_to", "evidence"},
	Transactions:     {"id", "date", "buyer", "seller", "end_user", "ship_to", "product", "capability", "quantity", "value", "currency"},
	Listings:         {"entity", "list", "program", "authority", "listed_from", "listed_to", "reason"},
	Identity:         {"a", "b", "decision", "note", "decided_by", "decided_at"},
}

var required = map[Table][]string{
	Organizations:    {"name"},
	Persons:          {"name"},
	GovernmentBodies: {"name", "country"},
	Countries:        {"country", "restrictive"},
	Links:            {"from", "to", "type"},
	Transactions:     {"id", "date", "buyer"},
	Listings:         {"entity", "list"},
	Identity:         {"a", "b", "decision"},
}

// Columns returns the canonical columns of a table, in order.
func (t Table) Columns() []string { return columns[t] }

// Required reports whether column is required in the table.
func (t Table) Required(column string) bool {
	for _, c := range required[t] {
		if c == column {
			return true
		}
	}
	return false
}

func (t Table) has(column string) bool {
	for _, c := range columns[t] {
		if c == column {
			return true
		}
	}
	return false
}

// Enumerations of SPEC §1.
var (
	Roles      = []string{"manufacturer", "distributor", "reseller", "integrator", "holding", "other"}
	BodyKinds  = []string{"government", "ministry", "police", "intelligence", "military", "regulator", "state_enterprise", "other"}
	LinkNames  = []string{"owns", "controls", "supplies", "part_of", "officer_of", "related_to", "agent_of"}
	yesNoNames = []string{"yes", "no"}
)

// SheetKind is what a sheet holds: a table, and for preset sheets such as
// "Distributors" or "Shareholders" a default role or link type.
type SheetKind struct {
	Table    Table          `json:"table"`
	Role     string         `json:"role,omitempty"`      // organizations: default role
	LinkType graph.LinkType `json:"link_type,omitempty"` // links: default type
}

// norm reduces a sheet name, header or enumeration value to its matching
// form: lower case, without spaces, "_", "-", "*" and a "(required)" note.
func norm(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "(required)", "")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '_', '-', '*', '\u00a0', '\t', '\n', '\r', '.', '/', '\\', '(', ')', '[', ']', ':', '?', '\'', '"', ',', '#':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sheetKinds maps normalised sheet names to kinds.
var sheetKinds = map[string]SheetKind{}

func init() {
	add := func(k SheetKind, names ...string) {
		for _, n := range names {
			sheetKinds[norm(n)] = k
		}
	}
	add(SheetKind{Table: Organizations}, "organizations", "organisations", "organization", "organisation",
		"companies", "company", "entities", "orgs", "firms", "partners", "partner", "partner list", "counterparties",
		"counterparty", "business partners")
	for _, role := range []string{"distributor", "reseller", "manufacturer", "integrator"} {
		add(SheetKind{Table: Organizations, Role: role}, role, role+"s")
	}
	add(SheetKind{Table: Organizations, Role: "manufacturer"}, "vendors", "suppliers")
	add(SheetKind{Table: Organizations, Role: "holding"}, "holdings", "holding companies")
	add(SheetKind{Table: Persons}, "persons", "person", "people", "individuals", "individual", "directors",
		"officers", "owners", "beneficial owners", "officials")
	add(SheetKind{Table: GovernmentBodies}, "government_bodies", "government bodies", "government body",
		"government", "governments", "agencies", "authorities", "end users", "end-users", "public bodies")
	add(SheetKind{Table: Countries}, "countries", "country", "country risk", "countryrisk", "country assessments", "jurisdictions")
	add(SheetKind{Table: Links}, "links", "link", "relationships", "relations", "relationship", "edges")
	add(SheetKind{Table: Links, LinkType: graph.Owns}, "shareholders", "shareholdings", "ownership", "owners register",
		"ownership register", "shareholder register")
	add(SheetKind{Table: Links, LinkType: graph.Supplies}, "supply", "supply chain", "supplychain", "distribution",
		"distribution chain", "channel", "sales channel")
	add(SheetKind{Table: Links, LinkType: graph.Controls}, "control", "controls", "directorships", "board")
	add(SheetKind{Table: Links, LinkType: graph.OfficerOf}, "officer_of", "offices", "appointments")
	add(SheetKind{Table: Listings}, "listings", "listing", "sanctions", "sanctions list", "sanctions lists", "designations",
		"listed parties", "watchlist", "watch list", "restricted parties", "denied parties", "entity list")
	add(SheetKind{Table: Identity}, "identity", "identities", "identity decisions", "decisions", "entity resolution",
		"resolution", "resolutions", "same as", "same_as", "merges", "duplicates", "matches", "match decisions")
	add(SheetKind{Table: Transactions}, "transactions", "transaction", "sales", "ledger", "orders", "deals",
		"sales ledger", "shipments", "invoices")
}

// KindOf returns the kind a sheet or file name (or an explicit kind given at
// upload) stands for, matched case-insensitively ignoring spaces, "_" and
// "-". Table names and link-type presets ("owns", "supplies") are accepted
// too.
func KindOf(name string) (SheetKind, bool) {
	n := norm(name)
	if k, ok := sheetKinds[n]; ok {
		return k, true
	}
	for _, t := range Tables {
		if norm(string(t)) == n {
			return SheetKind{Table: t}, true
		}
	}
	if lt, ok := parseLinkType(n); ok {
		return SheetKind{Table: Links, LinkType: lt}, true
	}
	// Freedom House names its sheets by series and years: FIW13-23.
	if strings.HasPrefix(n, "fiw") || strings.HasPrefix(n, "freedomintheworld") {
		return SheetKind{Table: Countries}, true
	}
	return SheetKind{}, false
}

// linkTypes are the link types by their normalised names.
var linkTypes = func() map[string]graph.LinkType {
	m := map[string]graph.LinkType{}
	for _, t := range graph.LinkTypes {
		m[norm(string(t))] = t
	}
	return m
}()

func parseLinkType(s string) (graph.LinkType, bool) {
	if i := slices.Index(graph.LinkTypes, graph.LinkType(s)); i >= 0 {
		return graph.LinkTypes[i], true
	}
	t, ok := linkTypes[norm(s)]
	return t, ok
}

func parseEnum(s string, names []string) (string, bool) {
	// Most cells give a value as it is named: no need to normalise.
	if slices.Contains(names, s) {
		return s, true
	}
	n := norm(s)
	for _, v := range names {
		if norm(v) == n {
			return v, true
		}
	}
	return "", false
}

// headerSynonyms maps normalised headers to canonical columns, for every
// table that has the column. Table- and preset-specific ones are below.
var headerSynonyms = map[string]string{}

// tableSynonyms are synonyms that only hold in one table.
var tableSynonyms = map[Table]map[string]string{}

// presetSynonyms hold in links sheets of one default type.
var presetSynonyms = map[graph.LinkType]map[string]string{}

func init() {
	add := func(m map[string]string, col string, names ...string) {
		for _, n := range names {
			m[norm(n)] = col
		}
	}
	g := headerSynonyms
	add(g, "id", "id", "identifier", "ref", "reference id", "internal id", "entity id", "record id")
	add(g, "name", "name", "full name", "legal name", "entity name")
	add(g, "aliases", "aliases", "alias", "aka", "a.k.a.", "also known as", "other names", "alternative names",
		"alternate names", "trading names", "trading name", "former names")
	add(g, "country", "country", "country code", "jurisdiction", "country of incorporation",
		"country of registration", "iso country", "nationality", "country (iso)", "nation")
	add(g, "restrictive", "restrictive", "restricted", "is restrictive", "restrictive end user", "restrictive end-user")
	add(g, "basis", "basis", "reason", "rationale", "justification", "grounds")
	add(g, "percent", "percent", "percentage", "%", "share", "share %", "share%", "shares %", "shareholding",
		"shareholding %", "stake", "stake %", "ownership %", "ownership percent", "ownership percentage",
		"equity", "equity %", "interest %", "% owned", "percent owned")
	add(g, "valid_from", "valid from", "from date", "start date", "start", "since", "date from", "effective from")
	add(g, "valid_to", "valid to", "to date", "end date", "end", "until", "date to", "effective to")
	add(g, "evidence", "evidence", "source", "sources", "source url", "url", "link to source", "citation")
	add(g, "from", "from", "from id", "from entity", "subject")
	add(g, "to", "to", "to id", "to entity", "target", "object")
	add(g, "date", "date", "order date", "transaction date", "invoice date", "sale date", "deal date")
	add(g, "buyer", "buyer", "customer", "purchaser", "client", "sold to", "bill to")
	add(g, "seller", "seller", "vendor", "sold by", "exporter", "supplier", "supplier name", "seller name", "vendor name")
	add(g, "end_user", "end user", "enduser", "end-user", "ultimate end user", "final user", "ultimate consignee")
	add(g, "ship_to", "ship to", "ship-to", "ship to country", "destination", "destination country",
		"country of destination", "delivery country")
	add(g, "product", "product", "item", "product name", "model", "description", "goods")
	add(g, "capability", "capability", "capabilities", "technology", "surveillance capability", "tech category",
		"technology category", "capability category", "product category")
	add(g, "quantity", "quantity", "qty", "units", "count", "number of units")
	add(g, "value", "value", "amount", "total", "total value", "net value", "contract value", "price", "net amount",
		"gross amount", "total amount", "invoice amount", "order value", "deal value", "sale value")
	add(g, "currency", "currency", "ccy", "cur", "currency code")
	add(g, "registration_id", "registration id", "registration number", "registration no", "reg no", "reg number",
		"company number", "company no", "company registration number", "registry number")
	add(g, "address", "address", "registered address", "business address", "full address", "registered office")
	add(g, "founded", "founded", "incorporated", "incorporation date", "date of incorporation", "established",
		"founded date", "date founded", "founding date")
	add(g, "position", "position", "job title", "title", "function")
	add(g, "kind", "kind", "body kind", "body type", "agency type")
	add(g, "parent", "parent", "parent body", "parent agency", "part of", "reports to", "parent ministry")
	add(g, "role", "role")
	add(g, "type", "type", "link type", "relationship", "relationship type", "relation")
	add(g, "score", "score", "risk score", "rating", "risk rating")

	t := func(tb Table) map[string]string {
		if tableSynonyms[tb] == nil {
			tableSynonyms[tb] = map[string]string{}
		}
		return tableSynonyms[tb]
	}
	add(t(Organizations), "name", "company", "company name", "organization", "organisation",
		"organization name", "organisation name", "firm", "firm name", "entity")
	add(t(Organizations), "role", "business role", "company role", "company type", "business type", "category")
	add(t(Persons), "name", "person", "person name", "individual", "director", "officer", "full name")
	add(t(Persons), "position", "role")
	add(t(GovernmentBodies), "name", "body", "body name", "agency", "agency name", "authority", "government body",
		"end user name", "organisation", "organization")
	add(t(GovernmentBodies), "kind", "type", "category")
	add(t(Countries), "country", "code", "iso", "iso2", "iso code", "alpha2", "alpha-2", "country iso")
	add(t(Countries), "country", "country/territory", "country or territory")
	add(t(Countries), "name", "country name")
	add(t(Countries), "year", "year", "edition", "survey edition", "assessment year")
	add(t(Countries), "status", "status", "fiw status", "freedom status", "freedom in the world status")
	add(t(Countries), "score", "total", "total score", "fiw score", "global score", "aggregate score")
	add(t(Countries), "territory", "territory", "c/t", "country or territory flag")
	add(t(Listings), "entity", "entity", "name", "party", "listed party", "entity name", "listed entity", "subject", "designee")
	add(t(Listings), "list", "list", "list name", "list id", "sanctions list", "source list", "source")
	add(t(Listings), "program", "program", "programme", "programs", "programmes", "regime", "sanctions program", "sanctions regime", "program key")
	add(t(Listings), "authority", "authority", "issuer", "listing authority", "imposed by", "issuing authority")
	add(t(Listings), "listed_from", "listed from", "listed on", "date listed", "listing date", "designation date",
		"designated", "date designated", "start date", "since")
	add(t(Listings), "listed_to", "listed to", "delisted", "delisting date", "date delisted", "end date", "until")
	add(t(Listings), "reason", "reason", "reasons", "grounds", "statement of reasons", "remarks", "basis")
	add(t(Identity), "a", "a", "entity a", "first", "first entity", "entity", "entity 1", "entity1", "id a", "left", "record a", "record 1")
	add(t(Identity), "b", "b", "entity b", "second", "second entity", "other", "other entity", "entity 2", "entity2", "id b", "right",
		"record b", "record 2", "same as", "duplicate of", "candidate")
	add(t(Identity), "decision", "decision", "identity", "verdict", "outcome", "resolution", "same", "match", "judgement", "judgment")
	add(t(Identity), "note", "note", "notes", "comment", "comments", "reason", "why", "remarks", "rationale")
	add(t(Identity), "decided_by", "decided by", "by", "reviewer", "reviewed by", "investigator", "analyst", "who")
	add(t(Identity), "decided_at", "decided at", "decided on", "date", "decision date", "when", "reviewed at", "reviewed on", "time", "timestamp")
	add(t(Transactions), "id", "transaction id", "order id", "order no", "order number", "invoice", "invoice no",
		"invoice number", "deal id", "reference", "transaction", "deal #", "deal no", "deal number", "deal ref",
		"transaction #", "transaction no", "transaction number", "order #")
	add(t(Transactions), "ship_to", "country", "country of destination", "nation")

	p := func(lt graph.LinkType) map[string]string {
		if presetSynonyms[lt] == nil {
			presetSynonyms[lt] = map[string]string{}
		}
		return presetSynonyms[lt]
	}
	add(p(graph.Owns), "from", "owner", "owner name", "shareholder", "shareholder name", "parent", "parent company",
		"holder", "investor", "beneficial owner")
	add(p(graph.Owns), "to", "company", "company name", "owned", "owned company", "owned entity", "subsidiary",
		"investee", "entity")
	add(p(graph.Supplies), "from", "supplier", "seller", "vendor", "distributor", "manufacturer")
	add(p(graph.Supplies), "to", "customer", "buyer", "reseller", "client", "recipient")
	add(p(graph.Controls), "from", "controller", "director", "manager", "person")
	add(p(graph.Controls), "to", "company", "controlled", "controlled company", "entity")
	add(p(graph.OfficerOf), "from", "officer", "person", "official")
	add(p(graph.OfficerOf), "to", "body", "organisation", "organization", "agency", "company")
}

// headerColumn returns the canonical column a header stands for in a sheet
// of kind k, "" when it matches nothing. Preset synonyms win over table
// synonyms, which win over general ones.
func headerColumn(k SheetKind, header string) string {
	n := norm(header)
	if k.LinkType != "" {
		if c, ok := presetSynonyms[k.LinkType][n]; ok {
			return c
		}
	}
	if c, ok := tableSynonyms[k.Table][n]; ok {
		return c
	}
	if c, ok := headerSynonyms[n]; ok && k.Table.has(c) {
		return c
	}
	return ""
}

// synonymsOf lists the headers accepted for a column in a kind, for docs
// and the UI.
func synonymsOf(k SheetKind, column string) []string {
	var out []string
	for _, m := range []map[string]string{presetSynonyms[k.LinkType], tableSynonyms[k.Table], headerSynonyms} {
		for h, c := range m {
			if c == column && headerColumn(k, h) == column {
				out = append(out, h)
			}
		}
	}
	sort.Strings(out)
	return out
}
