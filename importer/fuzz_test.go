package importer_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-04", "03/04/2024", "4 March 2024", "2024-03-04T10:00:00Z", "31.12.1999", "", "2024/2/29", "March 4, 2024"} {
		f.Add(s, "DD/MM/YYYY")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, format string) {
		df, err := importer.ParseDateFormat(format)
		if err != nil {
			return
		}
		d, err := importer.ParseDate(s, df)
		if err != nil {
			return
		}
		if d == "" {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("ParseDate(%q) = \"\" without error", s)
			}
			return
		}
		// The output is a valid ISO date and reads back as itself.
		if again, err := importer.ParseDate(d, importer.DateFormat{}); err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %q, which reads back as %q, %v", s, d, again, err)
		}
	})
}

func FuzzParsePercent(f *testing.F) {
	for _, s := range []string{"60", "60%", "60.5", "0.6", "60,5 %", "101", "-1", "", "1e2", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := importer.ParsePercent(s)
		if err == nil && p != nil && (*p < 0 || *p > 100 || *p != *p) {
			t.Fatalf("ParsePercent(%q) = %v", s, *p)
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,200", "1 200", "1,200.50", "$5", "-3", "abc", "1,20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = importer.ParseNumber(s)
	})
}

func FuzzParseCountry(f *testing.F) {
	for _, s := range []string{"CN", "CHN", "China", "Türkiye", "UK", "Narnia", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := importer.ParseCountry(s)
		if err == nil && code != "" && len(code) != 2 {
			t.Fatalf("ParseCountry(%q) = %q", s, code)
		}
	})
}

func FuzzEntityID(f *testing.F) {
	for _, s := range []string{"Orion Tech LLC", "ООО «Орион»", "!!!", "", strings.Repeat("long name ", 20)} {
		f.Add(s, "CN")
	}
	f.Fuzz(func(t *testing.T, name, country string) {
		if len(country) > 2 {
			country = country[:2]
		}
		id := importer.EntityID(graph.Organization, country, name)
		if id != importer.EntityID(graph.Organization, country, name) || len(id) > 80 {
			t.Fatalf("EntityID(%q) = %q", name, id)
		}
		// Names with the same key get the same id.
		if graph.NameKey(name) == graph.NameKey(name+" LLC") && id != importer.EntityID(graph.Organization, country, name+" LLC") {
			t.Fatalf("ids differ for %q and %q", name, name+" LLC")
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("name,country\nOrion,CN\n"))
	f.Add([]byte("\xEF\xBB\xBFname;country;founded\n\"A;B\";DE;03/04/2024\n"))
	f.Add([]byte("\xFF\xFEn\x00a\x00m\x00e\x00\n\x00"))
	f.Add([]byte("name\n\"unterminated\n"))
	f.Add([]byte("id,name\nx,=cmd|' /C calc'!A0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, rep := mustRead(t, nil, importer.Options{Kind: "organizations", Limits: importer.Limits{StoreSearchTime: -1}}, importer.File{Name: "orgs.csv", Data: data})
		if !rep.Rejected {
			for _, e := range u.Entities {
				if e.ID == "" || e.Name == "" {
					t.Fatalf("accepted entity without id or name: %+v", e)
				}
			}
		}
	})
}

func FuzzParsePartialDate(f *testing.F) {
	for _, s := range []string{"1989", "2021-03", "2021/03", "March 2021", "2024-02-29", "1989.0", "0999", "2021-13", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := importer.ParsePartialDate(s, importer.DateFormat{})
		if err != nil || d == "" {
			return
		}
		start, end := importer.StartOf(d), importer.EndOf(d)
		for _, v := range []string{start, end} {
			if _, err := time.Parse("2006-01-02", v); err != nil {
				t.Fatalf("ParsePartialDate(%q) = %q: start %q, end %q not dates", s, d, start, end)
			}
		}
		if end < start || start[:len(d)] != d || end[:len(d)] != d {
			t.Fatalf("ParsePartialDate(%q) = %q: period %s – %s", s, d, start, end)
		}
	})
}
