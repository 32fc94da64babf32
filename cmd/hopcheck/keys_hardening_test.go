package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
)

// TestKeysNeverLogged serves with API keys, sends requests with good,
// wrong, forbidden and misplaced keys, and finds no key, nor its hash, in
// anything the server logged; the key names are there instead.
func TestKeysNeverLogged(t *testing.T) {
	adminKey, admin := apitest.MustKey("admin", api.Admin)
	screenerKey, screener := apitest.MustKey("screener", api.Screening)
	keys := map[string]string{"admin": adminKey, "screener": screenerKey}
	verifiers := map[string]string{adminKey: admin.Verifier, screenerKey: screener.Verifier}
	wrong, _ := apitest.MustKey("wrong", api.Admin)
	env := map[string]string{"HOPCHECK_API_KEYS": admin.Env() + "," + screener.Env()}
	base, stop := serving(t, env, "--demo", "--data-dir", t.TempDir())

	send := func(method, path, auth, ctype string, body []byte) int {
		t.Helper()
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	w, _ := mw.CreateFormFile("file", "organizations.csv")
	w.Write([]byte("name,country\nKey Test Org,DE\n"))
	mw.Close()

	for _, r := range []struct {
		method, path, auth, ctype string
		body                      []byte
		want                      int
	}{
		{"GET", "/api/v1/stats", "Bearer " + keys["admin"], "", nil, 200},
		{"POST", "/api/v1/screen", "Bearer " + keys["screener"], "application/json", []byte(`{"name":"Orion"}`), 200},
		{"GET", "/api/v1/audit", "Bearer " + keys["screener"], "", nil, 403},
		{"GET", "/api/v1/stats", "Bearer " + wrong, "", nil, 401},
		{"GET", "/api/v1/stats", "Basic " + keys["admin"], "", nil, 401},
		{"GET", "/api/v1/stats", keys["admin"], "", nil, 401},
		{"GET", "/api/v1/stats?api_key=" + keys["admin"], "", "", nil, 401},
		{"GET", "/api/v1/entities/nobody", "Bearer " + keys["admin"], "", nil, 404},
		{"POST", "/api/v1/uploads", "Bearer " + keys["admin"], mw.FormDataContentType(), form.Bytes(), 202},
		{"POST", "/api/v1/screen", "Bearer " + keys["screener"], "application/json", []byte(`{"name":`), 400},
	} {
		if got := send(r.method, r.path, r.auth, r.ctype, r.body); got != r.want {
			t.Errorf("%s %s: status %d, want %d", r.method, r.path, got, r.want)
		}
	}
	_, logged := stop()
	if !strings.Contains(logged, "key=admin") || !strings.Contains(logged, "key=screener") {
		t.Errorf("the log does not name the callers:\n%s", logged)
	}
	for name, k := range keys {
		for what, secret := range map[string]string{"key": k, "verifier": verifiers[k]} {
			if strings.Contains(logged, secret) {
				t.Errorf("the %s of the %s key appears in the log", what, name)
			}
		}
	}
	if strings.Contains(logged, wrong) {
		t.Error("a wrong key appears in the log")
	}
	// A key sent in the URL path would be logged with the path: the query
	// string is not logged, and no route takes a key in its path.
}
