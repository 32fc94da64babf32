package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// audit records e in the server log at once and queues it for the
// store's audit log (Deps.Audit), so that a screening never waits for the
// store's write: this is for what is recorded as it happens
// (authentication failures, screenings, exports). A full queue or a failed
// write is logged; the action stands.
func audit(_ context.Context, deps Deps, e graph.AuditEntry) {
	deps.Logger.Info("audit", "action", e.Action, "by", e.By, "target", e.Target, "detail", e.Detail)
	deps.Audit.add(e)
}

// mustAudit records e and returns the store's error: uploads and reviews
// do not happen, or are not reported done, without their entry.
func mustAudit(ctx context.Context, deps Deps, e graph.AuditEntry) error {
	deps.Logger.Info("audit", "action", e.Action, "by", e.By, "target", e.Target, "detail", e.Detail)
	if err := deps.Store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		if graph.ErrorCode(err) == graph.EINTERNAL {
			return fmt.Errorf("writing the audit log: %w", err)
		}
		return graph.Wrap(graph.ErrorCode(err), err, "the audit log could not be written, so the %s was not recorded: %s", e.Action, graph.ErrorMessage(err))
	}
	return nil
}

// AuditLog writes audit entries to the store in the background, in the
// order they came, one writer for the whole server. Close writes what is
// queued and stops it.
type AuditLog struct {
	store   graph.JobStore
	log     *slog.Logger
	queue   chan queued
	done    chan struct{}
	mu      sync.Mutex // guards closed and sends on queue
	closed  bool
	dropped atomic.Int64
}

// queued is an entry to write, or (synced set) a marker that Sync waits for.
type queued struct {
	e      graph.AuditEntry
	synced chan struct{}
}

// auditQueue bounds the entries waiting for the store: past it they are
// only in the server log, and counted.
const auditQueue = 10_000

// NewAuditLog starts the writer of entries into store.
func NewAuditLog(store graph.JobStore, log *slog.Logger) *AuditLog {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	a := &AuditLog{store: store, log: log, queue: make(chan queued, auditQueue), done: make(chan struct{})}
	go a.write()
	return a
}

func (a *AuditLog) write() {
	defer close(a.done)
	for q := range a.queue {
		if q.synced != nil {
			close(q.synced)
			continue
		}
		e := q.e
		if err := a.store.AppendAudit(context.Background(), e); err != nil {
			a.log.Error("audit log: entry only in the server log", "error", err, "action", e.Action, "target", e.Target, "by", e.By)
		}
	}
}

func (a *AuditLog) add(e graph.AuditEntry) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		a.log.Warn("audit log closed: entry only in the server log", "action", e.Action, "target", e.Target, "by", e.By)
		return
	}
	select {
	case a.queue <- queued{e: e}:
	default:
		a.dropped.Add(1)
		a.log.Warn("audit log queue full: entry only in the server log", "action", e.Action, "target", e.Target, "by", e.By, "dropped", a.dropped.Load())
	}
}

// Sync waits until every entry queued so far is in the store (or failed).
func (a *AuditLog) Sync() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	synced := make(chan struct{})
	a.queue <- queued{synced: synced} // may wait for room: only tests call Sync
	a.mu.Unlock()
	<-synced
}

// Close writes the queued entries and stops the writer; later entries go
// to the server log only. Call it before closing the store.
func (a *AuditLog) Close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	close(a.queue) // the writer writes what is queued, then ends
	a.mu.Unlock()
	<-a.done
}

// auditScreening records who screened what and the verdict.
func auditScreening(c *gin.Context, deps Deps, q screenRequest, verdict graph.Verdict, entity string) {
	what := q.Name
	if q.ID != "" {
		what = "id " + q.ID
	}
	detail := fmt.Sprintf("%q", what)
	if q.Country != "" {
		detail += " country " + q.Country
	}
	if entity != "" {
		detail += " → " + entity
	}
	audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "screen",
		Target: string(verdict), Detail: detail})
}

// auditBatch records a batch screening as one entry: how many of each
// verdict, and which counterparties were not clear.
func auditBatch(c *gin.Context, deps Deps, what string, results []batchResult) {
	counts := map[string]int{}
	var flagged []string
	for _, r := range results {
		v := "error"
		switch {
		case r.Screening != nil:
			v = string(r.Screening.Verdict)
			if v != string(graph.Clear) && r.Screening.Entity != nil {
				flagged = append(flagged, r.Screening.Entity.ID+" "+v)
			}
		case r.Assessment != nil:
			v = string(r.Assessment.Verdict)
			if v != string(graph.Clear) {
				flagged = append(flagged, r.Transaction+" "+v)
			}
		}
		counts[v]++
	}
	var parts []string
	for v, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, v))
	}
	sort.Strings(parts)
	if len(flagged) > 50 {
		flagged = append(flagged[:50], fmt.Sprintf("and %d more", len(flagged)-50))
	}
	detail := what + ": " + strings.Join(parts, ", ")
	if len(flagged) > 0 {
		detail += "; " + strings.Join(flagged, ", ")
	}
	audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "screen_batch",
		Target: fmt.Sprintf("%d rows", len(results)), Detail: detail})
}

// forRole trims a batch answer for the screening role to what screening
// needs: the verdict, reasons, matches and each end-user reached with its
// hops and path, without the steps' sources and the ownership chains,
// which are an investigator's evidence (and most of the answer's size).
func forRole(role Role, results []batchResult) []batchResult {
	if role != Screening {
		return results
	}
	out := make([]batchResult, len(results))
	for i, r := range results {
		out[i] = r
		var a *graph.Assessment
		switch {
		case r.Screening != nil:
			s := *r.Screening
			out[i].Screening, a = &s, &s.Assessment
		case r.Assessment != nil:
			x := *r.Assessment
			out[i].Assessment, a = &x, &x
		default:
			continue
		}
		trimEvidence(a)
		if s := out[i].Screening; s != nil {
			// Each candidate's own assessment is trimmed alike.
			ms := make([]exposure.Candidate, len(s.Matches))
			for j, m := range s.Matches {
				ms[j] = m
				trimEvidence(&ms[j].Assessment)
			}
			s.Matches = ms
		}
	}
	return out
}

// trimEvidence drops an assessment's ownership chains and its steps'
// sources, keeping each end-user reached with its hops and path.
func trimEvidence(a *graph.Assessment) {
	a.Ownership = nil
	xs := make([]graph.Exposure, len(a.Exposures))
	for j, x := range a.Exposures {
		xs[j] = graph.Exposure{EndUser: x.EndUser, Hops: x.Hops, Path: x.Path, Steps: []graph.PathStep{}}
	}
	a.Exposures = xs
}
