package importer_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// The value parsers not fuzzed in fuzz_test.go, and graph.NameKey, which
// every reference and duplicate check goes through.

func FuzzParseBool(f *testing.F) {
	for _, s := range []string{"yes", "No", " TRUE ", "1", "0", "", "y", "maybe", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := importer.ParseBool(s)
		if err != nil && b != nil {
			t.Fatalf("ParseBool(%q) = %v and %v", s, *b, err)
		}
		if err == nil && b == nil && strings.TrimSpace(s) != "" {
			t.Fatalf("ParseBool(%q): no value and no error", s)
		}
	})
}

func FuzzParseAliases(f *testing.F) {
	for _, s := range []string{"A; B;;A", "", ";;;", " Orion ; ОРИОН ", "a\x00b;c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seen := map[string]bool{}
		for _, a := range importer.ParseAliases(s) {
			if a == "" || a != strings.TrimSpace(a) || strings.Contains(a, ";") || seen[a] {
				t.Fatalf("ParseAliases(%q) gives %q", s, a)
			}
			seen[a] = true
		}
	})
}

func FuzzNameKey(f *testing.F) {
	for _, s := range []string{"Ōrion-Tech, L.L.C.", "ООО «Орион»", "O'Brien & Sons Ltd", "LLC", "", "  ", "北京科技有限公司",
		"MATCH (n) DETACH DELETE n", "a\u200bb", "\u202eevil", "ﬁnance", "Ⅻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := graph.NameKey(s)
		if k != strings.Join(strings.Fields(k), " ") {
			t.Fatalf("NameKey(%q) = %q: spaces not collapsed", s, k)
		}
		for _, r := range k {
			if unicode.IsUpper(r) || (r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r)) {
				t.Fatalf("NameKey(%q) = %q: holds %q", s, k, r)
			}
		}
		if again := graph.NameKey(k); again != k {
			t.Fatalf("NameKey is not idempotent: %q -> %q -> %q", s, k, again)
		}
	})
}

func FuzzCapabilities(f *testing.F) {
	for _, s := range []string{"IMSI catcher; facial recognition cameras", "", "DPI", "ＣＣＴＶ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		caps := graph.Capabilities(s)
		if len(caps) > len(graph.CapabilityCategories) {
			t.Fatalf("Capabilities(%q) = %q", s, caps)
		}
	})
}

func FuzzParseMapping(f *testing.F) {
	f.Add([]byte("date_format: DD/MM/YYYY\nheaders:\n  Firma: name\nsheets:\n  x:\n    kind: distributors\n    header_row: 2\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("sheets: {s: {no_header: true, columns: {A: name}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := importer.ParseMapping(data)
		if err != nil {
			return
		}
		// A mapping that parses must drive a read without trouble.
		u, rep := readWithin(t, importer.Options{Mapping: m, Limits: fuzzLimits},
			importer.File{Name: "x.csv", Data: []byte("Firma,Land\nOrion,CN\n")})
		checkAccepted(t, u, rep)
	})
}
