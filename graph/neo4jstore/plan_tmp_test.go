package neo4jstore

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
)

func TestPlanTimeTmp(t *testing.T) {
	d, err := neo4j.NewDriverWithContext("bolt://127.0.0.1:7687", neo4j.BasicAuth("neo4j", "hopcheck-test", ""))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, p := range graphtest.ReferencePolicies() {
		q, params, _ := reachQuery(p, []graph.ReachQuery{{Start: "x", On: "2024-01-01"}})
		sess := d.NewSession(ctx, neo4j.SessionConfig{})
		start := time.Now()
		res, err := sess.Run(ctx, "EXPLAIN "+q, params)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		t.Logf("%s: %d chars, explain %v err %v", name, len(q), time.Since(start), err)
		sess.Close(ctx)
	}
}
