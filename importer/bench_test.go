package importer_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/importer"
)

var benchCountries = []string{"CN", "Russia", "DE", "AE", "Viet Nam", "TR", "IR", "KZ"}

// orgRows generates n reproducible organization rows.
func orgRows(n int) [][]string {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"orion", "nova", "tech", "systems", "global", "trading", "secure", "vision", "data", "link",
		"star", "north", "east", "alpha", "delta", "micro", "net", "wave", "signal", "optic"}
	rows := make([][]string, n)
	for i := range rows {
		name := fmt.Sprintf("%s %s %d %s", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i, []string{"LLC", "Ltd", "GmbH", "JSC"}[rng.IntN(4)])
		rows[i] = []string{name, benchCountries[rng.IntN(len(benchCountries))], "distributor", fmt.Sprintf("REG-%07d", i),
			"Street " + fmt.Sprint(rng.IntN(1000)), fmt.Sprintf("20%02d-%02d-%02d", rng.IntN(24), 1+rng.IntN(12), 1+rng.IntN(28))}
	}
	return rows
}

var orgHeader = []string{"Company Name", "Country", "Role", "Registration Number", "Address", "Founded"}

func genCSV(n int) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(orgHeader, ",") + "\n")
	for _, r := range orgRows(n) {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return []byte(b.String())
}

func genXLSX(tb testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	must(tb, err)
	row := make([]any, len(orgHeader))
	for i, h := range orgHeader {
		row[i] = h
	}
	must(tb, sw.SetRow("A1", row))
	for i, r := range orgRows(n) {
		for j, c := range r {
			row[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		must(tb, sw.SetRow(cell, row))
	}
	must(tb, sw.Flush())
	must(tb, f.SetSheetName("Sheet1", "Distributors"))
	var buf bytes.Buffer
	must(tb, f.Write(&buf))
	return buf.Bytes()
}

func benchRead(b *testing.B, file importer.File, n int) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_, rep := mustRead(b, nil, importer.Options{}, file)
		if rep.Rejected || rep.Contents.Entities != n {
			b.Fatalf("report: %d entities, %d errors: %v", rep.Contents.Entities, len(rep.Errors), rep.Errors[:min(3, len(rep.Errors))])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
}

func BenchmarkReadCSV100k(b *testing.B) {
	benchRead(b, importer.File{Name: "distributors.csv", Data: genCSV(100_000)}, 100_000)
}

func BenchmarkReadXLSX100k(b *testing.B) {
	benchRead(b, importer.File{Name: "distributors.xlsx", Data: genXLSX(b, 100_000)}, 100_000)
}
