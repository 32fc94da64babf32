package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// Format reads a public data format (OFAC SDN, FollowTheMoney, BODS, the
// Consolidated Screening List…) into the rows of an upload, as the
// spreadsheet reader does. Its records keep their provenance: file, line
// or record number (Source.Row), and the record's own id (Source.Evidence).
// The readers live in importer/formats; cmd passes them in Options.Formats.
type Format interface {
	// Name names the format in reports.
	Name() string
	// Detect reports whether a file is in the format, from its content.
	Detect(f File) bool
	// Read reads files detected as the format; upload is the upload id for
	// the sources. Bad records are issues; an error is for a file that
	// cannot be read at all.
	Read(ctx context.Context, upload string, files []File) (FormatRows, error)
}

// A CountryFormat is a Format whose records assess countries (Freedom in
// the World): the importer gives it the policy's country rule
// (Options.CountryRule) to derive restrictive by, as the spreadsheet
// countries path does.
type CountryFormat interface {
	Format
	WithCountryRule(graph.CountryRule) Format
}

// FormatRows is what a format reader found: the rows of an upload, the
// records read per file, and the problems of single records.
type FormatRows struct {
	graph.Upload
	Records  map[string]int // file name → records read
	Issues   []Issue        // errors: the upload is rejected
	Warnings []Issue        // records skipped or read partly
	// Implied are entities a record names but does not describe (the
	// government of a country a firm sells to, a parent company known by
	// its name): each is added only when neither the upload nor the store
	// has an entity of its id, so it never overwrites what another record
	// or upload states of it; of one id the first counts.
	Implied []graph.Entity
}

// Imply adds e to the rows' implied entities unless they have one of its id.
func (fr *FormatRows) Imply(e graph.Entity) {
	for _, have := range fr.Implied {
		if have.ID == e.ID {
			return
		}
	}
	fr.Implied = append(fr.Implied, e)
}

// ImplyGovernment adds the implicit body of the government of country
// code (SPEC §1: id gov-XX, "Government of <country>", kind government),
// stated by src, and returns its id.
func (fr *FormatRows) ImplyGovernment(code string, src graph.Source) string {
	id := GovernmentID(code)
	fr.Imply(graph.Entity{ID: id, Kind: graph.GovernmentBody, Name: "Government of " + CountryName(code),
		Country: code, BodyKind: "government", Source: src})
	return id
}

// readFormats reads the files a format claims. It returns false when no
// format claims any file (the upload is spreadsheets).
func (r *reader) readFormats(u *graph.Upload) (bool, error) {
	byFormat := map[int][]File{}
	claimed := 0
	var sheets []string
	for _, f := range r.files {
		found := false
		for i, fm := range r.opts.Formats {
			if fm.Detect(f) {
				byFormat[i] = append(byFormat[i], f)
				found, claimed = true, claimed+1
				break
			}
		}
		if !found {
			sheets = append(sheets, f.Name)
		}
	}
	if claimed == 0 {
		return false, nil
	}
	if len(sheets) > 0 {
		r.rep.errorf(Issue{Message: fmt.Sprintf("%s: spreadsheets cannot be uploaded with files in a public format (%s); upload them separately",
			strings.Join(sheets, ", "), r.opts.Formats[firstKey(byFormat)].Name())})
		return true, nil
	}
	var implied []graph.Entity
	for _, i := range sortedInts(byFormat) {
		fm := r.opts.Formats[i]
		if cf, ok := fm.(CountryFormat); ok {
			fm = cf.WithCountryRule(r.countryRule())
		}
		rows, err := fm.Read(r.ctx, r.id, byFormat[i])
		var at Issue
		switch {
		case errors.As(err, &at):
			at.Message = fm.Name() + ": " + at.Message
			r.rep.errorf(at)
			continue
		case err != nil:
			r.rep.errorf(Issue{File: byFormat[i][0].Name, Message: fmt.Sprintf("%s: %v", fm.Name(), err)})
			continue
		}
		for _, f := range byFormat[i] {
			r.rep.Sheets = append(r.rep.Sheets, SheetReport{File: f.Name, Kind: fm.Name(), Rows: rows.Records[f.Name]})
		}
		for _, is := range rows.Issues {
			r.rep.errorf(is)
		}
		for _, is := range rows.Warnings {
			r.rep.warnf(is)
		}
		u.Entities = append(u.Entities, rows.Entities...)
		u.Countries = append(u.Countries, rows.Countries...)
		u.Links = append(u.Links, rows.Links...)
		u.Transactions = append(u.Transactions, rows.Transactions...)
		u.Lists = append(u.Lists, rows.Lists...)
		u.Listings = append(u.Listings, rows.Listings...)
		implied = append(implied, rows.Implied...)
	}
	if err := r.addImplied(u, implied); err != nil {
		return true, err
	}
	return true, r.keepResolved(u)
}

// addImplied adds the implied entities that neither the upload nor the
// store has, the first of each id.
func (r *reader) addImplied(u *graph.Upload, implied []graph.Entity) error {
	have := map[string]bool{}
	for _, e := range u.Entities {
		have[e.ID] = true
	}
	for _, e := range implied {
		if have[e.ID] {
			continue
		}
		have[e.ID] = true
		if r.lookup != nil {
			_, err := r.lookup.Entity(r.ctx, e.ID)
			switch {
			case err == nil:
				continue
			case graph.ErrorCode(err) != graph.ENOTFOUND:
				return fmt.Errorf("looking up entity %q: %w", e.ID, err)
			}
		}
		u.Entities = append(u.Entities, e)
	}
	return nil
}

// keepResolved drops, with a warning, the links and listings of a format
// upload that name an entity neither the upload nor the store has (an
// FtM Ownership of an asset that is not exported, a BODS statement whose
// party is not published), and adds the countries the entities name.
func (r *reader) keepResolved(u *graph.Upload) error {
	known := map[string]bool{}
	for _, e := range u.Entities {
		known[e.ID] = true
	}
	stored := map[string]bool{}
	has := func(id string) (bool, error) {
		if known[id] {
			return true, nil
		}
		if v, ok := stored[id]; ok || r.lookup == nil {
			return v, nil
		}
		_, err := r.lookup.Entity(r.ctx, id)
		switch {
		case err == nil:
			stored[id] = true
		case graph.ErrorCode(err) == graph.ENOTFOUND:
			stored[id] = false
		default:
			return false, fmt.Errorf("looking up entity %q: %w", id, err)
		}
		return stored[id], nil
	}
	links := u.Links[:0]
	for _, l := range u.Links {
		a, err := has(l.From)
		if err != nil {
			return err
		}
		b, err := has(l.To)
		if err != nil {
			return err
		}
		if a && b && l.From != l.To {
			links = append(links, l)
			continue
		}
		r.rep.warnf(Issue{File: l.Source.File, Row: l.Source.Row,
			Message: fmt.Sprintf("%s: %s from %s to %s names an entity that is not in the upload or the store; skipped",
				l.Source.Evidence, strings.ToLower(string(l.Type)), l.From, l.To)})
	}
	u.Links = links
	listings := u.Listings[:0]
	for _, l := range u.Listings {
		ok, err := has(l.Entity)
		if err != nil {
			return err
		}
		if ok {
			listings = append(listings, l)
			continue
		}
		r.rep.warnf(Issue{File: l.Source.File, Row: l.Source.Row,
			Message: fmt.Sprintf("%s: listing of %s, which is not in the upload or the store; skipped", l.Source.Evidence, l.Entity)})
	}
	u.Listings = listings
	have := map[string]bool{}
	for _, c := range u.Countries {
		have[c.Code] = true
	}
	var codes []string
	for _, e := range u.Entities {
		if e.Country != "" && !have[e.Country] {
			have[e.Country] = true
			codes = append(codes, e.Country)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		u.Countries = append(u.Countries, graph.Country{Code: code, Name: CountryName(code), Source: graph.Source{Upload: r.id}})
	}
	return nil
}

// countryRule is the rule that derives a country's restrictive from its
// Freedom in the World status or score: the policy's, else the default.
func (r *reader) countryRule() graph.CountryRule {
	if r.opts.CountryRule != nil {
		return *r.opts.CountryRule
	}
	return graph.DefaultPolicy().CountryRule
}

func firstKey(m map[int][]File) int { return sortedInts(m)[0] }

func sortedInts(m map[int][]File) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// ColumnLetter names the column at index i (from 0) as a spreadsheet
// does: A, B, … Z, AA. The format readers name columns in issues with it.
func ColumnLetter(i int) string { return columnLetter(i) }

// Error makes an issue an error: a format reader returns one for a file it
// cannot read on, and the report keeps its file, row and column.
func (i Issue) Error() string { return i.String() }

// AddList adds list l to the rows unless they have a list of its id: the
// first record that names a list is its source.
func (fr *FormatRows) AddList(l graph.List) {
	for _, have := range fr.Lists {
		if have.ID == l.ID {
			return
		}
	}
	fr.Lists = append(fr.Lists, l)
}
