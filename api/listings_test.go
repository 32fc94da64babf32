package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/graphtest"
	"github.com/hopcheck/hopcheck/importer"
)

// TestEntityListings: the entity and its neighbourhood show its listings,
// and its exposure blocks naming the list and program.
func TestEntityListings(t *testing.T) {
	s := mustServer(t, false)
	b := graphtest.NewBuilder("u-l").Country("IR", graphtest.No).Org("ARI", "IR").Org("DIST", "AE").
		Link(graph.Supplies, "DIST", "ARI").List("eu_iran_hr", "Council of the EU").Listed("ARI", "eu_iran_hr", "EU-IRN", "2023-04-24", "")
	if _, err := s.store.Apply(context.Background(), b.Upload(), nil); err != nil {
		t.Fatal(err)
	}
	var ent struct {
		Listings []graph.Listing       `json:"listings"`
		Lists    map[string]graph.List `json:"lists"`
	}
	s.mustJSON("GET", "/api/v1/entities/ARI", nil, 200, &ent)
	if len(ent.Listings) != 1 || ent.Listings[0].Program != "EU-IRN" || ent.Lists["eu_iran_hr"].Name != "List eu_iran_hr" {
		t.Errorf("entity listings %+v lists %+v", ent.Listings, ent.Lists)
	}
	var sg graph.Subgraph
	s.mustJSON("GET", "/api/v1/entities/DIST/neighborhood", nil, 200, &sg)
	if len(sg.Listings) != 1 || sg.Listings[0].Entity != "ARI" {
		t.Errorf("neighbourhood listings %+v", sg.Listings)
	}
	var ex graph.Assessment
	s.mustJSON("GET", "/api/v1/entities/DIST/exposure?date=2024-06-01", nil, 200, &ex)
	if ex.Severity != graph.High || len(ex.Reasons) == 0 {
		t.Errorf("exposure of a supplier of a listed party: %+v", ex)
	}
}

// TestPreviewOfAPublicFormat: the mapping step says a public-format file
// is read as its format, with nothing to map.
func TestPreviewOfAPublicFormat(t *testing.T) {
	s := mustServer(t, false)
	sdn := []byte("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a")
	w := s.upload("/api/v1/uploads?preview=true", []importer.File{{Name: "sdn.csv", Data: sdn}}, nil)
	var p importer.Preview
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &p) != nil || len(p.Sheets) != 1 || p.Sheets[0].Format != "OFAC SDN" || len(p.Errors) != 0 {
		t.Errorf("preview %d: %s", w.Code, w.Body.String())
	}
}
