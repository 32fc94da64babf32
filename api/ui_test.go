package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/frontend"
	"github.com/hopcheck/hopcheck/graph"
)

func TestUIServedOutsideAPI(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)), func(d *api.Deps) { d.UI = frontend.Handler() })

	for _, path := range []string{"/", "/flags/T-1", "/explore/ORG-1?depth=2"} {
		w := s.do(http.MethodGet, path, nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(w.Body.String(), "<title>hopcheck</title>") {
			t.Errorf("GET %s: %d %s, want the UI's index.html", path, w.Code, w.Header().Get("Content-Type"))
		}
	}
	if w := s.do(http.MethodHead, "/upload", nil); w.Code != http.StatusOK {
		t.Errorf("HEAD /upload: %d, want 200", w.Code)
	}
	// A missing asset is a 404, not index.html served as JavaScript.
	if w := s.do(http.MethodGet, "/assets/missing-0000.js", nil); w.Code != http.StatusNotFound {
		t.Errorf("GET a missing asset: %d, want 404", w.Code)
	}
	// The API keeps its JSON errors, with or without a key.
	s.mustError(http.MethodGet, "/api/v1/no-such-route", nil, http.StatusNotFound, graph.ENOTFOUND)
	s.mustError(http.MethodGet, "/api", nil, http.StatusNotFound, graph.ENOTFOUND)
	s.mustError(http.MethodPost, "/flags/T-1", nil, http.StatusNotFound, graph.ENOTFOUND)
	// The UI's page needs no key; the data behind it does.
	s.mustError(http.MethodGet, "/api/v1/stats", nil, http.StatusUnauthorized, graph.EUNAUTHORIZED)
}
