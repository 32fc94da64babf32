package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// table renders the JSON lines of one or more runs as the markdown tables
// of docs/BENCHMARKS.md: one row per scale.
func table(w io.Writer, paths []string) error {
	type key struct {
		run   string
		store string
		xlsx  bool
		scale int
	}
	res := map[key]map[string]any{}
	scales := map[int]bool{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				continue
			}
			k := key{str(m["run"]), str(m["store"]), m["xlsx"] == true, int(num(m["scale"]))}
			res[k] = m
			scales[k.scale] = true
		}
		f.Close()
	}
	var ss []int
	for s := range scales {
		ss = append(ss, s)
	}
	sort.Ints(ss)
	get := func(run, store string, xlsx bool, scale int, field string) float64 {
		return num(res[key{run, store, xlsx, scale}][field])
	}
	cell := func(v float64, format string) string {
		if v == 0 {
			return "—"
		}
		return fmt.Sprintf(format, v)
	}
	ratio := func(a, b float64) string {
		if a == 0 || b == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f×", a/b)
	}
	row := func(cells ...string) { fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |") }
	head := func(cells ...string) {
		row(cells...)
		row(strings.Split(strings.Repeat("---,", len(cells)-1)+"---", ",")...)
	}

	fmt.Fprintln(w, "\nImport (rows/s; rows = data rows of the CSV files, the same rows in the XLSX workbook)")
	fmt.Fprintln(w)
	head("entities", "rows", "embedded CSV", "embedded XLSX", "excelize raw read", "XLSX import / raw read", "Neo4j CSV", "Neo4j XLSX", "Neo4j LOAD CSV", "Neo4j CSV / LOAD CSV")
	for _, s := range ss {
		raw := get("xlsxraw", "", false, s, "raw_rows_per_s")
		ex := get("embedded", "embedded", true, s, "import_rows_per_s")
		nc := get("neo4j", "neo4j", false, s, "import_rows_per_s")
		lc := get("loadcsv", "", false, s, "loadcsv_rows_per_s")
		row(fmt.Sprint(s), cell(get("embedded", "embedded", false, s, "rows"), "%.0f"),
			cell(get("embedded", "embedded", false, s, "import_rows_per_s"), "%.0f"), cell(ex, "%.0f"), cell(raw, "%.0f"), ratio(ex, raw),
			cell(nc, "%.0f"), cell(get("neo4j", "neo4j", true, s, "import_rows_per_s"), "%.0f"), cell(lc, "%.0f"), ratio(nc, lc))
	}

	fmt.Fprintln(w, "\nSingle screening (ms; each transaction's buyer on its date; naive = shortestPath over any relationship up to 5 hops)")
	fmt.Fprintln(w)
	head("entities", "embedded p50", "embedded p99", "Neo4j p50", "Neo4j p99", "naive Cypher p50", "naive Cypher p99", "naive / Neo4j (p50, p99)", "answers agree")
	for _, s := range ss {
		np50, np99 := get("neo4j", "neo4j", false, s, "screen_p50_ms"), get("neo4j", "neo4j", false, s, "screen_p99_ms")
		v50, v99 := get("neo4j", "neo4j", false, s, "naive_p50_ms"), get("neo4j", "neo4j", false, s, "naive_p99_ms")
		agree := "—"
		if n := get("neo4j", "neo4j", false, s, "naive_n"); n > 0 {
			agree = fmt.Sprintf("%.0f/%.0f contain hopcheck's; %.0f/%.0f same verdict", get("neo4j", "neo4j", false, s, "naive_contains_hopcheck"), n,
				get("neo4j", "neo4j", false, s, "naive_same_verdict"), n)
		}
		row(fmt.Sprint(s), cell(get("embedded", "embedded", false, s, "screen_p50_ms"), "%.2f"), cell(get("embedded", "embedded", false, s, "screen_p99_ms"), "%.2f"),
			cell(np50, "%.2f"), cell(np99, "%.2f"), cell(v50, "%.1f"), cell(v99, "%.1f"), ratio(v50, np50)+", "+ratio(v99, np99), agree)
	}

	fmt.Fprintln(w, "\nFlagging every transaction (s)")
	fmt.Fprintln(w)
	head("entities", "transactions", "flagged", "embedded", "Neo4j")
	for _, s := range ss {
		n, f := get("embedded", "embedded", false, s, "transactions"), get("embedded", "embedded", false, s, "flagged")
		share := "—"
		if n > 0 {
			share = fmt.Sprintf("%.0f (%.1f%%)", f, 100*f/n)
		}
		row(fmt.Sprint(s), cell(n, "%.0f"), share, cell(get("embedded", "embedded", false, s, "flag_all_s"), "%.2f"), cell(get("neo4j", "neo4j", false, s, "flag_all_s"), "%.2f"))
	}

	fmt.Fprintln(w, "\nEmbedded store: memory and start-up")
	fmt.Fprintln(w)
	head("entities", "peak RSS, import + flag all + screenings (MB)", "RSS after start-up (MB)", "Go heap after start-up (MB)", "start-up from the data directory (s)",
		"first search by name, building the name indexes (s)", "RSS after it (MB)", "screening after start-up p50 / p99 (ms)")
	for _, s := range ss {
		open := func(k, f string) string { return cell(get("open", "", false, s, k), f) }
		row(fmt.Sprint(s), cell(get("embedded", "embedded", false, s, "peak_rss_mb"), "%.0f"), open("rss_mb", "%.0f"),
			open("heap_mb", "%.0f"), open("open_s", "%.2f"), open("first_search_s", "%.2f"), open("search_rss_mb", "%.0f"),
			open("screen_p50_ms", "%.3f")+" / "+open("screen_p99_ms", "%.2f"))
	}
	return nil
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
	}
	return 0
}
