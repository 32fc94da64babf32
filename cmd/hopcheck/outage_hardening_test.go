package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
	"github.com/hopcheck/hopcheck/importer"
)

// requireNeo4j skips the test when the Neo4j tests are off (no NEO4J_URI),
// except in CI, which must never skip them silently.
func requireNeo4j(t *testing.T) {
	t.Helper()
	if os.Getenv("NEO4J_URI") != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("NEO4J_URI is not set: CI must run the Neo4j tests (scripts/neo4j.sh start)")
	}
	t.Skip("NEO4J_URI is not set; start a Neo4j with scripts/neo4j.sh to run these tests")
}

// ownNeo4j is a Neo4j of one test's own, run with scripts/neo4j.sh on a
// free port and in a temporary directory, so that stopping it disturbs no
// other test. Its data survives a stop and start.
type ownNeo4j struct {
	t        *testing.T
	script   string
	env      []string // the script's environment
	uri      string
	password string
}

func startOwnNeo4j(t *testing.T) *ownNeo4j {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "neo4j.sh"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	n := &ownNeo4j{t: t, script: script, uri: "bolt://127.0.0.1:" + port, password: "outage-test-password"}
	n.env = append(os.Environ(), "NEO4J_RUN_DIR="+t.TempDir(), "NEO4J_BOLT_PORT="+port, "NEO4J_HTTP_PORT=off",
		"NEO4J_KEEP_DATA=1", "NEO4J_PASSWORD="+n.password, "NEO4J_STOP_TIMEOUT=30")
	t.Cleanup(func() {
		if out, err := n.script1("stop"); err != nil {
			t.Errorf("stopping the test's Neo4j: %v\n%s", err, out)
		}
	})
	n.start()
	return n
}

func (n *ownNeo4j) script1(command string) (string, error) {
	cmd := exec.Command("bash", n.script, command)
	cmd.Env = n.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (n *ownNeo4j) start() {
	n.t.Helper()
	began := time.Now()
	out, err := n.script1("start")
	if err != nil {
		n.t.Fatalf("scripts/neo4j.sh start: %v\n%s", err, out)
	}
	if !strings.Contains(out, "export NEO4J_URI="+n.uri) {
		n.t.Fatalf("scripts/neo4j.sh start did not start %s:\n%s", n.uri, out)
	}
	n.t.Logf("Neo4j started on %s in %s", n.uri, time.Since(began).Round(time.Millisecond))
}

// kill stops Neo4j the way a crash or an out-of-memory kill does: SIGKILL
// without waiting. A graceful stop lets the running transactions finish
// first (db.shutdown.transaction.end.timeout), and on a quiet machine the
// whole upload then lands before the bolt port closes: no outage at all.
func (n *ownNeo4j) kill() {
	n.t.Helper()
	began := time.Now()
	saved := n.env
	n.env = append(append([]string(nil), saved...), "NEO4J_STOP_TIMEOUT=0")
	out, err := n.script1("stop")
	n.env = saved
	if err != nil {
		n.t.Fatalf("scripts/neo4j.sh stop: %v\n%s", err, out)
	}
	n.t.Logf("Neo4j killed in %s", time.Since(began).Round(time.Millisecond))
}

// hopEnv is the environment that points hopcheck at this Neo4j.
func (n *ownNeo4j) hopEnv() map[string]string {
	return map[string]string{"NEO4J_URI": n.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": n.password}
}

// cutLedger keeps the first n transactions of a CSV ledger: re-evaluating
// flags costs a path search per transaction, and this test is about writes.
func cutLedger(t *testing.T, path string, n int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(recs[:min(len(recs), n+1)])
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pollJob polls an upload job until until(job) holds or the job ends, for
// at most a few minutes (a guard against hanging, not a timing assertion).
func pollJob(c client, id string, until func(graph.Job) bool) graph.Job {
	c.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var j graph.Job
		c.must("GET", "/api/v1/uploads/"+id, nil, 200, &j)
		if until(j) || j.State.Final() {
			return j
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("job %s still %s after 3 minutes: %+v", id, j.State, j.Progress)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// comparableFlags are a store's flags without the time they were evaluated.
func comparableFlags(t *testing.T, s graph.Store) []graph.Flag {
	t.Helper()
	fs, _, err := s.Flags(context.Background(), graph.FlagFilter{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		fs[i].EvaluatedAt = time.Time{}
	}
	return fs
}

// TestNeo4jOutage stops Neo4j in the middle of a large upload through the
// API (SPEC §6): the job ends failed with a message that names Neo4j,
// store-bound routes answer 503 "unavailable" while it is down, the server
// recovers by itself when Neo4j is back, and uploading the same files
// again completes the upload: the store then equals a clean import of the
// same files into the embedded store, flags included.
func TestNeo4jOutage(t *testing.T) {
	requireNeo4j(t)
	if testing.Short() {
		t.Skip("starts its own Neo4j twice and imports a large upload")
	}
	began := time.Now()
	db := startOwnNeo4j(t)

	// More rows than neo4jstore's one-transaction limit (20,000), so the
	// upload is written in batches, each its own transaction.
	scale := 7000
	if s, err := strconv.Atoi(os.Getenv("HOPCHECK_OUTAGE_SCALE")); err == nil && s > 0 {
		scale = s
	}
	dir := t.TempDir()
	mustHop(t, "gen", "--scale", strconv.Itoa(scale), "--seed", "11", "-o", dir)
	cutLedger(t, filepath.Join(dir, "transactions.csv"), 100)
	csvs, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	sort.Strings(csvs)
	files := multipartFiles{}
	for _, p := range csvs {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = data
	}

	// The reference: a clean import of the same files into the embedded store.
	ref := t.TempDir()
	mustHop(t, append([]string{"import", "--data-dir", ref}, csvs...)...)
	want := stateOf(t, ref)
	t.Logf("clean embedded import done (%s)", time.Since(began).Round(time.Second))
	refStore, err := memstore.Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := comparableFlags(t, refStore)
	refStore.Close()
	rows := storedRows(want.Stats)
	if rows <= 20000 {
		t.Fatalf("%d rows: not more than neo4jstore's default TxRows, so the upload would be one transaction", rows)
	}

	url, stopServer := serving(t, db.hopEnv(), "--store", "neo4j")
	c := client{t, url, ""}
	var job graph.Job
	c.must("POST", "/api/v1/uploads", files, 202, &job)
	t.Logf("uploaded (%s)", time.Since(began).Round(time.Second))
	writing := pollJob(c, job.ID, func(j graph.Job) bool { return j.Progress.Phase == string(importer.Writing) && j.Progress.Done > 0 })
	if writing.State.Final() {
		t.Fatalf("the upload ended %s before Neo4j could be stopped while writing (raise HOPCHECK_OUTAGE_SCALE): %s %s",
			writing.State, writing.Error, writing.Report)
	}
	t.Logf("stopping Neo4j while writing: %d of %d rows written", writing.Progress.Done, writing.Progress.Total)
	db.kill()
	killed := time.Now()

	// Neo4j is down: every store-bound route answers 503 "unavailable" with
	// a message naming it; the process itself is healthy.
	for _, r := range []struct {
		method, path string
		body         any
		message      string
	}{
		{"GET", "/api/v1/stats", nil, "neo4j at " + db.uri},
		{"GET", "/api/v1/flags", nil, "neo4j at " + db.uri},
		{"POST", "/api/v1/screen", map[string]string{"name": "Orbix Optics"}, "neo4j at " + db.uri},
		{"GET", "/api/v1/entities?q=orbix", nil, "neo4j at " + db.uri},
		{"GET", "/api/v1/uploads/" + job.ID, nil, "neo4j at " + db.uri},
		{"GET", "/readyz", nil, "not reachable"},
	} {
		asked := time.Now()
		code, body := c.call(r.method, r.path, r.body)
		t.Logf("%s %s: %d in %s", r.method, r.path, code, time.Since(asked).Round(time.Millisecond))
		var e errorResponse
		json.Unmarshal(body, &e)
		if code != 503 || e.Error.Code != graph.EUNAVAILABLE || !strings.Contains(e.Error.Message, r.message) {
			t.Errorf("%s %s with Neo4j down: %d %s; want 503 %q naming %q", r.method, r.path, code, body, graph.EUNAVAILABLE, r.message)
		}
	}
	t.Logf("routes checked with Neo4j down (%s)", time.Since(began).Round(time.Second))
	if code, body := c.call("GET", "/healthz", nil); code != 200 {
		t.Errorf("healthz with Neo4j down: %d %s", code, body)
	}

	// The interrupted write gives up only once the driver's bounds have
	// passed (the store's 15 s of retries, an attempt's 30 s wait for a
	// connection and its 5 s to connect): Neo4j back before that lets the
	// upload finish after all, and there is nothing to resume.
	if wait := time.Minute - time.Since(killed); wait > 0 {
		t.Logf("Neo4j stays down %s more, until the interrupted write has given up", wait.Round(time.Second))
		time.Sleep(wait)
	}

	// Neo4j is back, on the same port with the same data: the server
	// answers again without a restart.
	db.start()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, _ := c.call("GET", "/readyz", nil)
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz still %d two minutes after Neo4j came back", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("ready again (%s)", time.Since(began).Round(time.Second))
	failed := pollJob(c, job.ID, func(graph.Job) bool { return false })
	t.Logf("the interrupted job: %s: %s", failed.State, failed.Error)
	// Stopped while writing, Neo4j refuses connections (unreachable) or,
	// while it shuts down, answers that the database is unavailable.
	unreachable := strings.HasPrefix(failed.Error, "neo4j at "+db.uri+" is unreachable") ||
		strings.HasPrefix(failed.Error, "neo4j at "+db.uri+": database unavailable")
	if failed.State != graph.JobFailed || !unreachable ||
		!strings.Contains(failed.Error, "upload the same files again") {
		t.Errorf("job after the outage: %s %q; want failed, naming Neo4j at %s and how to resume", failed.State, failed.Error, db.uri)
	}
	if strings.Contains(failed.Error, "Error") || strings.Contains(failed.Error, "\n") || len(failed.Error) > 200 {
		t.Errorf("job error %q: want one clear sentence, not the driver's errors", failed.Error)
	}
	var partial graph.Stats
	c.must("GET", "/api/v1/stats", nil, 200, &partial)
	c.must("GET", "/api/v1/flags", nil, 200, nil)
	written := storedRows(partial)
	t.Logf("written before the outage: %d of %d rows (%+v)", written, rows, partial)
	if written == 0 || written >= rows {
		t.Errorf("%d of %d rows written before the outage: want part of the upload", written, rows)
	}

	// Uploading the same files again completes the upload.
	c.must("POST", "/api/v1/uploads", files, 202, &job)
	done := pollJob(c, job.ID, func(graph.Job) bool { return false })
	if done.State != graph.JobDone {
		t.Fatalf("upload after the outage: %s %s\n%.2000s", done.State, done.Error, done.Report)
	}
	var rep importer.Report
	if err := json.Unmarshal(done.Report, &rep); err != nil || rep.Written == nil {
		t.Fatalf("report of the resumed upload: %v\n%.2000s", err, done.Report)
	}
	t.Logf("resumed (%s): %+v", time.Since(began).Round(time.Second), *rep.Written)
	var unchanged, created int
	w := rep.Written
	for _, c := range []graph.Changes{w.Entities, w.Countries, w.Links, w.Transactions, w.Lists, w.Listings, w.Decisions} {
		unchanged += c.Unchanged
		created += c.Created + c.Updated
	}
	if unchanged != written || created != rows-written {
		t.Errorf("resumed upload: %d rows unchanged, %d created or updated; want the %d written before the outage unchanged and the other %d created",
			unchanged, created, written, rows-written)
	}

	var got graph.Stats
	c.must("GET", "/api/v1/stats", nil, 200, &got)
	if !reflect.DeepEqual(got, want.Stats) {
		t.Errorf("stats after resuming %+v, want those of a clean import %+v", got, want.Stats)
	}
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: db.uri, User: "neo4j", Password: db.password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exported, err := s.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(exported, want.Upload) {
		t.Errorf("after resuming, Neo4j holds %d entities, %d links, %d transactions, and differs from a clean import's %d, %d, %d",
			len(exported.Entities), len(exported.Links), len(exported.Transactions),
			len(want.Upload.Entities), len(want.Upload.Links), len(want.Upload.Transactions))
	}
	if gotFlags := comparableFlags(t, s); !reflect.DeepEqual(gotFlags, wantFlags) {
		t.Errorf("after resuming, %d flags differ from a clean import's %d", len(gotFlags), len(wantFlags))
	}
	if code, logs := stopServer(); code != 0 || strings.Contains(logs, "panic") {
		t.Errorf("serve exited with %d (panic in the log: %v)", code, strings.Contains(logs, "panic"))
	}
	t.Logf("outage test took %s", time.Since(began).Round(time.Second))
}

// storedRows counts the entities, links, countries and transactions stored.
func storedRows(st graph.Stats) int {
	n := st.Countries + st.Transactions
	for _, k := range st.Entities {
		n += k
	}
	for _, k := range st.Links {
		n += k
	}
	return n
}

// errorResponse is the API's error body.
type errorResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}
