package graph_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func ptr[T any](v T) *T { return &v }

// TestMergeKeepsBlanks is the merge rule of Store.Apply: a stated value
// replaces the stored one, a blank keeps it, the source is the latest.
func TestMergeKeepsBlanks(t *testing.T) {
	src1, src2 := graph.Source{Upload: "u-1", Row: 2}, graph.Source{Upload: "u-2", Row: 9}
	tests := []struct {
		name             string
		old, row, merged any
		merge            func(old, row any) any
	}{
		{"entity: blanks keep, stated values replace",
			graph.Entity{ID: "x", Name: "Old", Aliases: []string{"A"}, Country: "CN", Address: "1 Main St", Founded: "1989", Restrictive: ptr(true), Source: src1},
			graph.Entity{ID: "x", Address: "2 High St", Source: src2},
			graph.Entity{ID: "x", Name: "Old", Aliases: []string{"A"}, Country: "CN", Address: "2 High St", Founded: "1989", Restrictive: ptr(true), Source: src2},
			func(o, r any) any { return graph.MergeEntity(o.(graph.Entity), r.(graph.Entity)) }},
		{"entity: restrictive no replaces yes",
			graph.Entity{ID: "x", Restrictive: ptr(true)}, graph.Entity{ID: "x", Restrictive: ptr(false)},
			graph.Entity{ID: "x", Restrictive: ptr(false)},
			func(o, r any) any { return graph.MergeEntity(o.(graph.Entity), r.(graph.Entity)) }},
		{"link: percent and valid_to kept when blank",
			graph.Link{Type: graph.Owns, Percent: ptr(60.0), PercentMax: ptr(75.0), ValidTo: "2030-12-31", Source: src1},
			graph.Link{Type: graph.Owns, Source: src2},
			graph.Link{Type: graph.Owns, Percent: ptr(60.0), PercentMax: ptr(75.0), ValidTo: "2030-12-31", Source: src2},
			func(o, r any) any { return graph.MergeLink(o.(graph.Link), r.(graph.Link)) }},
		{"transaction: value replaced, currency kept",
			graph.Transaction{ID: "T", Value: ptr(1.0), Currency: "EUR"}, graph.Transaction{ID: "T", Value: ptr(2.0)},
			graph.Transaction{ID: "T", Value: ptr(2.0), Currency: "EUR"},
			func(o, r any) any { return graph.MergeTransaction(o.(graph.Transaction), r.(graph.Transaction)) }},
		{"list: name kept, authority stated",
			graph.List{ID: "l", Name: "List", Source: src1}, graph.List{ID: "l", Authority: "EU", Source: src2},
			graph.List{ID: "l", Name: "List", Authority: "EU", Source: src2},
			func(o, r any) any { return graph.MergeList(o.(graph.List), r.(graph.List)) }},
		{"listing: listed_to and reason kept when blank",
			graph.Listing{Entity: "x", List: "l", ListedTo: "2021-12-31", Reason: "why", Source: src1},
			graph.Listing{Entity: "x", List: "l", Authority: "EU", Source: src2},
			graph.Listing{Entity: "x", List: "l", Authority: "EU", ListedTo: "2021-12-31", Reason: "why", Source: src2},
			func(o, r any) any { return graph.MergeListing(o.(graph.Listing), r.(graph.Listing)) }},
		{"country: an assessment merges into its year, others kept",
			graph.Country{Code: "XR", Name: "Xr", Source: src1, Assessments: []graph.CountryAssessment{{Year: 2020, Restrictive: ptr(true), Score: ptr(12.0)}, {Restrictive: ptr(false)}}},
			graph.Country{Code: "XR", Source: src2, Assessments: []graph.CountryAssessment{{Year: 2020, Basis: "FIW", Source: src2}, {Year: 2023, Restrictive: ptr(false)}}},
			graph.Country{Code: "XR", Name: "Xr", Source: src2, Assessments: []graph.CountryAssessment{{Restrictive: ptr(false)},
				{Year: 2020, Restrictive: ptr(true), Score: ptr(12.0), Basis: "FIW", Source: src2}, {Year: 2023, Restrictive: ptr(false)}}},
			func(o, r any) any { return graph.MergeCountry(o.(graph.Country), r.(graph.Country)) }},
		{"country: a row without an assessment changes nothing, not even the source",
			graph.Country{Code: "XR", Name: "Xr", Source: src1, Assessments: []graph.CountryAssessment{{Restrictive: ptr(true)}}},
			graph.Country{Code: "XR", Name: "Other name", Source: src2},
			graph.Country{Code: "XR", Name: "Xr", Source: src1, Assessments: []graph.CountryAssessment{{Restrictive: ptr(true)}}},
			func(o, r any) any { return graph.MergeCountry(o.(graph.Country), r.(graph.Country)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.merge(tt.old, tt.row); !reflect.DeepEqual(got, tt.merged) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.merged)
			}
		})
	}
}

func TestCountryAsOf(t *testing.T) {
	c := graph.Country{Assessments: []graph.CountryAssessment{{Year: 0, Basis: "none"}, {Year: 2015, Basis: "2015"}, {Year: 2020, Basis: "2020"}}}
	for day, want := range map[string]string{"2014-06-01": "none", "2015-01-01": "2015", "2019-12-31": "2015", "2024-06-01": "2020", "": "none"} {
		if a, _ := c.On(day); a.Basis != want {
			t.Errorf("on %q: %s, want %s", day, a.Basis, want)
		}
	}
	c.Assessments = c.Assessments[1:]
	if a, _ := c.On("2010-01-01"); a.Basis != "2015" {
		t.Errorf("before every year without one without a year: %s, want the earliest", a.Basis)
	}
	if _, ok := (graph.Country{}).On("2020-01-01"); ok {
		t.Error("a country never assessed has no assessment")
	}
}

func TestPolicyKeys(t *testing.T) {
	p, err := graph.ParsePolicy([]byte("ownership_method: ofac\ncontrol_is_critical: true\nsteps: [owner, subsidiary]\nrestricted_lists: [us_ofac_sdn]\n"))
	if err != nil || p.Method() != graph.OFAC || !p.ControlIsCritical || !p.Allows(graph.StepSubsidiary) ||
		!p.RestrictedLists.Has("us_ofac_sdn") || p.RestrictedLists.Has("eu_fsf") {
		t.Errorf("policy %+v (%v)", p, err)
	}
	if p, _ := graph.ParsePolicy([]byte("restricted_lists: []\n")); p.RestrictedLists == nil || p.RestrictedLists.Has("x") {
		t.Errorf("[]: restricts nothing, got %#v", p.RestrictedLists)
	}
	if p, _ := graph.ParsePolicy([]byte("restricted_lists: all\n")); !p.RestrictedLists.Has("anything") {
		t.Error("all: every list")
	}
	if d := graph.DefaultPolicy(); d.Allows(graph.StepSubsidiary) || !d.RestrictedLists.Has("x") || d.Method() != graph.Multiply {
		t.Errorf("default %+v", d)
	}
	if _, err := graph.ParsePolicy([]byte("ownership_method: average\n")); graph.ErrorCode(err) != graph.EINVALID {
		t.Errorf("unknown method: %v", err)
	}
}

func TestPolicyErrorsNameTheKey(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"max_hops: five\n", `policy: max_hops (line 1): expected a whole number, got "five"`},
		{"max_hops: 5\nownership_threshold: [50]\n", `policy: ownership_threshold (line 2): expected a number, got a list`},
		{"control_is_critical: maybe\n", `policy: control_is_critical (line 1): expected true or false, got "maybe"`},
		{"max_hop: 5\n", `policy: unknown key "max_hop" (line 1); the keys are control_is_critical, country_rule,`},
		{"country_rule:\n  restrictive_below: low\n", `policy: country_rule.restrictive_below (line 2): expected a number, got "low"`},
		{"country_rule:\n  status: [NF]\n", `policy: country_rule: unknown key "status" (line 2)`},
		{"four_eyes_critical: 2\n", `policy: four_eyes_critical (line 1): expected true or false, got "2"`},
	} {
		_, err := graph.ParsePolicy([]byte(tt.yaml))
		if graph.ErrorCode(err) != graph.EINVALID || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "graph.") {
			t.Errorf("%q: %v\nwant %s…", tt.yaml, err, tt.want)
		}
	}
	if p, err := graph.ParsePolicy([]byte("four_eyes_critical: false\n")); err != nil || p.FourEyes {
		t.Errorf("four_eyes_critical: false: %+v %v", p.FourEyes, err)
	}
	if !graph.DefaultPolicy().FourEyes {
		t.Error("four eyes is off by default")
	}
}
