package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/xref"
)

func cmdXref(ctx context.Context, e *env, args []string) error {
	fs := e.flags("xref", "")
	asJSON := fs.Bool("json", false, "print the run's summary and the open candidates as JSON")
	list := fs.Bool("list", false, "list the stored proposals still to decide, without running")
	limit := fs.Int("limit", 20, "how many open candidates to print (0: all)")
	var o xref.Options
	fs.Float64Var(&o.MinScore, "min-score", xref.DefaultMinScore, "the least score proposed")
	fs.IntVar(&o.MaxBlock, "max-block", xref.DefaultMaxBlock, "a name key or identifier shared by more entities is not used to find candidates (counted in the summary)")
	fs.IntVar(&o.PerEntity, "per-entity", xref.DefaultPerEntity, "candidates scored per entity")
	fs.IntVar(&o.Keep, "keep", xref.DefaultKeep, "proposals kept in the store, the best (the others are counted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("xref takes no arguments: %w", errUsage)
	}
	if o.MinScore < 0 || o.MinScore > 1 || *limit < 0 {
		return fmt.Errorf("--min-score is from 0 to 1 and --limit not negative: %w", errUsage)
	}
	s, _, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	var sum *xref.Summary
	if !*list {
		o.Progress = xrefProgress(e.stderr)
		x := &xref.Runner{Store: s}
		r, err := x.Run(ctx, o, "cli")
		if err != nil {
			return err
		}
		sum = &r
	}
	p, err := xref.Load(ctx, s)
	if err != nil {
		return err
	}
	ds, err := s.Decisions(ctx)
	if err != nil {
		return err
	}
	open := xref.Open(p.Candidates, ds)
	total := len(open)
	if *limit > 0 && len(open) > *limit {
		open = open[:*limit]
	}
	out := make([]pair, 0, len(open))
	for _, c := range open {
		a, err := refOf(ctx, s, c.A)
		if err != nil {
			return err
		}
		b, err := refOf(ctx, s, c.B)
		if err != nil {
			return err
		}
		out = append(out, pair{A: a, B: b, Score: c.Score, Features: c.Features, ExactIdentifier: c.ExactIdentifier})
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Summary    *xref.Summary `json:"summary,omitempty"`
			Candidates []pair        `json:"candidates"`
			Total      int           `json:"total"`
			LeftOff    int           `json:"left_off"`
		}{sum, out, total, p.LeftOff})
	}
	w := e.stdout
	if sum != nil {
		fmt.Fprintf(w, "Cross-referenced %d entities: %d blocking keys shared, %d of them by more than %d entities and skipped; %d pairs compared, %d decided already; %d proposed (score ≥ %.2f), %d kept, %d left off.\n",
			sum.Entities, sum.Keys, sum.SkippedKeys, sum.MaxBlock, sum.Compared, sum.Decided, sum.Proposed, sum.MinScore, sum.Kept, sum.KeptLeftOff)
	}
	fmt.Fprintf(w, "%d candidate pairs to decide", total)
	if len(out) < total {
		fmt.Fprintf(w, ", the best %d", len(out))
	}
	fmt.Fprintln(w, ":")
	writePairs(w, out)
	return nil
}

// pair is a candidate as the CLI prints it.
type pair struct {
	A               graph.Ref            `json:"a"`
	B               graph.Ref            `json:"b"`
	Score           float64              `json:"score"`
	Features        []graph.MatchFeature `json:"features"`
	ExactIdentifier bool                 `json:"exact_identifier"`
}

func refOf(ctx context.Context, s graph.Store, id string) (graph.Ref, error) {
	e, err := s.Entity(ctx, id)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return graph.Ref{ID: id}, nil
	}
	return e.Ref(), err
}

func writePairs(w io.Writer, ps []pair) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCORE\tA\tB\tWHY")
	for _, p := range ps {
		why := ""
		for _, f := range p.Features {
			if f.Name != "name" && f.Effect != "keeps" {
				why += f.Name + " " + f.Effect + "; "
			}
		}
		if p.ExactIdentifier {
			why = "same identifier; " + why
		}
		fmt.Fprintf(tw, "%.3f\t%s %s (%s)\t%s %s (%s)\t%s\n", p.Score, p.A.ID, p.A.Name, p.A.Country, p.B.ID, p.B.Name, p.B.Country, why)
	}
	tw.Flush()
}

// xrefProgress reports cross-referencing's progress on w when it is a
// terminal.
func xrefProgress(w io.Writer) func(phase string, done, total int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(phase string, done, total int) {
		if total > 0 {
			fmt.Fprintf(w, "\r\033[K%-10s %d/%d", phase, done, total)
		} else {
			fmt.Fprintf(w, "\r\033[K%-10s %d", phase, done)
		}
		if phase == "scoring" && done == total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
