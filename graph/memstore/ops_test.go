package memstore_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	want := fill(t, dir)
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := s.Check(); err != nil || len(problems) > 0 {
		t.Errorf("check of a sound store: %v %v", problems, err)
	}
	st, err := s.DiskStats()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, b := range st.Buckets {
		counts[b.Name] = b.Records
	}
	if counts["entities"] != len(want.Snapshot.Upload.Entities) || counts["links"] != len(want.Snapshot.Upload.Links) ||
		counts["flags"] != 1 || counts["audit"] != 1 || st.FormatVersion != 2 || st.FileBytes == 0 {
		t.Errorf("disk stats %+v", st)
	}

	backup := filepath.Join(t.TempDir(), "b")
	if n, err := s.Backup(backup); err != nil || n == 0 {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	if _, err := s.Backup(backup); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("a second backup into the same directory: %v, want a conflict", err)
	}
	if err := memstore.Restore(dir, backup, false); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("restore into a directory in use: %v, want a conflict", err)
	}
	s.Close()

	target := t.TempDir()
	if err := memstore.Restore(target, backup, false); err != nil {
		t.Fatal(err)
	}
	if err := memstore.Restore(target, backup, false); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("restore over a store without replace: %v, want a conflict", err)
	}
	r, err := memstore.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	if got := takeEverything(t, r); !reflect.DeepEqual(got, want) {
		t.Errorf("restored store differs: %d entities, want %d", len(got.Snapshot.Upload.Entities), len(want.Snapshot.Upload.Entities))
	}
	graphtest.NewBuilder("u-after").Org("after", "XF").MustApply(t, r)
	r.Close()

	// Replace keeps the replaced file beside and brings the backup back.
	if err := memstore.Restore(target, backup, true); err != nil {
		t.Fatal(err)
	}
	aside, _ := filepath.Glob(filepath.Join(target, "hopcheck.db.before-restore-*"))
	if len(aside) != 1 {
		t.Errorf("replaced file kept beside: %v", aside)
	}
	r, err = memstore.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := takeEverything(t, r); !reflect.DeepEqual(got, want) {
		t.Error("store after a replacing restore differs from the backup")
	}

	// A damaged backup is refused before anything changes.
	bad := filepath.Join(t.TempDir(), "bad")
	os.MkdirAll(bad, 0o750)
	data, _ := os.ReadFile(filepath.Join(backup, "hopcheck.db"))
	data[16] ^= 0xff
	os.WriteFile(filepath.Join(bad, "hopcheck.db"), data, 0o640)
	if err := memstore.Restore(t.TempDir(), bad, false); err == nil {
		t.Error("restore of a damaged backup succeeded")
	}
}

// TestBackupOnline takes a backup while uploads go on: the copy holds the
// first k uploads for some k, whole, never a gap.
func TestBackupOnline(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 200
	var wg sync.WaitGroup
	started := make(chan struct{})
	wg.Go(func() {
		for i := range n {
			b := graphtest.NewBuilder(fmt.Sprintf("u-%d", i))
			for j := range 20 {
				b.Org(fmt.Sprintf("o-%03d-%02d", i, j), "XF")
			}
			b.MustApply(t, s)
			if i == 5 {
				close(started)
			}
		}
	})
	<-started
	backup := filepath.Join(t.TempDir(), "b")
	if _, err := s.Backup(backup); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	target := t.TempDir()
	if err := memstore.Restore(target, backup, false); err != nil {
		t.Fatal(err)
	}
	r, err := memstore.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	u := graphtest.TakeSnapshot(t, r).Upload
	if len(u.Entities)%20 != 0 || len(u.Entities) < 6*20 {
		t.Fatalf("backup holds %d entities: not whole uploads", len(u.Entities))
	}
	k := len(u.Entities) / 20
	for i := range k {
		for j := range 20 {
			if id := fmt.Sprintf("o-%03d-%02d", i, j); u.Entities[i*20+j].ID != id {
				t.Fatalf("backup of %d uploads: entity %d is %s, want %s", k, i*20+j, u.Entities[i*20+j].ID, id)
			}
		}
	}
	t.Logf("the backup holds the first %d of %d uploads", k, n)
}
