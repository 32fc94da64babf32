package match

import (
	"fmt"
	"reflect"
	"testing"
)

// The cache of readings answers what reading the name answers, and keeps
// at most two generations of max names.
func TestNameCache(t *testing.T) {
	c := &nameCache{max: 10}
	for i := range 35 {
		stated := fmt.Sprintf("Orion Optics %d (OO) Ltd", i%17)
		if got, want := c.readings(stated), parseEach(Expand(stated)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, want %+v", stated, got, want)
		}
		if n := len(c.cur) + len(c.old); n > 2*c.max {
			t.Fatalf("%d names kept, want at most %d", n, 2*c.max)
		}
	}
}
