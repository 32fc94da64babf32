package api

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// audit records e in the store's audit log and the server log. A failure
// to store it is logged and the action stands: this is for what is
// recorded as it happens (authentication failures, screenings, exports).
func audit(ctx context.Context, deps Deps, e graph.AuditEntry) {
	if err := mustAudit(ctx, deps, e); err != nil {
		deps.Logger.Error("audit log", "error", err, "action", e.Action, "target", e.Target, "by", e.By)
	}
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
		a.Ownership = nil
		xs := make([]graph.Exposure, len(a.Exposures))
		for j, x := range a.Exposures {
			xs[j] = graph.Exposure{EndUser: x.EndUser, Hops: x.Hops, Path: x.Path, Steps: []graph.PathStep{}}
		}
		a.Exposures = xs
	}
	return out
}
