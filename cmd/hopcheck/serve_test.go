package main

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/api/apitest"
	"github.com/hopcheck/hopcheck/demo"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

// syncBuffer is stderr shared by the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingURL = regexp.MustCompile(`msg=serving url=(https?://\S+)`)

// serving runs the real program's serve on a free port and returns its
// URL and a stop function that cancels it and returns the exit code and stderr.
func serving(t *testing.T, env map[string]string, args ...string) (string, func() (int, string)) {
	t.Helper()
	if commands["serve"] == nil {
		t.Skip(`"serve" is not in main.go's commands yet`)
	}
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return env[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	exit := make(chan int, 1)
	go func() {
		exit <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenv, &stdout, stderr)
	}()
	var once sync.Once
	code := -1
	stop := func() (int, string) {
		once.Do(func() {
			cancel()
			select {
			case code = <-exit:
			case <-time.After(30 * time.Second):
				t.Errorf("serve did not stop:\n%s", stderr)
			}
		})
		return code, stderr.String()
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingURL.FindStringSubmatch(stderr.String()); m != nil {
			t.Cleanup(func() { stop() })
			return m[1], stop
		}
		select {
		case code := <-exit:
			t.Fatalf("serve exited with %d before serving:\n%s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not report its address:\n%s", stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// call sends a request with the key and decodes a JSON answer into v.
func call(t *testing.T, method, url, key, ctype string, body []byte, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if v != nil {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return res.StatusCode
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	opsKey, ops := apitest.MustKey("ops", api.Investigator)
	kioskKey, kiosk := apitest.MustKey("kiosk", api.Screening)
	keys := ops.Env() + "," + kiosk.Env()
	url, stop := serving(t, map[string]string{"HOPCHECK_API_KEYS": keys}, "--demo", "--data-dir", dir)

	if code := call(t, "GET", url+"/healthz", "", "", nil, nil); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code := call(t, "GET", url+"/readyz", "", "", nil, nil); code != 200 {
		t.Errorf("readyz: %d", code)
	}
	var st graph.Stats
	if code := call(t, "GET", url+"/api/v1/stats", "", "", nil, nil); code != 401 {
		t.Errorf("stats without a key: %d", code)
	}
	if code := call(t, "GET", url+"/api/v1/stats", kioskKey, "", nil, nil); code != 403 {
		t.Errorf("stats as screening: %d", code)
	}
	if code := call(t, "GET", url+"/api/v1/stats", opsKey, "", nil, &st); code != 200 || st.Transactions != 17 {
		t.Errorf("stats: %d %+v", code, st)
	}
	var scr struct {
		Verdict graph.Verdict `json:"verdict"`
		Entity  *graph.Ref    `json:"entity"`
	}
	body := []byte(`{"name":"Belsec Integration","country":"BLR","date":"2024-06-01"}`)
	if code := call(t, "POST", url+"/api/v1/screen", kioskKey, "application/json", body, &scr); code != 200 || scr.Verdict != graph.Block || scr.Entity.ID != "ORG-BSI" {
		t.Errorf("screen: %d %+v", code, scr)
	}
	var f graph.Flag
	if code := call(t, "PATCH", url+"/api/v1/flags/T-1002", opsKey, "application/json", []byte(`{"status":"confirmed","note":"state holding"}`), &f); code != 200 || f.Reviewer != "ops" {
		t.Errorf("review: %d %+v", code, f)
	}

	// Uploading the demo again is a job that changes nothing.
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for _, df := range demo.CSV() {
		w, _ := mw.CreateFormFile("file", df.Name)
		w.Write(df.Data)
	}
	mw.Close()
	var job graph.Job
	if code := call(t, "POST", url+"/api/v1/uploads", opsKey, mw.FormDataContentType(), form.Bytes(), &job); code != 202 {
		t.Fatalf("upload: %d %+v", code, job)
	}
	for deadline := time.Now().Add(20 * time.Second); !job.State.Final() && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		call(t, "GET", url+"/api/v1/uploads/"+job.ID, opsKey, "", nil, &job)
	}
	if job.State != graph.JobDone || !strings.Contains(string(job.Report), `"unchanged"`) {
		t.Errorf("upload job: %+v", job)
	}

	code, stderr := stop()
	if code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"API keys loaded", `route=/api/v1/flags/:id`, "key=ops", "msg=stopped"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("log lacks %q:\n%s", want, stderr)
		}
	}

	// The job, the review and the audit log are in the data directory.
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if j, err := s.Job(ctx, job.ID); err != nil || j.State != graph.JobDone {
		t.Errorf("job after restart: %v %+v", err, j)
	}
	if f, err := s.Flag(ctx, "T-1002"); err != nil || f.Status != graph.Confirmed {
		t.Errorf("flag after restart: %v %+v", err, f)
	}
	// Newest first: the upload, the review, the screening (who, what,
	// verdict), the request without a key, and the demo's two uploads
	// from the command line (serve --demo).
	a, _ := s.Audit(ctx, 0)
	if len(a) != 6 {
		t.Fatalf("audit after restart: %+v", a)
	}
	var got []string
	for _, e := range a {
		got = append(got, e.Action+" by "+e.By+": "+e.Target)
	}
	want := []string{"upload by ops: " + a[0].Target, "review by ops: T-1002", "screen by kiosk: block", "auth_failure by : GET /api/v1/stats",
		"upload by cli: " + a[4].Target, "upload by cli: " + a[5].Target}
	if !slices.Equal(got, want) || !strings.Contains(a[2].Detail, "ORG-BSI") {
		t.Errorf("audit after restart: %q, want %q", got, want)
	}
}

func TestServeWithoutKeysOnlyOnLoopback(t *testing.T) {
	if commands["serve"] == nil {
		t.Skip(`"serve" is not in main.go's commands yet`)
	}
	code, _, errOut := hop(t, "serve", "--addr", "0.0.0.0:0", "--data-dir", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "refusing to listen") {
		t.Errorf("serve on 0.0.0.0 without keys: exit %d\n%s", code, errOut)
	}
	url, stop := serving(t, nil, "--data-dir", t.TempDir())
	if code := call(t, "GET", url+"/api/v1/stats", "", "", nil, nil); code != 200 {
		t.Errorf("stats without keys configured: %d", code)
	}
	if code, stderr := stop(); code != 0 || !strings.Contains(stderr, "loopback only") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

func TestServeMarksStaleJobsInterrupted(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.SaveJob(context.Background(), graph.Job{ID: "job-crashed", State: graph.JobWriting, Created: time.Now()})
	s.SaveJob(context.Background(), graph.Job{ID: "job-done", State: graph.JobDone, Created: time.Now()})
	s.Close()
	url, stop := serving(t, nil, "--data-dir", dir)
	var j graph.Job
	call(t, "GET", url+"/api/v1/uploads/job-crashed", "", "", nil, &j)
	if j.State != graph.JobInterrupted || j.Error == "" {
		t.Errorf("job running at a crash: %+v", j)
	}
	call(t, "GET", url+"/api/v1/uploads/job-done", "", "", nil, &j)
	if j.State != graph.JobDone {
		t.Errorf("finished job: %+v", j)
	}
	stop()
}

// TestServeReevaluatesAtStart starts the server on a data directory whose
// last upload was written without its re-evaluation (a process stopped
// between the two): the flags appear without any request asking for them.
func TestServeReevaluatesAtStart(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []importer.File
	for _, df := range demo.CSV() {
		files = append(files, importer.File{Name: df.Name, Data: df.Data})
	}
	if rep, err := importer.Import(context.Background(), s, files, importer.Options{}); err != nil || rep.Rejected {
		t.Fatalf("import: %v %+v", err, rep)
	}
	s.Close()

	url, stop := serving(t, nil, "--data-dir", dir)
	var stats graph.Stats
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if call(t, "GET", url+"/api/v1/stats", "", "", nil, &stats); stats.Flags[graph.Critical] > 0 {
			break
		}
	}
	if stats.Flags[graph.Critical] == 0 {
		t.Errorf("no flags 20 s after start: %+v", stats)
	}
	if code, stderr := stop(); code != 0 || !strings.Contains(stderr, "flags re-evaluated at start") {
		t.Errorf("serve exit %d:\n%s", code, stderr)
	}
}

// TestServeDemoKeepsAmendments: --demo loads the demo into an empty store
// only; a stake amended since survives a restart with --demo.
func TestServeDemoKeepsAmendments(t *testing.T) {
	dir := t.TempDir()
	url, stop := serving(t, nil, "--demo", "--data-dir", dir)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	w, _ := mw.CreateFormFile("file", "links.csv")
	w.Write([]byte("from,to,type,percent\nGOV-BY-BSH,ORG-CYP,owns,35\n"))
	mw.Close()
	var job graph.Job
	if code := call(t, "POST", url+"/api/v1/uploads", "", mw.FormDataContentType(), form.Bytes(), &job); code != 202 {
		t.Fatalf("amending upload: %d %+v", code, job)
	}
	for deadline := time.Now().Add(30 * time.Second); !job.State.Final() && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		call(t, "GET", url+"/api/v1/uploads/"+job.ID, "", "", nil, &job)
	}
	if job.State != graph.JobDone {
		t.Fatalf("amending upload: %+v", job)
	}
	if code, stderr := stop(); code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, stderr)
	}

	url, stop = serving(t, nil, "--demo", "--data-dir", dir)
	var ent struct {
		Links []graph.Link `json:"links"`
	}
	if code := call(t, "GET", url+"/api/v1/entities/ORG-CYP", "", "", nil, &ent); code != 200 {
		t.Fatalf("entity: %d", code)
	}
	// The demo's two uploads (spreadsheets, public formats) are listed with the amendment.
	var ups struct {
		Uploads []graph.Job `json:"uploads"`
	}
	if code := call(t, "GET", url+"/api/v1/uploads", "", "", nil, &ups); code != 200 || len(ups.Uploads) != 3 || ups.Uploads[0].ID != job.ID {
		t.Fatalf("uploads: %d %+v", code, ups)
	}
	demoUploads := map[string]bool{}
	for _, u := range ups.Uploads[1:] {
		var full graph.Job
		if code := call(t, "GET", url+"/api/v1/uploads/"+u.ID, "", "", nil, &full); code != 200 || full.State != graph.JobDone ||
			full.Upload == "" || full.By == "" || !strings.Contains(string(full.Report), `"sheets"`) || len(full.Flags) == 0 {
			t.Errorf("the demo's upload %s: %d %+v", u.ID, code, full)
		}
		demoUploads[u.Upload] = true
	}
	code, stderr := stop()
	if code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, stderr)
	}
	found := false
	for _, l := range ent.Links {
		if l.Source.Upload != job.Upload && !demoUploads[l.Source.Upload] {
			t.Errorf("link %s cites upload %q, which the uploads list does not show", l.Key(), l.Source.Upload)
		}
		if l.Type == graph.Owns && l.From == "GOV-BY-BSH" {
			found = true
			if l.Percent == nil || *l.Percent != 35 || l.Source.Upload != job.Upload {
				t.Errorf("after a restart with --demo the stake is %v from %+v, want the amendment's 35", l.Percent, l.Source)
			}
		}
	}
	if !found {
		t.Errorf("no stake of GOV-BY-BSH in ORG-CYP: %+v", ent.Links)
	}
	if !strings.Contains(stderr, "the demo is not loaded over it") {
		t.Errorf("the second start does not say it left the store alone:\n%s", stderr)
	}
}
