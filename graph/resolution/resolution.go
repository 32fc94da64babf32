// Package resolution is entity resolution as an investigator does it: a
// decision that two records are one party (SAME_AS) or two (NOT_SAME_AS),
// its removal, and what follows from each, written once for the API and
// the CLI: the decision stored, an entry in the audit log with who, and
// the flags re-evaluated, so that a reviewed flag whose evidence changed
// reopens with a note naming the decision.
package resolution

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// Flags re-evaluates the stored transactions after the graph changed;
// cause names the change in the note of every flag it reopens.
// exposure.Evaluator is one.
type Flags interface {
	Refresh(ctx context.Context, cause string) (exposure.RefreshResult, error)
}

// Audit records an entry in the audit log; an error stops the operation
// from being reported done.
type Audit func(ctx context.Context, e graph.AuditEntry) error

// Resolver records and removes identity decisions.
type Resolver struct {
	store graph.Store
	flags Flags
	audit Audit
	now   func() time.Time
}

// New returns a resolver over the store that re-evaluates flags and
// writes the audit log with the given functions; now is the clock of
// decided_at and the audit log.
func New(s graph.Store, flags Flags, audit Audit, now func() time.Time) *Resolver {
	return &Resolver{store: s, flags: flags, audit: audit, now: now}
}

// Request is a decision to record: A and B are entity ids, By who decides,
// Via the action that carries it (for the decision's source, e.g.
// "POST /api/v1/identity/decisions" or "hopcheck resolve same").
type Request struct {
	A, B     string
	Identity graph.Identity
	By       string
	Note     string
	Via      string
}

// Outcome is what a decision or its removal did: the decision (stored or
// removed), whether the store changed, and the re-evaluation of the flags.
type Outcome struct {
	Decision graph.Decision         `json:"decision"`
	Changed  bool                   `json:"changed"`
	Flags    exposure.RefreshResult `json:"flags"`
}

// MaxNote bounds a decision's note.
const MaxNote = 4000

// Decide records a decision on two entities, replacing the one on the
// pair if any. Restating the stored decision (same identity, note and
// decider) keeps it as it was. A decision that would contradict the
// others (a not_same pair joined by same decisions) is refused (EINVALID)
// and writes nothing, as is one on an unknown entity.
func (r *Resolver) Decide(ctx context.Context, q Request) (Outcome, error) {
	b, err := r.decide(ctx, []Request{q}, "")
	out := Outcome{Changed: b.Changed > 0, Flags: b.Flags}
	if len(b.Decisions) == 1 {
		out.Decision = b.Decisions[0]
	}
	return out, err
}

// Batch is what DecideAll did: the decisions as stored, in the order
// asked, how many changed the store, and the re-evaluation of the flags.
type Batch struct {
	Decisions []graph.Decision       `json:"decisions"`
	Changed   int                    `json:"changed"`
	Flags     exposure.RefreshResult `json:"flags"`
}

// MaxBatch bounds the decisions of one DecideAll.
const MaxBatch = 10_000

// DecideAll records several decisions as one write and re-evaluates the
// flags once (a review queue's bulk action): all of them, or, when one is
// refused, none; the error names the refused one by its place, or a
// contradiction by its chain of same decisions.
func (r *Resolver) DecideAll(ctx context.Context, qs []Request) (Batch, error) {
	switch {
	case len(qs) == 0:
		return Batch{}, graph.Errorf(graph.EINVALID, "no identity decisions given")
	case len(qs) > MaxBatch:
		return Batch{}, graph.Errorf(graph.EINVALID, "%d identity decisions: at most %d at once", len(qs), MaxBatch)
	}
	return r.decide(ctx, qs, "decision %d: ")
}

// decide is Decide and DecideAll; where, when not empty, prefixes a
// request's error with its place (1-based).
func (r *Resolver) decide(ctx context.Context, qs []Request, where string) (Batch, error) {
	fail := func(i int, err error) (Batch, error) {
		if where == "" {
			return Batch{}, err
		}
		return Batch{}, graph.Wrap(graph.ErrorCode(err), err, where+"%s", i+1, graph.ErrorMessage(err))
	}
	stored, err := r.store.Decisions(ctx)
	if err != nil {
		return Batch{}, err
	}
	storedBy := make(map[string]graph.Decision, len(stored))
	for _, d := range stored {
		storedBy[d.Key()] = d
	}
	now := r.now().UTC()
	known := map[string]bool{}
	ds := make([]graph.Decision, 0, len(qs))
	asked := map[string]int{}
	var fresh []int // the decisions that are no restatement
	for i, q := range qs {
		q.A, q.B, q.Note, q.By = strings.TrimSpace(q.A), strings.TrimSpace(q.B), strings.TrimSpace(q.Note), strings.TrimSpace(q.By)
		switch {
		case q.A == "" || q.B == "":
			return fail(i, graph.Errorf(graph.EINVALID, "an identity decision needs two entities, a and b"))
		case !q.Identity.Valid():
			return fail(i, graph.Errorf(graph.EINVALID, "decision %q: expected same or not_same", q.Identity))
		case q.A == q.B:
			return fail(i, graph.Errorf(graph.EINVALID, "a and b are both %s: an entity is always the same as itself", q.A))
		case len(q.Note) > MaxNote:
			return fail(i, graph.Errorf(graph.EINVALID, "note is longer than %d bytes", MaxNote))
		case q.By == "":
			return fail(i, graph.Errorf(graph.EINVALID, "an identity decision needs who decides it"))
		}
		for _, id := range []string{q.A, q.B} {
			if known[id] {
				continue
			}
			if _, err := r.store.Entity(ctx, id); err != nil {
				if graph.ErrorCode(err) == graph.ENOTFOUND {
					return fail(i, graph.Errorf(graph.EINVALID, "no entity %q", id))
				}
				return Batch{}, err
			}
			known[id] = true
		}
		d := graph.NewDecision(q.A, q.B, q.Identity)
		d.DecidedBy, d.Note, d.DecidedAt = q.By, q.Note, now.Format(time.RFC3339)
		d.Source = graph.Source{Upload: uploadID(d), File: q.Via}
		if old, ok := storedBy[d.Key()]; ok && old.Identity == d.Identity && old.Note == d.Note && old.DecidedBy == d.DecidedBy {
			d = old // a restatement
		} else {
			fresh = append(fresh, len(ds))
		}
		if j, ok := asked[d.Key()]; ok {
			if p := ds[j]; p.Identity != d.Identity || p.Note != d.Note || p.DecidedBy != d.DecidedBy {
				return fail(i, graph.Errorf(graph.EINVALID, "%s and %s are decided differently by decision %d", d.A, d.B, j+1))
			}
		}
		asked[d.Key()] = len(ds)
		ds = append(ds, d)
	}
	u := graph.Upload{ID: ds[0].Source.Upload, Files: []string{qs[0].Via}, Decisions: ds}
	if len(ds) > 1 {
		u.ID = batchID(ds)
		for _, i := range fresh {
			u.Decisions[i].Source.Upload = u.ID
		}
	}
	res, err := r.store.Apply(ctx, u, nil)
	if err != nil {
		return Batch{}, err
	}
	b := Batch{Decisions: ds, Changed: res.Decisions.Created + res.Decisions.Updated}
	for i, d := range ds {
		detail := string(d.Identity)
		if d.Note != "" {
			detail += ": " + d.Note
		}
		if err := r.audit(ctx, graph.AuditEntry{At: now, By: qs[i].By, Action: "identity_decision", Target: d.Key(), Detail: detail}); err != nil {
			return b, err
		}
	}
	if b.Changed == 0 {
		return b, nil
	}
	if b.Flags, err = r.flags.Refresh(ctx, batchCause(ds)); err != nil {
		return b, fmt.Errorf("the identity decisions were recorded, but re-evaluating the flags failed: %w", err)
	}
	return b, nil
}

// batchCause names the decisions of a write in a reopened flag's note:
// one in full, more as their count and the first three.
func batchCause(ds []graph.Decision) string {
	if len(ds) == 1 {
		return Describe(ds[0])
	}
	var some []string
	for _, d := range ds[:min(3, len(ds))] {
		some = append(some, Describe(d))
	}
	s := fmt.Sprintf("%d identity decisions (%s", len(ds), strings.Join(some, "; "))
	if len(ds) > 3 {
		s += fmt.Sprintf("; and %d more", len(ds)-3)
	}
	return s + ")"
}

// batchID names the upload of several decisions.
func batchID(ds []graph.Decision) string {
	h := sha256.New()
	for _, d := range ds {
		h.Write([]byte(d.Source.Upload + "\n"))
	}
	return "d-" + hex.EncodeToString(h.Sum(nil)[:6])
}

// Undo removes the decision on a and b (ErrNotFound when there is none)
// and re-evaluates the flags, naming the removal.
func (r *Resolver) Undo(ctx context.Context, a, b, by string) (Outcome, error) {
	a, b, by = strings.TrimSpace(a), strings.TrimSpace(b), strings.TrimSpace(by)
	if a == "" || b == "" {
		return Outcome{}, graph.Errorf(graph.EINVALID, "name the two entities of the decision to remove, a and b")
	}
	if by == "" {
		return Outcome{}, graph.Errorf(graph.EINVALID, "removing an identity decision needs who removes it")
	}
	d, err := r.store.Undecide(ctx, a, b)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Decision: d, Changed: true}
	if err := r.audit(ctx, graph.AuditEntry{At: r.now().UTC(), By: by, Action: "identity_decision_removed", Target: d.Key(),
		Detail: "removed " + Describe(d)}); err != nil {
		return out, err
	}
	if out.Flags, err = r.flags.Refresh(ctx, "removal of "+Describe(d)+" by "+by); err != nil {
		return out, fmt.Errorf("the identity decision was removed, but re-evaluating the flags failed: %w", err)
	}
	return out, nil
}

// Describe names a decision for people: "identity decision acme-1 =
// acme-2 by alice (note: same registration number)"; ≠ for not_same.
func Describe(d graph.Decision) string {
	op := "="
	if d.Identity == graph.NotSame {
		op = "≠"
	}
	s := fmt.Sprintf("identity decision %s %s %s", d.A, op, d.B)
	if d.DecidedBy != "" {
		s += " by " + d.DecidedBy
	}
	if d.Note != "" {
		s += " (note: " + d.Note + ")"
	}
	return s
}

// uploadID names the one-decision upload that records d, as importer's
// ids name uploads: from what it holds.
func uploadID(d graph.Decision) string {
	h := sha256.Sum256([]byte(d.Key() + "\n" + string(d.Identity) + "\n" + d.DecidedBy + "\n" + d.DecidedAt + "\n" + d.Note))
	return "d-" + hex.EncodeToString(h[:6])
}

// Cluster is an entity's SAME_AS cluster: its id (the lowest member id),
// its members, and every decision on one of them, same or not_same.
type Cluster struct {
	ID        string           `json:"cluster"`
	Members   []graph.Entity   `json:"members"`
	Decisions []graph.Decision `json:"decisions"`
}

// Cluster returns the cluster of the entity with the id, or ErrNotFound.
// An entity in no same decision is a cluster of its own.
func (r *Resolver) Cluster(ctx context.Context, id string) (Cluster, error) {
	e, err := r.store.Entity(ctx, id)
	if err != nil {
		return Cluster{}, err
	}
	ds, err := r.store.Decisions(ctx)
	if err != nil {
		return Cluster{}, err
	}
	cs := graph.NewClusters(ds)
	c := Cluster{ID: cs.Of(id), Members: []graph.Entity{e}, Decisions: []graph.Decision{}}
	ids := cs.Members(id)
	if len(ids) > 0 {
		c.Members = make([]graph.Entity, 0, len(ids))
		for _, m := range ids {
			if m == id {
				c.Members = append(c.Members, e)
				continue
			}
			me, err := r.store.Entity(ctx, m)
			if err != nil {
				return Cluster{}, fmt.Errorf("cluster %s, member %s: %w", c.ID, m, err)
			}
			c.Members = append(c.Members, me)
		}
	} else {
		ids = []string{id}
	}
	in := map[string]bool{}
	for _, m := range ids {
		in[m] = true
	}
	for _, d := range ds {
		if in[d.A] || in[d.B] {
			c.Decisions = append(c.Decisions, d)
		}
	}
	return c, nil
}
