package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func TestKeyMakesAWorkingKeyAndKeepsOnlyItsHash(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys.yaml")
	key := strings.TrimSpace(mustHop(t, "key", "--name", "ana", "--role", "admin", "--keys", file))
	if !strings.HasPrefix(key, "hk_") || len(key) < 40 {
		t.Fatalf("key %q", key)
	}
	mustHop(t, "key", "--name", "ops", "--role", "viewer", "--keys", file)
	if code, _, errOut := hop(t, "key", "--name", "ana", "--role", "viewer", "--keys", file); code == 0 || !strings.Contains(errOut, "used twice") {
		t.Errorf("a second key named ana: exit %d %s", code, errOut)
	}
	if code, _, _ := hop(t, "key", "--name", "x", "--role", "root", "--keys", file); code != 2 {
		t.Errorf("unknown role: exit %d, want 2", code)
	}
	keys, err := api.LoadKeys(file, "")
	if err != nil || keys.Len() != 2 {
		t.Fatalf("keys file: %v %v", keys, err)
	}
	data := readFile(t, file)
	if strings.Contains(data, key) || strings.Contains(data, key[len("hk_")+17:]) || !strings.Contains(data, "verifier: "+key[3:19]+".") {
		t.Errorf("the keys file must hold the verifier, never the key:\n%s", data)
	}
	verifier := keys.List(time.Now())[0].ID
	store, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := api.NewServer(api.Deps{Keys: keys, Store: store})
	for _, tt := range []struct {
		key  string
		want int
	}{{key, http.StatusOK}, {"hk_wrong", http.StatusUnauthorized}} {
		req, _ := http.NewRequest("GET", "/api/v1/keys", nil)
		req.Header.Set("Authorization", "Bearer "+tt.key)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.want || (tt.want == 200 && (!strings.Contains(w.Body.String(), `"ops"`) || !strings.Contains(w.Body.String(), verifier) || strings.Contains(w.Body.String(), "verifier"))) {
			t.Errorf("GET /api/v1/keys with %q: %d %s", tt.key, w.Code, w.Body)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
