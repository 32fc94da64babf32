package api

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// ClientHeader is the header the web UI sends with every request. A page
// of another site cannot send it without a CORS preflight, which this
// server never grants, so a state-changing request from a browser must
// carry it.
const ClientHeader = "X-Hopcheck-Client"

// hostGuard refuses requests whose Host is neither a loopback name nor one
// of the allowed hosts: a page whose own name was made to resolve to this
// machine (DNS rebinding) is same-origin with itself, not with us, and its
// requests carry its own name. With enforce false (a keyed server without
// --public-url) only the browser checks of originGuard apply. An empty
// Host (HTTP/1.0, or a handler called in process) passes: a browser
// always sends one.
func hostGuard(allowed []string, enforce func() bool) gin.HandlerFunc {
	ok := map[string]bool{}
	for _, h := range allowed {
		ok[strings.ToLower(h)] = true
	}
	return func(c *gin.Context) {
		if !enforce() || probes[c.Request.URL.Path] {
			return
		}
		host := hostOnly(c.Request.Host)
		if host == "" || loopbackHost(host) || ok[host] || ok[strings.ToLower(c.Request.Host)] {
			return
		}
		refuse(c, graph.Errorf(graph.EFORBIDDEN, "host %q is not this server's name: use a loopback address, or start the server with --public-url naming it", c.Request.Host))
	}
}

// originGuard refuses state-changing requests that a browser sent from
// another site: Sec-Fetch-Site other than same-origin or none, an Origin
// other than this server's, or a browser request without ClientHeader.
// Clients that are not browsers (curl, scripts) send none of these
// headers and pass.
func originGuard(publicOrigins []string) gin.HandlerFunc {
	origins := map[string]bool{}
	for _, o := range publicOrigins {
		origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return
		}
		h := c.Request.Header
		site := h.Get("Sec-Fetch-Site")
		origin := h.Get("Origin")
		if site != "" && site != "same-origin" && site != "none" {
			refuse(c, graph.Errorf(graph.EFORBIDDEN, "refused a %s request that a browser sent from another site (Sec-Fetch-Site: %s)", site, site))
			return
		}
		if origin != "" && !sameOrigin(origin, c.Request, origins) {
			refuse(c, graph.Errorf(graph.EFORBIDDEN, "refused a request from origin %q: only this server's own pages may change data", origin))
			return
		}
		browser := site != "" || origin != "" || h.Get("Sec-Fetch-Mode") != ""
		if browser && h.Get(ClientHeader) == "" {
			refuse(c, graph.Errorf(graph.EFORBIDDEN, "a browser request that changes data must carry the %s header, as hopcheck's UI sends it", ClientHeader))
		}
	}
}

// sameOrigin reports whether origin is the origin of r's own Host, or one
// of the configured public origins.
func sameOrigin(origin string, r *http.Request, public map[string]bool) bool {
	o := strings.ToLower(origin)
	if public[o] {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Host == strings.ToLower(r.Host)
}

// refuse answers err before the body is read, and closes the connection
// afterwards, so that net/http does not first wait for a body the server
// never wanted (a slow body would hold the answer back).
func refuse(c *gin.Context, err error) {
	if c.Request.ContentLength != 0 {
		c.Header("Connection", "close")
	}
	respondErr(c, err)
}

// hostOnly is the host of a Host header, lower case, without port or brackets.
func hostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return strings.ToLower(strings.Trim(h, "[]"))
}

// loopbackHost reports whether a host name or address can only mean this
// machine: localhost, a name under .localhost (RFC 6761), or a loopback IP.
func loopbackHost(h string) bool {
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// probes answer whatever Host is asked for: an orchestrator's health
// checks name the pod's address, and the answers say nothing but "up".
var probes = map[string]bool{"/healthz": true, "/readyz": true}

// secureHeaders are on every answer: nothing is sniffed into another
// type, and API answers are never cached (they carry data a key allowed).
func secureHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if c.Request.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if p := c.Request.URL.Path; p == "/api" || strings.HasPrefix(p, "/api/") || p == "/metrics" || p == "/healthz" || p == "/readyz" {
			h.Set("Cache-Control", "no-store")
		}
	}
}
