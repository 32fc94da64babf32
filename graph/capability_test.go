package graph_test

import (
	"reflect"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
)

func TestCapabilities(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"IMSI catcher", []string{"non-cooperative location tracking"}},
		{"Facial recognition CCTV cameras", []string{"biometric identification", "recording devices"}},
		{"Deep packet inspection (DPI) appliance", []string{"internet surveillance"}},
		{"Big-data analytics platform", []string{"data analytics"}},
		{"thermal sensors for drones", []string{"sensors"}},
		{"Internet surveillance; recording devices", []string{"internet surveillance", "recording devices"}},
		{"office furniture", nil},
		{"Spyware", []string{"internet surveillance"}},
	}
	for _, tt := range tests {
		if got := graph.Capabilities(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Capabilities(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
