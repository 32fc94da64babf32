package match

import (
	"slices"
	"sort"
)

// Index is an in-memory retrieval index over entities' names, for a store
// that keeps its graph in memory: retrieval keys → entities, and a
// vocabulary of the fuzzy-searchable keys by their one-letter deletions,
// so that a key one or two edits away is found without scanning
// (symmetric deletion). It is not safe for concurrent writes; readers may
// share it while nobody writes.
type Index struct {
	ids      []string         // document number → entity id; "" once removed
	doc      map[string]int32 // entity id → document number
	keys     map[string][]int32
	deletes  map[string][]string // a fuzzy key less one letter → the keys
	docCount int
	changes  uint64 // counts the changes, for Apply to tell a stale Update
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{doc: map[string]int32{}, keys: map[string][]int32{}, deletes: map[string][]string{}}
}

// Add indexes an entity's names; an entity added again is re-indexed.
func (x *Index) Add(id string, names []string) { x.AddKeys(id, Keys(names)) }

// AddKeys indexes an entity under keys made by Keys: a store computes
// them before it takes its lock, so that writers hold it briefly.
func (x *Index) AddKeys(id string, keys []string) {
	if _, ok := x.doc[id]; ok {
		x.Remove(id, nil)
	}
	n := int32(len(x.ids))
	x.ids = append(x.ids, id)
	x.doc[id] = n
	x.docCount++
	x.changes++
	for _, k := range keys {
		if len(x.keys[k]) == 0 && fuzzyKey(k) {
			for _, d := range deletions(k) {
				x.deletes[d] = append(x.deletes[d], k)
			}
		}
		x.keys[k] = append(x.keys[k], n)
	}
}

// Remove takes an entity out of the index. names are the names it was
// indexed with; nil when not known (the keys are then found by scanning,
// which only re-adding does).
func (x *Index) Remove(id string, names []string) {
	if names != nil {
		x.RemoveKeys(id, Keys(names))
		return
	}
	if n, ok := x.doc[id]; ok {
		x.RemoveKeys(id, x.keysOf(n))
	}
}

// keysOf returns the keys document n is indexed under, by scanning them.
func (x *Index) keysOf(n int32) []string {
	var keys []string
	for k, ds := range x.keys {
		if _, found := slices.BinarySearch(ds, n); found {
			keys = append(keys, k)
		}
	}
	return keys
}

// RemoveKeys takes an entity indexed under keys (made by Keys) out of the
// index.
func (x *Index) RemoveKeys(id string, keys []string) {
	x.Apply(x.Plan([]Doc{{ID: id, Keys: keys}}, nil))
}

// A Doc is an entity and its retrieval keys (made by Keys).
type Doc struct {
	ID   string
	Keys []string
}

// An Update is a batch of removals and additions planned by Plan, which
// only reads the index, and made by Apply in one short step: a store
// plans an upload's re-indexing while readers share the index, and holds
// its writers' lock only to apply it. The key lists an update changes
// are new slices, never the index's own: a reader planned around sees
// them as they were.
type Update struct {
	x             *Index
	changes       uint64 // x.changes when planned
	next          int32  // len(x.ids) when planned
	removes, adds []Doc
	removed       []int32             // documents taken out
	added         []string            // entities given the documents from next on
	keys          map[string][]int32  // empty: the key is deleted
	deletes       map[string][]string // empty: the deletion is deleted
}

// Plan plans the removal of removes (indexed under their keys) and the
// addition of adds. An entity both removed and added (renamed) keeps its
// document, under its new keys; one added that is indexed and not
// removed is re-indexed, its old keys found by scanning (as Remove does).
// Plan only reads the index.
func (x *Index) Plan(removes, adds []Doc) *Update {
	u := &Update{x: x, changes: x.changes, next: int32(len(x.ids)), removes: removes, adds: adds,
		keys: map[string][]int32{}, deletes: map[string][]string{}}
	out := map[string]map[int32]bool{} // key → documents it loses
	in := map[string][]int32{}         // key → documents it gains
	leave := func(k string, n int32) {
		if out[k] == nil {
			out[k] = map[int32]bool{}
		}
		out[k][n] = true
	}
	removing := map[string]bool{}
	for _, d := range removes {
		if n, ok := x.doc[d.ID]; ok && !removing[d.ID] {
			removing[d.ID] = true
			for _, k := range d.Keys {
				leave(k, n)
			}
		}
	}
	adding := map[string]bool{}
	for _, d := range adds {
		if adding[d.ID] {
			continue
		}
		adding[d.ID] = true
		n, ok := x.doc[d.ID]
		switch {
		case !ok:
			n = u.next + int32(len(u.added))
			u.added = append(u.added, d.ID)
		case !removing[d.ID]:
			for _, k := range x.keysOf(n) {
				leave(k, n)
			}
		}
		for _, k := range d.Keys {
			in[k] = append(in[k], n)
		}
	}
	for id := range removing {
		if !adding[id] {
			u.removed = append(u.removed, x.doc[id])
		}
	}
	// Each changed key's new list: its documents less those it loses,
	// merged with those it gains, in order (a document number is a
	// position in every list it is in).
	for k, gone := range out {
		u.keys[k] = slices.DeleteFunc(slices.Clone(x.keys[k]), func(n int32) bool { return gone[n] })
	}
	for k, ns := range in {
		ds, own := u.keys[k]
		if !own {
			ds = x.keys[k]
		}
		slices.Sort(ns)
		merged := make([]int32, 0, len(ds)+len(ns))
		i := 0
		for _, n := range ns {
			for i < len(ds) && ds[i] < n {
				merged = append(merged, ds[i])
				i++
			}
			if (i < len(ds) && ds[i] == n) || (len(merged) > 0 && merged[len(merged)-1] == n) {
				continue // already under the key, or a key given twice
			}
			merged = append(merged, n)
		}
		u.keys[k] = append(merged, ds[i:]...)
	}
	// The vocabulary of fuzzy keys follows the keys that come and go.
	for k, ds := range u.keys {
		was, is := len(x.keys[k]) > 0, len(ds) > 0
		if was == is || !fuzzyKey(k) {
			continue
		}
		for _, d := range deletions(k) {
			vs, ok := u.deletes[d]
			if !ok {
				vs = x.deletes[d]
			}
			if is {
				vs = append(slices.Clip(vs), k)
			} else {
				vs = slices.DeleteFunc(slices.Clone(vs), func(s string) bool { return s == k })
			}
			u.deletes[d] = vs
		}
	}
	return u
}

// Apply makes the update planned by Plan. An update planned before
// another change of the index is planned again first.
func (x *Index) Apply(u *Update) {
	if u.x != x || u.changes != x.changes {
		u = x.Plan(u.removes, u.adds)
	}
	if len(u.removed)+len(u.added)+len(u.keys)+len(u.deletes) == 0 {
		return // nothing written: readers may go on beside it
	}
	x.changes++
	for _, n := range u.removed {
		delete(x.doc, x.ids[n])
		x.ids[n] = ""
	}
	for _, id := range u.added {
		x.doc[id] = int32(len(x.ids))
		x.ids = append(x.ids, id)
	}
	x.docCount += len(u.added) - len(u.removed)
	for k, ds := range u.keys {
		if len(ds) == 0 {
			delete(x.keys, k)
		} else {
			x.keys[k] = ds
		}
	}
	for d, vs := range u.deletes {
		if len(vs) == 0 {
			delete(x.deletes, d)
		} else {
			x.deletes[d] = vs
		}
	}
}

// Docs implements Stats.
func (x *Index) Docs() int { return x.docCount }

// DocFreq implements Stats.
func (x *Index) DocFreq(word string) int { return min(len(x.keys[word]), MaxDocFreq) }

// Retrieval bounds: a key of more entities than maxPosting says little on
// its own and is skipped when the query has other keys; at most
// Candidates entities are returned.
const (
	maxPosting = 10000
	Candidates = 20
)

// Lookup returns up to Candidates entity ids for a query name, the most
// likely first: each entity is ranked by the summed weights of the
// query's terms it has (a fuzzy term counts by how alike the found key is).
func (x *Index) Lookup(name string, prefix bool) []string {
	type hit struct {
		key    string
		weight float64
	}
	var hits []hit
	terms := Terms(name)
	if t, ok := PrefixTerm(name); ok && prefix && len(x.keys[t.Key]) == 0 {
		// As you type: the words that start with the last one, from a scan
		// of the keys bounded by the postings it brings.
		brought := 0
		for k, ds := range x.keys {
			if len(k) > len(t.Key) && k[:len(t.Key)] == t.Key && k[1] != '_' && brought < maxPosting {
				hits = append(hits, hit{k, t.Weight})
				brought += len(ds)
			}
		}
	}
	for _, t := range terms {
		if len(x.keys[t.Key]) > 0 {
			hits = append(hits, hit{t.Key, t.Weight})
		}
		if t.Fuzzy {
			for _, k := range x.near(t.Key) {
				hits = append(hits, hit{k, NearWeight(t, k)})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return len(x.keys[hits[i].key]) < len(x.keys[hits[j].key]) })
	// Sized once for the postings read below, not grown a rehash at a time.
	size := 0
	for i, h := range hits {
		if n := len(x.keys[h.key]); n <= maxPosting || i == 0 {
			size += min(n, maxPosting)
		}
	}
	score := make(map[int32]float64, size)
	for i, h := range hits {
		ds := x.keys[h.key]
		if len(ds) > maxPosting && i > 0 {
			continue
		}
		for _, d := range ds[:min(len(ds), maxPosting)] {
			score[d] += h.weight
		}
	}
	return x.best(score)
}

// best returns the ids of the Candidates documents of the highest score,
// ties by id: a bounded selection, since a common word's documents may be
// many thousands.
func (x *Index) best(score map[int32]float64) []string {
	type doc struct {
		id    string
		score float64
	}
	better := func(a, b doc) bool { return a.score > b.score || (a.score == b.score && a.id < b.id) }
	top := make([]doc, 0, Candidates+1)
	for d, sc := range score {
		c := doc{x.ids[d], sc}
		if len(top) == Candidates && !better(c, top[len(top)-1]) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return better(c, top[i]) })
		top = slices.Insert(top, i, c)
		if len(top) > Candidates {
			top = top[:Candidates]
		}
	}
	out := make([]string, len(top))
	for i, d := range top {
		out[i] = d.id
	}
	return out
}

// Retrieval ranks the candidates of a store whose index cannot rank them
// as Index.Lookup does (Neo4j's full-text index): by the same score,
// computed from each candidate's own keys, then by id; it keeps the first
// Candidates. prefix says whether the last word counts as the start of a
// word, which Lookup does when no entity has the word itself.
func Retrieval(name string, prefix bool, ids []string, keysOf map[string][]string) []string {
	terms := Terms(name)
	pt, hasPrefix := PrefixTerm(name)
	score := make(map[string]float64, len(ids))
	for _, id := range ids {
		keys := keysOf[id]
		var sc float64
		for _, t := range terms {
			for _, k := range keys {
				switch {
				case k == t.Key:
					sc += t.Weight
				case t.Fuzzy && fuzzyKey(k) && reachable(t.Key, k):
					sc += NearWeight(t, k)
				}
			}
		}
		if prefix && hasPrefix {
			for _, k := range keys {
				if len(k) > len(pt.Key) && k[:len(pt.Key)] == pt.Key && k[1] != '_' {
					sc += pt.Weight
				}
			}
		}
		score[id] = sc
	}
	out := append([]string(nil), ids...)
	sort.Slice(out, func(i, j int) bool {
		if score[out[i]] != score[out[j]] {
			return score[out[i]] > score[out[j]]
		}
		return out[i] < out[j]
	})
	return out[:min(len(out), Candidates)]
}

// reachable reports whether near(k) would find c: within maxEdits of k,
// and c is k plus a letter, k less a letter, or shares a deletion with k.
func reachable(k, c string) bool {
	if k == c || abs(len(k)-len(c)) > 1 || osa(k, c) > maxEdits(k) {
		return false
	}
	dk, dc := deletions(k), deletions(c)
	return slices.Contains(dk, c) || slices.Contains(dc, k) || slices.ContainsFunc(dk, func(d string) bool { return slices.Contains(dc, d) })
}

// near returns the indexed fuzzy keys within maxEdits of k, k excluded:
// the keys that are k plus a letter, k less a letter, or share a deletion
// with k (one letter changed or two swapped), checked by edit distance.
func (x *Index) near(k string) []string {
	var found []string
	found = append(found, x.deletes[k]...)
	for _, d := range deletions(k) {
		if len(x.keys[d]) > 0 && fuzzyKey(d) {
			found = append(found, d)
		}
		found = append(found, x.deletes[d]...)
	}
	return Near(k, found)
}

// Near keeps of the keys a vocabulary found (Vocabulary) those the
// in-memory Index finds a typo away from k: fuzzy keys within maxEdits of
// it that are k plus a letter, k less a letter, or share a deletion with
// it; k excluded, each once, sorted. found may hold the keys found for
// other keys too: a store that keeps its vocabulary elsewhere (Neo4j) asks
// for every fuzzy key of a query at once.
func Near(k string, found []string) []string {
	seen := map[string]bool{k: true}
	var out []string
	for _, c := range found {
		if !seen[c] {
			seen[c] = true
			if fuzzyKey(c) && reachable(k, c) {
				out = append(out, c)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Vocabulary is a fuzzy key with its one-letter deletions: what a store
// that keeps the fuzzy keys of its entities apart from them (Neo4j) writes
// for each (FuzzyKeys), so that NearQuery's look-ups find it.
type Vocabulary struct {
	Key       string
	Deletions []string
}

// NearQuery is how such a store finds, in one look-up for a query, the
// keys a typo away from its fuzzy terms: the keys one of whose deletions
// is one of tokens (the fuzzy keys and their deletions), and the keys that
// are one of deletions. Near then keeps, for each term, those close enough.
func NearQuery(terms []Term) (tokens, dels []string) {
	for _, t := range terms {
		if t.Fuzzy {
			d := deletions(t.Key)
			tokens = append(append(tokens, t.Key), d...)
			dels = append(dels, d...)
		}
	}
	return tokens, dels
}

// FuzzyKeys returns the keys of Keys a typo may be found by (words and
// joined names of four letters or more, without digits), with their
// deletions: the vocabulary entries a store writes for an entity.
func FuzzyKeys(keys []string) []Vocabulary {
	var out []Vocabulary
	for _, k := range keys {
		if fuzzyKey(k) {
			out = append(out, Vocabulary{Key: k, Deletions: deletions(k)})
		}
	}
	return out
}

// NearWeight is the weight a key found near a fuzzy term's key adds to a
// candidate in retrieval: the term's, by how alike the keys are.
func NearWeight(t Term, k string) float64 { return t.Weight * ratio(t.Key, k) }

// maxEdits is how many edits away a fuzzy key may be: one for short
// words, two from eight letters.
func maxEdits(k string) int {
	if len(k) >= 8 {
		return 2
	}
	return 1
}

// fuzzyKey reports whether a key is found by keys a typo away: words and
// joined names of four letters or more, without digits.
func fuzzyKey(k string) bool {
	if len(k) >= 2 && k[1] == '_' && k[0] != joinedKey[0] {
		return false
	}
	if len(k) > 2 && k[1] == '_' {
		k = k[2:]
	}
	return len(k) >= 4 && !hasDigit(k)
}

// deletions returns k less one letter, each way; a key's prefix stays.
func deletions(k string) []string {
	prefix := ""
	if len(k) > 2 && k[1] == '_' {
		prefix, k = k[:2], k[2:]
	}
	out := make([]string, 0, len(k))
	for i := range len(k) {
		d := prefix + k[:i] + k[i+1:]
		if len(out) == 0 || d != out[len(out)-1] {
			out = append(out, d)
		}
	}
	return out
}
