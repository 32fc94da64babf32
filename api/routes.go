package api

import "github.com/gin-gonic/gin"

// addRoutes lists every route of the API with the roles allowed on it.
func addRoutes(r *gin.Engine, deps Deps, m *metrics) {
	var (
		k         = deps.Keys
		readers   = allow(k, Viewer, Investigator, Admin)
		screeners = allow(k, Screening, Investigator, Admin)
		reviewers = allow(k, Investigator, Admin)
		admins    = allow(k, Admin)
	)

	r.GET("/healthz", handleHealthz())
	r.GET("/readyz", handleReadyz(deps))
	r.GET("/metrics", readers, m.handler())

	v1 := r.Group("/api/v1")
	v1.GET("/openapi.json", handleOpenAPI(true))
	v1.GET("/openapi.yaml", handleOpenAPI(false))

	v1.POST("/screen", screeners, handleScreen(deps, m))
	v1.POST("/screen/batch", screeners, handleScreenBatch(deps, m))

	v1.GET("/entities", readers, handleSearch(deps))
	v1.GET("/entities/:id", readers, handleEntity(deps))
	v1.GET("/entities/:id/neighborhood", readers, handleNeighborhood(deps))
	v1.GET("/entities/:id/exposure", readers, handleExposure(deps))
	v1.GET("/transactions/:id", readers, handleTransaction(deps))

	v1.GET("/flags", readers, handleFlags(deps))
	v1.GET("/flags.xlsx", readers, handleFlagsXLSX(deps))
	v1.GET("/flags/:id", readers, handleFlag(deps))
	v1.PATCH("/flags/:id", reviewers, handleReview(deps))

	v1.GET("/stats", readers, handleStats(deps))
	v1.GET("/template.xlsx", readers, handleTemplate())

	v1.POST("/uploads", reviewers, handleUpload(deps, m))
	v1.GET("/uploads", readers, handleUploads(deps))
	v1.GET("/uploads/:id", readers, handleUploadJob(deps))

	v1.GET("/audit", admins, handleAudit(deps))
	v1.GET("/keys", admins, handleKeys(deps))
}
