package casefile

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/mozillazg/go-unidecode"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The PDF embeds the Go fonts (Latin, Greek, Cyrillic and more; subset,
// with a Unicode map, so its text can be searched and copied). A name in
// a script they do not cover (Chinese, Arabic, …) is printed as the
// matcher reads it: transliterated to Latin letters (unidecode, as
// graph.NameKey does), and the report says so.

const (
	pageW, pageH = 595.28, 841.89 // A4 in points
	left, top    = 40.0, 40.0
	textW        = pageW - 2*left
	bottom       = pageH - 40.0
)

var goFont = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(goregular.TTF) })

// covered reports whether the embedded font has a glyph for r.
func covered(f *sfnt.Font, buf *sfnt.Buffer, r rune) bool {
	i, err := f.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// Printable returns s as the PDF prints it, and whether a character had
// to be transliterated (or, with no transliteration, replaced by "?").
func Printable(s string) (string, bool) {
	f, err := goFont()
	if err != nil {
		return s, false
	}
	var buf sfnt.Buffer
	var b strings.Builder
	changed, prevHan := false, false
	for _, r := range s {
		han := unicode.Is(unicode.Han, r)
		// Each Chinese character is a syllable: "Hua Wei", not "HuaWei".
		if b.Len() > 0 && (han || prevHan && (unicode.IsLetter(r) || unicode.IsDigit(r))) && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		prevHan = han
		switch {
		case r == '\t' || r == '\r':
			b.WriteByte(' ')
		case r < ' ':
			changed = true
		case covered(f, &buf, r):
			b.WriteRune(r)
		default:
			changed = true
			t := strings.TrimSpace(unidecode.Unidecode(string(r)))
			for _, x := range t {
				if !covered(f, &buf, x) {
					t = "?"
					break
				}
			}
			b.WriteString(t)
		}
	}
	out := b.String()
	if changed {
		out = strings.Join(strings.Fields(out), " ")
	}
	return out, changed
}

// PDF writes the case as a PDF with the content of the HTML page.
func (c Case) PDF(w io.Writer) error {
	d, err := newDoc()
	if err != nil {
		return err
	}
	d.write(c)
	if d.err != nil {
		return d.err
	}
	_, err = d.pdf.WriteTo(w)
	return err
}

type doc struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
}

func newDoc() (*doc, error) {
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if err := p.AddTTFFontData("go", goregular.TTF); err != nil {
		return nil, fmt.Errorf("case report PDF: %w", err)
	}
	if err := p.AddTTFFontData("go-bold", gobold.TTF); err != nil {
		return nil, fmt.Errorf("case report PDF: %w", err)
	}
	d := &doc{pdf: p}
	d.page()
	return d, nil
}

func (d *doc) page() {
	d.pdf.AddPage()
	d.y = top
}

func (d *doc) font(bold bool, size float64) {
	family := "go"
	if bold {
		family = "go-bold"
	}
	if err := d.pdf.SetFont(family, "", size); err != nil && d.err == nil {
		d.err = err
	}
}

// room starts a new page unless h points fit on this one.
func (d *doc) room(h float64) {
	if d.y+h > bottom {
		d.page()
	}
}

// text writes a paragraph, wrapped, at indent from the left margin.
func (d *doc) text(s string, size float64, bold bool, indent float64, gray uint8) {
	if d.err != nil {
		return
	}
	d.font(bold, size)
	d.pdf.SetTextColor(gray, gray, gray)
	defer d.pdf.SetTextColor(0, 0, 0)
	lh := size * 1.35
	for _, para := range strings.Split(s, "\n") {
		para, _ = Printable(para)
		if strings.TrimSpace(para) == "" {
			continue
		}
		lines, err := d.pdf.SplitTextWithWordWrap(para, textW-indent)
		if err != nil {
			d.err = fmt.Errorf("case report PDF: %w", err)
			return
		}
		for _, l := range lines {
			d.room(lh)
			d.pdf.SetXY(left+indent, d.y)
			if err := d.pdf.Cell(nil, l); err != nil {
				d.err = fmt.Errorf("case report PDF: %w", err)
				return
			}
			d.y += lh
		}
	}
}

func (d *doc) heading(s string) {
	d.room(60) // a heading is not left alone at the foot of a page
	d.y += 10
	d.text(s, 14, true, 0, 0)
	d.pdf.SetLineWidth(1)
	d.pdf.Line(left, d.y, left+textW, d.y)
	d.y += 6
}

func (d *doc) kv(k, v string) { d.text(k+": "+v, 10, false, 0, 0) }

func (d *doc) gap(h float64) { d.y += h }

func (d *doc) write(c Case) {
	f, tx := c.Flag, c.Transaction
	d.text("Case report: transaction "+f.TransactionID, 18, true, 0, 0)
	d.text("hopcheck · printed "+when(c.Printed)+" · data as of "+when(f.EvaluatedAt), 9, false, 0, 90)
	d.text(fmt.Sprintf("Severity %s · verdict %s · review status %s", f.Severity, f.Verdict, f.Status), 11, true, 0, 0)
	if c.transliterated() {
		d.text("Names in scripts the embedded font does not cover are printed transliterated to Latin letters, as the matcher reads them; the HTML report shows them as stated.", 9, false, 0, 90)
	}

	d.heading("Transaction")
	d.kv("Transaction", tx.ID)
	d.kv("Date", tx.Date)
	for _, p := range c.Parties {
		if p.Entity != nil {
			d.kv(p.Role, fmt.Sprintf("%s (%s%s)", p.Entity.Name, p.ID, prefixed(", ", p.Entity.Country)))
		} else {
			d.kv(p.Role, p.ID+" (not in the graph)")
		}
	}
	if tx.ShipTo != "" {
		d.kv("Ship to", tx.ShipTo)
	}
	d.kv("Product", or(tx.Product, "not stated"))
	d.kv("Capability", or(tx.Capability, "not stated"))
	d.kv("Value", money(tx.Value, tx.Currency))
	d.kv("Source", SourceText(tx.Source))

	d.heading("Verdict and reasons")
	line := fmt.Sprintf("Severity %s, verdict %s", f.Severity, f.Verdict)
	if t := f.OwnershipText(); t != "" {
		line += "; effective ownership by restrictive end-users " + t
	}
	d.text(line+".", 10, false, 0, 0)
	for _, r := range f.Reasons {
		d.text("• "+r, 10, false, 8, 0)
	}

	d.heading("Paths")
	if len(c.Paths) == 0 {
		d.text("No path: the flag rests on the reasons above (for instance the ship-to country).", 10, false, 0, 90)
	}
	steps := c.Steps()
	for i, p := range c.Paths {
		d.room(40)
		d.gap(4)
		d.text(c.PathTitle(i), 11, true, 0, 0)
		d.diagram(Layout(p.Exposure))
		for _, s := range steps {
			if s.Path != i {
				continue
			}
			d.room(45)
			d.text(fmt.Sprintf("%d. %s", s.N, StepText(c, s)), 10, false, 0, 0)
			src := s.Step.Source
			d.text(fmt.Sprintf("upload %s · file %s%s · row %d", or(src.Upload, "—"), or(src.File, "—"), prefixed(" · sheet ", src.Sheet), src.Row), 9, false, 14, 60)
			if src.Evidence != "" {
				d.text("“"+src.Evidence+"”", 9, false, 14, 60)
			}
		}
		if len(p.Exposure.Steps) == 0 {
			d.text("No step: the start entity is itself the restrictive end-user.", 10, false, 0, 90)
		}
	}

	d.heading("Entities named")
	for _, id := range sortedIDs(c.Entities) {
		e := c.Entities[id]
		d.text(fmt.Sprintf("%s — %s (%s%s)%s", e.ID, e.Name, e.Kind, prefixed(", ", e.Country), prefixed("; also ", strings.Join(e.Aliases, "; "))), 10, false, 0, 0)
		d.text(SourceText(e.Source), 9, false, 14, 60)
	}

	d.heading("Listings")
	if len(c.Listings) == 0 {
		d.text("None of the entities named is on a stored list.", 10, false, 0, 90)
	}
	for _, l := range c.Listings {
		d.text(fmt.Sprintf("%s (%s) on %s%s%s, %s to %s%s", c.Name(l.Entity), l.Entity, l.List, prefixed(", program ", l.Program),
			prefixed(", by ", l.Authority), or(l.ListedFrom, "open"), or(l.ListedTo, "open"), prefixed(": ", l.Reason)), 10, false, 0, 0)
		d.text(SourceText(l.Source), 9, false, 14, 60)
	}

	d.heading("Identity decisions")
	for _, cl := range c.Clusters {
		names := make([]string, len(cl.Members))
		for i, m := range cl.Members {
			names[i] = c.Name(m) + " (" + m + ")"
		}
		d.text(fmt.Sprintf("One party (SAME_AS cluster %s): %s.", cl.ID, strings.Join(names, ", ")), 10, false, 0, 0)
	}
	if len(c.Decisions) == 0 {
		d.text("No identity decision concerns the entities named.", 10, false, 0, 90)
	}
	for _, x := range c.Decisions {
		what := "same party"
		if x.Identity != "same" {
			what = "not the same party"
		}
		d.text(fmt.Sprintf("%s (%s) · %s (%s): %s, decided by %s at %s%s", c.Name(x.A), x.A, c.Name(x.B), x.B, what, x.DecidedBy, x.DecidedAt, prefixed(": ", x.Note)), 10, false, 0, 0)
		d.text(SourceText(x.Source), 9, false, 14, 60)
	}

	d.heading("Review history")
	line = "Status " + string(f.Status) + prefixed(", last decided by ", f.Reviewer) + "; assigned to " + or(f.Assignee, "nobody") + "."
	if pc := f.PendingClear; pc != nil {
		line += fmt.Sprintf(" Clearing approved by %s at %s (“%s”), awaiting a second reviewer.", pc.By, when(pc.At), pc.Note)
	}
	d.text(line, 10, false, 0, 0)
	if len(f.History) == 0 {
		d.text("Not reviewed yet.", 10, false, 0, 90)
	}
	for _, e := range f.History {
		d.text(fmt.Sprintf("%s · %s %s (status %s)%s", when(e.At), e.By, action(e), e.Status, prefixed(": ", e.Note)), 10, false, 0, 0)
		for _, ch := range e.Changes {
			s := ch.What + prefixed(" ", ch.Field) + prefixed(" (", ch.Link)
			if ch.Link != "" {
				s += ")"
			}
			s += ": " + or(ch.Old, "—") + " → " + or(ch.New, "—")
			if ch.Source != nil {
				s += " · " + SourceText(*ch.Source)
			}
			d.text(s, 9, false, 14, 60)
		}
	}

	d.heading("Policy and data as of")
	d.kv("Assessment last changed", when(f.EvaluatedAt))
	d.kv("Upload that last changed it", or(f.EvidenceUpload, "not known"))
	for _, kv := range PolicyLines(c.Policy) {
		d.kv(kv[0], kv[1])
	}
	d.gap(4)
	d.text("Uploads cited", 11, true, 0, 0)
	for _, u := range c.Uploads {
		if u.Job != nil {
			d.text(fmt.Sprintf("%s: %s, by %s at %s (%s)", u.ID, strings.Join(u.Job.Files, ", "), u.Job.By, when(u.Job.Created), u.Job.State), 10, false, 0, 0)
		} else {
			d.text(u.ID+": no upload job recorded (loaded from the command line or the demo)", 10, false, 0, 0)
		}
	}
}

// diagram draws a path's layout, scaled to the text width.
func (d *doc) diagram(l Diagram) {
	if d.err != nil || len(l.Nodes) == 0 {
		return
	}
	s := min(1, textW/l.Width)
	d.room(l.Height*s + 8)
	ox, oy := left, d.y
	at := func(p Point) (float64, float64) { return ox + p.X*s, oy + p.Y*s }
	p := d.pdf
	p.SetLineWidth(1)
	for _, e := range l.Edges {
		p.SetStrokeColor(27, 31, 36)
		for i := 1; i < len(e.Points); i++ {
			x1, y1 := at(e.Points[i-1])
			x2, y2 := at(e.Points[i])
			p.Line(x1, y1, x2, y2)
		}
		var tri []gopdf.Point
		for _, h := range e.Head {
			x, y := at(h)
			tri = append(tri, gopdf.Point{X: x, Y: y})
		}
		p.SetFillColor(27, 31, 36)
		p.Polygon(tri, "F")
		d.font(false, 7.5)
		for k, t := range e.Label {
			dy := -16.0
			if e.Across {
				dy = -4
				// The label sits on the line: a white ground keeps it readable.
				if pt, _ := Printable(t); pt != "" {
					if w, err := p.MeasureTextWidth(pt); err == nil {
						p.SetFillColor(255, 255, 255)
						p.RectFromUpperLeftWithStyle(ox+e.LX*s-w/2-3, oy+e.LY*s-5.5, w+6, 11, "F")
						p.SetFillColor(27, 31, 36)
					}
				}
			} else if k == 1 {
				dy = 4
			}
			d.centered(t, ox+e.LX*s, oy+e.LY*s+dy*s)
		}
	}
	for _, n := range l.Nodes {
		x, y := at(Point{n.X, n.Y})
		switch n.Role {
		case "end":
			p.SetFillColor(253, 236, 234)
			p.SetStrokeColor(179, 38, 30)
		case "start":
			p.SetFillColor(232, 240, 251)
			p.SetStrokeColor(91, 101, 112)
		default:
			p.SetFillColor(244, 246, 248)
			p.SetStrokeColor(91, 101, 112)
		}
		p.RectFromUpperLeftWithStyle(x, y, n.W*s, n.H*s, "FD")
		p.SetFillColor(0, 0, 0)
		d.font(true, 8)
		for k, t := range n.Lines {
			d.at(t, x+6*s, y+(6+float64(k)*14)*s)
		}
		d.font(false, 7)
		p.SetTextColor(91, 101, 112)
		d.at(n.Sub, x+6*s, y+(n.H-16)*s)
		p.SetTextColor(0, 0, 0)
	}
	p.SetStrokeColor(0, 0, 0)
	d.y += l.Height*s + 8
}

// at writes one line of text with its top left at x, y.
func (d *doc) at(t string, x, y float64) {
	t, _ = Printable(t)
	if t == "" || d.err != nil {
		return
	}
	d.pdf.SetXY(x, y)
	if err := d.pdf.Cell(nil, t); err != nil {
		d.err = fmt.Errorf("case report PDF: %w", err)
	}
}

// centered writes one line of text centred on x, its top at y.
func (d *doc) centered(t string, x, y float64) {
	t, _ = Printable(t)
	if t == "" || d.err != nil {
		return
	}
	w, err := d.pdf.MeasureTextWidth(t)
	if err != nil {
		d.err = fmt.Errorf("case report PDF: %w", err)
		return
	}
	d.at(t, x-w/2, y)
}
