// Package casefiletest reads case reports back for tests: the text of a
// PDF, as a reader would search it.
package casefiletest

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// PDFText extracts the text of a PDF, its pages and lines joined by
// single spaces; data that is not a PDF fails the test.
func PDFText(t testing.TB, data []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a PDF: %v", err)
	}
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		txt, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(txt + " ")
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(b.String(), " ")
}
