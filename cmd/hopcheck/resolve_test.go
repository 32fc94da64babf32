package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/resolution"
)

// resolveSession runs the resolve commands an investigator runs, on the
// store the args select, and checks what they print and store.
func resolveSession(t *testing.T, env map[string]string, store ...string) {
	hopS := func(args ...string) string {
		t.Helper()
		return mustHopWith(t, env, append(args, store...)...)
	}
	failS := func(code int, args ...string) string {
		t.Helper()
		got, out, errOut := hopWith(t, env, append(args, store...)...)
		if got != code {
			t.Fatalf("hopcheck %s: exit %d, want %d\n%s%s", strings.Join(args, " "), got, code, out, errOut)
		}
		return errOut
	}
	out := hopS("resolve", "same", "ORG-NOR", "ORG-CYP", "--note", "one VAT number", "--by", "alice")
	if !strings.Contains(out, "Recorded: identity decision ORG-CYP = ORG-NOR by alice (note: one VAT number), at 20") ||
		!strings.Contains(out, "Cluster ORG-CYP: ORG-CYP, ORG-NOR.") || !strings.Contains(out, "Flags: 17 transactions evaluated") {
		t.Errorf("resolve same:\n%s", out)
	}
	// Names, as in an upload.
	if out := hopS("resolve", "show", "Nordis Distribution"); !strings.Contains(out, "Cluster ORG-CYP, 2 members:") {
		t.Errorf("resolve show by name:\n%s", out)
	}
	// Flags after the arguments, or between them.
	if out := hopS("resolve", "not-same", "--by", "bob", "ORG-HAN", "ORG-LUM"); !strings.Contains(out, "Recorded: identity decision ORG-HAN ≠ ORG-LUM by bob") {
		t.Errorf("resolve not-same:\n%s", out)
	}
	if out := hopS("resolve", "same", "ORG-NOR", "ORG-CYP", "--note", "one VAT number", "--by", "alice"); !strings.HasPrefix(out, "Already recorded") || strings.Contains(out, "Flags:") {
		t.Errorf("restating:\n%s", out)
	}

	out = hopS("resolve", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "A ") || !strings.HasPrefix(lines[1], "ORG-CYP  ORG-NOR  same      alice") ||
		!strings.Contains(lines[2], "not_same") {
		t.Errorf("resolve list:\n%s", out)
	}
	var ds []graph.Decision
	if err := json.Unmarshal([]byte(hopS("resolve", "list", "--json")), &ds); err != nil || len(ds) != 2 ||
		ds[0].Key() != "ORG-CYP|ORG-NOR" || ds[0].Source.File != "hopcheck resolve same" || ds[1].DecidedBy != "bob" {
		t.Errorf("resolve list --json: %+v %v", ds, err)
	}
	var c resolution.Cluster
	if err := json.Unmarshal([]byte(hopS("resolve", "show", "ORG-NOR", "--json")), &c); err != nil || c.ID != "ORG-CYP" || len(c.Members) != 2 || len(c.Decisions) != 1 {
		t.Errorf("resolve show --json: %+v %v", c, err)
	}
	if out := hopS("resolve", "show", "ORG-NOR"); !strings.Contains(out, "Cluster ORG-CYP, 2 members:") || !strings.Contains(out, "Nordis Distribution B.V.") ||
		!strings.Contains(out, "Decisions:\n  identity decision ORG-CYP = ORG-NOR by alice (note: one VAT number), at ") {
		t.Errorf("resolve show:\n%s", out)
	}
	if out := hopS("resolve", "show", "ORG-HAN"); !strings.Contains(out, "ORG-HAN (Hanseatic Security Systems GmbH) is in no cluster") || !strings.Contains(out, "ORG-HAN ≠ ORG-LUM") {
		t.Errorf("resolve show of an entity in no cluster:\n%s", out)
	}

	// Refused: a contradiction, an unknown entity, a decision not made.
	hopS("resolve", "same", "ORG-HAN", "ORG-NOR")
	if errOut := failS(1, "resolve", "not-same", "ORG-HAN", "ORG-CYP"); !strings.Contains(errOut, "contradict") || !strings.Contains(errOut, "ORG-CYP = ORG-NOR = ORG-HAN") {
		t.Errorf("contradiction:\n%s", errOut)
	}
	if errOut := failS(1, "resolve", "same", "ORG-HAN", "NOPE"); !strings.Contains(errOut, `"NOPE" names no entity`) {
		t.Errorf("unknown entity:\n%s", errOut)
	}
	out = hopS("resolve", "undo", "ORG-NOR", "ORG-HAN", "--by", "carol")
	if !strings.Contains(out, "Removed: identity decision ORG-HAN = ORG-NOR by") || !strings.Contains(out, "Flags: 17 transactions evaluated") {
		t.Errorf("resolve undo:\n%s", out)
	}
	if errOut := failS(1, "resolve", "undo", "ORG-NOR", "ORG-HAN"); !strings.Contains(errOut, "no identity decision on ORG-NOR and ORG-HAN") {
		t.Errorf("undo again:\n%s", errOut)
	}
	failS(2, "resolve", "same", "ORG-NOR")
	failS(2, "resolve", "merge", "ORG-NOR", "ORG-CYP")
	failS(2, "resolve", "list", "--json", "--csv")
	failS(2, "resolve")
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	mustHop(t, "demo", "--data-dir", dir)
	resolveSession(t, nil, "--data-dir", dir)

	// Every decision and removal is in the audit log, with who.
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	es, err := s.Audit(context.Background(), 100)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Action == "upload" {
			continue // the demo's uploads, from the command line
		}
		got = append(got, e.By+" "+e.Action+" "+e.Target)
	}
	want := "carol identity_decision_removed ORG-HAN|ORG-NOR\n" + "cli identity_decision ORG-HAN|ORG-NOR\n" +
		"alice identity_decision ORG-CYP|ORG-NOR\n" + "bob identity_decision ORG-HAN|ORG-LUM\n" + "alice identity_decision ORG-CYP|ORG-NOR"
	if strings.Join(got, "\n") != want {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}

	// The CSV of the decisions imports into another store as they are.
	csvOut := mustHop(t, "resolve", "list", "--csv", "--data-dir", dir)
	files := t.TempDir()
	name := filepath.Join(files, "identity.csv")
	if err := os.WriteFile(name, []byte(csvOut), 0o644); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	mustHop(t, "demo", "--data-dir", other)
	mustHop(t, "import", "--data-dir", other, name)
	if a, b := mustHop(t, "resolve", "list", "--data-dir", dir), mustHop(t, "resolve", "list", "--data-dir", other); a != b {
		t.Errorf("decisions after the round trip:\n%s\nwant:\n%s", b, a)
	}
}

func TestNeo4jResolve(t *testing.T) {
	env := neo4jEnv(t)
	mustHopWith(t, env, "--store", "neo4j", "demo")
	resolveSession(t, env, "--store", "neo4j")
}

// TestImportIdentityNamesTheUploader: identity rows without decided_by
// are the uploader's: --by, else HOPCHECK_USER.
func TestImportIdentityNamesTheUploader(t *testing.T) {
	dir, files := t.TempDir(), t.TempDir()
	mustHop(t, "demo", "--data-dir", dir)
	name := filepath.Join(files, "Identity.csv")
	if err := os.WriteFile(name, []byte("a,b,decision\nORG-NOR,Cypra Trading Ltd,same as\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustHopWith(t, map[string]string{"HOPCHECK_USER": "dana"}, "import", "--data-dir", dir, name)
	if !strings.Contains(out, "written identity decisions: 1 created") {
		t.Errorf("import:\n%s", out)
	}
	var ds []graph.Decision
	if err := json.Unmarshal([]byte(mustHop(t, "resolve", "list", "--json", "--data-dir", dir)), &ds); err != nil || len(ds) != 1 || ds[0].DecidedBy != "dana" {
		t.Errorf("decisions %+v %v", ds, err)
	}
	// Another uploader restating it is a new decider: updated.
	if out := mustHop(t, "import", "--data-dir", dir, "--by", "erin", name); !strings.Contains(out, "written identity decisions: 0 created, 1 updated") {
		t.Errorf("import --by:\n%s", out)
	}
}
