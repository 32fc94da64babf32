package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// ProfileReach runs the query of one Reach call under PROFILE and returns
// the database hits of its plan, for benchmarks and investigations.
func (s *Store) ProfileReach(ctx context.Context, qs []graph.ReachQuery, p graph.Policy) (int64, error) {
	query, params, err := reachQuery(p, qs, allSearches)
	if err != nil {
		return 0, err
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, "PROFILE "+query, params)
	if err != nil {
		return 0, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return 0, err
	}
	return dbHits(sum.Profile()), nil
}

func dbHits(p neo4j.ProfiledPlan) int64 {
	if p == nil {
		return 0
	}
	n := p.DbHits()
	for _, c := range p.Children() {
		n += dbHits(c)
	}
	return n
}

// WriteLegacyCountry stores a country as stores before yearly assessments
// did, its one assessment in its own properties, for the upgrade test.
func (s *Store) WriteLegacyCountry(ctx context.Context, code string, restrictive bool, score float64) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver,
		"CREATE (:Country {code: $code, name: 'Old ' + $code, restrictive: $r, score: $score, upload: 'u-old', file: 'c.csv', row: 2})",
		map[string]any{"code": code, "r": restrictive, "score": score}, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// ForgetClusters removes the cluster property of every entity, as entities
// stored before identity clusters were.
func (s *Store) ForgetClusters(ctx context.Context) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (e:Entity) REMOVE e.cluster", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// ForgetFlagSearch removes the flags' search text, as flags stored before
// it was kept have none, for the upgrade test.
func (s *Store) ForgetFlagSearch(ctx context.Context) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (f:Flag) REMOVE f.search", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// AfterPlan has f called after each upload's plan is made, before it is
// written: a test's way to write between the two.
func (s *Store) AfterPlan(f func()) { s.planned = f }

// ForgetVocabulary deletes the match vocabulary and its marker, as in a
// database made before it.
func (s *Store) ForgetVocabulary(ctx context.Context) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (k) WHERE k:MatchKey OR k:MatchVocabulary DETACH DELETE k", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}
