package memstore

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/hopcheck/hopcheck/graph"
)

// record is one entry of the write-ahead log: everything one write puts,
// with values already merged, so that replaying a record is a plain put.
// An upload is one record: it is either wholly in the log or not at all.
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
}

// Each record is framed as: 4-byte little-endian length, 4-byte CRC-32C of
// the payload, then the JSON payload. A torn tail (a crash mid-write) fails
// the length or checksum and is cut off on open.
const frameHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord writes r to f and syncs it.
func appendRecord(f *os.File, r *record) error {
	payload, err := json.Marshal(r)
	if err != nil {
		return err
	}
	buf := make([]byte, frameHeader, frameHeader+len(payload))
	binary.LittleEndian.PutUint32(buf[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[4:8], crc32.Checksum(payload, castagnoli))
	buf = append(buf, payload...)
	if _, err := f.Write(buf); err != nil {
		return err
	}
	return f.Sync()
}

// replay reads every whole record of the log at path, calling apply for
// each, and returns the offset just past the last whole record.
func replay(path string, apply func(*record)) (int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := info.Size()
	r := bufio.NewReaderSize(f, 1<<20)
	var off int64
	head := make([]byte, frameHeader)
	for {
		if _, err := io.ReadFull(r, head); err != nil {
			return off, nil // end of log, or a torn header
		}
		n := binary.LittleEndian.Uint32(head[0:4])
		sum := binary.LittleEndian.Uint32(head[4:8])
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return off, nil // torn payload
		}
		if crc32.Checksum(payload, castagnoli) != sum {
			if off+frameHeader+int64(n) == size {
				return off, nil // the last write was torn
			}
			return off, fmt.Errorf("log %s is corrupt at offset %d (checksum mismatch before its end)", path, off)
		}
		var rec record
		err := json.Unmarshal(payload, &rec)
		if err == nil {
			err = upgradeCountries(payload, &rec)
		}
		if err != nil {
			return off, fmt.Errorf("log %s at offset %d: %w", path, off, err)
		}
		apply(&rec)
		off += frameHeader + int64(n)
	}
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
