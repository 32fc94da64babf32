package memstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/fxamacker/cbor/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
)

// The store's records live in one bbolt file: a bucket per kind of
// record, keyed by the record's id (links and listings by their key, the
// audit log by its sequence number), so that an upload writes only what it
// changes and an open reads each kind in one sequential scan.
const (
	dbName = "hopcheck.db"
	// formatVersion is the data directory's format: 1 was the JSON log
	// (hopcheck.log), 2 is this bbolt file.
	formatVersion = 2
)

var (
	bMeta         = []byte("meta")
	bCountries    = []byte("countries")
	bEntities     = []byte("entities")
	bLinks        = []byte("links")
	bTransactions = []byte("transactions")
	bLists        = []byte("lists")
	bListings     = []byte("listings")
	bFlags        = []byte("flags")
	bJobs         = []byte("jobs")
	bAudit        = []byte("audit")
	bDecisions    = []byte("decisions")
	// bHistory holds the revisions of entities and links (graph.Revision)
	// keyed by a sequence number, so that they load oldest first.
	bHistory = []byte("history")
	// bMappings holds the saved column mappings by name.
	bMappings = []byte("mappings")

	// recordBuckets are read at open in this order.
	recordBuckets = [][]byte{bCountries, bEntities, bLinks, bTransactions, bLists, bListings, bFlags, bJobs, bAudit, bDecisions, bHistory, bMappings}
	// optionalBuckets came after version 2's first release: a file
	// without one has none of its records, and gets it on its first write.
	optionalBuckets = map[string]bool{string(bDecisions): true, string(bHistory): true, string(bMappings): true}

	keyFormat = []byte("format")
)

// countKey is the meta key holding how many records a bucket has: an open
// that reads fewer (a damaged branch page) or more refuses the store.
func countKey(bucket []byte) []byte { return append([]byte("count/"), bucket...) }

// Values are CBOR (field names as the domain's JSON tags, so new fields
// flow through), behind a CRC-32C of bucket, key and payload: bbolt checks
// its meta pages but not the data pages, and a flipped byte must refuse
// the open rather than change a record.
var (
	encMode = func() cbor.EncMode {
		m, err := cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
	decMode = func() cbor.DecMode {
		// The checksum has vouched for the bytes: the strings are those
		// encoded, and checking each one's UTF-8 again was a tenth of an
		// open's decoding.
		m, err := cbor.DecOptions{DefaultMapType: mapStringAny, UTF8: cbor.UTF8DecodeInvalid}.DecMode()
		if err != nil {
			panic(err)
		}
		return m
	}()
)

var mapStringAny = reflect.TypeOf(map[string]any(nil))

func sum(bucket, key, payload []byte) uint32 {
	c := crc32.Update(0, castagnoli, bucket)
	c = crc32.Update(c, castagnoli, key)
	return crc32.Update(c, castagnoli, payload)
}

func encode(bucket, key []byte, v any) ([]byte, error) {
	payload, err := encMode.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 4, 4+len(payload))
	binary.LittleEndian.PutUint32(out, sum(bucket, key, payload))
	return append(out, payload...), nil
}

// errDamaged says a record failed its checks; the caller adds where.
var errDamaged = errors.New("damaged")

func decode(bucket, key, val []byte, v any) error {
	if len(val) < 4 {
		return fmt.Errorf("%w: record shorter than its checksum", errDamaged)
	}
	payload := val[4:]
	if binary.LittleEndian.Uint32(val) != sum(bucket, key, payload) {
		return fmt.Errorf("%w: checksum mismatch", errDamaged)
	}
	if err := decMode.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("%w: %v", errDamaged, err)
	}
	return nil
}

// puts are one bucket's values of a record, encoded (encodeRecord).
type puts struct {
	bucket     []byte
	keys, vals [][]byte
	// new is how many of the keys the bucket does not hold yet, or -1
	// when not known: putRecord then looks each key up.
	new int
}

// encodeRecord encodes the values of r that have keys of their own (all
// but history and audit entries, keyed by the sequence the transaction
// gives them), before the transaction: a million values take seconds to
// encode, on every CPU at once.
func encodeRecord(r *record) ([]puts, error) {
	out := make([]puts, 0, 10)
	add := func(p puts, err error) error {
		if err == nil && len(p.keys) > 0 {
			out = append(out, p)
		}
		return err
	}
	err := errors.Join(
		add(encodeAll(bCountries, r.Countries, func(c *graph.Country) string { return c.Code })),
		add(encodeAll(bEntities, r.Entities, func(e *graph.Entity) string { return e.ID })),
		add(encodeAll(bLinks, r.Links, func(l *graph.Link) string { return l.Key() })),
		add(encodeAll(bTransactions, r.Transactions, func(t *graph.Transaction) string { return t.ID })),
		add(encodeAll(bLists, r.Lists, func(l *graph.List) string { return l.ID })),
		add(encodeAll(bListings, r.Listings, func(l *graph.Listing) string { return l.Key() })),
		add(encodeAll(bFlags, r.Flags, func(f *graph.Flag) string { return f.TransactionID })),
		add(encodeAll(bJobs, r.Jobs, func(j *graph.Job) string { return j.ID })),
		add(encodeAll(bDecisions, r.Decisions, func(d *graph.Decision) string { return d.Key() })),
		add(encodeAll(bMappings, r.Mappings, func(m *graph.SavedMapping) string { return m.Name })),
	)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if n, ok := r.created[string(out[i].bucket)]; ok {
			out[i].new = n
		}
	}
	return out, nil
}

// encodeRun is how many values a goroutine of encodeAll encodes at once.
const encodeRun = 4096

// encodeAll encodes vs for bucket, in runs on every CPU when they are many.
func encodeAll[T any](bucket []byte, vs []T, key func(*T) string) (puts, error) {
	p := puts{bucket: bucket, keys: make([][]byte, len(vs)), vals: make([][]byte, len(vs)), new: -1}
	errs := make([]error, (len(vs)+encodeRun-1)/encodeRun)
	busy := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for run := range errs {
		busy <- struct{}{}
		wg.Go(func() {
			defer func() { <-busy }()
			for i := run * encodeRun; i < min(len(vs), (run+1)*encodeRun); i++ {
				k := key(&vs[i])
				p.keys[i] = storeKey(k)
				v, err := encode(bucket, p.keys[i], &vs[i])
				if err != nil {
					errs[run] = fmt.Errorf("encoding %s %q: %w", bucket, k, err)
					return
				}
				p.vals[i] = v
			}
		})
	}
	wg.Wait()
	return p, errors.Join(errs...)
}

// putRecord writes a record's values into tx, keeping the counts; enc is
// the record's encodeRecord.
func putRecord(tx *bolt.Tx, r *record, enc []puts) error {
	meta := tx.Bucket(bMeta)
	added := map[string]uint64{}
	if len(r.Decisions)+len(r.Undecided) > 0 {
		if _, err := tx.CreateBucketIfNotExists(bDecisions); err != nil {
			return err
		}
	}
	if len(r.Mappings) > 0 {
		if _, err := tx.CreateBucketIfNotExists(bMappings); err != nil {
			return err
		}
	}
	for _, p := range enc {
		b := tx.Bucket(p.bucket)
		// Uploads put keys in order (Apply sorts them): pages split at
		// half full would leave the file half empty.
		b.FillPercent = 0.9
		for i, k := range p.keys {
			if p.new < 0 && b.Get(k) == nil {
				added[string(p.bucket)]++
			}
			if err := b.Put(k, p.vals[i]); err != nil {
				return fmt.Errorf("%s %.80q: %w", p.bucket, k, err)
			}
		}
		if p.new > 0 {
			added[string(p.bucket)] += uint64(p.new)
		}
	}
	put := func(bucket, k []byte, v any) error {
		val, err := encode(bucket, k, v)
		if err != nil {
			return fmt.Errorf("encoding %s %q: %w", bucket, k, err)
		}
		added[string(bucket)]++
		return tx.Bucket(bucket).Put(k, val)
	}
	removed := uint64(0)
	for _, key := range r.Undecided {
		b := tx.Bucket(bDecisions)
		if k := storeKey(key); b.Get(k) != nil {
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("%s %.80q: %w", bDecisions, key, err)
			}
			removed++
		}
	}
	if removed > 0 {
		k := countKey(bDecisions)
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], readCount(meta, k)+added[string(bDecisions)]-removed)
		if err := meta.Put(k, v[:]); err != nil {
			return err
		}
		delete(added, string(bDecisions))
	}
	if len(r.History) > 0 {
		if _, err := tx.CreateBucketIfNotExists(bHistory); err != nil {
			return err
		}
	}
	for i := range r.History {
		seq, serr := tx.Bucket(bHistory).NextSequence()
		if serr != nil {
			return serr
		}
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], seq)
		if err := put(bHistory, k[:], &r.History[i]); err != nil {
			return err
		}
	}
	for i := range r.Audit {
		seq, serr := tx.Bucket(bAudit).NextSequence()
		if serr != nil {
			return serr
		}
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], seq)
		if err := put(bAudit, k[:], &r.Audit[i]); err != nil {
			return err
		}
	}
	for name, n := range added {
		k := countKey([]byte(name))
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], readCount(meta, k)+n)
		if err := meta.Put(k, v[:]); err != nil {
			return err
		}
	}
	return nil
}

// storeKey is the engine's key for a record's key: the key itself up to
// 256 bytes, else its first 256 bytes and its SHA-256 (bbolt holds keys
// of at most 32 KiB; a link's key joins two ids). Raw keys are at most
// 256 bytes long and hashed ones 288, so the two never meet. Nothing
// reads a record by its engine key: the record holds its own.
func storeKey(key string) []byte {
	const limit = 256
	if len(key) <= limit {
		return []byte(key)
	}
	h := sha256.Sum256([]byte(key))
	return append([]byte(key[:limit]), h[:]...)
}

func readCount(meta *bolt.Bucket, k []byte) uint64 {
	v := meta.Get(k)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// initBuckets makes a new file's buckets and format version.
func initBuckets(tx *bolt.Tx) error {
	meta, err := tx.CreateBucket(bMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keyFormat, []byte(fmt.Sprint(formatVersion))); err != nil {
		return err
	}
	for _, b := range recordBuckets {
		if _, err := tx.CreateBucket(b); err != nil {
			return err
		}
	}
	return nil
}

// mmapSize is the address space the file is mapped with at first: twice
// its size, and at least 1 GiB. Address space, not memory: pages come in
// as they are read. Each time a write outgrows the mapping, bbolt maps the
// file again and first copies every page the write has changed out of the
// old mapping, while readers wait; from an empty store, a million-entity
// upload did that a dozen times, a tenth of its time (docs/BENCHMARKS.md).
func mmapSize(path string) int {
	const least = 1 << 30
	fi, err := os.Stat(path)
	if err != nil {
		return least
	}
	return int(max(least, 2*fi.Size()))
}

// allocSize is how much bbolt grows the file by past what a write needs.
const allocSize = 64 << 10

// openDB opens (or creates) the bbolt file at path and checks both of
// its meta pages: bbolt alone would fall back to the older one when the
// newer is damaged, silently losing the last write.
func openDB(path string, readOnly bool) (db *bolt.DB, err error) {
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, damaged(path, -1, fmt.Errorf("%v", p))
		}
	}()
	db, err = bolt.Open(path, 0o640, &bolt.Options{ReadOnly: readOnly, FreelistType: bolt.FreelistMapType, InitialMmapSize: mmapSize(path)})
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return nil, err
		}
		return nil, damaged(path, -1, err)
	}
	// With a mapping larger than the file, bbolt grows the file by
	// AllocSize past what a write needs: a little, so that a small store
	// stays small.
	db.AllocSize = allocSize
	if err := checkMetaPages(path, db.Info().PageSize); err != nil {
		db.Close()
		return nil, err
	}
	// A new file gets its buckets; an existing one is only read until
	// load has checked it: nothing is written into a damaged file.
	fresh := false
	if err := db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Cursor().First()
		fresh = k == nil
		return nil
	}); err != nil {
		db.Close()
		return nil, damaged(path, -1, err)
	}
	if fresh && !readOnly {
		if err := db.Update(initBuckets); err != nil {
			db.Close()
			return nil, fmt.Errorf("data file %s: %w", path, err)
		}
	}
	return db, nil
}

// checkMetaPages verifies the checksum bbolt keeps in each of its two
// meta pages (pages 0 and 1: a 16-byte page header, 56 bytes of meta,
// then their FNV-1a 64 checksum), and the headers of those pages and of
// the newer meta's freelist page, which the checksum does not cover and
// bbolt asserts on (in a goroutine of its page check, where a panic
// would end the process).
func checkMetaPages(path string, pageSize int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	const (
		metaFlag     = 0x04
		freelistFlag = 0x10
	)
	type meta struct{ freelist, hwm, txid uint64 }
	var metas [2]meta
	buf := make([]byte, 80)
	for i := range 2 {
		off := int64(i * pageSize)
		if _, err := f.ReadAt(buf, off); err != nil {
			return damaged(path, off, fmt.Errorf("meta page %d: %w", i, err))
		}
		h := fnv.New64a()
		h.Write(buf[16:72])
		if h.Sum64() != binary.LittleEndian.Uint64(buf[72:80]) {
			return damaged(path, off, fmt.Errorf("meta page %d fails its checksum", i))
		}
		if binary.LittleEndian.Uint64(buf[0:8]) != uint64(i) || binary.LittleEndian.Uint16(buf[8:10]) != metaFlag {
			return damaged(path, off, fmt.Errorf("meta page %d has a damaged header", i))
		}
		metas[i] = meta{binary.LittleEndian.Uint64(buf[48:56]), binary.LittleEndian.Uint64(buf[56:64]), binary.LittleEndian.Uint64(buf[64:72])}
	}
	m := metas[0]
	if metas[1].txid > m.txid {
		m = metas[1]
	}
	if m.freelist == ^uint64(0) { // no freelist kept
		return nil
	}
	off := int64(m.freelist) * int64(pageSize)
	if m.freelist < 2 || m.freelist >= m.hwm {
		return damaged(path, -1, fmt.Errorf("the freelist page %d is outside the file's %d pages", m.freelist, m.hwm))
	}
	if _, err := f.ReadAt(buf[:16], off); err != nil {
		return damaged(path, off, fmt.Errorf("freelist page: %w", err))
	}
	if binary.LittleEndian.Uint64(buf[0:8]) != m.freelist || binary.LittleEndian.Uint16(buf[8:10]) != freelistFlag ||
		m.freelist+uint64(binary.LittleEndian.Uint32(buf[12:16])) >= m.hwm {
		return damaged(path, off, errors.New("the freelist page has a damaged header"))
	}
	return nil
}

// damaged is the error of a store that must not be opened: it names the
// file and the offset (-1 when not known) and says what to do.
func damaged(path string, off int64, err error) error {
	where := path
	if off >= 0 {
		where = fmt.Sprintf("%s at offset %d", path, off)
	}
	return graph.Wrap(graph.EUNAVAILABLE, err,
		"data file %s is damaged (%v): hopcheck refuses to open it rather than answer from part of it; "+
			"keep the file for inspection, and restore the last backup with \"hopcheck restore\" "+
			"(or re-import the source spreadsheets into a new data directory)", where, err)
}

// load reads every record of db into g (a new state), checking each
// record's checksum, the order of keys and each bucket's count.
//
// One goroutine walks the buckets and cuts them into batches of raw
// records; a worker per CPU decodes batches (and computes the name keys
// of entities); one goroutine puts them into g in the order read, so
// that the first damaged record in the file is the one reported.
func load(db *bolt.DB, path string, g *state) (err error) {
	base := db.Info().Data
	offsetOf := func(b []byte) int64 {
		if len(b) == 0 {
			return -1
		}
		return int64(uintptr(unsafe.Pointer(&b[0])) - base)
	}
	fail := func(name, k, v []byte, err error) error {
		return damaged(path, offsetOf(v), fmt.Errorf("%s record %q: %w", name, k, err))
	}
	jobs := make(chan *batch, 8)
	ordered := make(chan *batch, 16)
	var stop atomic.Bool
	var workers sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		workers.Go(func() {
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			for b := range jobs {
				if !stop.Load() {
					b.decode(fail)
				}
				close(b.done)
			}
		})
	}
	putErr := make(chan error, 1)
	// The put goroutine ends before load returns, after a panic in the
	// scan too: nothing changes g after that. A damaged record it met
	// comes before any later trouble of the scan in the file, so its
	// error wins.
	defer func() {
		close(ordered)
		if first := <-putErr; first != nil {
			err = first
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			err = damaged(path, -1, fmt.Errorf("reading it failed: %v", p))
		}
	}()
	go func() {
		var first error
		for b := range ordered {
			<-b.done
			if first != nil {
				continue
			}
			if b.err != nil {
				first = b.err
				stop.Store(true)
				continue
			}
			g.put(b.rec, nil, loadValues)
		}
		putErr <- first
	}()
	emit := func(b *batch) {
		if b.err != nil {
			b.done = make(chan struct{})
			close(b.done)
			ordered <- b
			return
		}
		ordered <- b
		jobs <- b
	}
	// The scan goes on while the workers decode, so it can walk further
	// into a damaged file than the first bad record: a page number past
	// the end of the mapping must be a panic (recovered above as damage),
	// not the end of the process.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.View(func(tx *bolt.Tx) error {
		defer func() { close(jobs); workers.Wait() }() // the values are the transaction's
		meta := tx.Bucket(bMeta)
		if meta == nil {
			return damaged(path, -1, errors.New("no meta bucket"))
		}
		if v := string(meta.Get(keyFormat)); v != fmt.Sprint(formatVersion) {
			return fmt.Errorf("data file %s: data format version %q, this hopcheck reads version %d", path, v, formatVersion)
		}
		g.presize(func(b []byte) int { return int(min(readCount(meta, countKey(b)), 1<<26)) })
		g.indexed.Store(false) // built on first use: see state.nameIndexes
		for _, name := range recordBuckets {
			if stop.Load() {
				return nil
			}
			b := tx.Bucket(name)
			if b == nil && optionalBuckets[string(name)] && readCount(meta, countKey(name)) == 0 {
				continue
			}
			if b == nil {
				emit(&batch{err: damaged(path, -1, fmt.Errorf("no bucket %q", name))})
				return nil
			}
			n, ok := scanBucket(b, name, emit, &stop, fail)
			if !ok {
				return nil
			}
			if want := readCount(meta, countKey(name)); n != want {
				emit(&batch{err: damaged(path, -1, fmt.Errorf("%s: %d records read, the store counts %d", name, n, want))})
				return nil
			}
		}
		return nil
	})
}

// loadBatch is how many records a batch of the open holds.
const loadBatch = 2048

// batch is a run of one bucket's raw records, decoded by a worker of
// load; err is set by the worker, or by the scan for a damage it found
// after the batch's records.
type batch struct {
	name []byte
	keys [][]byte
	vals [][]byte
	done chan struct{}
	rec  *record
	err  error
}

// scanBucket cuts a bucket's records into batches for emit, checking
// the order of keys; it reports the number of records and false when it
// met damage (emitted as an error batch) or stop was set.
func scanBucket(b *bolt.Bucket, name []byte, emit func(*batch), stop *atomic.Bool, fail func(name, k, v []byte, err error) error) (uint64, bool) {
	var n uint64
	var prev []byte
	fresh := func() *batch {
		return &batch{name: name, done: make(chan struct{}), keys: make([][]byte, 0, loadBatch), vals: make([][]byte, 0, loadBatch)}
	}
	cur := fresh()
	c := b.Cursor()
	for k, v := c.First(); k != nil && !stop.Load(); k, v = c.Next() {
		var err error
		switch {
		case v == nil:
			err = fail(name, k, v, fmt.Errorf("%w: a nested bucket where a record belongs", errDamaged))
		case prev != nil && bytes.Compare(prev, k) >= 0:
			err = fail(name, k, v, fmt.Errorf("%w: keys out of order", errDamaged))
		}
		if err != nil {
			emit(cur)
			emit(&batch{err: err})
			return n, false
		}
		prev = k
		cur.keys = append(cur.keys, k)
		cur.vals = append(cur.vals, v)
		n++
		if len(cur.keys) == loadBatch {
			emit(cur)
			if stop.Load() {
				return n, false
			}
			cur = fresh()
		}
	}
	emit(cur)
	return n, !stop.Load()
}

// decode decodes the batch's records into b.rec.
func (b *batch) decode(fail func(name, k, v []byte, err error) error) {
	var at int
	defer func() {
		if p := recover(); p != nil {
			b.err = fail(b.name, b.keys[at], b.vals[at], fmt.Errorf("%w: %v", errDamaged, p))
		}
	}()
	rec := &record{}
	for i, k := range b.keys {
		at = i
		v := b.vals[i]
		var err error
		switch string(b.name) {
		case string(bCountries):
			err = decodeInto(b.name, k, v, &rec.Countries, len(b.keys))
		case string(bEntities):
			err = decodeInto(b.name, k, v, &rec.Entities, len(b.keys))
		case string(bLinks):
			err = decodeInto(b.name, k, v, &rec.Links, len(b.keys))
		case string(bTransactions):
			err = decodeInto(b.name, k, v, &rec.Transactions, len(b.keys))
		case string(bLists):
			err = decodeInto(b.name, k, v, &rec.Lists, len(b.keys))
		case string(bListings):
			err = decodeInto(b.name, k, v, &rec.Listings, len(b.keys))
		case string(bFlags):
			err = decodeInto(b.name, k, v, &rec.Flags, len(b.keys))
		case string(bJobs):
			err = decodeInto(b.name, k, v, &rec.Jobs, len(b.keys))
		case string(bAudit):
			err = decodeInto(b.name, k, v, &rec.Audit, len(b.keys))
		case string(bDecisions):
			err = decodeInto(b.name, k, v, &rec.Decisions, len(b.keys))
		case string(bHistory):
			err = decodeInto(b.name, k, v, &rec.History, len(b.keys))
		case string(bMappings):
			err = decodeInto(b.name, k, v, &rec.Mappings, len(b.keys))
		}
		if err != nil {
			b.err = fail(b.name, k, v, err)
			return
		}
	}
	b.keys, b.vals = nil, nil
	b.rec = rec
}

// populateMapping reads the file's pages into the mapping ahead of load's
// scan, in one call: bbolt advises the kernel that the mapping is read at
// random, so without it each 4 KiB page of the scan is a fault of its own
// (a fifth of a million-entity open). Advice only: an error (a kernel
// before 5.14 has no MADV_POPULATE_READ) changes nothing.
func populateMapping(db *bolt.DB) {
	const madvPopulateRead = 22 // MADV_POPULATE_READ, Linux 5.14
	adviseMapping(db, madvPopulateRead)
}

// releaseMapping tells the kernel that the file's mapped pages, all read
// by load, are not needed now: reads are served from memory, and a write
// faults in what it touches again from the page cache. Without it the
// whole file stays in the process's RSS. Advice only: an error changes
// nothing.
func releaseMapping(db *bolt.DB) {
	adviseMapping(db, syscall.MADV_DONTNEED)
}

// adviseMapping gives the kernel advice on the whole of the file's data
// as mapped now; an empty file, or an error, is no advice.
func adviseMapping(db *bolt.DB, advice uintptr) {
	var size int64
	if db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil }) != nil || size == 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, db.Info().Data, uintptr(size), advice)
}

// checkPages runs bbolt's check of the file's pages (each reachable or
// free, none twice, none past the end); run after load, which has read
// every page that holds records.
func checkPages(db *bolt.DB, path string) error {
	var problems []error
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, err)
		}
		return nil
	}); err != nil {
		return damaged(path, -1, err)
	}
	if len(problems) > 0 {
		return damaged(path, -1, fmt.Errorf("%d page problems, the first: %w", len(problems), problems[0]))
	}
	return nil
}

// decodeInto decodes a record into a new last value of *dst, made with
// room for n values the first time.
func decodeInto[T any](bucket, k, v []byte, dst *[]T, n int) error {
	if *dst == nil {
		*dst = make([]T, 0, n)
	}
	var zero T
	*dst = append(*dst, zero)
	return decode(bucket, k, v, &(*dst)[len(*dst)-1])
}

// writeSnapshot writes a consistent copy of db to w, in a read
// transaction: writers go on meanwhile.
func writeSnapshot(db *bolt.DB, w io.Writer) (int64, error) {
	var n int64
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
