package importer_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/importertest"
)

// TestBadInputs runs the corpus through importer.Import on the embedded
// store: each case ends as it must, within its time, and a case that is
// not accepted writes nothing.
func TestBadInputs(t *testing.T) {
	for _, c := range importertest.BadInputs() {
		t.Run(c.Name, func(t *testing.T) {
			if testing.Short() && c.Timeout > time.Minute {
				t.Skip("slow case")
			}
			store, err := memstore.Open(t.TempDir())
			must(t, err)
			defer store.Close()
			ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
			defer cancel()
			if c.Seed != nil {
				rep, err := importer.Import(ctx, store, c.Seed, importer.Options{})
				must(t, err)
				mustClean(t, rep)
			}
			before := graphtest.TakeSnapshot(t, store)
			type result struct {
				rep *importer.Report
				err error
			}
			done := make(chan result, 1)
			go func() {
				rep, err := importer.Import(ctx, store, c.Files, importer.Options{Limits: c.Limits})
				done <- result{rep, err}
			}()
			var res result
			select {
			case res = <-done:
			case <-time.After(c.Timeout + 5*time.Second):
				t.Fatalf("no answer within %s", c.Timeout)
			}
			if ctx.Err() != nil {
				t.Fatalf("took longer than %s", c.Timeout)
			}
			after := graphtest.TakeSnapshot(t, store)
			switch c.Outcome {
			case importertest.Conflict:
				if graph.ErrorCode(res.err) != graph.ECONFLICT || !strings.Contains(res.err.Error(), c.Want) {
					t.Errorf("error %v, want a conflict naming %s", res.err, c.Want)
				}
			default:
				must(t, res.err)
				if err := importertest.CheckReport(c, res.rep); err != nil {
					t.Error(err)
				}
			}
			written := !reflect.DeepEqual(before, after)
			switch c.Outcome {
			case importertest.Rejected, importertest.Conflict:
				if written {
					t.Errorf("a refused upload changed the store: %+v -> %+v", before.Stats, after.Stats)
				}
			case importertest.Accepted:
				if c.Want != "" && !hasName(after.Upload, c.Want) {
					t.Errorf("no entity named %q stored: %+v", c.Want, after.Upload.Entities)
				}
			}
			if testing.Verbose() && res.rep != nil {
				t.Logf("%s", text(res.rep))
			}
		})
	}
}

func hasName(u graph.Upload, name string) bool {
	for _, e := range u.Entities {
		if e.Name == name {
			return true
		}
	}
	return false
}
