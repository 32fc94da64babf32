package api

import "github.com/gin-gonic/gin"

// addRoutes lists every route of the API with the roles allowed on it.
// Every route's body may be read only after its key was checked, and
// within its deadline.
func addRoutes(r *gin.Engine, deps Deps, m *metrics, rl *rateLimits) {
	var (
		body      = bodyDeadline(deps.BodyTimeout)
		upload    = bodyDeadline(deps.UploadTimeout)
		readers   = allow(deps, rl, Viewer, Investigator, Admin)
		screeners = allow(deps, rl, Screening, Investigator, Admin)
		reviewers = allow(deps, rl, Investigator, Admin)
		admins    = allow(deps, rl, Admin)
		batches   = newBatchGate(deps.Batch)
		resolver  = newResolver(deps)
	)

	r.GET("/healthz", handleHealthz())
	r.GET("/readyz", handleReadyz(deps))
	r.GET("/metrics", readers, m.handler())

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", handleOpenAPI(true))
	v1.GET("/openapi.yaml", handleOpenAPI(false))

	v1.POST("/screen", screeners, body, handleScreen(deps, m))
	v1.POST("/screen/batch", screeners, batches.admit, upload, handleScreenBatch(deps, m))

	v1.GET("/entities", readers, handleSearch(deps))
	v1.GET("/entities/:id", readers, handleEntity(deps))
	v1.GET("/entities/:id/neighborhood", readers, handleNeighborhood(deps))
	v1.GET("/entities/:id/exposure", readers, handleExposure(deps))
	v1.GET("/entities/:id/history", readers, handleHistory(deps))
	v1.GET("/entities/:id/transactions", readers, handleEntityTransactions(deps))
	v1.GET("/connection", readers, handleConnection(deps))
	v1.GET("/entities/:id/cluster", readers, handleCluster(resolver))
	v1.GET("/transactions/:id", readers, handleTransaction(deps))

	v1.GET("/flags", readers, handleFlags(deps))
	v1.GET("/flags.xlsx", readers, handleFlagsXLSX(deps))
	v1.GET("/flags.csv", readers, handleFlagsCSV(deps))
	v1.GET("/flags/reports.zip", readers, handleReports(deps))
	v1.GET("/flags/:id", readers, handleFlag(deps))
	v1.GET("/flags/:id/report", readers, handleReport(deps))
	v1.PATCH("/flags/:id", reviewers, body, handleReview(deps))
	v1.POST("/flags/review", reviewers, body, handleBulkReview(deps))
	v1.POST("/flags/:id/comments", reviewers, body, handleComment(deps))
	v1.PUT("/flags/:id/assignee", reviewers, body, handleAssign(deps))

	v1.GET("/identity/decisions", readers, handleDecisions(deps))
	v1.GET("/identity/decisions.csv", readers, handleDecisionsCSV(deps))
	v1.POST("/identity/decisions", reviewers, body, handleDecide(deps, resolver))
	v1.DELETE("/identity/decisions", reviewers, handleUndecide(deps, resolver))

	v1.GET("/stats", readers, handleStats(deps))
	v1.GET("/template.xlsx", readers, handleTemplate())

	v1.POST("/uploads", reviewers, upload, handleUpload(deps, m))
	v1.GET("/uploads", readers, handleUploads(deps))
	v1.GET("/uploads/:id", readers, handleUploadJob(deps))
	v1.GET("/mappings", readers, handleMappings(deps))
	v1.PUT("/mappings/:name", reviewers, body, handleSaveMapping(deps))

	v1.GET("/identity/candidates", readers, handleCandidates(deps))
	v1.POST("/identity/xref", reviewers, handleXrefRun(deps))
	v1.GET("/identity/xref", readers, handleXrefJob(deps))

	v1.GET("/audit", admins, handleAudit(deps))
	v1.GET("/keys", admins, handleKeys(deps))
	v1.GET("/backup", admins, handleBackup(deps))
}
