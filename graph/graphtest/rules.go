package graphtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/exposure"
)

// XR is a restrictive country and XF a free one in every rule case.
const (
	XR = "XR"
	XF = "XF"
)

// rule is one case of SPEC §3: a graph, a transaction T on it, and the
// flag the rules must give. Exposures are written "END-USER:HOPS:id>id>…".
type rule struct {
	name      string
	build     func(b *Builder)
	tx        graph.Transaction
	severity  graph.Severity
	exposures []string
	ownership *float64
	policy    func(p *graph.Policy)
	reasons   []string // words some reason must contain
}

func chain(b *Builder, ids ...string) {
	for i := 0; i+1 < len(ids); i++ {
		b.Link(graph.Supplies, ids[i], ids[i+1])
	}
}

func buy(buyer string) graph.Transaction {
	return graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: buyer}
}

var rules = []rule{
	{name: "buyer is itself a restrictive end-user", severity: graph.Critical,
		build: func(b *Builder) { b.Gov("G", XF, Yes) }, tx: buy("G"), exposures: []string{"G:0:G"}},
	{name: "body of a restrictive country is restrictive", severity: graph.Critical,
		build: func(b *Builder) { b.Gov("G", XR, nil) }, tx: buy("G"), exposures: []string{"G:0:G"}},
	{name: "restrictive = no overrides a restrictive country", severity: graph.None,
		build: func(b *Builder) { b.Gov("G", XR, No).Org("X", XF).Link(graph.Supplies, "X", "G") }, tx: buy("X")},
	{name: "clean buyer is clear", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XF, nil).Link(graph.Supplies, "X", "G") }, tx: buy("X")},
	{name: "ownership exactly at the 50% threshold is critical", severity: graph.Critical, ownership: Pct(50),
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XF, Yes).Owns("G", "X", Pct(50)) },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "ownership just below the threshold is high by path", severity: graph.High, ownership: Pct(49.9),
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XF, Yes).Owns("G", "X", Pct(49.9)) },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "ownership summed across two governments", severity: graph.Critical, ownership: Pct(55),
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G1", XR, nil).Gov("G2", XF, Yes).Owns("G1", "X", Pct(30)).Owns("G2", "X", Pct(25))
		},
		tx: buy("X"), exposures: []string{"G1:1:X>G1", "G2:1:X>G2"}},
	{name: "ownership through a chain multiplies", severity: graph.Critical, ownership: Pct(56),
		build: func(b *Builder) {
			b.Org("X", XF).Org("H", XF).Gov("G", XR, nil).Owns("G", "H", Pct(80)).Owns("H", "X", Pct(70))
		},
		tx: buy("X"), exposures: []string{"G:2:X>H>G"}},
	{name: "cross-holdings count no node twice", severity: graph.Medium, ownership: Pct(12),
		build: func(b *Builder) {
			b.Org("X", XF).Org("A", XF).Org("B", XF).Gov("G", XR, nil).
				Owns("A", "X", Pct(40)).Owns("B", "A", Pct(50)).Owns("A", "B", Pct(50)).Owns("G", "B", Pct(60))
		},
		tx: buy("X"), exposures: []string{"G:3:X>A>B>G"}},
	{name: "ownership stops at the first restrictive owner", severity: graph.Critical, ownership: Pct(60),
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G1", XF, Yes).Gov("G2", XF, Yes).Owns("G1", "X", Pct(60)).Owns("G2", "G1", Pct(100))
		},
		tx: buy("X"), exposures: []string{"G1:1:X>G1", "G2:2:X>G1>G2"}},
	{name: "unknown percent makes a path but no share", severity: graph.High, ownership: Pct(0),
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Owns("G", "X", nil) },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "ownership is capped at 100%", severity: graph.Critical, ownership: Pct(100),
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G1", XR, nil).Gov("G2", XR, nil).Owns("G1", "X", Pct(80)).Owns("G2", "X", Pct(80))
		},
		tx: buy("X"), exposures: []string{"G1:1:X>G1", "G2:1:X>G2"}},
	{name: "a unit reaching a restrictive body by parent steps alone is critical", severity: graph.Critical,
		build: func(b *Builder) {
			b.Gov("U", XF, nil).Gov("D", XF, nil).Gov("M", XF, Yes).Link(graph.PartOf, "U", "D").Link(graph.PartOf, "D", "M")
		},
		tx: buy("U"), exposures: []string{"M:2:U>D>M"}},
	{name: "parent steps alone stay critical though a shorter mixed path exists", severity: graph.Critical,
		build: func(b *Builder) {
			b.Gov("U", XF, nil).Gov("D1", XF, nil).Gov("D2", XF, nil).Gov("M", XF, Yes).
				Link(graph.PartOf, "U", "D1").Link(graph.PartOf, "D1", "D2").Link(graph.PartOf, "D2", "M").
				Link(graph.Supplies, "U", "M")
		},
		tx: buy("U"), exposures: []string{"M:1:U>M"}},
	{name: "parent is walked forwards only", severity: graph.None,
		build: func(b *Builder) { b.Gov("U", XF, nil).Gov("M", XF, Yes).Link(graph.PartOf, "M", "U") },
		tx:    buy("U")},
	{name: "customer: supplier reaches its customer", severity: graph.High,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Supplies, "X", "G") },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "customer is walked forwards only", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Supplies, "G", "X") },
		tx:    buy("X")},
	{name: "owner is walked backwards only", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Owns("X", "G", Pct(100)) },
		tx:    buy("X")},
	{name: "controller backwards then office", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Person("P", XF).Gov("G", XR, nil).Link(graph.Controls, "P", "X").Link(graph.OfficerOf, "P", "G")
		},
		tx: buy("X"), exposures: []string{"G:2:X>P>G"}},
	{name: "principal: agent reaches its principal", severity: graph.High,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.AgentOf, "X", "G") },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "associate is walked either way", severity: graph.Medium,
		build: func(b *Builder) {
			b.Org("X", XF).Person("P", XF).Person("Q", XF).Gov("G", XR, nil).
				Link(graph.Controls, "P", "X").Link(graph.RelatedTo, "Q", "P").Link(graph.OfficerOf, "Q", "G")
		},
		tx: buy("X"), exposures: []string{"G:3:X>P>Q>G"}},
	{name: "a path of exactly max hops is medium", severity: graph.Medium,
		build: func(b *Builder) {
			b.Org("A", XF).Org("B", XF).Org("C", XF).Org("D", XF).Org("E", XF).Gov("G", XR, nil)
			chain(b, "A", "B", "C", "D", "E", "G")
		},
		tx: buy("A"), exposures: []string{"G:5:A>B>C>D>E>G"}},
	{name: "a path of max hops + 1 is not flagged", severity: graph.None,
		build: func(b *Builder) {
			b.Org("A", XF).Org("B", XF).Org("C", XF).Org("D", XF).Org("E", XF).Org("F", XF).Gov("G", XR, nil)
			chain(b, "A", "B", "C", "D", "E", "F", "G")
		},
		tx: buy("A")},
	{name: "max hops comes from the policy", severity: graph.None, policy: func(p *graph.Policy) { p.MaxHops = 2 },
		build: func(b *Builder) {
			b.Org("A", XF).Org("B", XF).Org("C", XF).Gov("G", XR, nil)
			chain(b, "A", "B", "C", "G")
		},
		tx: buy("A")},
	{name: "steps left out of the policy are not walked", severity: graph.None,
		policy: func(p *graph.Policy) { p.Steps = []graph.Step{graph.StepOwner, graph.StepParent} },
		build:  func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Supplies, "X", "G") },
		tx:     buy("X")},
	{name: "the ownership threshold comes from the policy", severity: graph.Critical, ownership: Pct(30),
		policy: func(p *graph.Policy) { p.OwnershipThreshold = 25 },
		build:  func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Owns("G", "X", Pct(30)) },
		tx:     buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "a link that ended before the transaction is not walked", severity: graph.None,
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G", XR, nil).LinkWith(graph.Link{Type: graph.Owns, From: "G", To: "X", Percent: Pct(60), ValidTo: "2024-05-31"})
		},
		tx: buy("X")},
	{name: "valid_to is inclusive", severity: graph.Critical, ownership: Pct(60),
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G", XR, nil).LinkWith(graph.Link{Type: graph.Owns, From: "G", To: "X", Percent: Pct(60), ValidTo: "2024-06-01"})
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "valid_from is inclusive", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G", XR, nil).LinkWith(graph.Link{Type: graph.Supplies, From: "X", To: "G", ValidFrom: "2024-06-01"})
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "a link that starts after the transaction is not walked", severity: graph.None,
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G", XR, nil).LinkWith(graph.Link{Type: graph.Supplies, From: "X", To: "G", ValidFrom: "2024-06-02"})
		},
		tx: buy("X")},
	{name: "ship-to a restrictive country is medium", severity: graph.Medium,
		build: func(b *Builder) { b.Org("X", XF) },
		tx:    graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", ShipTo: XR}},
	{name: "ship-to a free country is clear", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF) },
		tx:    graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", ShipTo: XF}},
	{name: "a restrictive declared end-user is critical", severity: graph.Critical,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil) },
		tx:    graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", EndUser: "G"}, exposures: []string{"G:0:G"}},
	{name: "the declared end-user's paths count", severity: graph.High,
		build: func(b *Builder) { b.Org("X", XF).Org("E", XF).Gov("G", XR, nil).Link(graph.AgentOf, "E", "G") },
		tx:    graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", EndUser: "E"}, exposures: []string{"G:1:E>G"}},
	{name: "ties between shortest paths go to the lowest ids in order", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("B", XF).Org("A", XF).Gov("G", XR, nil)
			chain(b, "X", "B", "G")
			chain(b, "X", "A", "G")
		},
		tx: buy("X"), exposures: []string{"G:2:X>A>G"}},
	{name: "every restrictive end-user is reported, through others", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Gov("G1", XR, nil).Gov("G2", XF, Yes).Org("Y", XF)
			chain(b, "X", "G1", "Y", "G2")
		},
		tx: buy("X"), exposures: []string{"G1:1:X>G1", "G2:3:X>G1>Y>G2"}},
}

// The rules of listings, yearly assessments, the ownership methods,
// control_is_critical, the subsidiary step and restricted_lists.
var listingRules = []rule{
	{name: "a listed buyer is itself a restrictive end-user", severity: graph.Critical,
		build: func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "IRAN-HR", "2023-04-12", "") },
		tx:    buy("X"), exposures: []string{"X:0:X"}, reasons: []string{"list L1, program IRAN-HR"}},
	{name: "a listing that ended before the sale does not restrict", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "P", "2010-01-01", "2024-05-31") },
		tx:    buy("X")},
	{name: "listed_to is inclusive", severity: graph.Critical,
		build: func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "P", "", "2024-06-01") },
		tx:    buy("X"), exposures: []string{"X:0:X"}},
	{name: "a listing that starts after the sale does not restrict", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "P", "2024-06-02", "") },
		tx:    buy("X")},
	{name: "a listed person reached in two steps is high", severity: graph.High,
		build: func(b *Builder) {
			b.Org("X", XF).Org("Y", XF).Person("P", XF).List("L1", "US").Listed("P", "L1", "SDGT", "", "").
				Link(graph.Supplies, "X", "Y").Link(graph.Controls, "P", "Y")
		},
		tx: buy("X"), exposures: []string{"P:2:X>Y>P"}, reasons: []string{"list L1, program SDGT"}},
	{name: "listed owners count in effective ownership", severity: graph.Critical, ownership: Pct(55),
		build: func(b *Builder) {
			b.Org("X", XF).Org("A", XF).Person("P", XF).List("L1", "US").Listed("A", "L1", "", "", "").Listed("P", "L1", "", "", "").
				Owns("A", "X", Pct(30)).Owns("P", "X", Pct(25))
		},
		tx: buy("X"), exposures: []string{"A:1:X>A", "P:1:X>P"}},
	{name: "a list the policy does not name restricts nothing", severity: graph.None,
		policy: func(p *graph.Policy) { p.RestrictedLists = graph.ListSet{"L2"} },
		build:  func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "P", "", "") },
		tx:     buy("X")},
	{name: "a list the policy names restricts", severity: graph.Critical,
		policy: func(p *graph.Policy) { p.RestrictedLists = graph.ListSet{"L2"} },
		build: func(b *Builder) {
			b.Org("X", XF).List("L1", "EU").List("L2", "US").Listed("X", "L1", "P", "", "").Listed("X", "L2", "Q", "", "")
		},
		tx: buy("X"), exposures: []string{"X:0:X"}, reasons: []string{"list L2, program Q"}},
	{name: "restricted_lists [] shows listings but restricts nothing", severity: graph.None,
		policy: func(p *graph.Policy) { p.RestrictedLists = graph.ListSet{} },
		build:  func(b *Builder) { b.Org("X", XF).List("L1", "EU").Listed("X", "L1", "P", "", "") },
		tx:     buy("X")},
	{name: "a body follows its country's assessment for the latest year not after the sale", severity: graph.Critical,
		build: func(b *Builder) { b.Assess("YR", 2020, Yes).Assess("YR", 2025, No).Gov("G", "YR", nil) },
		tx:    buy("G"), exposures: []string{"G:0:G"}},
	{name: "a later year's assessment does not apply earlier", severity: graph.None,
		build: func(b *Builder) {
			b.Assess("YR", 2020, No).Assess("YR", 2024, No).Assess("YR", 2025, Yes).Gov("G", "YR", nil)
		},
		tx: buy("G")},
	{name: "before every year the assessment without a year applies", severity: graph.Critical,
		build: func(b *Builder) { b.Assess("YR", 2025, No).Assess("YR", 0, Yes).Gov("G", "YR", nil) },
		tx:    buy("G"), exposures: []string{"G:0:G"}},
	{name: "before every year and with none without a year, the earliest applies", severity: graph.Critical,
		build: func(b *Builder) { b.Assess("YR", 2026, No).Assess("YR", 2025, Yes).Gov("G", "YR", nil) },
		tx:    buy("G"), exposures: []string{"G:0:G"}},
	{name: "ship-to follows the assessment of the sale's year", severity: graph.Medium,
		build: func(b *Builder) { b.Assess("YR", 2023, Yes).Assess("YR", 2025, No).Org("X", XF) },
		tx:    graph.Transaction{ID: "T-1", Date: "2024-06-01", Buyer: "X", ShipTo: "YR"}},
	{name: "ofac: an entity 50% held counts whole", severity: graph.Critical, ownership: Pct(50),
		policy: func(p *graph.Policy) { p.OwnershipMethod = graph.OFAC },
		build: func(b *Builder) {
			b.Org("X", XF).Org("H", XF).Gov("G", XR, nil).Owns("G", "H", Pct(50)).Owns("H", "X", Pct(50))
		},
		tx: buy("X"), exposures: []string{"G:2:X>H>G"}},
	{name: "multiply: the same chain is 25%", severity: graph.High, ownership: Pct(25),
		build: func(b *Builder) {
			b.Org("X", XF).Org("H", XF).Gov("G", XR, nil).Owns("G", "H", Pct(50)).Owns("H", "X", Pct(50))
		},
		tx: buy("X"), exposures: []string{"G:2:X>H>G"}},
	{name: "ofac: held entities and restrictive owners add up to a fixed point", severity: graph.Critical, ownership: Pct(60),
		policy: func(p *graph.Policy) { p.OwnershipMethod = graph.OFAC },
		build: func(b *Builder) {
			b.Org("X", XF).Org("A", XF).Org("B", XF).Gov("G", XR, nil).Gov("K", XF, Yes).
				Owns("G", "A", Pct(30)).Owns("K", "A", Pct(20)).Owns("A", "B", Pct(50)).Owns("B", "X", Pct(40)).Owns("K", "X", Pct(20))
		},
		tx: buy("X"), exposures: []string{"K:1:X>K", "G:3:X>B>A>G"}},
	{name: "ofac: below the threshold an owner is not held", severity: graph.High, ownership: Pct(10),
		policy: func(p *graph.Policy) { p.OwnershipMethod = graph.OFAC },
		build: func(b *Builder) {
			b.Org("X", XF).Org("A", XF).Org("B", XF).Gov("G", XR, nil).
				Owns("G", "A", Pct(49)).Owns("A", "B", Pct(100)).Owns("B", "X", Pct(100)).Owns("G", "X", Pct(10))
		},
		tx: buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "control is not critical by default", severity: graph.High,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Controls, "G", "X") },
		tx:    buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "control_is_critical: a restrictive controller makes it critical", severity: graph.Critical,
		policy: func(p *graph.Policy) { p.ControlIsCritical = true },
		build:  func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Controls, "G", "X") },
		tx:     buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "control_is_critical holds without the controller step", severity: graph.Critical,
		policy: func(p *graph.Policy) { p.ControlIsCritical = true; p.Steps = []graph.Step{graph.StepCustomer} },
		build:  func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Link(graph.Controls, "G", "X") },
		tx:     buy("X")},
	{name: "subsidiary is not walked by default", severity: graph.None,
		build: func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Owns("X", "G", Pct(100)) },
		tx:    buy("X")},
	{name: "subsidiary: owner reaches what it owns", severity: graph.High,
		policy: func(p *graph.Policy) { p.Steps = append(p.Steps, graph.StepSubsidiary) },
		build:  func(b *Builder) { b.Org("X", XF).Gov("G", XR, nil).Owns("X", "G", Pct(100)) },
		tx:     buy("X"), exposures: []string{"G:1:X>G"}},
	{name: "subsidiary and owner walk OWNS both ways", severity: graph.Medium,
		policy: func(p *graph.Policy) { p.Steps = append(p.Steps, graph.StepSubsidiary) },
		build: func(b *Builder) {
			b.Org("X", XF).Org("H", XF).Org("S", XF).Gov("G", XR, nil).Owns("H", "X", Pct(60)).Owns("H", "S", Pct(60)).Link(graph.Supplies, "S", "G")
		},
		tx: buy("X"), exposures: []string{"G:3:X>H>S>G"}},
}

func runRules(t *testing.T, newStore func(t *testing.T) graph.Store) {
	for _, r := range append(append(rules[:len(rules):len(rules)], listingRules...), identityRules...) {
		t.Run(r.name, func(t *testing.T) {
			s := newStore(t)
			b := NewBuilder("u-rules").Country(XR, Yes).Country(XF, No)
			r.build(b)
			b.Tx(r.tx)
			b.MustApply(t, s)
			p := graph.DefaultPolicy()
			if r.policy != nil {
				r.policy(&p)
			}
			ev := exposure.NewEvaluator(s, p, func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) })
			as, err := ev.Assess(context.Background(), []graph.Transaction{r.tx})
			if err != nil {
				t.Fatal(err)
			}
			a := as[0]
			if a.Severity != r.severity || a.Verdict != graph.VerdictOf(r.severity) {
				t.Errorf("severity %s, verdict %s; want %s\nreasons: %s", a.Severity, a.Verdict, r.severity, strings.Join(a.Reasons, "\n"))
			}
			if got, want := describe(a.Exposures), strings.Join(r.exposures, " "); got != want {
				t.Errorf("exposures\n got %q\nwant %q", got, want)
			}
			if got, want := fmtPct(a.EffectiveOwnership), fmtPct(r.ownership); got != want {
				t.Errorf("effective ownership %s, want %s", got, want)
			}
			if r.severity != graph.None && len(a.Reasons) == 0 {
				t.Error("a flag without reasons")
			}
			for _, w := range r.reasons {
				if !strings.Contains(strings.Join(a.Reasons, "\n"), w) {
					t.Errorf("no reason says %q:\n%s", w, strings.Join(a.Reasons, "\n"))
				}
			}
		})
	}
}

// describe writes exposures as "END-USER:HOPS:id>id>…", space separated.
func describe(xs []graph.Exposure) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		ids := make([]string, len(x.Path))
		for j, r := range x.Path {
			ids[j] = r.ID
		}
		parts[i] = fmt.Sprintf("%s:%d:%s", x.EndUser.ID, x.Hops, strings.Join(ids, ">"))
	}
	return strings.Join(parts, " ")
}

func fmtPct(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprintf("%.6f", *p)
}
