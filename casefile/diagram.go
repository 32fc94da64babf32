package casefile

import (
	"strconv"
	"strings"

	"golang.org/x/text/width"

	"github.com/hopcheck/hopcheck/graph"
)

// A diagram draws a path left to right, at most perRow entities a row,
// a long path going on in the next row: every box and label keeps its
// size at any path length, so every label stays readable on paper.
const (
	perRow    = 3
	nodeW     = 170.0
	nodeH     = 72.0
	gapW      = 110.0
	rowGap    = 56.0
	margin    = 8.0
	nodeChars = 21 // characters of a name line in a box (an East Asian character counts two)
	nodeLines = 3
	edgeChars = 17
	subChars  = 24 // of the id and country line, in a smaller font
)

// Diagram is a path laid out for drawing, in points (HTML: CSS pixels).
type Diagram struct {
	Width, Height float64
	Nodes         []Node
	Edges         []Edge
}

// Node is an entity's box.
type Node struct {
	X, Y, W, H float64
	Lines      []string // the name, wrapped
	Sub        string   // id and country
	Title      string   // the full name
	Role       string   // start, end or "" (in between)
}

// Edge is a step's arrow: a polyline ending in an arrowhead, and its label.
type Edge struct {
	Points []Point
	Head   [3]Point
	Label  []string
	LX, LY float64 // the label's centre
	Across bool    // drawn from one row to the next
}

// Point is a point of a diagram.
type Point struct{ X, Y float64 }

// Layout lays out a path.
func Layout(x graph.Exposure) Diagram {
	n := len(x.Path)
	rows := (n + perRow - 1) / perRow
	cols := min(n, perRow)
	d := Diagram{Width: 2*margin + float64(cols)*nodeW + float64(max(cols-1, 0))*gapW,
		Height: 2*margin + float64(rows)*nodeH + float64(max(rows-1, 0))*rowGap}
	for i, r := range x.Path {
		nd := Node{X: margin + float64(i%perRow)*(nodeW+gapW), Y: margin + float64(i/perRow)*(nodeH+rowGap), W: nodeW, H: nodeH,
			Title: r.Name, Lines: wrap(nameOf(r), nodeChars, nodeLines), Sub: clip(r.ID, subChars)}
		if r.Country != "" {
			nd.Sub = clip(r.ID, subChars-3-textWidth(r.Country)) + " · " + r.Country
		}
		switch {
		case i == n-1 && n > 1:
			nd.Role = "end"
		case i == 0:
			nd.Role = "start"
		}
		d.Nodes = append(d.Nodes, nd)
	}
	for i, s := range x.Steps {
		if i+1 >= len(d.Nodes) {
			break
		}
		a, b := d.Nodes[i], d.Nodes[i+1]
		e := Edge{Label: edgeLabel(s)}
		if a.Y == b.Y {
			y := a.Y + a.H/2
			e.Points = []Point{{a.X + a.W, y}, {b.X - 2, y}}
			e.LX, e.LY = (a.X+a.W+b.X)/2, y
		} else {
			e.Across = true
			mid := a.Y + a.H + rowGap/2
			e.Points = []Point{{a.X + a.W/2, a.Y + a.H}, {a.X + a.W/2, mid}, {b.X + b.W/2, mid}, {b.X + b.W/2, b.Y - 2}}
			e.LX, e.LY = (a.X+b.X+b.W)/2, mid
			e.Label = []string{strings.Join(e.Label, " · ")}
		}
		e.Head = arrowHead(e.Points[len(e.Points)-2], e.Points[len(e.Points)-1])
		d.Edges = append(d.Edges, e)
	}
	return d
}

func nameOf(r graph.Ref) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}

// edgeLabel is a step in words, read in the direction walked: what the
// left entity is to the right one, then the share, role or type.
func edgeLabel(s graph.PathStep) []string {
	verb := map[graph.Step]string{
		graph.StepOwner: "owned by", graph.StepController: "controlled by", graph.StepCustomer: "supplies",
		graph.StepParent: "part of", graph.StepOffice: "officer of", graph.StepPrincipal: "agent of",
		graph.StepAssociate: "related to", graph.StepSubsidiary: "owns",
	}[s.Step]
	if verb == "" {
		verb = string(s.Type)
	}
	detail := string(s.Type)
	switch {
	case s.Type == graph.Owns && s.Percent != nil:
		detail = strconv.FormatFloat(*s.Percent, 'f', -1, 64) + "%"
	case s.Type == graph.Owns:
		detail = "share unknown"
	case s.Role != "":
		detail = s.Role
	}
	return []string{clip(verb, edgeChars), clip(detail, edgeChars)}
}

// arrowHead is the triangle at the end of the segment a→b.
func arrowHead(a, b Point) [3]Point {
	const l, w = 8.0, 4.0
	switch {
	case a.Y == b.Y && b.X >= a.X: // right
		return [3]Point{b, {b.X - l, b.Y - w}, {b.X - l, b.Y + w}}
	case a.Y == b.Y: // left
		return [3]Point{b, {b.X + l, b.Y - w}, {b.X + l, b.Y + w}}
	default: // down
		return [3]Point{b, {b.X - w, b.Y - l}, {b.X + w, b.Y - l}}
	}
}

// runeWidth counts an East Asian wide character as two.
func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// clip cuts s to at most n characters' width, ending in "…" when cut.
func clip(s string, n int) string {
	if textWidth(s) <= n {
		return s
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		if w+runeWidth(r) > n-1 {
			break
		}
		b.WriteRune(r)
		w += runeWidth(r)
	}
	return strings.TrimSpace(b.String()) + "…"
}

// wrap breaks s into at most lines lines of at most n characters' width,
// at spaces where it can, the last line clipped.
func wrap(s string, n, lines int) []string {
	var out []string
	line := ""
	flush := func() {
		if line != "" {
			out = append(out, line)
			line = ""
		}
	}
	for _, word := range strings.Fields(s) {
		for textWidth(word) > n { // a word longer than a line is cut
			if line != "" {
				flush()
			}
			cut := clip(word, n+1) // n characters and the ellipsis we drop
			cut = strings.TrimSuffix(cut, "…")
			out = append(out, cut)
			word = word[len(cut):]
		}
		switch {
		case line == "":
			line = word
		case textWidth(line)+1+textWidth(word) <= n:
			line += " " + word
		default:
			flush()
			line = word
		}
	}
	flush()
	if len(out) > lines {
		last := strings.Join(out[lines-1:], " ")
		out = append(out[:lines-1], clip(last, n))
	}
	return out
}
