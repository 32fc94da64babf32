// Package casefile builds a flag's case report: everything an
// investigator needs to defend a decision on one transaction, on paper.
// Gather reads it from a store through graph.Store's own methods, so it
// reads alike on both stores; HTML and PDF print it; Bundle zips many.
package casefile

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// Reader is the part of graph.Store a case report reads.
type Reader interface {
	Flag(ctx context.Context, transactionID string) (graph.Flag, error)
	Transaction(ctx context.Context, id string) (graph.Transaction, error)
	Entity(ctx context.Context, id string) (graph.Entity, error)
	Listings(ctx context.Context, id string) ([]graph.Listing, error)
	Decisions(ctx context.Context) ([]graph.Decision, error)
	Jobs(ctx context.Context, limit int) ([]graph.Job, error)
}

// Case is one flag's case file.
type Case struct {
	Flag        graph.Flag
	Transaction graph.Transaction
	// Parties are the transaction's seller, buyer and declared end-user,
	// as far as it names them.
	Parties []Party
	// Paths are the paths the assessment walked: to each restrictive
	// end-user reached, then the ownership chains counted.
	Paths []Path
	// Entities are every entity the report names (parties, path nodes,
	// cluster members), by id.
	Entities map[string]graph.Entity
	// Listings are the listings of those entities, sorted by key.
	Listings []graph.Listing
	// Clusters are the SAME_AS clusters of two or more among them, and
	// Decisions every identity decision on one of them, sorted by key.
	Clusters  []Cluster
	Decisions []graph.Decision
	// Uploads are the uploads whose rows the report cites, by id.
	Uploads []Upload
	Policy  graph.Policy
	// Printed is when the report was made.
	Printed time.Time
}

// Party is an entity in a role of the transaction.
type Party struct {
	Role   string // Seller, Buyer, Declared end-user
	ID     string
	Entity *graph.Entity // nil when the store does not hold it
}

// Path is one path of the assessment, as walked.
type Path struct {
	Kind     string // "exposure" or "ownership"
	Exposure graph.Exposure
}

// Cluster is a SAME_AS cluster: the investigator's decision that its
// members are one party.
type Cluster struct {
	ID      string
	Members []string
}

// Upload is an upload cited by the report, with its job when one is
// recorded (uploads loaded from the command line or the demo have none).
type Upload struct {
	ID  string
	Job *graph.Job
}

// Step is one step of a path with where it is drawn from and to.
type Step struct {
	Path     int // index in Case.Paths
	N        int // 1-based within the path
	From, To graph.Ref
	Step     graph.PathStep
}

// Steps lists every step of every path, in order.
func (c Case) Steps() []Step {
	var out []Step
	for i, p := range c.Paths {
		for j, s := range p.Exposure.Steps {
			out = append(out, Step{Path: i, N: j + 1, From: p.Exposure.Path[j], To: p.Exposure.Path[j+1], Step: s})
		}
	}
	return out
}

// Name returns the stated name of an entity the case names, or its id.
func (c Case) Name(id string) string {
	if e, ok := c.Entities[id]; ok && e.Name != "" {
		return e.Name
	}
	return id
}

// Gather reads the case of each flag, in order. Identity decisions and
// upload jobs are read once for all of them.
func Gather(ctx context.Context, s Reader, p graph.Policy, now time.Time, transactionIDs []string) ([]Case, error) {
	ds, err := s.Decisions(ctx)
	if err != nil {
		return nil, err
	}
	jobs, err := s.Jobs(ctx, 0)
	if err != nil {
		return nil, err
	}
	byUpload := map[string]*graph.Job{}
	for i := len(jobs) - 1; i >= 0; i-- { // newest last, so the newest job of an upload wins
		j := jobs[i]
		if j.Upload != "" && (j.State == graph.JobDone || byUpload[j.Upload] == nil) {
			byUpload[j.Upload] = &j
		}
	}
	g := gatherer{s: s, clusters: graph.NewClusters(ds), decisions: ds, jobs: byUpload, entities: map[string]*graph.Entity{}}
	out := make([]Case, 0, len(transactionIDs))
	for _, id := range transactionIDs {
		c, err := g.gather(ctx, id)
		if err != nil {
			return nil, err
		}
		c.Policy, c.Printed = p, now.UTC()
		out = append(out, c)
	}
	return out, nil
}

type gatherer struct {
	s         Reader
	clusters  *graph.Clusters
	decisions []graph.Decision
	jobs      map[string]*graph.Job
	entities  map[string]*graph.Entity // nil value: not stored
}

func (g *gatherer) entity(ctx context.Context, id string) (*graph.Entity, error) {
	if e, ok := g.entities[id]; ok {
		return e, nil
	}
	e, err := g.s.Entity(ctx, id)
	switch {
	case errors.Is(err, graph.ErrNotFound):
		g.entities[id] = nil
		return nil, nil
	case err != nil:
		return nil, err
	}
	g.entities[id] = &e
	return &e, nil
}

func (g *gatherer) gather(ctx context.Context, id string) (Case, error) {
	f, err := g.s.Flag(ctx, id)
	if err != nil {
		return Case{}, err
	}
	tx, err := g.s.Transaction(ctx, id)
	if err != nil {
		return Case{}, err
	}
	c := Case{Flag: f, Transaction: tx, Entities: map[string]graph.Entity{}}
	named := map[string]bool{}
	for _, p := range []Party{{Role: "Seller", ID: tx.Seller}, {Role: "Buyer", ID: tx.Buyer}, {Role: "Declared end-user", ID: tx.EndUser}} {
		if p.ID == "" {
			continue
		}
		named[p.ID] = true
		if p.Entity, err = g.entity(ctx, p.ID); err != nil {
			return Case{}, err
		}
		c.Parties = append(c.Parties, p)
	}
	for _, x := range f.Exposures {
		c.Paths = append(c.Paths, Path{Kind: "exposure", Exposure: x})
	}
	for _, x := range f.Ownership {
		c.Paths = append(c.Paths, Path{Kind: "ownership", Exposure: x})
	}
	for _, p := range c.Paths {
		for _, r := range p.Exposure.Path {
			named[r.ID] = true
		}
		for _, s := range p.Exposure.Steps {
			named[s.From], named[s.To] = true, true
		}
	}
	// A path names clusters by their least member: the report names every member.
	clusters := map[string]bool{}
	for id := range named {
		if cid := g.clusters.Of(id); cid != id || len(g.clusters.Members(id)) > 1 {
			clusters[cid] = true
		}
	}
	for cid := range clusters {
		ms := g.clusters.Members(cid)
		if len(ms) < 2 {
			continue
		}
		c.Clusters = append(c.Clusters, Cluster{ID: cid, Members: ms})
		for _, m := range ms {
			named[m] = true
		}
	}
	sort.Slice(c.Clusters, func(i, j int) bool { return c.Clusters[i].ID < c.Clusters[j].ID })
	ids := make([]string, 0, len(named))
	for id := range named {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e, err := g.entity(ctx, id)
		if err != nil {
			return Case{}, err
		}
		if e == nil {
			continue
		}
		c.Entities[id] = *e
		ls, err := g.s.Listings(ctx, id)
		if err != nil {
			return Case{}, err
		}
		c.Listings = append(c.Listings, ls...)
	}
	sort.Slice(c.Listings, func(i, j int) bool { return c.Listings[i].Key() < c.Listings[j].Key() })
	for _, d := range g.decisions {
		if named[d.A] || named[d.B] {
			c.Decisions = append(c.Decisions, d)
		}
	}
	c.Uploads = g.uploads(c)
	return c, nil
}

// uploads lists the uploads of every source the case cites, sorted by id.
func (g *gatherer) uploads(c Case) []Upload {
	seen := map[string]bool{}
	add := func(s graph.Source) { seen[s.Upload] = true }
	add(c.Transaction.Source)
	for _, s := range c.Steps() {
		add(s.Step.Source)
	}
	for _, e := range c.Entities {
		add(e.Source)
	}
	for _, l := range c.Listings {
		add(l.Source)
	}
	for _, d := range c.Decisions {
		add(d.Source)
	}
	seen[c.Flag.EvidenceUpload] = true
	delete(seen, "")
	out := make([]Upload, 0, len(seen))
	for id := range seen {
		out = append(out, Upload{ID: id, Job: g.jobs[id]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
