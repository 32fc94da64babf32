// Command matchbench measures screening's matcher on the real public lists:
// it reads the lists (OFAC SDN, the EU human-rights and country lists, BIS
// MIEU, DoD 1260H, Section 889, the Surveillance Industry Index), makes
// variants of a seeded sample of their names by documented rules, adds
// names that are in no list, and screens every query through the embedded
// store's Search. It writes the records, queries and each query's
// candidates for bench/match/nomenklatura.py, which scores the same
// queries with nomenklatura's algorithms, and prints top-1 accuracy, the
// rate of wrong entities at or above the match threshold, false matches
// of absent names and latency, over a sweep of thresholds.
//
//	go run ./bench/matchbench -data ../shared/data/real -out /tmp/matchbench
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

func main() {
	data := flag.String("data", "../shared/data/real", "folder of the real lists")
	out := flag.String("out", "matchbench-out", "folder to write records, queries, candidates and results to")
	seed := flag.Uint64("seed", 1, "seed of the target sample and the variants")
	perSource := flag.Int("per-source", 30, "targets sampled from each list")
	storeDir := flag.String("store", "", "an embedded store's data directory to add the lists to (a copy is not made: use a scratch one), e.g. one with a generated million entities; a new temporary one when empty")
	neo := flag.Bool("neo4j", false, "run on the Neo4j store at NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD) instead; the lists are added to what it holds")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the screening to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*data, *out, *seed, *perSource, *storeDir, *neo); err != nil {
		fmt.Fprintln(os.Stderr, "matchbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// result is one query's answer.
type result struct {
	Query
	Top       string   `json:"top"`
	Score     float64  `json:"score"`
	Right     bool     `json:"right"`
	Micros    int64    `json:"micros"`
	Candidate []string `json:"candidates"` // for nomenklatura: what retrieval brought, and the right answers
}

func run(dataDir, outDir string, seed uint64, perSource int, storeDir string, neo bool) error {
	recs, err := loadLists(dataDir)
	if err != nil {
		return err
	}
	qs, dropped, ambiguous := buildQueries(recs, seed, perSource)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	ctx := context.Background()
	if storeDir == "" && !neo {
		tmp, err := os.MkdirTemp("", "matchbench-store-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		storeDir = tmp
	}
	s, err := openStore(ctx, storeDir, neo)
	if err != nil {
		return err
	}
	defer s.Close()
	u := graph.Upload{ID: "matchbench", Files: []string{"lists"}}
	seen := map[string]bool{}
	for _, r := range recs {
		if !seen[r.ID] {
			seen[r.ID] = true
			u.Entities = append(u.Entities, r.entity())
		}
	}
	if _, err := s.Apply(ctx, u, nil); err != nil {
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	docs := 0
	for _, n := range st.Entities {
		docs += n
	}
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), time.Now)
	var results []result
	for _, q := range qs {
		// The latency is a whole screening: retrieval, scoring and the
		// assessment of every candidate at or above the review threshold.
		start := time.Now()
		if _, err := ev.Screen(ctx, exposure.ScreenQuery{Name: q.Name}); err != nil {
			return err
		}
		el := time.Since(start)
		ms, err := s.Search(ctx, graph.SearchQuery{Text: q.Name, MinScore: 0.3, Limit: 10})
		if err != nil {
			return err
		}
		res := result{Query: q, Micros: el.Microseconds()}
		if len(ms) > 0 {
			res.Top, res.Score = ms[0].Entity.ID, ms[0].Score
			res.Right = slices.Contains(q.Accept, res.Top)
		}
		wide, err := s.Search(ctx, graph.SearchQuery{Text: q.Name, MinScore: 0.01, Limit: 20})
		if err != nil {
			return err
		}
		for _, m := range wide {
			res.Candidate = append(res.Candidate, m.Entity.ID)
		}
		for _, id := range q.Accept {
			if !slices.Contains(res.Candidate, id) {
				res.Candidate = append(res.Candidate, id)
			}
		}
		results = append(results, res)
	}
	if err := writeLines(filepath.Join(outDir, "records.jsonl"), recs); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(outDir, "hopcheck.jsonl"), results); err != nil {
		return err
	}
	report(docs, recs, results, dropped, ambiguous)
	return nil
}

func openStore(ctx context.Context, dir string, neo bool) (graph.Store, error) {
	if neo {
		user := os.Getenv("NEO4J_USER")
		if user == "" {
			user = "neo4j"
		}
		return neo4jstore.Open(ctx, neo4jstore.Config{URI: os.Getenv("NEO4J_URI"), User: user, Password: os.Getenv("NEO4J_PASSWORD")})
	}
	return memstore.Open(dir)
}

func writeLines[T any](path string, vs []T) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func report(docs int, recs []Record, rs []result, dropped []string, ambiguous int) {
	var variants, absents int
	byRule := map[string][2]int{}
	var lat []int64
	for _, r := range rs {
		lat = append(lat, r.Micros)
		if r.Rule == "absent" {
			absents++
			continue
		}
		variants++
		c := byRule[r.Rule]
		c[1]++
		if r.Right {
			c[0]++
		}
		byRule[r.Rule] = c
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("records %d, variant queries %d (%d initials left out: another record's name), absent names %d (left out as listed: %v)\n", len(recs), variants, ambiguous, absents, dropped)
	fmt.Printf("screening latency (%d entities in the store): p50 %d µs, p99 %d µs, max %d µs\n", docs, lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
	var rules []string
	for k := range byRule {
		rules = append(rules, k)
	}
	sort.Strings(rules)
	for _, k := range rules {
		c := byRule[k]
		fmt.Printf("  %-16s top-1 %d/%d (%.1f%%)\n", k, c[0], c[1], 100*float64(c[0])/float64(c[1]))
	}
	fmt.Println("threshold  top-1 (at or above review 0.70)  wrong ≥ threshold  absent ≥ threshold")
	for _, t := range []float64{0.75, 0.8, 0.85, 0.9, 0.95} {
		var right, wrong, falseAbsent int
		for _, r := range rs {
			switch {
			case r.Rule == "absent":
				if r.Score >= t {
					falseAbsent++
				}
			case r.Right && r.Score >= graph.DefaultReviewThreshold:
				right++
			case !r.Right && r.Top != "" && r.Score >= t:
				wrong++
			}
		}
		fmt.Printf("  %.2f     %.1f%%                          %.1f%%               %.1f%%\n", t,
			100*float64(right)/float64(variants), 100*float64(wrong)/float64(variants), 100*float64(falseAbsent)/float64(absents))
	}
}
