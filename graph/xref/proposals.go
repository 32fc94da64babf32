package xref

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// The proposals live in the store's job records, so that they survive a
// restart and every server on the store sees the same: the job JobID is
// the last run (its state, progress and Summary), and the job
// ProposalsID holds the current proposals in its report.
const (
	JobID       = "xref"
	ProposalsID = "xref-proposals"
)

// IsJob reports whether a job id is one of cross-referencing's, not an
// upload's.
func IsJob(id string) bool { return id == JobID || id == ProposalsID }

// Summary is a run without its candidates: the report of job JobID.
type Summary struct {
	Counts
	// Kept is how many proposals are stored after the run, and KeptLeftOff
	// how many more were left off by the cap.
	Kept        int `json:"kept"`
	KeptLeftOff int `json:"kept_left_off"`
}

// Proposals are the stored candidate pairs, best first, at most the cap
// of the run that last changed them; LeftOff counts those left off.
type Proposals struct {
	Updated    time.Time   `json:"updated"`
	Candidates []Candidate `json:"candidates"`
	LeftOff    int         `json:"left_off"`
}

// Load returns the stored proposals; none when no run was made.
func Load(ctx context.Context, js graph.JobStore) (Proposals, error) {
	var p Proposals
	j, err := js.Job(ctx, ProposalsID)
	if errors.Is(err, graph.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if len(j.Report) > 0 {
		if err := json.Unmarshal(j.Report, &p); err != nil {
			return p, graph.Wrap(graph.EINTERNAL, err, "the stored cross-referencing proposals")
		}
	}
	return p, nil
}

func save(ctx context.Context, js graph.JobStore, p Proposals) error {
	data, err := json.Marshal(p)
	if err != nil {
		return graph.Wrap(graph.EINTERNAL, err, "cross-referencing proposals")
	}
	return js.SaveJob(ctx, graph.Job{ID: ProposalsID, State: graph.JobDone, By: "xref", Created: p.Updated, Updated: p.Updated, Report: data})
}

// Merge applies a run to the stored proposals. A run over the whole store
// replaces them; a run over the entities an upload touched replaces the
// pairs of those entities and keeps the others. At most keep are kept.
func Merge(old Proposals, r Result, touched []string, keep int, now time.Time) Proposals {
	p := Proposals{Updated: now, LeftOff: r.LeftOff}
	if len(touched) > 0 {
		t := make(map[string]bool, len(touched))
		for _, id := range touched {
			t[id] = true
		}
		for _, c := range old.Candidates {
			if !t[c.A] && !t[c.B] {
				p.Candidates = append(p.Candidates, c)
			}
		}
		p.LeftOff += old.LeftOff
	}
	p.Candidates = append(p.Candidates, r.Candidates...)
	sortCandidates(p.Candidates)
	p.Candidates = slices.CompactFunc(p.Candidates, func(a, b Candidate) bool { return a.Key() == b.Key() })
	if keep <= 0 {
		keep = DefaultKeep
	}
	if len(p.Candidates) > keep {
		p.LeftOff += len(p.Candidates) - keep
		p.Candidates = p.Candidates[:keep]
	}
	if p.Candidates == nil {
		p.Candidates = []Candidate{}
	}
	return p
}

// Open returns the candidates still to decide: those of pairs decided
// since the run, in one cluster since, or of clusters decided different,
// are left out.
func Open(cs []Candidate, ds []graph.Decision) []Candidate {
	r := &run{}
	r.decisions(ds)
	out := make([]Candidate, 0, len(cs))
	seen := map[string]bool{}
	for _, c := range cs {
		if r.excluded(c.A, c.B) {
			continue
		}
		// Merging since may have made two pairs one question.
		k := graph.PairKey(r.clusters.Of(c.A), r.clusters.Of(c.B))
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

// Runner runs cross-referencing one run at a time and keeps its job and
// proposals in the store.
type Runner struct {
	Store interface {
		Store
		graph.JobStore
	}
	Now func() time.Time

	mu sync.Mutex
}

// ErrRunning is returned by TryRun while a run is under way.
var ErrRunning = graph.Errorf(graph.ECONFLICT, "cross-referencing is already running; wait for it to end")

// TryRun starts a run unless one is under way (ErrRunning). start is
// called with the job once it is saved as running, before the run.
func (x *Runner) TryRun(ctx context.Context, o Options, by string, start func(graph.Job)) (Summary, error) {
	if !x.mu.TryLock() {
		return Summary{}, ErrRunning
	}
	defer x.mu.Unlock()
	return x.run(ctx, o, by, start)
}

// Run runs cross-referencing, after the run under way if there is one.
func (x *Runner) Run(ctx context.Context, o Options, by string) (Summary, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.run(ctx, o, by, nil)
}

// progressEvery is how often a running job's progress is saved.
const progressEvery = time.Second

func (x *Runner) run(ctx context.Context, o Options, by string, start func(graph.Job)) (Summary, error) {
	now := x.now()
	job := graph.Job{ID: JobID, State: graph.JobRunning, By: by, Created: now, Updated: now,
		Progress: graph.JobProgress{Phase: "reading"}}
	if err := x.Store.SaveJob(ctx, job); err != nil {
		return Summary{}, err
	}
	if start != nil {
		start(job)
	}
	var mu sync.Mutex
	last := now
	user := o.Progress
	o.Progress = func(phase string, done, total int) {
		if user != nil {
			user(phase, done, total)
		}
		mu.Lock()
		defer mu.Unlock()
		if t := x.now(); t.Sub(last) >= progressEvery {
			last = t
			job.Progress, job.Updated = graph.JobProgress{Phase: phase, Done: done, Total: total}, t
			_ = x.Store.SaveJob(ctx, job) // progress only: the outcome is saved below
		}
	}
	sum, err := x.runAndKeep(ctx, o)
	mu.Lock()
	defer mu.Unlock()
	save := context.WithoutCancel(ctx)
	job.Updated = x.now()
	if err != nil {
		job.State, job.Error = graph.JobFailed, graph.ErrorMessage(err)
		if ctx.Err() != nil {
			job.State, job.Error = graph.JobInterrupted, "stopped before it ended; run it again"
		}
		_ = x.Store.SaveJob(save, job)
		return sum, err
	}
	job.State, job.Progress = graph.JobDone, graph.JobProgress{Phase: "done", Done: sum.Entities, Total: sum.Entities}
	job.Report, _ = json.Marshal(sum)
	return sum, x.Store.SaveJob(save, job)
}

func (x *Runner) runAndKeep(ctx context.Context, o Options) (Summary, error) {
	r, err := Run(ctx, x.Store, o)
	if err != nil {
		return Summary{Counts: r.Counts}, err
	}
	old, err := Load(ctx, x.Store)
	if err != nil {
		return Summary{Counts: r.Counts}, err
	}
	p := Merge(old, r, o.Touched, o.withDefaults().Keep, x.now())
	if err := save(context.WithoutCancel(ctx), x.Store, p); err != nil {
		return Summary{Counts: r.Counts}, err
	}
	return Summary{Counts: r.Counts, Kept: len(p.Candidates), KeptLeftOff: p.LeftOff}, nil
}

func (x *Runner) now() time.Time {
	if x.Now != nil {
		return x.Now().UTC()
	}
	return time.Now().UTC()
}

// Touched returns the entities an upload wrote or linked: those whose
// pairs a run after it seeks.
func Touched(u graph.Upload) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, e := range u.Entities {
		add(e.ID)
	}
	for _, l := range u.Links {
		add(l.From)
		add(l.To)
	}
	return ids
}
