package graph_test

import (
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func TestNameKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Orion Tech LLC", "orion tech"},
		{"Ōrion-Tech, L.L.C.", "orion tech"},
		{"ORION TECH Ltd.", "orion tech"},
		{"ООО «Орион Тех»", "orion tekh"},
		{"Müller GmbH", "muller"},
		{"  Smith &  Sons  ", "smith and sons"},
		{"O'Brien Holdings", "obrien holdings"},
		{"LLC", "llc"},
		{"", ""},
		{"Ministry of Public Security", "ministry of public security"},
		{"Tashkent Systems MMC", "tashkent systems"},
		{"Ｆｕｌｌｗｉｄｔｈ JSC", "fullwidth"},
	}
	for _, tt := range tests {
		if got := graph.NameKey(tt.in); got != tt.want {
			t.Errorf("NameKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
