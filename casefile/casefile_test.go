package casefile_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/casefile"
	"github.com/hopcheck/hopcheck/casefile/casefiletest"
	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
	"github.com/hopcheck/hopcheck/graph/memstore"
)

func clock() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }

func src(file string, row int, evidence string) graph.Source {
	return graph.Source{Upload: "u-case", File: file, Row: row, Evidence: evidence}
}

func pct(f float64) *float64 { return &f }

// caseUpload: the buyer, a Cyrillic name, supplies a Chinese-named
// integrator, which supplies Gamma, 30% owned by a ministry of a
// restrictive country that is also listed: a three-step path. Gamma and
// Gamma 5 were decided to be one party.
func caseUpload() graph.Upload {
	yes := true
	return graph.Upload{ID: "u-case", Files: []string{"parties.csv", "links.csv"},
		Countries: []graph.Country{{Code: "BY", Name: "Belarus", Assessments: []graph.CountryAssessment{{Restrictive: &yes, Source: src("countries.csv", 2, "")}},
			Source: src("countries.csv", 2, "")}},
		Entities: []graph.Entity{
			{ID: "GOV-1", Kind: graph.GovernmentBody, Name: "Ministry of Order", Country: "BY", Source: src("parties.csv", 2, "")},
			{ID: "ORG-A", Kind: graph.Organization, Name: "ООО Ромашка", Country: "DE", Source: src("parties.csv", 3, "")},
			{ID: "ORG-B", Kind: graph.Organization, Name: "华为技术有限公司", Country: "DE", Source: src("parties.csv", 4, "")},
			{ID: "ORG-C", Kind: graph.Organization, Name: "Gamma Systems <b>GmbH</b>", Country: "DE", Source: src("parties.csv", 5, "")},
			{ID: "ORG-C2", Kind: graph.Organization, Name: "Gamma 5 Systems", Country: "DE", Source: src("parties.csv", 6, "")},
			{ID: "ORG-S", Kind: graph.Organization, Name: "Seller Optics AG", Country: "CH", Source: src("parties.csv", 7, "")},
		},
		Links: []graph.Link{
			{Type: graph.Supplies, From: "ORG-A", To: "ORG-B", Source: src("links.csv", 2, "distribution contract 2021")},
			{Type: graph.Supplies, From: "ORG-B", To: "ORG-C", Source: src("links.csv", 3, "<script>alert(1)</script>")},
			{Type: graph.Owns, From: "GOV-1", To: "ORG-C2", Percent: pct(30), Source: src("links.csv", 4, "registry extract")},
		},
		Lists:    []graph.List{{ID: "eu_test", Name: "EU test list", Source: src("lists.csv", 2, "")}},
		Listings: []graph.Listing{{Entity: "GOV-1", List: "eu_test", Program: "BELARUS", ListedFrom: "2020-01-01", Reason: "repression", Source: src("listings.csv", 2, "")}},
		Decisions: []graph.Decision{{A: "ORG-C", B: "ORG-C2", Identity: graph.Same, DecidedBy: "ana", DecidedAt: "2024-05-01T10:00:00Z",
			Note: "same registry number", Source: src("decisions.csv", 2, "")}},
		Transactions: []graph.Transaction{{ID: "T-1", Date: "2024-04-01", Buyer: "ORG-A", Seller: "ORG-S", Product: "FaceCam 2",
			Capability: "biometric identification", Value: pct(1000), Currency: "EUR", Source: src("transactions.csv", 2, "")}},
	}
}

// mustCase stores the upload, evaluates, reviews T-1 and gathers its case.
func mustCase(t testing.TB) casefile.Case {
	t.Helper()
	ctx := context.Background()
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Apply(ctx, caseUpload(), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveJob(ctx, graph.Job{ID: "job-1", Upload: "u-case", State: graph.JobDone, Files: []string{"parties.csv", "links.csv"}, By: "ana", Created: clock()}); err != nil {
		t.Fatal(err)
	}
	p := graph.DefaultPolicy()
	ev := exposure.NewEvaluator(s, p, clock)
	if _, err := ev.Refresh(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Assign(ctx, "T-1", "ana", "boris", "please check"); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Comment(ctx, "T-1", "boris", "asked the seller for the end-user certificate"); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Review(ctx, "T-1", graph.Confirmed, "boris", "the integrator resells to Gamma"); err != nil {
		t.Fatal(err)
	}
	cs, err := casefile.Gather(ctx, s, p, clock(), []string{"T-1"})
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

func TestGather(t *testing.T) {
	c := mustCase(t)
	if c.Flag.Severity != graph.Medium || len(c.Paths) != 1 {
		t.Fatalf("flag %s with %d paths, want medium with one path: %+v", c.Flag.Severity, len(c.Paths), c.Flag.Reasons)
	}
	steps := c.Steps()
	var rows []int
	for _, s := range steps {
		rows = append(rows, s.Step.Source.Row)
	}
	if len(steps) != 3 || rows[0] != 2 || rows[1] != 3 || rows[2] != 4 {
		t.Errorf("steps from rows %v, want links.csv rows 2, 3, 4", rows)
	}
	var roles []string
	for _, p := range c.Parties {
		roles = append(roles, p.Role+"="+p.ID)
	}
	if strings.Join(roles, " ") != "Seller=ORG-S Buyer=ORG-A" {
		t.Errorf("parties %v", roles)
	}
	for _, id := range []string{"GOV-1", "ORG-A", "ORG-B", "ORG-C", "ORG-C2", "ORG-S"} {
		if _, ok := c.Entities[id]; !ok {
			t.Errorf("entity %s not named", id)
		}
	}
	if len(c.Listings) != 1 || c.Listings[0].Entity != "GOV-1" {
		t.Errorf("listings %+v", c.Listings)
	}
	if len(c.Clusters) != 1 || strings.Join(c.Clusters[0].Members, ",") != "ORG-C,ORG-C2" || len(c.Decisions) != 1 {
		t.Errorf("clusters %+v decisions %+v", c.Clusters, c.Decisions)
	}
	if len(c.Uploads) != 1 || c.Uploads[0].ID != "u-case" || c.Uploads[0].Job == nil || c.Uploads[0].Job.By != "ana" {
		t.Errorf("uploads %+v", c.Uploads)
	}
	if len(c.Flag.History) != 3 {
		t.Errorf("history %+v", c.Flag.History)
	}
}

func TestGatherUnknownFlag(t *testing.T) {
	s, err := memstore.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = casefile.Gather(context.Background(), s, graph.DefaultPolicy(), clock(), []string{"T-404"})
	if graph.ErrorCode(err) != graph.ENOTFOUND {
		t.Fatalf("err %v, want not found", err)
	}
}

// mustContain checks that text holds every want, and says which it lacks.
func mustContain(t *testing.T, what, text string, wants []string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// reportWants is what every form of the report must state.
var reportWants = []string{
	"T-1", "Seller Optics AG", "FaceCam 2", "biometric identification", "1000.00 EUR", "2024-04-01",
	"upload u-case · file links.csv · row 2", "upload u-case · file links.csv · row 3", "upload u-case · file links.csv · row 4",
	"distribution contract 2021", "registry extract",
	"eu_test", "BELARUS", "repression",
	"same registry number", "ORG-C2",
	"assigned to boris", "please check", "asked the seller for the end-user certificate", "the integrator resells to Gamma", "confirmed",
	"Ownership threshold", "u-case", "parties.csv, links.csv",
}

func TestHTML(t *testing.T) {
	c := mustCase(t)
	var b bytes.Buffer
	if err := c.HTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	mustContain(t, "HTML", html, append(reportWants, "ООО Ромашка", "华为技术有限公司", "<svg", "@media print",
		"&lt;script&gt;alert(1)&lt;/script&gt;", "Gamma Systems &lt;b&gt;GmbH&lt;/b&gt;"))
	for _, bad := range []string{"<script", "<b>GmbH", "http://", "https://", "src=", "<link"} {
		if bad == "http://" {
			html = strings.ReplaceAll(html, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		if strings.Contains(html, bad) {
			t.Errorf("HTML holds %q: not escaped, or not self-contained", bad)
		}
	}
}

func TestPDF(t *testing.T) {
	c := mustCase(t)
	var b bytes.Buffer
	if err := c.PDF(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b.Bytes()[:min(20, b.Len())])
	}
	text := casefiletest.PDFText(t, b.Bytes())
	mustContain(t, "PDF", text, append(reportWants, "ООО Ромашка", "Hua Wei Ji Zhu You Xian Gong Si supplies", "transliterated",
		"<script>alert(1)</script>", "Gamma Systems <b>GmbH</b>"))
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		changed  bool
	}{
		{"Luminar Vision GmbH", "Luminar Vision GmbH", false},
		{"ООО «Ромашка»", "ООО «Ромашка»", false},
		{"Ελληνική Εταιρεία", "Ελληνική Εταιρεία", false},
		{"Ōrion-Tech, L.L.C.", "Ōrion-Tech, L.L.C.", false},
		{"华为 Technologies", "Hua Wei Technologies", true},
		{"شركة", "shrk", true},
		{"tab\there", "tab here", false},
		{"bell\a", "bell", true},
	} {
		got, changed := casefile.Printable(tc.in)
		if changed != tc.changed || (tc.changed && !strings.HasPrefix(got, tc.want[:4])) || (!tc.changed && got != tc.want) {
			t.Errorf("Printable(%q) = %q, %v; want %q, %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
}

func TestLayout(t *testing.T) {
	ref := func(i int) graph.Ref {
		return graph.Ref{ID: "org-" + strings.Repeat("x", 5*i) + string(rune('a'+i)), Name: strings.Repeat("Very Long Company Name ", 1+i%3), Country: "DE"}
	}
	for _, n := range []int{1, 2, 3, 4, 6, 7, 12} {
		x := graph.Exposure{Hops: n - 1}
		for i := range n {
			x.Path = append(x.Path, ref(i))
			if i > 0 {
				x.Steps = append(x.Steps, graph.PathStep{Step: graph.StepOwner, Type: graph.Owns, Percent: pct(50)})
			}
		}
		d := casefile.Layout(x)
		if len(d.Nodes) != n || len(d.Edges) != n-1 {
			t.Fatalf("%d nodes: laid out %d nodes and %d edges", n, len(d.Nodes), len(d.Edges))
		}
		// Boxes keep their size whatever the length: the drawing grows in
		// rows, never wider than three boxes, so no label is shrunk.
		if d.Width > 3*170+2*110+16+1e-9 {
			t.Errorf("%d nodes: %v wide", n, d.Width)
		}
		for i, a := range d.Nodes {
			if a.X < 0 || a.Y < 0 || a.X+a.W > d.Width || a.Y+a.H > d.Height {
				t.Errorf("%d nodes: node %d outside the drawing", n, i)
			}
			for j, b := range d.Nodes[i+1:] {
				if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Errorf("%d nodes: nodes %d and %d overlap", n, i, i+1+j)
				}
			}
			if w := len([]rune(a.Sub)); w > 24 || !strings.HasSuffix(a.Sub, " · DE") {
				t.Errorf("%d nodes: node %d's id line %q is %d characters", n, i, a.Sub, w)
			}
			if len(a.Lines) == 0 || len(a.Lines) > 3 {
				t.Errorf("%d nodes: node %d has %d lines", n, i, len(a.Lines))
			}
			// Left to right within a row.
			if i > 0 && i%3 != 0 && !(d.Nodes[i-1].X < a.X && d.Nodes[i-1].Y == a.Y) {
				t.Errorf("%d nodes: node %d is not right of node %d", n, i, i-1)
			}
		}
		for i, e := range d.Edges {
			if want := (i+1)%3 == 0; e.Across != want {
				t.Errorf("%d nodes: edge %d across rows %v, want %v", n, i, e.Across, want)
			}
			if len(e.Label) == 0 || !strings.Contains(strings.Join(e.Label, " "), "50%") {
				t.Errorf("%d nodes: edge %d label %q", n, i, e.Label)
			}
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"T-1004":      "case-T-1004",
		"../etc/pass": "case-_._etc_pass",
		"ДС 2024/7":   "case-___2024_7",
		".hidden":     "case-_hidden",
	} {
		if got := casefile.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBundle(t *testing.T) {
	c := mustCase(t)
	twin := c
	twin.Flag.TransactionID = "T/1" // reads as T_1, as does the next
	third := c
	third.Flag.TransactionID = "T_1"
	for _, withPDF := range []bool{false, true} {
		var b bytes.Buffer
		if err := casefile.Bundle(&b, []casefile.Case{c, twin, third}, withPDF); err != nil {
			t.Fatal(err)
		}
		z, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
			r, _ := f.Open()
			data, _ := io.ReadAll(r)
			if strings.HasSuffix(f.Name, ".html") && !bytes.Contains(data, []byte("upload u-case · file links.csv · row 3")) {
				t.Errorf("%s lacks a step's source", f.Name)
			}
		}
		want := "case-T-1.html case-T_1.html case-T_1-2.html"
		if withPDF {
			want = "case-T-1.html case-T-1.pdf case-T_1.html case-T_1.pdf case-T_1-2.html case-T_1-2.pdf"
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("pdf %v: files %s, want %s", withPDF, got, want)
		}
	}
}

// TestOddText: whatever the rows say, the report is made and says it.
func TestOddText(t *testing.T) {
	long := strings.Repeat("x", 700)
	for name, text := range map[string]string{
		"unbroken":      long,
		"empty":         "",
		"newlines":      "line one\nline two\r\n\tindented",
		"control":       "bell\a and nul\x00 inside",
		"emoji":         "Sp👁️ Systems 🛰",
		"right to left": "شركة الاتصالات السعودية",
		"mixed":         "华为 Huawei ООО «Ромашка» Ελλάδα",
		"markup":        "<script>alert(1)</script> & \"quotes\"",
	} {
		t.Run(name, func(t *testing.T) {
			a, b := graph.Ref{ID: "A", Name: text}, graph.Ref{ID: "B-" + long[:40], Name: text, Country: "CN"}
			step := graph.PathStep{Step: graph.StepOwner, Type: graph.Owns, From: "B", To: "A", Role: text,
				Source: graph.Source{Upload: "u-1", File: text + ".csv", Sheet: text, Row: 7, Evidence: text}}
			c := casefile.Case{
				Flag: graph.Flag{TransactionID: "T-" + text, Assessment: graph.Assessment{Severity: graph.High, Verdict: graph.Review,
					Reasons:   []string{text},
					Exposures: []graph.Exposure{{EndUser: b, Hops: 1, Path: []graph.Ref{a, b}, Steps: []graph.PathStep{step}}}},
					History: []graph.HistoryEntry{{At: clock(), By: text, Action: graph.ActionComment, Status: graph.Open, Note: text}}},
				Transaction: graph.Transaction{ID: "T-" + text, Buyer: "A", Product: text},
				Entities:    map[string]graph.Entity{"A": {ID: "A", Name: text, Aliases: []string{text}}},
				Policy:      graph.DefaultPolicy(),
			}
			c.Paths = []casefile.Path{{Kind: "exposure", Exposure: c.Flag.Exposures[0]}}
			var h, p bytes.Buffer
			if err := c.HTML(&h); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(h.String(), "<script>") {
				t.Error("HTML not escaped")
			}
			if err := c.PDF(&p); err != nil {
				t.Fatal(err)
			}
			if got := casefiletest.PDFText(t, p.Bytes()); !strings.Contains(got, "row 7") {
				t.Errorf("PDF text lacks the step's row: %.300s", got)
			}
		})
	}
}

func BenchmarkPDF(b *testing.B) {
	c := mustCase(b)
	for b.Loop() {
		if err := c.PDF(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPolicyLines(t *testing.T) {
	below := 35.0
	custom := graph.DefaultPolicy()
	custom.RestrictedLists = graph.ListSet{"us_ofac_sdn", "eu_fsf"}
	custom.CountryRule = graph.CountryRule{RestrictiveBelow: &below}
	custom.FourEyes = false
	none := graph.DefaultPolicy()
	none.RestrictedLists = graph.ListSet{}
	none.CountryRule = graph.CountryRule{}
	for _, tc := range []struct {
		name string
		p    graph.Policy
		want map[string]string
	}{
		{"default", graph.DefaultPolicy(), map[string]string{"Restricted lists": "all lists", "Ownership threshold": "50%",
			"Four eyes on clearing critical flags": "yes", "Countries": "restrictive where a row says so, or with a Freedom in the World status NF"}},
		{"custom", custom, map[string]string{"Restricted lists": "us_ofac_sdn, eu_fsf", "Four eyes on clearing critical flags": "no",
			"Countries": "restrictive where a row says so, or with a score below 35"}},
		{"none", none, map[string]string{"Restricted lists": "none", "Countries": "restrictive only where a row says so"}},
	} {
		got := map[string]string{}
		for _, kv := range casefile.PolicyLines(tc.p) {
			got[kv[0]] = kv[1]
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.name, k, got[k], v)
			}
		}
	}
}
