package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/hopcheck/hopcheck/api"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

func TestHealthAndErrors(t *testing.T) {
	s := mustServer(t, false)
	s.mustJSON("GET", "/healthz", nil, 200, nil)
	s.mustJSON("GET", "/readyz", nil, 200, nil)
	s.mustError("GET", "/api/v1/nothing-here", nil, 404, graph.ENOTFOUND)
	s.mustError("GET", "/api/v1/entities/NOPE", nil, 404, graph.ENOTFOUND)
	s.mustError("GET", "/api/v1/entities", nil, 400, graph.EINVALID)
}

// brokenStore is a store that cannot be reached.
type brokenStore struct{ graph.Store }

func (brokenStore) Stats(ctx context.Context) (graph.Stats, error) {
	return graph.Stats{}, graph.Errorf(graph.EUNAVAILABLE, "neo4j at bolt://db:7687 is not reachable")
}

func (brokenStore) Flags(ctx context.Context, f graph.FlagFilter) ([]graph.Flag, int, error) {
	return nil, 0, context.DeadlineExceeded // no code: internal
}

func TestStoreUnavailable(t *testing.T) {
	s := mustServer(t, false, func(d *api.Deps) { d.Store = brokenStore{d.Store} })
	s.mustError("GET", "/readyz", nil, 503, graph.EUNAVAILABLE)
	e := s.mustError("GET", "/api/v1/stats", nil, 503, graph.EUNAVAILABLE)
	if !strings.Contains(e.Error.Message, "not reachable") {
		t.Errorf("unavailable message: %q", e.Error.Message)
	}
	// An error without a code is a 500 that says nothing of internals.
	e = s.mustError("GET", "/api/v1/flags", nil, 500, graph.EINTERNAL)
	if e.Error.Message != "internal error" {
		t.Errorf("internal error message leaks: %q", e.Error.Message)
	}
}

// A nil evaluator makes screening panic: the answer is still a JSON error.
func TestPanicIsJSON500(t *testing.T) {
	s := mustServer(t, true, func(d *api.Deps) { d.Evaluator = nil })
	e := s.mustError("POST", "/api/v1/screen", map[string]string{"name": "Cypra"}, 500, graph.EINTERNAL)
	if e.Error.Message != "internal error" {
		t.Errorf("panic message: %q", e.Error.Message)
	}
	s.mustJSON("GET", "/healthz", nil, 200, nil) // still serving
}

func TestBodyLimit(t *testing.T) {
	s := mustServer(t, true, func(d *api.Deps) { d.MaxBodyBytes = 64 })
	s.mustError("POST", "/api/v1/screen", map[string]string{"name": strings.Repeat("x", 100)}, 413, graph.ETOOLARGE)
	// A chunked body without a length is cut while reading.
	req, _ := http.NewRequest("POST", "/api/v1/screen", strings.NewReader(`{"name":"`+strings.Repeat("x", 100)+`"}`))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	if w := s.send(req); w.Code != 413 {
		t.Errorf("chunked oversize body: %d %s", w.Code, w.Body)
	}
}

func TestScreen(t *testing.T) {
	s := mustServer(t, true)
	var res exposure.Screening
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"name": "Emerald Gulf Technologies", "country": "United Arab Emirates", "date": "2024-06-01"}, 200, &res)
	if !res.Known || res.Severity != graph.High || res.Verdict != graph.Review || res.Matches[0].ID != "ORG-EMG" || len(res.Exposures) != 2 || res.Query.Country != "AE" {
		t.Errorf("screen: %+v", res)
	}
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"id": "ORG-BSI"}, 200, &res)
	if res.Severity != graph.Critical || res.Verdict != graph.Block || res.Query.Date != "2024-06-01" {
		t.Errorf("screen by id: %+v", res)
	}
	var unknown exposure.Screening
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"name": "Nobody Known At All"}, 200, &unknown)
	if unknown.Known || unknown.Verdict != graph.Unknown || len(unknown.Reasons) == 0 || unknown.Entity != nil {
		t.Errorf("unknown counterparty: %+v", unknown)
	}
	// Every match explains its score, and carries its own assessment.
	var typo exposure.Screening
	s.mustJSON("POST", "/api/v1/screen", map[string]string{"name": "Emerald Gulf Technolgies", "date": "2024-06-01"}, 200, &typo)
	if len(typo.Matches) == 0 || typo.Matches[0].ID != "ORG-EMG" || len(typo.Matches[0].Features) == 0 || typo.Matches[0].Assessment.Verdict == "" {
		t.Errorf("typo: %+v", typo)
	}
	for _, bad := range []any{
		`{"name": `, map[string]string{}, map[string]string{"name": "X", "country": "Atlantis"},
		map[string]string{"name": "X", "date": "03/04/2024"}, `["not an object"]`,
		map[string]string{"name": "X", "kind": "company"},
	} {
		s.mustError("POST", "/api/v1/screen", bad, 400, graph.EINVALID)
	}
}

func TestInvestigation(t *testing.T) {
	s := mustServer(t, true)
	var search struct {
		Matches []graph.Match `json:"matches"`
	}
	s.mustJSON("GET", "/api/v1/entities?q=cypra", nil, 200, &search)
	if len(search.Matches) == 0 || search.Matches[0].Entity.ID != "ORG-CYP" {
		t.Errorf("search cypra: %+v", search)
	}
	s.mustJSON("GET", "/api/v1/entities?q=zzzzqqq", nil, 200, &search)
	if search.Matches == nil || len(search.Matches) != 0 {
		t.Errorf("search without results must be an empty list: %+v", search)
	}

	var ent struct {
		Entity  graph.Entity         `json:"entity"`
		Links   []graph.Link         `json:"links"`
		Related map[string]graph.Ref `json:"related"`
	}
	s.mustJSON("GET", "/api/v1/entities/ORG-CYP", nil, 200, &ent)
	if ent.Entity.Name != "Cypra Trading Ltd" || len(ent.Links) < 2 || ent.Related["GOV-BY-BSH"].Name == "" {
		t.Errorf("entity: %+v", ent)
	}
	for _, l := range ent.Links {
		if l.Source.File == "" || l.Source.Row == 0 {
			t.Errorf("link without provenance: %+v", l)
		}
	}

	var sg graph.Subgraph
	s.mustJSON("GET", "/api/v1/entities/ORG-CYP/neighborhood?depth=2&types=owns", nil, 200, &sg)
	if len(sg.Entities) < 3 {
		t.Errorf("neighborhood: %+v", sg)
	}
	for _, l := range sg.Links {
		if l.Type != graph.Owns {
			t.Errorf("neighborhood types=owns returned %s", l.Type)
		}
	}
	s.mustJSON("GET", "/api/v1/entities/ORG-CYP/neighborhood?depth=3&limit=2", nil, 200, &sg)
	if !sg.Truncated || len(sg.Entities) > 2 {
		t.Errorf("neighborhood limit=2: truncated=%v, %d entities", sg.Truncated, len(sg.Entities))
	}
	s.mustError("GET", "/api/v1/entities/ORG-CYP/neighborhood?depth=9", nil, 400, graph.EINVALID)
	s.mustError("GET", "/api/v1/entities/ORG-CYP/neighborhood?types=owned", nil, 400, graph.EINVALID)
	s.mustError("GET", "/api/v1/entities/NOPE/neighborhood", nil, 404, graph.ENOTFOUND)

	var ex struct {
		Entity graph.Ref `json:"entity"`
		Date   string    `json:"date"`
		graph.Assessment
	}
	s.mustJSON("GET", "/api/v1/entities/ORG-CYP/exposure?date=2024-06-01", nil, 200, &ex)
	if ex.Severity != graph.Critical || ex.EffectiveOwnership == nil || *ex.EffectiveOwnership != 55 || ex.Date != "2024-06-01" {
		t.Errorf("exposure: %+v", ex)
	}
	s.mustError("GET", "/api/v1/entities/ORG-CYP/exposure?date=yesterday", nil, 400, graph.EINVALID)

	var tx struct {
		Transaction graph.Transaction `json:"transaction"`
		Flag        *graph.Flag       `json:"flag"`
	}
	s.mustJSON("GET", "/api/v1/transactions/T-1003", nil, 200, &tx)
	if tx.Transaction.Buyer != "ORG-CYP" || tx.Flag == nil || tx.Flag.Severity != graph.Critical {
		t.Errorf("transaction: %+v", tx)
	}
	s.mustError("GET", "/api/v1/transactions/T-0", nil, 404, graph.ENOTFOUND)

	var st graph.Stats
	s.mustJSON("GET", "/api/v1/stats", nil, 200, &st)
	if st.Transactions != 17 || st.Flags[graph.Critical] != 6 {
		t.Errorf("stats: %+v", st)
	}
	w := s.do("GET", "/api/v1/template.xlsx", nil)
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "PK") || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") {
		t.Errorf("template: %d %s", w.Code, w.Header())
	}
}

type flagPage struct {
	Flags  []graph.Flag `json:"flags"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
}

func TestFlagsAndReview(t *testing.T) {
	s := mustServer(t, true, withKeys(mustKeys(t)))
	s.key = testKeys[api.Viewer]
	var page flagPage
	s.mustJSON("GET", "/api/v1/flags?severity=critical", nil, 200, &page)
	if page.Total != 6 || len(page.Flags) != 6 {
		t.Errorf("critical flags: total %d, %d listed", page.Total, len(page.Flags))
	}
	s.mustJSON("GET", "/api/v1/flags?severity=critical&offset=4&limit=10", nil, 200, &page)
	if page.Total != 6 || len(page.Flags) != 2 || page.Offset != 4 {
		t.Errorf("critical flags from 4: total %d, %d listed", page.Total, len(page.Flags))
	}
	s.mustJSON("GET", "/api/v1/flags?country=Belarus&q=belsec", nil, 200, &page)
	if page.Total != 1 || page.Flags[0].TransactionID != "T-1002" {
		t.Errorf("flags in Belarus matching belsec: %+v", page)
	}
	for _, q := range []string{"severity=severe", "status=closed", "country=Atlantis", "limit=0", "offset=-1"} {
		s.mustError("GET", "/api/v1/flags?"+q, nil, 400, graph.EINVALID)
	}

	var f graph.Flag
	s.mustJSON("GET", "/api/v1/flags/T-1003", nil, 200, &f)
	if f.Status != graph.Open || len(f.Exposures) != 2 {
		t.Errorf("flag T-1003: %+v", f)
	}
	s.mustError("PATCH", "/api/v1/flags/T-1003", map[string]string{"status": "confirmed"}, 403, graph.EFORBIDDEN)

	s.key = testKeys[api.Investigator]
	s.mustJSON("PATCH", "/api/v1/flags/T-1003", map[string]string{"status": "confirmed", "note": "state-owned via Cyprus"}, 200, &f)
	if f.Status != graph.Confirmed || f.Reviewer != "investigator" || len(f.History) != 1 || f.History[0].By != "investigator" {
		t.Errorf("reviewed flag: %+v", f)
	}
	s.mustError("PATCH", "/api/v1/flags/T-1003", map[string]string{"status": "done"}, 400, graph.EINVALID)
	s.mustError("PATCH", "/api/v1/flags/T-9999", map[string]string{"status": "cleared", "note": "no such deal"}, 404, graph.ENOTFOUND)
	s.mustJSON("GET", "/api/v1/flags?status=confirmed", nil, 200, &page)
	if page.Total != 1 {
		t.Errorf("confirmed flags: %d", page.Total)
	}

	s.mustError("GET", "/api/v1/audit", nil, 403, graph.EFORBIDDEN)
	s.key = testKeys[api.Admin]
	var audit struct {
		Entries []graph.AuditEntry `json:"entries"`
	}
	s.mustJSON("GET", "/api/v1/audit", nil, 200, &audit)
	if len(audit.Entries) != 1 || audit.Entries[0].By != "investigator" || audit.Entries[0].Target != "T-1003" || audit.Entries[0].Action != "review" {
		t.Errorf("audit: %+v", audit.Entries)
	}
}
