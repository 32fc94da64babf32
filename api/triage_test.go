package api_test

import (
	"context"
	"encoding/csv"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/importer"
)

// triageFiles are caseFiles with the transactions' other cells: T-C is
// sold by a seller named in the row, T-H declares the ministry its
// end-user and has no value.
func triageFiles() []importer.File {
	fs := caseFiles()
	fs[2].Data = append(fs[2].Data, "ORG-Z,Zeta Supply GmbH,DE\n"...)
	fs[4].Data = []byte("id,date,buyer,seller,end_user,product,capability,value,currency\n" +
		"T-C,2024-01-01,ORG-A,Zeta Supply,,Face matcher,facial recognition cameras,1000,EUR\n" +
		"T-H,2024-01-01,ORG-B,,GOV-1,Grabber,IMSI catcher,,\n")
	return fs
}

func TestFlagTriage(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			s := caseServer(t, newStore(t), graph.DefaultPolicy())
			if j := s.mustUpload(triageFiles(), nil); j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			ids := func(query url.Values) []string {
				t.Helper()
				var page flagPage
				s.mustJSON("GET", "/api/v1/flags?"+query.Encode(), nil, 200, &page)
				var out []string
				for _, f := range page.Flags {
					out = append(out, f.TransactionID)
				}
				if page.Total != len(out) {
					t.Errorf("%s: total %d for %d flags", query.Encode(), page.Total, len(out))
				}
				return out
			}
			q := func(kv ...string) url.Values {
				v := url.Values{}
				for i := 0; i < len(kv); i += 2 {
					v.Set(kv[i], kv[i+1])
				}
				return v
			}
			for _, tt := range []struct {
				q    url.Values
				want []string
			}{
				{q(), []string{"T-C", "T-H"}},
				{q("capability", "biometric identification"), []string{"T-C"}},
				{q("capability", "Non-cooperative location tracking"), []string{"T-H"}},
				{q("capability", "data analytics"), nil},
				{q("q", "zeta"), []string{"T-C"}},
				{q("q", "ORG-Z"), []string{"T-C"}},
				{q("q", "beta systems"), []string{"T-H"}},
				{q("q", "ministry of order"), []string{"T-C", "T-H"}},
				{q("q", "grabber"), []string{"T-H"}},
				{q("sort", "transaction", "dir", "desc"), []string{"T-H", "T-C"}},
				{q("sort", "seller", "dir", "desc"), []string{"T-C", "T-H"}},
				{q("sort", "value"), []string{"T-C", "T-H"}},
				{q("sort", "value", "dir", "desc"), []string{"T-C", "T-H"}},
				{q("sort", "end_user"), []string{"T-H", "T-C"}},
				{q("sort", "ownership"), []string{"T-H", "T-C"}},
				{q("pending", "true"), nil},
			} {
				if got := ids(tt.q); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("flags?%s: %v, want %v", tt.q.Encode(), got, tt.want)
				}
			}

			var f graph.Flag
			s.mustJSON("GET", "/api/v1/flags/T-C", nil, 200, &f)
			if f.Seller == nil || f.Seller.ID != "ORG-Z" || f.Seller.Name != "Zeta Supply GmbH" || f.EndUser != nil ||
				f.Value == nil || *f.Value != 1000 || f.Currency != "EUR" || f.Product != "Face matcher" ||
				!reflect.DeepEqual(f.Capabilities, []string{graph.CapBiometric, graph.CapRecordingDevices}) {
				t.Errorf("T-C as listed: seller %+v, end-user %+v, value %v %s, product %q, capabilities %q",
					f.Seller, f.EndUser, f.Value, f.Currency, f.Product, f.Capabilities)
			}
			f = graph.Flag{}
			s.mustJSON("GET", "/api/v1/flags/T-H", nil, 200, &f)
			if f.EndUser == nil || f.EndUser.ID != "GOV-1" || f.EndUser.Name != "Ministry of Order" || f.Seller != nil || f.Value != nil {
				t.Errorf("T-H as listed: seller %+v, end-user %+v, value %v", f.Seller, f.EndUser, f.Value)
			}

			// A first clear of the critical flag waits for a second reviewer.
			s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "stake sold"}, 200, &f)
			if got := ids(q("pending", "true")); !reflect.DeepEqual(got, []string{"T-C"}) {
				t.Errorf("pending after one clear: %v", got)
			}
			s.reviewer = "ben"
			s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "confirmed in the register"}, 200, &f)
			if got := ids(q("pending", "true", "status", "")); got != nil {
				t.Errorf("pending after two clears: %v", got)
			}

			for _, bad := range []string{"sort=json", "sort=value&dir=up", "capability=lasers", "pending=maybe"} {
				s.mustError("GET", "/api/v1/flags?"+bad, nil, 400, graph.EINVALID)
				s.mustError("GET", "/api/v1/flags.csv?"+bad, nil, 400, graph.EINVALID)
			}
		})
	}
}

func TestUploadsOfAnUpload(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			s := caseServer(t, newStore(t), graph.DefaultPolicy())
			first := s.mustUpload(caseFiles(), nil)
			second := s.mustUpload(triageFiles()[2:3], nil)
			var ups struct {
				Uploads []graph.Job `json:"uploads"`
			}
			s.mustJSON("GET", "/api/v1/uploads", nil, 200, &ups)
			if len(ups.Uploads) != 2 {
				t.Fatalf("uploads: %+v", ups.Uploads)
			}
			s.mustJSON("GET", "/api/v1/uploads?upload="+url.QueryEscape(first.Upload), nil, 200, &ups)
			if len(ups.Uploads) != 1 || ups.Uploads[0].ID != first.ID || first.Upload == second.Upload {
				t.Errorf("jobs of upload %s: %+v", first.Upload, ups.Uploads)
			}
			s.mustJSON("GET", "/api/v1/uploads?upload=nope", nil, 200, &ups)
			if len(ups.Uploads) != 0 {
				t.Errorf("jobs of upload nope: %+v", ups.Uploads)
			}
		})
	}
}

func TestSavedMappings(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			s := caseServer(t, store, graph.DefaultPolicy())
			var m graph.SavedMapping
			s.mustJSON("PUT", "/api/v1/mappings/Partner%20Zeta", map[string]any{"mapping": map[string]any{
				"headers": map[string]string{"Firma": "name", "Land": "country"}}}, 200, &m)
			if m.Name != "Partner Zeta" || m.By == "" || m.Saved.IsZero() {
				t.Errorf("saved: %+v", m)
			}
			var list struct {
				Mappings []graph.SavedMapping `json:"mappings"`
			}
			s.mustJSON("GET", "/api/v1/mappings", nil, 200, &list)
			if len(list.Mappings) != 1 || list.Mappings[0].Name != "Partner Zeta" {
				t.Errorf("mappings: %+v", list.Mappings)
			}

			// The next file of the partner is read with it.
			file := []importer.File{{Name: "partner list.csv", Data: []byte("Firma,Land\nZeta Supply GmbH,Germany\n")}}
			j := s.mustUpload(file, map[string]string{"mapping_name": "Partner Zeta"})
			if j.State != graph.JobDone {
				t.Fatalf("upload with the saved mapping: %+v", j)
			}
			ms, err := store.Search(context.Background(), graph.SearchQuery{Text: "Zeta Supply", Limit: 1})
			if err != nil || len(ms) != 1 || ms[0].Entity.Country != "DE" {
				t.Errorf("the partner as uploaded: %+v (%v)", ms, err)
			}

			for _, bad := range []map[string]string{
				{"mapping_name": "Partner Ypsilon"},
				{"mapping_name": "Partner Zeta", "mapping": "headers: {Firma: name}"},
			} {
				if w := s.upload("/api/v1/uploads", file, bad); w.Code != 400 || !strings.Contains(w.Body.String(), "mapping") {
					t.Errorf("upload with %v: %d %s", bad, w.Code, w.Body)
				}
			}
			s.mustError("PUT", "/api/v1/mappings/x", map[string]any{"mapping": map[string]any{"headers": map[string]string{"Firma": "nonsense"}}}, 400, graph.EINVALID)
			s.mustError("PUT", "/api/v1/mappings/x", map[string]any{}, 400, graph.EINVALID)
			s.mustError("PUT", "/api/v1/mappings/"+strings.Repeat("x", 101), map[string]any{"mapping": map[string]any{}}, 400, graph.EINVALID)
		})
	}
}

func TestFlagExportHasTheTransaction(t *testing.T) {
	s := caseServer(t, caseStores(t)["embedded"](t), graph.DefaultPolicy())
	if j := s.mustUpload(triageFiles(), nil); j.State != graph.JobDone {
		t.Fatalf("upload: %+v", j)
	}
	body := s.do("GET", "/api/v1/flags.csv?capability=biometric+identification", nil).Body.String()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("CSV export (%v):\n%s", err, body)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	want := map[string]string{"transaction": "T-C", "seller id": "ORG-Z", "seller": "Zeta Supply GmbH", "declared end-user": "",
		"product": "Face matcher", "capability": "facial recognition cameras",
		"capability categories": "biometric identification; recording devices", "value": "1000", "currency": "EUR"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CSV export %s: %q, want %q", k, got[k], v)
		}
	}
}
