package exposure

import (
	"context"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// The rules of review with accountability: every decision names its
// reviewer; confirming and clearing give a reason; clearing a critical
// flag takes two reviewers with different identities unless the policy's
// four_eyes_critical is off; comments and assignments are kept in the
// flag's history beside the decisions.

// Review records a reviewer's decision on a flag. by is the reviewer's
// identity and is required; so is a note when the status is confirmed or
// cleared. The first clear of a critical flag under four eyes records an
// approval (PendingClear) and leaves the status as it is; a clear by
// another reviewer then clears it, and one by the same reviewer is a
// conflict. Any other decision withdraws a pending approval.
func (e *Evaluator) Review(ctx context.Context, transactionID string, status graph.Status, by, note string) (graph.Flag, error) {
	if !status.Valid() {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "unknown status %q (expected open, confirmed or cleared)", status)
	}
	by = strings.TrimSpace(by)
	if by == "" {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "a review must name its reviewer")
	}
	if status != graph.Open && strings.TrimSpace(note) == "" {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "a note is required to %s a flag: say why", verb(status))
	}
	return e.change(ctx, transactionID, func(f *graph.Flag, h *graph.HistoryEntry) error {
		h.Action, h.Note = graph.ActionReview, note
		if status == graph.Cleared && f.Severity == graph.Critical && e.policy.FourEyes && f.Status != graph.Cleared {
			if f.PendingClear == nil {
				f.PendingClear = &graph.Approval{By: by, At: h.At, Note: note}
				h.Action, h.Status = graph.ActionApprove, f.Status
				return nil
			}
			if strings.EqualFold(f.PendingClear.By, by) {
				return graph.Errorf(graph.ECONFLICT, "clearing critical flag %s needs a second reviewer: %s approved it already, and another reviewer must clear it", f.TransactionID, f.PendingClear.By)
			}
		}
		f.Status, f.Reviewer, f.Note, f.PendingClear = status, by, note, nil
		h.Status = status
		return nil
	}, by)
}

// Comment adds a reviewer's comment to a flag's history; the status stays.
func (e *Evaluator) Comment(ctx context.Context, transactionID, by, note string) (graph.Flag, error) {
	by = strings.TrimSpace(by)
	if by == "" {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "a comment must name its author")
	}
	if strings.TrimSpace(note) == "" {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "a comment needs a note")
	}
	return e.change(ctx, transactionID, func(f *graph.Flag, h *graph.HistoryEntry) error {
		h.Action, h.Status, h.Note = graph.ActionComment, f.Status, note
		return nil
	}, by)
}

// Assign gives a flag to a reviewer, or takes it back when assignee is "".
func (e *Evaluator) Assign(ctx context.Context, transactionID, by, assignee, note string) (graph.Flag, error) {
	by, assignee = strings.TrimSpace(by), strings.TrimSpace(assignee)
	if by == "" {
		return graph.Flag{}, graph.Errorf(graph.EINVALID, "an assignment must name who makes it")
	}
	return e.change(ctx, transactionID, func(f *graph.Flag, h *graph.HistoryEntry) error {
		f.Assignee = assignee
		h.Action, h.Status, h.Assignee, h.Note = graph.ActionAssign, f.Status, assignee, note
		return nil
	}, by)
}

// change reads a flag, lets fn change it and fill in its history entry,
// and saves it, holding the flags' lock against a concurrent refresh.
func (e *Evaluator) change(ctx context.Context, transactionID string, fn func(*graph.Flag, *graph.HistoryEntry) error, by string) (graph.Flag, error) {
	e.flags.Lock()
	defer e.flags.Unlock()
	f, err := e.store.Flag(ctx, transactionID)
	if err != nil {
		return graph.Flag{}, err
	}
	h := graph.HistoryEntry{At: e.now().UTC(), By: by}
	if err := fn(&f, &h); err != nil {
		return graph.Flag{}, err
	}
	f.History = append(f.History, h)
	if err := e.store.SaveFlags(ctx, []graph.Flag{f}); err != nil {
		return graph.Flag{}, err
	}
	return f, nil
}

func verb(s graph.Status) string {
	if s == graph.Cleared {
		return "clear"
	}
	return "confirm"
}
