package graph

import (
	"sort"
	"strings"
)

// Identity is an investigator's decision on two records: one party, or two.
type Identity string

// The two decisions of SPEC §1 "Identity".
const (
	Same    Identity = "same"     // SAME_AS: one party
	NotSame Identity = "not_same" // NOT_SAME_AS: two parties, never proposed again
)

// Valid reports whether i is same or not_same.
func (i Identity) Valid() bool { return i == Same || i == NotSame }

// LinkType is the Neo4j relationship type of the decision.
func (i Identity) LinkType() string {
	if i == Same {
		return "SAME_AS"
	}
	return "NOT_SAME_AS"
}

// Decision is an identity decision between entities A and B, A < B in byte
// order (NewDecision orders them). Deciding a pair again replaces the
// decision; a decision is undone only by removing it, never by a re-import.
type Decision struct {
	A         string   `json:"a"`
	B         string   `json:"b"`
	Identity  Identity `json:"decision"`
	DecidedBy string   `json:"decided_by"`
	DecidedAt string   `json:"decided_at"` // RFC 3339, UTC
	Note      string   `json:"note,omitempty"`
	Source    Source   `json:"source"`
}

// NewDecision returns the decision on a and b with its ends in order.
func NewDecision(a, b string, i Identity) Decision {
	if b < a {
		a, b = b, a
	}
	return Decision{A: a, B: b, Identity: i}
}

// Key identifies the pair a decision is about.
func (d Decision) Key() string { return PairKey(d.A, d.B) }

// PairKey is the key of the unordered pair a, b.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// Clusters are the SAME_AS clusters of a set of decisions: the connected
// parts of the graph of same decisions. A cluster is named by the lowest
// id of its members, in byte order. An entity in no same decision is a
// cluster of its own, not held here.
type Clusters struct {
	of      map[string]string   // member → cluster id, for members of clusters of two or more
	members map[string][]string // cluster id → members, sorted
}

// NewClusters groups the entities of the same decisions among ds.
func NewClusters(ds []Decision) *Clusters {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, d := range ds {
		if d.Identity != Same || d.A == d.B {
			continue
		}
		for _, x := range []string{d.A, d.B} {
			if _, ok := parent[x]; !ok {
				parent[x] = x
			}
		}
		ra, rb := find(d.A), find(d.B)
		if ra == rb {
			continue
		}
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra // the root is always the least id of its part
	}
	c := &Clusters{of: map[string]string{}, members: map[string][]string{}}
	for x := range parent {
		r := find(x)
		c.of[x] = r
		c.members[r] = append(c.members[r], x)
	}
	for _, ms := range c.members {
		sort.Strings(ms)
	}
	return c
}

// Of returns the id naming id's cluster: id itself when it is in none.
func (c *Clusters) Of(id string) string {
	if c != nil {
		if r, ok := c.of[id]; ok {
			return r
		}
	}
	return id
}

// Members returns the sorted members of id's cluster; nil when id is in
// none (a cluster of its own).
func (c *Clusters) Members(id string) []string {
	if c == nil {
		return nil
	}
	return c.members[c.Of(id)]
}

// Clustered reports whether id is in a cluster of two or more.
func (c *Clusters) Clustered(id string) bool { return c != nil && c.of[id] != "" }

// Len is the number of clusters of two or more.
func (c *Clusters) Len() int {
	if c == nil {
		return 0
	}
	return len(c.members)
}

// Each calls fn with every cluster of two or more, by id.
func (c *Clusters) Each(fn func(id string, members []string)) {
	if c == nil {
		return
	}
	ids := make([]string, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fn(id, c.members[id])
	}
}

// MergeDecisions returns the stored decisions with those of an upload
// applied (a decision on a pair replaces the stored one), sorted by key,
// and which of the upload's created, updated or left a decision unchanged.
// A not_same decision between two members of one cluster is refused
// (EINVALID), naming the same decisions that join them, as is a decision
// on an entity and itself or with a missing end or decision.
func MergeDecisions(stored, upload []Decision) ([]Decision, Changes, error) {
	var ch Changes
	byKey := make(map[string]Decision, len(stored)+len(upload))
	for _, d := range stored {
		byKey[d.Key()] = d
	}
	for _, d := range upload {
		if d.A == "" || d.B == "" {
			return nil, ch, Errorf(EINVALID, "identity decision %s: both entities are required", d.Key())
		}
		if d.A == d.B {
			return nil, ch, Errorf(EINVALID, "identity decision on %s: an entity is always the same as itself", d.A)
		}
		if !d.Identity.Valid() {
			return nil, ch, Errorf(EINVALID, "identity decision %s: unknown decision %q (expected same or not_same)", d.Key(), d.Identity)
		}
		if d.B < d.A {
			d.A, d.B = d.B, d.A
		}
		old, ok := byKey[d.Key()]
		switch {
		case !ok:
			ch.Created++
		case old.Identity == d.Identity && old.Note == d.Note && old.DecidedBy == d.DecidedBy && old.DecidedAt == d.DecidedAt:
			ch.Unchanged++
			continue // restating a decision keeps its first source
		default:
			ch.Updated++
		}
		byKey[d.Key()] = d
	}
	all := make([]Decision, 0, len(byKey))
	for _, d := range byKey {
		all = append(all, d)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Key() < all[j].Key() })
	if err := CheckDecisions(all); err != nil {
		return nil, ch, err
	}
	return all, ch, nil
}

// CheckDecisions refuses a set of decisions in which a not_same pair ends
// up in one cluster, naming the chain of same decisions that joins it.
func CheckDecisions(ds []Decision) error {
	c := NewClusters(ds)
	for _, d := range ds {
		if d.Identity == NotSame && c.Clustered(d.A) && c.Of(d.A) == c.Of(d.B) {
			return Errorf(EINVALID, "identity decisions contradict each other: %s and %s are decided not the same, but same decisions join them (%s); remove one of them first",
				d.A, d.B, strings.Join(chain(ds, d.A, d.B), " = "))
		}
	}
	return nil
}

// chain returns a shortest chain of same decisions from a to b.
func chain(ds []Decision, a, b string) []string {
	adj := map[string][]string{}
	for _, d := range ds {
		if d.Identity == Same {
			adj[d.A] = append(adj[d.A], d.B)
			adj[d.B] = append(adj[d.B], d.A)
		}
	}
	for _, n := range adj {
		sort.Strings(n)
	}
	prev := map[string]string{a: ""}
	queue := []string{a}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if x == b {
			break
		}
		for _, y := range adj[x] {
			if _, ok := prev[y]; !ok {
				prev[y] = x
				queue = append(queue, y)
			}
		}
	}
	var out []string
	for x := b; x != ""; x = prev[x] {
		out = append([]string{x}, out...)
		if x == a {
			break
		}
	}
	return out
}
