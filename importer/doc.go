// Package importer reads compliance staff's spreadsheets (an XLSX workbook or
// CSV files) into one graph.Upload: it recognises sheets and headers by name
// and synonyms, parses values, resolves references against the upload and
// the store, gives rows without id a deterministic id, and validates the
// whole upload before anything is written (SPEC §2). docs/SPREADSHEETS.md
// is the user-facing description of the format.
package importer
