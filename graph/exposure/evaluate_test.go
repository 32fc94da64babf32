package exposure_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

var ctx = context.Background()

func clock() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }

func newStore(t *testing.T) graph.Store {
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRefreshReopensReviewedFlagWhenEvidenceChanges(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Org("X", "XF").Org("Y", "XF").Gov("G", "XR", nil).
		Owns("G", "X", graphtest.Pct(40)).
		Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X"}).
		Tx(graph.Transaction{ID: "T-2", Date: "2024-01-01", Buyer: "Y"}).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)

	res, err := ev.Refresh(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if res != (exposure.RefreshResult{Evaluated: 2, Flagged: 1}) {
		t.Errorf("first refresh %+v", res)
	}
	if _, err := s.Flag(ctx, "T-2"); graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Errorf("a clear transaction got a flag: %v", err)
	}
	f, err := ev.Review(ctx, "T-1", graph.Confirmed, "ana", "front company")
	if err != nil || f.Status != graph.Confirmed || len(f.History) != 1 || f.History[0].By != "ana" {
		t.Fatalf("review: %+v %v", f, err)
	}
	if _, err := ev.Review(ctx, "T-1", "maybe", "ana", ""); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("unknown status: %v", err)
	}

	// The same facts restated by another upload: the review stands.
	graphtest.NewBuilder("u-2").Owns("G", "X", graphtest.Pct(40)).MustApply(t, s)
	if res, _ := ev.Refresh(ctx, ""); res.Reopened != 0 {
		t.Errorf("restated facts reopened the flag: %+v", res)
	}
	if f, _ := s.Flag(ctx, "T-1"); f.Status != graph.Confirmed {
		t.Errorf("status %s after restating", f.Status)
	}
	// ... but the steps cite the row as it is now, and say which upload changed them.
	if f, _ := s.Flag(ctx, "T-1"); f.Exposures[0].Steps[0].Source.Upload != "u-2" || f.EvidenceUpload != "u-2" || len(f.History) != 1 {
		t.Errorf("after restating, step source %+v, evidence upload %q, history %+v; want u-2, no new entry",
			f.Exposures[0].Steps[0].Source, f.EvidenceUpload, f.History)
	}

	// A changed share is new evidence: the flag reopens and says why.
	graphtest.NewBuilder("u-3").Owns("G", "X", graphtest.Pct(70)).MustApply(t, s)
	res, _ = ev.Refresh(ctx, "upload u-3 by ana")
	if res.Reopened != 1 {
		t.Errorf("refresh after change %+v, want one reopened", res)
	}
	f, _ = s.Flag(ctx, "T-1")
	if f.Status != graph.Open || f.Severity != graph.Critical || len(f.History) != 2 || f.History[1].Action != graph.ActionReopen ||
		!strings.HasPrefix(f.History[1].Note, "reopened: upload u-3 by ana: evidence changed (was high, now critical): ") ||
		!strings.Contains(f.History[1].Note, "OWNS G → X percent 40% → 70% (upload u-3, test.xlsx sheet Links row 2)") {
		t.Errorf("reopened flag %+v", f)
	}
	src := graph.Source{Upload: "u-3", File: "test.xlsx", Sheet: "Links", Row: 2, Evidence: "stated in test row"}
	wantChanges := []graph.EvidenceChange{
		{What: "severity", Old: "high", New: "critical"},
		{What: "effective_ownership", Old: "40%", New: "70%"},
		{What: "link", Link: "OWNS|G|X||", Field: "percent", Old: "40%", New: "70%", Source: &src},
	}
	if !reflect.DeepEqual(f.History[1].Changes, wantChanges) || f.EvidenceUpload != "u-3" {
		t.Errorf("what changed\n got %+v\nwant %+v", f.History[1].Changes, wantChanges)
	}
	if f.Buyer.Name != "Org X" || f.Date != "2024-01-01" {
		t.Errorf("flag buyer %+v date %s", f.Buyer, f.Date)
	}
}

func TestReasonsSayWhy(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Org("X", "XF").Org("H", "XF").Gov("G", "XR", nil).
		Owns("H", "X", graphtest.Pct(80)).Owns("G", "H", graphtest.Pct(75)).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	as, err := ev.Assess(ctx, []graph.Transaction{{ID: "T", Date: "2024-01-01", Buyer: "X", ShipTo: "XR"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(as[0].Reasons, "\n")
	want := "Buyer Org X (X) is 60% owned by restrictive end-users, at or above the 50% threshold: Org X is 80% owned by Org H; Org H is 75% owned by Body G.\n" +
		"Buyer Org X (X) reaches restrictive end-user Body G (G) in 2 steps: Org X is 80% owned by Org H; Org H is 75% owned by Body G.\n" +
		"Ship-to country Country XR (XR) is restrictive."
	if got != want {
		t.Errorf("reasons\n got %s\nwant %s", got, want)
	}
}

func TestScreen(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).
		Entity(graph.Entity{ID: "X", Kind: graph.Organization, Name: "Orion Tech LLC", Country: "XF"}).
		Link(graph.Supplies, "X", "G").MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	for _, tt := range []struct {
		q        exposure.ScreenQuery
		verdict  graph.Verdict
		known    bool
		severity graph.Severity
		reason   string
	}{
		{exposure.ScreenQuery{Name: "ORION TECH, L.L.C."}, graph.Review, true, graph.High, "reaches restrictive end-user"},
		{exposure.ScreenQuery{Name: "Orion Tekh"}, graph.Review, true, graph.High, "Matched Orion Tech LLC (X), score"},
		{exposure.ScreenQuery{ID: "G"}, graph.Block, true, graph.Critical, "itself a restrictive end-user"},
		// Another country lowers the score below the match threshold: a
		// possible match, to confirm.
		{exposure.ScreenQuery{Name: "Orion Tech", Country: "XR"}, graph.Review, false, graph.High, "Possible match: confirm the identity"},
		{exposure.ScreenQuery{Name: "Completely Different"}, graph.Unknown, false, graph.None, "Unknown counterparty"},
		{exposure.ScreenQuery{ID: "nope"}, graph.Unknown, false, graph.None, "Unknown counterparty"},
	} {
		res, err := ev.Screen(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdict != tt.verdict || res.Known != tt.known || res.Severity != tt.severity || !strings.Contains(strings.Join(res.Reasons, " "), tt.reason) {
			t.Errorf("screen %+v: verdict %s known %v severity %s reasons %q", tt.q, res.Verdict, res.Known, res.Severity, res.Reasons)
		}
		if res.Query.Date != "2024-06-01" {
			t.Errorf("screen date %q, want today", res.Query.Date)
		}
	}
	if _, err := ev.Screen(ctx, exposure.ScreenQuery{}); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("empty query: %v", err)
	}
	for _, day := range []string{"03/04/2024", "2024-13-01", "2024-02-30", "yesterday"} {
		if _, err := ev.Screen(ctx, exposure.ScreenQuery{Name: "Orion Tech", Date: day}); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("date %q: %v, want invalid", day, err)
		}
	}
}

// Two records of one name, one with links to a restrictive end-user and
// one without (a list's copy): both are assessed, the worse governs, and
// the answer names both. With only the lowest id assessed, this was clear.
func TestScreenTie(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).
		Entity(graph.Entity{ID: "a-list-copy", Kind: graph.Organization, Name: "Falcon Security Group", Country: "XF"}).
		Entity(graph.Entity{ID: "b-ledger", Kind: graph.Organization, Name: "Falcon Security Group", Country: "XF"}).
		Owns("G", "b-ledger", graphtest.Pct(60)).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	res, err := ev.Screen(ctx, exposure.ScreenQuery{Name: "Falcon Security Group"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != graph.Block || res.Entity == nil || res.Entity.ID != "b-ledger" || !res.Known {
		t.Fatalf("tie: verdict %s entity %+v, want block by b-ledger", res.Verdict, res.Entity)
	}
	if len(res.Matches) != 2 {
		t.Fatalf("matches %+v, want both", res.Matches)
	}
	for _, m := range res.Matches {
		if m.Standing != exposure.StandingMatch || m.Score != 1 {
			t.Errorf("match %s: standing %s score %v", m.ID, m.Standing, m.Score)
		}
	}
	if v := res.Matches[0].Assessment.Verdict; res.Matches[0].ID == "a-list-copy" && v != graph.Clear {
		t.Errorf("the list copy's own verdict %s, want clear", v)
	}
	if r := strings.Join(res.Reasons, " "); !strings.Contains(r, "a-list-copy") || !strings.Contains(r, "b-ledger") {
		t.Errorf("reasons do not name both: %q", r)
	}
}

// A possible match worse than the match is not hidden: the verdict is at
// least review.
func TestScreenPossibleWorse(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).
		Entity(graph.Entity{ID: "clean", Kind: graph.Organization, Name: "Kestrel Vision", Country: "XF"}).
		Entity(graph.Entity{ID: "owned", Kind: graph.Organization, Name: "Kestrel Vision Wildlife Photography Club", Country: "XF"}).
		Owns("G", "owned", graphtest.Pct(100)).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	res, err := ev.Screen(ctx, exposure.ScreenQuery{Name: "Kestrel Vision"})
	if err != nil {
		t.Fatal(err)
	}
	var standings []string
	for _, m := range res.Matches {
		standings = append(standings, m.ID+":"+m.Standing)
	}
	if res.Verdict != graph.Review || res.Entity.ID != "clean" || strings.Join(standings, " ") != "clean:match owned:possible" {
		t.Errorf("verdict %s entity %s matches %v reasons %q", res.Verdict, res.Entity.ID, standings, res.Reasons)
	}
}

func TestPolicyFile(t *testing.T) {
	p, err := graph.ParsePolicy([]byte("max_hops: 3\nownership_threshold: 25\n"))
	if err != nil || p.MaxHops != 3 || p.OwnershipThreshold != 25 || p.OwnershipDepth != 8 || len(p.Steps) != 7 {
		t.Errorf("policy %+v %v", p, err)
	}
	for _, bad := range []string{"max_hops: 0", "steps: [owner, sideways]", "max_hop: 3", "ownership_threshold: 150"} {
		if _, err := graph.ParsePolicy([]byte(bad)); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("policy %q: %v, want invalid", bad, err)
		}
	}
}

// TestReviewNotLostToConcurrentRefresh reviews a flag while refreshes of
// changing evidence run: every review must stay in the flag's history.
func TestReviewNotLostToConcurrentRefresh(t *testing.T) {
	s := newStore(t)
	graphtest.NewBuilder("u-0").Country("XR", graphtest.Yes).Org("X", "XF").Gov("G", "XR", nil).
		Owns("G", "X", graphtest.Pct(40)).
		Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X"}).MustApply(t, s)
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), clock)
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
	const rounds = 40
	done := make(chan error, 1)
	go func() {
		for i := range rounds {
			// Alternate the share, so that every refresh has new evidence.
			graphtest.NewBuilder(fmt.Sprintf("u-%d", i+1)).Owns("G", "X", graphtest.Pct(float64(41+i%2*20))).MustApply(t, s)
			if _, err := ev.Refresh(ctx, ""); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for i := range rounds {
		if _, err := ev.Review(ctx, "T-1", graph.Confirmed, "ana", fmt.Sprintf("review %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f, err := s.Flag(ctx, "T-1")
	if err != nil {
		t.Fatal(err)
	}
	reviews := 0
	for _, h := range f.History {
		if h.By == "ana" {
			if want := fmt.Sprintf("review %d", reviews); h.Note != want {
				t.Fatalf("history entry %q, want %q: a review was lost", h.Note, want)
			}
			reviews++
		}
	}
	if reviews != rounds {
		t.Errorf("%d of %d reviews in the history", reviews, rounds)
	}
}
