package memstore_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

// everything is all a store holds, flags, jobs and the audit log included.
type everything struct {
	Snapshot graphtest.Snapshot
	Flags    []graph.Flag
	Jobs     []graph.Job
	Audit    []graph.AuditEntry
}

func takeEverything(t *testing.T, s graph.Store) everything {
	t.Helper()
	ctx := context.Background()
	fs, _, err := s.Flags(ctx, graph.FlagFilter{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := s.Jobs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	as, err := s.Audit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	return everything{graphtest.TakeSnapshot(t, s), fs, js, as}
}

// fill writes a store with every kind of record, over several writes and
// across many pages, and closes it.
func fill(t *testing.T, dir string) everything {
	t.Helper()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b := graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).List("l1", "A")
	for i := range 400 {
		id := "org-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + time.Duration(i).String()
		b.Org(id, "XF").Owns("G", id, graphtest.Pct(float64(i%100))).
			Tx(graph.Transaction{ID: "T-" + id, Date: "2024-01-01", Buyer: id})
		if i%50 == 0 {
			b.Listed(id, "l1", "P", "2020", "")
		}
	}
	b.MustApply(t, s)
	graphtest.NewBuilder("u-2").Org("Z", "XF").MustApply(t, s)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if err := s.SaveFlags(ctx, []graph.Flag{{TransactionID: "T-1", Status: graph.Open, EvaluatedAt: at}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveJob(ctx, graph.Job{ID: "j1", State: graph.JobDone, Created: at, Updated: at, Report: json.RawMessage(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, graph.AuditEntry{At: at, By: "k", Action: "upload", Target: "j1"}); err != nil {
		t.Fatal(err)
	}
	return takeEverything(t, s)
}

func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// TestDamageIsRefused flips bytes at the start, in the middle and at the
// end of every file the store writes, and of every page of its data file:
// each open either refuses the store with an error naming the file, or
// (where nothing the store reads was hit: free space, padding) gives
// everything back unchanged and takes a write that survives a reopen.
// Never a store with less in it.
func TestDamageIsRefused(t *testing.T) {
	clean := t.TempDir()
	want := fill(t, clean)
	entries, _ := os.ReadDir(clean)
	refused, same := 0, 0
	for _, e := range entries {
		path := filepath.Join(clean, e.Name())
		data, _ := os.ReadFile(path)
		if len(data) == 0 {
			continue // the LOCK file holds no bytes
		}
		offsets := []int{0, len(data) / 2, len(data) - 1}
		// Within each 4 KiB page: its header, its first element and a
		// byte in its middle.
		for p := 0; p < len(data); p += 4096 {
			offsets = append(offsets, p, p+8, p+16, p+20, p+40, p+2048)
		}
		for _, off := range offsets {
			if off >= len(data) {
				continue
			}
			dir := copyTree(t, clean)
			bad := append([]byte(nil), data...)
			bad[off] ^= 0xa5
			if err := os.WriteFile(filepath.Join(dir, e.Name()), bad, 0o640); err != nil {
				t.Fatal(err)
			}
			s, err := memstore.Open(dir)
			if err != nil {
				if !strings.Contains(err.Error(), filepath.Join(dir, e.Name())) || !strings.Contains(err.Error(), "restore") {
					t.Errorf("%s offset %d: the refusal %q does not name the file and what to do", e.Name(), off, err)
				}
				refused++
				continue
			}
			got := takeEverything(t, s)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s offset %d: the store opened with different contents (%d entities, want %d)",
					e.Name(), off, len(got.Snapshot.Upload.Entities), len(want.Snapshot.Upload.Entities))
			}
			// Damage nothing read must not bite later: a write goes in,
			// and the store reopens with it and everything else.
			graphtest.NewBuilder("u-after").Org("after", "XF").MustApply(t, s)
			s.Close()
			s, err = memstore.Open(dir)
			if err != nil {
				t.Fatalf("%s offset %d: reopen after a write: %v", e.Name(), off, err)
			}
			if _, err := s.Entity(context.Background(), "after"); err != nil {
				t.Errorf("%s offset %d: the write after the open is lost: %v", e.Name(), off, err)
			}
			if n := len(graphtest.TakeSnapshot(t, s).Upload.Entities); n != len(want.Snapshot.Upload.Entities)+1 {
				t.Errorf("%s offset %d: %d entities after a write, want %d", e.Name(), off, n, len(want.Snapshot.Upload.Entities)+1)
			}
			s.Close()
			same++
		}
	}
	t.Logf("%d damaged copies refused, %d opened unchanged", refused, same)
	if refused == 0 {
		t.Error("no damage was refused")
	}
}

// TestMigrateV1 opens a data directory written by the version 1 code
// (testdata/v1.log: two uploads, a flag, a job and three audit entries),
// finds everything in it, leaves the log beside it as a backup, and
// migrates only once.
func TestMigrateV1(t *testing.T) {
	dir := t.TempDir()
	old, err := os.ReadFile("testdata/v1.log")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "hopcheck.log"), old, 0o640)
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got := takeEverything(t, s)
	s.Close()
	u := got.Snapshot.Upload
	if len(u.Entities) != 3 || len(u.Links) != 1 || *u.Links[0].Percent != 60 || len(u.Transactions) != 1 ||
		len(u.Lists) != 1 || len(u.Listings) != 1 || len(u.Countries) != 2 {
		t.Errorf("migrated graph: %+v", u)
	}
	if len(got.Flags) != 1 || got.Flags[0].TransactionID != "T-1" || got.Flags[0].Severity != graph.Critical ||
		!got.Flags[0].EvaluatedAt.Equal(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("migrated flags: %+v", got.Flags)
	}
	if len(got.Jobs) != 1 || string(got.Jobs[0].Report) != `{"rows":3}` {
		t.Errorf("migrated jobs: %+v", got.Jobs)
	}
	if len(got.Audit) != 3 || got.Audit[0].At.Second() != 2 {
		t.Errorf("migrated audit (newest first): %+v", got.Audit)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "hopcheck.log.v1-backup")); err != nil || string(b) != string(old) {
		t.Errorf("the backup of the log: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hopcheck.log")); !os.IsNotExist(err) {
		t.Errorf("the log is still in place after the migration: %v", err)
	}
	// Once: a second open reads the new file, and a write lands there.
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-3").Org("W", "XF").MustApply(t, s)
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Entity(ctx, "W"); err != nil {
		t.Errorf("write after the migration: %v", err)
	}
	if again := takeEverything(t, s); len(again.Snapshot.Upload.Entities) != 4 || !reflect.DeepEqual(again.Flags, got.Flags) {
		t.Errorf("second open: %d entities, flags %+v", len(again.Snapshot.Upload.Entities), again.Flags)
	}
}

// TestMigrateRefusesDamage: a version 1 log damaged in a record's length
// (the data loss of issue 14) or torn at its end is not migrated, and is
// left as it was.
func TestMigrateRefusesDamage(t *testing.T) {
	old, _ := os.ReadFile("testdata/v1.log")
	for name, bad := range map[string][]byte{
		"length of the first record":  func() []byte { b := append([]byte(nil), old...); b[3] = 0xff; return b }(),
		"payload of the first record": func() []byte { b := append([]byte(nil), old...); b[20] ^= 0xff; return b }(),
		"torn tail":                   append(append([]byte(nil), old...), 200, 0, 0, 0, 1, 2, 3, 4, '{'),
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "hopcheck.log")
		os.WriteFile(path, bad, 0o640)
		if s, err := memstore.Open(dir); err == nil {
			s.Close()
			t.Errorf("%s: migrated", name)
		} else if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "offset") {
			t.Errorf("%s: %v, want the log's path and offset", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != string(bad) {
			t.Errorf("%s: the log changed", name)
		}
		if _, err := os.Stat(filepath.Join(dir, "hopcheck.db")); !os.IsNotExist(err) {
			t.Errorf("%s: a data file was left: %v", name, err)
		}
	}
}

// TestFormatVersion: a data file of another format version is refused,
// saying which version it is, and is left as it was.
func TestFormatVersion(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir)
	path := filepath.Join(dir, "hopcheck.db")
	db, err := bolt.Open(path, 0o640, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("meta")).Put([]byte("format"), []byte("3")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	if s, err := memstore.Open(dir); err == nil {
		s.Close()
		t.Fatal("a format 3 file opened")
	} else if !strings.Contains(err.Error(), `format version "3"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("refusal: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the refused file changed")
	}
}

// TestLogBesideAnotherStore: a version 1 log beside a data file that was
// not made from it is refused, not merged or dropped.
func TestLogBesideAnotherStore(t *testing.T) {
	dir := t.TempDir()
	fill(t, dir)
	old, _ := os.ReadFile("testdata/v1.log")
	os.WriteFile(filepath.Join(dir, "hopcheck.log"), old, 0o640)
	if s, err := memstore.Open(dir); err == nil {
		s.Close()
		t.Fatal("opened with a stray log beside the data file")
	} else if !strings.Contains(err.Error(), "move one of them away") {
		t.Errorf("refusal: %v", err)
	}
}

// TestMigrationFinishesAfterACrash: a crash after the new file was in
// place but before the log was moved aside leaves both; the next open
// moves the log aside and migrates nothing twice.
func TestMigrationFinishesAfterACrash(t *testing.T) {
	dir := t.TempDir()
	old, _ := os.ReadFile("testdata/v1.log")
	os.WriteFile(filepath.Join(dir, "hopcheck.log"), old, 0o640)
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := takeEverything(t, s)
	s.Close()
	if err := os.Rename(filepath.Join(dir, "hopcheck.log.v1-backup"), filepath.Join(dir, "hopcheck.log")); err != nil {
		t.Fatal(err)
	}
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := takeEverything(t, s); !reflect.DeepEqual(got, want) {
		t.Error("the store changed when the migration was finished")
	}
	if _, err := os.Stat(filepath.Join(dir, "hopcheck.log.v1-backup")); err != nil {
		t.Errorf("the log was not moved aside: %v", err)
	}
}
