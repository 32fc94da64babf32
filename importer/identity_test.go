package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/memstore"
	"github.com/hopcheck/hopcheck/importer"
)

var uploadTime = time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))

func TestParseIdentity(t *testing.T) {
	for _, c := range []struct {
		in   string
		want graph.Identity
	}{
		{"same", graph.Same}, {"SAME", graph.Same}, {"Same As", graph.Same}, {"same_as", graph.Same}, {"merge", graph.Same},
		{" Merged ", graph.Same}, {"duplicate", graph.Same}, {"=", graph.Same}, {"yes", graph.Same},
		{"not_same", graph.NotSame}, {"Not same", graph.NotSame}, {"not the same", graph.NotSame}, {"NOT_SAME_AS", graph.NotSame},
		{"different", graph.NotSame}, {"Distinct", graph.NotSame}, {"no match", graph.NotSame}, {"≠", graph.NotSame}, {"no", graph.NotSame},
	} {
		got, err := importer.ParseIdentity(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseIdentity(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "maybe", "sme", "same-ish"} {
		if got, err := importer.ParseIdentity(in); err == nil {
			t.Errorf("ParseIdentity(%q) = %q, want an error", in, got)
		} else if !strings.Contains(err.Error(), "expected same or not_same") {
			t.Errorf("ParseIdentity(%q): %v does not say what is expected", in, err)
		}
	}
}

func TestParseDecidedAt(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"2024-03-05", "2024-03-05T00:00:00Z"},
		{"2024-03-05T09:30:00Z", "2024-03-05T09:30:00Z"},
		{"2024-03-05T09:30:00+04:00", "2024-03-05T05:30:00Z"},
		{"2024-03-05T09:30:00.123+01:00", "2024-03-05T08:30:00Z"},
		{"2024-03-05 09:30:00", "2024-03-05T09:30:00Z"},
		{"2024-03-05 09:30", "2024-03-05T09:30:00Z"},
		{"2024-03-05T09:30:00+0200", "2024-03-05T07:30:00Z"},
	} {
		got, err := importer.ParseDecidedAt(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDecidedAt(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"03/05/2024", "yesterday", "2024-13-01", "2024-03-05T25:00:00Z"} {
		if got, err := importer.ParseDecidedAt(in); err == nil {
			t.Errorf("ParseDecidedAt(%q) = %q, want an error", in, got)
		}
	}
}

// identityLookup holds the entities decisions name, and stored decisions.
func identityLookup(ds ...graph.Decision) *memLookup {
	m := newLookup(
		graph.Entity{ID: "acme-1", Kind: graph.Organization, Name: "Acme Technologies Co., Ltd.", Country: "CN"},
		graph.Entity{ID: "acme-2", Kind: graph.Organization, Name: "Acme Technologies", Country: "CN"},
		graph.Entity{ID: "acme-3", Kind: graph.Organization, Name: "Acme Tech Group", Country: "HK"},
		graph.Entity{ID: "orion", Kind: graph.Organization, Name: "Orion Systems", Country: "AE"},
	)
	m.decisions = ds
	return m
}

func TestIdentityRows(t *testing.T) {
	stored := graph.NewDecision("acme-1", "acme-3", graph.NotSame)
	stored.DecidedBy, stored.DecidedAt = "carol", "2024-01-01T00:00:00Z"
	for _, c := range []struct {
		name   string
		stored []graph.Decision
		lines  []string
		want   []graph.Decision // A, B, Identity, DecidedBy, DecidedAt, Note; Source.Row
		errors []string         // substrings of the report's error lines, in order
	}{{
		name:  "ids, in either order, and names",
		lines: []string{"a,b,decision,note,decided_by,decided_at", "acme-2,acme-1,same,same reg no,alice,2024-03-05", "Orion Systems,acme-3,different,,,"},
		want: []graph.Decision{
			{A: "acme-1", B: "acme-2", Identity: graph.Same, Note: "same reg no", DecidedBy: "alice", DecidedAt: "2024-03-05T00:00:00Z", Source: graph.Source{Row: 2}},
			{A: "acme-3", B: "orion", Identity: graph.NotSame, DecidedBy: "uploader", DecidedAt: "2026-12-01T09:00:00Z", Source: graph.Source{Row: 3}},
		},
	}, {
		name:  "synonym headers",
		lines: []string{"Entity 1;Duplicate of;Verdict;Why;Reviewer;When", "acme-1;acme-2;merge;;dave;2024-03-05T10:00:00+01:00"},
		want:  []graph.Decision{{A: "acme-1", B: "acme-2", Identity: graph.Same, DecidedBy: "dave", DecidedAt: "2024-03-05T09:00:00Z", Source: graph.Source{Row: 2}}},
	}, {
		name:   "a name that is ambiguous, and one that names nothing",
		lines:  []string{"a,b,decision", "Acme Technologies,orion,same", "acme-1,Zeta Holdings,same"},
		errors: []string{`row 2 column A (a): "Acme Technologies" is ambiguous: it names 2 entities: acme-1 (Acme Technologies Co., Ltd., CN); acme-2 (Acme Technologies, CN)`, `row 3 column B (b): "Zeta Holdings" names no entity`},
	}, {
		name:   "required columns and bad values",
		lines:  []string{"a,b,decision,decided_at", ",acme-1,same,", "acme-1,,same,", "acme-1,acme-2,,", "acme-1,acme-2,perhaps,", "acme-1,acme-2,same,03/05/2024"},
		errors: []string{"row 2 column A (a): a is required", "row 3 column B (b): b is required", "row 4 column C (decision): decision is required", `row 5 column C (decision): unknown decision "perhaps"`, `row 6 column D (decided_at): "03/05/2024" is not a date or time`},
	}, {
		name:   "an entity and itself",
		lines:  []string{"a,b,decision", "acme-3,Acme Tech Group,same"},
		errors: []string{"row 2 column B (b): a and b are both acme-3: an entity is always the same as itself"},
	}, {
		name:   "a pair decided twice differently",
		lines:  []string{"a,b,decision", "acme-1,acme-2,same", "acme-2,acme-1,not same"},
		errors: []string{`row 3: decides acme-1 and acme-2 differently from file "identity.csv" row 2`},
	}, {
		name:  "a pair stated twice alike is read once",
		lines: []string{"a,b,decision", "acme-1,acme-2,same", "acme-2,acme-1,same as"},
		want:  []graph.Decision{{A: "acme-1", B: "acme-2", Identity: graph.Same, DecidedBy: "uploader", DecidedAt: "2026-12-01T09:00:00Z", Source: graph.Source{Row: 2}}},
	}, {
		name:   "a contradiction within the upload names the not_same row",
		lines:  []string{"a,b,decision", "acme-1,acme-2,same", "acme-2,orion,same", "acme-1,orion,not_same"},
		errors: []string{"row 4: identity decisions contradict each other: acme-1 and orion are decided not the same, but same decisions join them (acme-1 = acme-2 = orion)"},
	}, {
		name:   "a contradiction with a stored decision names the same row that joins the pair",
		stored: []graph.Decision{stored},
		lines:  []string{"a,b,decision", "acme-1,acme-2,same", "acme-2,acme-3,same"},
		errors: []string{"row 3: identity decisions contradict each other: acme-1 and acme-3 are decided not the same, but same decisions join them (acme-1 = acme-2 = acme-3)"},
	}, {
		name:   "replacing a stored decision is no contradiction",
		stored: []graph.Decision{stored},
		lines:  []string{"a,b,decision,decided_by,decided_at", "acme-3,acme-1,same,erin,2024-05-01"},
		want:   []graph.Decision{{A: "acme-1", B: "acme-3", Identity: graph.Same, DecidedBy: "erin", DecidedAt: "2024-05-01T00:00:00Z", Source: graph.Source{Row: 2}}},
	}, {
		name:   "restating a stored decision without a time keeps its time",
		stored: []graph.Decision{stored},
		lines:  []string{"a,b,decision,decided_by", "acme-3,acme-1,not_same,carol"},
		want:   []graph.Decision{{A: "acme-1", B: "acme-3", Identity: graph.NotSame, DecidedBy: "carol", DecidedAt: "2024-01-01T00:00:00Z", Source: graph.Source{Row: 2}}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			u, rep := mustRead(t, identityLookup(c.stored...), importer.Options{Uploader: "uploader", Now: uploadTime}, csvFile("identity.csv", c.lines...))
			if len(c.errors) > 0 {
				if !rep.Rejected || len(rep.Errors) != len(c.errors) {
					t.Fatalf("want %d errors, got:\n%s", len(c.errors), text(rep))
				}
				for i, want := range c.errors {
					if got := rep.Errors[i].String(); !strings.Contains(got, want) {
						t.Errorf("error %d:\n got %s\nwant %s", i, got, want)
					}
				}
				return
			}
			mustClean(t, rep)
			if rep.Contents.Decisions != len(c.want) || len(u.Decisions) != len(c.want) {
				t.Fatalf("decisions %+v (contents %d), want %d", u.Decisions, rep.Contents.Decisions, len(c.want))
			}
			for i, want := range c.want {
				got := u.Decisions[i]
				if got.Source.File != "identity.csv" || got.Source.Upload != u.ID {
					t.Errorf("decision %d source %+v", i, got.Source)
				}
				want.Source.File, want.Source.Upload = got.Source.File, got.Source.Upload
				if got != want {
					t.Errorf("decision %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

func TestIdentityFixture(t *testing.T) {
	var files []importer.File
	for _, name := range []string{"Organizations.csv", "Entity resolution.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", "identity", name))
		must(t, err)
		files = append(files, importer.File{Name: name, Data: data})
	}
	s, err := memstore.Open(t.TempDir())
	must(t, err)
	defer s.Close()
	ctx := context.Background()
	rep, err := importer.Import(ctx, s, files, importer.Options{Uploader: "compliance", Now: uploadTime})
	must(t, err)
	mustClean(t, rep)
	if sk := rep.Sheets[1]; sk.Kind != string(importer.Identity) || sk.Rows != 3 {
		t.Errorf("sheet %+v, want identity with 3 rows", sk)
	}
	if w := rep.Written; w == nil || w.Decisions.Created != 3 {
		t.Fatalf("written %+v", rep.Written)
	}
	ds, err := s.Decisions(ctx)
	must(t, err)
	type got struct {
		a, b         string
		i            graph.Identity
		by, at, note string
		sheet        string
		row          int
	}
	want := []got{
		{"acme-1", "acme-2", graph.Same, "alice", "2024-03-05T00:00:00Z", "same registration number 91440300", "Entity resolution.csv", 2},
		{"acme-2", "dahua-1", graph.NotSame, "compliance", "2026-12-01T09:00:00Z", "", "Entity resolution.csv", 4},
		{"orion-1", "orion-2", graph.NotSame, "bob", "2024-03-06T05:30:00Z", "different trade licences", "Entity resolution.csv", 3},
	}
	if len(ds) != len(want) {
		t.Fatalf("stored %+v", ds)
	}
	for i, d := range ds {
		g := got{d.A, d.B, d.Identity, d.DecidedBy, d.DecidedAt, d.Note, d.Source.File, d.Source.Row}
		if g != want[i] {
			t.Errorf("decision %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
	if !strings.Contains(text(rep), "written identity decisions: 3 created") {
		t.Errorf("report does not count the decisions:\n%s", text(rep))
	}

	// The same files again, an hour later: nothing changes, the blank
	// decided_at included.
	rep, err = importer.Import(ctx, s, files, importer.Options{Uploader: "compliance", Now: uploadTime.Add(time.Hour)})
	must(t, err)
	mustClean(t, rep)
	if w := rep.Written; w == nil || w.Any() || w.Decisions.Unchanged != 3 {
		t.Errorf("re-import wrote %+v", rep.Written)
	}
}

func TestIdentityDecidedPairIsNoPossibleDuplicate(t *testing.T) {
	files := []importer.File{csvFile("Organizations.csv", "id,name,country", "a-1,Orion Tech Holdings,CN", "a-2,Orion Tech Holding,CN")}
	_, rep := mustRead(t, nil, importer.Options{}, files...)
	if !strings.Contains(text(rep), "possible duplicate") {
		t.Fatalf("no possible duplicate warned without a decision:\n%s", text(rep))
	}
	files = append(files, csvFile("identity.csv", "a,b,decision", "a-1,a-2,not_same"))
	_, rep = mustRead(t, nil, importer.Options{}, files...)
	mustClean(t, rep)
	if strings.Contains(text(rep), "possible duplicate") {
		t.Errorf("a pair decided not the same is warned about:\n%s", text(rep))
	}
}

func TestTemplateHasIdentitySheet(t *testing.T) {
	if got := strings.Join(importer.TemplateHeaders(importer.Identity), ","); got != "a*,b*,decision*,note,decided_by,decided_at" {
		t.Errorf("identity headers %s", got)
	}
	if k, ok := importer.KindOf("Identity"); !ok || k.Table != importer.Identity {
		t.Errorf("KindOf(Identity) = %+v, %v", k, ok)
	}
}

func TestReportCause(t *testing.T) {
	rep := &importer.Report{Upload: "u-1"}
	if got := rep.Cause("alice"); got != "upload u-1 by alice" {
		t.Errorf("%q", got)
	}
	rep.Written = &graph.WriteResult{Decisions: graph.Changes{Created: 1, Updated: 1, Unchanged: 5}}
	if got := rep.Cause(""); got != "upload u-1 (2 identity decisions)" {
		t.Errorf("%q", got)
	}
	rep.Written.Decisions = graph.Changes{Updated: 1}
	if got := rep.Cause("bob"); got != "upload u-1 by bob (1 identity decision)" {
		t.Errorf("%q", got)
	}
}

// TestIdentitySheetInWorkbook reads an Identity sheet of a workbook with
// an Excel date cell for decided_at.
func TestIdentitySheetInWorkbook(t *testing.T) {
	data := mustXLSX(t, sheetData{name: "Identity decisions", rows: [][]any{
		{"A*", "B*", "Decision*", "Note", "Decided by", "Decided at"},
		{"acme-1", "acme-2", "same", "=reg no", "alice", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)},
	}})
	u, rep := mustRead(t, identityLookup(), importer.Options{Uploader: "uploader", Now: uploadTime}, importer.File{Name: "book.xlsx", Data: data})
	mustClean(t, rep)
	if len(u.Decisions) != 1 || u.Decisions[0].DecidedAt != "2024-03-05T00:00:00Z" || u.Decisions[0].Note != "=reg no" ||
		u.Decisions[0].Source.Sheet != "Identity decisions" || u.Decisions[0].Source.Row != 2 {
		t.Errorf("decisions %+v", u.Decisions)
	}
}

func TestResolveReferences(t *testing.T) {
	l := identityLookup()
	ids, err := importer.ResolveReferences(context.Background(), l, "acme-2", "Orion Systems LLC", " acme-3 ")
	if err != nil || strings.Join(ids, " ") != "acme-2 orion acme-3" {
		t.Errorf("ids %v, %v", ids, err)
	}
	for _, c := range []struct{ ref, want string }{
		{"Acme Technologies", `"Acme Technologies" is ambiguous: it names 2 entities: acme-1 (Acme Technologies Co., Ltd., CN); acme-2 (Acme Technologies, CN); use the id`},
		{"Zeta Holdings", `"Zeta Holdings" names no entity`},
		{"government:IR", `"government:IR" names the government body gov-IR, which is not stored yet`},
	} {
		_, err := importer.ResolveReferences(context.Background(), l, "acme-3", c.ref)
		if graph.ErrorCode(err) != graph.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want EINVALID saying %s", c.ref, err, c.want)
		}
	}
}

// TestReferenceToOneParty: a name that several records of one SAME_AS
// cluster answer to names that party, with a warning naming the cluster;
// without the decision it is ambiguous.
func TestReferenceToOneParty(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	src := graph.Source{Upload: "u-0", File: "lists.csv", Row: 2}
	if _, err := s.Apply(ctx, graph.Upload{ID: "u-0", Entities: []graph.Entity{
		{ID: "twin-b", Kind: graph.Organization, Name: "Twin Trading LLC", Source: src},
		{ID: "twin-a", Kind: graph.Organization, Name: "Twin Trading", Source: src},
	}}, nil); err != nil {
		t.Fatal(err)
	}
	ledger := []importer.File{csvFile("transactions.csv", "id,date,buyer", "T-1,2024-03-01,Twin Trading")}
	_, rep, err := importer.Read(ctx, s, ledger, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "is ambiguous") {
		t.Fatalf("before the decision: %+v, want the reference ambiguous", rep.Errors)
	}
	d := graph.NewDecision("twin-a", "twin-b", graph.Same)
	d.DecidedBy, d.DecidedAt, d.Source = "alice", "2024-05-01T10:00:00Z", src
	if _, err := s.Apply(ctx, graph.Upload{ID: "u-1", Decisions: []graph.Decision{d}}, nil); err != nil {
		t.Fatal(err)
	}
	u, rep, err := importer.Read(ctx, s, ledger, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) != 0 || len(u.Transactions) != 1 || u.Transactions[0].Buyer != "twin-a" {
		t.Fatalf("after twin-a = twin-b: errors %+v, transactions %+v; want T-1 bound to twin-a", rep.Errors, u.Transactions)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Message, "2 records of one party (identity cluster twin-a: twin-a, twin-b)") {
		t.Errorf("warnings %+v, want one naming the cluster", rep.Warnings)
	}
}
