package importer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// countingLookup is a memLookup that says whether it holds entities, as
// neo4jstore does, and counts the searches for duplicates asked of it.
type countingLookup struct {
	*memLookup
	searches, byName int
}

func (c *countingLookup) HasEntities(context.Context) (bool, error) { return len(c.entities) > 0, nil }

func (c *countingLookup) Search(ctx context.Context, q graph.SearchQuery) ([]graph.Match, error) {
	c.searches++
	return c.memLookup.Search(ctx, q)
}

func (c *countingLookup) EntitiesByName(ctx context.Context, keys []string) (map[string][]graph.Entity, error) {
	c.byName++
	return c.memLookup.EntitiesByName(ctx, keys)
}

// TestDuplicatesInAnEmptyStore: a lookup that holds no entity is not
// searched for duplicates; one that holds some is, and the duplicate is
// reported.
func TestDuplicatesInAnEmptyStore(t *testing.T) {
	orgs := importer.File{Name: "organizations.csv", Data: []byte("id,name,country\no1,Orbix Optics Ltd,DE\no2,Vantar Systems,FR\n")}
	for _, c := range []struct {
		name     string
		stored   []graph.Entity
		searched bool
	}{
		{"empty store", nil, false},
		{"store with a near-identical name", []graph.Entity{{ID: "s1", Kind: graph.Organization, Name: "Orbix Optic Ltd", Country: "DE"}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := &countingLookup{memLookup: newLookup(c.stored...)}
			_, rep := mustRead(t, l, importer.Options{}, orgs)
			mustClean(t, rep)
			if got := l.searches > 0 || l.byName > 0; got != c.searched {
				t.Errorf("%d searches and %d name lookups of the store; want searched %v", l.searches, l.byName, c.searched)
			}
			var b strings.Builder
			_ = rep.WriteText(&b)
			if dup := strings.Contains(b.String(), "possible duplicate of"); dup != c.searched {
				t.Errorf("report says possible duplicate: %v, want %v\n%s", dup, c.searched, b.String())
			}
		})
	}
}
