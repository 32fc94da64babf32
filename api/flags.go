package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/casefile"
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
// country, capability, q, assignee, pending, the order (sort, dir) and
// paging up to maxLimit.
func flagFilter(c *gin.Context, defLimit, maxLimit int) (graph.FlagFilter, error) {
	f := graph.FlagFilter{Status: graph.Status(c.Query("status")), Severity: graph.Severity(c.Query("severity")),
		Capability: strings.ToLower(strings.TrimSpace(c.Query("capability"))),
		Text:       strings.TrimSpace(c.Query("q")), Assignee: strings.TrimSpace(c.Query("assignee"))}
	if f.Status != "" && !f.Status.Valid() {
		return f, invalid("status %q: expected open, confirmed or cleared", f.Status)
	}
	if f.Severity != "" && f.Severity.Rank() == 0 {
		return f, invalid("severity %q: expected critical, high or medium", f.Severity)
	}
	if f.Capability != "" && !slices.Contains(graph.CapabilityCategories, f.Capability) {
		return f, invalid("capability %q: expected one of the guidance's categories: %s", f.Capability, strings.Join(graph.CapabilityCategories, ", "))
	}
	var err error
	if f.Sort, err = flagSort(c); err != nil {
		return f, err
	}
	if p := c.Query("pending"); p != "" {
		if f.Pending, err = strconv.ParseBool(p); err != nil {
			return f, invalid("pending %q: expected true or false", p)
		}
	}
	if f.Country, err = countryParam(c, "country"); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(c, "offset", 0, 0, 1<<30); err != nil {
		return f, err
	}
	f.Limit, err = intParam(c, "limit", defLimit, 1, maxLimit)
	return f, err
}

// flagSort reads the order of a flag list: sort names a column
// (severity when empty), dir is asc or desc (desc for severity, asc for
// the others when empty).
func flagSort(c *gin.Context) (graph.FlagSort, error) {
	s := graph.FlagSort{Column: graph.FlagColumn(c.Query("sort"))}
	if s.Column == "" {
		s.Column = graph.ColSeverity
	}
	if !s.Column.Valid() {
		cols := make([]string, len(graph.FlagColumns))
		for i, col := range graph.FlagColumns {
			cols[i] = string(col)
		}
		return s, invalid("sort %q: expected one of %s", s.Column, strings.Join(cols, ", "))
	}
	switch d := c.Query("dir"); d {
	case "":
		s.Desc = s.Column == graph.ColSeverity
	case "asc", "desc":
		s.Desc = d == "desc"
	default:
		return s, invalid("dir %q: expected asc or desc", d)
	}
	return s, nil
}

// handleFlags lists flags, a page at a time, most severe first unless
// sort says otherwise.
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
func handleFlagsXLSX(deps Deps) gin.HandlerFunc { return handleFlagsExport(deps, "xlsx") }

// handleFlagsCSV exports the flags that match as CSV.
func handleFlagsCSV(deps Deps) gin.HandlerFunc { return handleFlagsExport(deps, "csv") }

// handleFlagsExport exports the flags that match, with every review note
// of their history, as a workbook or CSV.
func handleFlagsExport(deps Deps, format string) gin.HandlerFunc {
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
		data, mime := flagsCSV(fs), csvType+"; charset=utf-8"
		if format == "xlsx" {
			if data, err = flagsWorkbook(fs); err != nil {
				respondErr(c, err)
				return
			}
			mime = xlsxType
		}
		audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "export",
			Target: "flags." + format, Detail: fmt.Sprintf("%d flags; filter %s", len(fs), c.Request.URL.RawQuery)})
		c.Header("Content-Disposition", `attachment; filename="hopcheck-flags.`+format+`"`)
		c.Data(http.StatusOK, mime, data)
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

// ReviewerHeader names the reviewer of a request when no API keys are
// configured: the web UI asks for the name once and sends it with every
// review. With keys, the key's name is the reviewer and the header is
// ignored, so that no key can review in another's name.
const ReviewerHeader = "X-Hopcheck-Reviewer"

// maxReviewer bounds a reviewer's name.
const maxReviewer = 200

// reviewerOf returns who is deciding: the API key's name, or with no keys
// the name in ReviewerHeader; never "anonymous": a decision without a
// name is refused.
func reviewerOf(deps Deps, c *gin.Context) (string, error) {
	if !deps.Keys.Open() {
		return callerOf(c).Name, nil
	}
	name := strings.TrimSpace(c.GetHeader(ReviewerHeader))
	switch {
	case name == "":
		return "", invalid("no API keys are configured, so a review must name its reviewer in the %s header (the web UI asks for it once)", ReviewerHeader)
	case len(name) > maxReviewer || strings.ContainsAny(name, "\r\n"):
		return "", invalid("%s: a name of at most %d bytes on one line", ReviewerHeader, maxReviewer)
	}
	return name, nil
}

// handleReview records a reviewer's decision on a flag (see
// exposure.Evaluator.Review for the rules), and puts it in the audit log.
func handleReview(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req reviewRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		f, err := review(c, deps, c.Param("id"), req)
		if err != nil {
			respondErr(c, err)
			return
		}
		respond(c, http.StatusOK, f)
	}
}

// review checks a decision, records it and audits it.
func review(c *gin.Context, deps Deps, id string, req reviewRequest) (graph.Flag, error) {
	if !req.Status.Valid() {
		return graph.Flag{}, invalid("status %q: expected open, confirmed or cleared", req.Status)
	}
	if len(req.Note) > maxNote {
		return graph.Flag{}, invalid("note is longer than %d bytes", maxNote)
	}
	who, err := reviewerOf(deps, c)
	if err != nil {
		return graph.Flag{}, err
	}
	ctx := c.Request.Context()
	f, err := deps.Evaluator.Review(ctx, id, req.Status, who, req.Note)
	if err != nil {
		return graph.Flag{}, err
	}
	action, detail := "review", string(req.Status)+": "+req.Note
	if f.PendingClear != nil && req.Status == graph.Cleared {
		action, detail = "approve", "first of two clears: "+req.Note
	}
	return f, mustAudit(ctx, deps, graph.AuditEntry{At: deps.Now().UTC(), By: who, Action: action, Target: f.TransactionID, Detail: detail})
}

// bulkReviewRequest is the body of POST /flags/review.
type bulkReviewRequest struct {
	IDs    []string     `json:"ids"`
	Status graph.Status `json:"status"`
	Note   string       `json:"note"`
}

// bulkResult is one flag's outcome in a bulk review.
type bulkResult struct {
	TransactionID string       `json:"transaction_id"`
	Flag          *graph.Flag  `json:"flag,omitempty"`
	Error         *errorDetail `json:"error,omitempty"`
}

// maxBulk bounds the flags of one bulk review.
const maxBulk = 500

// handleBulkReview records one decision on several flags, each by the
// rules of a single review: a flag the rules refuse (a critical one
// awaiting its second reviewer, say) reports its error and the others go on.
func handleBulkReview(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req bulkReviewRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		switch {
		case len(req.IDs) == 0:
			respondErr(c, invalid("ids: name at least one flag"))
			return
		case len(req.IDs) > maxBulk:
			respondErr(c, invalid("ids: at most %d flags at once, got %d", maxBulk, len(req.IDs)))
			return
		case !req.Status.Valid():
			respondErr(c, invalid("status %q: expected open, confirmed or cleared", req.Status))
			return
		}
		if _, err := reviewerOf(deps, c); err != nil {
			respondErr(c, err)
			return
		}
		out := make([]bulkResult, 0, len(req.IDs))
		done := 0
		for _, id := range req.IDs {
			f, err := review(c, deps, id, reviewRequest{Status: req.Status, Note: req.Note})
			r := bulkResult{TransactionID: id}
			if err != nil {
				if graph.ErrorCode(err) == graph.EINTERNAL || graph.ErrorCode(err) == graph.EUNAVAILABLE {
					respondErr(c, err)
					return
				}
				r.Error = &errorDetail{Code: graph.ErrorCode(err), Message: graph.ErrorMessage(err)}
			} else {
				r.Flag = &f
				done++
			}
			out = append(out, r)
		}
		respond(c, http.StatusOK, gin.H{"results": out, "reviewed": done, "refused": len(out) - done})
	}
}

// commentRequest is the body of POST /flags/{id}/comments.
type commentRequest struct {
	Note string `json:"note"`
}

// handleComment adds a comment to a flag's history.
func handleComment(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req commentRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		if len(req.Note) > maxNote {
			respondErr(c, invalid("note is longer than %d bytes", maxNote))
			return
		}
		changeFlag(c, deps, http.StatusCreated, func(ctx context.Context, who string) (graph.Flag, string, error) {
			f, err := deps.Evaluator.Comment(ctx, c.Param("id"), who, req.Note)
			return f, req.Note, err
		}, "comment")
	}
}

// changeFlag makes one reviewer's change to a flag: the reviewer named,
// the change made, an audit entry of action with the detail change gives,
// the flag answered with code.
func changeFlag(c *gin.Context, deps Deps, code int, change func(ctx context.Context, who string) (graph.Flag, string, error), action string) {
	who, err := reviewerOf(deps, c)
	if err != nil {
		respondErr(c, err)
		return
	}
	ctx := c.Request.Context()
	f, detail, err := change(ctx, who)
	if err != nil {
		respondErr(c, err)
		return
	}
	if err := mustAudit(ctx, deps, graph.AuditEntry{At: deps.Now().UTC(), By: who, Action: action, Target: f.TransactionID, Detail: detail}); err != nil {
		respondErr(c, err)
		return
	}
	respond(c, code, f)
}

// assignRequest is the body of PUT /flags/{id}/assignee.
type assignRequest struct {
	Assignee string `json:"assignee"`
	Note     string `json:"note"`
}

// handleAssign gives a flag to a reviewer ("" takes it back).
func handleAssign(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req assignRequest
		if err := c.ShouldBindJSON(&req); err != nil {
			respondErr(c, bodyError(err))
			return
		}
		if len(req.Assignee) > maxReviewer || strings.ContainsAny(req.Assignee, "\r\n") || len(req.Note) > maxNote {
			respondErr(c, invalid("assignee: a name of at most %d bytes on one line; note: at most %d bytes", maxReviewer, maxNote))
			return
		}
		changeFlag(c, deps, http.StatusOK, func(ctx context.Context, who string) (graph.Flag, string, error) {
			f, err := deps.Evaluator.Assign(ctx, c.Param("id"), who, req.Assignee, req.Note)
			return f, "to " + strconv.Quote(f.Assignee), err
		}, "assign")
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

// handleReport sends a flag's case report: a printable HTML page, or a
// PDF with format=pdf.
func handleReport(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		format, err := reportFormat(c)
		if err != nil {
			respondErr(c, err)
			return
		}
		ctx := c.Request.Context()
		cases, err := casefile.Gather(ctx, deps.Store, deps.Evaluator.Policy(), deps.Now(), []string{c.Param("id")})
		if err != nil {
			respondErr(c, err)
			return
		}
		var buf bytes.Buffer
		mime := "text/html; charset=utf-8"
		if format == "pdf" {
			err, mime = cases[0].PDF(&buf), "application/pdf"
			c.Header("Content-Disposition", `inline; filename="`+casefile.FileName(cases[0].Flag.TransactionID)+`.pdf"`)
		} else {
			err = cases[0].HTML(&buf)
		}
		if err != nil {
			respondErr(c, err)
			return
		}
		// The page is self-contained: it may load nothing, run nothing.
		c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		c.Data(http.StatusOK, mime, buf.Bytes())
	}
}

// handleReports sends the case reports of the flags that match the
// filter of GET /flags as a ZIP, at most Deps.MaxReports of them: a
// filter matching more is refused rather than cut.
func handleReports(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		format, err := reportFormat(c)
		if err != nil {
			respondErr(c, err)
			return
		}
		f, err := flagFilter(c, deps.MaxReports, deps.MaxReports)
		if err != nil {
			respondErr(c, err)
			return
		}
		ctx := c.Request.Context()
		fs, total, err := deps.Store.Flags(ctx, f)
		if err != nil {
			respondErr(c, err)
			return
		}
		if c.Query("limit") == "" && total-f.Offset > len(fs) {
			respondErr(c, graph.Errorf(graph.ETOOLARGE, "%d flags match; a ZIP of case reports holds at most %d: narrow the filter (status, severity, country, q, assignee) or page with offset and limit", total-f.Offset, deps.MaxReports))
			return
		}
		ids := make([]string, len(fs))
		for i, fl := range fs {
			ids[i] = fl.TransactionID
		}
		cases, err := casefile.Gather(ctx, deps.Store, deps.Evaluator.Policy(), deps.Now(), ids)
		if err != nil {
			respondErr(c, err)
			return
		}
		var buf bytes.Buffer
		if err := casefile.Bundle(&buf, cases, format == "pdf"); err != nil {
			respondErr(c, err)
			return
		}
		audit(ctx, deps, graph.AuditEntry{At: deps.Now().UTC(), By: callerOf(c).Name, Action: "export",
			Target: "flags/reports.zip", Detail: fmt.Sprintf("%d case reports; filter %s", len(cases), c.Request.URL.RawQuery)})
		c.Header("Content-Disposition", `attachment; filename="hopcheck-case-reports.zip"`)
		c.Data(http.StatusOK, "application/zip", buf.Bytes())
	}
}

// reportFormat reads format: html (the default) or pdf.
func reportFormat(c *gin.Context) (string, error) {
	switch f := c.DefaultQuery("format", "html"); f {
	case "html", "pdf":
		return f, nil
	default:
		return "", invalid("format %q: expected html or pdf", f)
	}
}
