// Package api is hopcheck's HTTP API (SPEC §4): gin, every route in
// routes.go, thin handlers over the store and the exposure rules, and one
// mapping from error codes to HTTP statuses (respondErr).
package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

// Deps is what the API runs on.
type Deps struct {
	// Store also keeps the upload jobs and the audit log, so that any
	// server on a shared store answers for any job.
	Store     graph.Store
	Evaluator *exposure.Evaluator
	// Keys are the API keys; nil or empty allows every request.
	Keys   *Keys
	Logger *slog.Logger
	// Background runs upload jobs; nil runs them until they end.
	Background *Background
	// MaxBodyBytes bounds JSON request bodies (default 1 MiB) and
	// MaxUploadBytes uploads (default 100 MiB).
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// ImportLimits bound what an upload may unpack to: file and cell
	// sizes, rows, zip expansion; zero fields take importer.DefaultLimits.
	ImportLimits importer.Limits
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// UI serves the web UI for GET and HEAD requests outside /api/ that
	// match no route; nil serves none.
	UI http.Handler
}

func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.Background == nil {
		d.Background = NewBackground(context.Background())
	}
	if d.MaxBodyBytes <= 0 {
		d.MaxBodyBytes = 1 << 20
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = 100 << 20
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d
}

// NewServer returns the HTTP API.
func NewServer(deps Deps) http.Handler {
	deps = deps.withDefaults()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Client addresses in the log come from the connection, not from
	// X-Forwarded-For, which any client can send.
	_ = r.SetTrustedProxies(nil)
	m := newMetrics(deps.Store)
	r.Use(accessLog(deps.Logger), m.observe(), recoverJSON(deps.Logger), limitBody(deps))
	addRoutes(r, deps, m)
	r.NoRoute(func(c *gin.Context) {
		if deps.UI != nil && isPage(c.Request) {
			c.Status(http.StatusOK) // gin presets 404 for NoRoute
			deps.UI.ServeHTTP(c.Writer, c.Request)
			return
		}
		respondErr(c, graph.Errorf(graph.ENOTFOUND, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	return r
}

// isPage reports whether r may be a request for the web UI: a GET or HEAD
// outside the API, so that unknown /api/ paths keep their JSON 404.
func isPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/")
}

// accessLog logs every request with its route template, status and time.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{
			"method", c.Request.Method, "route", routeOf(c), "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "bytes", c.Writer.Size(), "duration", time.Since(start),
			"remote", c.ClientIP(),
		}
		if v, ok := c.Get(callerKey); ok {
			attrs = append(attrs, "key", v.(Caller).Name)
		}
		level := slog.LevelInfo
		if len(c.Errors) > 0 {
			attrs = append(attrs, "error", c.Errors.String())
		}
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// recoverJSON turns a panic into a JSON 500 and logs it with its stack.
func recoverJSON(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			log.Error("panic", "route", routeOf(c), "panic", v, "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{errorDetail{Code: graph.EINTERNAL, Message: "internal error"}})
		}()
		c.Next()
	}
}

// uploadRoutes take bodies up to MaxUploadBytes; all others MaxBodyBytes.
var uploadRoutes = map[string]bool{"/api/v1/uploads": true, "/api/v1/screen/batch": true}

// limitBody bounds request bodies; reading past the bound fails with a
// *http.MaxBytesError, which respondErr answers with 413.
func limitBody(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := deps.MaxBodyBytes
		if uploadRoutes[c.FullPath()] {
			n = deps.MaxUploadBytes
		}
		if c.Request.ContentLength > n {
			respondErr(c, graph.Errorf(graph.ETOOLARGE, "request body of %d bytes is larger than the limit of %d", c.Request.ContentLength, n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
	}
}

// Background runs work that outlives the request that started it, such
// as upload jobs, and lets the server wait for it when shutting down.
type Background struct {
	ctx context.Context
	wg  sync.WaitGroup
}

// NewBackground returns a Background whose work is cancelled with ctx.
func NewBackground(ctx context.Context) *Background { return &Background{ctx: ctx} }

// Go runs fn in a goroutine with the background's context.
func (b *Background) Go(fn func(ctx context.Context)) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn(b.ctx)
	}()
}

// Wait waits for all work to end.
func (b *Background) Wait() { b.wg.Wait() }
