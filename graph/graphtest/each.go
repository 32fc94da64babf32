package graphtest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

// testEachEntity: every entity once, in id order, across the stores'
// pages (more entities than either reads at once), equal to Export's; an
// error from the callback stops the walk and comes back.
func testEachEntity(t *testing.T, s graph.Store) {
	if err := s.EachEntity(ctx, func(graph.Entity) error { return errors.New("called on an empty store") }); err != nil {
		t.Fatalf("empty store: %v", err)
	}
	b := fixture()
	for i := range 2100 {
		b.Entity(graph.Entity{ID: fmt.Sprintf("bulk-%04d", 2099-i), Kind: graph.Organization, Name: fmt.Sprintf("Bulk %d Trading", i)})
	}
	b.MustApply(t, s)
	exp, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []graph.Entity
	if err := s.EachEntity(ctx, func(e graph.Entity) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(exp.Entities) {
		t.Fatalf("EachEntity gave %d entities, Export %d", len(got), len(exp.Entities))
	}
	for i := range got {
		if i > 0 && got[i-1].ID >= got[i].ID {
			t.Fatalf("not in id order: %q then %q", got[i-1].ID, got[i].ID)
		}
		if !reflect.DeepEqual(got[i], exp.Entities[i]) {
			t.Fatalf("entity %d\n got %+v\nwant %+v", i, got[i], exp.Entities[i])
		}
	}
	stop := errors.New("enough")
	n := 0
	err = s.EachEntity(ctx, func(graph.Entity) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("stopping after 3: called %d times, error %v", n, err)
	}
}
