package memstore

import (
	"context"
	"reflect"

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

	countries := map[string]graph.Country{}
	for _, c := range u.Countries {
		if prev, ok := countries[c.Code]; ok {
			countries[c.Code] = graph.MergeCountry(prev, c)
		} else if old, ok := g.countries[c.Code]; ok {
			countries[c.Code] = graph.MergeCountry(*old, c)
		} else {
			countries[c.Code] = c
		}
		tick()
	}
	for _, c := range sortedValues(countries) {
		old, ok := g.countries[c.Code]
		if count(&res.Countries, ok, deref1(old), c) {
			rec.Countries = append(rec.Countries, c)
		}
	}

	entities := make(map[string]graph.Entity, len(u.Entities))
	for _, e := range u.Entities {
		if prev, ok := entities[e.ID]; ok {
			entities[e.ID] = graph.MergeEntity(prev, e)
		} else if old, ok := g.entities[e.ID]; ok {
			entities[e.ID] = graph.MergeEntity(*old, e)
		} else {
			entities[e.ID] = e
		}
		tick()
	}
	for _, e := range sortedValues(entities) {
		old, ok := g.entities[e.ID]
		if count(&res.Entities, ok, deref1(old), e) {
			rec.Entities = append(rec.Entities, e)
			if ok {
				if r, changed := graph.EntityRevision(*old, e); changed {
					rec.History = append(rec.History, r)
				}
			}
		}
	}

	links := make(map[string]graph.Link, len(u.Links))
	for _, l := range u.Links {
		k := l.Key()
		if prev, ok := links[k]; ok {
			links[k] = graph.MergeLink(prev, l)
		} else if old, ok := g.links.get(k); ok {
			links[k] = graph.MergeLink(*old, l)
		} else {
			links[k] = l
		}
		tick()
	}
	for _, l := range sortedValues(links) {
		old, ok := g.links.get(l.Key())
		if count(&res.Links, ok, deref1(old), l) {
			rec.Links = append(rec.Links, l)
			if ok {
				if r, changed := graph.LinkRevision(*old, l); changed {
					rec.History = append(rec.History, r)
				}
			}
		}
	}

	txs := make(map[string]graph.Transaction, len(u.Transactions))
	for _, t := range u.Transactions {
		if prev, ok := txs[t.ID]; ok {
			txs[t.ID] = graph.MergeTransaction(prev, t)
		} else if old, ok := g.txs[t.ID]; ok {
			txs[t.ID] = graph.MergeTransaction(*old, t)
		} else {
			txs[t.ID] = t
		}
		tick()
	}
	for _, t := range sortedValues(txs) {
		old, ok := g.txs[t.ID]
		if count(&res.Transactions, ok, deref1(old), t) {
			rec.Transactions = append(rec.Transactions, t)
		}
	}

	lists := map[string]graph.List{}
	for _, l := range u.Lists {
		if prev, ok := lists[l.ID]; ok {
			lists[l.ID] = graph.MergeList(prev, l)
		} else if old, ok := g.lists[l.ID]; ok {
			lists[l.ID] = graph.MergeList(*old, l)
		} else {
			lists[l.ID] = l
		}
		tick()
	}
	for _, l := range sortedValues(lists) {
		old, ok := g.lists[l.ID]
		if count(&res.Lists, ok, deref1(old), l) {
			rec.Lists = append(rec.Lists, l)
		}
	}

	listings := make(map[string]graph.Listing, len(u.Listings))
	for _, l := range u.Listings {
		k := l.Key()
		if prev, ok := listings[k]; ok {
			listings[k] = graph.MergeListing(prev, l)
		} else if old, ok := g.listings[k]; ok {
			listings[k] = graph.MergeListing(*old, l)
		} else {
			listings[k] = l
		}
		tick()
	}
	for _, l := range sortedValues(listings) {
		old, ok := g.listings[l.Key()]
		if count(&res.Listings, ok, deref1(old), l) {
			rec.Listings = append(rec.Listings, l)
		}
	}

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
	return res, s.commit(ctx, rec)
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

func deref1[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
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
