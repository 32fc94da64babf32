package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// request sends method path with headers to s (without its key unless set).
func (s *testServer) request(method, path, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return s.send(req)
}

func TestHostMustBeLoopbackOrPublicURL(t *testing.T) {
	open := mustServer(t, true)
	for host, want := range map[string]int{
		"127.0.0.1:8080": 200, "localhost:8080": 200, "[::1]:8080": 200, "app.localhost:8080": 200,
		"rebind.example:8080": 403, "hopcheck.example.org": 403, "127.0.0.1.nip.io:8080": 403,
	} {
		for _, path := range []string{"/api/v1/stats", "/", "/flags"} {
			if w := open.request("GET", path, "", map[string]string{"Host": host}); w.Code != want && !(path != "/api/v1/stats" && w.Code == 404 && want == 200) {
				t.Errorf("no keys, Host %s, GET %s: %d, want %d %s", host, path, w.Code, want, w.Body)
			}
		}
		// Health checks name whatever address the orchestrator uses.
		if w := open.request("GET", "/healthz", "", map[string]string{"Host": host}); w.Code != 200 {
			t.Errorf("GET /healthz with Host %s: %d", host, w.Code)
		}
	}
	public := mustServer(t, true, func(d *api.Deps) { d.PublicURLs = []string{"https://hopcheck.example.org"} })
	for host, want := range map[string]int{"hopcheck.example.org": 200, "HOPCHECK.example.org:443": 200, "localhost": 200, "other.example.org": 403} {
		if w := public.request("GET", "/api/v1/stats", "", map[string]string{"Host": host}); w.Code != want {
			t.Errorf("--public-url, Host %s: %d, want %d", host, w.Code, want)
		}
	}
	// A keyed server without --public-url leaves Host to the keys.
	keyed := mustServer(t, true, withKeys(mustKeys(t)))
	keyed.key = testKeys[api.Viewer]
	if w := keyed.request("GET", "/api/v1/stats", "", map[string]string{"Host": "hopcheck.internal:8080"}); w.Code != 200 {
		t.Errorf("keyed server, its own name: %d", w.Code)
	}
}

func TestCrossSiteWritesRefused(t *testing.T) {
	s := mustServer(t, true)
	screen := `{"name":"Cypra Trading"}`
	for what, tt := range map[string]struct {
		headers map[string]string
		want    int
	}{
		"curl, no browser headers": {nil, 200},
		"the UI":                   {map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin", api.ClientHeader: "1"}, 200},
		"the UI in a browser without Fetch metadata": {map[string]string{"Origin": "http://127.0.0.1:8080", api.ClientHeader: "1"}, 200},
		"another site, no-cors":                      {map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, 403},
		"another port of this host":                  {map[string]string{"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"}, 403},
		"another origin with the header":             {map[string]string{"Origin": "http://evil.example", api.ClientHeader: "1"}, 403},
		"an opaque origin":                           {map[string]string{"Origin": "null", api.ClientHeader: "1"}, 403},
		"same origin without the UI's header":        {map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}, 403},
	} {
		w := s.request("POST", "/api/v1/screen", screen, tt.headers)
		if w.Code != tt.want {
			t.Errorf("%s: %d, want %d %s", what, w.Code, tt.want, w.Body)
		}
	}
	// Reads are not refused: the browser keeps another site from reading them.
	if w := s.request("GET", "/api/v1/stats", "", map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}); w.Code != 200 {
		t.Errorf("cross-site GET: %d", w.Code)
	}
	// A refused upload writes nothing.
	body, ctype := multipartBody(t, []importer.File{{Name: "countries.csv", Data: []byte("country,restrictive\nBY,no\n")}}, nil)
	req := httptest.NewRequest("POST", "/api/v1/uploads", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if w := s.send(req); w.Code != 403 {
		t.Errorf("cross-site upload: %d", w.Code)
	}
	if js, _ := s.store.Jobs(t.Context(), 0); len(js) != 0 {
		t.Errorf("a refused upload left %d jobs", len(js))
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := mustServer(t, true)
	w := s.do("GET", "/api/v1/stats", nil)
	if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("API headers: %v", w.Header())
	}
	w = s.do("GET", "/api/v1/nothing", nil)
	if w.Code != 404 || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("unknown API path: %d %v", w.Code, w.Header())
	}
}

// TestSlowUnauthenticatedBody is the finding of issue 16: a client that
// holds a slow body without a key must get its 401 at once, not after the
// server's read timeout.
func TestSlowUnauthenticatedBody(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	srv := httptest.NewUnstartedServer(s.h)
	srv.Config.ReadTimeout = time.Minute
	srv.Start()
	t.Cleanup(srv.Close)
	for _, tt := range []struct{ path, auth string }{
		{"/api/v1/uploads", ""},
		{"/api/v1/screen", ""},
		{"/api/v1/screen/batch", "Authorization: Bearer hk_0123456789abcdef_" + strings.Repeat("x", 43) + "\r\n"},
		{"/api/v1/uploads", "Authorization: Bearer " + testKeys[api.Screening] + "\r\n"}, // 403
	} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\":", tt.path, tt.auth)
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		took := time.Since(start)
		conn.Close()
		if err != nil {
			t.Errorf("POST %s with a slow body: no answer within a second: %v", tt.path, err)
			continue
		}
		if res.StatusCode != 401 && res.StatusCode != 403 {
			t.Errorf("POST %s: %d, want 401 or 403", tt.path, res.StatusCode)
		}
		t.Logf("POST %s %q: %d after %s", tt.path, tt.auth[:min(len(tt.auth), 25)], res.StatusCode, took.Round(time.Millisecond))
	}
}

func TestKeysRefusedWhenWeakExpiredOrRevoked(t *testing.T) {
	now := clock()
	good, e := apitest.MustKey("good", api.Viewer)
	old, eOld, err := api.NewKey("old", api.Viewer, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	gone, eGone := apitest.MustKey("gone", api.Viewer)
	revoked := now.Add(-time.Hour)
	eGone.Revoked = &revoked
	keys, err := api.ParseKeysEnv(e.Env() + "," + eOld.Env())
	if err != nil {
		t.Fatal(err)
	}
	yml, _ := json.Marshal([]api.Key{e, eOld, eGone})
	fromFile, err := api.ParseKeys(yml)
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Replace(fromFile); err != nil {
		t.Fatal(err)
	}
	s := mustServer(t, true, withKeys(keys))
	for what, tt := range map[string]struct {
		key, says string
		want      int
	}{
		"a good key":      {good, "", 200},
		"an expired key":  {old, "expired", 401},
		"a revoked key":   {gone, "revoked", 401},
		"a short key":     {"secret", "not a hopcheck API key", 401},
		"a hand-made key": {"hk_0123456789abcdef_" + strings.Repeat("ab", 21) + "a", "weak", 401},
		"a wrong secret":  {good[:len(good)-4] + "AAAA", "unknown API key", 401},
	} {
		s.key = tt.key
		w := s.do("GET", "/api/v1/stats", nil)
		if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.says) {
			t.Errorf("%s: %d %s, want %d saying %q", what, w.Code, w.Body, tt.want, tt.says)
		}
	}
	if err := keys.Replace(&api.Keys{}); err == nil {
		t.Error("a keyed server accepted an empty key set")
	}
	list := keys.List(now)
	states := map[string]string{}
	for _, k := range list {
		states[k.Name] = k.State
	}
	if states["good"] != "active" || states["old"] != "expired" || states["gone"] != "revoked" {
		t.Errorf("list: %+v", list)
	}
}

func TestRateLimits(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)), func(d *api.Deps) {
		d.RateLimits = api.RateLimits{PerKey: 1, KeyBurst: 3, AuthFailures: 1.0 / 60, FailureBurst: 2}
	})
	s.key = testKeys[api.Viewer]
	codes := []int{}
	var last *httptest.ResponseRecorder
	for range 5 {
		last = s.do("GET", "/api/v1/stats", nil)
		codes = append(codes, last.Code)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" || last.Header().Get("Retry-After") == "" {
		t.Errorf("per key: %v %v", codes, last.Header())
	}
	// Another key is not held back by the first.
	s.key = testKeys[api.Admin]
	if w := s.do("GET", "/api/v1/stats", nil); w.Code != 200 {
		t.Errorf("another key: %d", w.Code)
	}
	// Failed authentications: two 401s, then 429 with Retry-After.
	codes = codes[:0]
	s.key = "hk_0123456789abcdef_" + strings.Repeat("x", 43)
	for range 4 {
		last = s.do("GET", "/api/v1/stats", nil)
		codes = append(codes, last.Code)
	}
	if fmt.Sprint(codes) != "[401 401 429 429]" || last.Header().Get("Retry-After") == "" {
		t.Errorf("failed authentications: %v %v", codes, last.Header())
	}
	// The failures were audited, but only those within the bucket.
	s.audit.Sync()
	es, _ := s.store.Audit(t.Context(), 0)
	n := 0
	for _, e := range es {
		if e.Action == "auth_failure" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d auth_failure entries, want 2", n)
	}
	// A valid key from the same address still passes.
	s.key = testKeys[api.Investigator]
	if w := s.do("GET", "/api/v1/stats", nil); w.Code != 200 {
		t.Errorf("a valid key after the failures: %d", w.Code)
	}
}

func TestBatchLimits(t *testing.T) {
	s := mustServer(t, true, func(d *api.Deps) { d.Batch = api.BatchLimits{MaxRows: 3, MaxBytes: 2 << 10, Concurrent: 1} })
	qs := func(n int) map[string]any {
		var q []map[string]string
		for i := range n {
			q = append(q, map[string]string{"name": fmt.Sprintf("Nobody %d", i)})
		}
		return map[string]any{"queries": q}
	}
	s.mustJSON("POST", "/api/v1/screen/batch", qs(3), 200, nil)
	s.mustError("POST", "/api/v1/screen/batch", qs(4), 400, graph.EINVALID)
	csvRows := "name\nA\nB\nC\nD\n"
	if w := batchFile(s, "four.csv", []byte(csvRows), ""); w.Code != 400 || !strings.Contains(w.Body.String(), "more than 3 rows") {
		t.Errorf("4 CSV rows: %d %s", w.Code, w.Body)
	}
	if w := batchFile(s, "big.csv", []byte("name\n"+strings.Repeat("x", 4<<10)+"\n"), ""); w.Code != 413 {
		t.Errorf("a body over MaxBytes: %d %.200s", w.Code, w.Body)
	}
	wide := "name" + strings.Repeat(",x", 2000) + "\nA\n"
	s2 := mustServer(t, true)
	if w := batchFile(s2, "wide.csv", []byte(wide), ""); w.Code != 400 || !strings.Contains(w.Body.String(), "columns") {
		t.Errorf("2001 columns: %d %s", w.Code, w.Body)
	}

	// Concurrency: while one batch holds the only slot (its body is still
	// arriving), the next is answered 429 with Retry-After.
	srv := httptest.NewServer(s.h)
	t.Cleanup(srv.Close)
	pr, pw := io.Pipe()
	held := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/screen/batch", pr)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			held <- 0
			return
		}
		res.Body.Close()
		held <- res.StatusCode
	}()
	pw.Write([]byte(`{"queries": [`))
	var got int
	var retry string
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		res, err := http.Post(srv.URL+"/api/v1/screen/batch", "application/json", strings.NewReader(`{"queries":[{"name":"A"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got, retry = res.StatusCode, res.Header.Get("Retry-After"); got == 429 {
			break
		}
	}
	if got != 429 || retry == "" {
		t.Errorf("a second batch while one runs: %d, Retry-After %q", got, retry)
	}
	pw.Write([]byte(`{"name":"A"}]}`))
	pw.Close()
	if code := <-held; code != 200 {
		t.Errorf("the batch that held the slot: %d", code)
	}
}

func TestScreeningRoleGetsATrimmedBatch(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	q := map[string]any{"queries": []map[string]string{{"id": "ORG-BSI"}, {"id": "ORG-ORT"}}}
	size := map[api.Role]int{}
	for _, role := range []api.Role{api.Screening, api.Investigator} {
		s.key = testKeys[role]
		w := s.do("POST", "/api/v1/screen/batch", q)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", role, w.Code, w.Body)
		}
		size[role] = w.Body.Len()
		var res struct {
			Results []struct {
				Verdict   graph.Verdict    `json:"verdict"`
				Exposures []graph.Exposure `json:"exposures"`
				Ownership []graph.Exposure `json:"ownership_paths"`
				Matches   []struct {
					Assessment graph.Assessment `json:"assessment"`
				} `json:"matches"`
			} `json:"results"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		r := res.Results[0]
		if r.Verdict != graph.Block || len(r.Exposures) == 0 || len(r.Exposures[0].Path) == 0 {
			t.Fatalf("%s: %+v", role, r)
		}
		m := r.Matches[0].Assessment
		trimmed := len(r.Ownership) == 0 && len(r.Exposures[0].Steps) == 0 && len(m.Ownership) == 0 && len(m.Exposures[0].Steps) == 0
		if trimmed != (role == api.Screening) {
			t.Errorf("%s: ownership paths %d, steps %d", role, len(r.Ownership), len(r.Exposures[0].Steps))
		}
	}
	t.Logf("batch answer: screening %d bytes, investigator %d bytes", size[api.Screening], size[api.Investigator])
}

// TestNoTemporaryFileLeft: 100 batch screenings of a workbook whose sheet
// streams from a temporary file leave no file behind.
func TestNoTemporaryFileLeft(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s := mustServer(t, true, func(d *api.Deps) { d.ImportLimits = importer.Limits{MaxInMemoryXML: 1 << 10} })
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"name", "country"})
	for i := 2; i < 200; i++ {
		sw.SetRow(fmt.Sprintf("A%d", i), []any{fmt.Sprintf("Counterparty %d", i), "DE"})
	}
	sw.Flush()
	var b bytes.Buffer
	f.Write(&b)
	f.Close()
	for i := range 100 {
		accept := ""
		if i%2 == 1 {
			accept = xlsxType
		}
		if w := batchFile(s, "list.xlsx", b.Bytes(), accept); w.Code != 200 {
			t.Fatalf("batch %d: %d %s", i, w.Code, w.Body)
		}
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("%d temporary files left after 100 batches: %v", len(left), names)
	}
}

func TestCSVAnswerQuotesFormulasAfterAnyDelimiter(t *testing.T) {
	s := mustServer(t, true)
	in := "name,note\n\"Cypra;=cmd|' /C calc'!A0\",\"a\tb,@SUM(1)\"\n"
	w := batchFile(s, "deal.csv", []byte(in), "text/csv")
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	out := w.Body.String()
	for _, want := range []string{`"Cypra;=cmd|' /C calc'!A0"`, "\"a\tb,@SUM(1)\"", "name,note,hopcheck verdict"} {
		if !strings.Contains(out, want) {
			t.Errorf("answer lacks %q:\n%s", want, out)
		}
	}
	// Split on ';' as a ';'-locale spreadsheet would, outside quotes: no
	// field may start with a trigger.
	for _, line := range strings.Split(out, "\r\n") {
		inQuote, field := false, ""
		for _, r := range line + ";" {
			switch {
			case r == '"':
				inQuote = !inQuote
			case !inQuote && (r == ';' || r == ',' || r == '\t'):
				if field != "" && strings.ContainsRune("=+-@", rune(field[0])) {
					t.Errorf("field %q starts with a formula trigger in %q", field, line)
				}
				field = ""
				continue
			}
			field += string(r)
		}
	}
}

func TestScreeningsAndExportsAudited(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	s.key = testKeys[api.Screening]
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"name": "Belsec Integration", "country": "BY"}, 200, nil)
	s.mustJSON("POST", "/api/v1/screen/batch", map[string]any{"queries": []map[string]string{{"id": "ORG-BSI"}, {"name": "Nobody at all"}}}, 200, nil)
	s.key = testKeys[api.Viewer]
	if w := s.do("GET", "/api/v1/flags.xlsx?severity=critical", nil); w.Code != 200 {
		t.Fatalf("export: %d", w.Code)
	}
	s.audit.Sync()
	es, _ := s.store.Audit(context.Background(), 3)
	got := []string{}
	for _, e := range es {
		got = append(got, e.By+" "+e.Action+" "+e.Target+" | "+e.Detail)
	}
	if len(es) != 3 || es[0].Action != "export" || es[0].By != "viewer" || !strings.Contains(es[0].Detail, "severity=critical") ||
		es[1].Action != "screen_batch" || !strings.Contains(es[1].Detail, "ORG-BSI block") ||
		es[2].Action != "screen" || es[2].By != "screening" || es[2].Target != "block" || !strings.Contains(es[2].Detail, "ORG-BSI") {
		t.Errorf("audit:\n%s", strings.Join(got, "\n"))
	}
}

// fullDisk is a store whose writes of uploads, and with audit also of
// audit entries, fail as on a full disk.
type fullDisk struct {
	graph.Store
	audit bool
}

var errNoSpace = &os.PathError{Op: "write", Path: "/var/lib/hopcheck/wal.log", Err: syscall.ENOSPC}

func (fullDisk) Apply(context.Context, graph.Upload, func(done, total int)) (graph.WriteResult, error) {
	return graph.WriteResult{}, fmt.Errorf("memstore: appending the upload: %w", errNoSpace)
}

func (d fullDisk) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	if d.audit {
		return fmt.Errorf("memstore: %w", errNoSpace)
	}
	return d.Store.AppendAudit(ctx, e)
}

func TestFullDiskNamedInErrors(t *testing.T) {
	s := mustServer(t, true, func(d *api.Deps) { d.Store = fullDisk{d.Store, true} })
	// A review is not done without its audit entry, and the answer says why.
	e := s.mustError("PATCH", "/api/v1/flags/T-1003", map[string]string{"status": "confirmed", "note": "state-owned"}, 503, graph.EUNAVAILABLE)
	if !strings.Contains(e.Error.Message, "disk is full") || !strings.Contains(e.Error.Message, "ENOSPC") || !strings.Contains(e.Error.Message, "wal.log") {
		t.Errorf("review on a full disk: %q", e.Error.Message)
	}
	// Nor an upload.
	if w := s.upload("/api/v1/uploads", demoFiles(), nil); w.Code != 503 || !strings.Contains(w.Body.String(), "disk is full") {
		t.Errorf("upload on a full disk: %d %s", w.Code, w.Body)
	}
	if js, _ := s.store.Jobs(t.Context(), 0); len(js) != 0 {
		t.Errorf("an upload without its audit entry left %d jobs", len(js))
	}
	// An upload whose write fails: the job says the disk is full.
	s = mustServer(t, false, func(d *api.Deps) { d.Store = fullDisk{d.Store, false} })
	j := s.mustUpload(demoFiles(), nil)
	if j.State != graph.JobFailed || !strings.Contains(j.Error, "disk is full (ENOSPC") {
		t.Errorf("job on a full disk: %s %q", j.State, j.Error)
	}
}

// TestPreviewAppliesTheLimits: ?preview=true reads within the same limits
// as the upload (it used to skip the cell limit).
func TestPreviewAppliesTheLimits(t *testing.T) {
	s := mustServer(t, false, func(d *api.Deps) { d.ImportLimits = importer.Limits{MaxCellBytes: 10, MaxColumns: 5} })
	for _, tt := range []struct{ data, want string }{
		{"name,country\nAn organization name,DE\n", "cell is 20 bytes, more than the limit of 10"},
		{"name,a,b,c,d,e\nOrion,1,2,3,4,5\n", "row has 6 cells, more than the limit of 5 columns"},
	} {
		w := s.upload("/api/v1/uploads?preview=true", []importer.File{{Name: "organizations.csv", Data: []byte(tt.data)}}, nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), tt.want) {
			t.Errorf("preview: %d %s, want %q", w.Code, w.Body, tt.want)
		}
	}
}

// TestTrustedProxyNamesTheClient: behind a configured proxy the buckets
// are the clients' (X-Forwarded-For); from anyone else the header is
// ignored, so that a client cannot pick its own bucket.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	for _, tt := range []struct {
		proxies []string
		want    string
	}{
		{[]string{"192.0.2.0/24"}, "[200 429 200]"}, // httptest's clients come from 192.0.2.1
		{nil, "[200 429 429]"},
	} {
		s := mustServer(t, true, func(d *api.Deps) {
			d.TrustedProxies = tt.proxies
			d.RateLimits = api.RateLimits{PerAddress: 1.0 / 60, AddressBurst: 1, AuthFailures: -1}
		})
		var codes []int
		for _, client := range []string{"203.0.113.7", "203.0.113.7", "203.0.113.8"} {
			codes = append(codes, s.request("GET", "/api/v1/stats", "", map[string]string{"X-Forwarded-For": client}).Code)
		}
		if fmt.Sprint(codes) != tt.want {
			t.Errorf("proxies %v: %v, want %s", tt.proxies, codes, tt.want)
		}
	}
}

// TestBodyDeadline: an authenticated request whose body does not arrive
// in time is answered, not held for the server's whole read timeout.
func TestBodyDeadline(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)), func(d *api.Deps) { d.BodyTimeout = 300 * time.Millisecond })
	srv := httptest.NewUnstartedServer(s.h)
	srv.Config.ReadTimeout = time.Minute
	srv.Start()
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/v1/screen HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"name\":", testKeys[api.Screening])
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a body that stopped: %v", err)
	}
	took := time.Since(start)
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), "did not arrive in time") {
		t.Errorf("answer %s", body)
	}
	if res.StatusCode != 400 || took < 300*time.Millisecond {
		t.Errorf("a body that stopped: %d after %s, want 400 after the 300 ms deadline", res.StatusCode, took)
	}
	t.Logf("answered %d after %s", res.StatusCode, took.Round(time.Millisecond))
}
