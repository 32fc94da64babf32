package graphtest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// RunTests runs the conformance suite. newStore must return a fresh, empty
// store for each call and close it when the test ends.
func RunTests(t *testing.T, newStore func(t *testing.T) graph.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s graph.Store)
	}{
		{"UpsertAndLookup", testUpsertAndLookup},
		{"IdempotentReapply", testIdempotent},
		{"MergeKeepsStatedValues", testMerge},
		{"RejectsWholeUpload", testRejects},
		{"EntitiesByName", testByName},
		{"EachEntity", testEachEntity},
		{"CrossReferencing", testXref},
		{"Search", testSearch},
		{"Matching", testMatching},
		{"LinksAndNeighborhood", testNeighborhood},
		{"Transactions", testTransactions},
		{"Flags", testFlags},
		{"FlagList", testFlagList},
		{"Mappings", testMappings},
		{"Stats", testStats},
		{"ReachScenario", testReachScenario},
		{"ReachHorizon", testReachHorizon},
		{"Jobs", testJobs},
		{"JobsInvalid", testJobsInvalid},
		{"Audit", testAudit},
		{"AuditConcurrent", testAuditConcurrent},
		{"InjectionRoundTrip", testInjection},
		{"Listings", testListings},
		{"YearlyAssessments", testAssessments},
		{"History", testHistory},
		{"FlagAssignee", testFlagAssignee},
		{"IdentityFlags", testIdentityFlags},
		{"IdentityContradiction", testIdentityContradiction},
		{"IdentityScreening", testIdentityScreening},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, newStore(t)) })
	}
	t.Run("Rules", func(t *testing.T) { runRules(t, newStore) })
	t.Run("Reference", func(t *testing.T) { runReference(t, newStore) })
	t.Run("Identity", func(t *testing.T) { runIdentity(t, newStore) })

}

var ctx = context.Background()

// fixture is a small graph with one of everything and full provenance.
func fixture() *Builder {
	b := NewBuilder("u-fixture").Country(XR, Yes).Country(XF, nil)
	b.Entity(graph.Entity{ID: "org-1", Kind: graph.Organization, Name: "Orion Tech LLC", Aliases: []string{"Orion", "ООО Орион"},
		Country: XF, Role: "distributor", RegistrationID: "REG-1", Address: "1 Main St", Founded: "2001-02-03"})
	b.Entity(graph.Entity{ID: "per-1", Kind: graph.Person, Name: "Ana Petrova", Country: XR, Position: "director"})
	b.Entity(graph.Entity{ID: "gov-1", Kind: graph.GovernmentBody, Name: "Ministry of Order", Country: XR, BodyKind: "ministry",
		Restrictive: Yes, Basis: "FIW 12/100"})
	b.LinkWith(graph.Link{Type: graph.Owns, From: "gov-1", To: "org-1", Percent: Pct(60.5), ValidFrom: "2020-01-01", ValidTo: "2030-12-31"})
	b.LinkWith(graph.Link{Type: graph.OfficerOf, From: "per-1", To: "gov-1", Role: "deputy minister"})
	b.Tx(graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "org-1", Seller: "per-1", EndUser: "gov-1", ShipTo: XR,
		Product: "Camera", Capability: "biometric identification", Quantity: Pct(10), Value: Pct(12500.5), Currency: "EUR"})
	b.List("eu_fsf", "European Union")
	b.Listing(graph.Listing{Entity: "per-1", List: "eu_fsf", Program: "UKR", Authority: "Council of the EU",
		ListedFrom: "2014-03-17", ListedTo: "2020-12-31", Reason: "undermining Ukraine's sovereignty"})
	return b
}

func testUpsertAndLookup(t *testing.T, s graph.Store) {
	b := fixture()
	res := b.MustApply(t, s)
	u := b.Upload()
	want := graph.WriteResult{Entities: graph.Changes{Created: 3}, Countries: graph.Changes{Created: 2},
		Links: graph.Changes{Created: 2}, Transactions: graph.Changes{Created: 1}, Lists: graph.Changes{Created: 1},
		Listings: graph.Changes{Created: 1}}
	if res != want {
		t.Errorf("result %+v, want %+v", res, want)
	}
	for _, e := range u.Entities {
		got, err := s.Entity(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("entity %s\n got %+v\nwant %+v", e.ID, got, e)
		}
	}
	if _, err := s.Entity(ctx, "nope"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing entity: %v, want not found", err)
	}
	cs, err := s.Countries(ctx)
	if wantCs := []graph.Country{u.Countries[1], u.Countries[0]}; err != nil || !reflect.DeepEqual(cs, wantCs) {
		t.Errorf("countries %+v (%v), want %+v sorted by code", cs, err, wantCs)
	}
	if c, err := s.Country(ctx, XR); err != nil || !reflect.DeepEqual(c, u.Countries[0]) {
		t.Errorf("country %+v (%v)", c, err)
	}
	if _, err := s.Country(ctx, "ZZ"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing country: %v", err)
	}
	ls, err := s.Links(ctx, "gov-1")
	if wantLs := []graph.Link{u.Links[1], u.Links[0]}; err != nil || !reflect.DeepEqual(ls, wantLs) {
		t.Errorf("links\n got %+v (%v)\nwant %+v sorted by key", ls, err, wantLs)
	}
	tx, err := s.Transaction(ctx, "T-1")
	if err != nil || !reflect.DeepEqual(tx, u.Transactions[0]) {
		t.Errorf("transaction\n got %+v (%v)\nwant %+v", tx, err, u.Transactions[0])
	}
	if _, err := s.Transaction(ctx, "T-9"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing transaction: %v", err)
	}
	exp, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want2 := graph.Upload{Entities: []graph.Entity{u.Entities[2], u.Entities[0], u.Entities[1]},
		Countries: cs, Links: ls, Transactions: u.Transactions, Lists: u.Lists, Listings: u.Listings}
	if !reflect.DeepEqual(exp, want2) {
		t.Errorf("export\n got %+v\nwant %+v", exp, want2)
	}
}

func testIdempotent(t *testing.T, s graph.Store) {
	b := fixture()
	b.MustApply(t, s)
	res := b.MustApply(t, s)
	want := graph.WriteResult{Entities: graph.Changes{Unchanged: 3}, Countries: graph.Changes{Unchanged: 2},
		Links: graph.Changes{Unchanged: 2}, Transactions: graph.Changes{Unchanged: 1}, Lists: graph.Changes{Unchanged: 1},
		Listings: graph.Changes{Unchanged: 1}}
	if res != want {
		t.Errorf("second apply %+v, want all unchanged", res)
	}
	st, _ := s.Stats(ctx)
	if st.Entities[graph.Organization] != 1 || st.Links[graph.Owns] != 1 || st.Transactions != 1 {
		t.Errorf("stats after two applies: %+v", st)
	}
}

func testMerge(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	b := NewBuilder("u-second")
	b.Entity(graph.Entity{ID: "org-1", Kind: graph.Organization, Name: "Orion Tech LLC", Address: "2 New Rd"})
	b.LinkWith(graph.Link{Type: graph.Owns, From: "gov-1", To: "org-1", ValidFrom: "2020-01-01"})
	b.Country(XF, Yes)
	res := b.MustApply(t, s)
	if res.Entities.Updated != 1 || res.Links.Updated != 1 || res.Countries.Updated != 1 {
		t.Errorf("result %+v, want one update of each", res)
	}
	e, _ := s.Entity(ctx, "org-1")
	if e.Address != "2 New Rd" || e.RegistrationID != "REG-1" || len(e.Aliases) != 2 || e.Source.Upload != "u-second" {
		t.Errorf("merged entity %+v: want new address, kept registration and aliases, latest source", e)
	}
	ls, _ := s.Links(ctx, "org-1")
	for _, l := range ls {
		if l.Type == graph.Owns && (l.Percent == nil || *l.Percent != 60.5 || l.ValidTo != "2030-12-31" || l.Source.Upload != "u-second") {
			t.Errorf("merged link %+v: want kept percent and valid_to, latest source", l)
		}
	}
	c, _ := s.Country(ctx, XF)
	if !c.RestrictiveOn("2024-06-01") {
		t.Errorf("country %+v: want restrictive now", c)
	}
}

func testRejects(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	before, _ := s.Stats(ctx)
	bad := []struct {
		name string
		b    *Builder
		code string
	}{
		{"dangling link", NewBuilder("u-bad").Org("org-2", XF).Link(graph.Supplies, "org-2", "ghost"), graph.EINVALID},
		{"kind change", NewBuilder("u-bad").Org("new", XF).Person("gov-1", XF), graph.ECONFLICT},
		{"transaction with unknown buyer", NewBuilder("u-bad").Org("org-3", XF).Tx(graph.Transaction{ID: "T-2", Date: "2024-01-01", Buyer: "ghost"}), graph.EINVALID},
	}
	for _, tt := range bad {
		_, err := s.Apply(ctx, tt.b.Upload(), nil)
		if graph.ErrorCode(err) != tt.code {
			t.Errorf("%s: error %v, want code %s", tt.name, err, tt.code)
		}
	}
	after, _ := s.Stats(ctx)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("a rejected upload wrote something: before %+v after %+v", before, after)
	}
}

func testByName(t *testing.T, s graph.Store) {
	fixture().Org("org-2", XR).MustApply(t, s)
	NewBuilder("u-2").Entity(graph.Entity{ID: "org-3", Kind: graph.Organization, Name: "Orion Tech GmbH", Country: XR}).MustApply(t, s)
	got, err := s.EntitiesByName(ctx, []string{"orion tech", "orion", "orion", "nothing"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(es []graph.Entity) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if g := ids(got["orion tech"]); !reflect.DeepEqual(g, []string{"org-1", "org-3"}) {
		t.Errorf("orion tech: %v", g)
	}
	if g := ids(got["orion"]); !reflect.DeepEqual(g, []string{"org-1"}) {
		t.Errorf("orion (alias): %v", g)
	}
	if len(got["nothing"]) != 0 {
		t.Errorf("nothing: %v", got["nothing"])
	}
}

func testSearch(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	for _, tt := range []struct {
		text, country, want string
	}{
		{"Orion Tech", "", "org-1"},
		{"orion tech ltd", "", "org-1"},
		{"ООО Орион", "", "org-1"},
		{"Ministry of Ordre", "", "gov-1"},
		{"Ana Petrova", XR, "per-1"},
		{"Ana Petrova", XF, "per-1"}, // another country lowers the score
		{"Completely Different", "", ""},
	} {
		ms, err := s.Search(ctx, graph.SearchQuery{Text: tt.text, Country: tt.country, Limit: 5})
		if tt.country != "" && len(ms) > 0 && tt.country != ms[0].Entity.Country && ms[0].Score >= 1 {
			t.Errorf("%q in %q: another country kept score %v", tt.text, tt.country, ms[0].Score)
		}
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ms) > 0 {
			got = ms[0].Entity.ID
			if ms[0].Score <= 0 || ms[0].Score > 1 {
				t.Errorf("%q: score %v out of range", tt.text, ms[0].Score)
			}
		}
		if got != tt.want {
			t.Errorf("search %q in %q: best %q, want %q (%+v)", tt.text, tt.country, got, tt.want, ms)
		}
	}
	ms, _ := s.Search(ctx, graph.SearchQuery{Text: "Orion Tech"})
	if len(ms) == 0 || ms[0].Score != 1 {
		t.Errorf("exact name: %+v, want score 1", ms)
	}
}

func testNeighborhood(t *testing.T, s graph.Store) {
	b := fixture()
	for _, id := range []string{"a", "b", "c", "d"} {
		b.Org(id, XF).Link(graph.Supplies, "org-1", id)
	}
	b.Org("far", XF).Link(graph.Supplies, "a", "far")
	b.MustApply(t, s)
	sub, err := s.Neighborhood(ctx, "org-1", graph.NeighborhoodQuery{Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Entities) != 6 || len(sub.Links) != 5 || sub.Truncated {
		t.Errorf("depth 1: %d entities, %d links, truncated %v; want 6, 5, false", len(sub.Entities), len(sub.Links), sub.Truncated)
	}
	if sub.Entities[0].ID != "org-1" {
		t.Errorf("first entity %s, want the start", sub.Entities[0].ID)
	}
	sub, _ = s.Neighborhood(ctx, "org-1", graph.NeighborhoodQuery{Depth: 2})
	if len(sub.Entities) != 8 {
		t.Errorf("depth 2: %d entities, want 8", len(sub.Entities))
	}
	sub, _ = s.Neighborhood(ctx, "org-1", graph.NeighborhoodQuery{Depth: 2, Limit: 3})
	if len(sub.Entities) != 3 || !sub.Truncated {
		t.Errorf("limit 3: %d entities, truncated %v", len(sub.Entities), sub.Truncated)
	}
	in := map[string]bool{}
	for _, e := range sub.Entities {
		in[e.ID] = true
	}
	for _, l := range sub.Links {
		if !in[l.From] || !in[l.To] {
			t.Errorf("link %s leaves the subgraph", l.Key())
		}
	}
	sub, _ = s.Neighborhood(ctx, "org-1", graph.NeighborhoodQuery{Depth: 1, Types: []graph.LinkType{graph.Owns}})
	if len(sub.Entities) != 2 || len(sub.Links) != 1 || sub.Links[0].Type != graph.Owns {
		t.Errorf("OWNS only: %+v", sub)
	}
	if _, err := s.Neighborhood(ctx, "ghost", graph.NeighborhoodQuery{}); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("ghost: %v", err)
	}
}

func testTransactions(t *testing.T, s graph.Store) {
	b := fixture().Org("x", XF)
	b.Tx(graph.Transaction{ID: "T-0", Date: "2024-01-01", Buyer: "x"})
	b.MustApply(t, s)
	all, err := s.Transactions(ctx, nil)
	if err != nil || len(all) != 2 || all[0].ID != "T-0" || all[1].ID != "T-1" {
		t.Errorf("all: %+v (%v)", all, err)
	}
	of, _ := s.Transactions(ctx, []string{"gov-1", "per-1"})
	if len(of) != 1 || of[0].ID != "T-1" {
		t.Errorf("of gov-1 and per-1: %+v, want T-1 once", of)
	}
}

func testFlags(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	mk := func(id string, sev graph.Severity, status graph.Status) graph.Flag {
		return graph.Flag{TransactionID: id, Assessment: graph.Assessment{Severity: sev, Verdict: graph.VerdictOf(sev),
			Reasons: []string{"because " + id}, Exposures: []graph.Exposure{}}, Status: status,
			Buyer: graph.Ref{ID: "org-1", Name: "Orion Tech LLC", Country: XF}, Country: XF, Date: "2024-06-01",
			Evidence: "e-" + id, EvaluatedAt: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)}
	}
	f1 := mk("T-1", graph.High, graph.Open)
	f1.History = []graph.HistoryEntry{{At: time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC), By: "ana", Status: graph.Confirmed, Note: "seen"}}
	fs := []graph.Flag{f1, mk("T-2", graph.Critical, graph.Confirmed), mk("T-3", graph.Medium, graph.Open), mk("T-4", graph.None, graph.Open)}
	if err := s.SaveFlags(ctx, fs); err != nil {
		t.Fatal(err)
	}
	got, err := s.Flag(ctx, "T-1")
	if err != nil || !reflect.DeepEqual(got, f1) {
		t.Errorf("flag T-1\n got %+v (%v)\nwant %+v", got, err, f1)
	}
	if _, err := s.Flag(ctx, "T-9"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("missing flag: %v", err)
	}
	for _, tt := range []struct {
		f    graph.FlagFilter
		want []string
	}{
		{graph.FlagFilter{}, []string{"T-2", "T-1", "T-3"}},
		{graph.FlagFilter{All: true}, []string{"T-2", "T-1", "T-3", "T-4"}},
		{graph.FlagFilter{Status: graph.Open}, []string{"T-1", "T-3"}},
		{graph.FlagFilter{Severity: graph.Critical}, []string{"T-2"}},
		{graph.FlagFilter{Country: XR}, nil},
		{graph.FlagFilter{Text: "orion"}, []string{"T-2", "T-1", "T-3"}},
		{graph.FlagFilter{Text: "t-3"}, []string{"T-3"}},
		{graph.FlagFilter{Offset: 1, Limit: 1}, []string{"T-1"}},
	} {
		if got := flagIDs(t, s, tt.f); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("flags %+v: %v, want %v", tt.f, got, tt.want)
		}
	}
	if _, n, _ := s.Flags(ctx, graph.FlagFilter{Limit: 1}); n != 3 {
		t.Errorf("total %d, want 3", n)
	}
}

func testStats(t *testing.T, s graph.Store) {
	fixture().MustApply(t, s)
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Stats{
		Entities:     map[graph.Kind]int{graph.Organization: 1, graph.Person: 1, graph.GovernmentBody: 1},
		Links:        map[graph.LinkType]int{graph.Owns: 1, graph.OfficerOf: 1},
		Countries:    2,
		Transactions: 1,
		Lists:        1,
		Listings:     1,
		Flags:        map[graph.Severity]int{},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats %+v, want %+v", st, want)
	}
}

// testReachScenario checks the raw path search on one graph: paths and
// their steps as walked, parent-only reach and ownership chains.
func testReachScenario(t *testing.T, s graph.Store) {
	b := NewBuilder("u-scn").Country(XR, Yes).Country(XF, No)
	b.Org("X", XF).Org("H", XF).Gov("U", XF, nil).Gov("M", XR, nil).Gov("N", XF, No)
	b.Owns("H", "X", Pct(50)).Owns("M", "H", Pct(80)).Owns("N", "X", Pct(50))
	b.Link(graph.PartOf, "U", "M").Link(graph.Supplies, "X", "U")
	b.MustApply(t, s)
	rs, err := s.Reach(ctx, []graph.ReachQuery{{Start: "X", On: "2024-01-01"}, {Start: "U", On: "2024-01-01"}, {Start: "ghost", On: "2024-01-01"}}, graph.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d results for 3 queries", len(rs))
	}
	x := rs[0]
	if x.Start.ID != "X" || x.Start.Name != "Org X" || x.Start.Label != "Organization" {
		t.Errorf("start %+v", x.Start)
	}
	// X>H>M and X>U>M are both two steps: H sorts before U.
	if got := describe(x.Exposures); got != "M:2:X>H>M" {
		t.Errorf("X exposures %q", got)
	}
	steps := x.Exposures[0].Steps
	if len(steps) != 2 || steps[0].Step != graph.StepOwner || steps[0].Type != graph.Owns || steps[0].From != "H" ||
		steps[0].To != "X" || steps[1].From != "M" || steps[1].Source.Upload != "u-scn" || steps[1].Source.Evidence == "" {
		t.Errorf("steps %+v", steps)
	}
	if p := x.Exposures[0].Path; p[2].Name != "Body M" || p[2].Label != "GovernmentBody" || p[2].Country != XR {
		t.Errorf("path end %+v", p[2])
	}
	if len(x.ByParent) != 0 {
		t.Errorf("X by parent %v", x.ByParent)
	}
	if got := describe(x.Ownership); got != "M:2:X>H>M" {
		t.Errorf("X ownership %q", got)
	}
	if o := x.Ownership[0].Steps; o[0].Step != graph.StepOwner || o[0].From != "H" || o[0].To != "X" || *o[0].Percent != 50 {
		t.Errorf("ownership steps %+v", o)
	}
	u := rs[1]
	if describe(u.Exposures) != "M:1:U>M" || !reflect.DeepEqual(u.ByParent, []string{"M"}) || len(u.Ownership) != 0 {
		t.Errorf("U: %q by parent %v ownership %d", describe(u.Exposures), u.ByParent, len(u.Ownership))
	}
	if g := rs[2]; g.Start.ID != "ghost" || len(g.Exposures) != 0 {
		t.Errorf("ghost: %+v", g)
	}
}

// flagIDs lists the transaction ids of the flags s lists for f, in order.
func flagIDs(t *testing.T, s graph.Store, f graph.FlagFilter) []string {
	t.Helper()
	fs, _, err := s.Flags(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.TransactionID)
	}
	return ids
}
