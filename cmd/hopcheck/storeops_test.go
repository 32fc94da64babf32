package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestBackupRestoreCheckStats runs the store's operations end to end: a
// backup restored into a new directory exports the same as the original,
// both check sound, stats counts the records, and a damaged data file
// makes check fail, naming the file.
func TestBackupRestoreCheckStats(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustHop(t, "demo", "--data-dir", dir)
	backup := filepath.Join(t.TempDir(), "backup")
	if out := mustHop(t, "backup", "--data-dir", dir, backup); !strings.Contains(out, "backed up") {
		t.Errorf("backup said %q", out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	mustHop(t, "restore", "--data-dir", restored, backup)
	if code, _, errOut := hop(t, "restore", "--data-dir", restored, backup); code == 0 || !strings.Contains(errOut, "already holds a store") {
		t.Errorf("restore over a store: exit %d, %s", code, errOut)
	}
	if a, b := exportWithoutFiles(t, dir), exportWithoutFiles(t, restored); !reflect.DeepEqual(a, b) {
		t.Error("the restored store exports differently from the original")
	}
	for _, d := range []string{dir, restored} {
		if out := mustHop(t, "check", "--data-dir", d); !strings.Contains(out, "sound") {
			t.Errorf("check %s: %q", d, out)
		}
	}
	// The demo's spreadsheets hold 29 entities and 24 links, its
	// FollowTheMoney file 3 and 2.
	if out := mustHop(t, "stats", "--data-dir", dir); !statsLine(out, "32", "entities") || !statsLine(out, "26", "links") {
		t.Errorf("stats:\n%s", out)
	}

	path := filepath.Join(restored, "hopcheck.db")
	data, _ := os.ReadFile(path)
	data[20] ^= 0xff // meta page 0
	os.WriteFile(path, data, 0o640)
	if code, _, errOut := hop(t, "check", "--data-dir", restored); code != 1 || !strings.Contains(errOut, path) || !strings.Contains(errOut, "restore") {
		t.Errorf("check of a damaged file: exit %d, %s", code, errOut)
	}
}

// statsLine tells whether a line of out starts with the count and the kind.
func statsLine(out, count, kind string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == count && f[1] == kind {
			return true
		}
	}
	return false
}

// TestOnlineBackup backs up the store of a running server through its
// API: the directory stays locked by serve, the backup restores to the
// same export, and a plain backup of the locked directory says to use
// --server.
func TestOnlineBackup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	mustHop(t, "demo", "--data-dir", dir)
	url, stop := serving(t, nil, "--data-dir", dir)
	backup := filepath.Join(t.TempDir(), "backup")
	if code, _, errOut := hop(t, "backup", "--data-dir", dir, backup); code == 0 || !strings.Contains(errOut, "--server URL") {
		t.Errorf("backup of a served directory: exit %d, %s; want a hint to use --server", code, errOut)
	}
	if out := mustHop(t, "backup", "--server", url, backup); !strings.Contains(out, "backed up the store of "+url) {
		t.Errorf("online backup said %q", out)
	}
	stop()
	restored := filepath.Join(t.TempDir(), "restored")
	mustHop(t, "restore", "--data-dir", restored, backup)
	if a, b := exportWithoutFiles(t, dir), exportWithoutFiles(t, restored); !reflect.DeepEqual(a, b) {
		t.Error("the online backup exports differently from the served store")
	}
}
