package importer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/adrg/strutil"
	"github.com/adrg/strutil/metrics"

	"github.com/hopcheck/hopcheck/graph"
)

// duplicateWindow is how many neighbours each name is compared with in
// the sorted orders: near-identical names sort close together, so this
// finds them in O(n log n) instead of comparing every pair.
const duplicateWindow = 4

// duplicates warns about entities that may be the same as another one in
// the upload or the store but were not merged: same name key with other
// ids, or near-identical keys (Jaro-Winkler at or above the threshold).
func (r *reader) duplicates(entities []graph.Entity) error {
	threshold := r.opts.DuplicateThreshold
	if threshold <= 0 {
		threshold = 0.94
	}
	jw := metrics.NewJaroWinkler()
	type item struct {
		key, rev string
		e        *graph.Entity
	}
	items := make([]item, 0, len(entities))
	byKey := map[string][]*graph.Entity{}
	for i := range entities {
		e := &entities[i]
		k := graph.NameKey(e.Name)
		if k == "" {
			continue
		}
		words := strings.Fields(k)
		for a, b := 0, len(words)-1; a < b; a, b = a+1, b-1 {
			words[a], words[b] = words[b], words[a]
		}
		items = append(items, item{key: k, rev: strings.Join(words, " "), e: e})
		byKey[k] = append(byKey[k], e)
	}
	// A pair an investigator decided, one party or two, is not a
	// possible duplicate any more.
	var decided map[string]bool // read at the first possible duplicate
	var decidedErr error
	isDecided := func(a, b string) bool {
		if decided == nil {
			decided = map[string]bool{}
			ds, err := r.storedDecisions()
			decidedErr = err
			if r.upload != nil {
				ds = append(ds[:len(ds):len(ds)], r.upload.Decisions...)
			}
			for _, d := range ds {
				decided[d.Key()] = true
			}
		}
		return decided[graph.PairKey(a, b)]
	}
	reported := map[[2]string]bool{}
	report := func(a, b *graph.Entity, where string) {
		p := [2]string{a.ID, b.ID}
		if p[0] > p[1] {
			p[0], p[1] = p[1], p[0]
		}
		if a.ID == b.ID || reported[p] || isDecided(a.ID, b.ID) {
			return
		}
		reported[p] = true
		r.rep.warnf(Issue{File: a.Source.File, Sheet: a.Source.Sheet, Row: a.Source.Row,
			Message: fmt.Sprintf("possible duplicate of %s%s: %s was not merged with it", describe(*b), where, a.ID)})
	}
	for _, k := range sortedKeys(byKey) {
		es := byKey[k]
		for i := 1; i < len(es); i++ {
			report(es[i], es[0], sourceNote(*es[0]))
		}
	}
	similar := func(a, b string) bool {
		if a == b || len(a) < 4 || len(b) < 4 || digits(a) != digits(b) || strutil.Similarity(a, b, jw) < threshold {
			return false
		}
		// A long shared word ("technologies") makes different names look
		// alike: the words that differ must be alike too.
		ra, rb := distinctWords(a, b)
		return ra == "" || rb == "" || strutil.Similarity(ra, rb, jw) >= 0.85
	}
	// Each order is a permutation of items, ties in the order of the
	// entities: sorting the items themselves moved more memory than it
	// compared, at a million.
	perm := make([]int32, len(items))
	for _, order := range []func(i *item) string{func(i *item) string { return i.key }, func(i *item) string { return i.rev }} {
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(a, b int32) int {
			return cmp.Or(strings.Compare(order(&items[a]), order(&items[b])), cmp.Compare(a, b))
		})
		for x, i := range perm {
			for y := x + 1; y < len(perm) && y <= x+duplicateWindow; y++ {
				j := perm[y]
				if similar(items[i].key, items[j].key) {
					a, b := items[i].e, items[j].e
					if b.Source.Row < a.Source.Row || (b.Source.Row == a.Source.Row && b.ID < a.ID) {
						a, b = b, a
					}
					report(b, a, sourceNote(*a))
				}
			}
		}
	}
	if decidedErr != nil {
		return decidedErr
	}
	if r.lookup == nil || len(items) == 0 {
		return nil
	}
	if el, ok := r.lookup.(entityHolder); ok {
		has, err := el.HasEntities(r.ctx)
		if err != nil {
			return fmt.Errorf("looking for stored entities: %w", err)
		}
		if !has {
			return nil // an empty store holds no duplicate
		}
	}
	// The store: same key, other id, always; near-identical names for as
	// many entities as the time allowed for it takes, since each is a search.
	stored, err := r.entitiesByName(sortedKeys(byKey))
	if err != nil {
		return err
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].e.Source.Row < items[b].e.Source.Row })
	for _, it := range items {
		for _, s := range stored[it.key] {
			if s.ID != it.e.ID {
				s := s
				report(it.e, &s, " in the store")
			}
		}
	}
	searches := 0
	deadline := time.Now().Add(r.lim.StoreSearchTime)
	for _, it := range items {
		if r.lim.StoreSearchTime < 0 || time.Now().After(deadline) {
			break
		}
		searches++
		ms, err := r.lookup.Search(r.ctx, graph.SearchQuery{Text: it.e.Name, Kind: it.e.Kind, Restrict: true, Limit: 3})
		if err != nil {
			return fmt.Errorf("searching the store for %q: %w", it.e.Name, err)
		}
		for _, m := range ms {
			if m.Entity.ID == it.e.ID {
				continue
			}
			if similar(it.key, graph.NameKey(m.Matched)) || similar(it.key, graph.NameKey(m.Entity.Name)) {
				e := m.Entity
				report(it.e, &e, " in the store")
			}
		}
	}
	if len(items) > searches && r.lim.StoreSearchTime > 0 {
		r.rep.warnf(Issue{Message: fmt.Sprintf("near-identical names were looked for in the store for the first %d of %d entities only (the %s allowed ran out); identical names were checked for all", searches, len(items), r.lim.StoreSearchTime)})
	}
	return decidedErr
}

func sourceNote(e graph.Entity) string {
	if e.Source.File == "" {
		return ""
	}
	return " at " + rowName(e.Source)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// distinctWords drops the words two keys share and returns the rest of each.
func distinctWords(a, b string) (string, string) {
	wa, wb := strings.Fields(a), strings.Fields(b)
	inB := map[string]int{}
	for _, w := range wb {
		inB[w]++
	}
	var ra []string
	for _, w := range wa {
		if inB[w] > 0 {
			inB[w]--
			continue
		}
		ra = append(ra, w)
	}
	inA := map[string]int{}
	for _, w := range wa {
		inA[w]++
	}
	var rb []string
	for _, w := range wb {
		if inA[w] > 0 {
			inA[w]--
			continue
		}
		rb = append(rb, w)
	}
	return strings.Join(ra, " "), strings.Join(rb, " ")
}

// entityHolder is a lookup that tells cheaply whether it holds any entity
// (neo4jstore, where each near-duplicate search is a query): an upload
// into an empty store skips the searches of the store.
type entityHolder interface {
	HasEntities(ctx context.Context) (bool, error)
}
