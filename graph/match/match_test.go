package match

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/antzucaro/matchr"

	"github.com/hopcheck/hopcheck/graph"
)

func TestExpand(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Scientific Studies and Research Center (SSRC)", []string{"Scientific Studies and Research Center", "SSRC"}},
		{"SMIC Northern (Beijing) Co.", []string{"SMIC Northern  Co.", "SMIC Northern  Beijing  Co."}},
		{"Alexander (Alexandr) Petrovich KALASHNIKOV", []string{"Alexander  Petrovich KALASHNIKOV", "Alexander  Alexandr  Petrovich KALASHNIKOV"}},
		{"360 Security Technology Inc. (Qihoo 360)*", []string{"360 Security Technology Inc.", "360 Security Technology Inc.  Qihoo 360"}},
		{"Plain Name", []string{"Plain Name"}},
	} {
		if got := Expand(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	n := Parse("Ministry of Public Security LLC")
	if !reflect.DeepEqual(n.Words, []string{"ministry", "of", "public", "security"}) || !reflect.DeepEqual(n.Legal, []string{"llc"}) ||
		n.Initials != "mps" || n.Joined != "ministryofpublicsecurity" {
		t.Errorf("Parse: %+v", n)
	}
	if n := Parse("杭州海康威视数字技术股份有限公司"); strings.Join(n.Words, " ") != "hang zhou hai kang wei shi shu zi ji zhu" {
		t.Errorf("Chinese: %q", n.Words)
	}
	if n := Parse("ООО"); !reflect.DeepEqual(n.Words, []string{"ooo"}) {
		t.Errorf("a name of a legal form only keeps it: %q", n.Words)
	}
}

// The scorer's rules, one case each: what a pair of names scores, within
// a band, and which feature says why.
func TestScore(t *testing.T) {
	for _, tt := range []struct {
		name     string
		q        Query
		e        graph.Entity
		min, max float64
		feature  string // a feature that must be there: name:effect
	}{
		{"same name, other legal form", Query{Name: "Orion Tech GmbH"}, org("Orion Tech LLC", ""), 1, 1, "name:sets"},
		{"word order", Query{Name: "Ali Mamluk"}, person("MAMLUK, Ali"), 1, 1, "name:sets"},
		{"typo", Query{Name: "Hikvison"}, org("Hikvision", ""), 0.9, 0.97, "name:sets"},
		{"sound alike", Query{Name: "Ali Mamlouk"}, person("MAMLUK, Ali"), 0.9, 0.99, "name:sets"},
		{"joined", Query{Name: "N-Tech Lab"}, org("NtechLab", ""), 1, 1, "name:sets"},
		{"initials", Query{Name: "IRGC"}, org("Islamic Revolutionary Guard Corps", ""), 0.8, 0.8, "name:sets"},
		{"a name inside a longer one", Query{Name: "Hikvision"}, org("Hangzhou Hikvision Digital Technology", ""), 0.85, 0.95, "name:sets"},
		{"generic words only", Query{Name: "Ministry of Public Security"}, org("Ministry of Crude Oil Industry", ""), 0, 0.3, "name:sets"},
		{"another country's ministry", Query{Name: "Ministry of Internal Affairs of Kazakhstan"}, org("Ministry of Internal Affairs of Belarus", ""), 0, 0.6, "name:sets"},
		{"a person without the surname", Query{Name: "Pavel Mikalaevich"}, person("Pavel Mikalaevich KHARCHANKA"), 0.7, 0.85, "name:sets"},
		{"another country", Query{Name: "Orion Tech", Country: "DE"}, org("Orion Tech", "RU"), 0.75, 0.75, "country:lowers"},
		{"same country", Query{Name: "Orion Tech", Country: "RU"}, org("Orion Tech", "RU"), 1, 1, "country:keeps"},
		{"another kind", Query{Name: "Orion Tech", Kind: graph.Person}, org("Orion Tech", ""), 0.8, 0.8, "kind:lowers"},
		{"equal identifier", Query{Name: "Orion", Identifier: "reg-1"}, graph.Entity{Kind: graph.Organization, Name: "Vega Holding", RegistrationID: "REG 1"}, 0.99, 0.99, "identifier:raises"},
		{"other identifier", Query{Name: "Orion Tech", Identifier: "REG-2"}, graph.Entity{Kind: graph.Organization, Name: "Orion Tech", RegistrationID: "REG-1"}, 0.9, 0.9, "identifier:lowers"},
		{"as you type", Query{Name: "Orio", Prefix: true}, org("Orion Tech", ""), 0.9, 0.9, "name:sets"},
	} {
		r := Score(tt.q, tt.e, nil)
		if r.Score < tt.min || r.Score > tt.max {
			t.Errorf("%s: %q ~ %q = %.3f, want %.2f–%.2f (%+v)", tt.name, tt.q.Name, tt.e.Name, r.Score, tt.min, tt.max, r.Features)
		}
		found := false
		for _, f := range r.Features {
			found = found || f.Name+":"+f.Effect == tt.feature
		}
		if !found {
			t.Errorf("%s: no feature %s in %+v", tt.name, tt.feature, r.Features)
		}
	}
}

// Rare words weigh more than common ones: the same pair scores lower when
// the word they share is common and the word they do not share is rare.
func TestRarity(t *testing.T) {
	q, e := Query{Name: "Falcon Trading"}, org("Falcon Logistics", "")
	common := stats{docs: 100000, df: map[string]int{"falcon": 5000, "trading": 1}}
	rare := stats{docs: 100000, df: map[string]int{"falcon": 1, "trading": 5000}}
	if c, r := Score(q, e, common).Score, Score(q, e, rare).Score; c >= r {
		t.Errorf("shared word common %.3f, rare %.3f: want the rare one higher", c, r)
	}
}

// The index's retrieval and Retrieval over the candidates' own keys rank
// alike: what the Neo4j store relies on to score the same candidates.
func TestRetrievalAgreesWithLookup(t *testing.T) {
	x := NewIndex()
	names := map[string][]string{
		"a": {"Hikvision"}, "b": {"Hangzhou Hikvision Digital Technology"}, "c": {"Hikari Vision"},
		"d": {"NtechLab"}, "e": {"N Tech Lab Trading"}, "f": {"Dahua Technology"},
	}
	keysOf := map[string][]string{}
	var ids []string
	for id, ns := range names {
		x.Add(id, ns)
		keysOf[id] = Keys(ns)
		ids = append(ids, id)
	}
	for _, q := range []string{"Hikvison", "hikvision digital", "NTEHLAB", "N-Tech", "Technology", "Dahau"} {
		want := x.Lookup(q, false)
		var found []string
		for _, id := range ids {
			for _, k := range keysOf[id] {
				if hasKey(x, q, k) {
					found = append(found, id)
					break
				}
			}
		}
		if got := Retrieval(q, false, found, keysOf); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: Retrieval %v, Lookup %v", q, got, want)
		}
	}
	x.Remove("a", names["a"])
	if got := x.Lookup("Hikvision", false); len(got) == 0 || got[0] == "a" || x.Docs() != 5 {
		t.Errorf("after removing a: %v, %d docs", got, x.Docs())
	}
}

// hasKey reports whether the index's lookup for q would reach key k.
func hasKey(x *Index, q, k string) bool {
	for _, t := range Terms(q) {
		if t.Key == k || (t.Fuzzy && fuzzyKey(k) && reachable(t.Key, k)) {
			return true
		}
	}
	return false
}

type stats struct {
	docs int
	df   map[string]int
}

func (s stats) Docs() int            { return s.docs }
func (s stats) DocFreq(w string) int { return s.df[w] }
func org(name, country string) graph.Entity {
	return graph.Entity{Kind: graph.Organization, Name: name, Country: country}
}
func person(name string) graph.Entity { return graph.Entity{Kind: graph.Person, Name: name} }

// osa is matchr.OSA, the same distance, on short ASCII words (alike,
// swapped, cut) and on what it leaves to matchr.
func TestOSA(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "acb", "bca", "hikvision", "hikvison", "hikivsion", "huawei", "huaewi",
		"mamluk", "mamlouk", "ntechlab", "ntechlabs", "zhejiangdahuatechnology", "zhejiangdahuatechnologies", "ёлка", "елка",
		strings.Repeat("ab", 40), strings.Repeat("ba", 40)}
	for _, a := range words {
		for _, b := range words {
			if got, want := osa(a, b), matchr.OSA(a, b); got != want {
				t.Errorf("osa(%q, %q) = %d, matchr.OSA %d", a, b, got, want)
			}
		}
	}
}

// TestVocabularyAgreesWithNear: the keys a store finds through a
// vocabulary of fuzzy keys and their deletions (FuzzyKeys, NearQuery,
// Near, as Neo4j looks them up) are those the in-memory index finds near a
// query's fuzzy keys.
func TestVocabularyAgreesWithNear(t *testing.T) {
	x := NewIndex()
	names := []string{"Hikvision", "Hikari Vision", "Hangzhou Hikvision Digital Technology", "NtechLab", "N Tech Lab Trading",
		"Dahua Technology", "Dahau Tech", "Uniview", "Univision", "Synesis", "Synergy", "Data", "Date", "Delta"}
	vocabulary := map[string][]string{} // fuzzy key → its deletions
	for i, n := range names {
		x.Add(fmt.Sprint(i), []string{n})
		for _, v := range FuzzyKeys(Keys([]string{n})) {
			vocabulary[v.Key] = v.Deletions
		}
	}
	queries := []string{"Hikvison", "Hikvisoin", "Hkvision", "Unyview", "Synesys", "Dahua Tecnology", "Dta", "Datas", "Dalta", "NTEHLAB",
		"Technolgy Tachnolagy"} // the second is two letters from "technology", which the first brings: not a typo the index finds
	checked := 0
	for _, q := range queries {
		// What Neo4j's one lookup for a query returns: the keys whose
		// deletions include one of its fuzzy keys or their deletions
		// (match_key_near), and the keys that are one of those deletions
		// (the key constraint).
		tokens, dels := NearQuery(Terms(q))
		var found []string
		for k, kd := range vocabulary {
			if slices.ContainsFunc(kd, func(d string) bool { return slices.Contains(tokens, d) }) || slices.Contains(dels, k) {
				found = append(found, k)
			}
		}
		for _, term := range Terms(q) {
			if !term.Fuzzy {
				continue
			}
			got, want := Near(term.Key, found), x.near(term.Key)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%q, key %q: vocabulary finds %v, the index %v", q, term.Key, got, want)
			}
			if len(want) > 0 {
				checked++
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d fuzzy keys found neighbours: the test checks little", checked)
	}
}
