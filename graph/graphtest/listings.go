package graphtest

import (
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func testListings(t *testing.T, s graph.Store) {
	b := fixture()
	b.MustApply(t, s)
	u := b.Upload()
	ls, err := s.Listings(ctx, "per-1")
	if err != nil || !reflect.DeepEqual(ls, u.Listings) {
		t.Errorf("listings of per-1\n got %+v (%v)\nwant %+v", ls, err, u.Listings)
	}
	if ls, err := s.Listings(ctx, "org-1"); err != nil || len(ls) != 0 {
		t.Errorf("listings of org-1: %+v (%v), want none", ls, err)
	}
	lists, err := s.Lists(ctx)
	if err != nil || !reflect.DeepEqual(lists, u.Lists) {
		t.Errorf("lists %+v (%v), want %+v", lists, err, u.Lists)
	}
	sub, err := s.Neighborhood(ctx, "gov-1", graph.NeighborhoodQuery{Depth: 1})
	if err != nil || !reflect.DeepEqual(sub.Listings, u.Listings) {
		t.Errorf("neighbourhood of gov-1: listings %+v (%v), want per-1's", sub.Listings, err)
	}

	// A restatement with blanks keeps the stated values and takes the new source.
	b2 := NewBuilder("u-second")
	b2.Listing(graph.Listing{Entity: "per-1", List: "eu_fsf", Program: "UKR", ListedFrom: "2014-03-17", Reason: "now stated anew"})
	b2.Listed("org-1", "eu_fsf", "", "", "")
	res := b2.MustApply(t, s)
	if res.Listings != (graph.Changes{Created: 1, Updated: 1}) {
		t.Errorf("restatement: %+v, want 1 created, 1 updated", res.Listings)
	}
	ls, _ = s.Listings(ctx, "per-1")
	if len(ls) != 1 || ls[0].ListedTo != "2020-12-31" || ls[0].Authority != "Council of the EU" ||
		ls[0].Reason != "now stated anew" || ls[0].Source.Upload != "u-second" {
		t.Errorf("merged listing %+v: want kept listed_to and authority, new reason and source", ls)
	}

	// A listing of an unknown entity, or on an unknown list, writes nothing.
	before := TakeSnapshot(t, s)
	for _, bad := range []*Builder{
		NewBuilder("u-bad").Org("new", XF).Listed("ghost", "eu_fsf", "", "", ""),
		NewBuilder("u-bad").Org("new", XF).Listed("new", "no_such_list", "", "", ""),
	} {
		if _, err := s.Apply(ctx, bad.Upload(), nil); graph.ErrorCode(err) != graph.EINVALID {
			t.Errorf("bad listing: %v, want invalid", err)
		}
	}
	if after := TakeSnapshot(t, s); !reflect.DeepEqual(after, before) {
		t.Error("a rejected upload changed the store")
	}
}

func testAssessments(t *testing.T, s graph.Store) {
	b := NewBuilder("u-years").Assess(XR, 2015, No).Assess(XR, 2020, Yes).Assess(XR, 0, No).Assess(XR, 2022, nil)
	b.MustApply(t, s)
	c, err := s.Country(ctx, XR)
	if err != nil {
		t.Fatal(err)
	}
	var years []int
	for _, a := range c.Assessments {
		years = append(years, a.Year)
	}
	if !reflect.DeepEqual(years, []int{0, 2015, 2020, 2022}) {
		t.Errorf("assessment years %v, want 0 2015 2020 2022", years)
	}
	for day, want := range map[string]bool{"2014-12-31": false, "2015-01-01": false, "2020-01-01": true, "2021-12-31": true, "2023-06-01": false} {
		if got := c.RestrictiveOn(day); got != want {
			t.Errorf("restrictive on %s: %v, want %v", day, got, want)
		}
	}
	src := c.Source

	// Restating one year changes that year only; naming the country without
	// an assessment changes nothing, not even the source.
	b2 := NewBuilder("u-later").Assess(XR, 2015, Yes)
	b2.u.Countries = append(b2.u.Countries, graph.Country{Code: XR, Name: "Country XR", Source: graph.Source{Upload: "u-mention", File: "m.csv", Row: 2}})
	res := b2.MustApply(t, s)
	if res.Countries != (graph.Changes{Updated: 1}) {
		t.Errorf("restatement: %+v, want 1 updated", res.Countries)
	}
	c2, _ := s.Country(ctx, XR)
	if len(c2.Assessments) != 4 || !c2.RestrictiveOn("2016-01-01") || c2.Assessments[1].Source.Upload != "u-later" ||
		c2.Assessments[2].Source.Upload != "u-years" || c2.Source.Upload != "u-later" {
		t.Errorf("after restating 2015: %+v", c2)
	}
	mention := NewBuilder("u-mention")
	mention.u.Countries = []graph.Country{{Code: XR, Name: "Country XR", Source: graph.Source{Upload: "u-mention", File: "m.csv", Row: 2}}}
	if res := mention.MustApply(t, s); res.Countries != (graph.Changes{Unchanged: 1}) {
		t.Errorf("a mention: %+v, want unchanged", res.Countries)
	}
	c3, _ := s.Country(ctx, XR)
	if !reflect.DeepEqual(c3, c2) || c3.Source == src {
		t.Errorf("a mention changed the country\n got %+v\nwant %+v", c3, c2)
	}
}
