package api

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// flagsResponse is a page of flags and how many match in all.
type flagsResponse struct {
	Flags  []graph.Flag `json:"flags"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
}

// flagFilter reads the flag filter of a request: status, severity,
// country, q, and paging up to maxLimit.
func flagFilter(c *gin.Context, defLimit, maxLimit int) (graph.FlagFilter, error) {
	f := graph.FlagFilter{Status: graph.Status(c.Query("status")), Severity: graph.Severity(c.Query("severity")),
		Text: strings.TrimSpace(c.Query("q"))}
	if f.Status != "" && !f.Status.Valid() {
		return f, invalid("status %q: expected open, confirmed or cleared", f.Status)
	}
	if f.Severity != "" && f.Severity.Rank() == 0 {
		return f, invalid("severity %q: expected critical, high or medium", f.Severity)
	}
	var err error
	if f.Country, err = countryParam(c, "country"); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(c, "offset", 0, 0, 1<<30); err != nil {
		return f, err
	}
	f.Limit, err = intParam(c, "limit", defLimit, 1, maxLimit)
	return f, err
}

// handleFlags lists flags, most severe first, a page at a time.
func handleFlags(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := flagFilter(c, 50, 500)
		if err != nil {
			respondErr(c, err)
			return
		}
		fs, total, err := deps.Store.Flags(c.Request.Context(), f)
		if err != nil {
			respondErr(c, err)
			return
		}
		if fs == nil {
			fs = []graph.Flag{}
		}
		respond(c, http.StatusOK, flagsResponse{Flags: fs, Total: total, Offset: f.Offset, Limit: f.Limit})
	}
}

// handleFlagsXLSX exports the flags that match as a workbook.
func handleFlagsXLSX(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := flagFilter(c, maxExport, maxExport)
		if err != nil {
			respondErr(c, err)
			return
		}
		fs, _, err := deps.Store.Flags(c.Request.Context(), f)
		if err != nil {
			respondErr(c, err)
			return
		}
		data, err := flagsWorkbook(fs)
		if err != nil {
			respondErr(c, err)
			return
		}
		audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "export",
			Target: "flags.xlsx", Detail: fmt.Sprintf("%d flags; filter %s", len(fs), c.Request.URL.RawQuery)})
		c.Header("Content-Disposition", `attachment; filename="hopcheck-flags.xlsx"`)
		c.Data(http.StatusOK, xlsxType, data)
	}
}

// handleFlag returns the flag of a transaction.
func handleFlag(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		f, err := deps.Store.Flag(c.Request.Context(), c.Param("id"))
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, f)
	}
}

// reviewRequest is the body of PATCH /flags/{id}.
type reviewRequest struct {
	Status graph.Status `json:"status"`
	Note   string       `json:"note"`
}

// maxNote bounds a review note.
const maxNote = 4000

// handleReview records a reviewer's decision on a flag; the reviewer is
// the API key's name, and the review goes to the audit log.
func handleReview(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req reviewRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		if !req.Status.Valid() {
			respondErr(c, invalid("status %q: expected open, confirmed or cleared", req.Status))
			return
		}
		if len(req.Note) > maxNote {
			respondErr(c, invalid("note is longer than %d bytes", maxNote))
			return
		}
		ctx := c.Request.Context()
		who := callerOf(c)
		f, err := deps.Evaluator.Review(ctx, c.Param("id"), req.Status, who.Name, req.Note)
		if err != nil {
			respondErr(c, err)
			return
		}
		if err := mustAudit(ctx, deps, graph.AuditEntry{At: deps.Now().UTC(), By: who.Name, Action: "review", Target: f.TransactionID,
			Detail: string(req.Status) + ": " + req.Note}); err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, f)
	}
}

// handleAudit lists the audit log, newest first.
func handleAudit(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit, err := intParam(c, "limit", 100, 1, 10000)
		if err != nil {
			respondErr(c, err)
			return
		}
		es, err := deps.Store.Audit(c.Request.Context(), limit)
		if err != nil {
			respondErr(c, err)
			return
		}
		if es == nil {
			es = []graph.AuditEntry{}
		}
		respond(c, http.StatusOK, gin.H{"entries": es})
	}
}

// handleTemplate sends the spreadsheet template.
func handleTemplate() gin.HandlerFunc {
	return func(c *gin.Context) {
		var buf bytes.Buffer
		if err := importer.Template(&buf); err != nil {
			respondErr(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="hopcheck-template.xlsx"`)
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	}
}
