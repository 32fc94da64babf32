package memstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
)

// Check verifies what Open cannot afford to: bbolt's own consistency check
// of the file (every page reachable or free, none twice), and the indexes
// built from the records (every link, listing and transaction names
// stored entities and lists; every name key finds its entity). Open has
// already checked every record's checksum, the order of keys and each
// kind's count. Check returns the problems found, none when the store is
// sound.
func (s *Store) Check() ([]string, error) {
	if s.db == nil {
		return nil, errors.New("a store in memory only has no data file to check")
	}
	var problems []string
	if err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, fmt.Sprintf("%s: %v", s.db.Path(), err))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	s.read(func(g *state) { problems = append(problems, g.checkIndexes()...) })
	return problems, nil
}

func (g *state) checkIndexes() []string {
	var out []string
	add := func(format string, args ...any) {
		if len(out) < 1000 {
			out = append(out, fmt.Sprintf(format, args...))
		}
	}
	g.links.all(func(l *graph.Link) {
		for _, id := range []string{l.From, l.To} {
			if g.entities[id] == nil {
				add("link %s: no entity %q", l.Key(), id)
			}
		}
	})
	adjacent := 0
	for _, nodes := range []map[string]*node{g.entities, g.ends} {
		for _, n := range nodes {
			adjacent += len(n.out)
		}
	}
	if adjacent != g.links.len() {
		add("adjacency lists hold %d links, the store %d", adjacent, g.links.len())
	}
	for k, l := range g.listings {
		if g.entities[l.Entity] == nil {
			add("listing %s: no entity %q", k, l.Entity)
		}
		if g.lists[l.List] == nil {
			add("listing %s: no list %q", k, l.List)
		}
	}
	for id, t := range g.txs {
		for _, p := range parties(*t) {
			if g.entities[p] == nil {
				add("transaction %s: no entity %q", id, p)
			}
		}
	}
	g.nameIndexes()
	for id, n := range g.entities {
		for _, k := range indexOf(&n.Entity).names {
			found := false
			for _, v := range g.names[k] {
				found = found || v == id
			}
			if !found {
				add("entity %s: name key %q not indexed", id, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// DiskStats describes the data file.
type DiskStats struct {
	File          string        `json:"file"`
	FormatVersion int           `json:"format_version"`
	FileBytes     int64         `json:"file_bytes"`
	PageSize      int           `json:"page_size"`
	FreePages     int           `json:"free_pages"`
	Buckets       []BucketStats `json:"buckets"`
	// MigratedFromV1LogBytes is the size of the version 1 log this file
	// was made from (0 when it was not).
	MigratedFromV1LogBytes int64 `json:"migrated_from_v1_log_bytes,omitempty"`
}

// BucketStats is one kind of record on disk.
type BucketStats struct {
	Name       string `json:"name"`
	Records    int    `json:"records"`
	InUseBytes int    `json:"in_use_bytes"` // leaf and branch bytes holding data
	AllocBytes int    `json:"alloc_bytes"`  // bytes of the pages holding them
	Depth      int    `json:"depth"`
}

// DiskStats returns the data file's sizes by kind of record.
func (s *Store) DiskStats() (DiskStats, error) {
	if s.db == nil {
		return DiskStats{}, errors.New("a store in memory only has no data file")
	}
	d := DiskStats{File: s.db.Path(), FormatVersion: formatVersion, PageSize: s.db.Info().PageSize,
		FreePages: s.db.Stats().FreePageN}
	err := s.db.View(func(tx *bolt.Tx) error {
		d.FileBytes = tx.Size()
		if v := tx.Bucket(bMeta).Get(keyMigrated); len(v) == 8 {
			d.MigratedFromV1LogBytes = int64(binary.BigEndian.Uint64(v))
		}
		for _, name := range recordBuckets {
			b := tx.Bucket(name)
			if b == nil {
				continue // an optional bucket not made yet
			}
			st := b.Stats()
			d.Buckets = append(d.Buckets, BucketStats{Name: string(name), Records: st.KeyN,
				InUseBytes: st.LeafInuse + st.BranchInuse, AllocBytes: st.LeafAlloc + st.BranchAlloc, Depth: st.Depth})
		}
		return nil
	})
	return d, err
}

// Backup writes a consistent copy of the store into dir (created if
// needed; it must hold no store yet) as dir/hopcheck.db, while writes go
// on, and checks the copy as Open would. It returns the bytes written.
func (s *Store) Backup(dir string) (int64, error) {
	return WriteBackup(dir, s.Snapshot)
}

// Snapshot writes a consistent copy of the store's data file to w, in a
// read transaction: writers go on meanwhile. It serves online backups
// (the API streams it to `hopcheck backup --server`).
func (s *Store) Snapshot(w io.Writer) (int64, error) {
	if s.db == nil {
		return 0, errors.New("a store in memory only has no data file to back up")
	}
	return writeSnapshot(s.db, w)
}

// WriteBackup makes dir (created if needed; it must hold no store yet) a
// backup: write writes a data file, as Snapshot does, into
// dir/hopcheck.db.partial, which is synced, checked as Open would, and
// only then renamed to dir/hopcheck.db. It returns the bytes written.
func WriteBackup(dir string, write func(io.Writer) (int64, error)) (int64, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, err
	}
	dst := filepath.Join(dir, dbName)
	if _, err := os.Stat(dst); err == nil {
		return 0, graph.Errorf(graph.ECONFLICT, "backup directory %s already holds %s: choose a new directory", dir, dbName)
	}
	tmp := dst + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return 0, err
	}
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = verifyFile(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("backup to %s: %w", dir, err)
	}
	return n, nil
}

// verifyFile reads every record of the data file at path as Open does.
func verifyFile(path string) error {
	db, err := openDB(path, true)
	if err != nil {
		return err
	}
	defer db.Close()
	return load(db, path, newState())
}

// Restore makes the backup in backupDir (made by Backup) the store of
// dataDir. The backup is checked first. A data directory that already
// holds a store is refused unless replace is set; then its data file is
// kept beside as hopcheck.db.before-restore-TIME. The data directory must
// not be in use.
func Restore(dataDir, backupDir string, replace bool) error {
	src := filepath.Join(backupDir, dbName)
	if err := verifyFile(src); err != nil {
		return fmt.Errorf("backup %s: %w", backupDir, err)
	}
	s := &Store{dir: dataDir}
	if err := s.lockDir(); err != nil {
		return err
	}
	defer s.Close()
	dst := filepath.Join(dataDir, dbName)
	for _, name := range []string{dbName, logName} {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err == nil && !replace {
			return graph.Errorf(graph.ECONFLICT, "data directory %s already holds a store (%s): restore into a new directory, or replace it (its file is kept beside)", dataDir, name)
		}
	}
	if _, err := os.Stat(filepath.Join(dataDir, logName)); err == nil {
		return graph.Errorf(graph.ECONFLICT, "data directory %s holds a version 1 log (%s): move it away first", dataDir, logName)
	}
	tmp := dst + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("restore into %s: %w", dataDir, err)
	}
	if _, err := os.Stat(dst); err == nil {
		aside := dst + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(dst, aside); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("restore into %s: %w", dataDir, err)
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("restore into %s: %w", dataDir, err)
	}
	return syncDir(dataDir)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}
