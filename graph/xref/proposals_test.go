package xref_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/xref"
)

var ctx = context.Background()

func open(t *testing.T, dir string) *memstore.Store {
	t.Helper()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func keys(cs []xref.Candidate) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Key())
	}
	return out
}

// The proposals are kept in the store: they survive a restart; a run
// after an upload replaces only the pairs of what it touched; decisions
// made after a run take their pairs out of the open ones.
func TestRunnerKeepsProposals(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	b := graphtest.NewBuilder("u-1")
	for _, e := range []graph.Entity{
		{ID: "a", Kind: graph.Organization, Name: "Orion Tech LLC", Country: "RU"},
		{ID: "b", Kind: graph.Organization, Name: "Orion Tech", Country: "RU"},
		{ID: "c", Kind: graph.Organization, Name: "Vega Holding", Country: "RU"},
		{ID: "d", Kind: graph.Organization, Name: "Vega Holding JSC", Country: "RU"},
	} {
		b.Entity(e)
	}
	b.MustApply(t, s)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	x := &xref.Runner{Store: s, Now: func() time.Time { return now }}
	sum, err := x.Run(ctx, xref.Options{}, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entities != 4 || sum.Proposed != 2 || sum.Kept != 2 {
		t.Errorf("summary %+v", sum)
	}
	j, err := s.Job(ctx, xref.JobID)
	if err != nil || j.State != graph.JobDone || j.By != "ana" {
		t.Fatalf("job %+v (%v)", j, err)
	}
	var rep map[string]any
	if err := json.Unmarshal(j.Report, &rep); err != nil || rep["kept"] != 2.0 || rep["candidates"] != nil {
		t.Errorf("the job's report is the summary without candidates: %s (%v)", j.Report, err)
	}

	s.Close()
	s = open(t, dir)
	defer s.Close()
	p, err := xref.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(p.Candidates); !reflect.DeepEqual(got, []string{"a|b", "c|d"}) || !p.Updated.Equal(now) {
		t.Fatalf("after a restart: %q at %v", got, p.Updated)
	}

	// An upload renames d: the run over it drops c|d and keeps a|b.
	b2 := graphtest.NewBuilder("u-2")
	b2.Entity(graph.Entity{ID: "d", Kind: graph.Organization, Name: "Sirius Logistics", Country: "RU"})
	b2.MustApply(t, s)
	x = &xref.Runner{Store: s}
	if _, err := x.Run(ctx, xref.Options{Touched: xref.Touched(b2.Upload())}, "ana"); err != nil {
		t.Fatal(err)
	}
	p, _ = xref.Load(ctx, s)
	if got := keys(p.Candidates); !reflect.DeepEqual(got, []string{"a|b"}) {
		t.Errorf("after the upload's run: %q, want a|b", got)
	}

	// Decided after the run: not open.
	if got := keys(xref.Open(p.Candidates, []graph.Decision{graph.NewDecision("b", "a", graph.NotSame)})); len(got) != 0 {
		t.Errorf("open after a not-same decision: %q", got)
	}
	if got := keys(xref.Open(p.Candidates, []graph.Decision{graph.NewDecision("a", "x", graph.Same), graph.NewDecision("x", "b", graph.Same)})); len(got) != 0 {
		t.Errorf("open after a merge through x: %q", got)
	}
	if got := keys(xref.Open(p.Candidates, nil)); !reflect.DeepEqual(got, []string{"a|b"}) {
		t.Errorf("open with no decisions: %q", got)
	}
}

func TestTryRunWhileRunning(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	x := &xref.Runner{Store: s}
	var second error
	_, err := x.TryRun(ctx, xref.Options{}, "ana", func(graph.Job) {
		_, second = x.TryRun(ctx, xref.Options{}, "bob", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(second, xref.ErrRunning) || !errors.Is(second, graph.ErrConflict) {
		t.Errorf("a second run while one runs: %v, want ErrRunning, a conflict", second)
	}
}

func TestMerge(t *testing.T) {
	c := func(a, b string, s float64) xref.Candidate { return xref.Candidate{A: a, B: b, Score: s} }
	old := xref.Proposals{Candidates: []xref.Candidate{c("a", "b", 0.9), c("c", "d", 0.8), c("e", "f", 0.7)}, LeftOff: 3}
	run := xref.Result{Counts: xref.Counts{LeftOff: 1}, Candidates: []xref.Candidate{c("c", "x", 0.95), c("a", "b", 0.9)}}
	for _, tt := range []struct {
		name    string
		touched []string
		keep    int
		want    []string
		leftOff int
	}{
		{"a full run replaces", nil, 10, []string{"c|x", "a|b"}, 1},
		{"a run after an upload replaces the touched pairs", []string{"c", "x"}, 10, []string{"c|x", "a|b", "e|f"}, 4},
		{"capped, the rest counted", []string{"c"}, 2, []string{"c|x", "a|b"}, 5},
	} {
		p := xref.Merge(old, run, tt.touched, tt.keep, time.Time{})
		if got := keys(p.Candidates); !reflect.DeepEqual(got, tt.want) || p.LeftOff != tt.leftOff {
			t.Errorf("%s: %q left off %d, want %q and %d", tt.name, got, p.LeftOff, tt.want, tt.leftOff)
		}
	}
}
