package neo4jstore

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// Identity decisions are relationships (a)-[:SAME_AS|NOT_SAME_AS]->(b),
// a < b, with decided_by, decided_at, note and their source. Every entity
// carries the property cluster: the id of its SAME_AS cluster (the lowest
// member id; its own id when it is in none), which the path search walks
// by and investigators may query (docs/NEO4J.md).

// decisionsQuery reads every decision.
const decisionsQuery = `MATCH (a:Entity)-[r:SAME_AS|NOT_SAME_AS]->(b:Entity) RETURN type(r), r, a.id, b.id`

func decisionOf(typ string, m map[string]any, a, b string) graph.Decision {
	d := graph.NewDecision(a, b, graph.NotSame)
	if typ == "SAME_AS" {
		d.Identity = graph.Same
	}
	d.DecidedBy, d.DecidedAt, d.Note, d.Source = getStr(m, "decided_by"), getStr(m, "decided_at"), getStr(m, "note"), getSource(m)
	return d
}

func decisionProps(d graph.Decision) map[string]any {
	return sourceProps(map[string]any{"decided_by": strValue(d.DecidedBy), "decided_at": strValue(d.DecidedAt), "note": strValue(d.Note)}, d.Source)
}

func readDecisions(ctx context.Context, run func(query string, params map[string]any) ([]*neo4j.Record, error)) ([]graph.Decision, error) {
	recs, err := run(decisionsQuery, nil)
	if err != nil {
		return nil, err
	}
	var ds []graph.Decision
	for _, r := range recs {
		ds = append(ds, decisionOf(r.Values[0].(string), props(r.Values[1]), r.Values[2].(string), r.Values[3].(string)))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Key() < ds[j].Key() })
	return ds, nil
}

// Decisions implements graph.Store.
func (s *Store) Decisions(ctx context.Context) ([]graph.Decision, error) {
	return readDecisions(ctx, func(q string, p map[string]any) ([]*neo4j.Record, error) {
		return s.read(ctx, "reading identity decisions", q, p)
	})
}

// planDecisions adds to p the writes of the upload's decisions merged with
// the stored ones: the decisions that change, then the cluster property
// of every entity whose cluster changes.
func (s *Store) planDecisions(ctx context.Context, tx neo4j.ManagedTransaction, p *plan, upload []graph.Decision) error {
	if len(upload) == 0 {
		return nil
	}
	stored, err := readDecisions(ctx, func(q string, params map[string]any) ([]*neo4j.Record, error) {
		return collect(ctx, tx, q, params)
	})
	if err != nil {
		return err
	}
	all, ch, err := graph.MergeDecisions(stored, upload)
	if err != nil {
		return err
	}
	p.res.Decisions = ch
	old := map[string]graph.Decision{}
	for _, d := range stored {
		old[d.Key()] = d
	}
	byType := map[graph.Identity][]map[string]any{}
	for _, d := range all {
		if o, ok := old[d.Key()]; !ok || o != d {
			byType[d.Identity] = append(byType[d.Identity], map[string]any{"a": d.A, "b": d.B, "props": decisionProps(d)})
		}
	}
	for _, i := range []graph.Identity{graph.Same, graph.NotSame} {
		p.add(writeDecisions(i), byType[i], s.cfg.BatchRows)
	}
	p.then()
	p.add(writeClusters, clusterRows(stored, all), s.cfg.BatchRows)
	return nil
}

// writeDecisions replaces the decision on each pair by one of identity i.
func writeDecisions(i graph.Identity) string {
	return `
UNWIND $rows AS row
MATCH (a:Entity {id: row.a}), (b:Entity {id: row.b})
CALL (a, b) {
  MATCH (a)-[old:SAME_AS|NOT_SAME_AS]-(b)
  DELETE old
}
CREATE (a)-[r:` + i.LinkType() + `]->(b)
SET r = row.props`
}

// writeClusters sets the cluster property (with null: the entity's own id).
const writeClusters = `
UNWIND $rows AS row
MATCH (e:Entity {id: row.id})
SET e.cluster = coalesce(row.cluster, e.id)`

// clusterRows returns the cluster property of every entity whose cluster
// differs between the decisions before and after.
func clusterRows(before, after []graph.Decision) []map[string]any {
	b, a := graph.NewClusters(before), graph.NewClusters(after)
	ids := map[string]bool{}
	for _, c := range []*graph.Clusters{b, a} {
		c.Each(func(_ string, ms []string) {
			for _, m := range ms {
				ids[m] = true
			}
		})
	}
	var rows []map[string]any
	for _, id := range sorted(keysOf(ids)) {
		if b.Clustered(id) == a.Clustered(id) && b.Of(id) == a.Of(id) {
			continue
		}
		var cluster any
		if a.Clustered(id) {
			cluster = a.Of(id)
		}
		rows = append(rows, map[string]any{"id": id, "cluster": cluster})
	}
	return rows
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Undecide implements graph.Store.
func (s *Store) Undecide(ctx context.Context, a, b string) (graph.Decision, error) {
	if err := s.reachable(ctx, "removing an identity decision"); err != nil {
		return graph.Decision{}, err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	d, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (graph.Decision, error) {
		run := func(q string, params map[string]any) ([]*neo4j.Record, error) { return collect(ctx, tx, q, params) }
		before, err := readDecisions(ctx, run)
		if err != nil {
			return graph.Decision{}, err
		}
		key := graph.PairKey(a, b)
		var removed *graph.Decision
		var after []graph.Decision
		for i, d := range before {
			if d.Key() == key {
				removed = &before[i]
			} else {
				after = append(after, d)
			}
		}
		if removed == nil {
			return graph.Decision{}, graph.Errorf(graph.ENOTFOUND, "no identity decision on %s and %s", a, b)
		}
		if _, err := run(`MATCH (:Entity {id: $a})-[r:SAME_AS|NOT_SAME_AS]->(:Entity {id: $b}) DELETE r`,
			map[string]any{"a": removed.A, "b": removed.B}); err != nil {
			return graph.Decision{}, err
		}
		if _, err := run(writeClusters, map[string]any{"rows": clusterRows(before, after)}); err != nil {
			return graph.Decision{}, err
		}
		if _, err := run(bumpVersion, nil); err != nil {
			return graph.Decision{}, err
		}
		return *removed, nil
	})
	if err != nil {
		return graph.Decision{}, s.applyErr(err)
	}
	return d, nil
}
