package exposure

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// stepsByLink indexes the links an assessment walks (its exposure and
// ownership paths) by link key; the first walk of each.
func stepsByLink(a graph.Assessment) (map[string]graph.PathStep, []string) {
	m := map[string]graph.PathStep{}
	var keys []string
	for _, xs := range [][]graph.Exposure{a.Exposures, a.Ownership} {
		for _, x := range xs {
			for _, s := range x.Steps {
				k := stepKey(s)
				if _, ok := m[k]; !ok {
					m[k] = s
					keys = append(keys, k)
				}
			}
		}
	}
	sort.Strings(keys)
	return m, keys
}

// uploadOf names the upload that changed assessment a into b: the source
// of the first link b walks (by key) that a did not walk, or walked with
// another source. "" when there is none (b walks no link, or a link
// stopped being walked).
func uploadOf(a, b graph.Assessment) string {
	was, _ := stepsByLink(a)
	now, keys := stepsByLink(b)
	for _, k := range keys {
		if s, ok := was[k]; !ok || s.Source != now[k].Source {
			return now[k].Source.Upload
		}
	}
	return ""
}

// changes says what differs between a flag's earlier assessment a and its
// current one b: severity, effective ownership, the end-users reached,
// and the links walked (added, removed, or with other values). A link no
// longer walked is looked up in the store, so that a stake ended or
// lowered says so, with the row that did it.
func (e *Evaluator) changes(ctx context.Context, a, b graph.Assessment) ([]graph.EvidenceChange, error) {
	var out []graph.EvidenceChange
	if a.Severity != b.Severity {
		out = append(out, graph.EvidenceChange{What: "severity", Old: string(a.Severity), New: string(b.Severity)})
	}
	if o, n := percentText(a.EffectiveOwnership), percentText(b.EffectiveOwnership); o != n {
		out = append(out, graph.EvidenceChange{What: "effective_ownership", Old: o, New: n})
	}
	ends := func(a graph.Assessment) map[string]string {
		m := map[string]string{}
		for _, x := range a.Exposures {
			m[x.EndUser.ID] = fmt.Sprintf("%s (%s), %d hops", x.EndUser.Name, x.EndUser.ID, x.Hops)
		}
		return m
	}
	oe, ne := ends(a), ends(b)
	for _, id := range unionKeys(oe, ne) {
		if oe[id] != ne[id] {
			out = append(out, graph.EvidenceChange{What: "end_user", Old: oe[id], New: ne[id]})
		}
	}
	was, wasKeys := stepsByLink(a)
	now, nowKeys := stepsByLink(b)
	for _, k := range nowKeys {
		n := now[k]
		src := n.Source
		o, ok := was[k]
		if !ok {
			out = append(out, graph.EvidenceChange{What: "link", Link: k, New: stepText(n), Source: &src})
			continue
		}
		for _, c := range stepFields(o, n) {
			c.Link, c.Source = k, &src
			out = append(out, c)
		}
	}
	for _, k := range wasKeys {
		if _, ok := now[k]; ok {
			continue
		}
		o := was[k]
		cur, found, err := e.link(ctx, o)
		if err != nil {
			return nil, err
		}
		if !found {
			src := o.Source
			out = append(out, graph.EvidenceChange{What: "link", Link: k, Old: stepText(o), Source: &src})
			continue
		}
		src := cur.Source
		cs := stepFields(o, graph.StepOf(o.Step, cur))
		if len(cs) == 0 {
			// The same link, no longer walked: another link changed the
			// path, or the day or the policy.
			out = append(out, graph.EvidenceChange{What: "link", Link: k, Old: stepText(o), New: "no longer on a path", Source: &src})
		}
		for _, c := range cs {
			c.Link, c.Source = k, &src
			out = append(out, c)
		}
	}
	return out, nil
}

// link returns the stored link a step walked.
func (e *Evaluator) link(ctx context.Context, s graph.PathStep) (graph.Link, bool, error) {
	ls, err := e.store.Links(ctx, s.From)
	if err != nil {
		return graph.Link{}, false, err
	}
	k := stepKey(s)
	for _, l := range ls {
		if l.Key() == k {
			return l, true, nil
		}
	}
	return graph.Link{}, false, nil
}

// stepFields compares the values of one link walked twice.
func stepFields(o, n graph.PathStep) []graph.EvidenceChange {
	var out []graph.EvidenceChange
	for _, f := range []struct{ name, o, n string }{
		{"percent", percentText(o.Percent), percentText(n.Percent)},
		{"valid_to", o.ValidTo, n.ValidTo},
	} {
		if f.o != f.n {
			out = append(out, graph.EvidenceChange{What: "link", Field: f.name, Old: f.o, New: f.n})
		}
	}
	return out
}

func stepText(s graph.PathStep) string {
	t := fmt.Sprintf("%s %s → %s", s.Type, s.From, s.To)
	if s.Percent != nil {
		t += " " + percentText(s.Percent)
	}
	return t
}

func percentText(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "%"
}

func unionKeys(a, b map[string]string) []string {
	var ks []string
	for k := range a {
		ks = append(ks, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	sort.Strings(ks)
	return ks
}

// Summary says what changed in one line: "OWNS a → b percent 30% → 35%
// (upload u, links.csv row 4); severity high → critical".
func Summary(cs []graph.EvidenceChange) string {
	if len(cs) == 0 {
		return "the paths changed"
	}
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		var b strings.Builder
		switch c.What {
		case "link":
			b.WriteString(linkText(c.Link))
			if c.Field != "" {
				b.WriteString(" " + c.Field)
			}
		case "effective_ownership":
			b.WriteString("effective ownership")
		case "end_user":
			b.WriteString("end-user")
		default:
			b.WriteString(c.What)
		}
		switch {
		case c.Old != "" && c.New != "":
			fmt.Fprintf(&b, " %s → %s", c.Old, c.New)
		case c.New != "":
			fmt.Fprintf(&b, " added: %s", c.New)
		case c.Old != "":
			fmt.Fprintf(&b, " removed: %s", c.Old)
		}
		if s := c.Source; s != nil {
			fmt.Fprintf(&b, " (upload %s, %s", s.Upload, s.File)
			if s.Sheet != "" {
				fmt.Fprintf(&b, " sheet %s", s.Sheet)
			}
			fmt.Fprintf(&b, " row %d)", s.Row)
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, "; ")
}

// linkText writes a link key (TYPE|from|to|role|valid_from) as "TYPE from → to".
func linkText(key string) string {
	p := strings.Split(key, "|")
	if len(p) < 3 {
		return key
	}
	return p[0] + " " + p[1] + " → " + p[2]
}
