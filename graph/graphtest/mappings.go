package graphtest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// testMappings: saved column mappings are kept by name, sorted, replaced
// by a save of the same name; a bad one is refused.
func testMappings(t *testing.T, s graph.Store) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	a := graph.SavedMapping{Name: "Partner Zeta", Mapping: json.RawMessage(`{"headers":{"Firma":"name"}}`), By: "ana", Saved: at}
	b := graph.SavedMapping{Name: "Acme ledger", Mapping: json.RawMessage(`{"sheets":{"x":{"kind":"transactions"}}}`), By: "ben", Saved: at}
	for _, m := range []graph.SavedMapping{a, b} {
		if err := s.SaveMapping(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	a2 := a
	a2.Mapping, a2.By = json.RawMessage(`{"headers":{"Firma":"name","Land":"country"}}`), "carla"
	if err := s.SaveMapping(ctx, a2); err != nil {
		t.Fatal(err)
	}
	ms, err := s.Mappings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Name != "Acme ledger" || ms[1].Name != "Partner Zeta" || ms[1].By != "carla" ||
		!ms[1].Saved.Equal(at) || !jsonEqual(ms[1].Mapping, a2.Mapping) || !jsonEqual(ms[0].Mapping, b.Mapping) {
		t.Errorf("mappings: %+v", ms)
	}
	for _, bad := range []graph.SavedMapping{
		{Name: "", Mapping: json.RawMessage(`{}`)},
		{Name: " x", Mapping: json.RawMessage(`{}`)},
		{Name: "two\nlines", Mapping: json.RawMessage(`{}`)},
		{Name: "x", Mapping: json.RawMessage(`[1]`)},
		{Name: "x", Mapping: json.RawMessage(`{`)},
	} {
		if err := s.SaveMapping(ctx, bad); !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("SaveMapping(%q, %s): %v, want EINVALID", bad.Name, bad.Mapping, err)
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
