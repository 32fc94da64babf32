package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/importer"
)

func cmdFlags(ctx context.Context, e *env, args []string) error {
	if ok, err := cmdFlagsCase(ctx, e, args); ok {
		return err
	}
	fs := e.flags("flags", "")
	fs.Usage = func() {
		e.usageShown = true
		fmt.Fprint(e.stderr, flagsUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	asJSON := fs.Bool("json", false, "print a JSON array of flag objects (SPEC §4)")
	severity := fs.String("severity", "", "only this severity: critical, high or medium")
	status := fs.String("status", "", "only this review status: open, confirmed or cleared")
	assignee := fs.String("assignee", "", "only the flags assigned to this reviewer")
	capability := fs.String("capability", "", "only this category of the guidance: "+strings.Join(graph.CapabilityCategories, ", "))
	text := fs.String("q", "", "text matched against the transaction id, the parties' ids and names, the product and the capability")
	pending := fs.Bool("pending", false, "only the critical flags whose clearing awaits a second reviewer")
	sortBy := fs.String("sort", "", "order by this column (severity when empty, most severe first)")
	desc := fs.Bool("desc", false, "with --sort: largest first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ff := graph.FlagFilter{Severity: graph.Severity(*severity), Status: graph.Status(*status), Assignee: *assignee,
		Capability: *capability, Text: *text, Pending: *pending, Sort: graph.FlagSort{Column: graph.FlagColumn(*sortBy), Desc: *desc}}
	if ff.Capability != "" && !slices.Contains(graph.CapabilityCategories, ff.Capability) {
		return fmt.Errorf("--capability %q: expected one of %s: %w", ff.Capability, strings.Join(graph.CapabilityCategories, ", "), errUsage)
	}
	if ff.Sort.Column != "" && !ff.Sort.Column.Valid() {
		cols := make([]string, len(graph.FlagColumns))
		for i, c := range graph.FlagColumns {
			cols[i] = string(c)
		}
		return fmt.Errorf("--sort %q: expected one of %s: %w", *sortBy, strings.Join(cols, ", "), errUsage)
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
	if _, err := ev.Refresh(ctx, ""); err != nil {
		return err
	}
	return e.printFlags(ctx, ff, *asJSON)
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
			f.Buyer.Name, endUsers(f.Exposures), or(f.OwnershipText(), "-"))
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

func cmdScreen(ctx context.Context, e *env, args []string) error {
	fs := e.flags("screen", "")
	var q exposure.ScreenQuery
	fs.StringVar(&q.Name, "name", "", "counterparty name (matched by the matcher: typos, word order, transliteration, acronyms)")
	fs.StringVar(&q.Country, "country", "", "counterparty country (ISO alpha-2, alpha-3 or English name): another country lowers a match's score")
	kind := fs.String("kind", "", "counterparty kind: organization, person or government_body (another kind lowers a match's score)")
	fs.StringVar(&q.Identifier, "identifier", "", "a registration or other identifier: an equal one makes a match")
	fs.StringVar(&q.ID, "id", "", "entity id, instead of a name")
	fs.StringVar(&q.Date, "date", "", "screen as of this date, YYYY-MM-DD (default today)")
	failOn := fs.String("fail-on", "", "exit non-zero for these verdicts, comma-separated (block, review, unknown; or any): block 3, review 4, unknown 5")
	asJSON := fs.Bool("json", false, "print the screen object (SPEC §4) as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if q.Name == "" && q.ID == "" {
		if fs.NArg() > 0 {
			return fmt.Errorf("the counterparty is missing: give it as --name %q (or --id ENTITY-ID), not as a bare argument: %w", fs.Arg(0), errUsage)
		}
		return fmt.Errorf("the counterparty is missing: give --name NAME (and --country, --kind, --identifier or --date to narrow it), or --id ENTITY-ID of a stored entity; hopcheck screen -h lists every flag: %w", errUsage)
	}
	if q.Country != "" {
		code, err := importer.ParseCountry(q.Country)
		if err != nil {
			return fmt.Errorf("--country: %v: %w", err, errUsage)
		}
		q.Country = code
	}
	if *kind != "" {
		if q.Kind = graph.Kind(*kind); !q.Kind.Valid() {
			return fmt.Errorf("--kind %q: expected organization, person or government_body: %w", *kind, errUsage)
		}
	}
	if q.Date != "" {
		if err := exposure.ValidDay(q.Date); err != nil {
			return fmt.Errorf("--date: %v: %w", err, errUsage)
		}
	}
	fail, err := parseFailOn(*failOn)
	if err != nil {
		return err
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
		err = writeJSON(e.stdout, res)
	} else {
		printScreening(e.stdout, res)
	}
	if err == nil && fail[res.Verdict] {
		return verdictExit(res.Verdict)
	}
	return err
}

func printScreening(w io.Writer, res exposure.Screening) {
	switch {
	case res.Verdict == graph.Unknown:
		fmt.Fprintf(w, "UNKNOWN: no entity matches the query\n")
	case !res.Known:
		fmt.Fprintf(w, "%s: possible match %s (%s, %s): confirm the identity\n", strings.ToUpper(string(res.Verdict)), res.Entity.Name, res.Entity.ID, res.Entity.Country)
	default:
		fmt.Fprintf(w, "%s: %s (%s, %s)\n", strings.ToUpper(string(res.Verdict)), res.Entity.Name, res.Entity.ID, res.Entity.Country)
	}
	fmt.Fprintf(w, "severity: %s\n", res.Severity)
	for _, r := range res.Reasons {
		fmt.Fprintf(w, "  - %s\n", r)
	}
	if len(res.Matches) > 0 {
		fmt.Fprintln(w, "candidates:")
		for _, m := range res.Matches {
			fmt.Fprintf(w, "  %-8s %s  %s (%s) score %.2f, %s\n", m.Standing, m.ID, m.Name, m.Country, m.Score, m.Assessment.Verdict)
			for _, f := range m.Features {
				fmt.Fprintf(w, "           %s %s: %s\n", f.Name, f.Effect, f.Detail)
			}
		}
	}
}

// verdictExit is a screening verdict that --fail-on asked to exit with.
type verdictExit graph.Verdict

func (v verdictExit) Error() string { return "verdict " + string(v) }

// code is the documented exit code of a verdict: block 3, review 4, unknown 5.
func (v verdictExit) code() int {
	switch graph.Verdict(v) {
	case graph.Block:
		return 3
	case graph.Review:
		return 4
	}
	return 5
}

// parseFailOn reads --fail-on: verdicts separated by commas, or any.
func parseFailOn(s string) (map[graph.Verdict]bool, error) {
	fail := map[graph.Verdict]bool{}
	for _, v := range strings.Split(s, ",") {
		switch v = strings.TrimSpace(strings.ToLower(v)); v {
		case "":
		case "any":
			fail[graph.Block], fail[graph.Review], fail[graph.Unknown] = true, true, true
		case "block", "review", "unknown":
			fail[graph.Verdict(v)] = true
		default:
			return nil, fmt.Errorf("--fail-on %q: expected block, review, unknown or any: %w", v, errUsage)
		}
	}
	return fail, nil
}
