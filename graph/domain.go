package graph

import "time"

// Kind is the kind of an entity.
type Kind string

// The three kinds of entity of SPEC §1.
const (
	Organization   Kind = "organization"
	Person         Kind = "person"
	GovernmentBody Kind = "government_body"
)

// Kinds lists every entity kind in a fixed order.
var Kinds = []Kind{Organization, Person, GovernmentBody}

// Label is the Neo4j label of the kind (besides Entity): Organization,
// Person or GovernmentBody.
func (k Kind) Label() string {
	switch k {
	case Organization:
		return "Organization"
	case Person:
		return "Person"
	case GovernmentBody:
		return "GovernmentBody"
	}
	return ""
}

// Valid reports whether k is one of the three kinds.
func (k Kind) Valid() bool { return k.Label() != "" }

// Source says where a fact came from: the upload, file, sheet and row that
// stated it, and the row's evidence text. Nothing is stored without one.
type Source struct {
	Upload   string `json:"upload"`
	File     string `json:"file"`
	Sheet    string `json:"sheet,omitempty"`
	Row      int    `json:"row"`
	Evidence string `json:"evidence,omitempty"`
}

// Entity is an organization, person or government body.
// Fields that do not apply to the entity's kind stay empty.
type Entity struct {
	ID      string   `json:"id"`
	Kind    Kind     `json:"kind"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
	Country string   `json:"country,omitempty"` // ISO 3166-1 alpha-2

	// Organization.
	Role           string `json:"role,omitempty"` // manufacturer, distributor, reseller, integrator, holding, other
	RegistrationID string `json:"registration_id,omitempty"`
	Address        string `json:"address,omitempty"`
	Founded        string `json:"founded,omitempty"` // YYYY, YYYY-MM or YYYY-MM-DD: kept at its precision

	// Person.
	Position string `json:"position,omitempty"`

	// Government body.
	BodyKind    string `json:"body_kind,omitempty"`   // ministry, police, intelligence, military, regulator, state_enterprise, other
	Restrictive *bool  `json:"restrictive,omitempty"` // nil: follow the country
	Basis       string `json:"basis,omitempty"`

	Source Source `json:"source"`
}

// Ref is the short form of an entity used in paths and exposures.
type Ref struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	Label   string `json:"label,omitempty"`
}

// Ref returns the short form of e.
func (e Entity) Ref() Ref {
	return Ref{ID: e.ID, Name: e.Name, Country: e.Country, Label: e.Kind.Label()}
}

// LinkType is a relationship type of the public schema.
type LinkType string

// The seven entity link types of SPEC §1.
const (
	Owns      LinkType = "OWNS"
	Controls  LinkType = "CONTROLS"
	Supplies  LinkType = "SUPPLIES"
	PartOf    LinkType = "PART_OF"
	OfficerOf LinkType = "OFFICER_OF"
	RelatedTo LinkType = "RELATED_TO"
	AgentOf   LinkType = "AGENT_OF"
)

// LinkTypes lists every entity link type in a fixed order.
var LinkTypes = []LinkType{Owns, Controls, Supplies, PartOf, OfficerOf, RelatedTo, AgentOf}

// Valid reports whether t is one of the seven link types.
func (t LinkType) Valid() bool {
	for _, v := range LinkTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Link is a directed relationship between two entities.
type Link struct {
	Type    LinkType `json:"type"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Percent *float64 `json:"percent,omitempty"` // OWNS: 0–100, nil when unknown; of a range, its minimum
	// PercentMax is the top of a range of shares (BODS 75–100%); the rules
	// use Percent, the minimum.
	PercentMax *float64 `json:"percent_max,omitempty"`
	Role       string   `json:"role,omitempty"`
	ValidFrom  string   `json:"valid_from,omitempty"` // YYYY-MM-DD, inclusive
	ValidTo    string   `json:"valid_to,omitempty"`   // YYYY-MM-DD, inclusive
	Source     Source   `json:"source"`
}

// Key identifies a link: two rows stating the same type, ends, role and
// start of validity are the same fact, and the later one updates it.
func (l Link) Key() string {
	return string(l.Type) + "|" + l.From + "|" + l.To + "|" + l.Role + "|" + l.ValidFrom
}

// ValidOn reports whether the link holds on day (YYYY-MM-DD); both bounds
// are inclusive and an empty bound is open.
func (l Link) ValidOn(day string) bool {
	return (l.ValidFrom == "" || l.ValidFrom <= day) && (l.ValidTo == "" || day <= l.ValidTo)
}

// Transaction is one sale.
type Transaction struct {
	ID         string   `json:"id"`
	Date       string   `json:"date"` // YYYY-MM-DD
	Buyer      string   `json:"buyer"`
	Seller     string   `json:"seller,omitempty"`
	EndUser    string   `json:"end_user,omitempty"`
	ShipTo     string   `json:"ship_to,omitempty"` // alpha-2
	Product    string   `json:"product,omitempty"`
	Capability string   `json:"capability,omitempty"`
	Quantity   *float64 `json:"quantity,omitempty"`
	Value      *float64 `json:"value,omitempty"`
	Currency   string   `json:"currency,omitempty"`
	Source     Source   `json:"source"`
}

// Upload is a validated set of rows, written to a store as one unit.
// Every reference in it names an entity in the upload or in the store.
type Upload struct {
	ID           string        `json:"id"` // derived from the files' contents: the same files give the same id
	Files        []string      `json:"files"`
	Entities     []Entity      `json:"entities,omitempty"`
	Countries    []Country     `json:"countries,omitempty"`
	Links        []Link        `json:"links,omitempty"`
	Transactions []Transaction `json:"transactions,omitempty"`
	Lists        []List        `json:"lists,omitempty"`
	Listings     []Listing     `json:"listings,omitempty"`
	// Decisions are identity decisions (SPEC §1 "Identity"); a decision on
	// a pair replaces the stored one.
	Decisions []Decision `json:"decisions,omitempty"`
}

// Changes counts what a write created, updated and left unchanged.
type Changes struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Add adds o to c.
func (c *Changes) Add(o Changes) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}

// WriteResult is what a store did with an upload.
type WriteResult struct {
	Entities     Changes `json:"entities"`
	Countries    Changes `json:"countries"`
	Links        Changes `json:"links"`
	Transactions Changes `json:"transactions"`
	Lists        Changes `json:"lists"`
	Listings     Changes `json:"listings"`
	Decisions    Changes `json:"decisions"`
}

// Any reports whether the write created or updated anything.
func (r WriteResult) Any() bool {
	for _, c := range []Changes{r.Entities, r.Countries, r.Links, r.Transactions, r.Lists, r.Listings, r.Decisions} {
		if c.Created+c.Updated > 0 {
			return true
		}
	}
	return false
}

// Today is the date screening uses when none is given, in UTC.
func Today(now time.Time) string { return now.UTC().Format("2006-01-02") }
