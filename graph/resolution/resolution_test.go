package resolution_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/resolution"
)

var ctx = context.Background()

func clock() time.Time { return time.Date(2026, 12, 1, 10, 30, 0, 0, time.FixedZone("CET", 3600)) }

// flags records the causes it was refreshed with.
type flags struct {
	causes []string
	err    error
}

func (f *flags) Refresh(_ context.Context, cause string) (exposure.RefreshResult, error) {
	f.causes = append(f.causes, cause)
	return exposure.RefreshResult{Evaluated: 1}, f.err
}

type fixture struct {
	store *memstore.Store
	flags *flags
	audit []graph.AuditEntry
	r     *resolution.Resolver
}

func newFixture(t *testing.T) *fixture {
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	graphtest.NewBuilder("u-1").Org("acme-1", "CN").Org("acme-2", "CN").Org("acme-3", "HK").Org("orion", "AE").MustApply(t, s)
	f := &fixture{store: s, flags: &flags{}}
	f.r = resolution.New(s, f.flags, func(_ context.Context, e graph.AuditEntry) error {
		f.audit = append(f.audit, e)
		return nil
	}, clock)
	return f
}

func TestDecideStoresAuditsAndRefreshesNamingTheDecision(t *testing.T) {
	f := newFixture(t)
	out, err := f.r.Decide(ctx, resolution.Request{A: "acme-2", B: "acme-1", Identity: graph.Same, By: "alice", Note: "same registration number", Via: "POST /api/v1/identity/decisions"})
	if err != nil {
		t.Fatal(err)
	}
	d := out.Decision
	if d.A != "acme-1" || d.B != "acme-2" || d.Identity != graph.Same || d.DecidedBy != "alice" || d.DecidedAt != "2026-12-01T09:30:00Z" ||
		d.Note != "same registration number" || d.Source.File != "POST /api/v1/identity/decisions" || !strings.HasPrefix(d.Source.Upload, "d-") {
		t.Errorf("decision %+v", d)
	}
	if !out.Changed || out.Flags.Evaluated != 1 {
		t.Errorf("outcome %+v", out)
	}
	ds, _ := f.store.Decisions(ctx)
	if len(ds) != 1 || ds[0] != d {
		t.Errorf("stored %+v, want %+v", ds, d)
	}
	want := "identity decision acme-1 = acme-2 by alice (note: same registration number)"
	if len(f.flags.causes) != 1 || f.flags.causes[0] != want {
		t.Errorf("refreshed with %q, want %q", f.flags.causes, want)
	}
	if len(f.audit) != 1 || f.audit[0].By != "alice" || f.audit[0].Action != "identity_decision" || f.audit[0].Target != "acme-1|acme-2" ||
		f.audit[0].Detail != "same: same registration number" {
		t.Errorf("audit %+v", f.audit)
	}

	// Restating it later changes nothing and re-evaluates nothing, but is audited.
	out, err = f.r.Decide(ctx, resolution.Request{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice", Note: "same registration number", Via: "hopcheck resolve same"})
	if err != nil || out.Changed || out.Decision != d || len(f.flags.causes) != 1 || len(f.audit) != 2 {
		t.Errorf("restating: %+v %v, causes %q, audit %d", out, err, f.flags.causes, len(f.audit))
	}

	// Another decider's word replaces it.
	out, err = f.r.Decide(ctx, resolution.Request{A: "acme-1", B: "acme-2", Identity: graph.NotSame, By: "bob", Via: "hopcheck resolve not-same"})
	if err != nil || !out.Changed || out.Decision.Identity != graph.NotSame || out.Decision.DecidedBy != "bob" {
		t.Errorf("replacing: %+v %v", out, err)
	}
	if got := f.flags.causes[len(f.flags.causes)-1]; got != "identity decision acme-1 ≠ acme-2 by bob" {
		t.Errorf("cause %q", got)
	}
}

func TestDecideRefuses(t *testing.T) {
	f := newFixture(t)
	if _, err := f.r.Decide(ctx, resolution.Request{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Decide(ctx, resolution.Request{A: "acme-2", B: "acme-3", Identity: graph.Same, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	before, _ := f.store.Decisions(ctx)
	audited, refreshed := len(f.audit), len(f.flags.causes)
	for _, c := range []struct {
		name string
		q    resolution.Request
		want string
	}{
		{"contradiction", resolution.Request{A: "acme-1", B: "acme-3", Identity: graph.NotSame, By: "bob"}, "same decisions join them (acme-1 = acme-2 = acme-3)"},
		{"unknown entity", resolution.Request{A: "acme-1", B: "nobody", Identity: graph.Same, By: "bob"}, `no entity "nobody"`},
		{"itself", resolution.Request{A: "acme-1", B: "acme-1", Identity: graph.Same, By: "bob"}, "always the same as itself"},
		{"no decision", resolution.Request{A: "acme-1", B: "orion", Identity: "maybe", By: "bob"}, `decision "maybe": expected same or not_same`},
		{"one end", resolution.Request{A: "acme-1", Identity: graph.Same, By: "bob"}, "needs two entities"},
		{"nobody decides", resolution.Request{A: "acme-1", B: "orion", Identity: graph.Same}, "needs who decides"},
		{"long note", resolution.Request{A: "acme-1", B: "orion", Identity: graph.Same, By: "bob", Note: strings.Repeat("x", resolution.MaxNote+1)}, "note is longer"},
	} {
		_, err := f.r.Decide(ctx, c.q)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want EINVALID saying %q", c.name, err, c.want)
		}
	}
	after, _ := f.store.Decisions(ctx)
	if len(after) != len(before) || len(f.audit) != audited || len(f.flags.causes) != refreshed {
		t.Errorf("a refused decision wrote something: %d decisions, %d audit entries, %d refreshes", len(after), len(f.audit), len(f.flags.causes))
	}
}

func TestUndo(t *testing.T) {
	f := newFixture(t)
	if _, err := f.r.Decide(ctx, resolution.Request{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice", Note: "reg no"}); err != nil {
		t.Fatal(err)
	}
	out, err := f.r.Undo(ctx, "acme-2", "acme-1", "bob")
	if err != nil || out.Decision.A != "acme-1" || out.Decision.DecidedBy != "alice" {
		t.Fatalf("undo: %+v %v", out, err)
	}
	if ds, _ := f.store.Decisions(ctx); len(ds) != 0 {
		t.Errorf("still stored: %+v", ds)
	}
	if got := f.flags.causes[len(f.flags.causes)-1]; got != "removal of identity decision acme-1 = acme-2 by alice (note: reg no) by bob" {
		t.Errorf("cause %q", got)
	}
	last := f.audit[len(f.audit)-1]
	if last.By != "bob" || last.Action != "identity_decision_removed" || last.Target != "acme-1|acme-2" {
		t.Errorf("audit %+v", last)
	}
	if _, err := f.r.Undo(ctx, "acme-1", "acme-2", "bob"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("undo again: %v, want ErrNotFound", err)
	}
}

func TestRefreshFailureSaysTheDecisionStands(t *testing.T) {
	f := newFixture(t)
	f.flags.err = errors.New("store gone")
	out, err := f.r.Decide(ctx, resolution.Request{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice"})
	if err == nil || !strings.Contains(err.Error(), "recorded, but re-evaluating the flags failed") || out.Decision.A != "acme-1" {
		t.Errorf("%+v %v", out, err)
	}
	if ds, _ := f.store.Decisions(ctx); len(ds) != 1 {
		t.Errorf("decision not kept: %+v", ds)
	}
}

func TestCluster(t *testing.T) {
	f := newFixture(t)
	for _, q := range []resolution.Request{
		{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice"},
		{A: "acme-3", B: "acme-2", Identity: graph.Same, By: "alice"},
		{A: "acme-3", B: "orion", Identity: graph.NotSame, By: "bob"},
	} {
		if _, err := f.r.Decide(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.r.Cluster(ctx, "acme-3")
	if err != nil {
		t.Fatal(err)
	}
	var members, decisions []string
	for _, e := range c.Members {
		members = append(members, e.ID)
	}
	for _, d := range c.Decisions {
		decisions = append(decisions, d.Key())
	}
	if c.ID != "acme-1" || strings.Join(members, " ") != "acme-1 acme-2 acme-3" || strings.Join(decisions, " ") != "acme-1|acme-2 acme-2|acme-3 acme-3|orion" {
		t.Errorf("cluster %s members %v decisions %v", c.ID, members, decisions)
	}
	if c.Members[0].Name != "Org acme-1" {
		t.Errorf("members are entities: %+v", c.Members[0])
	}
	c, err = f.r.Cluster(ctx, "orion")
	if err != nil || c.ID != "orion" || len(c.Members) != 1 || len(c.Decisions) != 1 || c.Decisions[0].Identity != graph.NotSame {
		t.Errorf("a cluster of its own: %+v %v", c, err)
	}
	if _, err := f.r.Cluster(ctx, "nobody"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown entity: %v", err)
	}
}

// TestDecisionReopensReviewedFlag runs the rules: merging the buyer with
// the record a restrictive body owns makes the sale critical, and the
// reviewed flag reopens naming the decision; splitting them again
// restores the flag and names the removal.
func TestDecisionReopensReviewedFlag(t *testing.T) {
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Country("XF", nil).Org("X", "XF").Org("X2", "XF").Gov("G", "XR", nil).
		Owns("G", "X2", graphtest.Pct(70)).
		Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X", ShipTo: "XR"}).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Review(ctx, "T-1", graph.Cleared, "ana", "ships to XR, no other link"); err != nil {
		t.Fatal(err)
	}
	r := resolution.New(s, ev, func(context.Context, graph.AuditEntry) error { return nil }, clock)

	out, err := r.Decide(ctx, resolution.Request{A: "X", B: "X2", Identity: graph.Same, By: "alice", Note: "same registration number"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Flags.Reopened != 1 {
		t.Errorf("refresh %+v, want one reopened", out.Flags)
	}
	f, _ := s.Flag(ctx, "T-1")
	last := f.History[len(f.History)-1]
	if f.Status != graph.Open || f.Severity != graph.Critical ||
		!strings.HasPrefix(last.Note, "reopened: identity decision X = X2 by alice (note: same registration number): evidence changed (was medium, now critical): ") ||
		!strings.Contains(last.Note, "severity medium → critical") {
		t.Errorf("after the decision: %s %s %q", f.Status, f.Severity, last.Note)
	}

	if _, err := ev.Review(ctx, "T-1", graph.Confirmed, "ana", "owned by G through X2"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Undo(ctx, "X2", "X", "bob"); err != nil {
		t.Fatal(err)
	}
	f, _ = s.Flag(ctx, "T-1")
	last = f.History[len(f.History)-1]
	if f.Status != graph.Open || f.Severity != graph.Medium ||
		!strings.HasPrefix(last.Note, "reopened: removal of identity decision X = X2 by alice (note: same registration number) by bob: evidence changed (was critical, now medium): ") ||
		!strings.Contains(last.Note, "severity critical → medium") {
		t.Errorf("after the removal: %s %s %q", f.Status, f.Severity, last.Note)
	}
}

func TestDecideAll(t *testing.T) {
	f := newFixture(t)
	b, err := f.r.DecideAll(ctx, []resolution.Request{
		{A: "acme-1", B: "acme-2", Identity: graph.Same, By: "alice", Via: "POST /api/v1/identity/decisions"},
		{A: "acme-3", B: "acme-2", Identity: graph.Same, By: "alice", Note: "same address"},
		{A: "acme-1", B: "orion", Identity: graph.NotSame, By: "alice"},
		{A: "orion", B: "acme-2", Identity: graph.NotSame, By: "alice"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Changed != 4 || len(b.Decisions) != 4 || b.Decisions[1].Key() != "acme-2|acme-3" || b.Decisions[0].Source.Upload != b.Decisions[3].Source.Upload {
		t.Errorf("batch %+v", b)
	}
	want := "4 identity decisions (identity decision acme-1 = acme-2 by alice; identity decision acme-2 = acme-3 by alice (note: same address); identity decision acme-1 ≠ orion by alice; and 1 more)"
	if len(f.flags.causes) != 1 || f.flags.causes[0] != want {
		t.Errorf("one refresh naming the decisions: %q", f.flags.causes)
	}
	if len(f.audit) != 4 {
		t.Errorf("audit %+v, want an entry per decision", f.audit)
	}
	if ds, _ := f.store.Decisions(ctx); len(ds) != 4 {
		t.Errorf("stored %+v", ds)
	}

	// Refused whole, naming the refused one by its place.
	for _, c := range []struct {
		qs   []resolution.Request
		want string
	}{
		{[]resolution.Request{{A: "acme-1", B: "acme-3", Identity: graph.NotSame, By: "bob"}}, "contradict"},
		{[]resolution.Request{{A: "acme-1", B: "acme-3", Identity: graph.Same, By: "bob"}, {A: "acme-1", B: "ghost", Identity: graph.Same, By: "bob"}}, `decision 2: no entity "ghost"`},
		{[]resolution.Request{{A: "acme-1", B: "acme-3", Identity: graph.Same, By: "bob"}, {A: "acme-3", B: "acme-1", Identity: graph.NotSame, By: "bob"}}, "decision 2: acme-1 and acme-3 are decided differently by decision 1"},
		{nil, "no identity decisions given"},
	} {
		before, _ := f.store.Decisions(ctx)
		_, err := f.r.DecideAll(ctx, c.qs)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want EINVALID saying %q", err, c.want)
		}
		if after, _ := f.store.Decisions(ctx); len(after) != len(before) || len(f.flags.causes) != 1 {
			t.Errorf("a refused batch wrote something")
		}
	}
}
