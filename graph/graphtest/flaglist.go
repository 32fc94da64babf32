package graphtest

import (
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// testFlagList checks the flag list's filters and every column's order,
// in both directions, against graph.SortFlags: both stores list alike.
func testFlagList(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	mk := func(id string, sev graph.Severity, status graph.Status, seller *graph.Ref, value *float64, capability string) graph.Flag {
		return graph.Flag{TransactionID: id, Assessment: graph.Assessment{Severity: sev, Verdict: graph.VerdictOf(sev),
			Reasons: []string{"because " + id}, Exposures: []graph.Exposure{}}, Status: status,
			Buyer: graph.Ref{ID: "org-1", Name: "Orion Tech LLC", Country: XF}, Country: XF, Date: "2024-06-01",
			Seller: seller, Value: value, Capability: capability, Capabilities: graph.Capabilities(capability),
			Evidence: "e-" + id, EvaluatedAt: at}
	}
	f1 := mk("T-1", graph.High, graph.Open, &graph.Ref{ID: "org-z", Name: "Zeta Trade"}, Pct(500), "IMSI catcher")
	f1.Product = "Catcher"
	f2 := mk("T-2", graph.Critical, graph.Open, nil, nil, "facial recognition cameras")
	f2.EndUser = &graph.Ref{ID: "gov-1", Name: "Ministry of Interior", Country: XR}
	f2.PendingClear = &graph.Approval{By: "ana", At: at, Note: "first"}
	f2.Exposures = []graph.Exposure{{EndUser: graph.Ref{ID: "gov-9", Name: "State Security Service"}, Hops: 2}}
	f2.EffectiveOwnership = Pct(60)
	f10 := mk("T-10", graph.Medium, graph.Confirmed, &graph.Ref{ID: "org-a", Name: "Альфа Системс"}, Pct(12000), "")
	f10.Exposures = []graph.Exposure{{EndUser: graph.Ref{ID: "gov-1", Name: "Ministry of Interior"}, Hops: 4}}
	f3 := mk("T-3", graph.High, graph.Cleared, &graph.Ref{ID: "org-b", Name: "beta"}, Pct(500), "Spyware")
	f3.Assignee = "ana"
	f4 := mk("T-4", graph.None, graph.Open, nil, Pct(1), "")
	fs := []graph.Flag{f1, f2, f10, f3, f4}
	if err := s.SaveFlags(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Flag(ctx, "T-2"); err != nil || !reflect.DeepEqual(got, f2) {
		t.Errorf("flag T-2\n got %+v (%v)\nwant %+v", got, err, f2)
	}
	for _, tt := range []struct {
		f    graph.FlagFilter
		want []string
	}{
		{graph.FlagFilter{}, []string{"T-2", "T-1", "T-3", "T-10"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColTransaction}}, []string{"T-1", "T-2", "T-3", "T-10"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColSeller}}, []string{"T-10", "T-3", "T-1", "T-2"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColSeller, Desc: true}}, []string{"T-1", "T-3", "T-10", "T-2"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColValue, Desc: true}}, []string{"T-10", "T-1", "T-3", "T-2"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColValue}}, []string{"T-1", "T-3", "T-10", "T-2"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColHops}}, []string{"T-2", "T-10", "T-1", "T-3"}},
		{graph.FlagFilter{Sort: graph.FlagSort{Column: graph.ColValue}, Offset: 1, Limit: 2}, []string{"T-3", "T-10"}},
		{graph.FlagFilter{Capability: graph.CapBiometric}, []string{"T-2"}},
		{graph.FlagFilter{Capability: graph.CapLocationTracking}, []string{"T-1"}},
		{graph.FlagFilter{Capability: graph.CapDataAnalytics}, nil},
		{graph.FlagFilter{Pending: true}, []string{"T-2"}},
		{graph.FlagFilter{Text: "zeta"}, []string{"T-1"}},
		{graph.FlagFilter{Text: "СИСТЕМС"}, []string{"T-10"}},
		{graph.FlagFilter{Text: "sistems"}, []string{"T-10"}},
		{graph.FlagFilter{Text: "ministry of"}, []string{"T-2", "T-10"}},
		{graph.FlagFilter{Text: "state security"}, []string{"T-2"}},
		{graph.FlagFilter{Text: "org-b"}, []string{"T-3"}},
		{graph.FlagFilter{Text: "catcher"}, []string{"T-1"}},
		{graph.FlagFilter{Text: "orion\ntech"}, nil},
		{graph.FlagFilter{Assignee: "ana", Capability: graph.CapInternet}, []string{"T-3"}},
	} {
		if got := flagIDs(t, s, tt.f); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("flags %+v: %v, want %v", tt.f, got, tt.want)
		}
	}
	if _, n, _ := s.Flags(ctx, graph.FlagFilter{Pending: true, Limit: 1, Offset: 5}); n != 1 {
		t.Errorf("pending total %d, want 1", n)
	}
	for _, c := range graph.FlagColumns {
		for _, desc := range []bool{false, true} {
			sort := graph.FlagSort{Column: c, Desc: desc}
			want := append([]graph.Flag(nil), fs...)
			graph.SortFlags(want, sort)
			var ids []string
			for _, f := range want {
				ids = append(ids, f.TransactionID)
			}
			if got := flagIDs(t, s, graph.FlagFilter{All: true, Sort: sort}); !reflect.DeepEqual(got, ids) {
				t.Errorf("sorted by %+v: %v, want %v", sort, got, ids)
			}
		}
	}
	if _, _, err := s.Flags(ctx, graph.FlagFilter{Sort: graph.FlagSort{Column: "json"}}); err == nil {
		t.Errorf("sorting by an unknown column: no error")
	}
}
