package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hopcheck/hopcheck/gen"
)

func TestDeterministicAndSized(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	ca, err := gen.Write(a, gen.Config{Entities: 2000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := gen.Write(b, gen.Config{Entities: 2000, Seed: 7})
	if ca != cb {
		t.Errorf("counts differ for one seed: %+v %+v", ca, cb)
	}
	for _, name := range []string{"organizations.csv", "links.csv", "transactions.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, name))
		y, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs for one seed", name)
		}
	}
	ents := ca.Organizations + ca.Persons + ca.GovernmentBodies
	if ents != 2000 || ca.Links < 2*ents || ca.Links > 4*ents || ca.Transactions != 200 {
		t.Errorf("counts %+v: want 2000 entities, about 3 links each, 200 transactions", ca)
	}
	c, _ := gen.Write(t.TempDir(), gen.Config{Entities: 2000, Seed: 8})
	if c == ca {
		t.Error("another seed gave the same counts")
	}
}
