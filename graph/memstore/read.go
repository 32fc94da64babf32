package memstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/match"
)

func sortedValues[T any](m map[string]T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// read runs fn with the state's graph under the shared lock.
func (s *Store) read(fn func(g *state)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fn(s.g)
}

// readAux runs fn with the state's flags, jobs, audit entries and mappings
// under their shared lock (Store.auxMu).
func (s *Store) readAux(fn func(g *state)) {
	s.auxMu.RLock()
	defer s.auxMu.RUnlock()
	fn(s.g)
}

// Entity implements graph.Store.
func (s *Store) Entity(ctx context.Context, id string) (graph.Entity, error) {
	var e graph.Entity
	var ok bool
	s.read(func(g *state) { e, ok = g.Entity(id) })
	if !ok {
		return e, graph.Errorf(graph.ENOTFOUND, "no entity %q", id)
	}
	return e, nil
}

// EntitiesByName implements graph.Store.
func (s *Store) EntitiesByName(ctx context.Context, keys []string) (map[string][]graph.Entity, error) {
	out := map[string][]graph.Entity{}
	s.read(func(g *state) {
		g.nameIndexes()
		for _, k := range keys {
			if _, done := out[k]; done {
				continue
			}
			ids := append([]string(nil), g.names[k]...)
			sort.Strings(ids)
			for i, id := range ids {
				if i == 0 || ids[i-1] != id {
					out[k] = append(out[k], g.entities[id].Entity)
				}
			}
			if len(ids) == 0 {
				out[k] = nil
			}
		}
	})
	return out, nil
}

// HasEntities tells whether any entity is stored: the importer does not
// search an empty store for near-duplicates.
func (s *Store) HasEntities(ctx context.Context) (bool, error) {
	var n int
	s.read(func(g *state) { n = len(g.entities) })
	return n > 0, nil
}

// IndexNames builds the name indexes that an open leaves to the first
// search by name, and returns when they are built. Meanwhile reads go on,
// but a write waits for it (and the reads that come after the write).
func (s *Store) IndexNames() { s.read(func(g *state) { g.nameIndexes() }) }

// Search implements graph.Store: candidates from the retrieval index,
// scored by the matcher with the index's word frequencies.
func (s *Store) Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	var out []graph.Match
	s.read(func(g *state) {
		g.nameIndexes()
		ids := g.search.Lookup(q.Text, q.Prefix)
		cands := make([]graph.Entity, 0, len(ids))
		for _, id := range ids {
			cands = append(cands, g.entities[id].Entity)
		}
		out = match.Rank(q, cands, g.search)
	})
	return out, nil
}

// Links implements graph.Store.
func (s *Store) Links(ctx context.Context, id string) ([]graph.Link, error) {
	var ls []graph.Link
	s.read(func(g *state) { ls = g.linksOf(id) })
	return sortedLinks(ls), nil
}

// History implements graph.Store.
func (s *Store) History(ctx context.Context, id string) ([]graph.Revision, error) {
	var out []graph.Revision
	var ok bool
	s.read(func(g *state) {
		if _, ok = g.entities[id]; !ok {
			return
		}
		out = append(out, g.history[graph.Revision{Target: graph.EntityTarget, Key: id}.HistoryKey()]...)
		seen := map[string]bool{}
		for _, l := range g.linksOf(id) {
			if k := l.Key(); !seen[k] { // a link from the entity to itself is in both lists
				seen[k] = true
				out = append(out, g.history[graph.Revision{Target: graph.LinkTarget, Key: k}.HistoryKey()]...)
			}
		}
	})
	if !ok {
		return nil, graph.Errorf(graph.ENOTFOUND, "no entity %q", id)
	}
	graph.SortRevisions(out)
	return out, nil
}

// Neighborhood implements graph.Store.
func (s *Store) Neighborhood(ctx context.Context, id string, q graph.NeighborhoodQuery) (graph.Subgraph, error) {
	depth, limit := q.Depth, q.Limit
	if depth <= 0 {
		depth = 1
	}
	if limit <= 0 {
		limit = 200
	}
	want := func(t graph.LinkType) bool {
		if len(q.Types) == 0 {
			return true
		}
		for _, v := range q.Types {
			if v == t {
				return true
			}
		}
		return false
	}
	var sub graph.Subgraph
	var found bool
	s.read(func(g *state) {
		start, ok := g.entities[id]
		if !ok {
			return
		}
		found = true
		seen := map[string]bool{id: true}
		sub.Entities = append(sub.Entities, start.Entity)
		links := map[string]graph.Link{}
		frontier := []string{id}
		for d := 0; d < depth && len(frontier) > 0 && !sub.Truncated; d++ {
			var next []string
			for _, u := range frontier {
				for _, l := range sortedLinks(g.linksOf(u)) {
					if !want(l.Type) {
						continue
					}
					v := l.To
					if v == u {
						v = l.From
					}
					if !seen[v] {
						if len(sub.Entities) >= limit {
							sub.Truncated = true
							continue
						}
						seen[v] = true
						sub.Entities = append(sub.Entities, g.entities[v].Entity)
						next = append(next, v)
					}
					links[l.Key()] = l
				}
			}
			frontier = next
		}
		sub.Links = sortedValues(links)
		sub.Listings = []graph.Listing{}
		for _, e := range sub.Entities {
			sub.Listings = append(sub.Listings, g.Listings(e.ID)...)
		}
		sortListings(sub.Listings)
	})
	if !found {
		return sub, graph.Errorf(graph.ENOTFOUND, "no entity %q", id)
	}
	if sub.Links == nil {
		sub.Links = []graph.Link{}
	}
	return sub, nil
}

// Country implements graph.Store.
func (s *Store) Country(ctx context.Context, code string) (graph.Country, error) {
	var c *graph.Country
	s.read(func(g *state) { c = g.countries[code] })
	if c == nil {
		return graph.Country{}, graph.Errorf(graph.ENOTFOUND, "no country %q", code)
	}
	return *c, nil
}

// Countries implements graph.Store.
func (s *Store) Countries(ctx context.Context) ([]graph.Country, error) {
	var cs []graph.Country
	s.read(func(g *state) {
		for _, c := range g.countries {
			cs = append(cs, *c)
		}
	})
	sort.Slice(cs, func(i, j int) bool { return cs[i].Code < cs[j].Code })
	return cs, nil
}

// Transaction implements graph.Store.
func (s *Store) Transaction(ctx context.Context, id string) (graph.Transaction, error) {
	var t *graph.Transaction
	s.read(func(g *state) { t = g.txs[id] })
	if t == nil {
		return graph.Transaction{}, graph.Errorf(graph.ENOTFOUND, "no transaction %q", id)
	}
	return *t, nil
}

// Transactions implements graph.Store.
func (s *Store) Transactions(ctx context.Context, ids []string) ([]graph.Transaction, error) {
	var ts []graph.Transaction
	s.read(func(g *state) {
		if ids == nil {
			for _, t := range g.txs {
				ts = append(ts, *t)
			}
			return
		}
		seen := map[string]bool{}
		for _, id := range ids {
			for _, tid := range g.txsOf[id] {
				if !seen[tid] {
					seen[tid] = true
					ts = append(ts, *g.txs[tid])
				}
			}
		}
	})
	sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	return ts, nil
}

// Reach implements graph.Store with the exposure package's search.
func (s *Store) Reach(ctx context.Context, qs []graph.ReachQuery, p graph.Policy) ([]graph.Reach, error) {
	out := make([]graph.Reach, len(qs))
	// The searches only read the graph: one worker per CPU. Each search
	// takes the read lock for itself, not the batch: flagging every
	// transaction holds it for seconds, and a writer waiting for it (a
	// job's progress, a flag saved) would make every screening wait too.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(qs)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(qs) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				s.read(func(g *state) { out[i] = exposure.Reach(g, qs[i], p) })
			}
		})
	}
	wg.Wait()
	return out, ctx.Err()
}

// SaveFlags implements graph.Store.
func (s *Store) SaveFlags(ctx context.Context, fs []graph.Flag) error {
	if len(fs) == 0 {
		return nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.commit(ctx, &record{Flags: fs}, copyValues)
}

// Flag implements graph.Store.
func (s *Store) Flag(ctx context.Context, transactionID string) (graph.Flag, error) {
	var fs []graph.Flag
	var err error
	var bodies *flagBodies
	s.readAux(func(g *state) {
		if f := g.flags[transactionID]; f != nil {
			fs = []graph.Flag{*f}
			bodies, err = g.flagBodies()
		}
	})
	if err == nil {
		err = bodies.read(fs)
	}
	if err != nil {
		return graph.Flag{}, err
	}
	if fs == nil {
		return graph.Flag{}, graph.Errorf(graph.ENOTFOUND, "no flag for transaction %q", transactionID)
	}
	return fs[0], nil
}

// flagBodies reads whole flags from the data file, for a state that keeps
// only their heads.
type flagBodies struct {
	tx   *bolt.Tx
	path string
}

// flagBodies begins the read of flag bodies, or returns nil when the state
// keeps whole flags. The caller holds the flags' read lock (readAux): a
// write commits to the file before it changes the state, so the file has
// at least what the state shows. It then reads the bodies
// (flagBodies.read) after letting the lock go: decoding thousands of
// flags took half a second that every write of a flag, and every read
// behind it, would wait for.
func (g *state) flagBodies() (*flagBodies, error) {
	if !g.headsOnly {
		return nil, nil
	}
	tx, err := g.db.Begin(false)
	if err != nil {
		return nil, graph.Wrap(graph.EUNAVAILABLE, err, "reading flags from %s", g.db.Path())
	}
	return &flagBodies{tx: tx, path: g.db.Path()}, nil
}

// read replaces the flag heads in fs with the whole flags, and ends the
// read; nil reads nothing.
func (b *flagBodies) read(fs []graph.Flag) error {
	if b == nil {
		return nil
	}
	defer b.tx.Rollback()
	err := func() error {
		bk := b.tx.Bucket(bFlags)
		if bk == nil {
			return errors.New("no flags bucket")
		}
		for i := range fs {
			k := storeKey(fs[i].TransactionID)
			v := bk.Get(k)
			if v == nil {
				return fmt.Errorf("flag %q is in memory but not in the file", fs[i].TransactionID)
			}
			var f graph.Flag
			if err := decode(bFlags, k, v, &f); err != nil {
				return fmt.Errorf("flag %q: %w", fs[i].TransactionID, err)
			}
			fs[i] = f
		}
		return nil
	}()
	if err != nil {
		return graph.Wrap(graph.EUNAVAILABLE, err, "reading flags from %s", b.path)
	}
	return nil
}

// Flags implements graph.Store.
func (s *Store) Flags(ctx context.Context, f graph.FlagFilter) ([]graph.Flag, int, error) {
	if c := f.Sort.Of().Column; !c.Valid() {
		return nil, 0, graph.Errorf(graph.EINVALID, "unknown flag column %q", c)
	}
	var fs []graph.Flag
	var n int
	var err error
	var bodies *flagBodies
	text := graph.FoldText(f.Text)
	s.readAux(func(g *state) {
		for _, fl := range g.flags {
			if f.Matches(*fl, text) {
				fs = append(fs, *fl)
			}
		}
		bodies, err = g.flagBodies()
	})
	if err != nil {
		return nil, 0, err
	}
	graph.SortFlags(fs, f.Sort)
	n = len(fs)
	fs = fs[min(f.Offset, n):]
	if f.Limit > 0 && len(fs) > f.Limit {
		fs = fs[:f.Limit]
	}
	if err := bodies.read(fs); err != nil {
		return nil, 0, err
	}
	return fs, n, nil
}

// Stats implements graph.Store.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	st := graph.Stats{Entities: map[graph.Kind]int{}, Links: map[graph.LinkType]int{}, Flags: map[graph.Severity]int{}}
	s.read(func(g *state) {
		for _, e := range g.entities {
			st.Entities[e.Kind]++
		}
		g.links.all(func(l *graph.Link) { st.Links[l.Type]++ })
		st.Countries, st.Transactions = len(g.countries), len(g.txs)
		st.Lists, st.Listings = len(g.lists), len(g.listings)
		for _, d := range g.decisions {
			if st.Decisions == nil {
				st.Decisions = map[graph.Identity]int{}
			}
			st.Decisions[d.Identity]++
		}
		st.Clusters = g.clusters.Len()
	})
	s.readAux(func(g *state) {
		for _, f := range g.flags {
			if f.Severity != graph.None {
				st.Flags[f.Severity]++
			}
		}
	})
	return st, nil
}

// Export implements graph.Store.
func (s *Store) Export(ctx context.Context) (graph.Upload, error) {
	var u graph.Upload
	s.read(func(g *state) {
		u.Entities = g.entityList()
		u.Countries = sortedValues(derefMap(g.countries))
		u.Links = g.links.sorted()
		u.Transactions = sortedValues(derefMap(g.txs))
		u.Lists = sortedValues(derefMap(g.lists))
		u.Listings = sortedValues(derefMap(g.listings))
		if len(g.decisions) > 0 {
			u.Decisions = sortedValues(derefMap(g.decisions))
		}
	})
	return u, nil
}

// Decisions implements graph.Store.
func (s *Store) Decisions(ctx context.Context) ([]graph.Decision, error) {
	var ds []graph.Decision
	s.read(func(g *state) { ds = sortedValues(derefMap(g.decisions)) })
	return ds, nil
}

// Undecide implements graph.Store.
func (s *Store) Undecide(ctx context.Context, a, b string) (graph.Decision, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	d, ok := s.g.decisions[graph.PairKey(a, b)]
	if !ok {
		return graph.Decision{}, graph.Errorf(graph.ENOTFOUND, "no identity decision on %s and %s", a, b)
	}
	removed := *d
	return removed, s.commit(ctx, &record{Undecided: []string{removed.Key()}}, copyValues)
}

// Listings implements graph.Store.
func (s *Store) Listings(ctx context.Context, id string) ([]graph.Listing, error) {
	var ls []graph.Listing
	s.read(func(g *state) { ls = g.Listings(id) })
	sortListings(ls)
	return ls, nil
}

// Lists implements graph.Store.
func (s *Store) Lists(ctx context.Context) ([]graph.List, error) {
	var ls []graph.List
	s.read(func(g *state) { ls = sortedValues(derefMap(g.lists)) })
	return ls, nil
}

func sortListings(ls []graph.Listing) {
	sort.Slice(ls, func(i, j int) bool { return ls[i].Key() < ls[j].Key() })
}

func derefMap[T any](m map[string]*T) map[string]T {
	out := make(map[string]T, len(m))
	for k, v := range m {
		out[k] = *v
	}
	return out
}

// eachPage is how many entities EachEntity copies under one read lock.
const eachPage = 1024

// EachEntity implements graph.Store: the ids are taken and sorted once,
// then the entities copied a page at a time under the read lock, which is
// released while fn runs.
func (s *Store) EachEntity(ctx context.Context, fn func(graph.Entity) error) error {
	var ids []string
	s.read(func(g *state) {
		ids = make([]string, 0, len(g.entities))
		for id := range g.entities {
			ids = append(ids, id)
		}
	})
	sort.Strings(ids)
	page := make([]graph.Entity, 0, eachPage)
	for start := 0; start < len(ids); start += eachPage {
		if err := ctx.Err(); err != nil {
			return err
		}
		page = page[:0]
		s.read(func(g *state) {
			for _, id := range ids[start:min(start+eachPage, len(ids))] {
				if n, ok := g.entities[id]; ok {
					page = append(page, n.Entity)
				}
			}
		})
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}
