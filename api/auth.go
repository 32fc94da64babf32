package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/graph"
)

// Role is what an API key may do.
type Role string

// The roles: viewer reads; investigator reads, uploads and reviews;
// screening only screens; admin does everything.
const (
	Viewer       Role = "viewer"
	Investigator Role = "investigator"
	Screening    Role = "screening"
	Admin        Role = "admin"
)

// Roles lists every role in a fixed order.
var Roles = []Role{Viewer, Investigator, Screening, Admin}

func (r Role) valid() bool { return slices.Contains(Roles, r) }

// Caller is who sent a request.
type Caller struct {
	Name string
	Role Role
}

// anonymous is the caller when no keys are configured.
var anonymous = Caller{Name: "anonymous", Role: Admin}

const callerKey = "hopcheck.caller"

// callerOf returns the authenticated caller of a request.
func callerOf(c *gin.Context) Caller {
	if v, ok := c.Get(callerKey); ok {
		return v.(Caller)
	}
	return anonymous
}

// allow lets through requests whose key has one of the roles. Without a
// key it answers 401, with a key of another role 403, past the key's rate
// 429. With no keys configured everything is allowed. The key is checked
// from the headers alone, before the handler reads any body, and a
// refusal closes the connection rather than wait for the body.
func allow(deps Deps, rl *rateLimits, roles ...Role) gin.HandlerFunc {
	keys := deps.Keys
	return func(c *gin.Context) {
		if keys.Open() {
			c.Set(callerKey, anonymous)
			return
		}
		now := deps.Now()
		token, ok := bearer(c.GetHeader("Authorization"))
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="hopcheck"`)
			authFailed(c, deps, rl, "no API key", "an API key is required: Authorization: Bearer KEY")
			return
		}
		key, err := keys.find(token, now)
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="hopcheck", error="invalid_token"`)
			authFailed(c, deps, rl, err.Error(), err.Error())
			return
		}
		c.Set(callerKey, Caller{Name: key.Name, Role: key.Role})
		if wait, ok := rl.key.take(key.Name, time.Now()); !ok {
			tooMany(c, wait, "too many requests with this API key; try again in %s", wait.Round(time.Second))
			return
		}
		if !slices.Contains(roles, key.Role) {
			refuse(c, graph.Errorf(graph.EFORBIDDEN, "the %s role may not do this", key.Role))
		}
	}
}

// authFailed answers a failed authentication with 401, and records it in
// the audit log and the server log, at most as often as the address's
// failure bucket allows: past it the address gets 429 with Retry-After
// for its failures (a valid key still passes), and they are not recorded
// one by one, so that the log does not grow at an attacker's pace.
func authFailed(c *gin.Context, deps Deps, rl *rateLimits, why, msg string) {
	if wait, ok := rl.failures.take(clientOf(c), time.Now()); !ok {
		tooMany(c, wait, "too many failed authentications from this address; try again in %s", wait.Round(time.Second))
		return
	}
	deps.Logger.Warn("authentication failed", "remote", c.ClientIP(), "route", routeOf(c), "reason", why)
	audit(c.Request.Context(), deps, graph.AuditEntry{At: deps.Now().UTC(), Action: "auth_failure",
		Target: c.Request.Method + " " + routeOf(c), Detail: "from " + c.ClientIP() + ": " + why})
	refuse(c, graph.Errorf(graph.EUNAUTHORIZED, "%s", msg))
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header; the
// scheme is case-insensitive.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// handleKeys lists the keys' names, roles, ids and states for admins.
func handleKeys(deps Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		respond(c, http.StatusOK, gin.H{"keys": deps.Keys.List(deps.Now())})
	}
}
