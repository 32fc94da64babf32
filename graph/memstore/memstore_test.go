package memstore_test

import (
	"context"
	"os"
	"path/filepath"
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
	before, _ := s.Stats(context.Background())
	s.Close()

	// A crash in the middle of the next write leaves a torn record behind.
	logPath := filepath.Join(dir, "hopcheck.log")
	f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, '{', '"', 'e'})
	f.Close()

	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatalf("reopen after a torn write: %v", err)
	}
	defer s.Close()
	after, _ := s.Stats(context.Background())
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after reopen %+v, want %+v", after, before)
	}
	if l, _ := s.Links(context.Background(), "X"); len(l) != 1 || *l[0].Percent != 60 {
		t.Errorf("links after reopen: %+v", l)
	}
	res := graphtest.NewBuilder("u-2").Org("Y", "XF").MustApply(t, s)
	if res.Entities.Created != 1 {
		t.Errorf("write after recovery: %+v", res)
	}
	s.Close()
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Entity(context.Background(), "Y"); err != nil {
		t.Errorf("write after recovery lost: %v", err)
	}
}

func TestCorruptLogIsAnError(t *testing.T) {
	dir := t.TempDir()
	s, _ := memstore.Open(dir)
	graphtest.NewBuilder("u-1").Org("X", "XF").MustApply(t, s)
	graphtest.NewBuilder("u-2").Org("Y", "XF").MustApply(t, s)
	s.Close()
	logPath := filepath.Join(dir, "hopcheck.log")
	data, _ := os.ReadFile(logPath)
	data[12] ^= 0xff // inside the first record, which is not the last
	os.WriteFile(logPath, data, 0o640)
	if _, err := memstore.Open(dir); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("open of a log corrupt in the middle: %v, want an error", err)
	}
}
