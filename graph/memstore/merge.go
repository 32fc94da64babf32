package memstore

import (
	"reflect"

	"github.com/hopcheck/hopcheck/graph"
)

// The merge rule of Store.Apply: a stated value replaces the stored one,
// an empty value keeps it, and the source is always the latest statement.

func str(old *string, v string) {
	if v != "" {
		*old = v
	}
}

func num(old **float64, v *float64) {
	if v != nil {
		*old = v
	}
}

func flag(old **bool, v *bool) {
	if v != nil {
		*old = v
	}
}

func mergeEntity(old, e graph.Entity) graph.Entity {
	m := old
	str(&m.Name, e.Name)
	if len(e.Aliases) > 0 {
		m.Aliases = e.Aliases
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&m.Country, e.Country}, {&m.Role, e.Role}, {&m.RegistrationID, e.RegistrationID}, {&m.Address, e.Address},
		{&m.Founded, e.Founded}, {&m.Position, e.Position}, {&m.BodyKind, e.BodyKind}, {&m.Basis, e.Basis}} {
		str(f.dst, f.v)
	}
	flag(&m.Restrictive, e.Restrictive)
	m.Source = e.Source
	return m
}

func mergeCountry(old, c graph.Country) graph.Country {
	m := old
	str(&m.Name, c.Name)
	flag(&m.Restrictive, c.Restrictive)
	num(&m.Score, c.Score)
	str(&m.Basis, c.Basis)
	m.Source = c.Source
	return m
}

func mergeLink(old, l graph.Link) graph.Link {
	m := old
	num(&m.Percent, l.Percent)
	str(&m.ValidTo, l.ValidTo)
	m.Source = l.Source
	return m
}

func mergeTransaction(old, t graph.Transaction) graph.Transaction {
	m := old
	for _, f := range []struct {
		dst *string
		v   string
	}{{&m.Date, t.Date}, {&m.Buyer, t.Buyer}, {&m.Seller, t.Seller}, {&m.EndUser, t.EndUser}, {&m.ShipTo, t.ShipTo},
		{&m.Product, t.Product}, {&m.Capability, t.Capability}, {&m.Currency, t.Currency}} {
		str(f.dst, f.v)
	}
	num(&m.Quantity, t.Quantity)
	num(&m.Value, t.Value)
	m.Source = t.Source
	return m
}

// count tells whether a merged value is new, changed or the same.
func count(c *graph.Changes, existed bool, old, merged any) bool {
	switch {
	case !existed:
		c.Created++
	case !reflect.DeepEqual(old, merged):
		c.Updated++
	default:
		c.Unchanged++
		return false
	}
	return true
}
