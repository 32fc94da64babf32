package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// Reach implements graph.Store: the exposure path search of SPEC §3 runs in
// Neo4j, one query for all the queries of the call. Go only turns the rows
// into graph.Reach values and sorts them. docs/NEO4J.md explains the query
// and why it gives the same answer as exposure.Reach.
func (s *Store) Reach(ctx context.Context, qs []graph.ReachQuery, p graph.Policy) ([]graph.Reach, error) {
	out := make([]graph.Reach, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	query, params, err := reachQuery(p, qs)
	if err != nil {
		return nil, err
	}
	for i, q := range qs {
		out[i].Start = graph.Ref{ID: q.Start}
	}
	recs, err := s.read(ctx, "searching exposure paths", query, params)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		i := int(r.Values[0].(int64))
		if r.Values[1] == nil {
			continue // no such entity: nothing to reach
		}
		out[i].Start = refOf(r.Values[1])
		out[i].Exposures = exposures(r.Values[2])
		for _, id := range r.Values[3].([]any) {
			out[i].ByParent = append(out[i].ByParent, id.(string))
		}
		sort.Strings(out[i].ByParent)
		out[i].Ownership = exposures(r.Values[4])
	}
	return out, nil
}

// stepOf is the step that walks a link type (one step a type).
var stepOf = func() map[graph.LinkType]graph.Step {
	m := map[graph.LinkType]graph.Step{}
	for _, s := range graph.Steps {
		t, _, _ := s.Walk()
		m[t] = s
	}
	return m
}()

// reachQuery writes the query for a policy and its parameters for the
// queries qs. Only the policy's bounds (checked integers) and relationship
// types (the domain's constants) are written into the text; Cypher takes
// neither as a parameter.
func reachQuery(p graph.Policy, qs []graph.ReachQuery) (string, map[string]any, error) {
	rows := make([]map[string]any, len(qs))
	for i, q := range qs {
		var on any
		if q.On != "" {
			if _, err := parseDay(q.On, "screening date"); err != nil {
				return "", nil, err
			}
			on = q.On
		}
		rows[i] = map[string]any{"start": q.Start, "on": on}
	}
	hops, err := quantifier(p.MaxHops, 1, 10, "max_hops")
	if err != nil {
		return "", nil, err
	}
	depth, err := quantifier(p.OwnershipDepth, 1, 12, "ownership_depth")
	if err != nil {
		return "", nil, err
	}
	ownership := fmt.Sprintf(`(s)((x)<-[r:OWNS]-(y:Entity) WHERE %s AND NOT %s){0,%d}(z)<-[last:OWNS]-(g:GovernmentBody)`,
		validOn("r"), restrictive("y"), depth-1)
	if depth == 1 {
		ownership = `(s)<-[last:OWNS]-(g:GovernmentBody)`
	}
	parent := "false"
	if p.Allows(graph.StepParent) {
		parent = "true"
	}
	q := strings.NewReplacer(
		"$LEVELS", levels(p, hops),
		"$HOPS", fmt.Sprint(hops),
		"$VALID_R", validOn("r"),
		"$VALID_LAST", validOn("last"),
		"$RESTRICTIVE_S", restrictive("s"),
		"$RESTRICTIVE_E", restrictive("e"),
		"$RESTRICTIVE_G", restrictive("g"),
		"$OWNERSHIP", ownership,
		"$PARENT", parent,
		"$EXPOSURE", pathShape("x.ns", "x.rs"),
		"$PATH", pathShape("nodes(p)", "relationships(p)"),
	).Replace(reachCypher)
	return q, map[string]any{"qs": rows}, nil
}

// moves is the subquery that lists the links walked out of node u, each with
// the node v it leads to: one directed pattern per direction, each with the
// policy's link types of that direction, so that Neo4j expands only the
// relationships a step walks. Empty when the policy walks nothing.
func moves(p graph.Policy) string {
	var fwd, back, both []string
	for _, t := range graph.LinkTypes {
		step := stepOf[t]
		if !p.Allows(step) {
			continue
		}
		switch _, forward, either := step.Walk(); {
		case either:
			both = append(both, string(t))
		case forward:
			fwd = append(fwd, string(t))
		default:
			back = append(back, string(t))
		}
	}
	var parts []string
	for _, d := range []struct {
		types      []string
		head, tail string
	}{{fwd, "-", "->"}, {back, "<-", "-"}, {both, "-", "-"}} {
		if len(d.types) > 0 {
			parts = append(parts, fmt.Sprintf("MATCH (u)%s[r:%s]%s(v) WHERE %s RETURN r, v",
				d.head, strings.Join(d.types, "|"), d.tail, validOn("r")))
		}
	}
	return strings.Join(parts, "\n        UNION ALL\n        ")
}

// levels writes the breadth-first search of the exposures, one subquery a
// level up to max hops. A level is the list of the nodes first reached at
// that many steps, in rank order, each with its trail (ns: nodes, rs:
// relationships). The next level takes, for each node v not seen before,
// the trail of the least-ranked node u of the level that walks to it, by
// the least link key from that u; and ranks the new level by (rank of u,
// id of v). That is exposure.Reach's order, so ties break the same way.
// The last level keeps only restrictive end-users: nothing walks on.
func levels(p graph.Policy, hops int) string {
	m := moves(p)
	if m == "" {
		return ""
	}
	var b strings.Builder
	for k := 1; k <= hops; k++ {
		last := k == hops
		keep := "NOT v IN seen"
		if last {
			keep += " AND " + restrictive("v")
		}
		b.WriteString(strings.NewReplacer("$MOVES", m, "$KEEP", keep, "$RESTRICTIVE_V", restrictive("v")).Replace(levelCypher))
		if !last {
			b.WriteString("\n  WITH day, rc, next AS level, seen + [x IN next | x.n] AS seen, found + [x IN next WHERE x.hit] AS found")
		} else {
			b.WriteString("\n  WITH found + [x IN next WHERE x.hit] AS found")
		}
	}
	return b.String()
}

// levelCypher is one level of the breadth-first search (see levels).
const levelCypher = `
  CALL (level, seen, day, rc) {
    UNWIND range(0, size(level) - 1) AS k
    WITH k, level[k] AS f
    WITH k, f, f.n AS u
    CALL (u, day) {
        $MOVES
    }
    WITH k, f, r, v WHERE $KEEP
    WITH k, f, r, v ORDER BY k, r.key
    WITH v, head(collect({k: k, f: f, r: r})) AS b
    WITH v, b ORDER BY b.k, v.id
    RETURN collect({n: v, ns: b.f.ns + v, rs: b.f.rs + b.r, hit: $RESTRICTIVE_V}) AS next
  }`

// validOn is the predicate that relationship r holds on day (inclusive
// bounds, open when absent). Without a day only links without a start are
// walked, as exposure.Reach does with an empty date.
func validOn(r string) string {
	return fmt.Sprintf("(%[1]s.valid_from IS NULL OR %[1]s.valid_from <= day) AND (%[1]s.valid_to IS NULL OR day IS NULL OR day <= %[1]s.valid_to)", r)
}

// restrictive is SPEC §3's restrictive end-user for node n, given rc, the
// codes of the restrictive countries: a government body that says
// restrictive, or says nothing and is of a restrictive country.
func restrictive(n string) string {
	return fmt.Sprintf("(%[1]s:GovernmentBody AND coalesce(%[1]s.restrictive, %[1]s.country IN rc, false))", n)
}

// pathShape returns a path, given as its list of nodes and its list of
// relationships, as a map of both, each element a map.
func pathShape(nodes, rels string) string {
	return fmt.Sprintf(`{
      nodes: [n IN %s | n {.id, .name, .country, labels: labels(n)}],
      rels: [r IN %s | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id}]
    }`, nodes, rels)
}

// reachCypher is the path search. For each query (start id, day):
//   - exposures: a breadth-first search from the start up to max hops
//     (levels), each step a relationship of an allowed type walked in its
//     step's direction and valid on the day, keeping for every node reached
//     the least of its shortest trails by node ids then by link keys, which
//     is exposure.Reach's tie-break; the trails to restrictive end-users;
//   - by parent: the restrictive end-users reached by PART_OF alone;
//   - ownership: every OWNS chain into the start, walked backwards, whose
//     only restrictive node after the start is its last, with no node twice.
const reachCypher = `
CALL () {
  MATCH (c:Country) WHERE c.restrictive = true
  RETURN collect(c.code) AS rc
}
UNWIND range(0, size($qs) - 1) AS i
WITH rc, i, $qs[i].start AS sid, CASE WHEN $qs[i].on IS NULL THEN null ELSE date($qs[i].on) END AS day
OPTIONAL MATCH (s:Entity {id: sid})
CALL (s, day, rc) {
  WITH day, rc, [{n: s, ns: [s], rs: []}] AS level, [s] AS seen,
    CASE WHEN $RESTRICTIVE_S THEN [{ns: [s], rs: []}] ELSE [] END AS found
  $LEVELS
  RETURN [x IN found | $EXPOSURE] AS exposures
}
CALL (s, day, rc) {
  MATCH ANY SHORTEST (s)(()-[r:PART_OF]->() WHERE $VALID_R){0,$HOPS}(e:GovernmentBody WHERE $RESTRICTIVE_E)
  WHERE $PARENT
  RETURN collect(DISTINCT e.id) AS byParent
}
CALL (s, day, rc) {
  MATCH p = $OWNERSHIP
  WHERE $VALID_LAST AND $RESTRICTIVE_G
  WITH p, nodes(p) AS ns
  WHERE all(k IN range(0, size(ns) - 2) WHERE NOT ns[k] IN ns[k + 1..])
  RETURN collect($PATH) AS ownership
}
RETURN i, CASE WHEN s IS NULL THEN null ELSE s {.id, .name, .country, labels: labels(s)} END AS start,
  exposures, byParent, ownership
`

// exposures reads the paths of one query's row.
func exposures(v any) []graph.Exposure {
	paths, _ := v.([]any)
	if len(paths) == 0 {
		return nil
	}
	out := make([]graph.Exposure, 0, len(paths))
	for _, pv := range paths {
		m := props(pv)
		nodes, _ := m["nodes"].([]any)
		rels, _ := m["rels"].([]any)
		x := graph.Exposure{Hops: len(rels), Path: make([]graph.Ref, len(nodes)), Steps: make([]graph.PathStep, len(rels))}
		for i, n := range nodes {
			x.Path[i] = refOf(n)
		}
		for i, rv := range rels {
			rm := props(rv)
			l := linkOf(getStr(rm, "type"), rm, getStr(rm, "from"), getStr(rm, "to"))
			x.Steps[i] = graph.StepOf(stepOf[l.Type], l)
		}
		x.EndUser = x.Path[len(x.Path)-1]
		out = append(out, x)
	}
	exposure.SortExposures(out)
	return out
}
