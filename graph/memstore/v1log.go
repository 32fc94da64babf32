package memstore

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/hopcheck/hopcheck/graph"
)

// record is everything one write puts, with values already merged, so that
// applying it is a plain put. An upload is one record, written in one
// engine transaction: it is either wholly in the store or not at all.
// Version 1 stored each record as one JSON entry of a log.
type record struct {
	Entities     []graph.Entity      `json:"e,omitempty"`
	Countries    []graph.Country     `json:"c,omitempty"`
	Links        []graph.Link        `json:"l,omitempty"`
	Transactions []graph.Transaction `json:"t,omitempty"`
	Lists        []graph.List        `json:"li,omitempty"`
	Listings     []graph.Listing     `json:"ls,omitempty"`
	Flags        []graph.Flag        `json:"f,omitempty"`
	Jobs         []graph.Job         `json:"j,omitempty"`
	Audit        []graph.AuditEntry  `json:"a,omitempty"`
	// Decisions are written by version 2 only, as is Undecided: the keys
	// of the decisions removed.
	Decisions []graph.Decision `json:"d,omitempty"`
	Undecided []string         `json:"ud,omitempty"`
	// History holds revisions (version 2 only).
	History []graph.Revision `json:"h,omitempty"`
	// Mappings are saved column mappings (version 2 only).
	Mappings []graph.SavedMapping `json:"m,omitempty"`

	// created, when Apply sets it, is how many values of each bucket
	// (by name) are new to the store, so that writing the record need not
	// look each key up. Never stored.
	created map[string]int
}

// A version 1 data directory (hopcheck.log) framed each record as: 4-byte
// little-endian length, 4-byte CRC-32C of the payload, then the JSON
// payload. It is read only to migrate it (migrate.go).
const frameHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// replay reads every record of the version 1 log at path, calling apply
// for each. Unlike version 1's own open, it cuts nothing: a record that is
// not whole, or fails its checksum, anywhere, is an error naming its
// offset (a length past the end of the file is never allocated).
func replay(path string, apply func(*record)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	r := bufio.NewReaderSize(f, 1<<20)
	var off int64
	head := make([]byte, frameHeader)
	for off < size {
		torn := func(what string) error {
			return fmt.Errorf("log %s: the record at offset %d %s (%d bytes from there to the end of the file): "+
				"a write torn by a crash, or damage; nothing was migrated. Keep a copy of the file; to drop that tail, "+
				"cut the file there (truncate -s %d %s) and open again", path, off, what, size-off, off, path)
		}
		if size-off < frameHeader {
			return torn("has no whole header")
		}
		if _, err := io.ReadFull(r, head); err != nil {
			return fmt.Errorf("log %s at offset %d: %w", path, off, err)
		}
		n := int64(binary.LittleEndian.Uint32(head[0:4]))
		if n > size-off-frameHeader {
			return torn(fmt.Sprintf("claims %d bytes, past the end of the file", n))
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return fmt.Errorf("log %s at offset %d: %w", path, off, err)
		}
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(head[4:8]) {
			if off+frameHeader+n == size {
				return torn("fails its checksum")
			}
			return fmt.Errorf("log %s is corrupt at offset %d (checksum mismatch before its end); nothing was migrated", path, off)
		}
		var rec record
		err := json.Unmarshal(payload, &rec)
		if err == nil {
			err = upgradeCountries(payload, &rec)
		}
		if err != nil {
			return fmt.Errorf("log %s at offset %d: %w", path, off, err)
		}
		apply(&rec)
		off += frameHeader + n
	}
	return nil
}

// upgradeCountries reads the countries of a record written before yearly
// assessments, whose one assessment was in the country's own restrictive,
// score and basis fields, as an assessment without a year.
func upgradeCountries(payload []byte, rec *record) error {
	if len(rec.Countries) == 0 || !bytes.Contains(payload, []byte(`"restrictive"`)) {
		return nil
	}
	var old struct {
		C []struct {
			Restrictive *bool    `json:"restrictive"`
			Score       *float64 `json:"score"`
			Basis       string   `json:"basis"`
		} `json:"c"`
	}
	if err := json.Unmarshal(payload, &old); err != nil || len(old.C) != len(rec.Countries) {
		return err
	}
	for i, o := range old.C {
		c := &rec.Countries[i]
		if len(c.Assessments) == 0 && (o.Restrictive != nil || o.Score != nil || o.Basis != "") {
			c.Assessments = []graph.CountryAssessment{{Restrictive: o.Restrictive, Score: o.Score, Basis: o.Basis, Source: c.Source}}
		}
	}
	return nil
}
