package frontend

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	get := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}
	for _, p := range []string{"/", "/flags/T-1001", "/explore/ORG-BSI", "/index.html"} {
		rec := get("GET", p)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<script") {
			t.Errorf("GET %s = %d, want the index page", p, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s Cache-Control = %q, want no-cache", p, cc)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("GET %s: the CSP %q lacks %s", p, csp, d)
			}
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", p)
		}
	}
	if rec := get("GET", "/assets/nope-123.js"); rec.Code != http.StatusNotFound {
		t.Errorf("missing asset = %d, want 404", rec.Code)
	}
	if rec := get("POST", "/flags"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d, want 405", rec.Code)
	}
	if rec := get("HEAD", "/upload"); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes, want 200 and no body", rec.Code, rec.Body.Len())
	}
}

func TestAssetsAreServedAndCached(t *testing.T) {
	entries, err := fs.ReadDir(FS(), "assets")
	if err != nil || len(entries) == 0 {
		t.Fatalf("dist/assets: %v (%d files); run npm run build in frontend/", err, len(entries))
	}
	for _, e := range entries {
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/assets/"+e.Name(), nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("GET /assets/%s = %d, Cache-Control %q", e.Name(), rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}
