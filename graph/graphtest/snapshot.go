package graphtest

import (
	"context"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// Snapshot is everything a store holds, to compare before and after with
// reflect.DeepEqual.
type Snapshot struct {
	Upload graph.Upload
	Stats  graph.Stats
}

// TakeSnapshot reads the whole store.
func TakeSnapshot(tb testing.TB, s graph.Store) Snapshot {
	tb.Helper()
	ctx := context.Background()
	u, err := s.Export(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return Snapshot{u, st}
}
