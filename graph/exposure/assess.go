package exposure

import (
	"fmt"
	"math"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Start is a start entity of an assessment and what the path search found
// around it. Role says what it is to the transaction, in words: "buyer",
// "declared end-user", "counterparty".
type Start struct {
	Role  string
	Reach graph.Reach
}

// Assess applies SPEC §3's severity rules to the start entities of a
// transaction (the buyer, and the declared end-user if given) and its
// ship-to country (nil when none is given) on day.
func Assess(starts []Start, shipTo *graph.Country, day string, p graph.Policy) graph.Assessment {
	a := graph.Assessment{Severity: graph.None, Reasons: []string{}, Exposures: []graph.Exposure{}}
	raise := func(s graph.Severity, reason string) {
		if s.Rank() > a.Severity.Rank() {
			a.Severity = s
		}
		a.Reasons = append(a.Reasons, reason)
	}
	byEndUser := map[string]graph.Exposure{}
	for _, s := range starts {
		r := s.Reach
		who := fmt.Sprintf("%s %s%s", capitalize(s.Role), name(r.Start), clusterWords(r, r.Start.ID))
		for _, x := range r.Exposures {
			if cur, ok := byEndUser[x.EndUser.ID]; !ok || exposureLess(x, cur) {
				byEndUser[x.EndUser.ID] = x
			}
		}
		if p.Method() == graph.OFAC {
			if share, owners, ok := ofacOwnership(r.Start.ID, r.Stakes, p.OwnershipThreshold); ok {
				if a.EffectiveOwnership == nil || share > *a.EffectiveOwnership {
					a.EffectiveOwnership = &share
				}
				a.Ownership = append(a.Ownership, r.Ownership...)
				words := fmt.Sprintf("%s is %s%% owned by restrictive end-users and the entities they hold (OFAC 50%% rule): %s", who, pct(share), owners)
				if share >= p.OwnershipThreshold-1e-9 {
					raise(graph.Critical, fmt.Sprintf("%s, at or above the %s%% threshold.", words, pct(p.OwnershipThreshold)))
				} else {
					a.Reasons = append(a.Reasons, fmt.Sprintf("%s, below the %s%% threshold.", words, pct(p.OwnershipThreshold)))
				}
			}
		} else if share, ok := effectiveOwnership(r.Ownership); ok {
			if a.EffectiveOwnership == nil || share > *a.EffectiveOwnership {
				a.EffectiveOwnership = &share
			}
			a.Ownership = append(a.Ownership, r.Ownership...)
			if share >= p.OwnershipThreshold-1e-9 {
				raise(graph.Critical, fmt.Sprintf("%s is %s%% owned by restrictive end-users, at or above the %s%% threshold: %s.",
					who, pct(share), pct(p.OwnershipThreshold), ownershipWords(r.Ownership)))
			} else if share == 0 {
				a.Reasons = append(a.Reasons, fmt.Sprintf("%s is owned by restrictive end-users in unknown shares: %s.",
					who, ownershipWords(r.Ownership)))
			} else {
				a.Reasons = append(a.Reasons, fmt.Sprintf("%s is %s%% owned by restrictive end-users, below the %s%% threshold: %s.",
					who, pct(share), pct(p.OwnershipThreshold), ownershipWords(r.Ownership)))
			}
		}
		for _, x := range r.Exposures {
			listed := listedWords(r, x.EndUser.ID)
			switch {
			case x.Hops == 0:
				raise(graph.Critical, fmt.Sprintf("%s is itself a restrictive end-user%s.", who, listed))
			case contains(r.ByParent, x.EndUser.ID) && onlyParents(x):
				raise(graph.Critical, fmt.Sprintf("%s is part of restrictive end-user %s%s: %s.", who, name(x.EndUser), listed, pathWords(x)))
			case x.Hops <= 2:
				raise(graph.High, fmt.Sprintf("%s reaches restrictive end-user %s%s in %s: %s.", who, name(x.EndUser), listed, hops(x.Hops), pathWords(x)))
			default:
				raise(graph.Medium, fmt.Sprintf("%s reaches restrictive end-user %s%s in %s: %s.", who, name(x.EndUser), listed, hops(x.Hops), pathWords(x)))
			}
		}
		if p.ControlIsCritical {
			for _, id := range r.Controllers {
				raise(graph.Critical, fmt.Sprintf("%s is controlled directly by restrictive end-user %s%s (control is critical under the policy).",
					who, id, listedWords(r, id)))
			}
		}
		for _, id := range r.ByParent {
			if x, ok := shortestTo(r.Exposures, id); id != r.Start.ID && (!ok || !onlyParents(x)) {
				raise(graph.Critical, fmt.Sprintf("%s is part of restrictive end-user %s by parent links alone.", who, id))
			}
		}
	}
	if shipTo != nil && shipTo.RestrictiveOn(day) {
		as, _ := shipTo.On(day)
		reason := fmt.Sprintf("Ship-to country %s (%s) is restrictive", shipTo.Name, shipTo.Code)
		if as.Year != 0 {
			reason += fmt.Sprintf(" (assessment of %d)", as.Year)
		}
		if as.Basis != "" {
			reason += ": " + as.Basis
		}
		raise(graph.Medium, reason+".")
	}
	for _, x := range byEndUser {
		a.Exposures = append(a.Exposures, x)
	}
	SortExposures(a.Exposures)
	SortExposures(a.Ownership)
	a.Verdict = graph.VerdictOf(a.Severity)
	return a
}

// effectiveOwnership sums, over the chains, the product of the fractions
// along each chain, capped at 100 (percent). A chain with an unknown
// percent adds nothing. ok is false when there is no chain at all.
func effectiveOwnership(chains []graph.Exposure) (share float64, ok bool) {
	if len(chains) == 0 {
		return 0, false
	}
	for _, c := range chains {
		f := 1.0
		for _, s := range c.Steps {
			if s.Percent == nil {
				f = 0
				break
			}
			f *= *s.Percent / 100
		}
		share += f
	}
	share = math.Min(share*100, 100)
	return math.Round(share*1e6) / 1e6, true
}

// ofacOwnership applies the ofac method to the stakes around start: an
// entity is held when restrictive end-users and held entities together own
// directly at least threshold percent of it (to a fixed point); the share
// of start is the sum of the direct stakes in it of restrictive end-users
// and held entities, capped at 100. ok is false when there is none.
func ofacOwnership(start string, stakes []graph.Stake, threshold float64) (share float64, owners string, ok bool) {
	restrictive := map[string]bool{}
	for _, s := range stakes {
		if s.Restrictive {
			restrictive[s.Owner] = true
		}
	}
	held := map[string]bool{}
	counts := func(id string) bool { return restrictive[id] || held[id] }
	for changed := true; changed; {
		changed = false
		sums := map[string]float64{}
		for _, s := range stakes {
			if counts(s.Owner) && s.Link.Percent != nil {
				sums[s.Owned] += *s.Link.Percent
			}
		}
		for id, sum := range sums {
			if !held[id] && sum >= threshold-1e-9 {
				held[id] = true
				changed = true
			}
		}
	}
	var parts []string
	for _, s := range stakes {
		if s.Owned != start || !counts(s.Owner) {
			continue
		}
		ok = true
		what := "a restrictive end-user"
		if !restrictive[s.Owner] {
			what = "held by restrictive end-users"
		}
		p := "share unknown"
		if s.Link.Percent != nil {
			share += *s.Link.Percent
			p = pct(*s.Link.Percent) + "%"
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", s.Owner, p, what))
	}
	share = math.Min(share, 100)
	return math.Round(share*1e6) / 1e6, strings.Join(parts, "; "), ok
}

// listedWords names the lists and programs that make cluster id
// restrictive (each member's, naming the member when it is not id), or is
// empty when none does (a government body).
func listedWords(r graph.Reach, id string) string {
	members := r.Clusters[id]
	var parts []string
	for _, l := range r.Listings {
		if l.Entity != id && !contains(members, l.Entity) {
			continue
		}
		w := "on list " + l.List
		if l.Entity != id {
			w = l.Entity + " " + w
		}
		if l.Program != "" {
			w += ", program " + l.Program
		}
		if l.Authority != "" {
			w += ", by " + l.Authority
		}
		if l.ListedFrom != "" {
			w += ", since " + l.ListedFrom
		}
		parts = append(parts, w)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (listed " + strings.Join(parts, "; and ") + ")"
}

// clusterWords says that cluster id is one party with other records, by
// identity decision, or is empty when it is a single entity.
func clusterWords(r graph.Reach, id string) string {
	var others []string
	for _, m := range r.Clusters[id] {
		if m != id {
			others = append(others, m)
		}
	}
	if len(others) == 0 {
		return ""
	}
	return " (one party with " + strings.Join(others, ", ") + " by identity decision)"
}

func onlyParents(x graph.Exposure) bool {
	for _, s := range x.Steps {
		if s.Step != graph.StepParent {
			return false
		}
	}
	return true
}

func shortestTo(xs []graph.Exposure, id string) (graph.Exposure, bool) {
	for _, x := range xs {
		if x.EndUser.ID == id {
			return x, true
		}
	}
	return graph.Exposure{}, false
}

func contains(ids []string, id string) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func name(r graph.Ref) string {
	if r.Name == "" {
		return r.ID
	}
	return fmt.Sprintf("%s (%s)", r.Name, r.ID)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func hops(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}

func pct(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}

// pathWords tells a path as the investigator reads it, one clause a step.
func pathWords(x graph.Exposure) string {
	parts := make([]string, len(x.Steps))
	for i, s := range x.Steps {
		parts[i] = stepWords(x.Path[i], x.Path[i+1], s)
	}
	return strings.Join(parts, "; ")
}

func stepWords(from, to graph.Ref, s graph.PathStep) string {
	a, b := from.Name, to.Name
	if a == "" {
		a = from.ID
	}
	if b == "" {
		b = to.ID
	}
	role := ""
	if s.Role != "" {
		role = " as " + s.Role
	}
	switch s.Step {
	case graph.StepOwner:
		if s.Percent != nil {
			return fmt.Sprintf("%s is %s%% owned by %s", a, pct(*s.Percent), b)
		}
		return fmt.Sprintf("%s is owned by %s (share unknown)", a, b)
	case graph.StepController:
		return fmt.Sprintf("%s is controlled by %s%s", a, b, role)
	case graph.StepCustomer:
		return fmt.Sprintf("%s supplies %s", a, b)
	case graph.StepParent:
		return fmt.Sprintf("%s is part of %s", a, b)
	case graph.StepOffice:
		return fmt.Sprintf("%s holds office in %s%s", a, b, role)
	case graph.StepPrincipal:
		return fmt.Sprintf("%s acts for %s", a, b)
	case graph.StepAssociate:
		return fmt.Sprintf("%s is related to %s%s", a, b, role)
	}
	return fmt.Sprintf("%s -[%s]- %s", a, s.Type, b)
}

func ownershipWords(chains []graph.Exposure) string {
	parts := make([]string, len(chains))
	for i, c := range chains {
		parts[i] = pathWords(c)
	}
	return strings.Join(parts, "; and ")
}
