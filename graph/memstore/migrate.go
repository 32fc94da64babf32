package memstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// backupLogName is where a migrated version 1 log is left.
const backupLogName = "hopcheck.log.v1-backup"

var keyMigrated = []byte("migrated_from_v1_log_bytes")

// migrate turns a version 1 data directory (hopcheck.log) into a version
// 2 one, once: the log is read whole (any damage, or a torn tail, is an
// error and nothing is written), its records go into a new file in one
// transaction, that file is renamed into place, and only then is the log
// renamed to hopcheck.log.v1-backup beside it. A crash at any point
// leaves either the log alone (the migration runs again) or the new file
// with the log still there, which the next open recognises by the log's
// size recorded in the file and finishes.
func migrate(dir string) error {
	logPath := filepath.Join(dir, logName)
	info, err := os.Stat(logPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	dbPath := filepath.Join(dir, dbName)
	if _, err := os.Stat(dbPath); err == nil {
		return finishMigration(dir, dbPath, logPath, info.Size())
	}
	g := newState()
	if err := replay(logPath, func(r *record) { g.put(r, nil, ownValues) }); err != nil {
		return fmt.Errorf("migrating data directory %s to format %d: %w", dir, formatVersion, err)
	}
	tmp := dbPath + ".migrating"
	_ = os.Remove(tmp) // a crash in an earlier attempt
	db, err := openDB(tmp, false)
	if err != nil {
		return fmt.Errorf("migrating data directory %s: %w", dir, err)
	}
	rec := g.record()
	enc, err := encodeRecord(rec)
	if err == nil {
		err = db.Update(func(tx *bolt.Tx) error {
			if err := putRecord(tx, rec, enc); err != nil {
				return err
			}
			var v [8]byte
			binary.BigEndian.PutUint64(v[:], uint64(info.Size()))
			return tx.Bucket(bMeta).Put(keyMigrated, v[:])
		})
	}
	err = errors.Join(err, db.Close())
	if err == nil {
		err = os.Rename(tmp, dbPath)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("migrating data directory %s: %w", dir, err)
	}
	return finishMigration(dir, dbPath, logPath, info.Size())
}

// finishMigration moves the version 1 log aside once the file made from
// it is in place, and refuses a directory holding both a log and a file
// that was not made from it.
func finishMigration(dir, dbPath, logPath string, logSize int64) error {
	db, err := openDB(dbPath, true)
	if err != nil {
		return err
	}
	var from []byte
	_ = db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bMeta); m != nil {
			from = append(from, m.Get(keyMigrated)...)
		}
		return nil
	})
	db.Close()
	if len(from) != 8 || int64(binary.BigEndian.Uint64(from)) != logSize {
		return fmt.Errorf("data directory %s holds both %s (format 1) and %s (format %d), which was not migrated from it: "+
			"move one of them away", dir, logName, dbName, formatVersion)
	}
	if _, err := os.Stat(filepath.Join(dir, backupLogName)); err == nil {
		return fmt.Errorf("data directory %s: %s is migrated but %s already exists: move one of them away", dir, logName, backupLogName)
	}
	if err := os.Rename(logPath, filepath.Join(dir, backupLogName)); err != nil {
		return fmt.Errorf("data directory %s: %w", dir, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// record is the whole state as one record, sorted, for a migration.
func (g *state) record() *record {
	return &record{
		Countries:    sortedValues(derefMap(g.countries)),
		Entities:     g.entityList(),
		Links:        g.links.sorted(),
		Transactions: sortedValues(derefMap(g.txs)),
		Lists:        sortedValues(derefMap(g.lists)),
		Listings:     sortedValues(derefMap(g.listings)),
		Flags:        sortedValues(derefMap(g.flags)),
		Jobs:         sortedValues(derefMap(g.jobs)),
		Audit:        g.audit,
	}
}
