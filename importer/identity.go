package importer

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hopcheck/hopcheck/graph"
)

// identityRow is a row of an identity sheet: an investigator's decision
// that a and b are one party, or two.
type identityRow struct {
	d    graph.Decision
	a, b *ref
	// atGiven and byGiven say whether the row stated decided_at and
	// decided_by, or the upload's time and uploader stand in for them.
	atGiven, byGiven bool
}

// identityNames maps the normalised ways of writing a decision to it.
var identityNames = map[string]graph.Identity{}

func init() {
	for _, n := range []string{"same", "same as", "same_as", "sameas", "is same", "one party", "identical", "match",
		"matches", "merge", "merged", "duplicate", "yes", "y", "true", "1", "=", "=="} {
		identityNames[norm(n)] = graph.Same
	}
	for _, n := range []string{"not same", "not_same", "not the same", "not same as", "not_same_as", "notsameas",
		"different", "distinct", "no match", "not a match", "nomatch", "mismatch", "separate", "two parties",
		"not duplicate", "not a duplicate", "no", "n", "false", "0", "≠", "!=", "<>"} {
		identityNames[norm(n)] = graph.NotSame
	}
}

// ParseIdentity reads an identity decision: same or not_same, or a synonym
// such as "same as", "merge", "not same" or "different".
func ParseIdentity(s string) (graph.Identity, error) {
	t := strings.TrimSpace(s)
	if i, ok := identityNames[norm(t)]; ok {
		return i, nil
	}
	return "", fmt.Errorf("unknown decision %q (expected same or not_same; also read: same as, merge, not same, different)", s)
}

// ParseDecidedAt reads when a decision was made: an ISO 8601 date
// (midnight UTC) or date and time (a time without zone is UTC), and
// returns it as RFC 3339 in UTC; a blank cell is "".
func ParseDecidedAt(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	layouts := []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700",
		"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"}
	for _, l := range layouts {
		if at, err := time.Parse(l, t); err == nil {
			return at.UTC().Format(time.RFC3339), nil
		}
	}
	return "", fmt.Errorf("%q is not a date or time (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", s)
}

func (r *reader) identityRow(c *rowCtx) {
	for _, col := range []string{"a", "b", "note", "decided_by"} {
		if i, ok := c.s.cols[col]; ok && i < len(c.cells) {
			c.cells[i] = unneutralise(c.cells[i])
		}
	}
	row := &identityRow{a: c.ref("a"), b: c.ref("b")}
	if row.a == nil {
		c.fail("a", "a is required: the id or name of one of the two entities")
	}
	if row.b == nil {
		c.fail("b", "b is required: the id or name of the other entity")
	}
	if v := c.need("decision"); v != "" {
		i, err := ParseIdentity(v)
		if err != nil {
			c.fail("decision", err.Error())
		}
		row.d.Identity = i
	}
	at, err := ParseDecidedAt(c.get("decided_at"))
	if err != nil {
		c.fail("decided_at", err.Error())
	}
	row.d.DecidedAt, row.atGiven = at, at != ""
	row.d.DecidedBy = strings.TrimSpace(c.get("decided_by"))
	row.byGiven = row.d.DecidedBy != ""
	row.d.Note = strings.TrimSpace(c.get("note"))
	row.d.Source = c.source()
	if c.bad {
		return
	}
	r.decisions = append(r.decisions, row)
}

// decisionLookup is the part of graph.Store that reads the stored
// identity decisions, which a new decision must not contradict.
type decisionLookup interface {
	Decisions(ctx context.Context) ([]graph.Decision, error)
}

// storedDecisions returns the store's identity decisions, read once; none
// when the lookup does not keep them.
func (r *reader) storedDecisions() ([]graph.Decision, error) {
	if r.stored != nil {
		return *r.stored, nil
	}
	var ds []graph.Decision
	if dl, ok := r.lookup.(decisionLookup); ok {
		var err error
		if ds, err = dl.Decisions(r.ctx); err != nil {
			return nil, fmt.Errorf("reading the stored identity decisions: %w", err)
		}
	}
	r.stored = &ds
	return ds, nil
}

// assembleDecisions adds the decisions whose entities resolved: the
// uploader and the upload's time stand in for blank decided_by and
// decided_at, except that restating a stored decision keeps its time, so
// that the same upload twice changes nothing. A pair decided twice
// differently, and a decision that contradicts the others or the stored
// ones (a not_same pair joined by same decisions), are errors naming the row.
func (r *reader) assembleDecisions(u *graph.Upload) error {
	if len(r.decisions) == 0 {
		return nil
	}
	stored, err := r.storedDecisions()
	if err != nil {
		return err
	}
	storedBy := make(map[string]graph.Decision, len(stored))
	for _, d := range stored {
		storedBy[d.Key()] = d
	}
	now := r.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	at := now.UTC().Format(time.RFC3339)
	rowOf := map[string]*identityRow{}
	for _, x := range r.decisions {
		if x.a.id == "" || x.b.id == "" {
			continue // a reference that resolved to nothing is an error already
		}
		if x.a.id == x.b.id {
			r.rep.errorf(x.b.issue(fmt.Sprintf("a and b are both %s: an entity is always the same as itself", x.a.id)))
			continue
		}
		d := graph.NewDecision(x.a.id, x.b.id, x.d.Identity)
		d.Note, d.Source = x.d.Note, x.d.Source
		d.DecidedBy, d.DecidedAt = x.d.DecidedBy, x.d.DecidedAt
		if !x.byGiven {
			d.DecidedBy = r.opts.Uploader
		}
		if !x.atGiven {
			d.DecidedAt = at
			if old, ok := storedBy[d.Key()]; ok && old.Identity == d.Identity && old.Note == d.Note && old.DecidedBy == d.DecidedBy {
				d.DecidedAt = old.DecidedAt
			}
		}
		if prev, ok := rowOf[d.Key()]; ok {
			if prev.d.Identity != d.Identity || prev.d.Note != d.Note || prev.d.DecidedBy != d.DecidedBy || prev.d.DecidedAt != d.DecidedAt {
				r.rep.errorf(Issue{File: d.Source.File, Sheet: d.Source.Sheet, Row: d.Source.Row,
					Message: fmt.Sprintf("decides %s and %s differently from %s", d.A, d.B, rowName(prev.d.Source))})
			}
			continue
		}
		x.d = d
		rowOf[d.Key()] = x
		u.Decisions = append(u.Decisions, d)
	}
	if r.rep.Rejected {
		return nil
	}
	if _, _, err := graph.MergeDecisions(stored, u.Decisions); err != nil {
		r.rep.errorf(r.contradiction(stored, u.Decisions, err))
	}
	return nil
}

// contradiction locates the error of a set of decisions that contradict
// each other at the upload's row that causes it: the not_same row whose
// pair same decisions join, or else the last same row that joins a stored
// not_same pair.
func (r *reader) contradiction(stored, upload []graph.Decision, err error) Issue {
	byKey := map[string]graph.Decision{}
	for _, d := range stored {
		byKey[d.Key()] = d
	}
	for _, d := range upload {
		byKey[d.Key()] = d
	}
	all := make([]graph.Decision, 0, len(byKey))
	for _, d := range byKey {
		all = append(all, d)
	}
	c := graph.NewClusters(all)
	msg := graph.ErrorMessage(err)
	var at *graph.Source
	for i := range upload {
		d := upload[i]
		if d.Identity == graph.NotSame && c.Clustered(d.A) && c.Of(d.A) == c.Of(d.B) {
			at = &upload[i].Source
			break
		}
	}
	if at == nil {
		for _, d := range all {
			if d.Identity != graph.NotSame || !c.Clustered(d.A) || c.Of(d.A) != c.Of(d.B) {
				continue
			}
			for i := len(upload) - 1; i >= 0; i-- {
				if upload[i].Identity == graph.Same && c.Of(upload[i].A) == c.Of(d.A) {
					at = &upload[i].Source
					break
				}
			}
			if at != nil {
				break
			}
		}
	}
	if at == nil {
		return Issue{Message: msg}
	}
	return Issue{File: at.File, Sheet: at.Sheet, Row: at.Row, Message: msg}
}

// WriteIdentityCSV writes decisions as an identity sheet that imports
// back as they are: a, b, decision, note, decided_by, decided_at. A cell
// that a spreadsheet would read as a formula (=, +, -, @) is written
// behind an apostrophe, which the identity sheet's reader takes off.
func WriteIdentityCSV(w io.Writer, ds []graph.Decision) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Identity.Columns()); err != nil {
		return err
	}
	for _, d := range ds {
		row := []string{d.A, d.B, string(d.Identity), d.Note, d.DecidedBy, d.DecidedAt}
		for i := range row {
			row[i] = neutralise(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart is what makes a spreadsheet read a cell as a formula.
const formulaStart = "=+-@\t\r"

func neutralise(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

func unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

// ResolveReferences resolves references to entities as upload rows do (an
// id, a government of a country, or a name or alias that names exactly one
// stored entity) and returns their ids in order. A reference that names
// none or several is an error (EINVALID) saying so, with the candidates.
func ResolveReferences(ctx context.Context, lookup Lookup, refs ...string) ([]string, error) {
	r := newReader(ctx, lookup, nil, Options{})
	xs := make([]*ref, len(refs))
	for i, v := range refs {
		xs[i] = &ref{value: strings.TrimSpace(v)}
	}
	for i := 0; i < len(xs); i += 2 {
		row := &identityRow{a: xs[i], b: xs[i]}
		if i+1 < len(xs) {
			row.b = xs[i+1]
		}
		r.decisions = append(r.decisions, row)
	}
	if err := r.resolve(); err != nil {
		return nil, err
	}
	if len(r.rep.Errors) > 0 {
		var msgs []string
		for _, e := range r.rep.Errors {
			msgs = append(msgs, e.Message)
		}
		return nil, graph.Errorf(graph.EINVALID, "%s", strings.Join(msgs, "; "))
	}
	ids := make([]string, len(xs))
	for i, x := range xs {
		if r.govs[x.id] != nil { // made for the reference: not stored
			return nil, graph.Errorf(graph.EINVALID, "%q names the government body %s, which is not stored yet", x.value, x.id)
		}
		ids[i] = x.id
	}
	return ids, nil
}
