package connect_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/connect"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

// A chain A → B → C → D → E → F (owns, supplies, owns, controls, agent_of),
// a short cut A – X – F that ended in 2022, and G on its own.
func store(t *testing.T) graph.Store {
	t.Helper()
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := graphtest.NewBuilder("u-c")
	for _, id := range []string{"A", "B", "C", "D", "E", "F", "X", "G"} {
		b.Org(id, "DE")
	}
	b.Owns("A", "B", graphtest.Pct(60)).Link(graph.Supplies, "C", "B").Owns("C", "D", nil).
		Link(graph.Controls, "D", "E").Link(graph.AgentOf, "F", "E").
		LinkWith(graph.Link{Type: graph.RelatedTo, From: "A", To: "X", ValidTo: "2022-12-31"}).
		LinkWith(graph.Link{Type: graph.RelatedTo, From: "X", To: "F", ValidFrom: "2020-01-01"})
	b.MustApply(t, s)
	return s
}

func ids(p connect.Path) string {
	var out []string
	for _, e := range p.Entities {
		out = append(out, e.ID)
	}
	return strings.Join(out, ">")
}

func TestShortest(t *testing.T) {
	s := store(t)
	cases := []struct {
		name  string
		q     connect.Query
		path  string // "" when none is found
		links int
		err   string
	}{
		{"the ended short cut is the shortest without a day", connect.Query{From: "A", To: "F"}, "A>X>F", 2, ""},
		{"on a day after it ended the chain is walked", connect.Query{From: "A", To: "F", Day: "2024-06-01"}, "A>B>C>D>E>F", 5, ""},
		{"on a day it held", connect.Query{From: "F", To: "A", Day: "2021-06-01"}, "F>X>A", 2, ""},
		{"links are walked against their direction", connect.Query{From: "E", To: "C"}, "E>D>C", 2, ""},
		{"types restrict the walk", connect.Query{From: "A", To: "F", Types: []graph.LinkType{graph.Owns, graph.Supplies, graph.Controls, graph.AgentOf}}, "A>B>C>D>E>F", 5, ""},
		{"too few hops", connect.Query{From: "A", To: "F", Day: "2024-06-01", MaxHops: 4}, "", 0, ""},
		{"exactly enough hops", connect.Query{From: "A", To: "F", Day: "2024-06-01", MaxHops: 5}, "A>B>C>D>E>F", 5, ""},
		{"no connection", connect.Query{From: "A", To: "G"}, "", 0, ""},
		{"the same entity", connect.Query{From: "B", To: "B"}, "B", 0, ""},
		{"unknown entity", connect.Query{From: "A", To: "NOPE"}, "", 0, "not_found"},
		{"missing end", connect.Query{From: "A"}, "", 0, "invalid"},
		{"hops out of range", connect.Query{From: "A", To: "F", MaxHops: 99}, "", 0, "invalid"},
		{"unknown type", connect.Query{From: "A", To: "F", Types: []graph.LinkType{"LOVES"}}, "", 0, "invalid"},
		{"the search stops at its budget", connect.Query{From: "A", To: "F", Day: "2024-06-01", MaxVisited: 3}, "", 0, "invalid"},
		{"a budget large enough", connect.Query{From: "A", To: "F", Day: "2024-06-01", MaxVisited: 6}, "A>B>C>D>E>F", 5, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, found, err := connect.Shortest(context.Background(), s, c.q)
			if c.err != "" {
				if graph.ErrorCode(err) != c.err {
					t.Fatalf("error %v, want code %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if found != (c.path != "") || ids(p) != c.path || len(p.Links) != c.links {
				t.Fatalf("path %q (found %v, %d links), want %q with %d", ids(p), found, len(p.Links), c.path, c.links)
			}
			// Each link joins the entities beside it, in either direction.
			for i, l := range p.Links {
				a, b := p.Entities[i].ID, p.Entities[i+1].ID
				if !(l.From == a && l.To == b) && !(l.From == b && l.To == a) {
					t.Errorf("link %d %s→%s does not join %s and %s", i, l.From, l.To, a, b)
				}
			}
		})
	}
}
