package importer_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/importer"
)

func TestParseDate(t *testing.T) {
	dmy, _ := importer.ParseDateFormat("DD/MM/YYYY")
	mdy, _ := importer.ParseDateFormat("MM/DD/YYYY")
	dot, _ := importer.ParseDateFormat("DD.MM.YYYY")
	ymd, _ := importer.ParseDateFormat("YYYY/MM/DD")
	none := importer.DateFormat{}
	tests := []struct {
		in     string
		format importer.DateFormat
		want   string
		err    string
	}{
		{"", none, "", ""},
		{"2024-03-04", none, "2024-03-04", ""},
		{" 2024-03-04 ", none, "2024-03-04", ""},
		{"2024-03-04T10:30:00Z", none, "2024-03-04", ""},
		{"2024-03-04 10:30", none, "2024-03-04", ""},
		{"2024/03/04", none, "2024-03-04", ""},
		{"2024.3.4", none, "2024-03-04", ""},
		{"4 March 2024", none, "2024-03-04", ""},
		{"March 4, 2024", none, "2024-03-04", ""},
		{"04-Mar-2024", none, "2024-03-04", ""},
		{"03/04/2024", none, "", "ambiguous date"},
		{"25/03/2024", none, "", "ambiguous date"}, // strict even when the day is above 12
		{"03.04.2024", none, "", "ambiguous date"},
		{"03/04/2024", dmy, "2024-04-03", ""},
		{"03/04/2024", mdy, "2024-03-04", ""},
		{"25/03/2024", mdy, "", "not a valid date in the format MM/DD/YYYY"},
		{"3/4/2024", dmy, "2024-04-03", ""},
		{"03.04.2024", dot, "2024-04-03", ""},
		{"2024-03-04", dmy, "2024-03-04", ""}, // ISO always reads
		{"03/04/2024", ymd, "", "does not match"},
		{"03/04/24", dmy, "", "four-digit year"},
		{"2024-02-30", none, "", "not a valid date"},
		{"2024-13-01", none, "", "not a valid date"},
		{"2024-03-04Tgarbage", none, "", "not a valid date"},
		{"yesterday", none, "", "not a date"},
		{"45355", none, "", "not a date"},
		{"=TODAY()", none, "", "not a date"},
	}
	for _, tt := range tests {
		got, err := importer.ParseDate(tt.in, tt.format)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDate(%q, %s) = %q, %v; want error containing %q", tt.in, tt.format, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDate(%q, %s) = %q, %v; want %q", tt.in, tt.format, got, err, tt.want)
		}
	}
}

func TestParseDateFormat(t *testing.T) {
	for _, ok := range []string{"DD/MM/YYYY", "mm/dd/yyyy", "DD.MM.YYYY", "YYYY/MM/DD", "D-M-YYYY", ""} {
		if _, err := importer.ParseDateFormat(ok); err != nil {
			t.Errorf("ParseDateFormat(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"DD/MM/YY", "YYYY", "DD/YYYY/MM", "whatever", "DD/DD/YYYY"} {
		if _, err := importer.ParseDateFormat(bad); err == nil {
			t.Errorf("ParseDateFormat(%q): no error", bad)
		}
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want *float64
		err  bool
	}{
		{"", nil, false},
		{"60", fp(60), false},
		{"60%", fp(60), false},
		{" 60 % ", fp(60), false},
		{"60.5", fp(60.5), false},
		{"60,5", fp(60.5), false},
		{"0.6", fp(0.6), false}, // a plain number is percent as written
		{"60.0000%", fp(60), false},
		{"100", fp(100), false},
		{"0", fp(0), false},
		{"101", nil, true},
		{"-1", nil, true},
		{"sixty", nil, true},
		{"NaN", nil, true},
		{"Inf", nil, true},
		{"60%%", nil, true},
	}
	for _, tt := range tests {
		got, err := importer.ParsePercent(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v, error %v", tt.in, deref(got), err, deref(tt.want), tt.err)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want *float64
		err  bool
	}{
		{"", nil, false},
		{"1200", fp(1200), false},
		{"1,200", fp(1200), false},
		{"1 200", fp(1200), false},
		{"1\u00a0200", fp(1200), false},
		{"1,200,000.50", fp(1200000.5), false},
		{"$1,200", fp(1200), false},
		{"-3.5", fp(-3.5), false},
		{"0.25", fp(0.25), false},
		{"1,20", nil, true},
		{"96.000,00", fp(96000), false},
		{"1.234.567,5", fp(1234567.5), false},
		{"€ 1.200,50", fp(1200.5), false},
		{"96.00,00", nil, true},
		{"1,200.000,5", nil, true},
		{"12,00,000", nil, true},
		{"1,200 000", nil, true},
		{"abc", nil, true},
		{"12abc", nil, true},
		{"1.2.3", nil, true},
		{"NaN", nil, true},
		{"=SUM(A1:A3)", nil, true},
	}
	for _, tt := range tests {
		got, err := importer.ParseNumber(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, error %v", tt.in, deref(got), err, deref(tt.want), tt.err)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in   string
		want *bool
		err  bool
	}{
		{"", nil, false}, {"yes", bp(true), false}, {"Y", bp(true), false}, {"TRUE", bp(true), false}, {"1", bp(true), false},
		{"no", bp(false), false}, {"n", bp(false), false}, {"False", bp(false), false}, {"0", bp(false), false},
		{"maybe", nil, true}, {"2", nil, true},
	}
	for _, tt := range tests {
		got, err := importer.ParseBool(tt.in)
		if (err != nil) != tt.err || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseBool(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestParseCountry(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""}, {"CN", "CN"}, {"cn", "CN"}, {"CHN", "CN"}, {"China", "CN"}, {"Russia", "RU"},
		{"Russian Federation", "RU"}, {"Iran", "IR"}, {"South Korea", "KR"}, {"North Korea", "KP"},
		{"UAE", "AE"}, {"UK", "GB"}, {"United Kingdom", "GB"}, {"USA", "US"}, {"United States of America", "US"},
		{"Viet Nam", "VN"}, {"Türkiye", "TR"}, {"Turkiye", "TR"}, {"The Netherlands", "NL"}, {"DPRK", "KP"},
		{"Côte d'Ivoire", "CI"}, {"Lao PDR", "LA"}, {"Kyrgyz Republic", "KG"},
		{"Democratic Republic of Congo", "CD"}, {"Democratic Republic of the Congo", "CD"}, {"Republic of the Congo", "CG"},
	}
	for _, tt := range tests {
		got, err := importer.ParseCountry(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseCountry(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"Narnia", "EU", "RA", "XX", "ZZZ", "1"} {
		if got, err := importer.ParseCountry(bad); err == nil {
			t.Errorf("ParseCountry(%q) = %q; want an error", bad, got)
		}
	}
}

func TestParseAliases(t *testing.T) {
	got := importer.ParseAliases(" Orion ; OT;;Orion ; Орион ")
	want := []string{"Orion", "OT", "Орион"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseAliases = %q, want %q", got, want)
	}
	if got := importer.ParseAliases(""); got != nil {
		t.Errorf("ParseAliases(\"\") = %q", got)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		name  string
		table importer.Table
		role  string
		link  string
	}{
		{"Organizations", importer.Organizations, "", ""},
		{"organisations", importer.Organizations, "", ""},
		{"Companies", importer.Organizations, "", ""},
		{"Entities", importer.Organizations, "", ""},
		{"DISTRIBUTORS", importer.Organizations, "distributor", ""},
		{"Re-sellers", importer.Organizations, "reseller", ""},
		{"manufacturers", importer.Organizations, "manufacturer", ""},
		{"Integrators", importer.Organizations, "integrator", ""},
		{"People", importer.Persons, "", ""},
		{"Directors", importer.Persons, "", ""},
		{"Government Bodies", importer.GovernmentBodies, "", ""},
		{"government_bodies", importer.GovernmentBodies, "", ""},
		{"Agencies", importer.GovernmentBodies, "", ""},
		{"End Users", importer.GovernmentBodies, "", ""},
		{"Country Risk", importer.Countries, "", ""},
		{"Relationships", importer.Links, "", ""},
		{"Shareholders", importer.Links, "", "OWNS"},
		{"Ownership", importer.Links, "", "OWNS"},
		{"Supply-Chain", importer.Links, "", "SUPPLIES"},
		{"Distribution", importer.Links, "", "SUPPLIES"},
		{"Sales", importer.Transactions, "", ""},
		{"Ledger", importer.Transactions, "", ""},
		{"Orders", importer.Transactions, "", ""},
		{"Deals", importer.Transactions, "", ""},
		{"owns", importer.Links, "", "OWNS"},
	}
	for _, tt := range tests {
		k, ok := importer.KindOf(tt.name)
		if !ok || k.Table != tt.table || k.Role != tt.role || string(k.LinkType) != tt.link {
			t.Errorf("KindOf(%q) = %+v, %v", tt.name, k, ok)
		}
	}
	for _, n := range []string{"Sheet1", "Notes", "Pivot"} {
		if k, ok := importer.KindOf(n); ok {
			t.Errorf("KindOf(%q) = %+v; want not recognised", n, k)
		}
	}
}

func TestEntityID(t *testing.T) {
	tests := []struct {
		kind          string
		country, name string
		want          string
	}{
		{"organization", "CN", "Orion Tech LLC", "org-cn-orion-tech"},
		{"organization", "CN", "ORION-TECH, L.L.C.", "org-cn-orion-tech"},
		{"person", "", "Ivan Petrov", "per-xx-ivan-petrov"},
		{"government_body", "RU", "Министерство обороны", "gov-ru-ministerstvo-oborony"},
	}
	for _, tt := range tests {
		if got := importer.EntityID(kindOf(tt.kind), tt.country, tt.name); got != tt.want {
			t.Errorf("EntityID(%s, %s, %q) = %q, want %q", tt.kind, tt.country, tt.name, got, tt.want)
		}
	}
	long := importer.EntityID("organization", "DE", strings.Repeat("Verylongname ", 10)+"One")
	long2 := importer.EntityID("organization", "DE", strings.Repeat("Verylongname ", 10)+"Two")
	if len(long) > 60 || long == long2 {
		t.Errorf("long ids %q and %q: want at most 60 bytes and distinct", long, long2)
	}
	if id := importer.EntityID("organization", "", "!!!"); !strings.HasPrefix(id, "org-xx-") || len(id) != len("org-xx-")+6 {
		t.Errorf("EntityID of punctuation = %q", id)
	}
}
