// Command hopbench takes the whole-system measurements of docs/BENCHMARKS.md
// on a data set written by `hopcheck gen`. Each subcommand prints one JSON
// object on stdout; bench/run.sh collects them into a table.
//
//	hopbench embedded -data GEN -store DIR [-xlsx]  import, flag all, screen (embedded store)
//	hopbench open -store DIR [-samples N]           start-up from a data directory, RSS; screening after it
//	hopbench neo4j -data GEN [-xlsx]                import, flag all, screen, naive Cypher (NEO4J_URI)
//	hopbench loadcsv -data GEN                      Neo4j's LOAD CSV of the same files (in its import dir)
//	hopbench xlsxraw -data GEN                      excelize's raw streaming read of hopcheck.xlsx
//	hopbench table RESULTS.jsonl                    the results as markdown tables
//
// Every subcommand takes -cpuprofile FILE; open also -memprofile FILE (the heap of the opened store).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/xuri/excelize/v2"

	"github.com/hopcheck/hopcheck/gen"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
	"github.com/hopcheck/hopcheck/importer"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hopbench embedded|open|neo4j|loadcsv|xlsxraw [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	data := fs.String("data", "", "directory written by hopcheck gen")
	store := fs.String("store", "", "embedded store data directory")
	xlsx := fs.Bool("xlsx", false, "import hopcheck.xlsx instead of the CSV files")
	samples := fs.Int("samples", 1000, "screenings to time")
	naive := fs.Int("naive", 200, "naive Cypher queries to time (neo4j)")
	refresh := fs.Bool("refresh", true, "flag every transaction after the import")
	scale := fs.Int("scale", 0, "the data set's scale, copied into the output")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the subcommand to this file")
	memprofile := fs.String("memprofile", "", "open: write a heap profile of the opened store to this file")
	reuse := fs.Bool("reuse", false, "neo4j: keep what the server stores (a -refresh=false run's import) but its flags, and only flag and screen")
	_ = fs.Parse(os.Args[2:])
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "hopbench:", err)
			os.Exit(1)
		}
	}
	ctx := context.Background()
	var out map[string]any
	var err error
	switch os.Args[1] {
	case "embedded":
		out, err = embedded(ctx, *data, *store, *xlsx, *samples, *refresh)
	case "open":
		out, err = open(ctx, *store, *memprofile, *samples)
	case "neo4j":
		out, err = neo(ctx, *data, *xlsx, *samples, *naive, *refresh, *reuse)
	case "loadcsv":
		out, err = loadCSV(ctx, *data)
	case "xlsxraw":
		out, err = xlsxRaw(filepath.Join(*data, "hopcheck.xlsx"))
	case "table":
		err = table(os.Stdout, fs.Args())
		if err == nil {
			return
		}
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hopbench:", err)
		os.Exit(1)
	}
	out["run"], out["scale"] = os.Args[1], *scale
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func files(data string, xlsx bool) ([]importer.File, error) {
	if !xlsx {
		return gen.ReadCSV(data)
	}
	b, err := os.ReadFile(filepath.Join(data, "hopcheck.xlsx"))
	if err != nil {
		return nil, err
	}
	return []importer.File{{Name: "hopcheck.xlsx", Data: b}}, nil
}

// load imports the data set into s and, when asked, flags every transaction.
func load(ctx context.Context, s graph.Store, data string, xlsx, refresh bool, out map[string]any) (*exposure.Evaluator, error) {
	if err := importData(ctx, s, data, xlsx, out); err != nil {
		return nil, err
	}
	return flagAll(ctx, s, refresh, out)
}

// importData imports the data set into s.
func importData(ctx context.Context, s graph.Store, data string, xlsx bool, out map[string]any) error {
	fs, err := files(data, xlsx)
	if err != nil {
		return err
	}
	t0 := time.Now()
	// A 1M-entity data set has a 140 MB links.csv of 2.7M rows: past the
	// defaults meant for uploads through the API.
	limits := importer.Limits{MaxFileBytes: 1 << 30, MaxRows: 10_000_000, MaxCells: 1 << 30}
	rep, err := importer.Import(ctx, s, fs, importer.Options{Limits: limits})
	if err != nil {
		return err
	}
	if rep.Rejected {
		return fmt.Errorf("upload rejected: %v", rep.Errors[:min(3, len(rep.Errors))])
	}
	sec := time.Since(t0).Seconds()
	rows, err := fileRows(data)
	if err != nil {
		return err
	}
	out["rows"], out["import_s"], out["import_rows_per_s"] = rows, sec, float64(rows)/sec
	// Shown at once: at 1M the flag-all that follows takes minutes.
	fmt.Fprintf(os.Stderr, "hopbench: imported %d rows in %.1f s (%.0f rows/s)\n", rows, sec, float64(rows)/sec)
	return nil
}

// flagAll returns the evaluator of the default policy on s, after
// flagging every transaction when asked.
func flagAll(ctx context.Context, s graph.Store, refresh bool, out map[string]any) (*exposure.Evaluator, error) {
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now)
	if refresh {
		t0 := time.Now()
		r, err := ev.Refresh(ctx, "")
		if err != nil {
			return nil, err
		}
		out["flag_all_s"], out["transactions"], out["flagged"] = time.Since(t0).Seconds(), r.Evaluated, r.Flagged
	}
	return ev, nil
}

// sample is the first n transactions' buyers with their dates: the
// counterparties an onboarding system would screen.
func sample(ctx context.Context, s graph.Store, n int) ([]graph.ReachQuery, error) {
	txs, err := s.Transactions(ctx, nil)
	if err != nil {
		return nil, err
	}
	var qs []graph.ReachQuery
	for _, t := range txs[:min(n, len(txs))] {
		qs = append(qs, graph.ReachQuery{Start: t.Buyer, On: t.Date})
	}
	return qs, nil
}

// screen times one screening (Evaluator.Entity) per query.
func screen(ctx context.Context, ev *exposure.Evaluator, qs []graph.ReachQuery, out map[string]any, prefix string) error {
	ds := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		t0 := time.Now()
		if _, err := ev.Entity(ctx, q.Start, q.On); err != nil {
			return err
		}
		ds = append(ds, time.Since(t0))
	}
	p50, p99 := percentiles(ds)
	out[prefix+"p50_ms"], out[prefix+"p99_ms"], out[prefix+"n"] = p50, p99, len(ds)
	return nil
}

func percentiles(ds []time.Duration) (p50, p99 float64) {
	if len(ds) == 0 {
		return 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(ds[len(ds)/2]), ms(ds[min(len(ds)-1, len(ds)*99/100)])
}

// sampleAndScreen times the screening of n transactions' buyers and
// returns the queries it screened.
func sampleAndScreen(ctx context.Context, s graph.Store, ev *exposure.Evaluator, n int, out map[string]any) ([]graph.ReachQuery, error) {
	qs, err := sample(ctx, s, n)
	if err != nil {
		return nil, err
	}
	return qs, screen(ctx, ev, qs, out, "screen_")
}

func embedded(ctx context.Context, data, dir string, xlsx bool, n int, refresh bool) (map[string]any, error) {
	out := map[string]any{"store": "embedded", "xlsx": xlsx}
	s, err := memstore.Open(dir)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	ev, err := load(ctx, s, data, xlsx, refresh, out)
	if err != nil {
		return nil, err
	}
	if _, err := sampleAndScreen(ctx, s, ev, n, out); err != nil {
		return nil, err
	}
	out["peak_rss_mb"] = procStatus("VmHWM") / 1024
	return out, nil
}

// open measures the start-up from dir and then, with n > 0, the screening
// of n transactions' buyers on the opened store (after the path search is
// warmed, as a server's start does).
func open(ctx context.Context, dir, memprofile string, n int) (map[string]any, error) {
	t0 := time.Now()
	s, err := memstore.Open(dir)
	if err != nil {
		return nil, err
	}
	d := time.Since(t0).Seconds()
	runtime.GC()
	out := map[string]any{"open_s": d, "rss_mb": procStatus("VmRSS") / 1024, "peak_rss_mb": procStatus("VmHWM") / 1024}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out["heap_mb"] = ms.HeapAlloc >> 20
	if memprofile != "" {
		if err := writeHeapProfile(memprofile); err != nil {
			s.Close()
			return nil, err
		}
	}
	if n > 0 {
		// The first search by name builds the name indexes the open left.
		t0 := time.Now()
		if _, err := s.Search(ctx, graph.SearchQuery{Text: "Falar Networks"}); err != nil {
			s.Close()
			return nil, err
		}
		out["first_search_s"] = time.Since(t0).Seconds()
		runtime.GC()
		out["search_rss_mb"] = procStatus("VmRSS") / 1024
		ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now)
		t0 = time.Now()
		if err := ev.Warm(ctx); err != nil {
			s.Close()
			return nil, err
		}
		out["warm_s"] = time.Since(t0).Seconds()
		if _, err := sampleAndScreen(ctx, s, ev, n, out); err != nil {
			s.Close()
			return nil, err
		}
	}
	return out, s.Close()
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// procStatus reads a kB field of /proc/self/status.
func procStatus(field string) int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	return 0
}

func neo4jConfig() neo4jstore.Config {
	return neo4jstore.Config{URI: os.Getenv("NEO4J_URI"), User: or(os.Getenv("NEO4J_USER"), "neo4j"), Password: os.Getenv("NEO4J_PASSWORD")}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func driver() (neo4j.DriverWithContext, error) {
	c := neo4jConfig()
	return neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
}

// run runs an auto-commit query (CALL … IN TRANSACTIONS needs one).
func run(ctx context.Context, d neo4j.DriverWithContext, query string, params map[string]any) ([]*neo4j.Record, error) {
	sess := d.NewSession(ctx, neo4j.SessionConfig{})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// wipe deletes every node and relationship, keeping the schema.
func wipe(ctx context.Context, d neo4j.DriverWithContext) error {
	_, err := run(ctx, d, `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	return err
}

// wipeFlags deletes the flags, so that a flag-all on a reused store saves
// every flag as the first one after an import does.
func wipeFlags(ctx context.Context, d neo4j.DriverWithContext) error {
	_, err := run(ctx, d, `MATCH (f:Flag) CALL (f) { DETACH DELETE f } IN TRANSACTIONS OF 10000 ROWS`, nil)
	return err
}

// neo imports the data set into a wiped Neo4j, flags and screens; with
// reuse, it deletes the flags only and flags and screens what the server
// already stores (an import of a -refresh=false run, which takes tens of
// minutes at 1M).
func neo(ctx context.Context, data string, xlsx bool, n, nNaive int, refresh, reuse bool) (map[string]any, error) {
	out := map[string]any{"store": "neo4j", "xlsx": xlsx, "reused": reuse}
	d, err := driver()
	if err != nil {
		return nil, err
	}
	defer d.Close(ctx)
	wipeWhat := wipe
	if reuse {
		wipeWhat = wipeFlags
	}
	if err := wipeWhat(ctx, d); err != nil {
		return nil, err
	}
	s, err := neo4jstore.Open(ctx, neo4jConfig())
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if !reuse {
		err = importData(ctx, s, data, xlsx, out)
	}
	var ev *exposure.Evaluator
	if err == nil {
		ev, err = flagAll(ctx, s, refresh, out)
	}
	if err != nil || xlsx {
		return out, err
	}
	qs, err := sampleAndScreen(ctx, s, ev, n, out)
	if err != nil {
		return nil, err
	}
	if nNaive > 0 {
		if err := naiveCypher(ctx, d, s, qs[:min(nNaive, len(qs))], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// naiveQuery is what a Neo4j user would write first: the shortest path
// over any relationship, either way, up to max_hops, to every restrictive
// end-user.
const naiveQuery = `
MATCH (c:Country) WHERE c.restrictive = true
WITH collect(c.code) AS rc
MATCH (s:Entity {id: $id}), (g:GovernmentBody)
WHERE coalesce(g.restrictive, g.country IN rc, false)
MATCH p = shortestPath((s)-[*..5]-(g))
RETURN g.id AS id, length(p) AS hops`

// naiveCypher times the naive query for the same starts and checks that
// it finds every end-user hopcheck finds, no farther away (it walks more
// links, so it may only find more, or the same ones closer).
func naiveCypher(ctx context.Context, d neo4j.DriverWithContext, s graph.Store, qs []graph.ReachQuery, out map[string]any) error {
	p := graph.DefaultPolicy()
	ds := make([]time.Duration, 0, len(qs))
	agree, extra, same := 0, 0, 0
	for _, q := range qs {
		t0 := time.Now()
		recs, err := run(ctx, d, naiveQuery, map[string]any{"id": q.Start})
		if err != nil {
			return err
		}
		ds = append(ds, time.Since(t0))
		found := map[string]int64{}
		for _, r := range recs {
			found[r.Values[0].(string)] = r.Values[1].(int64)
		}
		rs, err := s.Reach(ctx, []graph.ReachQuery{q}, p)
		if err != nil {
			return err
		}
		ok := true
		for _, x := range rs[0].Exposures {
			if h, hit := found[x.EndUser.ID]; x.Hops > 0 && (!hit || int(h) > x.Hops) {
				ok = false
			}
		}
		if ok {
			agree++
		}
		if len(found) > len(rs[0].Exposures) {
			extra++
		}
		if (len(found) > 0) == (len(rs[0].Exposures) > 0) {
			same++
		}
	}
	p50, p99 := percentiles(ds)
	out["naive_p50_ms"], out["naive_p99_ms"], out["naive_n"] = p50, p99, len(ds)
	out["naive_contains_hopcheck"], out["naive_finds_more"], out["naive_same_verdict"] = agree, extra, same
	return nil
}

// loadSchema is the unique constraints loadCypher relies on, the same
// hopcheck creates; made before the load is timed, so that a fresh server
// (no hopcheck run before) does not scan the label for every row.
var loadSchema = []string{
	"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE",
	"CREATE CONSTRAINT country_code IF NOT EXISTS FOR (c:Country) REQUIRE c.code IS UNIQUE",
	"CREATE CONSTRAINT transaction_id IF NOT EXISTS FOR (t:Transaction) REQUIRE t.id IS UNIQUE",
	"CALL db.awaitIndexes(300)",
}

// loadCypher is a Neo4j user's LOAD CSV of the generated files: nodes
// merged on their ids (under loadSchema's constraints), relationships
// created, in transactions of 10,000 rows.
var loadCypher = []string{
	`LOAD CSV WITH HEADERS FROM 'file:///countries.csv' AS row
CALL (row) { MERGE (c:Country {code: row.country}) SET c.restrictive = toBoolean(row.restrictive), c.score = toInteger(row.score), c.basis = row.basis } IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///organizations.csv' AS row
CALL (row) { MERGE (e:Entity {id: row.id}) SET e:Organization, e.name = row.name, e.aliases = CASE WHEN row.aliases IS NULL THEN null ELSE split(row.aliases, ';') END,
  e.country = row.country, e.role = row.role, e.registration_id = row.registration_id } IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///persons.csv' AS row
CALL (row) { MERGE (e:Entity {id: row.id}) SET e:Person, e.name = row.name, e.country = row.country, e.position = row.position } IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///government_bodies.csv' AS row
CALL (row) { MERGE (e:Entity {id: row.id}) SET e:GovernmentBody, e.name = row.name, e.country = row.country, e.kind = row.kind,
  e.restrictive = CASE row.restrictive WHEN 'yes' THEN true WHEN 'no' THEN false ELSE null END, e.basis = row.basis } IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///government_bodies.csv' AS row
WITH row WHERE row.parent IS NOT NULL
CALL (row) { MATCH (e:Entity {id: row.id}), (p:Entity {id: row.parent}) CREATE (e)-[:PART_OF]->(p) } IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///links.csv' AS row
CALL (row) {
  MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
  WITH row, a, b, {percent: toFloat(row.percent), role: row.role, evidence: row.evidence,
    valid_from: CASE WHEN row.valid_from IS NULL THEN null ELSE date(row.valid_from) END,
    valid_to: CASE WHEN row.valid_to IS NULL THEN null ELSE date(row.valid_to) END} AS props
  FOREACH (_ IN CASE row.type WHEN 'owns' THEN [1] ELSE [] END | CREATE (a)-[r:OWNS]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'controls' THEN [1] ELSE [] END | CREATE (a)-[r:CONTROLS]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'supplies' THEN [1] ELSE [] END | CREATE (a)-[r:SUPPLIES]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'part_of' THEN [1] ELSE [] END | CREATE (a)-[r:PART_OF]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'officer_of' THEN [1] ELSE [] END | CREATE (a)-[r:OFFICER_OF]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'related_to' THEN [1] ELSE [] END | CREATE (a)-[r:RELATED_TO]->(b) SET r = props)
  FOREACH (_ IN CASE row.type WHEN 'agent_of' THEN [1] ELSE [] END | CREATE (a)-[r:AGENT_OF]->(b) SET r = props)
} IN TRANSACTIONS OF 10000 ROWS`,
	`LOAD CSV WITH HEADERS FROM 'file:///transactions.csv' AS row
CALL (row) {
  MERGE (t:Transaction {id: row.id}) SET t.date = date(row.date), t.product = row.product, t.capability = row.capability,
    t.quantity = toInteger(row.quantity), t.value = toFloat(row.value), t.currency = row.currency, t.ship_to = row.ship_to
  WITH t, row MATCH (b:Entity {id: row.buyer}) CREATE (t)-[:BUYER]->(b)
  WITH t, row OPTIONAL MATCH (s:Entity {id: row.seller}) FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | CREATE (t)-[:SELLER]->(s))
  WITH t, row OPTIONAL MATCH (u:Entity {id: row.end_user}) FOREACH (_ IN CASE WHEN u IS NULL THEN [] ELSE [1] END | CREATE (t)-[:END_USER]->(u))
  WITH t, row OPTIONAL MATCH (c:Country {code: row.ship_to}) FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (t)-[:SHIPS_TO]->(c))
} IN TRANSACTIONS OF 10000 ROWS`,
}

func loadCSV(ctx context.Context, data string) (map[string]any, error) {
	d, err := driver()
	if err != nil {
		return nil, err
	}
	defer d.Close(ctx)
	if err := wipe(ctx, d); err != nil {
		return nil, err
	}
	rows, err := fileRows(data)
	if err != nil {
		return nil, err
	}
	for _, q := range loadSchema {
		if _, err := run(ctx, d, q, nil); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	for _, q := range loadCypher {
		if _, err := run(ctx, d, q, nil); err != nil {
			return nil, fmt.Errorf("%.60s…: %w", q, err)
		}
	}
	sec := time.Since(t0).Seconds()
	recs, err := run(ctx, d, `MATCH ()-[r]->() RETURN count(r)`, nil)
	if err != nil {
		return nil, err
	}
	return map[string]any{"loadcsv_s": sec, "rows": rows, "loadcsv_rows_per_s": float64(rows) / sec, "relationships": recs[0].Values[0]}, nil
}

// fileRows counts the data rows of the CSV files: the rows of every
// rows/s figure, whichever format was imported.
func fileRows(data string) (int, error) {
	fs, err := gen.ReadCSV(data)
	if err != nil {
		return 0, err
	}
	rows := 0
	for _, f := range fs {
		rows += strings.Count(string(f.Data), "\n") - 1
	}
	return rows, nil
}

// xlsxRaw reads every cell of every sheet with excelize's streaming row
// iterator: the floor for any XLSX import.
func xlsxRaw(path string) (map[string]any, error) {
	t0 := time.Now()
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, cells := 0, 0
	for _, sh := range f.GetSheetList() {
		it, err := f.Rows(sh)
		if err != nil {
			return nil, err
		}
		for it.Next() {
			cols, err := it.Columns()
			if err != nil {
				return nil, err
			}
			rows++
			cells += len(cols)
		}
		if err := it.Close(); err != nil {
			return nil, err
		}
	}
	sec := time.Since(t0).Seconds()
	return map[string]any{"raw_s": sec, "rows": rows, "cells": cells, "raw_rows_per_s": float64(rows) / sec}, nil
}
