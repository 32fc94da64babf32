package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/resolution"
	"github.com/hopcheck/hopcheck/importer"
)

const resolveUsage = `Usage:
  hopcheck resolve same A B [--note TEXT] [--by NAME]      A and B are one party (SAME_AS)
  hopcheck resolve not-same A B [--note TEXT] [--by NAME]  A and B are two parties (NOT_SAME_AS)
  hopcheck resolve undo A B [--by NAME]                    remove the decision on A and B
  hopcheck resolve list [--json | --csv]                   every decision (--csv: an identity sheet)
  hopcheck resolve show ID [--json]                        the entity's cluster and its decisions

A, B and ID are entity ids, or names that name exactly one entity (as in an
upload: "did you mean" when none does). Each decision and removal re-evaluates the flags
(a reviewed flag whose evidence changed reopens, naming the decision) and
is recorded in the audit log. --by defaults to HOPCHECK_USER, else USER.
`

func cmdResolve(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, resolveUsage)
		e.usageShown = true
		return errUsage
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, resolveUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fs := e.flags("resolve "+sub, "")
	fs.Usage = func() {
		e.usageShown = true
		fmt.Fprint(e.stderr, resolveUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print JSON")
	var note, by *string
	var asCSV *bool
	want := 0
	switch sub {
	case "same", "not-same", "not_same", "undo":
		if sub != "undo" {
			note = fs.String("note", "", "why: the evidence the decision rests on")
		}
		by = fs.String("by", e.user(), "who decides")
		want = 2
	case "list":
		asCSV = fs.Bool("csv", false, "print the decisions as an identity sheet (CSV), importable with hopcheck import")
	case "show":
		want = 1
	default:
		fmt.Fprint(e.stderr, resolveUsage)
		e.usageShown = true
		return fmt.Errorf("unknown resolve command %q: %w", sub, errUsage)
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != want {
		fs.Usage()
		return fmt.Errorf("resolve %s takes %d arguments, got %d: %w", sub, want, len(pos), errUsage)
	}
	if asCSV != nil && *asCSV && *asJSON {
		return fmt.Errorf("--json and --csv: choose one: %w", errUsage)
	}
	s, ev, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	r := resolution.New(s, ev, func(ctx context.Context, a graph.AuditEntry) error {
		return s.AppendAudit(context.WithoutCancel(ctx), a)
	}, time.Now)
	// A and B (or ID) may be names, resolved as upload rows resolve them.
	// Undo takes the stored decision's ends as given.
	if sub != "list" && sub != "undo" {
		if pos, err = importer.ResolveReferences(ctx, s, pos...); err != nil {
			return err
		}
	}

	switch sub {
	case "list":
		ds, err := s.Decisions(ctx)
		if err != nil {
			return err
		}
		switch {
		case *asCSV:
			return importer.WriteIdentityCSV(e.stdout, ds)
		case *asJSON:
			if ds == nil {
				ds = []graph.Decision{}
			}
			return writeJSON(e.stdout, ds)
		}
		writeDecisions(e.stdout, ds)
		return nil
	case "show":
		c, err := r.Cluster(ctx, pos[0])
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, c)
		}
		writeCluster(e.stdout, c)
		return nil
	case "undo":
		out, err := r.Undo(ctx, pos[0], pos[1], *by)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, out)
		}
		fmt.Fprintf(e.stdout, "Removed: %s.\n", resolution.Describe(out.Decision))
		writeRefresh(e.stdout, out)
		return nil
	}
	id := graph.Same
	if sub != "same" {
		id = graph.NotSame
	}
	out, err := r.Decide(ctx, resolution.Request{A: pos[0], B: pos[1], Identity: id, By: *by, Note: *note, Via: "hopcheck resolve " + sub})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	verb := "Recorded"
	if !out.Changed {
		verb = "Already recorded"
	}
	fmt.Fprintf(e.stdout, "%s: %s, at %s.\n", verb, resolution.Describe(out.Decision), out.Decision.DecidedAt)
	if id == graph.Same {
		c, err := r.Cluster(ctx, pos[0])
		if err != nil {
			return err
		}
		ids := make([]string, len(c.Members))
		for i, m := range c.Members {
			ids[i] = m.ID
		}
		fmt.Fprintf(e.stdout, "Cluster %s: %s.\n", c.ID, strings.Join(ids, ", "))
	}
	writeRefresh(e.stdout, out)
	return nil
}

// parseInterleaved parses flags that may stand before, between or after
// the positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func writeRefresh(w io.Writer, out resolution.Outcome) {
	if !out.Changed {
		return
	}
	f := out.Flags
	fmt.Fprintf(w, "Flags: %d transactions evaluated, %d flagged, %d reviewed flags reopened.\n", f.Evaluated, f.Flagged, f.Reopened)
}

func writeDecisions(w io.Writer, ds []graph.Decision) {
	if len(ds) == 0 {
		fmt.Fprintln(w, "No identity decisions.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "A\tB\tDECISION\tBY\tAT\tNOTE")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.A, d.B, d.Identity, d.DecidedBy, d.DecidedAt, oneLine(d.Note))
	}
	tw.Flush()
}

func writeCluster(w io.Writer, c resolution.Cluster) {
	if len(c.Members) == 1 {
		e := c.Members[0]
		fmt.Fprintf(w, "%s (%s) is in no cluster: no same decision joins it to another entity.\n", e.ID, e.Name)
	} else {
		fmt.Fprintf(w, "Cluster %s, %d members:\n", c.ID, len(c.Members))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, e := range c.Members {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", e.ID, e.Name, e.Country, e.Kind)
		}
		tw.Flush()
	}
	if len(c.Decisions) == 0 {
		return
	}
	fmt.Fprintln(w, "Decisions:")
	for _, d := range c.Decisions {
		fmt.Fprintf(w, "  %s, at %s\n", resolution.Describe(d), d.DecidedAt)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
