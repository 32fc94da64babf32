// Package xref cross-references the store: it proposes pairs of entities
// that may be one party (SPEC §1 "Identity") for an investigator to
// decide, and never merges anything by itself.
//
// It works in bounded time and memory at a million entities. Entities are
// read once (Store.EachEntity) into a compact form; each one's blocking
// keys (the screening matcher's retrieval keys of its names and aliases,
// and its registration id) are hashed, and entities sharing a key form a
// block. A key shared by more than MaxBlock entities says little and is
// skipped, and counted in the result. Each entity's candidates are ranked
// by the rarity of the keys it shares with them, and the best PerEntity
// are scored by the matcher (graph/match) in both directions, with shared
// addresses and shared owners or officers as further features. Pairs
// decided either way, pairs in one SAME_AS cluster, and pairs whose
// clusters were decided different are never proposed.
package xref

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"sort"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// Store is what cross-referencing reads; every graph.Store is one.
type Store interface {
	EachEntity(ctx context.Context, fn func(graph.Entity) error) error
	Links(ctx context.Context, id string) ([]graph.Link, error)
	Decisions(ctx context.Context) ([]graph.Decision, error)
}

// Defaults of Options.
const (
	DefaultMinScore  = 0.75
	DefaultMaxBlock  = 100
	DefaultPerEntity = 10
	DefaultKeep      = 5000
)

// Options bound and steer a run; zero fields take the defaults.
type Options struct {
	// Touched, when not empty, are the entities an upload wrote: only
	// pairs with one of them are proposed. All entities are still read,
	// so that keys are as common as they are in the whole store and a
	// pair scores alike whichever run finds it.
	Touched []string
	// MinScore is the least score proposed.
	MinScore float64
	// MaxBlock: a key shared by more entities is not used to find
	// candidates.
	MaxBlock int
	// PerEntity is how many candidates of each entity are scored.
	PerEntity int
	// Keep is how many proposals are returned, the best; the others are
	// counted in Result.LeftOff.
	Keep int
	// Progress, when not nil, is called now and then with the phase
	// (reading, blocking, scoring) and how far it is.
	Progress func(phase string, done, total int)
}

func (o Options) withDefaults() Options {
	if o.MinScore <= 0 {
		o.MinScore = DefaultMinScore
	}
	if o.MaxBlock <= 0 {
		o.MaxBlock = DefaultMaxBlock
	}
	if o.PerEntity <= 0 {
		o.PerEntity = DefaultPerEntity
	}
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	return o
}

// Candidate is a proposed pair: entities A and B (A < B in byte order)
// may be one party. Features explain the score; ExactIdentifier says that
// both carry the same registration id (the bulk action's pairs).
type Candidate struct {
	A               string               `json:"a"`
	B               string               `json:"b"`
	Score           float64              `json:"score"`
	Features        []graph.MatchFeature `json:"features"`
	ExactIdentifier bool                 `json:"exact_identifier"`
}

// Key is the pair's key, as graph.PairKey.
func (c Candidate) Key() string { return graph.PairKey(c.A, c.B) }

// Result is what a run read, skipped and proposed, and the proposals.
type Result struct {
	Counts
	// Candidates are the best Keep proposals, best first.
	Candidates []Candidate `json:"candidates"`
}

// Counts are what a run read, skipped and proposed.
type Counts struct {
	Entities int `json:"entities"`          // entities read
	Touched  int `json:"touched,omitempty"` // of them, those whose pairs were sought
	// Keys are the blocking keys shared by two or more entities, and
	// SkippedKeys those of them shared by more than MaxBlock, not used.
	Keys        int `json:"keys"`
	SkippedKeys int `json:"skipped_keys"`
	MaxBlock    int `json:"max_block"`
	Compared    int `json:"compared"` // pairs scored
	// Decided counts candidate pairs left out because they are decided,
	// in one cluster, or of two clusters decided different.
	Decided  int     `json:"decided"`
	MinScore float64 `json:"min_score"`
	// Proposed is how many pairs reached MinScore; LeftOff counts those
	// beyond Keep.
	Proposed int `json:"proposed"`
	LeftOff  int `json:"left_off"`
}

// Run cross-references the store.
func Run(ctx context.Context, s Store, o Options) (Result, error) {
	o = o.withDefaults()
	r := &run{s: s, o: o, links: map[int32]*neighbours{}, names: map[int32][]name{}}
	res := Result{Counts: Counts{MaxBlock: o.MaxBlock, MinScore: o.MinScore}, Candidates: []Candidate{}}
	ds, err := s.Decisions(ctx)
	if err != nil {
		return res, err
	}
	r.decisions(ds)
	if err := r.read(ctx); err != nil {
		return res, err
	}
	res.Entities = len(r.ents)
	r.block(&res.Counts)
	if err := r.score(ctx, &res.Counts); err != nil {
		return res, err
	}
	res.Touched = len(r.todo)
	if len(o.Touched) == 0 {
		res.Touched = 0
	}
	sortCandidates(r.found)
	res.Proposed = len(r.found)
	res.Candidates = append(res.Candidates, r.found[:min(len(r.found), o.Keep)]...)
	res.LeftOff = len(r.found) - len(res.Candidates)
	return res, nil
}

func sortCandidates(cs []Candidate) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Score != cs[j].Score {
			return cs[i].Score > cs[j].Score
		}
		return cs[i].Key() < cs[j].Key()
	})
}

// posting says that entity ord has the key hashed to h; the top bits of h
// are the key's type.
type posting struct {
	h   uint64
	ord int32
}

// Key types, weighing a shared key in ranking an entity's candidates.
const (
	keyWord uint64 = iota
	keyPhonetic
	keyJoined
	keyInitials
	keyIdentifier
)

var keyWeight = [...]float64{keyWord: 1, keyPhonetic: 0.6, keyJoined: 2, keyInitials: 0.5, keyIdentifier: 4}

const typeShift = 61

func hashKey(typ uint64, k string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(k))
	return f.Sum64()&^(7<<typeShift) | typ<<typeShift
}

// keyType reads the type of a retrieval key of match.Keys by its prefix.
func keyType(k string) uint64 {
	if len(k) > 2 && k[1] == '_' {
		switch k[0] {
		case 'p':
			return keyPhonetic
		case 'c':
			return keyJoined
		case 'i':
			return keyInitials
		}
	}
	return keyWord
}

type run struct {
	s Store
	o Options

	ents []graph.Entity // the fields scoring reads, by ordinal (id order)
	ord  map[string]int32
	post []posting

	// Blocks of two to MaxBlock entities: members[start[b]:start[b+1]],
	// blockHash[b] their key (ascending), blockOf[entOff[i]:entOff[i+1]]
	// the blocks of entity i.
	start, members []int32
	blockHash      []uint64
	blockOf        []int32
	entOff         []int32
	big            map[uint64]int32 // sizes of the skipped word keys, for rarity

	todo []int32   // entities whose candidates are sought
	top  [][]int32 // by ordinal: the candidates of the entities sought

	decided   map[string]bool
	clusters  *graph.Clusters
	different map[string]bool // cluster pairs decided not the same

	quiet bool // score without explaining: the pairs kept are scored again, explained
	links map[int32]*neighbours
	names map[int32][]name // parsed names, for scoring
	found []Candidate
}

func (r *run) progress(phase string, done, total int) {
	if r.o.Progress != nil {
		r.o.Progress(phase, done, total)
	}
}

func (r *run) decisions(ds []graph.Decision) {
	r.decided = make(map[string]bool, len(ds))
	r.clusters = graph.NewClusters(ds)
	r.different = map[string]bool{}
	for _, d := range ds {
		r.decided[d.Key()] = true
		if d.Identity == graph.NotSame {
			r.different[graph.PairKey(r.clusters.Of(d.A), r.clusters.Of(d.B))] = true
		}
	}
}

// excluded reports whether the pair is decided, one cluster, or of two
// clusters decided different: never proposed.
func (r *run) excluded(a, b string) bool {
	ca, cb := r.clusters.Of(a), r.clusters.Of(b)
	return r.decided[graph.PairKey(a, b)] || ca == cb || r.different[graph.PairKey(ca, cb)]
}

// read takes every entity's scoring fields and blocking keys.
func (r *run) read(ctx context.Context) error {
	r.ord = map[string]int32{}
	err := r.s.EachEntity(ctx, func(e graph.Entity) error {
		n := int32(len(r.ents))
		r.ents = append(r.ents, graph.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases,
			Country: e.Country, RegistrationID: e.RegistrationID, Address: e.Address})
		r.ord[e.ID] = n
		for _, k := range match.Keys(append([]string{e.Name}, e.Aliases...)) {
			r.post = append(r.post, posting{hashKey(keyType(k), k), n})
		}
		if id := match.Identifier(e.RegistrationID); len(id) >= 3 {
			r.post = append(r.post, posting{hashKey(keyIdentifier, id), n})
		}
		if n%10000 == 0 {
			r.progress("reading", int(n), 0)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.progress("reading", len(r.ents), len(r.ents))
	if len(r.o.Touched) == 0 {
		r.todo = make([]int32, len(r.ents))
		for i := range r.todo {
			r.todo[i] = int32(i)
		}
		return nil
	}
	for _, id := range r.o.Touched {
		if n, ok := r.ord[id]; ok {
			r.todo = append(r.todo, n)
		}
	}
	slices.Sort(r.todo)
	r.todo = slices.Compact(r.todo)
	return nil
}

// block groups the postings by key into blocks, skipping keys of one
// entity and keys of more than MaxBlock.
func (r *run) block(res *Counts) {
	slices.SortFunc(r.post, func(a, b posting) int {
		if a.h != b.h {
			if a.h < b.h {
				return -1
			}
			return 1
		}
		return int(a.ord - b.ord)
	})
	r.big = map[uint64]int32{}
	count := make([]int32, len(r.ents)+1)
	r.start = []int32{0}
	for i := 0; i < len(r.post); {
		j := i
		var ms []int32
		for ; j < len(r.post) && r.post[j].h == r.post[i].h; j++ {
			if len(ms) == 0 || ms[len(ms)-1] != r.post[j].ord {
				ms = append(ms, r.post[j].ord)
			}
		}
		h := r.post[i].h
		i = j
		switch {
		case len(ms) < 2:
		case len(ms) > r.o.MaxBlock:
			res.Keys++
			res.SkippedKeys++
			if h>>typeShift == keyWord {
				r.big[h] = int32(len(ms))
			}
		default:
			res.Keys++
			r.members = append(r.members, ms...)
			r.start = append(r.start, int32(len(r.members)))
			r.blockHash = append(r.blockHash, h)
			for _, m := range ms {
				count[m+1]++
			}
		}
	}
	r.post = nil
	r.entOff = make([]int32, len(r.ents)+1)
	for i := range r.ents {
		r.entOff[i+1] = r.entOff[i] + count[i+1]
	}
	r.blockOf = make([]int32, r.entOff[len(r.ents)])
	fill := slices.Clone(r.entOff[:len(r.ents)])
	for b := 0; b+1 < len(r.start); b++ {
		for _, m := range r.members[r.start[b]:r.start[b+1]] {
			r.blockOf[fill[m]] = int32(b)
			fill[m]++
		}
	}
	r.progress("blocking", len(r.ents), len(r.ents))
}

// Docs and DocFreq are the matcher's corpus statistics (match.Stats):
// how many entities have a word, from the blocks.
func (r *run) Docs() int { return len(r.ents) }

func (r *run) DocFreq(word string) int {
	h := hashKey(keyWord, word)
	if n, ok := r.big[h]; ok {
		return min(int(n), match.MaxDocFreq)
	}
	if b, ok := slices.BinarySearch(r.blockHash, h); ok {
		return min(int(r.start[b+1]-r.start[b]), match.MaxDocFreq)
	}
	return 1
}

// scratch accumulates one entity's candidates: a weight per ordinal, and
// the ordinals touched.
type scratch struct {
	acc  []float64
	seen []int32
}

// candidates returns entity i's best PerEntity candidates, ranked by the
// keys they share, each weighing by its type and less the larger its
// block; ties by ordinal (id order).
func (r *run) candidates(i int32, sc *scratch) []int32 {
	for _, j := range sc.seen {
		sc.acc[j] = 0
	}
	sc.seen = sc.seen[:0]
	for _, b := range r.blockOf[r.entOff[i]:r.entOff[i+1]] {
		ms := r.members[r.start[b]:r.start[b+1]]
		w := keyWeight[r.blockHash[b]>>typeShift] / math.Log2(1+float64(len(ms)))
		for _, j := range ms {
			if j != i {
				if sc.acc[j] == 0 {
					sc.seen = append(sc.seen, j)
				}
				sc.acc[j] += w
			}
		}
	}
	out := slices.Clone(sc.seen)
	sort.Slice(out, func(x, y int) bool {
		if sc.acc[out[x]] != sc.acc[out[y]] {
			return sc.acc[out[x]] > sc.acc[out[y]]
		}
		return out[x] < out[y]
	})
	return append([]int32(nil), out[:min(len(out), r.o.PerEntity)]...)
}

// score finds and scores each sought entity's candidates; a pair both of
// whose ends name each other is scored once.
func (r *run) score(ctx context.Context, res *Counts) error {
	sc := &scratch{acc: make([]float64, len(r.ents))}
	r.top = make([][]int32, len(r.ents))
	for n, i := range r.todo {
		r.top[i] = r.candidates(i, sc)
		if n%10000 == 0 {
			r.progress("blocking", n, len(r.todo))
		}
	}
	for n, i := range r.todo {
		if n%1000 == 0 {
			r.progress("scoring", n, len(r.todo))
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for _, j := range r.top[i] {
			if j < i && slices.Contains(r.top[j], i) {
				continue // scored from j
			}
			a, b := &r.ents[i], &r.ents[j]
			if r.excluded(a.ID, b.ID) {
				res.Decided++
				continue
			}
			res.Compared++
			r.quiet = true
			c, err := r.pair(ctx, i, j)
			if err != nil {
				return err
			}
			if c.Score >= r.o.MinScore {
				r.quiet = false
				if c, err = r.pair(ctx, i, j); err != nil {
					return err
				}
				r.found = append(r.found, c)
			}
		}
	}
	r.progress("scoring", len(r.todo), len(r.todo))
	r.found = r.onePerClusters(r.found)
	return nil
}

// onePerClusters keeps, of the pairs joining the same two clusters, the
// best: deciding it decides them all.
func (r *run) onePerClusters(cs []Candidate) []Candidate {
	best := map[string]int{}
	out := cs[:0]
	for _, c := range cs {
		k := graph.PairKey(r.clusters.Of(c.A), r.clusters.Of(c.B))
		if at, ok := best[k]; ok {
			if c.Score > out[at].Score || (c.Score == out[at].Score && c.Key() < out[at].Key()) {
				out[at] = c
			}
			continue
		}
		best[k] = len(out)
		out = append(out, c)
	}
	return out
}

func describe(e *graph.Entity) string {
	if e.Country != "" {
		return fmt.Sprintf("%s (%s, %s)", e.Name, e.ID, e.Country)
	}
	return fmt.Sprintf("%s (%s)", e.Name, e.ID)
}
