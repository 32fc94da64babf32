// Package memstore is the embedded store: the whole graph in memory for
// path search, durable in a data directory in a bbolt file (engine.go)
// from which the graph is built on open. It needs no other service and is
// the default store.
package memstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/hopcheck/hopcheck/graph"
)

// logName is a version 1 data directory's log, migrated on first open.
const logName = "hopcheck.log"

// openGCPercent is the garbage collector's GOGC while the open loads.
const openGCPercent = 400

// Store is the embedded store. Reads take a shared lock; a write commits
// its record in one engine transaction before taking the exclusive lock
// only to put the values in memory, so readers wait for memory updates,
// never for the disk.
type Store struct {
	dir  string
	lock *os.File // holds an exclusive flock on the data directory

	writeMu sync.Mutex // one writer at a time
	db      *bolt.DB

	// mu guards the graph in g; auxMu its flags, jobs, audit entries and
	// saved mappings (state.auxOnly). An upload's progress, an audit entry
	// for each screening and the flags of a re-evaluation are written
	// often: under a lock of their own, a write of them never holds the
	// screenings behind a long read of the graph (Go's RWMutex lets no
	// reader in past a waiting writer).
	mu    sync.RWMutex
	auxMu sync.RWMutex
	g     *state

	background sync.WaitGroup // horizons made again after a write (state.rebuild)
}

var _ graph.Store = (*Store)(nil)

// Open opens the store in dir, creating it if needed (and migrating a
// version 1 log once), and builds the graph from its records. A damaged
// store is an error naming the file; nothing is cut or skipped. An empty
// dir gives a store in memory only, for tests.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir, g: newState()}
	if dir == "" {
		return s, nil
	}
	if err := s.lockDir(); err != nil {
		return nil, err
	}
	if err := migrate(dir); err != nil {
		s.Close()
		return nil, err
	}
	path := filepath.Join(dir, dbName)
	db, err := openDB(path, false)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.db = db
	s.g.headsOnly, s.g.db = true, db
	// Decoding makes garbage several times the size of what is kept:
	// collecting it less often during the open spends less CPU on it for
	// a higher peak (measured in docs/BENCHMARKS.md).
	gc := debug.SetGCPercent(openGCPercent)
	populateMapping(db)
	err = load(db, path, s.g)
	debug.SetGCPercent(gc)
	if err != nil {
		s.Close()
		return nil, err
	}
	// Free pages too: a damaged freelist would hand out pages in use to
	// the next write.
	if err := checkPages(db, path); err != nil {
		s.Close()
		return nil, err
	}
	// Decoding left garbage the size of the store: give it back to the
	// system now, not when the scavenger gets to it.
	debug.FreeOSMemory()
	releaseMapping(db)
	return s, nil
}

// lockDir creates dir if needed and takes its flock, so that one process
// at a time owns the data directory.
func (s *Store) lockDir() error {
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return fmt.Errorf("data directory %s: %w", s.dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(s.dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return fmt.Errorf("data directory %s: %w", s.dir, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return graph.Errorf(graph.ECONFLICT, "data directory %s is in use by another hopcheck process", s.dir)
	}
	s.lock = lock
	return nil
}

// Close releases the data directory.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.background.Wait()
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
		s.db = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// write makes rec durable.
func (s *Store) write(rec *record) error {
	if s.db == nil {
		return nil
	}
	enc, err := encodeRecord(rec)
	if err == nil {
		err = s.db.Update(func(tx *bolt.Tx) error { return putRecord(tx, rec, enc) })
	}
	if err != nil {
		code := graph.EUNAVAILABLE
		if errors.Is(err, berrors.ErrKeyRequired) || errors.Is(err, berrors.ErrKeyTooLarge) || errors.Is(err, berrors.ErrValueTooLarge) {
			code = graph.EINVALID // the record, not the disk: nothing was written
		}
		return graph.Wrap(code, err, "writing to data directory %s", s.dir)
	}
	return nil
}

// commit makes rec durable, then visible; mode says whether the state
// may keep rec's slices (ownValues) or must copy them (copyValues).
func (s *Store) commit(ctx context.Context, rec *record, mode putMode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The name keys of the record's entities are made while it is
	// written (the caller holds writeMu: only it changes s.g).
	prepped := make(chan *reindexing, 1)
	go func() { prepped <- s.g.prepare(rec) }()
	err := s.write(rec)
	prep := <-prepped
	if err != nil {
		return err
	}
	if !rec.auxOnly() {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	s.auxMu.Lock()
	defer s.auxMu.Unlock()
	s.g.put(rec, prep, mode)
	if rec.changesGraph() {
		s.g.rebuild(s.read, &s.background)
	}
	return nil
}
