package exposure_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
)

// reviewFixture stores a critical flag (T-C: owned 70% by G) and a high
// one (T-H: 40%).
func reviewFixture(t *testing.T, p graph.Policy) *exposure.Evaluator {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Org("X", "XF").Org("Y", "XF").Gov("G", "XR", nil).
		Owns("G", "X", graphtest.Pct(70)).Owns("G", "Y", graphtest.Pct(40)).
		Tx(graph.Transaction{ID: "T-C", Date: "2024-01-01", Buyer: "X"}).
		Tx(graph.Transaction{ID: "T-H", Date: "2024-01-01", Buyer: "Y"}).MustApply(t, s)
	ev := exposure.NewEvaluator(s, p, clock)
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestReviewNeedsReviewerAndReason(t *testing.T) {
	ev := reviewFixture(t, graph.DefaultPolicy())
	for _, tt := range []struct {
		status   graph.Status
		by, note string
	}{
		{graph.Cleared, "", "fine"},
		{graph.Cleared, "  ", "fine"},
		{graph.Cleared, "ana", ""},
		{graph.Confirmed, "ana", " \n"},
	} {
		if _, err := ev.Review(ctx, "T-H", tt.status, tt.by, tt.note); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("review %+v: %v, want invalid", tt, err)
		}
	}
	// Reopening needs no reason.
	if f, err := ev.Review(ctx, "T-H", graph.Open, "ana", ""); err != nil || f.Status != graph.Open {
		t.Errorf("reopen without a note: %+v %v", f, err)
	}
	if f, err := ev.Review(ctx, "T-H", graph.Cleared, "ana", "a customer of record"); err != nil || f.Status != graph.Cleared || f.Reviewer != "ana" {
		t.Errorf("one reviewer clears a high flag: %+v %v", f, err)
	}
}

func TestFourEyesOnCritical(t *testing.T) {
	ev := reviewFixture(t, graph.DefaultPolicy())
	f, err := ev.Review(ctx, "T-C", graph.Cleared, "ana", "the stake was sold")
	if err != nil || f.Status != graph.Open || f.PendingClear == nil || f.PendingClear.By != "ana" ||
		f.History[len(f.History)-1].Action != graph.ActionApprove {
		t.Fatalf("first clear of a critical flag: %+v %v, want open with a pending approval", f, err)
	}
	if _, err := ev.Review(ctx, "T-C", graph.Cleared, "ANA", "really"); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("the same reviewer clearing again: %v, want conflict", err)
	}
	f, err = ev.Review(ctx, "T-C", graph.Cleared, "ben", "checked the register")
	if err != nil || f.Status != graph.Cleared || f.PendingClear != nil || f.Reviewer != "ben" {
		t.Fatalf("second reviewer: %+v %v, want cleared", f, err)
	}
	var notes []string
	for _, h := range f.History {
		notes = append(notes, h.By+":"+h.Action+":"+h.Note)
	}
	if len(notes) != 2 || notes[0] != "ana:approve:the stake was sold" || notes[1] != "ben:review:checked the register" {
		t.Errorf("history %v", notes)
	}

	// Another decision withdraws a pending approval.
	ev = reviewFixture(t, graph.DefaultPolicy())
	if _, err := ev.Review(ctx, "T-C", graph.Cleared, "ana", "sold"); err != nil {
		t.Fatal(err)
	}
	if f, _ := ev.Review(ctx, "T-C", graph.Confirmed, "ben", "not sold"); f.PendingClear != nil || f.Status != graph.Confirmed {
		t.Errorf("confirming kept the approval: %+v", f)
	}
	if f, _ := ev.Review(ctx, "T-C", graph.Cleared, "ana", "sold after all"); f.Status == graph.Cleared {
		t.Errorf("an approval withdrawn still counted: %+v", f)
	}
}

func TestFourEyesOff(t *testing.T) {
	p := graph.DefaultPolicy()
	p.FourEyes = false
	ev := reviewFixture(t, p)
	if f, err := ev.Review(ctx, "T-C", graph.Cleared, "ana", "sold"); err != nil || f.Status != graph.Cleared {
		t.Errorf("four_eyes_critical off: %+v %v, want cleared by one", f, err)
	}
}

func TestCommentAndAssign(t *testing.T) {
	ev := reviewFixture(t, graph.DefaultPolicy())
	if _, err := ev.Comment(ctx, "T-H", "ana", ""); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("empty comment: %v", err)
	}
	if _, err := ev.Comment(ctx, "T-H", "", "hi"); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("anonymous comment: %v", err)
	}
	f, err := ev.Comment(ctx, "T-H", "ana", "asked the distributor")
	if err != nil || f.Status != graph.Open || len(f.History) != 1 || f.History[0].Action != graph.ActionComment {
		t.Errorf("comment: %+v %v", f, err)
	}
	f, err = ev.Assign(ctx, "T-H", "ana", "ben", "")
	if err != nil || f.Assignee != "ben" || f.History[1].Assignee != "ben" {
		t.Errorf("assign: %+v %v", f, err)
	}
	if _, err := ev.Comment(ctx, "T-none", "ana", "x"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("comment on a missing flag: %v", err)
	}
	// A refresh keeps the review's fields.
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
}

func TestEvidenceChangeWithdrawsApproval(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Org("X", "XF").Gov("G", "XR", nil).
		Owns("G", "X", graphtest.Pct(70)).Tx(graph.Transaction{ID: "T-C", Date: "2024-01-01", Buyer: "X"}).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Review(ctx, "T-C", graph.Cleared, "ana", "sold"); err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-2").Owns("G", "X", graphtest.Pct(90)).MustApply(t, s)
	if res, _ := ev.Refresh(ctx, ""); res.Reopened != 1 {
		t.Errorf("an approval pending on changed evidence: %+v, want it withdrawn (reopened)", res)
	}
	if f, _ := s.Flag(ctx, "T-C"); f.PendingClear != nil {
		t.Errorf("approval kept after the evidence changed: %+v", f.PendingClear)
	}
	if f, _ := ev.Review(ctx, "T-C", graph.Cleared, "ben", "sold"); f.Status == graph.Cleared {
		t.Errorf("ben cleared alone on ana's withdrawn approval")
	}
}
