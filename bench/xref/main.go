// Command xref measures cross-referencing against pairs labelled by hand.
//
// It runs graph/xref twice over an embedded store holding the real lists:
// with the product's defaults (the proposals), and loosely (a lower
// score, more candidates per entity, larger blocks: the pool that
// estimates what the defaults miss). Then:
//
//	go run ./bench/xref -store DIR -sample 80 -out sample.csv
//
// writes a seeded random sample of the proposals and of the loose pool's
// other pairs, to be labelled by reading them (same or not_same), and
//
//	go run ./bench/xref -store DIR -labels bench/xref/labels.csv
//
// recomputes precision and recall from the labels: precision is the share
// of labelled proposals that are one party; recall is the estimated true
// proposals over the estimated true pairs of the proposals and the loose
// pool together (so recall is relative to what the loose run finds).
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/xref"
)

func main() {
	store := flag.String("store", "", "embedded store directory with the real lists imported")
	sample := flag.Int("sample", 0, "write this many pairs of each pool to label")
	out := flag.String("out", "sample.csv", "where -sample writes")
	labels := flag.String("labels", "", "labelled pairs (CSV: pool,a,b,label,…)")
	seed := flag.Uint64("seed", 13, "sampling seed")
	flag.Parse()
	if *store == "" || (*sample == 0) == (*labels == "") {
		fmt.Fprintln(os.Stderr, "usage: xref -store DIR (-sample N [-out FILE] | -labels FILE)")
		os.Exit(2)
	}
	if err := run(*store, *sample, *out, *labels, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "xref:", err)
		os.Exit(1)
	}
}

// The loose run: the pool of pairs the defaults might have missed.
var loose = xref.Options{MinScore: 0.5, PerEntity: 30, MaxBlock: 400, Keep: 1 << 30}

func run(dir string, sample int, out, labels string, seed uint64) error {
	ctx := context.Background()
	s, err := memstore.Open(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	t0 := time.Now()
	def, err := xref.Run(ctx, s, xref.Options{Keep: 1 << 30})
	if err != nil {
		return err
	}
	fmt.Printf("defaults: %d entities, %d pairs compared, %d proposed (score ≥ %.2f), %d keys skipped, %.1f s\n",
		def.Entities, def.Compared, def.Proposed, def.MinScore, def.SkippedKeys, time.Since(t0).Seconds())
	t0 = time.Now()
	lo, err := xref.Run(ctx, s, loose)
	if err != nil {
		return err
	}
	proposed := map[string]xref.Candidate{}
	for _, c := range def.Candidates {
		proposed[c.Key()] = c
	}
	var rest []xref.Candidate
	for _, c := range lo.Candidates {
		if _, ok := proposed[c.Key()]; !ok {
			rest = append(rest, c)
		}
	}
	fmt.Printf("loose: %d proposed (score ≥ %.2f), of them %d not proposed by the defaults, %.1f s\n",
		lo.Proposed, lo.MinScore, len(rest), time.Since(t0).Seconds())
	if sample > 0 {
		return writeSample(ctx, s, out, seed, sample, def.Candidates, rest)
	}
	return score(labels, proposed, rest)
}

func writeSample(ctx context.Context, s graph.Store, out string, seed uint64, n int, proposed, rest []xref.Candidate) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"pool", "a", "b", "label", "score", "a_name", "a_country", "a_aliases", "b_name", "b_country", "b_aliases", "a_file", "b_file"})
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, pool := range []struct {
		name string
		cs   []xref.Candidate
	}{{"proposed", proposed}, {"loose", rest}} {
		cs := append([]xref.Candidate(nil), pool.cs...)
		rng.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
		for _, c := range cs[:min(n, len(cs))] {
			a, err := s.Entity(ctx, c.A)
			if err != nil {
				return err
			}
			b, err := s.Entity(ctx, c.B)
			if err != nil {
				return err
			}
			w.Write([]string{pool.name, c.A, c.B, "", fmt.Sprintf("%.3f", c.Score), a.Name, a.Country, strings.Join(a.Aliases, "; "),
				b.Name, b.Country, strings.Join(b.Aliases, "; "), a.Source.File, b.Source.File})
		}
	}
	w.Flush()
	return w.Error()
}

func score(path string, proposed map[string]xref.Candidate, rest []xref.Candidate) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	inRest := map[string]bool{}
	for _, c := range rest {
		inRest[c.Key()] = true
	}
	type tally struct{ same, notSame, gone int }
	var prop, pool tally
	var missed []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		key := graph.PairKey(rec[col["a"]], rec[col["b"]])
		label := rec[col["label"]]
		if label != "same" && label != "not_same" {
			return fmt.Errorf("pair %s: label %q (expected same or not_same)", key, label)
		}
		var t *tally
		switch {
		case proposed[key].A != "":
			t = &prop
		case inRest[key]:
			t = &pool
		default: // the labels were made on another run
			if rec[col["pool"]] == "proposed" {
				prop.gone++
			} else {
				pool.gone++
			}
			continue
		}
		if label == "same" {
			t.same++
			if t == &pool {
				missed = append(missed, fmt.Sprintf("%s (%s | %s)", key, rec[col["a_name"]], rec[col["b_name"]]))
			}
		} else {
			t.notSame++
		}
	}
	np, nr := prop.same+prop.notSame, pool.same+pool.notSame
	if np == 0 || nr == 0 {
		return fmt.Errorf("labels: %d proposed and %d pool pairs of this run; both are needed", np, nr)
	}
	precision := float64(prop.same) / float64(np)
	poolRate := float64(pool.same) / float64(nr)
	trueProposed := precision * float64(len(proposed))
	trueMissed := poolRate * float64(len(rest))
	recall := trueProposed / (trueProposed + trueMissed)
	fmt.Printf("labelled: %d proposed pairs (%d same, %d not), %d loose-pool pairs (%d same, %d not)", np, prop.same, prop.notSame, nr, pool.same, pool.notSame)
	if prop.gone+pool.gone > 0 {
		fmt.Printf("; %d labelled pairs are in neither pool of this run", prop.gone+pool.gone)
	}
	fmt.Println()
	fmt.Printf("precision %.1f%% (± %.1f%%, 95%%)\n", 100*precision, 196*se(precision, np))
	fmt.Printf("estimated one-party pairs: %.0f proposed, %.0f in the loose pool only → recall %.1f%% (relative to the loose pool)\n", trueProposed, trueMissed, 100*recall)
	sort.Strings(missed)
	for _, m := range missed {
		fmt.Println("  missed:", m)
	}
	return nil
}

// se is the standard error of a share p of n.
func se(p float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return math.Sqrt(p * (1 - p) / float64(n))
}
