package neo4jstore_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
)

// TestIdentitySchema holds the public schema of docs/NEO4J.md: a decision
// is (a)-[:SAME_AS|NOT_SAME_AS {decided_by, decided_at, note}]->(b) with
// a < b, and every entity carries its SAME_AS cluster's id (the lowest
// member id; its own when it is in none) in the property cluster, kept
// across re-imports and updated when a decision is removed.
func TestIdentitySchema(t *testing.T) {
	cfg := config(t)
	s := mustOpen(t, cfg)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	// query runs a read as an investigator would, outside the store.
	query := func(q string) []string {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, driver, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var rows []string
		for _, r := range res.Records {
			rows = append(rows, fmt.Sprint(r.Values...))
		}
		return rows
	}
	p := graphtest.NewBuilder("u-1").Org("acme-2", "XF").Org("acme-1", "XF").Org("acme-3", "XF").Org("orion", "XF")
	p.MustApply(t, s)
	graphtest.NewBuilder("u-2").Decide("acme-2", "acme-1", graph.Same, "alice", "same registration number").
		Decide("acme-3", "acme-2", graph.Same, "bob", "").Decide("orion", "acme-1", graph.NotSame, "carol", "").MustApply(t, s)

	rels := `MATCH (a:Entity)-[r:SAME_AS|NOT_SAME_AS]->(b:Entity)
RETURN a.id, type(r), b.id, r.decided_by, r.decided_at, coalesce(r.note, '') ORDER BY a.id, b.id`
	want := []string{
		"acme-1SAME_ASacme-2alice2024-05-01T10:00:00Zsame registration number",
		"acme-1NOT_SAME_ASorioncarol2024-05-01T10:00:00Z",
		"acme-2SAME_ASacme-3bob2024-05-01T10:00:00Z",
	}
	if got := query(rels); !reflect.DeepEqual(got, want) {
		t.Errorf("decisions as relationships:\n got %q\nwant %q", got, want)
	}
	// The example of docs/NEO4J.md: every cluster with its members.
	clusters := `MATCH (e:Entity) WHERE e.cluster <> e.id
WITH DISTINCT e.cluster AS cluster
MATCH (m:Entity {cluster: cluster})
RETURN cluster, collect(m.id) AS members ORDER BY cluster`
	members := func() []string {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, driver, clusters, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Records {
			ms := r.Values[1].([]any)
			ids := make([]string, len(ms))
			for i, m := range ms {
				ids[i] = m.(string)
			}
			sort.Strings(ids)
			out = append(out, fmt.Sprintf("%v: %v", r.Values[0], ids))
		}
		return out
	}
	if got := members(); !reflect.DeepEqual(got, []string{"acme-1: [acme-1 acme-2 acme-3]"}) {
		t.Errorf("clusters %q", got)
	}

	// The examples of docs/NEO4J.md run as written.
	docs := []struct{ q, want string }{
		{`MATCH (e:Entity) WHERE e.cluster <> e.id
WITH DISTINCT e.cluster AS cluster
MATCH (m:Entity {cluster: cluster})
WITH cluster, collect(m) AS members
OPTIONAL MATCH (a:Entity {cluster: cluster})-[r:SAME_AS]->(b:Entity)
RETURN cluster, [m IN members | m.id + ' ' + m.name] AS members,
       collect(a.id + ' = ' + b.id + ' by ' + r.decided_by + coalesce(' (' + r.note + ')', '')) AS decisions
ORDER BY size(members) DESC, cluster`, "acme-1 3 2"},
		{`MATCH (m:Entity {cluster: 'acme-1'})-[l:OWNS|CONTROLS|SUPPLIES|PART_OF|OFFICER_OF|RELATED_TO|AGENT_OF]-(o:Entity)
WHERE o.cluster <> m.cluster
RETURN m.id AS member, type(l) AS link, startNode(l) = m AS outgoing, o.id, o.name, l.file, l.row`, "acme-3 OWNS false orion"},
		{`MATCH (a:Entity)-[r:NOT_SAME_AS]->(b:Entity)
RETURN a.id, a.name, b.id, b.name, r.decided_by, r.decided_at, r.note ORDER BY datetime(r.decided_at) DESC`, "acme-1 orion carol"},
	}
	graphtest.NewBuilder("u-link").Owns("orion", "acme-3", graphtest.Pct(10)).Owns("acme-1", "acme-2", graphtest.Pct(5)).MustApply(t, s)
	for i, d := range docs {
		res, err := neo4j.ExecuteQuery(ctx, driver, d.q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("docs query %d: %v", i, err)
		}
		if len(res.Records) != 1 {
			t.Fatalf("docs query %d: %d rows, want 1", i, len(res.Records))
		}
		v := res.Records[0].Values
		var got string
		switch i {
		case 0:
			got = fmt.Sprint(v[0], " ", len(v[1].([]any)), " ", len(v[2].([]any)))
		case 1:
			got = fmt.Sprint(v[0], " ", v[1], " ", v[2], " ", v[3])
		case 2:
			got = fmt.Sprint(v[0], " ", v[2], " ", v[4])
		}
		if got != d.want {
			t.Errorf("docs query %d: %q, want %q", i, got, d.want)
		}
	}

	// A re-import of the entities keeps the property.
	p.MustApply(t, s)
	graphtest.NewBuilder("u-3").Entity(graph.Entity{ID: "acme-3", Kind: graph.Organization, Name: "Acme renamed"}).MustApply(t, s)
	if got := members(); !reflect.DeepEqual(got, []string{"acme-1: [acme-1 acme-2 acme-3]"}) {
		t.Errorf("clusters after a re-import %q", got)
	}
	// Removing acme-1 = acme-2 leaves acme-2 = acme-3, named acme-2; acme-1 is alone.
	if _, err := s.Undecide(ctx, "acme-1", "acme-2"); err != nil {
		t.Fatal(err)
	}
	if got := members(); !reflect.DeepEqual(got, []string{"acme-2: [acme-2 acme-3]"}) {
		t.Errorf("clusters after the removal %q", got)
	}
	// An entity in no cluster of two or more is a cluster of its own.
	if got := query(`MATCH (e:Entity) RETURN e.id, e.cluster ORDER BY e.id`); !reflect.DeepEqual(got, []string{"acme-1acme-1", "acme-2acme-2", "acme-3acme-2", "orionorion"}) {
		t.Errorf("every entity's cluster: %q", got)
	}
}
