package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// Reach implements graph.Store: the exposure path search of SPEC §3 runs in
// Neo4j, one query for all the queries of the call. Go only turns the rows
// into graph.Reach values and sorts them. docs/NEO4J.md explains the query
// and why it gives the same answer as exposure.Reach.
//
// The exposure search drops the clusters that cannot reach a restrictive
// end-user in the hops it has left, by the policy's horizon (horizon.go),
// when the horizon is complete for the graph as it is; a call with at
// least Config.HorizonStarts queries builds it first when it is not. A
// call with many queries (flagging every transaction) is split into
// Config.Readers parts searched at once, each one query.
func (s *Store) Reach(ctx context.Context, qs []graph.ReachQuery, p graph.Policy) ([]graph.Reach, error) {
	out := make([]graph.Reach, len(qs))
	if len(qs) == 0 {
		return out, nil
	}
	if s.cfg.HorizonStarts > 0 && len(qs) >= s.cfg.HorizonStarts {
		if err := s.ensureHorizon(ctx, p); err != nil {
			return nil, err
		}
	}
	parts := min(s.cfg.Readers, len(qs)/minReachPart)
	if parts <= 1 {
		return out, s.reach(ctx, qs, p, out)
	}
	g, gctx := errgroup.WithContext(ctx)
	for k := range parts {
		lo, hi := k*len(qs)/parts, (k+1)*len(qs)/parts
		g.Go(func() error { return s.reach(gctx, qs[lo:hi], p, out[lo:hi]) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// minReachPart is the fewest queries of a part of a split Reach call.
const minReachPart = 50

// reach searches for the queries qs and fills out. With a horizon, the
// starts too far from every restrictive end-user for a path, and those
// also too far for an ownership chain (farStarts), are searched apart by
// queries without those searches: what takes the time of the full query
// is its many subqueries run for each start, whether they find anything
// or not.
func (s *Store) reach(ctx context.Context, qs []graph.ReachQuery, p graph.Policy, out []graph.Reach) error {
	if len(qs) < minSplit {
		return s.search(ctx, qs, p, allSearches, out)
	}
	need, err := s.farStarts(ctx, qs, p)
	if err != nil {
		return err
	}
	groups := map[searches][]int{}
	for i := range qs {
		groups[need[i]] = append(groups[need[i]], i)
	}
	for w, idx := range groups {
		sub, subOut := make([]graph.ReachQuery, len(idx)), make([]graph.Reach, len(idx))
		for k, i := range idx {
			sub[k] = qs[i]
		}
		if err := s.search(ctx, sub, p, w, subOut); err != nil {
			return err
		}
		for k, i := range idx {
			out[i] = subOut[k]
		}
	}
	return nil
}

// minSplit is the fewest queries that reach splits by the searches their
// starts need: a screening (one start) is one query.
const minSplit = 20

// searches says which of the searches of a query may find something for a
// start: the exposure paths, the paths by parent, the ownership chains.
type searches struct{ paths, parent, owners bool }

// allSearches is every search.
var allSearches = searches{paths: true, parent: true, owners: true}

// farStarts tells, for each query, which searches its start needs: a start
// whose cluster is farther than max hops from every cluster that may be a
// restrictive end-user, by the policy's horizon when it is current, needs
// no path search (nor by parent), and one farther than the ownership depth
// below them no ownership search. One without a PART_OF link out of its
// cluster needs no search by parent: it reaches itself alone. Without a
// current horizon, or for an unknown start, it needs every search.
func (s *Store) farStarts(ctx context.Context, qs []graph.ReachQuery, p graph.Policy) ([]searches, error) {
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.Start
	}
	h := horizonOf(p)
	query := horizonBase + `
UNWIND range(0, size($in.ids) - 1) AS i
OPTIONAL MATCH (s0:Entity {id: $in.ids[i]})
OPTIONAL MATCH (s:Entity {id: s0.cluster})
WITH i, s, hb, s IS NULL OR ` + near(h.paths, "s", p.MaxHops) + ` AS paths
RETURN i, paths, paths AND (s IS NULL OR EXISTS { MATCH (:Entity {cluster: s.id})-[:PART_OF]->() }),
  s IS NULL OR ` + near(h.owners, "s", p.OwnershipDepth)
	recs, err := s.read(ctx, "searching exposure paths", query, map[string]any{"in": map[string]any{"ids": ids}, "horizon": h.paths})
	if err != nil {
		return nil, err
	}
	need := make([]searches, len(qs))
	for _, r := range recs {
		need[r.Values[0].(int64)] = searches{paths: r.Values[1] == true, parent: r.Values[2] == true, owners: r.Values[3] == true}
	}
	return need, nil
}

// search searches for the queries qs in one Neo4j query and fills out,
// leaving out the searches their starts do not need (farStarts).
func (s *Store) search(ctx context.Context, qs []graph.ReachQuery, p graph.Policy, need searches, out []graph.Reach) error {
	query, params, err := reachQuery(p, qs, need)
	if err != nil {
		return err
	}
	for i, q := range qs {
		out[i].Start = graph.Ref{ID: q.Start}
	}
	recs, err := s.read(ctx, "searching exposure paths", query, params)
	if err != nil {
		return err
	}
	owner := graph.Policy{Steps: []graph.Step{graph.StepOwner}}
	for _, r := range recs {
		i := int(r.Values[0].(int64))
		if r.Values[1] == nil {
			continue // no such entity: nothing to reach
		}
		out[i].Start = refOf(r.Values[1])
		out[i].Exposures = exposures(r.Values[2], p)
		for _, id := range r.Values[3].([]any) {
			out[i].ByParent = append(out[i].ByParent, id.(string))
		}
		sort.Strings(out[i].ByParent)
		out[i].Ownership = exposures(r.Values[4], owner)
		for _, id := range r.Values[5].([]any) {
			out[i].Controllers = append(out[i].Controllers, id.(string))
		}
		sort.Strings(out[i].Controllers)
		for _, v := range r.Values[6].([]any) {
			m := props(v)
			rm := props(m["rel"])
			out[i].Stakes = append(out[i].Stakes, graph.Stake{
				Link:  linkOf(string(graph.Owns), rm, getStr(rm, "from"), getStr(rm, "to")),
				Owner: getStr(m, "owner"), Owned: getStr(m, "owned"), Restrictive: m["restrictive"] == true,
			})
		}
		sort.Slice(out[i].Stakes, func(a, b int) bool { return out[i].Stakes[a].Link.Key() < out[i].Stakes[b].Link.Key() })
		seen := map[string]bool{}
		for _, v := range r.Values[7].([]any) {
			m := props(v)
			l := listingOf(m, getStr(m, "entity"), getStr(m, "list"))
			if !seen[l.Key()] {
				seen[l.Key()] = true
				out[i].Listings = append(out[i].Listings, l)
			}
		}
		sort.Slice(out[i].Listings, func(a, b int) bool { return out[i].Listings[a].Key() < out[i].Listings[b].Key() })
		for _, v := range r.Values[8].([]any) {
			pair := v.([]any)
			if out[i].Clusters == nil {
				out[i].Clusters = map[string][]string{}
			}
			var ms []string
			for _, m := range pair[1].([]any) {
				ms = append(ms, m.(string))
			}
			sort.Strings(ms)
			out[i].Clusters[pair[0].(string)] = ms
		}
	}
	return nil
}

// reachQuery writes the query for a policy and its parameters for the
// queries qs. Only the policy's bounds (checked integers) and relationship
// types (the domain's constants) are written into the text; Cypher takes
// neither as a parameter.
//
// need leaves out the exposure search, the search by parent or the
// ownership search: for starts that farStarts found too far for them.
func reachQuery(p graph.Policy, qs []graph.ReachQuery, need searches) (string, map[string]any, error) {
	rows := make([]map[string]any, len(qs))
	var years []any
	seenYear := map[int]bool{}
	for i, q := range qs {
		var on any
		year := 0
		if q.On != "" {
			t, err := parseDay(q.On, "screening date")
			if err != nil {
				return "", nil, err
			}
			on, year = q.On, t.Year()
		}
		if !seenYear[year] {
			seenYear[year] = true
			years = append(years, int64(year))
		}
		rows[i] = map[string]any{"start": q.Start, "on": on, "year": int64(year)}
	}
	hops, err := quantifier(p.MaxHops, 1, 10, "max_hops")
	if err != nil {
		return "", nil, err
	}
	depth, err := quantifier(p.OwnershipDepth, 1, 12, "ownership_depth")
	if err != nil {
		return "", nil, err
	}
	lists := "true"
	if p.RestrictedLists != nil {
		lists = "li.id IN $lists"
	}
	restrictive := func(n string) string { return restrictiveOf(n, lists) }
	h := horizonOf(p)
	stakes := "RETURN [] AS stakes"
	if p.Method() == graph.OFAC {
		stakes = strings.NewReplacer("$VALID_R", validOn("r"), "$RESTRICTIVE_O", restrictive("o"), "$BEST", bestStake).Replace(stakesCypher)
	}
	byParent := "RETURN [] AS byParent"
	if p.Allows(graph.StepParent) {
		byParent = startLevel(h.paths, hops) + "\n  " + levels(graph.Policy{Steps: []graph.Step{graph.StepParent}}, hops, h.paths) +
			"\n  " + reached(restrictive, h.paths, "last(x.ns).id", "byParent")
	}
	start, lvls, reach := startLevel(h.paths, hops), levels(p, hops, h.paths), reached(restrictive, h.paths, pathShape("x.ns", "x.rs"), "exposures")
	if !need.paths {
		start, lvls, reach, byParent = "", "", "RETURN [] AS exposures", "RETURN [] AS byParent"
	} else if !need.parent && p.Allows(graph.StepParent) {
		byParent = "RETURN CASE WHEN " + restrictive("s") + " THEN [s.id] ELSE [] END AS byParent"
	}
	ownership := ownershipLevels(depth, restrictive, h.owners)
	if !need.owners {
		ownership = "WITH [] AS found"
	}
	q := strings.NewReplacer(
		"$HORIZON", horizonBase,
		"$START", start,
		"$LEVELS", lvls,
		"$REACHED", reach,
		"$BY_PARENT", byParent,
		"$OWNERSHIP", ownership,
		"$STAKES", stakes,
		"$RESTRICTIVE_C", restrictive("c"),
		"$LISTED", listedOn("l", lists),
		"$VALID_R", validOn("r"),
		"$EXPOSURE", pathShape("x.ns", "x.rs"),
	).Replace(reachCypher)
	// The queries and years are in a map, whose lists' sizes Neo4j does
	// not look at when it plans: a list parameter of another size of
	// list is planned again (seconds at 1M), and a split call has starts
	// of every number.
	params := map[string]any{"in": map[string]any{"qs": rows, "years": years}, "horizon": h.paths}
	if p.RestrictedLists != nil {
		params["lists"] = []string(p.RestrictedLists)
	}
	return q, params, nil
}

// stepTypes returns the link types the policy walks forwards only,
// backwards only, and either way (OWNS: backwards by owner, forwards by
// subsidiary).
func stepTypes(p graph.Policy) (fwd, back, both []string) {
	for _, t := range graph.LinkTypes {
		f, okF := p.StepOn(t, true)
		_, okB := p.StepOn(t, false)
		if _, _, either := f.Walk(); okF && either {
			both = append(both, string(t))
			continue
		}
		if okF {
			fwd = append(fwd, string(t))
		}
		if okB {
			back = append(back, string(t))
		}
	}
	return fwd, back, both
}

// moves is the subquery that lists the links walked out of cluster node u
// (u is the cluster's node: its lowest member), each with the cluster node
// v it leads to: from every member m of u, one directed pattern per
// direction, each with the policy's link types of that direction, so that
// Neo4j expands only the relationships a step walks (OWNS may be walked
// both ways: backwards by owner, forwards by subsidiary). A link inside
// the cluster is no step. Empty when the policy walks nothing.
func moves(p graph.Policy) string {
	fwd, back, both := stepTypes(p)
	var parts []string
	for _, d := range []struct {
		types      []string
		head, tail string
	}{{fwd, "-", "->"}, {back, "<-", "-"}, {both, "-", "-"}} {
		if len(d.types) > 0 {
			parts = append(parts, movesOf(d.head+"[r:"+strings.Join(d.types, "|")+"]"+d.tail))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "MATCH (m:Entity {cluster: u.id})\n        CALL (m, u, day) {\n        " +
		strings.Join(parts, "\n        UNION ALL\n        ") + "\n        }\n        RETURN r, v"
}

// movesOf is one direction of moves: rel is the relationship pattern
// from member m of u to entity w, whose cluster node is v.
func movesOf(rel string) string {
	return fmt.Sprintf("MATCH (m)%s(w) WHERE %s AND w.cluster <> u.id MATCH (v:Entity {id: w.cluster}) RETURN r, v",
		rel, validOn("r"))
}

// levels writes the breadth-first search of the exposures, one subquery a
// level up to max hops. A level is the list of the nodes first reached at
// that many steps, in rank order, each with its trail (ns: nodes, rs:
// relationships). The next level takes, for each node v not seen before,
// the trail of the least-ranked node u of the level that walks to it, by
// the least link key from that u; and ranks the new level by (rank of u,
// id of v). That is exposure.Reach's order, so ties break the same way.
// Every node reached is kept in found, the start first; reached picks the
// restrictive end-users among them once, after the last level.
//
// With a horizon (hb, the base of the horizon in property prop), a node
// farther from every restrictive end-user than the hops left after it is
// not kept, as exposure.Reach does with its Horizon: that changes no path
// to an end-user (see exposure's shortest).
func levels(p graph.Policy, hops int, prop string) string {
	m := moves(p)
	if m == "" {
		return ""
	}
	var b strings.Builder
	for k := 1; k <= hops; k++ {
		b.WriteString(strings.NewReplacer("$MOVES", m, "$NEAR", near(prop, "v", hops-k)).Replace(levelCypher))
		b.WriteString("\n  WITH day, rc, hb, next AS level, seen + [x IN next | x.n] AS seen, found + next AS found")
	}
	return b.String()
}

// levelCypher is one level of the breadth-first search (see levels).
const levelCypher = `
  CALL (level, seen, day, rc, hb) {
    UNWIND range(0, size(level) - 1) AS k
    WITH k, level[k] AS f
    WITH k, f, f.n AS u
    CALL (u, day) {
        $MOVES
    }
    WITH k, f, r, v WHERE NOT v IN seen AND $NEAR
    WITH k, f, r, v ORDER BY k, r.key
    WITH v, head(collect({k: k, f: f, r: r})) AS b
    WITH v, b ORDER BY b.k, v.id
    RETURN collect({n: v, ns: b.f.ns + v, rs: b.f.rs + b.r}) AS next
  }`

// startLevel is the first level of a breadth-first search from s: empty
// when s is farther than hops from every restrictive end-user by the
// horizon in prop, so that nothing is walked (s is found, and is no
// end-user).
func startLevel(prop string, hops int) string {
	return "WITH day, rc, hb, CASE WHEN " + near(prop, "s", hops) + " THEN [{n: s, ns: [s], rs: []}] ELSE [] END AS level, " +
		"[s] AS seen, [{n: s, ns: [s], rs: []}] AS found"
}

// reached returns, as name, what shape makes of each restrictive end-user
// x among the nodes found by levels; with a horizon (in prop), only those
// at distance 0 may be one.
func reached(restrictive func(string) string, prop, shape, name string) string {
	return fmt.Sprintf("UNWIND found AS x\n  WITH day, rc, x, hb WHERE %s AND %s\n  RETURN collect(%s) AS %s",
		near(prop, "x.n", 0), restrictive("x.n"), shape, name)
}

// ownershipLevels writes the search of the ownership chains into s, one
// subquery a level up to depth: a level is the chains of that many owner
// steps that met no restrictive end-user yet; each is extended by the
// stake of every cluster owning its last that is not on it already (the
// one OWNS link between the two clusters: the highest known percent, then
// the least key), and a chain that reaches a restrictive end-user ends.
// With a horizon (hb, in property prop), a chain whose last cluster is
// farther below every restrictive end-user than the levels left is not
// extended: it could end at none; and only a cluster at distance 0 may
// be a restrictive end-user.
func ownershipLevels(depth int, restrictive func(string) string, prop string) string {
	var b strings.Builder
	b.WriteString("WITH day, rc, hb, CASE WHEN " + near(prop, "s", depth) + " THEN [{n: s, ns: [s], rs: []}] ELSE [] END AS chains, [] AS found")
	for k := 1; k <= depth; k++ {
		b.WriteString(strings.NewReplacer("$MOVES", "MATCH (m:Entity {cluster: u.id}) "+movesOf("<-[r:OWNS]-"), "$BEST", bestStake,
			"$RESTRICTIVE_V", "CASE WHEN "+near(prop, "v", 0)+" THEN "+restrictive("v")+" ELSE false END",
			"$NEAR", near(prop, "v", depth-k)).Replace(ownerLevelCypher))
	}
	return b.String()
}

// bestStake orders the OWNS links r between two clusters so that the one
// counted comes first: the highest known percent, then the least key.
const bestStake = "CASE WHEN r.percent IS NULL THEN 1 ELSE 0 END, r.percent DESC, r.key"

// ownerLevelCypher is one level of ownershipLevels.
const ownerLevelCypher = `
  CALL (chains, day, rc, hb) {
    UNWIND chains AS c
    WITH c, c.n AS u
    CALL (u, day) {
        $MOVES
    }
    WITH c, r, v WHERE NOT v IN c.ns AND $NEAR
    WITH c, v, r ORDER BY $BEST
    WITH c, v, head(collect(r)) AS r
    RETURN collect({n: v, ns: c.ns + v, rs: c.rs + r, hit: $RESTRICTIVE_V}) AS next
  }
  WITH day, rc, hb, [x IN next WHERE NOT x.hit] AS chains, found + [x IN next WHERE x.hit] AS found`

// validOn is the predicate that relationship r holds on day (inclusive
// bounds, open when absent). Without a day only links without a start are
// walked, as exposure.Reach does with an empty date.
func validOn(r string) string {
	return fmt.Sprintf("(%[1]s.valid_from IS NULL OR %[1]s.valid_from <= day) AND (%[1]s.valid_to IS NULL OR day IS NULL OR day <= %[1]s.valid_to)", r)
}

// restrictiveOf is SPEC §3's restrictive end-user for cluster node n on
// day, given rc, the codes of the countries restrictive that day, and
// lists, the predicate on List li that the policy restricts it: a cluster
// is restrictive when a member is (SPEC §1 "Identity"), and a member when
// it is a government body that says restrictive, or says nothing and is
// of a restrictive country; or any entity with a listing valid on the day
// on a restricted list.
func restrictiveOf(n, lists string) string {
	return fmt.Sprintf("EXISTS { MATCH (rm:Entity {cluster: %[1]s.id}) WHERE (rm:GovernmentBody AND coalesce(rm.restrictive, rm.country IN rc, false)) OR EXISTS { MATCH (rm)-[lon:LISTED_ON]->(li:List) WHERE %[2]s } }",
		n, listedOn("lon", lists))
}

// listedOn is the predicate that listing l on List li holds on day and is
// on a restricted list (as validOn, for listed_from and listed_to).
func listedOn(l, lists string) string {
	return fmt.Sprintf("(%[1]s.listed_from IS NULL OR %[1]s.listed_from <= day) AND (%[1]s.listed_to IS NULL OR day IS NULL OR day <= %[1]s.listed_to) AND %[2]s", l, lists)
}

// pathShape returns a path, given as its list of nodes and its list of
// relationships, as a map of both, each element a map.
func pathShape(nodes, rels string) string {
	return fmt.Sprintf(`{
      nodes: [n IN %s | n {.id, .name, .country, labels: labels(n)}],
      rels: [r IN %s | r {.*, type: type(r), from: startNode(r).id, to: endNode(r).id, from_cluster: coalesce(startNode(r).cluster, startNode(r).id)}]
    }`, nodes, rels)
}

// reachCypher is the path search. For each query (start id, day), with s
// the start's cluster node (SPEC §1 "Identity": the search walks SAME_AS
// clusters, each named by its lowest member; see moves):
//   - exposures: a breadth-first search from s up to max hops (levels),
//     each step a relationship of an allowed type walked in its step's
//     direction and valid on the day, keeping for every cluster reached
//     the least of its shortest trails by node ids then by link keys, which
//     is exposure.Reach's tie-break; the trails to restrictive end-users;
//   - by parent: the restrictive end-users reached by PART_OF alone;
//   - ownership: every OWNS chain of clusters into s, walked backwards,
//     whose only restrictive node after s is its last, with no node twice;
//   - controllers: the restrictive end-users that CONTROL s directly;
//   - stakes (ofac method only): the stakes in s and in every cluster that
//     owns it, directly or through others;
//   - listings: the restricting listings of the end-users' members found;
//   - clusters: the members of every cluster of two or more named above.
//
// rc, the restrictive countries, depends on the day's year (SPEC §3's
// as-of rule): it is computed once for each year of the queries. hb is
// the base of the policy's horizon, or null (horizon.go).
const reachCypher = `
CALL () {
  UNWIND $in.years AS y
  CALL (y) {
    MATCH (c:Country)-[:HAS_ASSESSMENT]->(a:Assessment)
    WITH c, a ORDER BY
      CASE WHEN a.year IS NOT NULL AND a.year <= y THEN 0 WHEN a.year IS NULL THEN 1 ELSE 2 END,
      CASE WHEN a.year IS NOT NULL AND a.year <= y THEN -a.year ELSE coalesce(a.year, 0) END
    WITH c, head(collect(a)) AS a
    WHERE a.restrictive = true
    RETURN collect(c.code) AS codes
  }
  RETURN collect({year: y, codes: codes}) AS rcs
}
$HORIZON
UNWIND range(0, size($in.qs) - 1) AS i
WITH [x IN rcs WHERE x.year = $in.qs[i].year][0].codes AS rc, hb, i, $in.qs[i].start AS sid,
  CASE WHEN $in.qs[i].on IS NULL THEN null ELSE date($in.qs[i].on) END AS day
OPTIONAL MATCH (s0:Entity {id: sid})
OPTIONAL MATCH (s:Entity {id: s0.cluster})
CALL (s, day, rc, hb) {
  $START
  $LEVELS
  $REACHED
}
CALL (s, day, rc, hb) {
  $BY_PARENT
}
CALL (s, day, rc, hb) {
  $OWNERSHIP
  RETURN [x IN found | $EXPOSURE] AS ownership
}
CALL (s, day, rc) {
  MATCH (m:Entity {cluster: s.id})<-[r:CONTROLS]-(w:Entity)
  WHERE $VALID_R AND w.cluster <> s.id
  MATCH (c:Entity {id: w.cluster})
  WHERE $RESTRICTIVE_C
  RETURN collect(DISTINCT c.id) AS controllers
}
CALL (s, day, rc) {
  $STAKES
}
CALL (exposures, ownership, controllers, day) {
  UNWIND [x IN exposures + ownership | last(x.nodes).id] + controllers AS id
  MATCH (m:Entity {cluster: id})-[l:LISTED_ON]->(li:List)
  WHERE $LISTED
  RETURN collect(l {.*, entity: m.id, list: li.id}) AS listings
}
CALL (s, exposures, ownership, byParent, controllers, stakes) {
  UNWIND [s.id] + byParent + controllers + [x IN stakes | x.owner] + [x IN stakes | x.owned] +
    reduce(ids = [], x IN exposures + ownership | ids + [n IN x.nodes | n.id]) AS id
  WITH DISTINCT id
  MATCH (m:Entity {cluster: id})
  WITH id, collect(m.id) AS members WHERE size(members) > 1
  RETURN collect([id, members]) AS clusters
}
RETURN i, CASE WHEN s IS NULL THEN null ELSE s {.id, .name, .country, labels: labels(s)} END AS start,
  exposures, byParent, ownership, controllers, stakes, listings, clusters
`

// stakesCypher collects, for the ofac method, the stakes valid on the day
// in s and in every cluster that owns it, directly or through others
// (the owners are found along OWNS backwards and SAME_AS either way), each
// the one OWNS link between its two clusters, with whether its owner o is
// a restrictive end-user.
const stakesCypher = `OPTIONAL MATCH ANY SHORTEST (s)((x)-[r:OWNS|SAME_AS]-(y) WHERE type(r) = 'SAME_AS' OR (startNode(r) = y AND $VALID_R))+(a:Entity)
  OPTIONAL MATCH (c:Entity {id: a.cluster})
  WITH s, day, rc, collect(DISTINCT c) AS above
  WITH day, rc, [s] + [x IN above WHERE x <> s] AS owned
  UNWIND owned AS n
  MATCH (m:Entity {cluster: n.id})<-[r:OWNS]-(w:Entity)
  WHERE $VALID_R AND w.cluster <> n.id
  MATCH (o:Entity {id: w.cluster})
  WITH day, rc, n, r, o
  WITH day, rc, n, o, r ORDER BY $BEST
  WITH day, rc, n, o, head(collect(r)) AS r
  RETURN collect({rel: r {.*, from: startNode(r).id, to: endNode(r).id}, owner: o.id, owned: n.id, restrictive: $RESTRICTIVE_O}) AS stakes`

// exposures reads the paths of one query's row; p tells the step that
// walked each link, from its type and direction.
func exposures(v any, p graph.Policy) []graph.Exposure {
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
			step, _ := p.StepOn(l.Type, getStr(rm, "from_cluster") == x.Path[i].ID)
			x.Steps[i] = graph.StepOf(step, l)
		}
		x.EndUser = x.Path[len(x.Path)-1]
		out = append(out, x)
	}
	exposure.SortExposures(out)
	return out
}
