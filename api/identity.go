package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/resolution"
	"github.com/hopcheck/hopcheck/importer"
)

// newResolver records identity decisions for the API: the audit log
// written before the decision is reported done, the flags re-evaluated.
func newResolver(deps Deps) *resolution.Resolver {
	return resolution.New(deps.Store, deps.Evaluator, func(ctx context.Context, e graph.AuditEntry) error {
		return mustAudit(ctx, deps, e)
	}, deps.Now)
}

// decisionRequest is the body of POST /identity/decisions: one decision,
// or several under decisions (a bulk action, written and re-evaluated once).
type decisionRequest struct {
	A         string            `json:"a"`
	B         string            `json:"b"`
	Decision  graph.Identity    `json:"decision"`
	Note      string            `json:"note"`
	Decisions []decisionRequest `json:"decisions"`
}

const decideVia = "POST /api/v1/identity/decisions"

// handleDecide records that two entities are one party (same) or two
// (not_same); the decider is the API key's name. 201 with the stored
// decision, or with {"decisions": [...]} for several.
func handleDecide(deps Deps, res *resolution.Resolver) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req decisionRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		by, err := reviewerOf(deps, c)
		if err != nil {
			respondErr(c, err)
			return
		}
		if req.Decisions != nil {
			if req.A != "" || req.B != "" || req.Decision != "" {
				respondErr(c, invalid("send one decision (a, b, decision) or several (decisions), not both"))
				return
			}
			qs := make([]resolution.Request, len(req.Decisions))
			for i, d := range req.Decisions {
				qs[i] = resolution.Request{A: d.A, B: d.B, Identity: d.Decision, By: by, Note: d.Note, Via: decideVia}
			}
			b, err := res.DecideAll(c.Request.Context(), qs)
			if err != nil {
				respondErr(c, err)
				return
			}
			respond(c, http.StatusCreated, gin.H{"decisions": b.Decisions})
			return
		}
		out, err := res.Decide(c.Request.Context(), resolution.Request{A: req.A, B: req.B, Identity: req.Decision,
			By: by, Note: req.Note, Via: decideVia})
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusCreated, out.Decision)
	}
}

// handleDecisions lists every identity decision, sorted by pair.
func handleDecisions(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ds, err := deps.Store.Decisions(c.Request.Context())
		if err != nil {
			respondErr(c, err)
			return
		}
		if ds == nil {
			ds = []graph.Decision{}
		}
		respond(c, http.StatusOK, gin.H{"decisions": ds})
	}
}

// handleDecisionsCSV exports every identity decision as an identity sheet
// (SPEC §2), which imports back as it is.
func handleDecisionsCSV(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ds, err := deps.Store.Decisions(c.Request.Context())
		if err != nil {
			respondErr(c, err)
			return
		}
		var buf bytes.Buffer
		if err := importer.WriteIdentityCSV(&buf, ds); err != nil {
			respondErr(c, err)
			return
		}
		audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "export",
			Target: "identity decisions.csv", Detail: fmt.Sprintf("%d decisions", len(ds))})
		c.Header("Content-Disposition", `attachment; filename="identity.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
}

// handleUndecide removes the decision on the pair ?a=&b= and answers with it.
func handleUndecide(deps Deps, res *resolution.Resolver) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, b := c.Query("a"), c.Query("b")
		if a == "" || b == "" {
			respondErr(c, invalid("a and b are required: the two entities of the decision to remove"))
			return
		}
		by, err := reviewerOf(deps, c)
		if err != nil {
			respondErr(c, err)
			return
		}
		out, err := res.Undo(c.Request.Context(), a, b, by)
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, out.Decision)
	}
}

// handleCluster returns an entity's SAME_AS cluster: its id, its members
// and the decisions on them.
func handleCluster(res *resolution.Resolver) gin.HandlerFunc {
	return func(c *gin.Context) {
		cl, err := res.Cluster(c.Request.Context(), c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, cl)
	}
}
