package importer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"runtime/debug"
	"sort"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// File is one uploaded file: an XLSX workbook or a CSV file. Name is what
// the user called it; for CSV, the name without extension tells the kind.
type File struct {
	Name string
	Data []byte
}

// Lookup is the part of graph.Store the importer reads: references and
// duplicate checks look at what is already stored. A nil Lookup means an
// empty store.
type Lookup interface {
	Entity(ctx context.Context, id string) (graph.Entity, error)
	EntitiesByName(ctx context.Context, keys []string) (map[string][]graph.Entity, error)
	Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error)
}

// Limits protect against oversize input and zip bombs; exceeding one is an
// error in the report, never a crash. Zero fields take the defaults.
type Limits struct {
	MaxFileBytes   int64 // one file as uploaded; default 100 MiB
	MaxUnzipBytes  int64 // an XLSX workbook unpacked; default 1 GiB
	MaxInMemoryXML int64 // XLSX parts above this stream from a temporary file; default 16 MiB
	MaxRows        int   // data rows per sheet; default 1,000,000
	MaxCellBytes   int   // one cell; default 32 KiB
	MaxPartBytes   int64 // an XLSX part that excelize reads whole (all but worksheets and shared strings); default 16 MiB
	MaxColumns     int   // cells in one row; default 1024
	MaxCells       int   // cells in one upload, all sheets together; default 20,000,000
	// MaxSharedStrings and MaxSharedStringsBytes bound an XLSX workbook's
	// shared strings, which excelize holds whole; default 1,000,000 and 32 MiB.
	MaxSharedStrings      int
	MaxSharedStringsBytes int64
	MaxErrors             int // errors listed in a report (the rest are counted); default 1000
	MaxWarnings           int // warnings listed; default 1000
	// StoreSearchTime bounds the time spent looking in the store for
	// near-identical names of the upload's entities (one search each;
	// exact-name duplicates are always checked); negative: none. Default 20 s.
	StoreSearchTime time.Duration
}

// DefaultLimits returns the limits used for zero fields.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 100 << 20, MaxUnzipBytes: 1 << 30, MaxInMemoryXML: 16 << 20, MaxRows: 1_000_000,
		MaxCellBytes: 32 << 10, MaxPartBytes: 16 << 20, MaxColumns: 1024, MaxCells: 20_000_000, MaxSharedStrings: 1_000_000, MaxSharedStringsBytes: 32 << 20,
		MaxErrors: 1000, MaxWarnings: 1000, StoreSearchTime: 20 * time.Second}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = d.MaxUnzipBytes
	}
	if l.MaxInMemoryXML <= 0 {
		l.MaxInMemoryXML = d.MaxInMemoryXML
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = d.MaxCellBytes
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = d.MaxPartBytes
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxCells <= 0 {
		l.MaxCells = d.MaxCells
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = d.MaxSharedStrings
	}
	if l.MaxSharedStringsBytes <= 0 {
		l.MaxSharedStringsBytes = d.MaxSharedStringsBytes
	}
	if l.MaxErrors <= 0 {
		l.MaxErrors = d.MaxErrors
	}
	if l.MaxWarnings <= 0 {
		l.MaxWarnings = d.MaxWarnings
	}
	if l.StoreSearchTime == 0 {
		l.StoreSearchTime = d.StoreSearchTime
	}
	return l
}

// Phase is a stage of an import.
type Phase string

// The phases, in order.
const (
	Reading    Phase = "reading"    // Done counts rows read; Total is 0 (unknown)
	Validating Phase = "validating" // Done and Total count rows
	Writing    Phase = "writing"    // as reported by the store
)

// Progress is reported through Options.Progress.
type Progress struct {
	Phase Phase `json:"phase"`
	Done  int   `json:"done"`
	Total int   `json:"total"`
}

// Options tune an import. The zero value reads sheets by their names.
type Options struct {
	// Kind, when set, is the kind of every sheet and file (a table such as
	// "organizations" or a sheet name the importer knows, such as
	// "distributors" or "shareholders").
	Kind string `json:"kind,omitempty"`
	// Kinds sets the kind per sheet or file name; it wins over Kind.
	Kinds map[string]string `json:"kinds,omitempty"`
	// DateFormat gives the order of numeric dates such as 03/04/2024:
	// DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, YYYY/MM/DD… ISO dates are always read.
	DateFormat string `json:"date_format,omitempty"`
	// Mapping maps headers and sheets the importer does not know.
	Mapping *Mapping `json:"mapping,omitempty"`
	// References says which entity a reference means, by its text as
	// written: a person's pick among the "did you mean" suggestions of an
	// earlier try. The id must name an entity of the upload or the store.
	References map[string]string `json:"references,omitempty"`
	// DecimalComma reads numbers as 96.000,00 (comma before the decimals).
	DecimalComma bool `json:"decimal_comma,omitempty"`
	// CountryRule derives restrictive from a country row's status or score
	// when it states neither yes nor no; the default policy's when nil.
	CountryRule *graph.CountryRule `json:"-"`
	// Limits bound the input; zero fields take DefaultLimits.
	Limits Limits `json:"-"`
	// DuplicateThreshold is the Jaro-Winkler similarity of name keys at or
	// above which two entities are reported as possible duplicates; 0.94 when zero.
	DuplicateThreshold float64 `json:"-"`
	// Formats are the public formats recognised by content (importer/formats);
	// a file none of them claims is read as a spreadsheet.
	Formats []Format `json:"-"`
	// Uploader is who uploads: the decided_by of identity rows that leave
	// it blank.
	Uploader string `json:"-"`
	// Now is the upload's time: the decided_at of identity rows that leave
	// it blank; the clock's time when zero.
	Now time.Time `json:"-"`
	// Progress, when set, is called as the import goes; it must be quick.
	Progress func(Progress) `json:"-"`
}

func (o Options) progress(p Phase, done, total int) {
	if o.Progress != nil {
		o.Progress(Progress{Phase: p, Done: done, Total: total})
	}
}

// UploadID derives the upload id from the files' names and bytes and the
// options that change how they are read: the same upload gives the same id.
func UploadID(files []File, opts Options) string {
	h := sha256.New()
	var n [8]byte
	write := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, f := range files {
		write([]byte(f.Name))
		write(f.Data)
	}
	kinds := make([]string, 0, len(opts.Kinds))
	for k, v := range opts.Kinds {
		kinds = append(kinds, norm(k)+"="+v)
	}
	sort.Strings(kinds)
	o, _ := json.Marshal(struct {
		Kind, DateFormat string
		Kinds            []string
		Mapping          *Mapping
		DecimalComma     bool `json:",omitempty"`
	}{opts.Kind, opts.DateFormat, kinds, opts.Mapping, opts.DecimalComma})
	write(o)
	return "u-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Read reads and validates an upload without writing anything. The report
// lists every error and warning; the upload is only fit for Apply when the
// report has no errors. The error is for lookup failures only.
func Read(ctx context.Context, lookup Lookup, files []File, opts Options) (graph.Upload, *Report, error) {
	r := newReader(ctx, lookup, files, opts)
	return r.run()
}

// Import reads an upload and, when it has no errors, writes it to the
// store in one Apply. A rejected upload writes nothing and says so in the
// report; the error is for store failures only.
func Import(ctx context.Context, store graph.Store, files []File, opts Options) (*Report, error) {
	u, rep, err := Read(ctx, store, files, opts)
	if err != nil {
		return rep, err
	}
	if rep.Rejected {
		return rep, nil
	}
	large := len(u.Entities)+len(u.Links)+len(u.Transactions)+len(u.Listings) >= largeUpload
	res, err := store.Apply(ctx, u, func(done, total int) { opts.progress(Writing, done, total) })
	if err != nil {
		return rep, err
	}
	rep.Written = &res
	if large {
		// The upload leaves garbage several times its size (its rows, the
		// store's merge and encoding). Collected now, before the caller
		// goes on, and given back to the system: left to the collector, it
		// slowed the screenings right after a 100k-entity import from a
		// p99 of 1.2 ms to 4–13 ms (docs/BENCHMARKS.md).
		debug.FreeOSMemory()
	}
	return rep, nil
}

// largeUpload is the number of rows from which Import collects the
// garbage an upload leaves before it returns.
const largeUpload = 100_000
