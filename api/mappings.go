package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// Saved column mappings: an investigator who mapped a partner's file once
// saves the mapping under a name, and the next upload names it
// (mapping_name) instead of mapping the columns again.

// mappingRequest is the body of PUT /mappings/{name}.
type mappingRequest struct {
	Mapping json.RawMessage `json:"mapping"`
}

// maxMapping bounds a saved mapping's JSON.
const maxMapping = 64 << 10

// handleMappings lists the saved mappings, sorted by name.
func handleMappings(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		ms, err := deps.Store.Mappings(c.Request.Context())
		if err != nil {
			respondErr(c, err)
			return
		}
		if ms == nil {
			ms = []graph.SavedMapping{}
		}
		respond(c, http.StatusOK, gin.H{"mappings": ms})
	}
}

// handleSaveMapping saves a mapping under the name in the path, replacing
// one of that name; the mapping is checked as a mapping file is.
func handleSaveMapping(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req mappingRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		if len(req.Mapping) == 0 || len(req.Mapping) > maxMapping {
			respondErr(c, invalid("mapping: a mapping object of at most %d bytes is required", maxMapping))
			return
		}
		if _, err := importer.ParseMapping(req.Mapping); err != nil {
			respondErr(c, invalid("mapping: %v", err))
			return
		}
		m := graph.SavedMapping{Name: strings.TrimSpace(c.Param("name")), Mapping: req.Mapping, By: callerOf(c).Name, Saved: deps.Now().UTC()}
		ctx := c.Request.Context()
		if err := deps.Store.SaveMapping(ctx, m); err != nil {
			respondErr(c, err)
			return
		}
		if err := mustAudit(ctx, deps, graph.AuditEntry{At: m.Saved, By: m.By, Action: "mapping", Target: m.Name, Detail: string(m.Mapping)}); err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, m)
	}
}
