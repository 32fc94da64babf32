package main

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

// neo4jEnv returns the environment that points the program at the test
// Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), after
// emptying its database. Without NEO4J_URI the test is skipped, except in
// CI, which must never skip Neo4j silently. The tests of this package share
// the database, so none of them runs in parallel.
func neo4jEnv(t *testing.T) map[string]string {
	t.Helper()
	requireNeo4j(t)
	env := map[string]string{}
	for _, k := range []string{"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"} {
		env[k] = os.Getenv(k)
	}
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: env["NEO4J_URI"], User: or(env["NEO4J_USER"], "neo4j"),
		Password: env["NEO4J_PASSWORD"], Database: env["NEO4J_DATABASE"]})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatalf("emptying the test database: %v", err)
	}
	return env
}

func TestNeo4jDemoFlags(t *testing.T) {
	env := neo4jEnv(t)
	out := mustHopWith(t, env, "--store", "neo4j", "demo", "--json")
	golden(t, "demo_flags.golden", describeFlags(t, out))
}

func TestNeo4jImportTwiceChangesNothing(t *testing.T) {
	env := neo4jEnv(t)
	files := t.TempDir()
	mustHop(t, "demo", "-o", files)
	xlsx := filepath.Join(files, "demo.xlsx")
	written := func(out string) graph.WriteResult {
		t.Helper()
		var rep struct {
			Written graph.WriteResult `json:"written"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("import report: %v\n%s", err, out)
		}
		return rep.Written
	}
	if first := written(mustHopWith(t, env, "--store", "neo4j", "import", "--json", xlsx)); first.Entities.Created != 29 {
		t.Errorf("first import wrote %+v, want 29 entities created", first)
	}
	second := written(mustHopWith(t, env, "--store", "neo4j", "import", "--json", xlsx))
	if second.Any() || second.Entities.Unchanged != 29 || second.Links.Unchanged != 24 || second.Transactions.Unchanged != 17 {
		t.Errorf("second import wrote %+v, want everything unchanged", second)
	}
}

func TestNeo4jScreen(t *testing.T) {
	env := neo4jEnv(t)
	mustHopWith(t, env, "--store", "neo4j", "demo")
	out := mustHopWith(t, env, "--store", "neo4j", "screen", "--name", "Emerald Gulf Technologies", "--date", "2024-06-01", "--json")
	var res struct {
		Severity graph.Severity `json:"severity"`
		Verdict  graph.Verdict  `json:"verdict"`
		Matches  []struct {
			ID string `json:"id"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Severity != graph.High || res.Verdict != graph.Review || len(res.Matches) == 0 || res.Matches[0].ID != "ORG-EMG" {
		t.Errorf("screen: %s", out)
	}
}

// TestNeo4jServe is TestServeEveryRouteAndRole on Neo4j: every route as
// every role, uploads rejected and done, batch screening both ways, a
// review reopened by a later upload; upload jobs are kept in Neo4j.
func TestNeo4jServe(t *testing.T) {
	env := neo4jEnv(t)
	keys, keyEnv := e2eKeys()
	env["HOPCHECK_API_KEYS"] = keyEnv
	// Every route is called without a key: more failures than the default allows.
	url, stop := serving(t, env, "--store", "neo4j", "--rate-auth-failures", "6000")
	exerciseAPI(t, url, keys, false)
	if code, logs := stop(); code != 0 || strings.Contains(logs, keys[api.Admin]) {
		t.Errorf("serve exit %d; a key in the logs: %v\n%s", code, strings.Contains(logs, keys[api.Admin]), logs)
	}
}

// TestNeo4jUnreachable needs no Neo4j: nothing listens on the port.
func TestNeo4jUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	uri := "bolt://" + l.Addr().String()
	l.Close()
	code, out, errOut := hopWith(t, map[string]string{"NEO4J_URI": uri, "NEO4J_PASSWORD": "secret-password"},
		"--store", "neo4j", "flags")
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, uri) || !strings.Contains(errOut, "unreachable") {
		t.Errorf("stdout %q, stderr %q: want one line naming %s as unreachable", out, errOut, uri)
	}
	if strings.Contains(errOut, "secret-password") {
		t.Errorf("stderr %q shows the password", errOut)
	}
}
