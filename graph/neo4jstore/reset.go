package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// DeleteAll deletes every node and relationship in the database, hopcheck's
// or not, in batches of 10,000 so that a large graph fits in memory; the
// constraints and indexes stay. It is for tests and for resetting a
// database to load it again from scratch.
func (s *Store) DeleteAll(ctx context.Context) error {
	for _, stmt := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
		"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
	} {
		if err := s.autocommit(ctx, stmt); err != nil {
			return s.fail(err, "deleting everything")
		}
	}
	return nil
}

// autocommit runs a statement in an implicit transaction, which CALL … IN
// TRANSACTIONS requires, and waits for it to finish.
func (s *Store) autocommit(ctx context.Context, stmt string) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, stmt, nil)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// autocommitIDs is autocommit for a statement with parameters that returns strings,
// one a row: it returns them.
func (s *Store) autocommitIDs(ctx context.Context, stmt string, params map[string]any) ([]string, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, stmt, params)
	if err != nil {
		return nil, err
	}
	var ids []string
	for res.Next(ctx) {
		ids = append(ids, res.Record().Values[0].(string))
	}
	return ids, res.Err()
}
