package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

// buildHopcheck builds the real binary for tests that must kill it.
func buildHopcheck(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hopcheck")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runBin runs the binary to completion and fails on a non-zero exit.
func runBin(t *testing.T, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hopcheck %v: %v\n%.3000s", args, err, out)
	}
}

// stateOf is what a data directory holds, read with the store closed
// again afterwards.
func stateOf(t *testing.T, dir string) graphtest.Snapshot {
	t.Helper()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatalf("reopening %s: %v", dir, err)
	}
	defer s.Close()
	return graphtest.TakeSnapshot(t, s)
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

// TestCrashDuringWrite kills "hopcheck import" with SIGKILL while the
// embedded store writes a large upload (one bbolt transaction), reopens
// the data directory and finds it as it was before the upload (or, if the
// transaction had committed, with all of it), never half; importing again
// then gives the same store as a clean import.
func TestCrashDuringWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a large upload")
	}
	bin := buildHopcheck(t)
	files := t.TempDir()
	scale := 20000
	if s, err := strconv.Atoi(os.Getenv("HOPCHECK_CRASH_SCALE")); err == nil && s > 0 {
		scale = s
	}
	runBin(t, bin, "gen", "--scale", strconv.Itoa(scale), "--seed", "7", "-o", files)
	csvs, _ := filepath.Glob(filepath.Join(files, "*.csv"))
	sort.Strings(csvs)
	if len(csvs) == 0 {
		t.Fatal("gen wrote no CSV files")
	}

	// The store before the upload holds the demo, so that "as before" is
	// not just "empty".
	seed := t.TempDir()
	runBin(t, bin, "demo", "--data-dir", seed)
	clean := copyDir(t, seed)
	start := time.Now()
	runBin(t, bin, append([]string{"import", "--data-dir", clean}, csvs...)...)
	t.Logf("clean import of %d CSV files (scale %d): %s", len(csvs), scale, time.Since(start).Round(time.Millisecond))
	want := stateOf(t, clean)
	before := stateOf(t, seed)

	torn := false
	for attempt := 1; attempt <= 3 && !torn; attempt++ {
		dir := copyDir(t, seed)
		dbPath := filepath.Join(dir, "hopcheck.db")
		base := fileSize(dbPath)
		cmd := exec.Command(bin, append([]string{"import", "--data-dir", dir}, csvs...)...)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		deadline := time.Now().Add(3 * time.Minute)
		var atKill int64
	poll:
		for {
			select {
			case err := <-exited:
				t.Fatalf("import ended (%v) before its write was seen", err)
			default:
			}
			// The file grows while the transaction writes its pages,
			// before the meta page that commits it.
			if n := fileSize(dbPath); n > base {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				atKill = n
				break poll
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatal("the import did not start writing within 3 minutes")
			}
		}
		<-exited
		sizeAfterKill := fileSize(dbPath)
		got := stateOf(t, dir)
		t.Logf("attempt %d: killed with the data file at %d bytes (%d before the upload, %d when the process was gone)",
			attempt, atKill, base, sizeAfterKill)
		switch {
		case reflect.DeepEqual(got, before):
			// Pages were written but the transaction never committed.
			torn = true
			t.Logf("attempt %d: the kill came mid-transaction: the store is as before the upload", attempt)
		case reflect.DeepEqual(got, want):
			t.Logf("attempt %d: the record was whole before the kill: the upload is there in full", attempt)
		case reflect.DeepEqual(got.Upload, want.Upload) && reflect.DeepEqual(got.Stats.Flags, before.Stats.Flags):
			// The upload and its re-evaluation are two records: the kill
			// came between them. The data is whole; the next import (or
			// `hopcheck flags`, or serve) re-evaluates.
			t.Logf("attempt %d: the upload was whole, its re-evaluation not yet written", attempt)
		default:
			t.Fatalf("attempt %d: after the crash the store is neither as before (%+v) nor complete (%+v): %+v", attempt, before.Stats, want.Stats, got.Stats)
		}

		// Importing again completes the upload, exactly as a clean import does.
		runBin(t, bin, append([]string{"import", "--data-dir", dir}, csvs...)...)
		if again := stateOf(t, dir); !reflect.DeepEqual(again, want) {
			t.Fatalf("attempt %d: re-import after the crash gives %+v, a clean import %+v", attempt, again.Stats, want.Stats)
		}
	}
	if !torn {
		t.Log("no attempt caught the write half-way: the whole-or-nothing check ran on committed transactions only")
	}
}
