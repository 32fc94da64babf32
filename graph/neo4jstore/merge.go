package neo4jstore

import (
	"reflect"

	"github.com/hopcheck/hopcheck/graph"
)

// The merge rule of graph.Store.Apply, the same as the embedded store's: a
// stated value replaces the stored one, an empty value keeps it, and the
// source is always the latest statement. Merging is done in Go, where the
// counts of created, updated and unchanged rows come from comparing the
// merged value with the stored one.

func keep(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func keepPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

func mergeEntity(old, e graph.Entity) graph.Entity {
	m := old
	keep(&m.Name, e.Name)
	if len(e.Aliases) > 0 {
		m.Aliases = e.Aliases
	}
	keep(&m.Country, e.Country)
	keep(&m.Role, e.Role)
	keep(&m.RegistrationID, e.RegistrationID)
	keep(&m.Address, e.Address)
	keep(&m.Founded, e.Founded)
	keep(&m.Position, e.Position)
	keep(&m.BodyKind, e.BodyKind)
	keep(&m.Basis, e.Basis)
	keepPtr(&m.Restrictive, e.Restrictive)
	m.Source = e.Source
	return m
}

func mergeCountry(old, c graph.Country) graph.Country {
	m := old
	keep(&m.Name, c.Name)
	keepPtr(&m.Restrictive, c.Restrictive)
	keepPtr(&m.Score, c.Score)
	keep(&m.Basis, c.Basis)
	m.Source = c.Source
	return m
}

func mergeLink(old, l graph.Link) graph.Link {
	m := old
	keepPtr(&m.Percent, l.Percent)
	keep(&m.ValidTo, l.ValidTo)
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
		keep(f.dst, f.v)
	}
	keepPtr(&m.Quantity, t.Quantity)
	keepPtr(&m.Value, t.Value)
	m.Source = t.Source
	return m
}

// fold merges the rows of one kind that share a key, in upload order:
// merging the stored value with the fold is the same as merging it with
// each row in turn, because each field's last stated value wins.
func fold[T any](rows []T, key func(T) string, merge func(old, v T) T) (keys []string, merged map[string]T) {
	merged = make(map[string]T, len(rows))
	for _, r := range rows {
		k := key(r)
		if prev, ok := merged[k]; ok {
			merged[k] = merge(prev, r)
			continue
		}
		merged[k] = r
		keys = append(keys, k)
	}
	return keys, merged
}

// change counts one merged value against the stored one (ok: one is
// stored) and reports whether it must be written.
func change[T any](c *graph.Changes, stored T, ok bool, merged T) bool {
	switch {
	case !ok:
		c.Created++
	case !reflect.DeepEqual(stored, merged):
		c.Updated++
	default:
		c.Unchanged++
		return false
	}
	return true
}
