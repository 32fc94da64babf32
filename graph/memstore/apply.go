package memstore

import (
	"context"
	"reflect"
	"slices"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Apply implements graph.Store. The upload is checked and merged against
// the stored graph, then written as one log record: a crash before the
// record is synced leaves the store as it was, never half of the upload.
func (s *Store) Apply(ctx context.Context, u graph.Upload, progress func(done, total int)) (graph.WriteResult, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	// Only writers change s.g, and they hold writeMu: reading it here needs no other lock.
	g := s.g
	var res graph.WriteResult
	if err := check(g, u); err != nil {
		return res, err
	}
	total := len(u.Entities) + len(u.Countries) + len(u.Links) + len(u.Transactions) + len(u.Lists) + len(u.Listings)
	done := 0
	tick := func() {
		done++
		if progress != nil && (done%10000 == 0 || done == total) {
			progress(done, total)
		}
	}
	rec := &record{}
	// Each kind's values are merged by key, then kept in place when they
	// change the store: at a million rows every copy of them costs
	// seconds and gigabytes.
	countries := mergeByKey(u.Countries, func(c *graph.Country) string { return c.Code }, lookup(g.countries), graph.MergeCountry, tick)
	rec.Countries = countries.changed(&res.Countries, nil)
	entities := mergeByKey(u.Entities, func(e *graph.Entity) string { return e.ID }, g.entity, graph.MergeEntity, tick)
	rec.Entities = entities.changed(&res.Entities, func(old, e *graph.Entity) {
		if r, changed := graph.EntityRevision(*old, *e); changed {
			rec.History = append(rec.History, r)
		}
	})
	links := mergeByKey(u.Links, func(l *graph.Link) string { return l.Key() }, g.links.get, graph.MergeLink, tick)
	rec.Links = links.changed(&res.Links, func(old, l *graph.Link) {
		if r, changed := graph.LinkRevision(*old, *l); changed {
			rec.History = append(rec.History, r)
		}
	})
	txs := mergeByKey(u.Transactions, func(t *graph.Transaction) string { return t.ID }, lookup(g.txs), graph.MergeTransaction, tick)
	rec.Transactions = txs.changed(&res.Transactions, nil)
	lists := mergeByKey(u.Lists, func(l *graph.List) string { return l.ID }, lookup(g.lists), graph.MergeList, tick)
	rec.Lists = lists.changed(&res.Lists, nil)
	listings := mergeByKey(u.Listings, func(l *graph.Listing) string { return l.Key() }, lookup(g.listings), graph.MergeListing, tick)
	rec.Listings = listings.changed(&res.Listings, nil)

	if len(u.Decisions) > 0 {
		all, ch, err := graph.MergeDecisions(sortedValues(derefMap(g.decisions)), u.Decisions)
		if err != nil {
			return graph.WriteResult{}, err
		}
		res.Decisions = ch
		for _, d := range all {
			if old, ok := g.decisions[d.Key()]; !ok || *old != d {
				rec.Decisions = append(rec.Decisions, d)
			}
		}
	}

	if !res.Any() {
		return res, ctx.Err()
	}
	rec.created = map[string]int{
		string(bCountries): res.Countries.Created, string(bEntities): res.Entities.Created,
		string(bLinks): res.Links.Created, string(bTransactions): res.Transactions.Created,
		string(bLists): res.Lists.Created, string(bListings): res.Listings.Created,
	}
	return res, s.commit(ctx, rec, ownValues)
}

// merged is one kind of an upload's values merged by key (mergeByKey),
// in the order of their keys.
type merged[T any] struct {
	vals []T
	olds []*T // the stored value of each key, or nil
}

// mergeByKey merges the values of in that share a key, in the order
// given, into the stored value of the key when there is one (graph's
// merge rules: a blank cell keeps the stored value).
func mergeByKey[T any](in []T, key func(*T) string, stored func(string) (*T, bool), merge func(old, v T) T, tick func()) merged[T] {
	type slot struct {
		key    string
		id, at int32 // the slot's number as first seen; its first value in in
	}
	slots := make([]slot, 0, len(in))
	seen := make(map[string]int32, len(in))
	var later map[int32][]int32 // slot → its key's later values in in
	for i := range in {
		tick()
		k := key(&in[i])
		if id, ok := seen[k]; ok {
			if later == nil {
				later = map[int32][]int32{}
			}
			later[id] = append(later[id], int32(i))
			continue
		}
		seen[k] = int32(len(slots))
		slots = append(slots, slot{key: k, id: int32(len(slots)), at: int32(i)})
	}
	seen = nil
	slices.SortFunc(slots, func(a, b slot) int { return strings.Compare(a.key, b.key) })
	m := merged[T]{vals: make([]T, len(slots)), olds: make([]*T, len(slots))}
	for j, sl := range slots {
		v := in[sl.at]
		if old, ok := stored(sl.key); ok {
			v, m.olds[j] = merge(*old, v), old
		}
		for _, i := range later[sl.id] {
			v = merge(v, in[i])
		}
		m.vals[j] = v
	}
	return m
}

// changed counts the merged values into c (created, updated, unchanged)
// and returns those that change the store, in key order, in m's own
// array: the record takes them without a copy. revised is called with
// each stored value that changes and its new value.
func (m merged[T]) changed(c *graph.Changes, revised func(old, v *T)) []T {
	n := 0
	for j := range m.vals {
		// Compared only when stored: boxing a value for DeepEqual is an
		// allocation, millions of them for a first import.
		switch old := m.olds[j]; {
		case old == nil:
			c.Created++
		case reflect.DeepEqual(*old, m.vals[j]):
			c.Unchanged++
			continue
		default:
			c.Updated++
			if revised != nil {
				revised(old, &m.vals[j])
			}
		}
		m.vals[n] = m.vals[j]
		n++
	}
	if n == 0 {
		return nil
	}
	return m.vals[:n]
}

// lookup is the stored value of a key in a map of the state.
func lookup[T any](stored map[string]*T) func(string) (*T, bool) {
	return func(k string) (*T, bool) {
		v, ok := stored[k]
		return v, ok
	}
}

// check refuses an upload the store cannot hold: unknown kinds or link
// types, an id that names an entity of another kind, and references to
// entities that neither the upload nor the store has.
func check(g *state, u graph.Upload) error {
	kinds := map[string]graph.Kind{}
	for _, e := range u.Entities {
		if e.ID == "" || !e.Kind.Valid() {
			return graph.Errorf(graph.EINVALID, "entity %q: missing id or unknown kind %q", e.ID, e.Kind)
		}
		if old, ok := g.entities[e.ID]; ok && old.Kind != e.Kind {
			return graph.Errorf(graph.ECONFLICT, "entity %s is stored as %s and cannot become %s", e.ID, old.Kind, e.Kind)
		}
		if k, ok := kinds[e.ID]; ok && k != e.Kind {
			return graph.Errorf(graph.ECONFLICT, "entity %s is given as both %s and %s", e.ID, k, e.Kind)
		}
		kinds[e.ID] = e.Kind
	}
	known := func(id string) bool {
		_, inUpload := kinds[id]
		_, stored := g.entities[id]
		return inUpload || stored
	}
	for _, c := range u.Countries {
		if len(c.Code) != 2 {
			return graph.Errorf(graph.EINVALID, "country %q: not an alpha-2 code", c.Code)
		}
	}
	for _, l := range u.Links {
		if !l.Type.Valid() {
			return graph.Errorf(graph.EINVALID, "link %s: unknown type %q", l.Key(), l.Type)
		}
		for _, id := range []string{l.From, l.To} {
			if !known(id) {
				return graph.Errorf(graph.EINVALID, "link %s: no entity %q", l.Key(), id)
			}
		}
	}
	lists := map[string]bool{}
	for _, l := range u.Lists {
		if l.ID == "" {
			return graph.Errorf(graph.EINVALID, "list %q: missing id", l.Name)
		}
		lists[l.ID] = true
	}
	for _, l := range u.Listings {
		if !known(l.Entity) {
			return graph.Errorf(graph.EINVALID, "listing %s: no entity %q", l.Key(), l.Entity)
		}
		if _, stored := g.lists[l.List]; !stored && !lists[l.List] {
			return graph.Errorf(graph.EINVALID, "listing %s: no list %q", l.Key(), l.List)
		}
	}
	for _, t := range u.Transactions {
		if t.ID == "" || t.Buyer == "" {
			return graph.Errorf(graph.EINVALID, "transaction %q: missing id or buyer", t.ID)
		}
		for _, id := range parties(t) {
			if !known(id) {
				return graph.Errorf(graph.EINVALID, "transaction %s: no entity %q", t.ID, id)
			}
		}
	}
	for _, d := range u.Decisions {
		for _, id := range []string{d.A, d.B} {
			if id != "" && !known(id) {
				return graph.Errorf(graph.EINVALID, "identity decision %s: no entity %q", d.Key(), id)
			}
		}
	}
	return nil
}
