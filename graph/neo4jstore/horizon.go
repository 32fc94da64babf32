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

// The horizons of a policy are kept in Neo4j as properties of the cluster
// nodes, so that the Cypher search can drop the clusters that cannot lead
// to a restrictive end-user in the steps it has left, as the embedded
// search does:
//   - paths (exposure.Horizon): every cluster's fewest steps to a cluster
//     that may be a restrictive end-user on some day, walking the policy's
//     steps backwards, dates ignored, up to max hops;
//   - owners: every cluster's fewest OWNS links down from such a cluster,
//     up to the ownership depth: the ownership chains of a cluster farther
//     than that end nowhere.
//
// The value of a property is version*horizonSpan + distance, where version
// is the graph version it was built at (GraphVersion.n). Every write that
// changes the graph increases the version (bumpVersion), so the values of
// an older build fall below the current base and count as absent without
// being cleared; a (:Horizon {key, version}) node says a build at that
// version is complete. A search uses the horizons only when they are
// complete for the current version (horizonBase, inside the search query),
// and a Reach call with at least Config.HorizonStarts starts builds them
// first when they are not (ensureHorizon): a flag-all builds them once,
// for all its calls.

// horizonSpan is larger than every distance a horizon holds (max hops is
// at most 10, the ownership depth at most 12).
const horizonSpan = 16

// horizonProps names the properties of a policy's horizons.
type horizonProps struct{ paths, owners string }

// horizonOf names the properties holding the horizons of p: a prefix and
// hex digits of a hash of what they depend on (written into query text:
// they are made of letters, digits and _ only). The name of paths is also
// the key of the build's Horizon node.
func horizonOf(p graph.Policy) horizonProps {
	sum := sha256.Sum256([]byte(fmt.Sprint(exposure.HorizonKey(p), " ", p.OwnershipDepth)))
	tag := hex.EncodeToString(sum[:8])
	return horizonProps{paths: "horizon_" + tag, owners: "owners_" + tag}
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
// horizons $horizon when they are complete for the current graph version,
// else null: no pruning.
var horizonBase = fmt.Sprintf(`CALL () {
  OPTIONAL MATCH (g:GraphVersion {id: 'graph'})
  WITH coalesce(g.n, 0) AS n
  OPTIONAL MATCH (h:Horizon {key: $horizon, version: n})
  RETURN CASE WHEN h IS NULL THEN null ELSE n * %d END AS hb
}`, horizonSpan)

// near is the predicate that cluster node n is at most left steps from a
// restrictive end-user by the horizon in property prop (false when n has
// no value of this build), true without a horizon (hb null).
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

// ensureHorizon builds the horizons of p unless they are complete for the
// current graph version. A policy whose bounds a horizon cannot hold is
// left to the search, which refuses it.
func (s *Store) ensureHorizon(ctx context.Context, p graph.Policy) error {
	if p.MaxHops < 1 || p.MaxHops >= horizonSpan || p.OwnershipDepth < 1 || p.OwnershipDepth >= horizonSpan {
		return nil
	}
	s.horizonMu.Lock()
	defer s.horizonMu.Unlock()
	h := horizonOf(p)
	version, current, err := s.horizonVersion(ctx, h.paths)
	if err != nil || current {
		return err
	}
	base := version * horizonSpan
	ends, paths, owners := horizonQueries(p, h)
	params := map[string]any{"base": base}
	if p.RestrictedLists != nil {
		params["lists"] = []string(p.RestrictedLists)
	}
	level0, err := s.autocommitIDs(ctx, ends, params)
	if err != nil {
		return s.fail(err, "building the path search's horizon")
	}
	for _, l := range []struct {
		query string
		depth int
	}{{paths, p.MaxHops}, {owners, p.OwnershipDepth}} {
		ids := level0
		for d := 1; d <= l.depth && l.query != "" && len(ids) > 0; d++ {
			ids, err = s.autocommitIDs(ctx, l.query, map[string]any{"in": map[string]any{"ids": ids}, "base": base, "cur": base + int64(d)})
			if err != nil {
				return s.fail(err, "building the path search's horizon")
			}
		}
	}
	// A write during the build made it stale: it is not marked complete,
	// and the next large call builds it again.
	after, _, err := s.horizonVersion(ctx, h.paths)
	if err != nil || after != version {
		return err
	}
	return s.write(ctx, "marking the path search's horizon built",
		"MERGE (h:Horizon {key: $key}) SET h.version = $version", map[string]any{"key": h.paths, "version": version})
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

// horizonQueries writes the statements that build the horizons of p into
// the properties h, each returning the ids of the clusters it gave a
// distance: ends gives every cluster with a member that may be a
// restrictive end-user (exposure.MayBeRestrictive: a government body that
// says restrictive, or says nothing and is of a country with a restrictive
// assessment in some year; or an entity listed on a restricted list, on
// any day) the distance 0 in both; paths, run for d = 1 … max hops with
// the clusters given d-1 in $in.ids (a map: see reachQuery), gives every
// cluster not yet given one that walks in one step to one of them the
// distance d (empty when the policy walks nothing); owners does the same
// for the clusters they own, up to the ownership depth. A cluster given d
// by an earlier build at the same version (one stopped halfway, or one
// running at once) is given it again and returned: distances are the same
// in every build of a version, and the next level starts from it. Writes
// go in transactions of 10,000 rows, so that a million nodes fit a small
// heap.
func horizonQueries(p graph.Policy, h horizonProps) (ends, paths, owners string) {
	lists := "true"
	if p.RestrictedLists != nil {
		lists = "li.id IN $lists"
	}
	ends = fmt.Sprintf(`CALL () {
  MATCH (c:Country)-[:HAS_ASSESSMENT]->(a:Assessment) WHERE a.restrictive = true
  RETURN collect(DISTINCT c.code) AS ever
}
MATCH (rm:Entity)
WHERE (rm:GovernmentBody AND coalesce(rm.restrictive, rm.country IN ever, false))
  OR EXISTS { MATCH (rm)-[:LISTED_ON]->(li:List) WHERE %s }
WITH DISTINCT rm.cluster AS id
CALL (id) {
  MATCH (c:Entity {id: id})
  SET c.%s = $base, c.%s = $base
  RETURN c.id AS set
} IN TRANSACTIONS OF 10000 ROWS
RETURN set`, lists, h.paths, h.owners)
	level := func(prop, moves string) string {
		return fmt.Sprintf(`UNWIND $in.ids AS cid
MATCH (m:Entity {cluster: cid})
CALL (m) {
  %[2]s
}
WITH DISTINCT w.cluster AS id
CALL (id) {
  MATCH (c:Entity {id: id}) WHERE coalesce(c.%[1]s, -1) < $base OR c.%[1]s = $cur
  SET c.%[1]s = $cur
  RETURN c.id AS set
} IN TRANSACTIONS OF 10000 ROWS
RETURN set`, prop, moves)
	}
	if back := backMoves(p); back != "" {
		paths = level(h.paths, back)
	}
	return ends, paths, level(h.owners, "MATCH (m)-[:OWNS]->(w) RETURN w")
}

// backMoves is the subquery that lists the entities w whose cluster walks
// to member m in one step of the policy: moves turned around (a type
// walked forwards arrives at its To, one walked backwards at its From).
func backMoves(p graph.Policy) string {
	fwd, back, both := stepTypes(p)
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
