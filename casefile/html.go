package casefile

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

//go:embed report.html
var reportHTML string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"source":    SourceText,
	"when":      when,
	"percent":   percentText,
	"layout":    Layout,
	"points":    points,
	"head":      func(h [3]Point) string { return points(h[:]) },
	"add":       func(a, b float64) float64 { return a + b },
	"sub":       func(a, b float64) float64 { return a - b },
	"nodeLine":  func(y float64, k int) float64 { return y + 18 + float64(k)*15 },
	"stepText":  StepText,
	"money":     money,
	"validity":  validity,
	"action":    action,
	"policy":    PolicyLines,
	"jobFiles":  func(j *graph.Job) string { return strings.Join(j.Files, ", ") },
	"pathTitle": func(c Case, i int) string { return c.PathTitle(i) },
}).Parse(reportHTML))

// HTML writes the case as a self-contained printable page: inline CSS,
// the paths as inline SVG, no script and nothing fetched.
func (c Case) HTML(w io.Writer) error {
	return page.Execute(w, c)
}

// SourceText names where a fact came from: upload, file, sheet, row.
func SourceText(s graph.Source) string {
	parts := []string{}
	if s.File != "" {
		f := s.File
		if s.Sheet != "" {
			f += ", sheet " + s.Sheet
		}
		if s.Row > 0 {
			f += ", row " + strconv.Itoa(s.Row)
		}
		parts = append(parts, f)
	}
	if s.Upload != "" {
		parts = append(parts, "upload "+s.Upload)
	}
	if len(parts) == 0 {
		return "no source recorded"
	}
	return strings.Join(parts, " · ")
}

// StepText tells a step as the investigator reads it, in entity names.
func StepText(c Case, s Step) string {
	a, b := nameOf(s.From), nameOf(s.To)
	role := ""
	if s.Step.Role != "" {
		role = " as " + s.Step.Role
	}
	var out string
	switch s.Step.Step {
	case graph.StepOwner:
		out = fmt.Sprintf("%s is owned by %s (%s)", a, b, percentText(s.Step.Percent))
	case graph.StepSubsidiary:
		out = fmt.Sprintf("%s owns %s (%s)", a, b, percentText(s.Step.Percent))
	case graph.StepController:
		out = fmt.Sprintf("%s is controlled by %s%s", a, b, role)
	case graph.StepCustomer:
		out = fmt.Sprintf("%s supplies %s", a, b)
	case graph.StepParent:
		out = fmt.Sprintf("%s is part of %s", a, b)
	case graph.StepOffice:
		out = fmt.Sprintf("%s holds office in %s%s", a, b, role)
	case graph.StepPrincipal:
		out = fmt.Sprintf("%s acts for %s", a, b)
	case graph.StepAssociate:
		out = fmt.Sprintf("%s is related to %s%s", a, b, role)
	default:
		out = fmt.Sprintf("%s %s %s", a, s.Step.Type, b)
	}
	return out + fmt.Sprintf(" — %s %s → %s%s", s.Step.Type, s.Step.From, s.Step.To, validity(s.Step.ValidFrom, s.Step.ValidTo))
}

// PathTitle heads a path: to which end-user, how many steps.
func (c Case) PathTitle(i int) string {
	p := c.Paths[i]
	x := p.Exposure
	steps := fmt.Sprintf("%d steps", x.Hops)
	if x.Hops == 1 {
		steps = "1 step"
	}
	if p.Kind == "ownership" {
		return fmt.Sprintf("Path %d: ownership chain to %s (%s)", i+1, nameOf(x.Path[len(x.Path)-1]), steps)
	}
	if x.Hops == 0 {
		return fmt.Sprintf("Path %d: %s is itself a restrictive end-user", i+1, nameOf(x.EndUser))
	}
	return fmt.Sprintf("Path %d: %s to restrictive end-user %s (%s)", i+1, nameOf(x.Path[0]), nameOf(x.EndUser), steps)
}

func percentText(p *float64) string {
	if p == nil {
		return "share unknown"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64) + "%"
}

func validity(from, to string) string {
	switch {
	case from == "" && to == "":
		return ""
	case to == "":
		return ", from " + from
	case from == "":
		return ", until " + to
	}
	return ", " + from + " to " + to
}

func when(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func money(v *float64, currency string) string {
	if v == nil {
		return "not stated"
	}
	s := strconv.FormatFloat(*v, 'f', 2, 64)
	if currency != "" {
		s += " " + currency
	}
	return s
}

// action names a history entry's action.
func action(e graph.HistoryEntry) string {
	switch e.Action {
	case "", graph.ActionReview:
		return "set " + string(e.Status)
	case graph.ActionApprove:
		return "approved clearing (first of two)"
	case graph.ActionComment:
		return "commented"
	case graph.ActionAssign:
		if e.Assignee == "" {
			return "unassigned"
		}
		return "assigned to " + e.Assignee
	case graph.ActionReopen:
		return "reopened"
	}
	return e.Action
}

// PolicyLines states the policy in force, one setting a line.
func PolicyLines(p graph.Policy) [][2]string {
	steps := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		steps[i] = string(s)
	}
	lists := "all lists"
	if p.RestrictedLists != nil {
		lists = strings.Join(p.RestrictedLists, ", ")
		if lists == "" {
			lists = "none"
		}
	}
	rule := "restrictive only where a row says so"
	if r := p.CountryRule; len(r.RestrictiveStatus) > 0 || r.RestrictiveBelow != nil {
		var parts []string
		if len(r.RestrictiveStatus) > 0 {
			parts = append(parts, "Freedom in the World status "+strings.Join(r.RestrictiveStatus, " or "))
		}
		if r.RestrictiveBelow != nil {
			parts = append(parts, "score below "+strconv.FormatFloat(*r.RestrictiveBelow, 'f', -1, 64))
		}
		rule = "restrictive where a row says so, or with a " + strings.Join(parts, ", or a ")
	}
	yes := map[bool]string{true: "yes", false: "no"}
	return [][2]string{
		{"Max hops", strconv.Itoa(p.MaxHops)},
		{"Steps walked", strings.Join(steps, ", ")},
		{"Ownership threshold", strconv.FormatFloat(p.OwnershipThreshold, 'f', -1, 64) + "%"},
		{"Ownership depth", strconv.Itoa(p.OwnershipDepth)},
		{"Ownership method", string(p.Method())},
		{"Control is critical", yes[p.ControlIsCritical]},
		{"Four eyes on clearing critical flags", yes[p.FourEyes]},
		{"Restricted lists", lists},
		{"Countries", rule},
	}
}

func points(ps []Point) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strconv.FormatFloat(p.X, 'f', 1, 64) + "," + strconv.FormatFloat(p.Y, 'f', 1, 64)
	}
	return strings.Join(parts, " ")
}
