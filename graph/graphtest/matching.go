package graphtest

import (
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// testMatching pins the retrieval and scoring every store must give a
// search: typos, word order, names written together, acronyms, other
// scripts, generic words, and country and identifier as features. Both
// stores score with graph/match; what this checks is that their retrieval
// brings the right candidates, and that they agree on scores.
func testMatching(t *testing.T, s graph.Store) {
	b := NewBuilder("u-match")
	for _, e := range []graph.Entity{
		{ID: "hik", Kind: graph.Organization, Name: "Hangzhou Hikvision Digital Technology Co., Ltd.", Aliases: []string{"Hikvision", "杭州海康威视数字技术股份有限公司"}, Country: "CN", RegistrationID: "91330000733796106P"},
		{ID: "dahua", Kind: graph.Organization, Name: "Zhejiang Dahua Technology Co., Ltd.", Country: "CN"},
		{ID: "ntech", Kind: graph.Organization, Name: "NtechLab", Country: "RU"},
		{ID: "mamluk", Kind: graph.Person, Name: "MAMLUK, Ali", Country: "SY"},
		{ID: "irgc", Kind: graph.GovernmentBody, Name: "Islamic Revolutionary Guard Corps", Country: "IR"},
		{ID: "ssrc", Kind: graph.GovernmentBody, Name: "Scientific Studies and Research Center (SSRC)", Country: "SY"},
		{ID: "fsb", Kind: graph.GovernmentBody, Name: "Federal Security Service", Aliases: []string{"Федеральная служба безопасности"}, Country: "RU"},
		{ID: "oil", Kind: graph.GovernmentBody, Name: "Ministry of Crude Oil Industry", Country: "XR"},
		{ID: "mia-by", Kind: graph.GovernmentBody, Name: "Ministry of Internal Affairs of the Republic of Belarus", Country: "BY"},
	} {
		b.Entity(e)
	}
	b.MustApply(t, s)
	for _, tt := range []struct {
		name  string
		q     graph.SearchQuery
		want  string  // best match; "" for none
		least float64 // its least score
	}{
		{"exact alias", graph.SearchQuery{Text: "Hikvision"}, "hik", 1},
		{"typo", graph.SearchQuery{Text: "Hikvison"}, "hik", 0.85},
		{"typo, joined name", graph.SearchQuery{Text: "NTEHLAB"}, "ntech", 0.8},
		{"typo that changes the sound", graph.SearchQuery{Text: "Hikbision"}, "hik", 0.8},
		{"split name", graph.SearchQuery{Text: "Ntech Lab"}, "ntech", 0.85},
		{"word order and spelling", graph.SearchQuery{Text: "Ali Mamlouk"}, "mamluk", 0.85},
		{"acronym of a name", graph.SearchQuery{Text: "IRGC"}, "irgc", 0.75},
		{"acronym in parentheses", graph.SearchQuery{Text: "SSRC"}, "ssrc", 1},
		{"Cyrillic", graph.SearchQuery{Text: "Федеральная служба безопасности"}, "fsb", 1},
		{"transliterated", graph.SearchQuery{Text: "Federalnaya Sluzhba Bezopasnosti"}, "fsb", 0.95},
		{"Chinese", graph.SearchQuery{Text: "海康威视"}, "hik", 0.8},
		{"generic words are no match", graph.SearchQuery{Text: "Ministry of Public Security"}, "", 0},
		{"another country's ministry is no match", graph.SearchQuery{Text: "Ministry of Internal Affairs of Kazakhstan"}, "", 0},
		{"a shared province is no match", graph.SearchQuery{Text: "Zhejiang Uniview Technologies"}, "", 0},
		{"as you type", graph.SearchQuery{Text: "Hikvi", Prefix: true}, "hik", 0.9},
		{"identifier", graph.SearchQuery{Text: "Hangzhou Video Technology", Identifier: "91330000-733796106p"}, "hik", 0.99},
	} {
		ms, err := s.Search(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		got, score := "", 0.0
		if len(ms) > 0 {
			got, score = ms[0].Entity.ID, ms[0].Score
		}
		if got != tt.want || score < tt.least {
			t.Errorf("%s: %q best %q %.3f, want %q ≥ %.2f (%+v)", tt.name, tt.q.Text, got, score, tt.want, tt.least, ms)
		}
		if len(ms) > 0 && (len(ms[0].Features) == 0 || ms[0].Features[0].Name != "name" || ms[0].Features[0].Detail == "") {
			t.Errorf("%s: the match does not explain itself: %+v", tt.name, ms[0].Features)
		}
	}
	// A name of hundreds of words (a pasted paragraph) is searched, not
	// refused by a limit of the store's index on the terms of one query.
	var words []string
	for i := range 600 {
		words = append(words, string([]byte{'q', byte('a' + i/26%26), byte('a' + i%26), 'u', 'z'}))
	}
	if _, err := s.Search(ctx, graph.SearchQuery{Text: strings.Join(words, " ") + " Hikvision"}); err != nil {
		t.Errorf("a name of 601 words: %v", err)
	}
	// Country is a feature: another country lowers the score; with
	// Restrict it excludes the candidate.
	ms, _ := s.Search(ctx, graph.SearchQuery{Text: "NtechLab", Country: "DE"})
	if len(ms) != 1 || ms[0].Score >= 1 || !hasFeature(ms[0], "country", "lowers") {
		t.Errorf("another country: %+v, want a lowered score", ms)
	}
	if ms, _ := s.Search(ctx, graph.SearchQuery{Text: "NtechLab", Country: "DE", Restrict: true}); len(ms) != 0 {
		t.Errorf("restricted to another country: %+v, want none", ms)
	}
}

func hasFeature(m graph.Match, name, effect string) bool {
	for _, f := range m.Features {
		if f.Name == name && f.Effect == effect && strings.TrimSpace(f.Detail) != "" {
			return true
		}
	}
	return false
}
