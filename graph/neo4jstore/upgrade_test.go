package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

// TestUpgradesOldCountries: a country stored before yearly assessments
// becomes, when the store opens, a country with that assessment without a year.
func TestUpgradesOldCountries(t *testing.T) {
	cfg := config(t)
	ctx := context.Background()
	s := mustOpen(t, cfg)
	if err := s.WriteLegacyCountry(ctx, "XR", true, 12); err != nil {
		t.Fatal(err)
	}
	again, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	c, err := again.Country(ctx, "XR")
	if err != nil || len(c.Assessments) != 1 || c.Assessments[0].Year != 0 || !c.RestrictiveOn("2024-06-01") ||
		*c.Assessments[0].Score != 12 || c.Assessments[0].Source.Upload != "u-old" || c.Name != "Old XR" {
		t.Errorf("upgraded country %+v (%v)", c, err)
	}
	third, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if c2, _ := third.Country(ctx, "XR"); len(c2.Assessments) != 1 {
		t.Errorf("opening again upgrades again: %+v", c2)
	}
}

// TestGivesClustersAtOpen: entities stored before identity clusters get
// their own cluster when the store opens, so the path search walks them;
// and the policy's search is planned (Warm) without an entity.
func TestGivesClustersAtOpen(t *testing.T) {
	cfg := config(t)
	ctx := context.Background()
	s := mustOpen(t, cfg)
	graphtest.NewBuilder("u-old").Country("XR", graphtest.Yes).Org("X", "XF").Gov("G", "XR", nil).
		Link(graph.Supplies, "X", "G").MustApply(t, s)
	if err := s.ForgetClusters(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	ev := exposure.NewEvaluator(again, graph.DefaultPolicy(), func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
	if err := ev.Warm(ctx); err != nil {
		t.Fatalf("planning the search: %v", err)
	}
	rs, err := again.Reach(ctx, []graph.ReachQuery{{Start: "X", On: "2024-06-01"}}, graph.DefaultPolicy())
	if err != nil || len(rs[0].Exposures) != 1 || rs[0].Exposures[0].EndUser.ID != "G" {
		t.Fatalf("reach after the upgrade: %+v, %v; want X's exposure to G", rs, err)
	}
}

// TestGivesFlagsTheirSearchAtOpen: flags stored before flags kept their
// search text are found by a seller's name once the store opens again.
func TestGivesFlagsTheirSearchAtOpen(t *testing.T) {
	cfg := config(t)
	ctx := context.Background()
	s := mustOpen(t, cfg)
	f := graph.Flag{TransactionID: "T-OLD", Status: graph.Open, Date: "2024-03-01",
		Buyer: graph.Ref{ID: "B", Name: "Buyer Co"}, Seller: &graph.Ref{ID: "S", Name: "Vendor Optics SA"},
		Assessment: graph.Assessment{Severity: graph.High, Verdict: graph.Block}}
	if err := s.SaveFlags(ctx, []graph.Flag{f}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetFlagSearch(ctx); err != nil {
		t.Fatal(err)
	}
	bySeller := graph.FlagFilter{Text: "vendor optics"}
	if fs, _, err := s.Flags(ctx, bySeller); err != nil || len(fs) != 0 {
		t.Fatalf("before the upgrade the seller's name finds %d flags (%v): the test would prove nothing", len(fs), err)
	}
	again, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	fs, _, err := again.Flags(ctx, bySeller)
	if err != nil || len(fs) != 1 || fs[0].TransactionID != "T-OLD" {
		t.Errorf("after opening again the seller's name finds %+v (%v); want T-OLD", fs, err)
	}
}

// TestGivesTheVocabularyAtOpen: entities stored before the vocabulary of
// fuzzy keys are found by a typo once the store opens again (and not
// before: "Hikbision" shares no key with "Hikvision", not even the sound,
// so only the vocabulary finds it).
func TestGivesTheVocabularyAtOpen(t *testing.T) {
	cfg := config(t)
	ctx := context.Background()
	s := mustOpen(t, cfg)
	if _, err := s.Apply(ctx, graph.Upload{ID: "u-old", Entities: []graph.Entity{{ID: "hik", Kind: graph.Organization, Name: "Hikvision"}}}, nil); err != nil {
		t.Fatal(err)
	}
	found := func(s graph.Store) bool {
		ms, err := s.Search(ctx, graph.SearchQuery{Text: "Hikbision", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		return len(ms) > 0 && ms[0].Entity.ID == "hik"
	}
	if !found(s) {
		t.Fatal("a typo does not find the entity with the vocabulary written by the upload")
	}
	if err := s.ForgetVocabulary(ctx); err != nil {
		t.Fatal(err)
	}
	if found(s) {
		t.Fatal("a typo finds the entity without the vocabulary: the test shows nothing")
	}
	again, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !found(again) {
		t.Error("a typo does not find the entity after the open wrote the vocabulary")
	}
}
