package eujournal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
	"github.com/hopcheck/hopcheck/importer/formats/eujournal"
	"github.com/hopcheck/hopcheck/importer/formats/formattest"
)

func fixture(t testing.TB) importer.File { return formattest.File(t, "eu.csv") }

// TestAriantel: a sale to Ariantel, on the EU Iran human-rights list, is
// blocked, and the reason names the list and the program.
func TestAriantel(t *testing.T) {
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := importer.Options{Formats: []importer.Format{eujournal.Format{}}}
	rep, err := importer.Import(ctx, s, []importer.File{fixture(t)}, opts)
	if err != nil || rep.Rejected {
		t.Fatalf("%v %+v", err, rep.Errors)
	}
	ls, _ := s.Listings(ctx, "eu-32011r0359-ib-35")
	if len(ls) != 1 || ls[0].ListedFrom != "2023-04-24" || ls[0].Program != "EU-IRN" || ls[0].Source.Row != 2 {
		t.Fatalf("Ariantel's listing %+v", ls)
	}
	ev := exposure.NewEvaluator(s, graph.DefaultPolicy(), func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
	a, err := ev.Entity(ctx, "eu-32011r0359-ib-35", "")
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Join(a.Reasons, " ")
	if a.Verdict != graph.Block || !strings.Contains(words, "eu_32011r0359, program EU-IRN") {
		t.Errorf("verdict %s: %s", a.Verdict, words)
	}
	// A record without an id (an export-control annex) is named by its name, listed from no date.
	if ls, _ := s.Listings(ctx, "eu-32006r0765-v-belarus_ministry_of_defence"); len(ls) != 1 || ls[0].List != "eu_32006r0765" || ls[0].ListedFrom != "" {
		t.Errorf("unnumbered record's listing %+v", ls)
	}
	// Before the listing, Ariantel restricts nothing.
	if a, _ := ev.Entity(ctx, "eu-32011r0359-ib-35", "2023-04-23"); a.Verdict != graph.Clear {
		t.Errorf("before the listing: %s %v", a.Verdict, a.Reasons)
	}
}

func FuzzEUJournal(f *testing.F) {
	f.Add(fixture(f).Data)
	formattest.Fuzz(f, "eu.csv", eujournal.Format{})
}
