package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
	"github.com/hopcheck/hopcheck/demo"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

func clock() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }

// The test keys: one per role, named after it, and their entries.
var testKeys, testEntries = func() (map[api.Role]string, map[api.Role]api.Key) {
	keys, entries := map[api.Role]string{}, map[api.Role]api.Key{}
	for _, r := range api.Roles {
		keys[r], entries[r] = apitest.MustKey(string(r), r)
	}
	return keys, entries
}()

func mustKeys(t testing.TB) *api.Keys {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("keys:\n")
	for _, r := range api.Roles {
		b.WriteString("  - {name: " + string(r) + ", role: " + string(r) + ", verifier: " + testEntries[r].Verifier + "}\n")
	}
	k, err := api.ParseKeys(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testServer is the API over an in-memory store.
type testServer struct {
	t     testing.TB
	h     http.Handler
	store *memstore.Store
	bg    *api.Background
	audit *api.AuditLog // Sync before reading entries written as they happen
	key   string        // sent as Bearer when set
	// reviewer is sent in api.ReviewerHeader, as the UI does when no keys
	// are configured; "" sends none.
	reviewer string
}

type option func(*api.Deps)

func withKeys(k *api.Keys) option { return func(d *api.Deps) { d.Keys = k } }

// mustServer returns the API over a fresh store; with demo, the demo data
// is loaded and evaluated first.
func mustServer(t testing.TB, withDemo bool, opts ...option) *testServer {
	t.Helper()
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	if withDemo {
		mustLoadDemo(t, s, ev)
	}
	bg := api.NewBackground(context.Background())
	// Tests send many failed authentications from one address; the
	// failure limit has a test of its own.
	deps := api.Deps{Store: s, Evaluator: ev, Background: bg, Now: clock, RateLimits: api.RateLimits{AuthFailures: -1}}
	for _, o := range opts {
		o(&deps)
	}
	t.Cleanup(bg.Wait)
	if deps.Audit == nil {
		deps.Audit = api.NewAuditLog(deps.Store, nil)
		t.Cleanup(deps.Audit.Close)
	}
	return &testServer{t: t, h: api.NewServer(deps), store: s, bg: bg, audit: deps.Audit, reviewer: "ana"}
}

func mustLoadDemo(t testing.TB, s graph.Store, ev *exposure.Evaluator) {
	t.Helper()
	var files []importer.File
	for _, f := range demo.CSV() {
		files = append(files, importer.File{Name: f.Name, Data: f.Data})
	}
	rep, err := importer.Import(context.Background(), s, files, importer.Options{})
	if err != nil || rep.Rejected {
		t.Fatalf("demo import: %v %+v", err, rep)
	}
	if _, err := ev.Refresh(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
}

// do sends a request with a JSON body (when body is not nil) and returns the recorder.
func (s *testServer) do(method, path string, body any) *httptest.ResponseRecorder {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			r = bytes.NewBufferString(b)
		default:
			data, err := json.Marshal(b)
			if err != nil {
				s.t.Fatal(err)
			}
			r = bytes.NewReader(data)
		}
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return s.send(req)
}

func (s *testServer) send(req *http.Request) *httptest.ResponseRecorder {
	if req.Host == "example.com" { // httptest's default: as a local client would send it
		req.Host = "127.0.0.1:8080"
	}
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	if s.reviewer != "" && req.Header.Get(api.ReviewerHeader) == "" {
		req.Header.Set(api.ReviewerHeader, s.reviewer)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	return w
}

// mustJSON sends a request, expects the status and decodes the answer into v.
func (s *testServer) mustJSON(method, path string, body any, status int, v any) {
	s.t.Helper()
	w := s.do(method, path, body)
	if w.Code != status {
		s.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, w.Code, status, w.Body)
	}
	if v != nil {
		if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
			s.t.Fatalf("%s %s: %v\n%s", method, path, err, w.Body)
		}
	}
}

// apiError is the error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// mustError sends a request and expects an error with the status and code.
func (s *testServer) mustError(method, path string, body any, status int, code string) apiError {
	s.t.Helper()
	var e apiError
	s.mustJSON(method, path, body, status, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		s.t.Errorf("%s %s: error %+v, want code %s and a message", method, path, e.Error, code)
	}
	return e
}

// multipartBody builds an upload form from name → contents.
func multipartBody(t testing.TB, files []importer.File, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.Data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (s *testServer) upload(path string, files []importer.File, fields map[string]string) *httptest.ResponseRecorder {
	body, ctype := multipartBody(s.t, files, fields)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", ctype)
	return s.send(req)
}

func demoFiles() []importer.File {
	var files []importer.File
	for _, f := range demo.CSV() {
		files = append(files, importer.File{Name: f.Name, Data: f.Data})
	}
	return files
}
