package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
)

// config returns the Neo4j of the tests, from NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD and NEO4J_DATABASE, with the horizon built by every
// Reach call that finds it stale. Without NEO4J_URI the test is skipped,
// except in CI, which must never skip Neo4j silently.
func config(t testing.TB) neo4jstore.Config {
	t.Helper()
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("NEO4J_URI is not set: CI must run the Neo4j store's tests (scripts/neo4j.sh start)")
		}
		t.Skip("NEO4J_URI is not set; start a Neo4j with scripts/neo4j.sh to run these tests")
	}
	user := os.Getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	// Every Reach call builds the horizon when it is stale, so that every
	// path search of the tests is pruned by it (horizon.go).
	return neo4jstore.Config{URI: uri, User: user, Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE"),
		HorizonStarts: 1}
}

// mustOpen opens a store on an emptied database; the tests of this package
// share the database, so none of them runs in parallel.
func mustOpen(t testing.TB, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	s, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.DeleteAll(context.Background()); err != nil {
		t.Fatalf("emptying the test database: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	cfg := config(t)
	graphtest.RunTests(t, func(t *testing.T) graph.Store { return mustOpen(t, cfg) })
}

func TestWrongPassword(t *testing.T) {
	cfg := config(t)
	cfg.Password = "not-the-password"
	s, err := neo4jstore.Open(context.Background(), cfg)
	if err == nil {
		s.Close()
		t.Fatal("Open with a wrong password succeeded")
	}
	t.Log(err)
	if graph.ErrorCode(err) != graph.EUNAVAILABLE || !strings.Contains(err.Error(), cfg.URI) {
		t.Errorf("error %v: want %s naming %s", err, graph.EUNAVAILABLE, cfg.URI)
	}
}

// TestResume interrupts an upload written in batches, early, halfway and
// late, and runs it again: the second run completes it, without duplicates,
// and finds the rows written before the interruption unchanged.
func TestResume(t *testing.T) {
	u := graphtest.RandomUploads(7)[0]
	mem, _ := memstore.Open("")
	mem.Apply(context.Background(), u, nil)
	want, _ := mem.Export(context.Background())
	for _, at := range []float64{0.1, 0.5, 0.9} {
		t.Run(fmt.Sprintf("stopped at %.0f%%", at*100), func(t *testing.T) {
			cfg := config(t)
			cfg.TxRows, cfg.BatchRows = 10, 7 // every batch its own transaction
			s := mustOpen(t, cfg)
			ctx, cancel := context.WithCancel(context.Background())
			_, err := s.Apply(ctx, u, func(done, total int) {
				if float64(done) >= at*float64(total) {
					cancel()
				}
			})
			if err == nil {
				t.Fatal("an interrupted upload reported success")
			}
			partial, _ := s.Export(context.Background())
			written := len(partial.Entities) + len(partial.Links) + len(partial.Transactions) + len(partial.Countries)
			if written == 0 {
				t.Fatalf("nothing was written before the interruption")
			}
			res, err := s.Apply(context.Background(), u, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d rows written before the interruption; second run %+v", written, res)
			unchanged := res.Entities.Unchanged + res.Links.Unchanged + res.Transactions.Unchanged + res.Countries.Unchanged
			if unchanged != written {
				t.Errorf("second run found %d rows unchanged, want the %d written before the interruption", unchanged, written)
			}
			got, err := s.Export(context.Background())
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("after resuming (%v)\n got %s\nwant %s", err, js(got), js(want))
			}
		})
	}
}
