package memstore_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func TestConformance(t *testing.T) {
	graphtest.RunTests(t, func(t *testing.T) graph.Store {
		s, err := memstore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestDurable(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).Org("X", "XF").
		Owns("G", "X", graphtest.Pct(60)).Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X"}).MustApply(t, s)
	if _, err := memstore.Open(dir); graph.ErrorCode(err) != graph.ECONFLICT {
		t.Errorf("second open of a directory in use: %v, want conflict", err)
	}
	before := graphtest.TakeSnapshot(t, s)
	s.Close()

	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	if after := graphtest.TakeSnapshot(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("after reopen %+v, want %+v", after, before)
	}
	if l, _ := s.Links(context.Background(), "X"); len(l) != 1 || *l[0].Percent != 60 {
		t.Errorf("links after reopen: %+v", l)
	}
	res := graphtest.NewBuilder("u-2").Org("Y", "XF").MustApply(t, s)
	if res.Entities.Created != 1 {
		t.Errorf("write after reopen: %+v", res)
	}
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Entity(context.Background(), "Y"); err != nil {
		t.Errorf("write after reopen lost: %v", err)
	}
}

// TestUpdatesAndCreationsInOneUpload: an upload that restates stored
// entities and links, adds new ones and gives one twice is counted right
// (the write counts the new keys from the merge, without looking each one
// up) and reads back the same after a reopen.
func TestUpdatesAndCreationsInOneUpload(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).Org("X", "XF").Org("W", "XF").
		Owns("G", "X", graphtest.Pct(60)).Link(graph.Supplies, "W", "X").MustApply(t, s)
	b := graphtest.NewBuilder("u-2").Org("X", "XG").Org("W", "XF").Org("Z", "XF").Org("Z", "XH").
		Owns("G", "X", graphtest.Pct(70)).Link(graph.Supplies, "W", "X").Owns("G", "Z", graphtest.Pct(10)).Owns("G", "Z", graphtest.Pct(20))
	res := b.MustApply(t, s)
	// A restated entity or link takes the new upload's source: updated.
	if e, l := res.Entities, res.Links; e.Created != 1 || e.Updated != 2 || l.Created != 1 || l.Updated != 2 {
		t.Errorf("entities %+v, links %+v: want 1 created and 2 updated of each", e, l)
	}
	if res := b.MustApply(t, s); res.Entities.Unchanged != 3 || res.Links.Unchanged != 3 || res.Entities.Created+res.Links.Created > 0 {
		t.Errorf("the same upload again: %+v, want all unchanged", res)
	}
	before := graphtest.TakeSnapshot(t, s)
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if after := graphtest.TakeSnapshot(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("after reopen %+v, want %+v", after, before)
	}
	z, err := s.Entity(context.Background(), "Z")
	if err != nil || z.Country != "XH" {
		t.Errorf("Z given twice: %+v, %v; want the later row's country", z, err)
	}
	ls, _ := s.Links(context.Background(), "Z")
	if len(ls) != 1 || *ls[0].Percent != 20 {
		t.Errorf("the link given twice: %+v, want one of 20%%", ls)
	}
}

// TestLongKeys: a link between two ids of 20,000 bytes (its key is
// longer than the engine's keys may be) and two entities whose long ids
// share their first kilobytes are stored and read back after a reopen.
func TestLongKeys(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, b := strings.Repeat("a", 20000), strings.Repeat("a", 19999)+"b"
	graphtest.NewBuilder("u-1").Org(a, "XF").Org(b, "XF").Owns(a, b, graphtest.Pct(30)).Owns(b, a, graphtest.Pct(40)).MustApply(t, s)
	want := graphtest.TakeSnapshot(t, s)
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := graphtest.TakeSnapshot(t, s); !reflect.DeepEqual(got, want) || len(got.Upload.Links) != 2 || len(got.Upload.Entities) != 2 {
		t.Errorf("after reopen: %d entities, %d links", len(got.Upload.Entities), len(got.Upload.Links))
	}
}

// TestDecisionsDurable: decisions and their removal survive a reopen,
// with the clusters and counts they make.
func TestDecisionsDurable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Org("a", "XF").Org("b", "XF").Org("c", "XF").Org("d", "XF").
		Decide("a", "b", graph.Same, "alice", "reg no").Decide("b", "c", graph.Same, "alice", "").
		Decide("c", "d", graph.NotSame, "bob", "").MustApply(t, s)
	if _, err := s.Undecide(ctx, "c", "b"); err != nil {
		t.Fatal(err)
	}
	before := graphtest.TakeSnapshot(t, s)
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after := graphtest.TakeSnapshot(t, s)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after reopen %+v, want %+v", after, before)
	}
	if len(after.Upload.Decisions) != 2 || after.Stats.Clusters != 1 || after.Stats.Decisions[graph.Same] != 1 || after.Stats.Decisions[graph.NotSame] != 1 {
		t.Errorf("decisions %+v, stats %+v", after.Upload.Decisions, after.Stats)
	}
	d, err := s.DiskStats()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range d.Buckets {
		if b.Name == "decisions" && b.Records != 2 {
			t.Errorf("the decisions bucket holds %d records, want 2", b.Records)
		}
	}
}

// TestHistoryDurable: revisions outlive a reopen, oldest first, and a
// store made before history existed (no history bucket) opens and gets
// one on its first revision.
func TestHistoryDurable(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Org("X", "XF").Org("Y", "XF").Owns("X", "Y", graphtest.Pct(10)).MustApply(t, s)
	s.Close()
	if s, err = memstore.Open(dir); err != nil {
		t.Fatalf("reopen without revisions: %v", err)
	}
	graphtest.NewBuilder("u-2").Owns("X", "Y", graphtest.Pct(20)).MustApply(t, s)
	graphtest.NewBuilder("u-3").Owns("X", "Y", graphtest.Pct(30)).MustApply(t, s)
	before, err := s.History(context.Background(), "Y")
	if err != nil || len(before) != 2 {
		t.Fatalf("history %+v (%v), want 2 revisions", before, err)
	}
	s.Close()
	if s, err = memstore.Open(dir); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	after, err := s.History(context.Background(), "Y")
	if err != nil || !reflect.DeepEqual(after, before) || after[0].By.Upload != "u-2" || after[1].By.Upload != "u-3" {
		t.Errorf("history after reopen\n got %+v (%v)\nwant %+v", after, err, before)
	}
}

// TestMappingsSurviveReopen: a saved mapping is in the file, not only in memory.
func TestMappingsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := graph.SavedMapping{Name: "Partner Zeta", Mapping: []byte(`{"headers":{"Firma":"name"}}`), By: "ana"}
	if err := s.SaveMapping(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = memstore.Open(dir); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := s.Mappings(context.Background())
	if err != nil || len(ms) != 1 || ms[0].Name != m.Name || string(ms[0].Mapping) != string(m.Mapping) {
		t.Errorf("after reopening: %+v (%v)", ms, err)
	}
}

// TestNameIndexesAfterReopen: an open leaves the name indexes to the
// first lookup. Writes made before that lookup (a new entity, a renamed
// one) must be found by it, and those made after it too.
func TestNameIndexesAfterReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := graphtest.NewBuilder("u-1").Entity(graph.Entity{ID: "A", Kind: graph.Organization, Name: "Falar Networks", Country: "XF"}).
		Entity(graph.Entity{ID: "B", Kind: graph.Organization, Name: "Orvane Systems", Country: "XF"})
	b.MustApply(t, s)
	s.Close()

	found := func(s *memstore.Store, name string) []string {
		t.Helper()
		ms, err := s.Search(ctx, graph.SearchQuery{Text: name})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range ms {
			if m.Score >= 0.9 {
				ids = append(ids, m.Entity.ID)
			}
		}
		byName, err := s.EntitiesByName(ctx, []string{graph.NameKey(name)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range byName[graph.NameKey(name)] {
			ids = append(ids, "="+e.ID)
		}
		return ids
	}
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Before any lookup: a new entity, and B renamed.
	graphtest.NewBuilder("u-2").Entity(graph.Entity{ID: "C", Kind: graph.Organization, Name: "Kestrel Vision", Country: "XF"}).
		Entity(graph.Entity{ID: "B", Kind: graph.Organization, Name: "Brindle Analytics", Country: "XF"}).MustApply(t, s)
	for name, want := range map[string][]string{
		"Falar Networks":    {"A", "=A"},
		"Kestrel Vision":    {"C", "=C"},
		"Brindle Analytics": {"B", "=B"},
		"Orvane Systems":    nil,
	} {
		if got := found(s, name); !reflect.DeepEqual(got, want) {
			t.Errorf("%q after reopen and a write: %v, want %v", name, got, want)
		}
	}
	// After the indexes are built, writes keep them.
	graphtest.NewBuilder("u-3").Entity(graph.Entity{ID: "A", Kind: graph.Organization, Name: "Tamsin Labs", Country: "XF"}).MustApply(t, s)
	if got := found(s, "Tamsin Labs"); !reflect.DeepEqual(got, []string{"A", "=A"}) {
		t.Errorf("renamed after the indexes were built: %v", got)
	}
	if got := found(s, "Falar Networks"); got != nil {
		t.Errorf("old name still found: %v", got)
	}
}

func TestHasEntities(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if has, err := s.HasEntities(ctx); err != nil || has {
		t.Errorf("empty store: %v, %v", has, err)
	}
	graphtest.NewBuilder("u-1").Org("A", "XF").MustApply(t, s)
	if has, err := s.HasEntities(ctx); err != nil || !has {
		t.Errorf("after an upload: %v, %v", has, err)
	}
}
