package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// The horizon of a policy (exposure.Horizon: every cluster's fewest steps
// to a cluster that may be a restrictive end-user, walking the policy's
// steps backwards, dates ignored) is kept in Neo4j as a property of the
// cluster nodes, so that the Cypher path search can drop the clusters
// farther than the hops it has left, as the embedded search does.
//
// The property of a policy is horizonProperty(p); its value is
// version*horizonSpan + distance, where version is the graph version it
// was built at (GraphVersion.n). Every write that changes the graph
// increases the version (bumpVersion), so the values of an older build
// fall below the current base and count as absent without being cleared;
// a (:Horizon {key, version}) node says a build at that version is
// complete. A search uses the horizon only when it is complete for the
// current version (horizonBase, inside the search query), and a Reach call
// with at least Config.HorizonStarts starts builds it first when it is not
// (ensureHorizon): a flag-all builds it once, for all its calls.

// horizonSpan is larger than every distance a horizon holds (max hops is
// at most 10).
const horizonSpan = 16

// horizonProperty names the property holding the horizon of p: "horizon_"
// and hex digits of a hash of what the horizon depends on (written into
// query text: it is made of hex digits only).
func horizonProperty(p graph.Policy) string {
	sum := sha256.Sum256([]byte(exposure.HorizonKey(p)))
	return "horizon_" + hex.EncodeToString(sum[:8])
}

// bumpVersion is the statement that increases the graph version.
const bumpVersion = "MERGE (g:GraphVersion {id: 'graph'}) SET g.n = coalesce(g.n, 0) + 1"

// readVersion reads the graph version and whether the horizon $key is
// complete for it.
const readVersion = `OPTIONAL MATCH (g:GraphVersion {id: 'graph'})
WITH coalesce(g.n, 0) AS n
OPTIONAL MATCH (h:Horizon {key: $key, version: n})
RETURN n, h IS NOT NULL AS current`

// horizonBase is the subquery of the search that gives hb, the base of the
// horizon $horizon when it is complete for the current graph version, else
// null: no pruning.
var horizonBase = fmt.Sprintf(`CALL () {
  OPTIONAL MATCH (g:GraphVersion {id: 'graph'})
  WITH coalesce(g.n, 0) AS n
  OPTIONAL MATCH (h:Horizon {key: $horizon, version: n})
  RETURN CASE WHEN h IS NULL THEN null ELSE n * %d END AS hb
}`, horizonSpan)

// near is the predicate that cluster node n is at most left steps from a
// restrictive end-user by the horizon property prop (false when n has no
// value of this build), true without a horizon (hb null).
func near(prop, n string, left int) string {
	return fmt.Sprintf("(hb IS NULL OR coalesce(%[2]s.%[1]s >= hb AND %[2]s.%[1]s <= hb + %[3]d, false))", prop, n, left)
}

// bumpGraphVersion increases the graph version in a transaction of its own.
func (s *Store) bumpGraphVersion(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := collect(ctx, tx, bumpVersion, nil)
		return struct{}{}, err
	})
	return err
}

// ensureHorizon builds the horizon of p unless it is complete for the
// current graph version.
func (s *Store) ensureHorizon(ctx context.Context, p graph.Policy) error {
	s.horizonMu.Lock()
	defer s.horizonMu.Unlock()
	prop := horizonProperty(p)
	version, current, err := s.horizonVersion(ctx, prop)
	if err != nil || current {
		return err
	}
	base := version * horizonSpan
	ends, levels := horizonQueries(p, prop)
	params := map[string]any{"base": base}
	if p.RestrictedLists != nil {
		params["lists"] = []string(p.RestrictedLists)
	}
	if err := s.autocommitWith(ctx, ends, params); err != nil {
		return s.fail(err, "building the path search's horizon")
	}
	for d := 1; d <= p.MaxHops && levels != ""; d++ {
		if err := s.autocommitWith(ctx, levels, map[string]any{"base": base, "prev": base + int64(d) - 1, "cur": base + int64(d)}); err != nil {
			return s.fail(err, "building the path search's horizon")
		}
	}
	// A write during the build made it stale: it is not marked complete,
	// and the next large call builds it again.
	after, _, err := s.horizonVersion(ctx, prop)
	if err != nil || after != version {
		return err
	}
	return s.write(ctx, "marking the path search's horizon built",
		"MERGE (h:Horizon {key: $key}) SET h.version = $version", map[string]any{"key": prop, "version": version})
}

// horizonVersion reads the graph version and whether the horizon held in
// prop is complete for it.
func (s *Store) horizonVersion(ctx context.Context, prop string) (int64, bool, error) {
	recs, err := s.read(ctx, "reading the graph version", readVersion, map[string]any{"key": prop})
	if err != nil {
		return 0, false, err
	}
	return recs[0].Values[0].(int64), recs[0].Values[1].(bool), nil
}

// horizonQueries writes the statements that build the horizon of p into
// prop: ends gives every cluster with a member that may be a restrictive
// end-user (exposure.MayBeRestrictive: a government body that says
// restrictive, or says nothing and is of a country with a restrictive
// assessment in some year; or an entity listed on a restricted list, on
// any day) the distance 0; levels, run for d = 1 … max hops, gives every
// cluster not yet given one that walks in one step to a cluster at
// distance d-1 the distance d (empty when the policy walks nothing).
// Writes go in transactions of 10,000 rows, so that a million nodes fit a
// small heap.
func horizonQueries(p graph.Policy, prop string) (ends, levels string) {
	lists := "true"
	if p.RestrictedLists != nil {
		lists = "li.id IN $lists"
	}
	set := func(value string) string {
		return fmt.Sprintf(`CALL (id) {
  MATCH (c:Entity {id: id}) WHERE coalesce(c.%[1]s, -1) < $base
  SET c.%[1]s = %[2]s
} IN TRANSACTIONS OF 10000 ROWS`, prop, value)
	}
	ends = `CALL () {
  MATCH (c:Country)-[:HAS_ASSESSMENT]->(a:Assessment) WHERE a.restrictive = true
  RETURN collect(DISTINCT c.code) AS ever
}
MATCH (rm:Entity)
WHERE (rm:GovernmentBody AND coalesce(rm.restrictive, rm.country IN ever, false))
  OR EXISTS { MATCH (rm)-[:LISTED_ON]->(li:List) WHERE ` + lists + ` }
WITH DISTINCT rm.cluster AS id
` + set("$base")
	back := backMoves(p)
	if back == "" {
		return ends, ""
	}
	levels = fmt.Sprintf(`MATCH (c:Entity) WHERE c.%s = $prev
MATCH (m:Entity {cluster: c.id})
CALL (m) {
  %s
}
WITH DISTINCT w.cluster AS id
`, prop, back) + set("$cur")
	return ends, levels
}

// backMoves is the subquery that lists the entities w whose cluster walks
// to member m in one step of the policy: moves turned around (a type
// walked forwards arrives at its To, one walked backwards at its From).
func backMoves(p graph.Policy) string {
	var fwd, back, both []string
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
	var parts []string
	for _, d := range []struct {
		types      []string
		head, tail string
	}{{fwd, "<-", "-"}, {back, "-", "->"}, {both, "-", "-"}} {
		if len(d.types) > 0 {
			parts = append(parts, "MATCH (m)"+d.head+"[:"+strings.Join(d.types, "|")+"]"+d.tail+"(w) RETURN w")
		}
	}
	return strings.Join(parts, "\n  UNION ALL\n  ")
}
