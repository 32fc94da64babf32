package casefile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Bundle writes the cases' reports as a ZIP: case-<id>.html for each,
// and case-<id>.pdf beside it with withPDF. The reports are made on every
// core and written in the cases' order.
func Bundle(w io.Writer, cases []Case, withPDF bool) error {
	type made struct {
		html, pdf []byte
		err       error
	}
	out := make([]made, len(cases))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(cases), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var h, p bytes.Buffer
				err := cases[i].HTML(&h)
				if err == nil && withPDF {
					err = cases[i].PDF(&p)
				}
				out[i] = made{h.Bytes(), p.Bytes(), err}
			}
		}()
	}
	for i := range cases {
		work <- i
	}
	close(work)
	wg.Wait()

	z := zip.NewWriter(w)
	used := map[string]bool{}
	for i, c := range cases {
		if out[i].err != nil {
			return fmt.Errorf("case report of %s: %w", c.Flag.TransactionID, out[i].err)
		}
		name := FileName(c.Flag.TransactionID)
		for n := 2; used[name]; n++ { // two ids may read alike once made safe
			name = fmt.Sprintf("%s-%d", FileName(c.Flag.TransactionID), n)
		}
		used[name] = true
		if err := add(z, name+".html", c.Printed, out[i].html); err != nil {
			return err
		}
		if withPDF {
			if err := add(z, name+".pdf", c.Printed, out[i].pdf); err != nil {
				return err
			}
		}
	}
	return z.Close()
}

// add writes a file dated when its report was made.
func add(z *zip.Writer, name string, made time.Time, data []byte) error {
	f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: made})
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
