package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

func cmdFlags(ctx context.Context, e *env, args []string) error {
	fs := e.flags("flags", "")
	asJSON := fs.Bool("json", false, "print a JSON array of flag objects (SPEC §4)")
	severity := fs.String("severity", "", "only this severity: critical, high or medium")
	status := fs.String("status", "", "only this review status: open, confirmed or cleared")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *severity != "" && graph.Severity(*severity).Rank() == 0 {
		return fmt.Errorf("--severity %q: expected critical, high or medium: %w", *severity, errUsage)
	}
	if *status != "" && !graph.Status(*status).Valid() {
		return fmt.Errorf("--status %q: expected open, confirmed or cleared: %w", *status, errUsage)
	}
	_, ev, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	// The policy may have changed since the last import.
	if _, err := ev.Refresh(ctx); err != nil {
		return err
	}
	return e.printFlags(ctx, graph.FlagFilter{Severity: graph.Severity(*severity), Status: graph.Status(*status)}, *asJSON)
}

// printFlags prints the stored flags that pass the filter.
func (e *env) printFlags(ctx context.Context, f graph.FlagFilter, asJSON bool) error {
	s, _, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	fl, _, err := s.Flags(ctx, f)
	if err != nil {
		return err
	}
	if fl == nil {
		fl = []graph.Flag{}
	}
	if asJSON {
		return writeJSON(e.stdout, fl)
	}
	writeFlags(e.stdout, fl)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeFlags prints flags as a table followed by each flag's reasons.
func writeFlags(w io.Writer, fl []graph.Flag) {
	if len(fl) == 0 {
		fmt.Fprintln(w, "No flagged transactions.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TRANSACTION\tSEVERITY\tVERDICT\tSTATUS\tBUYER\tEND-USERS (HOPS)\tOWNED")
	for _, f := range fl {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.TransactionID, f.Severity, f.Verdict, f.Status,
			f.Buyer.Name, endUsers(f.Exposures), owned(f.EffectiveOwnership))
	}
	tw.Flush()
	for _, f := range fl {
		fmt.Fprintf(w, "\n%s (%s):\n", f.TransactionID, f.Severity)
		for _, r := range f.Reasons {
			fmt.Fprintf(w, "  - %s\n", r)
		}
	}
}

func endUsers(xs []graph.Exposure) string {
	if len(xs) == 0 {
		return "-"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%s (%d)", x.EndUser.ID, x.Hops)
	}
	return strings.Join(parts, ", ")
}

func owned(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.4g%%", *p)
}

func cmdScreen(ctx context.Context, e *env, args []string) error {
	fs := e.flags("screen", "")
	var q exposure.ScreenQuery
	fs.StringVar(&q.Name, "name", "", "counterparty name (matched after normalisation, fuzzy)")
	fs.StringVar(&q.Country, "country", "", "counterparty country (ISO alpha-2, alpha-3 or English name)")
	fs.StringVar(&q.ID, "id", "", "entity id, instead of a name")
	fs.StringVar(&q.Date, "date", "", "screen as of this date, YYYY-MM-DD (default today)")
	asJSON := fs.Bool("json", false, "print the screen object (SPEC §4) as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if q.Name == "" && q.ID == "" {
		fs.Usage()
		return fmt.Errorf("give --name or --id: %w", errUsage)
	}
	if q.Country != "" {
		code, err := importer.ParseCountry(q.Country)
		if err != nil {
			return fmt.Errorf("--country: %v: %w", err, errUsage)
		}
		q.Country = code
	}
	_, ev, err := e.evaluator(ctx)
	if err != nil {
		return err
	}
	res, err := ev.Screen(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, res)
	}
	w := e.stdout
	if res.Entity != nil {
		fmt.Fprintf(w, "%s: %s (%s, %s)\n", strings.ToUpper(string(res.Verdict)), res.Entity.Name, res.Entity.ID, res.Entity.Country)
	} else {
		fmt.Fprintf(w, "%s: unknown counterparty\n", strings.ToUpper(string(res.Verdict)))
	}
	fmt.Fprintf(w, "severity: %s\n", res.Severity)
	for _, r := range res.Reasons {
		fmt.Fprintf(w, "  - %s\n", r)
	}
	if len(res.Matches) > 1 {
		fmt.Fprintln(w, "other matches:")
		for _, m := range res.Matches[1:] {
			fmt.Fprintf(w, "  %s  %s (%s) score %.2f\n", m.ID, m.Name, m.Country, m.Score)
		}
	}
	return nil
}
