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
	q.A, q.B, q.Note, q.By = strings.TrimSpace(q.A), strings.TrimSpace(q.B), strings.TrimSpace(q.Note), strings.TrimSpace(q.By)
	switch {
	case q.A == "" || q.B == "":
		return Outcome{}, graph.Errorf(graph.EINVALID, "an identity decision needs two entities, a and b")
	case !q.Identity.Valid():
		return Outcome{}, graph.Errorf(graph.EINVALID, "decision %q: expected same or not_same", q.Identity)
	case q.A == q.B:
		return Outcome{}, graph.Errorf(graph.EINVALID, "a and b are both %s: an entity is always the same as itself", q.A)
	case len(q.Note) > MaxNote:
		return Outcome{}, graph.Errorf(graph.EINVALID, "note is longer than %d bytes", MaxNote)
	case q.By == "":
		return Outcome{}, graph.Errorf(graph.EINVALID, "an identity decision needs who decides it")
	}
	for _, id := range []string{q.A, q.B} {
		if _, err := r.store.Entity(ctx, id); err != nil {
			if graph.ErrorCode(err) == graph.ENOTFOUND {
				return Outcome{}, graph.Errorf(graph.EINVALID, "no entity %q", id)
			}
			return Outcome{}, err
		}
	}
	now := r.now().UTC()
	d := graph.NewDecision(q.A, q.B, q.Identity)
	d.DecidedBy, d.Note, d.DecidedAt = q.By, q.Note, now.Format(time.RFC3339)
	d.Source = graph.Source{Upload: uploadID(d), File: q.Via}
	stored, err := r.store.Decisions(ctx)
	if err != nil {
		return Outcome{}, err
	}
	for _, old := range stored {
		if old.Key() == d.Key() && old.Identity == d.Identity && old.Note == d.Note && old.DecidedBy == d.DecidedBy {
			d = old // a restatement
		}
	}
	res, err := r.store.Apply(ctx, graph.Upload{ID: d.Source.Upload, Files: []string{q.Via}, Decisions: []graph.Decision{d}}, nil)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Decision: d, Changed: res.Any()}
	detail := string(d.Identity)
	if d.Note != "" {
		detail += ": " + d.Note
	}
	if err := r.audit(ctx, graph.AuditEntry{At: now, By: q.By, Action: "identity_decision", Target: d.Key(), Detail: detail}); err != nil {
		return out, err
	}
	if !out.Changed {
		return out, nil
	}
	if out.Flags, err = r.flags.Refresh(ctx, Describe(d)); err != nil {
		return out, fmt.Errorf("the identity decision was recorded, but re-evaluating the flags failed: %w", err)
	}
	return out, nil
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
