package xref

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// store is a store of entities, links and decisions held in slices.
type store struct {
	ents      []graph.Entity
	links     []graph.Link
	decisions []graph.Decision
}

func (s *store) EachEntity(ctx context.Context, fn func(graph.Entity) error) error {
	es := append([]graph.Entity(nil), s.ents...)
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	for _, e := range es {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) Links(ctx context.Context, id string) ([]graph.Link, error) {
	var out []graph.Link
	for _, l := range s.links {
		if l.From == id || l.To == id {
			out = append(out, l)
		}
	}
	return out, nil
}

func (s *store) Decisions(ctx context.Context) ([]graph.Decision, error) { return s.decisions, nil }

func org(id, name, country string) graph.Entity {
	return graph.Entity{ID: id, Kind: graph.Organization, Name: name, Country: country}
}

func person(id, name, country string) graph.Entity {
	return graph.Entity{ID: id, Kind: graph.Person, Name: name, Country: country}
}

func with(e graph.Entity, f func(e *graph.Entity)) graph.Entity { f(&e); return e }

func decide(a, b string, i graph.Identity) graph.Decision { return graph.NewDecision(a, b, i) }

// background are unrelated entities of made-up names, so that words are
// as rare as in a real store rather than each in half of it.
func background() []graph.Entity {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	var es []graph.Entity
	for i := range 100 {
		es = append(es, org(fmt.Sprintf("zz-%03d", i), word()+" "+word(), "XX"))
	}
	return es
}

func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name      string
		ents      []graph.Entity
		links     []graph.Link
		decisions []graph.Decision
		opts      Options
		want      []string // proposed pairs, "a|b", best first
		exact     []string // of them, those with the same identifier
		feature   string   // a feature of the first proposal, name:effect
		check     func(t *testing.T, r Result)
	}{
		{name: "same name, other legal form",
			ents: []graph.Entity{org("a", "Orion Tech LLC", "RU"), org("b", "ООО Орион Тех", "RU"), org("c", "Orion Tech GmbH", "RU")},
			want: []string{"a|c", "a|b", "b|c"}, feature: "country:keeps"},
		{name: "a short name of a long one",
			ents: []graph.Entity{org("hw-1", "Huawei", "CN"), org("hw-2", "Huawei Technologies Co., Ltd.", "CN")},
			want: []string{"hw-1|hw-2"}},
		{name: "a city before the name",
			ents: []graph.Entity{org("dh-1", "Zhejiang Dahua Technology Co., Ltd.", "CN"), org("dh-2", "Dahua Technology Company", "CN")},
			want: []string{"dh-1|dh-2"}},
		{name: "a subsidiary is not its parent's short name",
			ents: []graph.Entity{org("hw-1", "Huawei", "CN"), org("hw-3", "Huawei Technologies Beijing Research Center Co., Ltd.", "CN")},
			want: nil},
		{name: "another country lowers",
			ents: []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Orion Tech", "DE")},
			opts: Options{MinScore: 0.7}, want: []string{"a|b"}, feature: "country:lowers",
			check: func(t *testing.T, r Result) {
				if s := r.Candidates[0].Score; s != 0.75 {
					t.Errorf("score %v, want 0.75 (the matcher's country rule)", s)
				}
			}},
		{name: "different names are not proposed",
			ents: []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Vega Holding", "RU"), person("c", "Ana Petrova", "RU")},
			want: nil},
		{name: "a person and a company of one name",
			ents: []graph.Entity{person("a", "Ivan Orlov", "RU"), org("b", "Ivan Orlov", "RU")},
			opts: Options{MinScore: 0.5}, want: []string{"a|b"}, feature: "kind:lowers"},
		{name: "the same identifier, whatever the names",
			ents: []graph.Entity{with(org("a", "Orion Tech", "RU"), func(e *graph.Entity) { e.RegistrationID = "1027700132195" }),
				with(org("b", "Vega Holding", "RU"), func(e *graph.Entity) { e.RegistrationID = "1027-7001-32195" })},
			want: []string{"a|b"}, exact: []string{"a|b"}, feature: "identifier:raises"},
		{name: "other identifiers lower",
			ents: []graph.Entity{with(org("a", "Orion Tech", "RU"), func(e *graph.Entity) { e.RegistrationID = "111" }),
				with(org("b", "Orion Tech", "RU"), func(e *graph.Entity) { e.RegistrationID = "222" })},
			want: []string{"a|b"}, feature: "identifier:lowers"},
		{name: "other numbers are other parties",
			ents: []graph.Entity{org("a", "Fu Yuan Yu 7861", ""), org("b", "Fu Yuan Yu 7864", ""), org("c", "JSC 53 Arsenal", "RU"), org("d", "JSC 75 Arsenal", "RU")},
			opts: Options{MinScore: 0.65}, want: nil},
		{name: "siblings: each name has a word the other lacks",
			ents: []graph.Entity{org("a", "Gazprom Transgaz Stavropol OOO", "RU"), org("b", "Gazprom Transgaz Krasnodar OOO", "RU"), org("c", "Gazprom Transgaz Stavropol", "RU")},
			want: []string{"a|c"}},
		{name: "a shared nickname is not one person",
			ents: []graph.Entity{with(person("a", "DUMONT, Lionel", ""), func(e *graph.Entity) { e.Aliases = []string{"BILAL", "Jacques Brugere"} }),
				with(person("b", "AL-HARBI, Nasir Muhammad", ""), func(e *graph.Entity) { e.Aliases = []string{"BILAL"} })},
			want: nil},
		{name: "units of one body share its name as an alias",
			ents: []graph.Entity{with(org("a", "IRGC Regional Corps Karbala in Mazandaran", "IR"), func(e *graph.Entity) { e.Aliases = []string{"Sepah Pasdaran Enghelab Eslami"} }),
				with(org("b", "IRGC Regional Corps Valiasr in Khuzestan", "IR"), func(e *graph.Entity) { e.Aliases = []string{"Sepah Pasdaran Enghelab Eslami"} }),
				with(person("c", "Yousef Suleiman AL-AHMAD", "SY"), func(e *graph.Entity) { e.Aliases = []string{"al-Ahmed"} }),
				with(person("d", "Jumah AL-AHMAD", "SY"), func(e *graph.Entity) { e.Aliases = []string{"al-Ahmed"} })},
			want: nil},
		{name: "an acronym alone is not the same body",
			ents: []graph.Entity{org("a", "Central Election Commission of the Republic of Belarus (CEC)", "BY"), org("b", "CEC Limited", "")},
			want: nil},
		{name: "aliases count",
			ents: []graph.Entity{with(org("a", "Scientific Studies and Research Center", "SY"), func(e *graph.Entity) { e.Aliases = []string{"SSRC", "CERS"} }),
				org("b", "Centre d'Etudes et de Recherches Scientifiques", "SY")},
			want: nil},
		{name: "an alias that is the other's name",
			ents: []graph.Entity{with(org("a", "Scientific Studies and Research Center", "SY"), func(e *graph.Entity) {
				e.Aliases = []string{"Centre d'Etudes et de Recherches Scientifiques"}
			}), org("b", "Centre d'Etudes et de Recherches Scientifiques", "SY")},
			want: []string{"a|b"}},
		{name: "a decided pair is never proposed, either way",
			ents:      []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Orion Tech LLC", "RU"), org("c", "Vega Holding", "RU"), org("d", "Vega Holding JSC", "RU")},
			decisions: []graph.Decision{decide("a", "b", graph.NotSame), decide("d", "c", graph.Same)},
			want:      nil,
			check: func(t *testing.T, r Result) {
				if r.Decided != 2 {
					t.Errorf("decided %d, want 2", r.Decided)
				}
			}},
		{name: "members of one cluster are not proposed",
			ents:      []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Orion Technologies", "RU"), org("c", "Orion Tech LLC", "RU")},
			decisions: []graph.Decision{decide("a", "x", graph.Same), decide("x", "b", graph.Same), decide("b", "c", graph.Same)},
			want:      nil},
		{name: "two clusters are proposed once, by their best pair",
			ents:      []graph.Entity{org("a1", "Orion Tech", "RU"), org("a2", "Orion Tech Group", "RU"), org("b", "Orion Tech LLC", "RU")},
			decisions: []graph.Decision{decide("a1", "a2", graph.Same)},
			want:      []string{"a1|b"}},
		{name: "clusters decided different are not proposed",
			ents:      []graph.Entity{org("a1", "Orion Tech", "RU"), org("a2", "Orion Tech Group", "RU"), org("b", "Orion Tech LLC", "RU")},
			decisions: []graph.Decision{decide("a1", "a2", graph.Same), decide("a2", "b", graph.NotSame)},
			want:      nil},
		{name: "the same address raises",
			ents: []graph.Entity{with(org("a", "Orion Trading", "AE"), func(e *graph.Entity) { e.Address = "Office 12, Jebel Ali Free Zone, Dubai" }),
				with(org("b", "Orion General Trading", "AE"), func(e *graph.Entity) { e.Address = "office 12 jebel ali free zone dubai" })},
			opts: Options{MinScore: 0.5}, want: []string{"a|b"}, feature: "address:raises"},
		{name: "a shared owner raises",
			ents:  []graph.Entity{org("a", "Orion Trading", "AE"), org("b", "Orion General Trading", "AE"), person("p", "Ana Petrova", "RU")},
			links: []graph.Link{{Type: graph.Owns, From: "p", To: "a"}, {Type: graph.Owns, From: "p", To: "b"}},
			opts:  Options{MinScore: 0.5}, want: []string{"a|b"}, feature: "shared links:raises"},
		{name: "a link between the two lowers",
			ents:  []graph.Entity{org("a", "Orion Tech Holding", "RU"), org("b", "Orion Tech", "RU")},
			links: []graph.Link{{Type: graph.Owns, From: "a", To: "b"}},
			opts:  Options{MinScore: 0.5}, want: []string{"a|b"}, feature: "link:lowers"},
		{name: "after an upload, only pairs of what it touched",
			ents: []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Orion Tech LLC", "RU"), org("c", "Vega Holding", "RU"), org("d", "Vega Holding JSC", "RU")},
			opts: Options{Touched: []string{"d", "nope"}}, want: []string{"c|d"},
			check: func(t *testing.T, r Result) {
				if r.Touched != 1 || r.Entities != 4+len(background()) {
					t.Errorf("touched %d of %d, want 1 of %d", r.Touched, r.Entities, 4+len(background()))
				}
			}},
		{name: "common keys are skipped and counted",
			ents: func() []graph.Entity {
				var es []graph.Entity
				for i := range 12 {
					es = append(es, org(fmt.Sprintf("q-%02d", i), fmt.Sprintf("Quasar %c%c Works", 'a'+i, 'k'+i), "XX"))
				}
				return es
			}(),
			opts: Options{MaxBlock: 10}, want: nil,
			check: func(t *testing.T, r Result) {
				if r.SkippedKeys == 0 || r.MaxBlock != 10 {
					t.Errorf("skipped %d keys of more than %d entities, want some", r.SkippedKeys, r.MaxBlock)
				}
			}},
		{name: "the best are kept, the others counted",
			ents: []graph.Entity{org("a", "Orion Tech", "RU"), org("b", "Orion Tech LLC", "RU"), org("c", "Vega Holding", "RU"), org("d", "Vega Holding JSC", "RU")},
			opts: Options{Keep: 1}, want: []string{"a|b"},
			check: func(t *testing.T, r Result) {
				if r.Proposed != 2 || r.LeftOff != 1 {
					t.Errorf("proposed %d, left off %d, want 2 and 1", r.Proposed, r.LeftOff)
				}
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &store{ents: append(background(), tt.ents...), links: tt.links, decisions: tt.decisions}
			r, err := Run(context.Background(), s, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got, exact []string
			for _, c := range r.Candidates {
				if strings.HasPrefix(c.A, "zz-") {
					t.Errorf("background pair proposed: %+v", c)
				}
				got = append(got, c.Key())
				if c.ExactIdentifier {
					exact = append(exact, c.Key())
				}
				if c.A >= c.B || c.Score < 0 || c.Score > 1 || len(c.Features) == 0 || c.Features[0].Name != "name" {
					t.Errorf("malformed candidate %+v", c)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("proposed %q, want %q\n%s", got, tt.want, dump(r))
			}
			if !reflect.DeepEqual(exact, tt.exact) {
				t.Errorf("exact identifiers %q, want %q", exact, tt.exact)
			}
			if tt.feature != "" && len(r.Candidates) > 0 {
				found := false
				for _, f := range r.Candidates[0].Features {
					found = found || f.Name+":"+f.Effect == tt.feature
				}
				if !found {
					t.Errorf("no feature %s in %+v", tt.feature, r.Candidates[0].Features)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func dump(r Result) string {
	var b strings.Builder
	for _, c := range r.Candidates {
		fmt.Fprintf(&b, "  %s %.3f %+v\n", c.Key(), c.Score, c.Features)
	}
	return b.String()
}

// A run is deterministic, and the touched run scores a pair as the full
// run does.
func TestRunDeterministic(t *testing.T) {
	s := &store{ents: append(background(), org("a", "Orion Tech", "RU"), org("b", "Orion Tech LLC", "RU"), org("c", "Orion Technologies", "RU"))}
	r1, err := Run(context.Background(), s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Run(context.Background(), s, Options{})
	if !reflect.DeepEqual(r1, r2) {
		t.Fatal("two runs differ")
	}
	r3, _ := Run(context.Background(), s, Options{Touched: []string{"c"}})
	for _, c := range r3.Candidates {
		for _, d := range r1.Candidates {
			if c.Key() == d.Key() && !reflect.DeepEqual(c, d) {
				t.Errorf("touched run: %+v\nfull run:    %+v", c, d)
			}
		}
	}
	if len(r3.Candidates) == 0 {
		t.Error("touched run proposed nothing")
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, &store{ents: background()}, Options{}); err == nil {
		t.Error("a cancelled run did not fail")
	}
}
