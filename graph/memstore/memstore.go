// Package memstore is the embedded store: the whole graph in memory,
// durable in a data directory through a write-ahead log that is replayed on
// open. It needs no other service and is the default store.
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

	"github.com/hopcheck/hopcheck/graph"
)

const logName = "hopcheck.log"

// Store is the embedded store. Reads take a shared lock; a write prepares
// its record and syncs it to disk before taking the exclusive lock only to
// put the values in memory, so readers wait for memory updates, never for
// the disk.
type Store struct {
	dir  string
	lock *os.File // holds an exclusive flock on the data directory

	writeMu sync.Mutex // one writer at a time
	log     *os.File

	mu sync.RWMutex
	g  *state
}

var _ graph.Store = (*Store)(nil)

// Open opens the store in dir, creating it if needed, and replays its log.
// An empty dir gives a store in memory only, for tests.
func Open(dir string) (*Store, error) {
	s := &Store{dir: dir, g: newState()}
	if dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, graph.Errorf(graph.ECONFLICT, "data directory %s is in use by another hopcheck process", dir)
	}
	s.lock = lock
	path := filepath.Join(dir, logName)
	end, err := replay(path, s.g.put)
	if err != nil {
		s.Close()
		return nil, err
	}
	// Decoding the log left garbage the size of the log and more: give it
	// back to the system now, not when the scavenger gets to it.
	debug.FreeOSMemory()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err == nil {
		// Cut a torn last write, so that new records follow whole ones.
		if err = f.Truncate(end); err == nil {
			_, err = f.Seek(end, 0)
		}
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	s.log = f
	return s, nil
}

// Close releases the data directory.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var errs []error
	if s.log != nil {
		errs = append(errs, s.log.Close())
		s.log = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// commit makes rec durable, then visible.
func (s *Store) commit(ctx context.Context, rec *record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.log != nil {
		end, err := s.log.Seek(0, 1)
		if err == nil {
			if err = appendRecord(s.log, rec); err != nil {
				// Cut what was written, so that the next record follows a whole one.
				if s.log.Truncate(end) == nil {
					_, _ = s.log.Seek(end, 0)
				}
			}
		}
		if err != nil {
			return graph.Wrap(graph.EUNAVAILABLE, err, "writing to data directory %s", s.dir)
		}
	}
	s.mu.Lock()
	s.g.put(rec)
	s.mu.Unlock()
	return nil
}
