package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
	"github.com/hopcheck/hopcheck/demo"
	"github.com/hopcheck/hopcheck/graph"
)

// client calls a running hopcheck server as one API key.
type client struct {
	t   *testing.T
	url string
	key string
}

// call sends a request; body is JSON, or multipartFiles for a form of files.
func (c client) call(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case multipartFiles:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for name, data := range b {
			part, _ := w.CreateFormFile("file", name)
			part.Write(data)
		}
		w.Close()
		r, ctype = &buf, w.FormDataContentType()
	default:
		data, _ := json.Marshal(b)
		r, ctype = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, c.url+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	checkAnswer(c.t, req, resp, data)
	return resp.StatusCode, data
}

func (c client) must(method, path string, body any, status int, v any) {
	c.t.Helper()
	code, data := c.call(method, path, body)
	if code != status {
		c.t.Fatalf("%s %s: %d, want %d\n%s", method, path, code, status, data)
	}
	if v != nil {
		if err := json.Unmarshal(data, v); err != nil {
			c.t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
}

type multipartFiles map[string][]byte

// e2eKeys are one key per role, as the server gets them from HOPCHECK_API_KEYS.
func e2eKeys() (map[api.Role]string, string) {
	keys := map[api.Role]string{}
	var env []string
	for _, r := range api.Roles {
		key, entry := apitest.MustKey(string(r)+"-key", r)
		keys[r] = key
		env = append(env, entry.Env())
	}
	return keys, strings.Join(env, ",")
}

// exerciseAPI drives a server loaded with the demo data through every
// route as every role, then through an investigator's work: an upload
// with an error, an upload polled to done, batch screening both ways, and
// a reviewed flag reopened by a later upload.
func exerciseAPI(t *testing.T, url string, keys map[api.Role]string, embedded bool) {
	admin := client{t, url, keys[api.Admin]}
	xlsx, err := demo.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	// A request per route that succeeds for a caller allowed on it.
	requests := map[string]struct {
		path   string
		body   any
		status int
	}{
		"GET /healthz":                          {"/healthz", nil, 200},
		"GET /readyz":                           {"/readyz", nil, 200},
		"GET /api/v1/openapi.json":              {"/api/v1/openapi.json", nil, 200},
		"GET /api/v1/openapi.yaml":              {"/api/v1/openapi.yaml", nil, 200},
		"GET /metrics":                          {"/metrics", nil, 200},
		"POST /api/v1/screen":                   {"/api/v1/screen", map[string]string{"name": "Cypra Trading", "country": "Cyprus", "date": "2024-06-01"}, 200},
		"POST /api/v1/screen/batch":             {"/api/v1/screen/batch", map[string]any{"queries": []map[string]string{{"id": "ORG-EMG"}}}, 200},
		"GET /api/v1/entities":                  {"/api/v1/entities?q=orion", nil, 200},
		"GET /api/v1/entities/:id":              {"/api/v1/entities/ORG-CYP", nil, 200},
		"GET /api/v1/entities/:id/neighborhood": {"/api/v1/entities/ORG-CYP/neighborhood?depth=2&limit=50", nil, 200},
		"GET /api/v1/entities/:id/exposure":     {"/api/v1/entities/ORG-CYP/exposure?date=2024-06-01", nil, 200},
		"GET /api/v1/entities/:id/cluster":      {"/api/v1/entities/ORG-CYP/cluster", nil, 200},
		"GET /api/v1/identity/decisions":        {"/api/v1/identity/decisions", nil, 200},
		"GET /api/v1/identity/decisions.csv":    {"/api/v1/identity/decisions.csv", nil, 200},
		"POST /api/v1/identity/decisions":       {"/api/v1/identity/decisions", map[string]string{"a": "ORG-CYP", "b": "ORG-NOR", "decision": "same", "note": "e2e"}, 201},
		"DELETE /api/v1/identity/decisions":     {"/api/v1/identity/decisions?a=ORG-HAN&b=ORG-LUM", nil, 200}, // decided before each call
		"GET /api/v1/transactions/:id":          {"/api/v1/transactions/T-1003", nil, 200},
		"GET /api/v1/entities/:id/transactions": {"/api/v1/entities/ORG-CYP/transactions", nil, 200},
		"GET /api/v1/connection":                {"/api/v1/connection?from=ORG-CYP&to=ORG-NOR&date=2024-06-01", nil, 200},
		"GET /api/v1/flags":                     {"/api/v1/flags?severity=critical&limit=3", nil, 200},
		"GET /api/v1/flags.xlsx":                {"/api/v1/flags.xlsx", nil, 200},
		"GET /api/v1/flags/:id":                 {"/api/v1/flags/T-1003", nil, 200},
		"GET /api/v1/flags/:id/report":          {"/api/v1/flags/T-1003/report?format=pdf", nil, 200},
		"GET /api/v1/flags/reports.zip":         {"/api/v1/flags/reports.zip?severity=critical", nil, 200},
		"PATCH /api/v1/flags/:id":               {"/api/v1/flags/T-1002", map[string]string{"status": "confirmed", "note": "e2e"}, 200},
		"GET /api/v1/stats":                     {"/api/v1/stats", nil, 200},
		"GET /api/v1/template.xlsx":             {"/api/v1/template.xlsx", nil, 200},
		"POST /api/v1/uploads":                  {"/api/v1/uploads", multipartFiles{"demo.xlsx": xlsx}, 202},
		"GET /api/v1/uploads":                   {"/api/v1/uploads", nil, 200},
		"GET /api/v1/uploads/:id":               {"/api/v1/uploads/", nil, 200}, // id filled in below
		"GET /api/v1/mappings":                  {"/api/v1/mappings", nil, 200},
		"PUT /api/v1/mappings/:name":            {"/api/v1/mappings/Partner%20Zeta", map[string]any{"mapping": map[string]any{"headers": map[string]string{"Firma": "name"}}}, 200},
		"GET /api/v1/identity/candidates":       {"/api/v1/identity/candidates?limit=5", nil, 200},
		"POST /api/v1/identity/xref":            {"/api/v1/identity/xref", nil, 202},
		"GET /api/v1/identity/xref":             {"/api/v1/identity/xref", nil, 200}, // after the uploads' runs
		"GET /api/v1/audit":                     {"/api/v1/audit", nil, 200},
		"GET /api/v1/keys":                      {"/api/v1/keys", nil, 200},
		"GET /api/v1/flags.csv":                 {"/api/v1/flags.csv", nil, 200},
		"GET /api/v1/entities/:id/history":      {"/api/v1/entities/ORG-CYP/history", nil, 200},
		"POST /api/v1/flags/review":             {"/api/v1/flags/review", map[string]any{"ids": []string{"T-1003"}, "status": "confirmed", "note": "e2e bulk"}, 200},
		"POST /api/v1/flags/:id/comments":       {"/api/v1/flags/T-1003/comments", map[string]string{"note": "e2e comment"}, 201},
		"PUT /api/v1/flags/:id/assignee":        {"/api/v1/flags/T-1003/assignee", map[string]string{"assignee": "e2e"}, 200},
		"GET /api/v1/backup":                    {"/api/v1/backup", nil, 200},
	}
	if !embedded {
		requests["GET /api/v1/backup"] = struct {
			path   string
			body   any
			status int
		}{"/api/v1/backup", nil, 400} // Neo4j is backed up with its own tools
	}
	if len(requests) != len(apitest.Access) {
		t.Fatalf("%d requests for %d routes", len(requests), len(apitest.Access))
	}
	var job graph.Job
	admin.must("POST", "/api/v1/uploads", multipartFiles{"demo.xlsx": xlsx}, 202, &job)
	waitJob(admin, job.ID)
	for route, allowed := range apitest.Access {
		method := strings.Fields(route)[0]
		req := requests[route]
		if req.path == "" {
			t.Errorf("no request for %s", route)
			continue
		}
		if route == "GET /api/v1/uploads/:id" {
			req.path += job.ID
		}
		for _, role := range append([]api.Role{""}, api.Roles...) {
			if route == "DELETE /api/v1/identity/decisions" {
				admin.must("POST", "/api/v1/identity/decisions", map[string]string{"a": "ORG-HAN", "b": "ORG-LUM", "decision": "not_same"}, 201, nil)
			}
			c := client{t, url, keys[role]}
			code, body := c.call(method, req.path, req.body)
			switch {
			case apitest.Public[route] || slices.Contains(allowed, role):
				if code != req.status {
					t.Errorf("%s as %q: %d, want %d\n%s", route, role, code, req.status, body)
				}
			case role == "":
				if code != 401 {
					t.Errorf("%s without a key: %d, want 401", route, code)
				}
			default:
				if code != 403 {
					t.Errorf("%s as %s: %d, want 403", route, role, code)
				}
			}
		}
	}

	// The loop started uploads of the demo workbook; let them end, so that
	// none restates the demo's facts in the middle of what follows.
	var list struct{ Uploads []graph.Job }
	admin.must("GET", "/api/v1/uploads", nil, 200, &list)
	for _, j := range list.Uploads {
		waitJob(admin, j.ID)
	}

	// An upload with an error writes nothing.
	var before, after graph.Stats
	admin.must("GET", "/api/v1/stats", nil, 200, &before)
	bad := []byte("from,to,type\nORG-NOR,ORG-HAN,supplies\nORG-NOR,Nobody Known,supplies\n")
	admin.must("POST", "/api/v1/uploads", multipartFiles{"links.csv": bad}, 202, &job)
	if j := waitJob(admin, job.ID); j.State != graph.JobRejected || !strings.Contains(string(j.Report), "row 3") && !strings.Contains(string(j.Report), `"row":3`) {
		t.Errorf("upload with an error: %s %s", j.State, j.Report)
	}
	admin.must("GET", "/api/v1/stats", nil, 200, &after)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("a rejected upload changed the store: %+v → %+v", before, after)
	}

	// Batch screening both ways: JSON in and out, spreadsheet in and out.
	code, out := admin.call("POST", "/api/v1/screen/batch", multipartFiles{"partners.csv": []byte("name,country\nCypra Trading,CY\n=cmd|calc,DE\n")})
	if code != 200 || !strings.Contains(string(out), `"verdict":"block"`) {
		t.Errorf("batch from CSV: %d %s", code, out)
	}

	// Identity decisions in bulk, as a review queue sends them.
	var batch struct{ Decisions []graph.Decision }
	admin.must("POST", "/api/v1/identity/decisions", map[string]any{"decisions": []map[string]string{
		{"a": "ORG-NOR", "b": "ORG-CYP", "decision": "same", "note": "bulk"}, {"a": "ORG-HAN", "b": "ORG-LUM", "decision": "not_same"},
	}}, 201, &batch)
	if len(batch.Decisions) != 2 || batch.Decisions[0].Note != "bulk" {
		t.Errorf("bulk decisions: %+v", batch.Decisions)
	}

	// A flag reviewed, then reopened by new evidence.
	var f graph.Flag
	admin.must("PATCH", "/api/v1/flags/T-1013", map[string]string{"status": "cleared", "note": "minority stake"}, 200, &f)
	more := []byte("owner,owned,share %\nBeltech State Holding,Orion Holding Ltd,90%\n")
	admin.must("POST", "/api/v1/uploads", multipartFiles{"ownership.csv": more}, 202, &job)
	if j := waitJob(admin, job.ID); j.State != graph.JobDone {
		t.Fatalf("new evidence: %s %s", j.State, j.Report)
	}
	admin.must("GET", "/api/v1/flags/T-1013", nil, 200, &f)
	if f.Status != graph.Open || len(f.History) < 2 || !strings.Contains(f.History[len(f.History)-1].Note, "evidence changed") {
		t.Errorf("flag after new evidence: %s %+v", f.Status, f.History)
	}
}

func waitJob(c client, id string) graph.Job {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var j graph.Job
		c.must("GET", "/api/v1/uploads/"+id, nil, 200, &j)
		if j.State.Final() {
			return j
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("job %s still %s", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeEveryRouteAndRole(t *testing.T) {
	keys, env := e2eKeys()
	// Every route is called without a key: more failures than the default allows.
	url, stop := serving(t, map[string]string{"HOPCHECK_API_KEYS": env}, "--data-dir", t.TempDir(), "--rate-auth-failures", "6000")
	exerciseAPI(t, url, keys, true)
	if code, logs := stop(); code != 0 || strings.Contains(logs, keys[api.Admin]) {
		t.Errorf("serve exit %d; a key in the logs: %v", code, strings.Contains(logs, keys[api.Admin]))
	}
}
