// Package api is hopcheck's HTTP API (SPEC §4): gin, every route in
// routes.go, thin handlers over the store and the exposure rules, and one
// mapping from error codes to HTTP statuses (respondErr).
package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/xref"
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
	// Xref runs cross-referencing, on demand and after each upload; nil
	// makes one on Store.
	Xref *xref.Runner
	// Audit writes the entries recorded as they happen (screenings,
	// exports, failed authentications) to Store in the background; nil
	// starts one that is never closed. Uploads and reviews write theirs
	// themselves, before they answer.
	Audit *AuditLog
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
	// PublicURLs are the URLs (scheme://host[:port]) the server is reached
	// at besides loopback, e.g. behind a reverse proxy. Requests whose
	// Host is neither loopback nor one of these are refused (DNS
	// rebinding); a keyed server without them does not check Host.
	PublicURLs []string
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For names the client (for logs and rate limits); none
	// by default.
	TrustedProxies []string
	// RateLimits bound requests per address and per key; zero fields take
	// DefaultRateLimits.
	RateLimits RateLimits
	// MaxReports bounds the case reports of one ZIP (default 500): a
	// filter matching more is refused, not cut.
	MaxReports int
	// Batch bounds batch screening; zero fields take DefaultBatchLimits.
	Batch BatchLimits
	// BodyTimeout bounds reading a JSON body (default 30 s) and
	// UploadTimeout an upload or batch body (default 5 min), from the
	// moment the request was authenticated.
	BodyTimeout, UploadTimeout time.Duration
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
	if d.Xref == nil && d.Store != nil {
		d.Xref = &xref.Runner{Store: d.Store, Now: d.Now}
	}
	if d.BodyTimeout <= 0 {
		d.BodyTimeout = 30 * time.Second
	}
	if d.UploadTimeout <= 0 {
		d.UploadTimeout = 5 * time.Minute
	}
	if d.Keys == nil {
		d.Keys = &Keys{}
	}
	if d.Audit == nil && d.Store != nil {
		d.Audit = NewAuditLog(d.Store, d.Logger)
	}
	if d.MaxReports <= 0 {
		d.MaxReports = 500
	}
	d.Batch = d.Batch.withDefaults()
	return d
}

// NewServer returns the HTTP API.
func NewServer(deps Deps) http.Handler {
	deps = deps.withDefaults()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Client addresses in the log come from the connection, not from
	// X-Forwarded-For, which any client can send, unless it comes from a
	// configured proxy.
	if err := r.SetTrustedProxies(deps.TrustedProxies); err != nil {
		panic(fmt.Sprintf("api: trusted proxies: %v", err)) // cmd checks them first
	}
	m := newMetrics(deps.Store)
	rl := newRateLimits(deps.RateLimits)
	var hosts, origins []string
	for _, u := range deps.PublicURLs {
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			hosts, origins = append(hosts, pu.Host, pu.Hostname()), append(origins, pu.Scheme+"://"+pu.Host)
		}
	}
	r.Use(accessLog(deps.Logger), m.observe(), recoverJSON(deps.Logger), secureHeaders(),
		hostGuard(hosts, func() bool { return deps.Keys.Open() || len(hosts) > 0 }),
		originGuard(origins), limitAddress(rl), limitBody(deps))
	addRoutes(r, deps, m, rl)
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

// limitBody bounds request bodies; reading past the bound fails with a
// *http.MaxBytesError, which respondErr answers with 413.
func limitBody(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		n := deps.MaxBodyBytes
		switch c.FullPath() {
		case "/api/v1/uploads":
			n = deps.MaxUploadBytes
		case "/api/v1/screen/batch":
			n = deps.Batch.MaxBytes
		}
		if c.Request.ContentLength > n {
			respondErr(c, graph.Errorf(graph.ETOOLARGE, "request body of %d bytes is larger than the limit of %d", c.Request.ContentLength, n))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
	}
}

// bodyDeadline bounds the time a request's body may take to arrive,
// counted from the moment the request was let in: a client that holds a
// slow body gets an error, not a connection for the server's whole read
// timeout. It runs after authentication.
func bodyDeadline(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength == 0 {
			return
		}
		_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(d))
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
