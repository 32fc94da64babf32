package memstore

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
)

// A store on disk keeps only the heads of flags in memory; Flag and
// Flags read the whole flags from the file, before and after a reopen
// and after a flag is saved again.
func TestFlagBodiesFromFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Gov("G", "XR", nil).Org("X", "XF").
		Owns("G", "X", graphtest.Pct(60)).
		Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X"}).
		Tx(graph.Transaction{ID: "T-2", Date: "2024-01-02", Buyer: "X"}).MustApply(t, s)
	at := time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)
	flag := func(id string, sev graph.Severity, note string) graph.Flag {
		return graph.Flag{TransactionID: id, Status: graph.Open, Date: "2024-01-01", Evidence: "e-" + note,
			Buyer: graph.Ref{ID: "X", Name: "X"}, EvaluatedAt: at,
			Assessment: graph.Assessment{Severity: sev, Verdict: graph.Block, Reasons: []string{"reason " + note},
				Exposures: []graph.Exposure{{EndUser: graph.Ref{ID: "G"}, Hops: 1, Path: []graph.Ref{{ID: "X"}, {ID: "G"}}}}},
			History: []graph.HistoryEntry{{At: at, By: "ana", Status: graph.Open, Note: note}}}
	}
	want := []graph.Flag{flag("T-1", graph.High, "one"), flag("T-2", graph.Critical, "two")}
	if err := s.SaveFlags(ctx, want); err != nil {
		t.Fatal(err)
	}
	same := func(t *testing.T, what string, got, want any) {
		t.Helper()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s:\n got %s\nwant %s", what, g, w)
		}
	}
	checkAll := func(t *testing.T, s *Store, want []graph.Flag) {
		t.Helper()
		h := s.g.flags["T-1"]
		bare := h != nil
		if bare {
			for _, x := range h.Exposures {
				bare = bare && x.Path == nil && x.Steps == nil
			}
		}
		if !s.g.headsOnly || !bare || h.Reasons != nil || h.Ownership != nil || h.History != nil {
			t.Errorf("memory holds %+v, want the head only", h)
		}
		for _, w := range want {
			got, err := s.Flag(ctx, w.TransactionID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, "Flag "+w.TransactionID, got, w)
		}
		got, n, err := s.Flags(ctx, graph.FlagFilter{})
		if err != nil || n != 2 {
			t.Fatalf("Flags: %d, %v", n, err)
		}
		same(t, "Flags", got, []graph.Flag{want[1], want[0]}) // critical first
		got, n, _ = s.Flags(ctx, graph.FlagFilter{Offset: 1, Limit: 1})
		same(t, "Flags page 2", got, []graph.Flag{want[0]})
		if n != 2 {
			t.Errorf("Flags page 2 counts %d", n)
		}
		if _, err := s.Flag(ctx, "T-9"); graph.ErrorCode(err) != graph.ENOTFOUND {
			t.Errorf("Flag T-9: %v, want not found", err)
		}
	}
	checkAll(t, s, want)
	want[0] = flag("T-1", graph.High, "changed")
	if err := s.SaveFlags(ctx, want[:1]); err != nil {
		t.Fatal(err)
	}
	checkAll(t, s, want)
	s.Close()
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkAll(t, s, want)
	if st, _ := s.Stats(ctx); st.Flags[graph.High] != 1 || st.Flags[graph.Critical] != 1 {
		t.Errorf("stats count %v", st.Flags)
	}
}

// A flag record damaged after the open is an error of the read that
// needs its body, naming the file, not a flag with parts missing.
func TestFlagBodyDamagedAfterOpen(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	graphtest.NewBuilder("u-1").Country("XR", graphtest.Yes).Org("X", "XR").
		Tx(graph.Transaction{ID: "T-1", Date: "2024-01-01", Buyer: "X"}).MustApply(t, s)
	f := graph.Flag{TransactionID: "T-1", Status: graph.Open, Assessment: graph.Assessment{Severity: graph.High, Verdict: graph.Block, Reasons: []string{"r"}}}
	if err := s.SaveFlags(ctx, []graph.Flag{f}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bFlags)
		v := append([]byte(nil), b.Get(storeKey("T-1"))...)
		v[len(v)-1] ^= 0xff
		return b.Put(storeKey("T-1"), v)
	}); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() error{
		"Flag":  func() error { _, err := s.Flag(ctx, "T-1"); return err },
		"Flags": func() error { _, _, err := s.Flags(ctx, graph.FlagFilter{}); return err },
	} {
		err := read()
		if graph.ErrorCode(err) != graph.EUNAVAILABLE || !strings.Contains(err.Error(), "hopcheck.db") || !strings.Contains(err.Error(), "checksum mismatch") {
			t.Errorf("%s of a damaged flag: %v", name, err)
		}
	}
}
