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
)

// TestFlagsCasework reviews, comments on and assigns flags from the
// command line under the API's rules: a named reviewer, a reason, and
// four eyes on a critical flag.
func TestFlagsCasework(t *testing.T) {
	store := t.TempDir()
	mustHop(t, "demo", "--data-dir", store)
	var fs []graph.Flag
	if err := json.Unmarshal([]byte(mustHop(t, "flags", "--data-dir", store, "--severity", "critical", "--json")), &fs); err != nil || len(fs) == 0 {
		t.Fatalf("critical demo flags: %v %d", err, len(fs))
	}
	crit := fs[0].TransactionID

	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"review", crit, "--status", "confirmed", "--note", "x"}, "name the reviewer with --by"},
		{nil, []string{"review", crit, "--status", "confirmed", "--by", "ana"}, "a note is required"},
		{nil, []string{"review", crit, "--status", "done", "--note", "x", "--by", "ana"}, `--status "done"`},
		{nil, []string{"review", "--status", "confirmed", "--note", "x", "--by", "ana"}, "name the transaction id"},
		{nil, []string{"comment", crit, "--by", "ana"}, "a comment needs a note"},
		{nil, []string{"review", "T-NONE", "--status", "confirmed", "--note", "x", "--by", "ana"}, "T-NONE"},
	} {
		code, out, errOut := hopWith(t, tt.env, append(append([]string{"flags"}, tt.args...), "--data-dir", store)...)
		if code == 0 || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("flags %s: exit %d, %q; want an error saying %q", strings.Join(tt.args, " "), code, out+errOut, tt.want)
		}
	}

	// Four eyes: ana's clear is an approval; ana cannot complete it; bob does.
	out := mustHop(t, "flags", "review", crit, "--status", "cleared", "--note", "stake sold in 2023", "--by", "ana", "--data-dir", store)
	if !strings.Contains(out, "approved by ana, awaiting a second reviewer") {
		t.Errorf("first clear: %q", out)
	}
	if code, _, errOut := hop(t, "flags", "review", crit, "--status", "cleared", "--note", "again", "--by", "ana", "--data-dir", store); code == 0 || !strings.Contains(errOut, "second reviewer") {
		t.Errorf("the same reviewer's second clear: exit %d, %q", code, errOut)
	}
	out = mustHopWith(t, map[string]string{"HOPCHECK_USER": "bob"}, "flags", "review", crit, "--status", "cleared", "--note", "sale confirmed in the register", "--data-dir", store)
	if !strings.HasPrefix(out, crit+": cleared") {
		t.Errorf("second clear: %q", out)
	}

	mustHopWith(t, map[string]string{"USER": "carla"}, "flags", "comment", crit, "--note", "filed with the export office", "--data-dir", store)
	mustHop(t, "flags", "assign", crit, "dan", "--by", "carla", "--data-dir", store)
	if err := json.Unmarshal([]byte(mustHop(t, "flags", "--data-dir", store, "--assignee", "dan", "--json")), &fs); err != nil || len(fs) != 1 {
		t.Fatalf("flags assigned to dan: %v %+v", err, fs)
	}
	f := fs[0]
	var got []string
	for _, h := range f.History {
		got = append(got, h.By+" "+h.Action+" "+string(h.Status))
	}
	want := "ana approve open|bob review cleared|carla comment cleared|carla assign cleared"
	if f.Status != graph.Cleared || f.Reviewer != "bob" || strings.Join(got, "|") != want {
		t.Errorf("history of %s: %s (status %s by %s), want %s", crit, strings.Join(got, "|"), f.Status, f.Reviewer, want)
	}
}

func TestFlagsListFilters(t *testing.T) {
	store := t.TempDir()
	mustHop(t, "demo", "--data-dir", store)
	list := func(args ...string) []string {
		t.Helper()
		var fs []graph.Flag
		if err := json.Unmarshal([]byte(mustHop(t, append([]string{"flags", "--data-dir", store, "--json"}, args...)...)), &fs); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.TransactionID)
			if len(args) > 1 && args[0] == "--capability" && !strings.Contains(strings.Join(f.Capabilities, ","), args[1]) {
				t.Errorf("%s has capabilities %q, not %s", f.TransactionID, f.Capabilities, args[1])
			}
		}
		return ids
	}
	all := list()
	analytics := list("--capability", "data analytics")
	if len(analytics) == 0 || len(analytics) >= len(all) {
		t.Errorf("data analytics flags %v of %v", analytics, all)
	}
	var byValue []graph.Flag
	if err := json.Unmarshal([]byte(mustHop(t, "flags", "--data-dir", store, "--json", "--sort", "value", "--desc")), &byValue); err != nil || len(byValue) != len(all) {
		t.Fatalf("sorted by value: %v %d", err, len(byValue))
	}
	for i := 1; i < len(byValue); i++ {
		if *byValue[i].Value > *byValue[i-1].Value {
			t.Errorf("sorted by value, largest first: %s %v after %s %v", byValue[i].TransactionID, *byValue[i].Value, byValue[i-1].TransactionID, *byValue[i-1].Value)
		}
	}
	if got := list("--q", "Luminar"); len(got) != len(all) {
		t.Errorf("every demo sale is by Luminar Vision: %v of %v", got, all)
	}
	for _, bad := range [][]string{{"--sort", "json"}, {"--capability", "lasers"}} {
		if code, _, _ := hop(t, append([]string{"flags", "--data-dir", store}, bad...)...); code == 0 {
			t.Errorf("flags %v: exit 0", bad)
		}
	}
}

// TestImportWithASavedMapping: hopcheck import --mapping-name reads a file
// with a mapping saved in the store (by the web UI, say).
func TestImportWithASavedMapping(t *testing.T) {
	store := t.TempDir()
	s, err := memstore.Open(store)
	if err != nil {
		t.Fatal(err)
	}
	err = s.SaveMapping(context.Background(), graph.SavedMapping{Name: "Partner Zeta", Mapping: []byte(`{"headers":{"Firma":"name","Land":"country"}}`), By: "ana"})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "partner list.csv")
	if err := os.WriteFile(file, []byte("Firma,Land\nZeta Supply GmbH,Germany\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := hop(t, "import", "--data-dir", store, file); code == 0 {
		t.Fatalf("without the mapping the file has no name column, yet it imported:\n%s%s", out, errOut)
	}
	mustHop(t, "import", "--data-dir", store, "--mapping-name", "Partner Zeta", file)
	if code, _, errOut := hop(t, "import", "--data-dir", store, "--mapping-name", "Partner Ypsilon", file); code == 0 || !strings.Contains(errOut, "saved: Partner Zeta") {
		t.Errorf("an unknown saved mapping: exit %d, %q", code, errOut)
	}
	out := mustHop(t, "screen", "--data-dir", store, "--name", "Zeta Supply", "--json")
	if !strings.Contains(out, `"country": "DE"`) {
		t.Errorf("the partner as imported:\n%s", out)
	}
}
