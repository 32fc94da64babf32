package neo4jstore_test

import (
	"context"
	"testing"

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
