package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
	"github.com/hopcheck/hopcheck/graph"
)

func TestEveryRouteEveryRole(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	routes := s.h.(*gin.Engine).Routes()
	if len(routes) != len(apitest.Access) {
		t.Errorf("%d routes, %d in the access table", len(routes), len(apitest.Access))
	}
	for _, r := range routes {
		name := r.Method + " " + r.Path
		allowed, ok := apitest.Access[name]
		if !ok {
			t.Errorf("route %s is not in the access table", name)
			continue
		}
		path := strings.NewReplacer(":id", "NOPE").Replace(r.Path)
		callers := append([]api.Role{""}, api.Roles...) // "" sends no key
		for _, role := range callers {
			s.key = testKeys[role]
			// Bodies that get past the gate fail validation: nothing changes.
			w := s.do(r.Method, path, map[string]string{})
			got := w.Code
			switch {
			case apitest.Public[name]:
				if got == 401 || got == 403 {
					t.Errorf("%s as %q: %d, want a public route", name, role, got)
				}
			case role == "":
				if got != 401 {
					t.Errorf("%s without a key: %d, want 401", name, got)
				}
			case contains(allowed, role):
				if got == 401 || got == 403 {
					t.Errorf("%s as %s: %d, want allowed\n%s", name, role, got, w.Body)
				}
			default:
				if got != 403 {
					t.Errorf("%s as %s: %d, want 403", name, role, got)
				}
			}
		}
	}
	s.key = "not-a-key"
	s.mustError("GET", "/api/v1/stats", nil, 401, graph.EUNAUTHORIZED)
	req, _ := http.NewRequest("GET", "/api/v1/stats", nil)
	req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	s.key = ""
	if w := s.send(req); w.Code != 401 || w.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("basic auth: %d %v", w.Code, w.Header())
	}
}

func contains(rs []api.Role, r api.Role) bool {
	for _, v := range rs {
		if v == r {
			return true
		}
	}
	return false
}

func TestNoKeysAllowsEverything(t *testing.T) {
	s := mustServer(t, true)
	s.mustJSON("GET", "/api/v1/audit", nil, 200, nil)
	s.mustJSON("PATCH", "/api/v1/flags/T-1001", map[string]string{"status": "cleared", "note": "checked"}, 200, nil)
}

func TestKeyConfiguration(t *testing.T) {
	_, e := apitest.MustKey("a", api.Viewer)
	v := e.Verifier
	good := []string{
		"keys:\n  - name: a\n    role: viewer\n    verifier: " + v + "\n",
		"- {name: a, role: admin, verifier: " + v + "}\n",
		`{"keys": [{"name": "a", "role": "screening", "verifier": "` + v + `"}]}`,
		"- {name: a, role: admin, verifier: " + v + ", expires: 2030-01-01T00:00:00Z}\n",
	}
	for _, g := range good {
		if k, err := api.ParseKeys([]byte(g)); err != nil || k.Len() != 1 {
			t.Errorf("ParseKeys(%q): %v", g, err)
		}
	}
	_, e2 := apitest.MustKey("b", api.Viewer)
	bad := map[string]string{
		"role":        "- {name: a, role: root, verifier: " + v + "}",
		"clear key":   "- {name: a, role: admin, verifier: secret}",
		"bare sha256": "- {name: a, role: admin, sha256: 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b}",
		"no name":     "- {role: admin, verifier: " + v + "}",
		"twice":       "- {name: a, role: admin, verifier: " + v + "}\n- {name: a, role: viewer, verifier: " + e2.Verifier + "}",
		"same id":     "- {name: a, role: admin, verifier: " + v + "}\n- {name: b, role: viewer, verifier: " + v + "}",
		"unknown key": "keys:\n  - {name: a, role: admin, key: secret}\n",
	}
	for what, b := range bad {
		if _, err := api.ParseKeys([]byte(b)); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("%s: %v, want invalid", what, err)
		}
	}
	if _, err := api.ParseKeys([]byte(bad["bare sha256"])); err == nil || !strings.Contains(err.Error(), "hopcheck key") {
		t.Errorf("a bare sha256 must be refused with a way out: %v", err)
	}
	k, err := api.ParseKeysEnv(e.Env() + ", " + e2.Env())
	if err != nil || k.Len() != 2 {
		t.Errorf("ParseKeysEnv: %v", err)
	}
	if _, err := api.ParseKeysEnv("ci:investigator"); err == nil {
		t.Error("ParseKeysEnv without verifier: no error")
	}
	if k, err := api.LoadKeys("", ""); err != nil || !k.Open() {
		t.Errorf("no keys: %v", err)
	}
}
