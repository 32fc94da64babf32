package memstore

import (
	"hash/maphash"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// linkIndex finds a stored link by its Link.Key without keeping the keys:
// it maps a 64-bit hash of the key to the link, and keeps by key only the
// links whose key's hash another key already has. At a million entities
// the keys alone were about a tenth of the heap.
type linkIndex struct {
	hash   func(string) uint64
	byHash map[uint64]*graph.Link
	more   map[string]*graph.Link // links whose hash is taken by another key
}

func newLinkIndex(n int) linkIndex {
	seed := maphash.MakeSeed()
	return linkIndex{hash: func(k string) uint64 { return maphash.String(seed, k) }, byHash: make(map[uint64]*graph.Link, n), more: map[string]*graph.Link{}}
}

// get returns the link with key k.
func (x *linkIndex) get(k string) (*graph.Link, bool) {
	if l, ok := x.byHash[x.hash(k)]; ok && keyIs(l, k) {
		return l, true
	}
	l, ok := x.more[k]
	return l, ok
}

// add stores l under its key k, which no stored link has.
func (x *linkIndex) add(k string, l *graph.Link) {
	h := x.hash(k)
	if _, taken := x.byHash[h]; taken {
		x.more[k] = l
		return
	}
	x.byHash[h] = l
}

func (x *linkIndex) len() int { return len(x.byHash) + len(x.more) }

// all calls fn with every stored link, in no order.
func (x *linkIndex) all(fn func(*graph.Link)) {
	for _, l := range x.byHash {
		fn(l)
	}
	for _, l := range x.more {
		fn(l)
	}
}

// sorted returns copies of the stored links in the order of their keys.
func (x *linkIndex) sorted() []graph.Link {
	out := make([]graph.Link, 0, x.len())
	x.all(func(l *graph.Link) { out = append(out, *l) })
	return sortedLinks(out)
}

// keyIs reports whether l.Key() == k without making the key.
func keyIs(l *graph.Link, k string) bool {
	parts := [...]string{string(l.Type), l.From, l.To, l.Role, l.ValidFrom}
	i := 0
	for j, p := range parts {
		if j > 0 {
			if i >= len(k) || k[i] != '|' {
				return false
			}
			i++
		}
		if !strings.HasPrefix(k[i:], p) {
			return false
		}
		i += len(p)
	}
	return i == len(k)
}
