package api_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/graph/neo4jstore"
	"github.com/hopcheck/hopcheck/importer"
)

// caseStores returns the stores the casework rules are tested on: the
// embedded one, and Neo4j when NEO4J_URI names one (scripts/neo4j.sh).
func caseStores(t *testing.T) map[string]func(t *testing.T) graph.Store {
	out := map[string]func(t *testing.T) graph.Store{
		"embedded": func(t *testing.T) graph.Store {
			s, err := memstore.Open("")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	if uri := os.Getenv("NEO4J_URI"); uri != "" {
		out["neo4j"] = func(t *testing.T) graph.Store {
			user := os.Getenv("NEO4J_USER")
			if user == "" {
				user = "neo4j"
			}
			s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: uri, User: user,
				Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.DeleteAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			return s
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("NEO4J_URI is not set: CI must run the casework tests on Neo4j too")
	}
	return out
}

// caseServer is the API over the store, with the policy.
func caseServer(t *testing.T, s graph.Store, p graph.Policy, opts ...option) *testServer {
	ev := exposure.NewEvaluator(s, p, clock)
	bg := api.NewBackground(context.Background())
	deps := api.Deps{Store: s, Evaluator: ev, Background: bg, Now: clock, RateLimits: api.RateLimits{AuthFailures: -1}}
	for _, o := range opts {
		o(&deps)
	}
	t.Cleanup(bg.Wait)
	deps.Audit = api.NewAuditLog(deps.Store, nil)
	t.Cleanup(deps.Audit.Close)
	return &testServer{t: t, h: api.NewServer(deps), bg: bg, audit: deps.Audit, reviewer: "ana"}
}

// caseFiles: Ministry GOV-1 of a restrictive country owns 60% of ORG-A
// (T-C is critical) and 30% of ORG-B (T-H is high).
func caseFiles() []importer.File {
	return []importer.File{
		{Name: "countries.csv", Data: []byte("country,restrictive\nBY,yes\n")},
		{Name: "government_bodies.csv", Data: []byte("id,name,country\nGOV-1,Ministry of Order,BY\n")},
		{Name: "organizations.csv", Data: []byte("id,name,country\nORG-A,Alpha Trading,DE\nORG-B,Beta Systems,DE\n")},
		{Name: "links.csv", Data: []byte("from,to,type,percent\nGOV-1,ORG-A,owns,60\nGOV-1,ORG-B,owns,30\n")},
		{Name: "transactions.csv", Data: []byte("id,date,buyer\nT-C,2024-01-01,ORG-A\nT-H,2024-01-01,ORG-B\n")},
	}
}

func TestEvidenceStaysTrue(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			store := newStore(t)
			s := caseServer(t, store, graph.DefaultPolicy())
			if j := s.mustUpload(caseFiles(), nil); j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			var f graph.Flag
			s.mustJSON("PATCH", "/api/v1/flags/T-H", map[string]string{"status": "confirmed", "note": "state stake"}, 200, &f)

			// An organizations-only upload naming a country is not its assessment's source.
			if j := s.mustUpload([]importer.File{{Name: "partners.csv", Data: []byte("id,name,country\nORG-P,Partner,Belarus\n")}},
				map[string]string{"kind": "organizations"}); j.State != graph.JobDone {
				t.Fatalf("organizations upload: %+v", j)
			}
			if c, err := store.Country(context.Background(), "BY"); err != nil || c.Source.File != "countries.csv" ||
				len(c.Assessments) != 1 || c.Assessments[0].Source.File != "countries.csv" {
				t.Errorf("a mention of BY changed its assessment's source: %+v (%v)", c, err)
			}

			// The same links under another file name: the steps cite it, the review stands.
			again := []importer.File{{Name: "Ownership register.csv", Data: caseFiles()[3].Data}}
			j := s.mustUpload(again, map[string]string{"kind": "links"})
			if j.State != graph.JobDone {
				t.Fatalf("re-upload: %+v", j)
			}
			s.mustJSON("GET", "/api/v1/flags/T-H", nil, 200, &f)
			src := f.Exposures[0].Steps[0].Source
			if f.Status != graph.Confirmed || src.File != "Ownership register.csv" || src.Upload != j.Upload || f.EvidenceUpload != j.Upload {
				t.Errorf("after re-upload: status %s, step source %+v, evidence upload %q (upload %s)", f.Status, src, f.EvidenceUpload, j.Upload)
			}
			var ent struct {
				Links []graph.Link `json:"links"`
			}
			s.mustJSON("GET", "/api/v1/entities/ORG-B", nil, 200, &ent)
			if len(ent.Links) != 1 || ent.Links[0].Source != src {
				t.Errorf("the explorer's source %+v differs from the flag's %+v", ent.Links, src)
			}

			// An amendment reopens the review and says what changed.
			amend := []importer.File{{Name: "links.csv", Data: []byte("from,to,type,percent\nGOV-1,ORG-B,owns,35\n")}}
			j = s.mustUpload(amend, nil)
			s.mustJSON("GET", "/api/v1/flags/T-H", nil, 200, &f)
			last := f.History[len(f.History)-1]
			if f.Status != graph.Open || last.Action != graph.ActionReopen || len(last.Changes) == 0 {
				t.Fatalf("after amending: %+v", f)
			}
			var link *graph.EvidenceChange
			for i, c := range last.Changes {
				if c.What == "link" && c.Field == "percent" {
					link = &last.Changes[i]
				}
			}
			if link == nil || link.Old != "30%" || link.New != "35%" || link.Source == nil || link.Source.Upload != j.Upload ||
				link.Source.File != "links.csv" || link.Source.Row != 2 {
				t.Errorf("what changed: %+v", last.Changes)
			}
			if !strings.Contains(last.Note, "30% → 35%") {
				t.Errorf("reopen note %q", last.Note)
			}

			// The link keeps its earlier value, with both rows.
			var h struct {
				Revisions []graph.Revision `json:"revisions"`
			}
			s.mustJSON("GET", "/api/v1/entities/ORG-B/history", nil, 200, &h)
			if len(h.Revisions) != 1 || h.Revisions[0].Target != graph.LinkTarget ||
				h.Revisions[0].Changes[0] != (graph.FieldChange{Field: "percent", Old: "30", New: "35"}) ||
				h.Revisions[0].Was.File != "Ownership register.csv" || h.Revisions[0].By.Upload != j.Upload {
				t.Errorf("history of ORG-B: %+v", h.Revisions)
			}
			s.mustError("GET", "/api/v1/entities/NOPE/history", nil, 404, graph.ENOTFOUND)
		})
	}
}

func TestReviewAccountability(t *testing.T) {
	for name, newStore := range caseStores(t) {
		t.Run(name, func(t *testing.T) {
			s := caseServer(t, newStore(t), graph.DefaultPolicy())
			if j := s.mustUpload(caseFiles(), nil); j.State != graph.JobDone {
				t.Fatalf("upload: %+v", j)
			}
			// No keys and no name: refused, never "anonymous".
			s.reviewer = ""
			s.mustError("PATCH", "/api/v1/flags/T-H", map[string]string{"status": "confirmed", "note": "x"}, 400, graph.EINVALID)
			s.mustError("POST", "/api/v1/flags/T-H/comments", map[string]string{"note": "x"}, 400, graph.EINVALID)
			s.reviewer = "ana"
			// A reason is required.
			s.mustError("PATCH", "/api/v1/flags/T-H", map[string]string{"status": "cleared"}, 400, graph.EINVALID)
			s.mustError("PATCH", "/api/v1/flags/T-H", map[string]string{"status": "confirmed", "note": "  "}, 400, graph.EINVALID)

			// Four eyes on the critical flag.
			var f graph.Flag
			s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "stake sold in 2023"}, 200, &f)
			if f.Status != graph.Open || f.PendingClear == nil || f.PendingClear.By != "ana" {
				t.Fatalf("first clear: %+v", f)
			}
			s.mustError("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "again"}, 409, graph.ECONFLICT)
			s.reviewer = "ben"
			f = graph.Flag{}
			s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "sale confirmed in the register"}, 200, &f)
			if f.Status != graph.Cleared || f.Reviewer != "ben" || f.PendingClear != nil {
				t.Errorf("second clear: %+v", f)
			}

			// Comments, assignment, and the filter by assignee.
			s.mustJSON("POST", "/api/v1/flags/T-H/comments", map[string]string{"note": "asked the distributor"}, 201, &f)
			s.mustJSON("PUT", "/api/v1/flags/T-H/assignee", map[string]string{"assignee": "carla"}, 200, &f)
			if f.Assignee != "carla" || len(f.History) != 2 || f.History[0].Action != graph.ActionComment || f.History[0].By != "ben" {
				t.Errorf("comment and assignment: %+v", f)
			}
			var page flagPage
			s.mustJSON("GET", "/api/v1/flags?assignee=carla", nil, 200, &page)
			if page.Total != 1 || page.Flags[0].TransactionID != "T-H" {
				t.Errorf("flags assigned to carla: %+v", page)
			}

			// Bulk review: each flag by the rules of one.
			var bulk struct {
				Reviewed int `json:"reviewed"`
				Refused  int `json:"refused"`
				Results  []struct {
					TransactionID string      `json:"transaction_id"`
					Flag          *graph.Flag `json:"flag"`
					Error         *struct {
						Code string `json:"code"`
					} `json:"error"`
				} `json:"results"`
			}
			s.mustJSON("POST", "/api/v1/flags/review", map[string]any{"ids": []string{"T-H"}, "status": "confirmed"}, 200, &bulk)
			if bulk.Refused != 1 || bulk.Results[0].Error == nil || bulk.Results[0].Error.Code != graph.EINVALID {
				t.Errorf("bulk review without a reason: %+v", bulk)
			}
			s.mustJSON("POST", "/api/v1/flags/review", map[string]any{"ids": []string{"T-H", "T-NONE"}, "status": "confirmed", "note": "bulk: state stake"}, 200, &bulk)
			if bulk.Reviewed != 1 || bulk.Refused != 1 || bulk.Results[0].Flag == nil || bulk.Results[0].Flag.Status != graph.Confirmed ||
				bulk.Results[1].Error == nil || bulk.Results[1].Error.Code != graph.ENOTFOUND {
				t.Errorf("bulk review: %+v", bulk)
			}
			s.mustError("POST", "/api/v1/flags/review", map[string]any{"ids": []string{}, "status": "confirmed", "note": "x"}, 400, graph.EINVALID)

			// Every note is in the export.
			w := s.do("GET", "/api/v1/flags.csv", nil)
			body := w.Body.String()
			for _, want := range []string{"stake sold in 2023", "sale confirmed in the register", "asked the distributor", "bulk: state stake", "ana approve → open", "ben comment"} {
				if !strings.Contains(body, want) {
					t.Errorf("CSV export lacks %q:\n%s", want, body)
				}
			}
		})
	}
}

func TestFourEyesPolicyOff(t *testing.T) {
	p := graph.DefaultPolicy()
	p.FourEyes = false
	s := caseServer(t, caseStores(t)["embedded"](t), p)
	s.mustUpload(caseFiles(), nil)
	var tx struct {
		FourEyes *bool `json:"four_eyes"`
	}
	s.mustJSON("GET", "/api/v1/transactions/T-C", nil, 200, &tx)
	if tx.FourEyes == nil || *tx.FourEyes {
		t.Errorf("the transaction's four_eyes: %v, want false as the policy says", tx.FourEyes)
	}
	var f graph.Flag
	s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "sold"}, 200, &f)
	if f.Status != graph.Cleared {
		t.Errorf("with four_eyes_critical off one reviewer clears: %+v", f)
	}
}

func TestReviewerIsTheKeysName(t *testing.T) {
	s := caseServer(t, caseStores(t)["embedded"](t), graph.DefaultPolicy(), withKeys(mustKeys(t)))
	s.key = testKeys[api.Investigator]
	s.mustUpload(caseFiles(), nil)
	var f graph.Flag
	// The header cannot speak for another: the key's name is the reviewer.
	s.reviewer = "someone else"
	s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "sold"}, 200, &f)
	if f.PendingClear == nil || f.PendingClear.By != "investigator" {
		t.Errorf("approval by %+v, want the key's name", f.PendingClear)
	}
	s.mustError("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "sold"}, 409, graph.ECONFLICT)
	s.key = testKeys[api.Admin]
	f = graph.Flag{}
	s.mustJSON("PATCH", "/api/v1/flags/T-C", map[string]string{"status": "cleared", "note": "checked"}, 200, &f)
	if f.Status != graph.Cleared || f.Reviewer != "admin" {
		t.Errorf("second key's clear: %+v", f)
	}
}
