package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// handleHealthz answers while the process runs.
func handleHealthz() gin.HandlerFunc {
	return func(c *gin.Context) {
		respond(c, http.StatusOK, gin.H{"status": "ok"})
	}
}

// handleReadyz answers 200 when the store answers within two seconds.
func handleReadyz(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if _, err := deps.Store.Stats(ctx); err != nil {
			deps.Logger.Warn("not ready", "error", err)
			respondErr(c, graph.Wrap(graph.EUNAVAILABLE, err, "the store is not reachable"))
			return
		}
		respond(c, http.StatusOK, gin.H{"status": "ready"})
	}
}

// handleStats counts what is stored, for a dashboard.
func handleStats(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		st, err := deps.Store.Stats(c.Request.Context())
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, st)
	}
}
