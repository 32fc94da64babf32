package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/xref"
)

// candidate is a proposed pair with both entities, as the review queue
// shows it.
type candidate struct {
	A               graph.Entity         `json:"a"`
	B               graph.Entity         `json:"b"`
	Score           float64              `json:"score"`
	Features        []graph.MatchFeature `json:"features"`
	ExactIdentifier bool                 `json:"exact_identifier"`
}

// handleCandidates lists the cross-referencing proposals still to decide,
// best first: pairs decided since the run are left out.
func handleCandidates(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, err := intParam(c, "limit", 50, 1, 500)
		if err != nil {
			respondErr(c, err)
			return
		}
		offset, err := intParam(c, "offset", 0, 0, 1<<30)
		if err != nil {
			respondErr(c, err)
			return
		}
		minScore := 0.0
		if s := c.Query("min_score"); s != "" {
			if minScore, err = strconv.ParseFloat(s, 64); err != nil || minScore < 0 || minScore > 1 {
				respondErr(c, invalid("min_score=%q: expected a number from 0 to 1", s))
				return
			}
		}
		exact := false
		if s := c.Query("exact"); s != "" {
			if exact, err = strconv.ParseBool(s); err != nil {
				respondErr(c, invalid("exact=%q: expected true or false", s))
				return
			}
		}
		ctx := c.Request.Context()
		p, err := xref.Load(ctx, deps.Store)
		if err != nil {
			respondErr(c, err)
			return
		}
		ds, err := deps.Store.Decisions(ctx)
		if err != nil {
			respondErr(c, err)
			return
		}
		var open []xref.Candidate
		for _, cd := range xref.Open(p.Candidates, ds) {
			if cd.Score >= minScore && (!exact || cd.ExactIdentifier) {
				open = append(open, cd)
			}
		}
		page := open[min(offset, len(open)):min(offset+limit, len(open))]
		out := make([]candidate, 0, len(page))
		for _, cd := range page {
			a, err := entityOrID(ctx, deps.Store, cd.A)
			if err != nil {
				respondErr(c, err)
				return
			}
			b, err := entityOrID(ctx, deps.Store, cd.B)
			if err != nil {
				respondErr(c, err)
				return
			}
			out = append(out, candidate{A: a, B: b, Score: cd.Score, Features: cd.Features, ExactIdentifier: cd.ExactIdentifier})
		}
		respond(c, http.StatusOK, gin.H{"candidates": out, "total": len(open), "left_off": p.LeftOff, "updated": p.Updated})
	}
}

// entityOrID returns the entity, or one of the id alone when the store no
// longer has it.
func entityOrID(ctx context.Context, s graph.Store, id string) (graph.Entity, error) {
	e, err := s.Entity(ctx, id)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return graph.Entity{ID: id, Name: id}, nil
	}
	return e, err
}

// handleXrefRun starts cross-referencing over the whole store and answers
// 202 with its job; while a run is under way, 202 with that run's job
// (one run at a time: asking twice does not run twice).
func handleXrefRun(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		who := callerOf(c)
		ctx := c.Request.Context()
		if err := mustAudit(ctx, deps, graph.AuditEntry{At: deps.Now().UTC(), By: who.Name, Action: "xref", Target: xref.JobID,
			Detail: "cross-referencing the whole store"}); err != nil {
			respondErr(c, err)
			return
		}
		started := make(chan graph.Job, 1)
		failed := make(chan error, 1)
		deps.Background.Go(func(ctx context.Context) {
			_, err := deps.Xref.TryRun(ctx, xref.Options{}, who.Name, func(j graph.Job) { started <- j })
			if err != nil {
				failed <- err
				deps.Logger.Info("cross-referencing ended", "error", err)
			}
		})
		select {
		case j := <-started:
			c.Header("Location", "/api/v1/identity/xref")
			respond(c, http.StatusAccepted, xrefJob(j))
		case err := <-failed:
			if errors.Is(err, xref.ErrRunning) {
				if j, jerr := deps.Store.Job(ctx, xref.JobID); jerr == nil {
					c.Header("Location", "/api/v1/identity/xref")
					respond(c, http.StatusAccepted, xrefJob(j))
					return
				}
			}
			respondErr(c, err)
		case <-ctx.Done():
		}
	}
}

// handleXrefJob returns the last cross-referencing run: its state,
// progress and summary.
func handleXrefJob(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		j, err := deps.Store.Job(c.Request.Context(), xref.JobID)
		if graph.ErrorCode(err) == graph.ENOTFOUND {
			err = graph.Errorf(graph.ENOTFOUND, "cross-referencing has not run yet: POST /api/v1/identity/xref runs it")
		}
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, xrefJob(j))
	}
}

// xrefJob is the run's job as the API shows jobs: a run reads no files.
func xrefJob(j graph.Job) graph.Job {
	if j.Files == nil {
		j.Files = []string{}
	}
	return j
}
