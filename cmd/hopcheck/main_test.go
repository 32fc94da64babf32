package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

var update = flag.Bool("update", false, "rewrite golden files")

// hop runs the real program with a test environment and returns its exit
// code, stdout and stderr.
func hop(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return hopWith(t, nil, args...)
}

// hopWith is hop with the environment variables in env; HOME is a fresh
// directory and every other variable is empty.
func hopWith(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return env[k]
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustHop(t *testing.T, args ...string) string {
	t.Helper()
	return mustHopWith(t, nil, args...)
}

func mustHopWith(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, errOut := hopWith(t, env, args...)
	if code != 0 {
		t.Fatalf("hopcheck %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// describeFlags is a flag list in the words an investigator checks:
// transaction, severity, each end-user with hops and path, ownership.
func describeFlags(t *testing.T, jsonFlags string) string {
	t.Helper()
	var fl []graph.Flag
	if err := json.Unmarshal([]byte(jsonFlags), &fl); err != nil {
		t.Fatalf("flags JSON: %v\n%s", err, jsonFlags)
	}
	var b strings.Builder
	for _, f := range fl {
		fmt.Fprintf(&b, "%s %s %s", f.TransactionID, f.Severity, f.Verdict)
		if f.EffectiveOwnership != nil {
			fmt.Fprintf(&b, " owned=%g%%", *f.EffectiveOwnership)
		}
		b.WriteString("\n")
		for _, x := range f.Exposures {
			ids := make([]string, len(x.Path))
			for i, r := range x.Path {
				ids[i] = r.ID
			}
			fmt.Fprintf(&b, "  %s hops=%d %s\n", x.EndUser.ID, x.Hops, strings.Join(ids, " > "))
		}
		for _, r := range f.Reasons {
			fmt.Fprintf(&b, "  - %s\n", r)
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update to rewrite after checking):\n%s", name, got)
	}
}

// TestDemoFlags checks the demo's flags, every end-user and path, against
// a golden file reviewed by hand against SPEC §3.
func TestDemoFlags(t *testing.T) {
	dir := t.TempDir()
	out := mustHop(t, "demo", "--data-dir", dir, "--json")
	golden(t, "demo_flags.golden", describeFlags(t, out))
}

// The demo loads a public format too: FollowTheMoney lines of a fictional
// firm on a fictional list, whose listing screening names; demo -o writes
// the file, which imports on its own.
func TestDemoLoadsAPublicFormat(t *testing.T) {
	store := t.TempDir()
	mustHop(t, "demo", "--data-dir", store)
	out := mustHop(t, "screen", "--data-dir", store, "--name", "Karsk Optical Holdings", "--json")
	var res struct {
		Matches []struct {
			ID         string `json:"id"`
			Assessment struct {
				Verdict graph.Verdict `json:"verdict"`
				Reasons []string      `json:"reasons"`
			} `json:"assessment"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Matches) == 0 || res.Matches[0].ID != "demo-ftm-karsk" || res.Matches[0].Assessment.Verdict != graph.Block ||
		len(res.Matches[0].Assessment.Reasons) == 0 || !strings.Contains(res.Matches[0].Assessment.Reasons[0], "listed on list demo_sanctions, program DEMO-BY") {
		t.Errorf("screening the demo's listed firm: %s", out)
	}
	files, alone := t.TempDir(), t.TempDir()
	mustHop(t, "demo", "-o", files)
	rep := mustHop(t, "import", "--data-dir", alone, filepath.Join(files, "sanctions.ftm.json"))
	if !strings.Contains(rep, "FollowTheMoney") || !strings.Contains(rep, "2 listings on 1 lists") {
		t.Errorf("importing the demo's public-format file:\n%s", rep)
	}
}

// exportWithoutFiles is a store's contents with the file and sheet names
// and upload ids left out, which differ between a workbook and CSV files.
func exportWithoutFiles(t *testing.T, dir string) graph.Upload {
	t.Helper()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	strip := func(src *graph.Source) { src.Upload, src.File, src.Sheet = "", "", "" }
	for i := range u.Entities {
		strip(&u.Entities[i].Source)
	}
	for i := range u.Countries {
		strip(&u.Countries[i].Source)
		for j := range u.Countries[i].Assessments {
			strip(&u.Countries[i].Assessments[j].Source)
		}
	}
	for i := range u.Links {
		strip(&u.Links[i].Source)
	}
	for i := range u.Transactions {
		strip(&u.Transactions[i].Source)
	}
	return u
}

func TestImportWorkbookAndCSVGiveTheSameStore(t *testing.T) {
	files := t.TempDir()
	mustHop(t, "demo", "-o", files)
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	if len(csvs) != 6 {
		t.Fatalf("demo -o wrote %d CSV files", len(csvs))
	}
	fromXLSX, fromCSV := t.TempDir(), t.TempDir()
	mustHop(t, "import", "--data-dir", fromXLSX, filepath.Join(files, "demo.xlsx"))
	mustHop(t, append([]string{"import", "--data-dir", fromCSV}, csvs...)...)
	a, b := exportWithoutFiles(t, fromXLSX), exportWithoutFiles(t, fromCSV)
	if len(a.Entities) != 29 || len(a.Links) != 24 || len(a.Transactions) != 17 {
		t.Fatalf("workbook import holds %d entities, %d links, %d transactions", len(a.Entities), len(a.Links), len(a.Transactions))
	}
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.MarshalIndent(a, "", " ")
		jb, _ := json.MarshalIndent(b, "", " ")
		t.Errorf("workbook and CSV imports differ:\n%s\n----\n%s", ja, jb)
	}
	flagsA := mustHop(t, "flags", "--json", "--data-dir", fromXLSX)
	flagsB := mustHop(t, "flags", "--json", "--data-dir", fromCSV)
	if describeFlags(t, flagsA) != describeFlags(t, flagsB) {
		t.Errorf("flags differ between workbook and CSV imports")
	}
	golden(t, "demo_flags.golden", describeFlags(t, flagsA))
}

func TestImportTwiceChangesNothing(t *testing.T) {
	files, store := t.TempDir(), t.TempDir()
	mustHop(t, "demo", "-o", files)
	xlsx := filepath.Join(files, "demo.xlsx")
	mustHop(t, "import", "--data-dir", store, xlsx)
	before := exportWithoutFiles(t, store)
	out := mustHop(t, "import", "--json", "--data-dir", store, xlsx)
	var rep struct {
		Written graph.WriteResult `json:"written"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Written.Any() || rep.Written.Entities.Unchanged == 0 {
		t.Errorf("second import wrote %+v, want everything unchanged", rep.Written)
	}
	if after := exportWithoutFiles(t, store); !reflect.DeepEqual(before, after) {
		t.Error("second import changed the store")
	}
}

func TestBadRowWritesNothing(t *testing.T) {
	files, store := t.TempDir(), t.TempDir()
	mustHop(t, "demo", "-o", files)
	links := filepath.Join(files, "links.csv")
	data, _ := os.ReadFile(links)
	// Row 5 of links.csv gets an unknown link type.
	lines := strings.Split(string(data), "\n")
	lines[4] = strings.Replace(lines[4], ",owns,", ",own,", 1)
	os.WriteFile(links, []byte(strings.Join(lines, "\n")), 0o644)
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	code, out, _ := hop(t, append([]string{"import", "--data-dir", store}, csvs...)...)
	if code != 1 {
		t.Errorf("exit code %d, want 1 for a rejected upload", code)
	}
	if !strings.Contains(out, "links.csv") || !strings.Contains(out, "row 5") || !strings.Contains(out, `"own"`) {
		t.Errorf("report does not locate the bad row:\n%s", out)
	}
	if u := exportWithoutFiles(t, store); len(u.Entities)+len(u.Links)+len(u.Countries)+len(u.Transactions) != 0 {
		t.Errorf("a rejected upload wrote %d entities, %d links", len(u.Entities), len(u.Links))
	}
}

func TestScreenAndFilters(t *testing.T) {
	store := t.TempDir()
	mustHop(t, "demo", "--data-dir", store)
	out := mustHop(t, "screen", "--data-dir", store, "--name", "Emerald Gulf Technologies", "--date", "2024-06-01", "--json")
	var res struct {
		Known    bool           `json:"known"`
		Severity graph.Severity `json:"severity"`
		Verdict  graph.Verdict  `json:"verdict"`
		Matches  []struct {
			ID    string  `json:"id"`
			Score float64 `json:"score"`
		} `json:"matches"`
		Exposures []graph.Exposure `json:"exposures"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Known || res.Severity != graph.High || res.Verdict != graph.Review || res.Matches[0].ID != "ORG-EMG" || len(res.Exposures) != 2 {
		t.Errorf("screen: %s", out)
	}
	out = mustHop(t, "screen", "--data-dir", store, "--name", "Nobody Known At All")
	if !strings.HasPrefix(out, "UNKNOWN: no entity matches") {
		t.Errorf("unknown counterparty: %s", out)
	}
	// --fail-on: exit codes block 3, review 4, unknown 5; clear is 0.
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"--name", "Nobody Known At All", "--fail-on", "unknown"}, 5},
		{[]string{"--name", "Nobody Known At All", "--fail-on", "block,review"}, 0},
		{[]string{"--name", "Emerald Gulf Technologies", "--date", "2024-06-01", "--fail-on", "any"}, 4},
		{[]string{"--id", "ORG-BSI", "--fail-on", "block"}, 3},
		{[]string{"--name", "X", "--fail-on", "maybe"}, 2},
		{[]string{"--name", "Emerald Gulf Technologies", "--date", "03/04/2024"}, 2},
		{[]string{"--name", "Emerald Gulf Technologies", "--kind", "company"}, 2},
	} {
		if code, stdout, stderr := hop(t, append([]string{"screen", "--data-dir", store}, tt.args...)...); code != tt.code {
			t.Errorf("screen %v: exit %d, want %d\n%s%s", tt.args, code, tt.code, stdout, stderr)
		}
	}
	crit := describeFlags(t, mustHop(t, "flags", "--data-dir", store, "--json", "--severity", "critical"))
	if strings.Count(crit, " critical block") != 6 || strings.Contains(crit, " high ") {
		t.Errorf("critical flags:\n%s", crit)
	}
	if code, _, _ := hop(t, "flags", "--data-dir", store, "--severity", "severe"); code != 2 {
		t.Errorf("bad --severity: exit %d, want 2", code)
	}
	// Flags given to a reviewer, listed by --assignee.
	ms, err := memstore.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exposure.NewEvaluator(ms, graph.DefaultPolicy(), time.Now).Assign(context.Background(), "T-1002", "ana", "carla", ""); err != nil {
		t.Fatal(err)
	}
	ms.Close()
	if got := describeFlags(t, mustHop(t, "flags", "--data-dir", store, "--json", "--assignee", "carla")); !strings.HasPrefix(got, "T-1002 ") || strings.Count(got, "\nT-") != 0 {
		t.Errorf("flags assigned to carla:\n%s", got)
	}
	if code, _, _ := hop(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	for _, tt := range []struct{ cmd, want string }{{"sreen", "did you mean screen?"}, {"flag", "did you mean flags?"}, {"improt", "did you mean import?"}} {
		if code, _, stderr := hop(t, tt.cmd); code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tt.cmd, code, stderr, tt.want)
		}
	}
	if _, _, stderr := hop(t, "frobnicate"); strings.Contains(stderr, "did you mean") {
		t.Errorf("frobnicate: a suggestion far off: %s", stderr)
	}
	code, _, stderr := hop(t, "screen", "--data-dir", store)
	if code != 2 || !strings.Contains(stderr, "the counterparty is missing: give --name NAME") {
		t.Errorf("screen without arguments: exit %d, %s", code, stderr)
	}
	if code, _, stderr := hop(t, "screen", "--data-dir", store, "Orion Tech"); code != 2 || !strings.Contains(stderr, `--name "Orion Tech"`) {
		t.Errorf("screen with a bare name: exit %d, %s", code, stderr)
	}
	pol := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(pol, []byte("max_hops: five\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := hop(t, "--policy", pol, "flags", "--data-dir", store); code == 0 || !strings.Contains(stderr, "max_hops (line 1): expected a whole number") || strings.Contains(stderr, "int") {
		t.Errorf("a policy error: exit %d, %s", code, stderr)
	}
}

func TestTemplateImportsBack(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "template.xlsx")
	mustHop(t, "template", "-o", tmpl)
	code, out, errOut := hop(t, "import", "--data-dir", filepath.Join(dir, "store"), tmpl)
	if code != 0 {
		t.Errorf("importing the empty template: exit %d\n%s%s", code, out, errOut)
	}
}

// TestUsageErrorsSayWhy: a mistake in the command line exits 2 and says
// what was wrong, once.
func TestUsageErrorsSayWhy(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--date-format", "XX", "x.csv"}, `date format "XX" not understood`},
		{[]string{"--store", "neo4j", "flags"}, "needs NEO4J_URI"},
		{[]string{"flags", "--severity", "bad"}, `--severity "bad"`},
		{[]string{"import", "--bogus", "x.csv"}, "flag provided but not defined: -bogus"},
	} {
		code, _, stderr := hop(t, c.args...)
		if code != 2 || strings.Count(stderr, c.want) != 1 {
			t.Errorf("hopcheck %s: exit %d, want 2 and %q once in:\n%s", strings.Join(c.args, " "), code, c.want, stderr)
		}
	}
}
