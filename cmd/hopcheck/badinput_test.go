package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/importertest"
)

// hopWithin runs the program like hop, but gives up after timeout.
func hopWithin(t *testing.T, timeout time.Duration, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	home := t.TempDir()
	getenv := func(k string) string {
		if k == "HOME" {
			return home
		}
		return ""
	}
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, getenv, &out, &errOut) }()
	select {
	case code := <-done:
		if ctx.Err() != nil {
			t.Fatalf("hopcheck %s: longer than %s", args[0], timeout)
		}
		return code, out.String(), errOut.String()
	case <-time.After(timeout + 10*time.Second):
		t.Fatalf("hopcheck %s: no exit within %s", args[0], timeout)
	}
	return 0, "", ""
}

func writeFiles(t *testing.T, files []importer.File) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// limitArgs are the import flags that set the limits l; a limit the CLI
// has no flag for fails the test.
func limitArgs(t *testing.T, l importer.Limits) []string {
	t.Helper()
	var args []string
	add := func(flag string, v int64) {
		if v != 0 {
			args = append(args, flag, strconv.FormatInt(v, 10))
		}
	}
	add("--max-file-bytes", l.MaxFileBytes)
	add("--max-unzip-bytes", l.MaxUnzipBytes)
	add("--max-rows", int64(l.MaxRows))
	add("--max-cell-bytes", int64(l.MaxCellBytes))
	l.MaxFileBytes, l.MaxUnzipBytes, l.MaxRows, l.MaxCellBytes = 0, 0, 0, 0
	if l != (importer.Limits{}) {
		t.Fatalf("limits %+v have no flag", l)
	}
	return args
}

// TestImportBadInputs runs the bad-input corpus through "hopcheck import"
// into a store holding the demo: the exit code and the report are as the
// case says, within its time, and a refused upload leaves the store as it was.
func TestImportBadInputs(t *testing.T) {
	base := t.TempDir()
	mustHop(t, "demo", "--data-dir", base)
	for _, c := range importertest.BadInputs() {
		t.Run(c.Name, func(t *testing.T) {
			if testing.Short() && c.Timeout > time.Minute {
				t.Skip("slow case")
			}
			store := copyDir(t, base)
			if c.Seed != nil {
				mustHop(t, append([]string{"import", "--data-dir", store}, writeFiles(t, c.Seed)...)...)
			}
			before := exportWithoutFiles(t, store)
			args := append([]string{"import", "--json", "--data-dir", store}, limitArgs(t, c.Limits)...)
			args = append(args, writeFiles(t, c.Files)...)
			code, out, errOut := hopWithin(t, c.Timeout, args...)
			wantCode := 0
			if c.Outcome == importertest.Rejected || c.Outcome == importertest.Conflict {
				wantCode = 1
			}
			if code != wantCode {
				t.Fatalf("exit %d, want %d\n%.2000s\n%.2000s", code, wantCode, out, errOut)
			}
			if c.Outcome == importertest.Conflict {
				if !strings.Contains(errOut, c.Want) {
					t.Errorf("stderr does not name %s: %s", c.Want, errOut)
				}
			} else {
				var rep importer.Report
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatalf("report: %v\n%.2000s", err, out)
				}
				if err := importertest.CheckReport(c, &rep); err != nil {
					t.Error(err)
				}
			}
			after := exportWithoutFiles(t, store)
			if (c.Outcome == importertest.Rejected || c.Outcome == importertest.Conflict) && !reflect.DeepEqual(before, after) {
				t.Errorf("a refused upload changed the store")
			}
		})
	}
}
