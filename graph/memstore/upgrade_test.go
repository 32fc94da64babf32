package memstore

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// TestUpgradesCountriesOfOldLogs: a log written before yearly assessments
// kept a country's one assessment in its own fields; it opens as the
// assessment without a year.
func TestUpgradesCountriesOfOldLogs(t *testing.T) {
	dir := t.TempDir()
	payload := []byte(`{"c":[{"code":"XR","name":"Country XR","restrictive":true,"score":12,"basis":"FIW 12/100","source":{"upload":"u-old","file":"c.csv","row":2}},{"code":"XF","name":"Country XF","source":{"upload":"u-old","file":"c.csv","row":3}}]}`)
	frame := make([]byte, frameHeader, frameHeader+len(payload))
	binary.LittleEndian.PutUint32(frame[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(frame[4:8], crc32.Checksum(payload, castagnoli))
	if err := os.WriteFile(filepath.Join(dir, logName), append(frame, payload...), 0o640); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Country(context.Background(), "XR")
	if err != nil || len(c.Assessments) != 1 || c.Assessments[0].Year != 0 || !c.RestrictiveOn("2024-06-01") ||
		*c.Assessments[0].Score != 12 || c.Assessments[0].Basis != "FIW 12/100" || c.Assessments[0].Source.Upload != "u-old" {
		t.Errorf("upgraded XR %+v (%v)", c, err)
	}
	if f, _ := s.Country(context.Background(), "XF"); len(f.Assessments) != 0 {
		t.Errorf("XF was never assessed: %+v", f)
	}
}
