package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

const flagsUsage = `Usage:
  hopcheck flags [--severity S] [--status S] [--assignee NAME] [--json]    list the flags
  hopcheck flags review ID... --status confirmed|cleared|open --note TEXT [--by NAME]
  hopcheck flags comment ID --note TEXT [--by NAME]
  hopcheck flags assign ID [NAME] [--note TEXT] [--by NAME]                 no NAME: take it back

The rules are the API's: every decision names its reviewer (--by, else
HOPCHECK_USER, else USER); confirming and clearing need a reason; clearing a
critical flag takes two reviewers with different names unless the policy's
four_eyes_critical is off (the first clear is recorded as an approval).
Each decision is kept in the flag's history and in the audit log.
`

// cmdFlagsCase runs the casework subcommands of flags: review, comment,
// assign. It reports whether args named one.
func cmdFlagsCase(ctx context.Context, e *env, args []string) (bool, error) {
	if len(args) == 0 {
		return false, nil
	}
	sub, args := args[0], args[1:]
	if sub != "review" && sub != "comment" && sub != "assign" {
		return false, nil
	}
	fs := e.flags("flags "+sub, "")
	fs.Usage = func() {
		e.usageShown = true
		fmt.Fprint(e.stderr, flagsUsage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	by := fs.String("by", reviewerFromEnv(e), "who decides (default HOPCHECK_USER, else USER)")
	note := fs.String("note", "", "why: recorded in the flag's history and the audit log")
	asJSON := fs.Bool("json", false, "print the flags as JSON")
	var status *string
	if sub == "review" {
		status = fs.String("status", "", "the decision: confirmed, cleared or open")
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return true, err
	}
	who := strings.TrimSpace(*by)
	switch {
	case who == "":
		return true, fmt.Errorf("name the reviewer with --by NAME (or set HOPCHECK_USER): every decision is recorded with it: %w", errUsage)
	case len(pos) == 0:
		return true, fmt.Errorf("flags %s: name the transaction id of a flag: %w", sub, errUsage)
	case sub == "comment" && len(pos) != 1, sub == "assign" && len(pos) > 2:
		return true, fmt.Errorf("flags %s: too many arguments (%s): %w", sub, strings.Join(pos, " "), errUsage)
	case sub == "review" && !graph.Status(*status).Valid():
		return true, fmt.Errorf("--status %q: expected confirmed, cleared or open: %w", *status, errUsage)
	}
	s, ev, err := e.evaluator(ctx)
	if err != nil {
		return true, err
	}
	ids := pos
	if sub != "review" {
		ids = pos[:1]
	}
	var done []graph.Flag
	var failed []string
	for _, id := range ids {
		var f graph.Flag
		action, detail := sub, *note
		switch sub {
		case "review":
			f, err = ev.Review(ctx, id, graph.Status(*status), who, *note)
			action, detail = "review", *status+": "+*note
			if err == nil && f.PendingClear != nil && graph.Status(*status) == graph.Cleared {
				action, detail = "approve", "first of two clears: "+*note
			}
		case "comment":
			f, err = ev.Comment(ctx, id, who, *note)
		case "assign":
			assignee := ""
			if len(pos) == 2 {
				assignee = pos[1]
			}
			f, err = ev.Assign(ctx, id, who, assignee, *note)
			detail = "to " + fmt.Sprintf("%q", assignee)
		}
		if err != nil {
			if len(ids) == 1 {
				return true, err
			}
			failed = append(failed, fmt.Sprintf("%s: %s", id, graph.ErrorMessage(err)))
			continue
		}
		if err := s.AppendAudit(context.WithoutCancel(ctx), graph.AuditEntry{At: time.Now().UTC(), By: who, Action: action,
			Target: f.TransactionID, Detail: detail + " (command line)"}); err != nil {
			return true, fmt.Errorf("%s was recorded, but not in the audit log: %w", f.TransactionID, err)
		}
		done = append(done, f)
	}
	if *asJSON {
		if err := writeJSON(e.stdout, done); err != nil {
			return true, err
		}
	} else {
		for _, f := range done {
			fmt.Fprintln(e.stdout, caseLine(f))
		}
	}
	if len(failed) > 0 {
		return true, fmt.Errorf("%d of %d flags refused:\n  %s", len(failed), len(ids), strings.Join(failed, "\n  "))
	}
	return true, nil
}

// reviewerFromEnv is who runs the command, from HOPCHECK_USER or USER
// (USERNAME on Windows); "" when none is set: a decision then needs --by.
func reviewerFromEnv(e *env) string {
	return or(e.getenv("HOPCHECK_USER"), or(e.getenv("USER"), e.getenv("USERNAME")))
}

// caseLine says where a flag stands after a decision.
func caseLine(f graph.Flag) string {
	line := fmt.Sprintf("%s: %s (%s)", f.TransactionID, f.Status, f.Severity)
	if f.PendingClear != nil {
		line += fmt.Sprintf("; clearing approved by %s, awaiting a second reviewer", f.PendingClear.By)
	}
	if f.Assignee != "" {
		line += "; assigned to " + f.Assignee
	}
	if n := len(f.History); n > 0 {
		h := f.History[n-1]
		line += fmt.Sprintf("; last: %s %s", h.By, or(h.Action, "review"))
	}
	return line
}
