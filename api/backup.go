package api

import (
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// snapshotter is a store whose data file can be copied while it serves
// (the embedded store).
type snapshotter interface {
	Snapshot(w io.Writer) (int64, error)
}

// handleBackup streams a consistent copy of the embedded store's data
// file, taken in one read transaction while writes go on: the online
// backup that `hopcheck backup DIR --server URL` saves and checks. A copy
// cut short fails that check; nothing on the server changes.
func handleBackup(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		s, ok := deps.Store.(snapshotter)
		if !ok {
			respondErr(c, graph.Errorf(graph.EINVALID, "online backup is for the embedded store; back up Neo4j with its own tools (neo4j-admin database dump or backup)"))
			return
		}
		c.Header("Content-Type", "application/octet-stream")
		c.Header("Content-Disposition", `attachment; filename="hopcheck.db"`)
		c.Status(http.StatusOK)
		if _, err := s.Snapshot(c.Writer); err != nil {
			_ = c.Error(err) // the status is sent: the access log shows it, the client's check fails
		}
	}
}
