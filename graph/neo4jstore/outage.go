package neo4jstore

import (
	"context"

	"github.com/hopcheck/hopcheck/graph"
)

// While Neo4j is down, every query would take the driver's whole retry
// time (Config.RetryTime) to fail, so an API request would wait that long
// for its 503. Once a query has failed as unavailable, the store is marked
// down: from then on each call first tries one connection, without
// retries, and fails at once if Neo4j does not answer. The first call that
// reaches Neo4j again clears the mark, so the store recovers by itself.

// fail turns a driver error into a graph.Error (see classify) and marks
// the store down when Neo4j is unavailable.
func (s *Store) fail(err error, what string) error {
	e := s.classify(err, what)
	if graph.ErrorCode(e) == graph.EUNAVAILABLE {
		s.down.Store(true)
	}
	return e
}

// reachable returns nil when the store is not marked down, or when Neo4j
// answers again; otherwise the EUNAVAILABLE error, without the driver's
// retries.
func (s *Store) reachable(ctx context.Context, what string) error {
	if !s.down.Load() {
		return nil
	}
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return s.classify(err, what)
	}
	s.down.Store(false)
	return nil
}
