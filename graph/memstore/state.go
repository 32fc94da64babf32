package memstore

import (
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/match"
)

// node is a stored entity with the links that start (out) and end (in)
// at it: one lookup of its id finds all that the path search reads of it,
// where separate maps of adjacency took three lookups per link end and a
// tenth of the heap at a million entities. A write changes a node in
// place, under the exclusive lock.
type node struct {
	graph.Entity
	out, in []*graph.Link
}

// state is the graph in memory with its indexes.
type state struct {
	entities  map[string]*node
	countries map[string]*graph.Country
	links     linkIndex // by Link.Key
	// ends are the link ends that name no entity, with their links: none
	// in a store that passes Check (a write refuses such a link), but a
	// store read as it is keeps them walkable for Check to report.
	ends map[string]*node
	// names and search are the name indexes. An open does not build them
	// (reading, transliterating and keying a million names is most of its
	// time, and only name lookups need them): the first lookup does, from
	// the entities, under the shared lock (see nameIndexes); from then on
	// each write keeps them up to date.
	names    map[string][]string // NameKey of a name or alias → entity ids
	search   *match.Index        // retrieval keys of names → entities, for search
	indexed  atomic.Bool         // names and search hold every entity
	indexMu  sync.Mutex          // one builder of the name indexes
	lists    map[string]*graph.List
	listings map[string]*graph.Listing   // by Listing.Key
	listed   map[string][]*graph.Listing // entity id → its listings
	txs      map[string]*graph.Transaction
	txsOf    map[string][]string // entity id → ids of its transactions
	// flags are whole, or with headsOnly their heads (flagHead): the
	// bodies are read from the data file db when asked for.
	flags     map[string]*graph.Flag
	headsOnly bool
	db        *bolt.DB
	decisions map[string]*graph.Decision // by Decision.Key
	clusters  *graph.Clusters            // of the decisions
	jobs      map[string]*graph.Job
	mappings  map[string]graph.SavedMapping // by name
	history   map[string][]graph.Revision   // by Revision.HistoryKey, oldest first
	audit     []graph.AuditEntry            // in the order written

	// strs shares the strings many records repeat (kinds, types, roles,
	// countries, an upload's id and file names): one copy each instead
	// of one per record. Only the writer uses it.
	strs map[string]string

	// horizons are the path search's horizons by policy, made on first
	// use after a write (readers share the state, hence the lock); one
	// search at a time builds one (building).
	horizonMu sync.Mutex
	horizons  map[string]exposure.Horizon
	building  sync.Mutex
	// searched are the policies searches have asked horizons of since
	// the last write, by HorizonKey: the write that drops the horizons
	// has theirs made again (rebuild), and only theirs, as a policy asked
	// for once must not cost a build after every write.
	searched map[string]graph.Policy
}

// newState returns an empty state, its (empty) name indexes built.
func newState() *state {
	g := &state{
		entities: map[string]*node{}, countries: map[string]*graph.Country{},
		links: newLinkIndex(0), ends: map[string]*node{},
		names: map[string][]string{}, search: match.NewIndex(),
		lists: map[string]*graph.List{}, listings: map[string]*graph.Listing{}, listed: map[string][]*graph.Listing{},
		txs: map[string]*graph.Transaction{}, txsOf: map[string][]string{}, flags: map[string]*graph.Flag{},
		decisions: map[string]*graph.Decision{}, clusters: graph.NewClusters(nil),
		jobs: map[string]*graph.Job{}, mappings: map[string]graph.SavedMapping{}, history: map[string][]graph.Revision{},
		strs: map[string]string{},
	}
	g.indexed.Store(true)
	return g
}

// presize makes a new state's largest maps with room for the number of
// records count gives for a bucket, which the open is about to load:
// growing them record by record is much of an open's time.
func (g *state) presize(count func(bucket []byte) int) {
	ents, links := count(bEntities), count(bLinks)
	g.entities = make(map[string]*node, ents)
	g.links = newLinkIndex(links)
	g.txs = make(map[string]*graph.Transaction, count(bTransactions))
	g.flags = make(map[string]*graph.Flag, count(bFlags))
	g.listings = make(map[string]*graph.Listing, count(bListings))
}

// nameIndex is what an entity is indexed under: the NameKeys of its names
// and its retrieval keys.
type nameIndex struct{ names, search []string }

func indexOf(e *graph.Entity) nameIndex {
	names := append([]string{e.Name}, e.Aliases...)
	return nameIndex{names: nameKeys(names), search: match.Keys(names)}
}

// A reindexing is how a record's entities change the name indexes, as
// new key lists: planned by prepare while readers share the indexes, made
// by put under the exclusive lock in a step that only assigns them.
type reindexing struct {
	search *match.Update
	names  map[string][]string // name key → its new entity ids; empty: deleted
}

// prepare plans, before the lock is taken, how the record's entities
// change the name indexes: reading names, transliterating them, making
// their keys and the new key lists is most of the time a large upload
// would hold the lock. Only the writer changes the state, so it may read
// it unlocked. nil when there is nothing to change.
func (g *state) prepare(r *record) *reindexing {
	if !g.indexed.Load() || len(r.Entities) == 0 {
		// put leaves the names to the indexes' build, or the record
		// (an audit entry, flags) has none.
		return nil
	}
	var removes, adds []match.Doc
	gone := map[string]map[string]bool{} // name key → ids it loses
	added := map[string][]string{}       // name key → ids it gains, in order
	for i := range r.Entities {
		e := &r.Entities[i]
		if old, ok := g.entities[e.ID]; ok {
			if old.Name == e.Name && slices.Equal(old.Aliases, e.Aliases) {
				continue // the names stored: nothing to change
			}
			x := indexOf(&old.Entity)
			removes = append(removes, match.Doc{ID: e.ID, Keys: x.search})
			for _, k := range x.names {
				if gone[k] == nil {
					gone[k] = map[string]bool{}
				}
				gone[k][e.ID] = true
			}
		}
		x := indexOf(e)
		adds = append(adds, match.Doc{ID: e.ID, Keys: x.search})
		for _, k := range x.names {
			added[k] = append(added[k], e.ID)
		}
	}
	ri := &reindexing{search: g.search.Plan(removes, adds), names: map[string][]string{}}
	for k, ids := range gone {
		ri.names[k] = slices.DeleteFunc(slices.Clone(g.names[k]), func(id string) bool { return ids[id] })
	}
	for k, ids := range added {
		kept, ok := ri.names[k]
		if !ok {
			kept = slices.Clip(g.names[k]) // appended to in a copy
		}
		ri.names[k] = append(kept, ids...)
	}
	return ri
}

// apply makes the planned change of the name indexes.
func (g *state) apply(ri *reindexing) {
	g.search.Apply(ri.search)
	for k, ids := range ri.names {
		if len(ids) == 0 {
			delete(g.names, k)
		} else {
			g.names[k] = ids
		}
	}
}

// changesGraph reports whether the record changes what the path search
// walks (and its horizons are made of): not a record of flags, jobs,
// audit entries, revisions or mappings alone. A job's progress saved
// while every flag is re-evaluated must not make each search after it
// build the horizon again.
func (r *record) changesGraph() bool {
	return len(r.Entities)+len(r.Countries)+len(r.Links)+len(r.Transactions)+len(r.Lists)+len(r.Listings)+
		len(r.Decisions)+len(r.Undecided) > 0
}

// putMode says whose a record's slices are.
type putMode int

const (
	// copyValues: the caller keeps them; the state stores copies.
	copyValues putMode = iota
	// ownValues: the record is made for the state, which keeps pointers
	// into its slices of entities, links, listings, transactions and
	// flags rather than a copy of each value.
	ownValues
	// loadValues: as ownValues, and no link of the record is stored yet
	// (an open reads each key once).
	loadValues
)

// auxOnly reports whether the record holds only flags, jobs, audit entries
// and mappings, which Store.auxMu guards, and nothing of the graph that
// Store.mu guards.
func (r *record) auxOnly() bool {
	return !r.changesGraph() && len(r.History) == 0
}

// put stores the record's values as they are, keeping the indexes right.
// prep is the record's prepare, or nil to compute it here.
func (g *state) put(r *record, prep *reindexing, mode putMode) {
	own := mode != copyValues
	if r.changesGraph() {
		g.horizons = nil
	}
	for i := range r.Countries {
		c := r.Countries[i]
		g.countries[c.Code] = &c
	}
	// Only put changes indexed from true to false, and the indexes are
	// built under the shared lock while put holds the exclusive one: it
	// cannot change during put. prep was made before the lock: the
	// indexes may have been built since.
	indexed := g.indexed.Load()
	if indexed && prep == nil {
		prep = g.prepare(r)
	}
	// The nodes of new entities are made in one array: a load's entities
	// are all new, and an upload counts those it creates.
	created := r.created[string(bEntities)]
	if mode == loadValues {
		created = len(r.Entities)
	}
	fresh := make([]node, created)
	for i := range r.Entities {
		e := &r.Entities[i]
		n, stored := g.entities[e.ID]
		if !stored {
			n = g.ends[e.ID]
			switch {
			case n != nil:
				delete(g.ends, e.ID)
			case len(fresh) > 0:
				n, fresh = &fresh[0], fresh[1:]
			default:
				n = &node{}
			}
			g.entities[e.ID] = n
		}
		id := n.ID // the links' copy of the id, when it has links
		n.Entity = *e
		if id != "" {
			n.ID = id
		}
		n.Kind = graph.Kind(g.intern(string(n.Kind)))
		n.Country, n.Role, n.BodyKind = g.intern(n.Country), g.intern(n.Role), g.intern(n.BodyKind)
		g.internSource(&n.Source)
	}
	if prep != nil {
		// Only a record of entities writes the indexes: one of audit
		// entries or flags is put under Store.auxMu alone, beside readers.
		g.apply(prep)
	}
	for i := range r.Links {
		l := elem(r.Links, i, own)
		from, to := g.end(l.From), g.end(l.To)
		l.From, l.To = from.ID, to.ID
		l.Type, l.Role = graph.LinkType(g.intern(string(l.Type))), g.intern(l.Role)
		g.internSource(&l.Source)
		k := l.Key()
		// A load reads each key once: only a write can restate a link.
		if mode != loadValues {
			if old, ok := g.links.get(k); ok {
				*old = *l // same ends: the adjacency lists keep pointing at it
				continue
			}
		}
		g.links.add(k, l)
		from.out = append(from.out, l)
		to.in = append(to.in, l)
	}
	for i := range r.Lists {
		l := r.Lists[i]
		g.lists[l.ID] = &l
	}
	for i := range r.Listings {
		l := elem(r.Listings, i, own)
		l.Entity, l.List = g.entityID(l.Entity), g.intern(l.List)
		g.internSource(&l.Source)
		if old, ok := g.listings[l.Key()]; ok {
			*old = *l
			continue
		}
		g.listings[l.Key()] = l
		g.listed[l.Entity] = append(g.listed[l.Entity], l)
	}
	for i := range r.Transactions {
		t := elem(r.Transactions, i, own)
		t.Buyer, t.Seller, t.EndUser = g.entityID(t.Buyer), g.entityID(t.Seller), g.entityID(t.EndUser)
		t.ShipTo, t.Currency = g.intern(t.ShipTo), g.intern(t.Currency)
		g.internSource(&t.Source)
		if old, ok := g.txs[t.ID]; ok {
			for _, id := range parties(*old) {
				g.txsOf[id] = remove(g.txsOf[id], t.ID)
			}
		}
		g.txs[t.ID] = t
		for _, id := range parties(*t) {
			g.txsOf[id] = append(g.txsOf[id], t.ID)
		}
	}
	for i := range r.Flags {
		if g.headsOnly {
			g.flags[r.Flags[i].TransactionID] = flagHead(r.Flags[i])
			continue
		}
		f := elem(r.Flags, i, own)
		g.flags[f.TransactionID] = f
	}
	if len(r.Decisions)+len(r.Undecided) > 0 {
		for i := range r.Decisions {
			d := r.Decisions[i]
			g.decisions[d.Key()] = &d
		}
		for _, k := range r.Undecided {
			delete(g.decisions, k)
		}
		g.clusters = graph.NewClusters(sortedValues(derefMap(g.decisions)))
	}
	for i := range r.Jobs {
		j := r.Jobs[i]
		g.jobs[j.ID] = &j
	}
	for _, m := range r.Mappings {
		g.mappings[m.Name] = m
	}
	for _, h := range r.History {
		k := h.HistoryKey()
		g.history[k] = append(g.history[k], h)
	}
	g.audit = append(g.audit, r.Audit...)
}

// flagHead is what the state keeps of a flag whose body is in the data
// file: every field but the assessment's reasons, paths and ownership
// chains and the review history, which are most of a flag's size; of each
// exposure, its end-user and hops. It has all that filtering, sorting and
// counting flags use (graph.Flag.SearchText, SortKey, FlagFilter.Matches).
func flagHead(f graph.Flag) *graph.Flag {
	ends := make([]graph.Exposure, len(f.Exposures))
	for i, x := range f.Exposures {
		ends[i] = graph.Exposure{EndUser: x.EndUser, Hops: x.Hops}
	}
	f.Reasons, f.Exposures, f.Ownership, f.History = nil, ends, nil, nil
	return &f
}

// elem returns the i-th value of s with own, else a pointer to a copy.
func elem[T any](s []T, i int, own bool) *T {
	if own {
		return &s[i]
	}
	v := s[i]
	return &v
}

// intern returns the state's copy of s, made on first use. It is for
// strings of few distinct values, which it keeps for good.
func (g *state) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := g.strs[s]; ok {
		return v
	}
	g.strs[s] = s
	return s
}

func (g *state) internSource(s *graph.Source) {
	s.Upload, s.File, s.Sheet = g.intern(s.Upload), g.intern(s.File), g.intern(s.Sheet)
}

// entityID returns the stored entity's own copy of the id, so that links
// and transactions share it, or id when there is no such entity.
func (g *state) entityID(id string) string {
	if e, ok := g.entity(id); ok {
		return e.ID
	}
	return id
}

// end returns the node of a link end: the entity's, or one of ends, made
// when the first link names it.
func (g *state) end(id string) *node {
	if n, ok := g.entities[id]; ok {
		return n
	}
	n, ok := g.ends[id]
	if !ok {
		n = &node{Entity: graph.Entity{ID: id}}
		g.ends[id] = n
	}
	return n
}

// nodeOf returns the node of an entity or a link end, or nil.
func (g *state) nodeOf(id string) *node {
	if n, ok := g.entities[id]; ok {
		return n
	}
	return g.ends[id]
}

// parties returns the distinct entities a transaction names.
func parties(t graph.Transaction) []string {
	var ids []string
	for _, id := range []string{t.Buyer, t.Seller, t.EndUser} {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func nameKeys(names []string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, n := range names {
		if k := graph.NameKey(n); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// nameIndexes builds the name indexes if they are not yet: readers that
// look names up call it under the shared lock, so no write runs while it
// builds. The names are read and keyed in runs by one goroutine per CPU
// while the runs before are put in the indexes, with the collector as
// lenient as during the open (see openGCPercent).
func (g *state) nameIndexes() {
	if g.indexed.Load() {
		return
	}
	g.indexMu.Lock()
	defer g.indexMu.Unlock()
	if g.indexed.Load() {
		return
	}
	defer debug.SetGCPercent(debug.SetGCPercent(openGCPercent))
	es := make([]*graph.Entity, 0, len(g.entities))
	for _, n := range g.entities {
		es = append(es, &n.Entity)
	}
	type run struct {
		es   []*graph.Entity
		xs   []nameIndex
		done chan struct{}
	}
	runs := make(chan *run, 2*max(1, runtime.GOMAXPROCS(0)))
	go func() {
		defer close(runs)
		busy := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
		for lo := 0; lo < len(es); lo += indexRun {
			r := &run{es: es[lo:min(lo+indexRun, len(es))], done: make(chan struct{})}
			busy <- struct{}{}
			runs <- r // in order: the runs are put as they come
			go func() {
				r.xs = make([]nameIndex, len(r.es))
				for i, e := range r.es {
					r.xs[i] = indexOf(e)
				}
				close(r.done)
				<-busy
			}()
		}
	}()
	g.names, g.search = make(map[string][]string, len(es)), match.NewIndex()
	for r := range runs {
		<-r.done
		for i, e := range r.es {
			g.indexNames(e.ID, r.xs[i])
		}
	}
	g.indexed.Store(true)
	if len(es) >= indexRun*16 {
		// The keying's garbage is several times the indexes: give it back
		// now, as the open does.
		debug.FreeOSMemory()
	}
}

// indexRun is how many entities a goroutine of nameIndexes keys at once.
const indexRun = 4096

func (g *state) indexNames(id string, x nameIndex) {
	for _, k := range x.names {
		g.names[k] = append(g.names[k], id)
	}
	g.search.AddKeys(id, x.search)
}

func remove(ids []string, id string) []string {
	for i, v := range ids {
		if v == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return ids
}

// The state is the exposure package's in-memory graph.
var _ exposure.Graph = (*state)(nil)

func (g *state) Entity(id string) (graph.Entity, bool) {
	n, ok := g.entities[id]
	if !ok {
		return graph.Entity{}, false
	}
	return n.Entity, true
}

// Out and In hand out the store's own links: the path search only reads
// them, under the read lock.
func (g *state) Out(id string) []*graph.Link {
	if n := g.nodeOf(id); n != nil {
		return n.out
	}
	return nil
}

func (g *state) In(id string) []*graph.Link {
	if n := g.nodeOf(id); n != nil {
		return n.in
	}
	return nil
}

// linksOf returns copies of the links at id, both ways.
func (g *state) linksOf(id string) []graph.Link {
	return append(deref(g.Out(id)), deref(g.In(id))...)
}

// entityList returns copies of the stored entities in the order of their ids.
func (g *state) entityList() []graph.Entity {
	out := make([]graph.Entity, 0, len(g.entities))
	for _, n := range g.entities {
		out = append(out, n.Entity)
	}
	slices.SortFunc(out, func(a, b graph.Entity) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func deref(ls []*graph.Link) []graph.Link {
	out := make([]graph.Link, len(ls))
	for i, l := range ls {
		out[i] = *l
	}
	return out
}

// Horizon implements exposure.Horizons.
//
// A search that finds no horizon while another search builds one searches
// without it rather than wait: the horizon only prunes, it changes no
// answer, and at 100k entities the build took a quarter of a second that
// every screening after a write waited for.
func (g *state) Horizon(p graph.Policy) exposure.Horizon {
	key := exposure.HorizonKey(p)
	g.horizonMu.Lock()
	h, ok := g.horizons[key]
	if g.searched == nil {
		g.searched = map[string]graph.Policy{}
	}
	g.searched[key] = p
	g.horizonMu.Unlock()
	if ok {
		return h
	}
	if !g.building.TryLock() {
		return nil
	}
	defer g.building.Unlock()
	return g.buildHorizon(p)
}

// buildHorizon returns the horizon of p, made unless it was made while
// the caller waited; the caller holds g.building and the shared lock.
func (g *state) buildHorizon(p graph.Policy) exposure.Horizon {
	key := exposure.HorizonKey(p)
	if h, ok := g.horizon(key); ok {
		return h
	}
	var ends []string
	for id, n := range g.entities {
		if exposure.MayBeRestrictive(n.Entity, g.Country, g.Listings(id), p.RestrictedLists) {
			ends = append(ends, id)
		}
	}
	h := exposure.NewHorizon(g, ends, p.Steps, p.MaxHops)
	g.horizonMu.Lock()
	defer g.horizonMu.Unlock()
	if g.horizons == nil {
		g.horizons = map[string]exposure.Horizon{}
	}
	g.horizons[key] = h
	return h
}

// rebuild makes again, in the background, the horizons a write dropped,
// for the policies searched since the write before. Called by the writer
// under the exclusive lock, it takes g.building before any search can, so
// that the searches after the write search without a horizon until it is
// made, instead of one of them making it while its screening waits.
// Returns at once; the build holds the shared lock, in read.
func (g *state) rebuild(read func(func(*state)), wg *sync.WaitGroup) {
	g.horizonMu.Lock()
	ps := slices.Collect(maps.Values(g.searched))
	g.searched = nil
	g.horizonMu.Unlock()
	if len(ps) == 0 || !g.building.TryLock() {
		return
	}
	wg.Go(func() {
		defer g.building.Unlock()
		read(func(g *state) {
			for _, p := range ps {
				g.buildHorizon(p)
			}
		})
	})
}

// horizon is the horizon of a policy's HorizonKey, when made.
func (g *state) horizon(key string) (exposure.Horizon, bool) {
	g.horizonMu.Lock()
	defer g.horizonMu.Unlock()
	h, ok := g.horizons[key]
	return h, ok
}

// Country implements exposure.Graph.
func (g *state) Country(code string) (graph.Country, bool) {
	c, ok := g.countries[code]
	if !ok {
		return graph.Country{}, false
	}
	return *c, true
}

// Listings implements exposure.Graph with copies of the entity's listings.
func (g *state) Listings(id string) []graph.Listing {
	ls := g.listed[id]
	if len(ls) == 0 {
		return nil
	}
	out := make([]graph.Listing, len(ls))
	for i, l := range ls {
		out[i] = *l
	}
	return out
}

func sortedLinks(ls []graph.Link) []graph.Link {
	sort.Slice(ls, func(i, j int) bool { return ls[i].Key() < ls[j].Key() })
	return ls
}

// Clusters implements exposure.Clustered.
func (g *state) Clusters() *graph.Clusters { return g.clusters }

// entity is the stored entity with the id, for the writer's merge.
func (g *state) entity(id string) (*graph.Entity, bool) {
	if n, ok := g.entities[id]; ok {
		return &n.Entity, true
	}
	return nil, false
}
