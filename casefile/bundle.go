package casefile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Bundle writes the cases' reports as a ZIP: case-<id>.html for each,
// and case-<id>.pdf beside it with withPDF.
func Bundle(w io.Writer, cases []Case, withPDF bool) error {
	z := zip.NewWriter(w)
	used := map[string]bool{}
	for _, c := range cases {
		name := FileName(c.Flag.TransactionID)
		for i := 2; used[name]; i++ { // two ids may read alike once made safe
			name = fmt.Sprintf("%s-%d", FileName(c.Flag.TransactionID), i)
		}
		used[name] = true
		var buf bytes.Buffer
		if err := c.HTML(&buf); err != nil {
			return err
		}
		if err := add(z, name+".html", buf.Bytes()); err != nil {
			return err
		}
		if withPDF {
			buf.Reset()
			if err := c.PDF(&buf); err != nil {
				return err
			}
			if err := add(z, name+".pdf", buf.Bytes()); err != nil {
				return err
			}
		}
	}
	return z.Close()
}

func add(z *zip.Writer, name string, data []byte) error {
	f, err := z.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// FileName is the file name of a transaction's report, without extension:
// "case-" and the id with every character but letters, digits, dot, dash
// and underscore replaced by "_".
func FileName(transactionID string) string {
	var b strings.Builder
	for _, r := range transactionID {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.' && b.Len() > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return "case-" + b.String()
}
