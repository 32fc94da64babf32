package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
)

// GovernmentRef reads a reference to the government of a country,
// "government:XX" or "Government of <country>" (SPEC §1), and returns the
// country's alpha-2 code.
func GovernmentRef(s string) (string, bool) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	var rest string
	switch {
	case strings.HasPrefix(lower, "government:"):
		rest = t[len("government:"):]
	case strings.HasPrefix(lower, "government of "):
		rest = t[len("government of "):]
		if strings.HasPrefix(strings.ToLower(rest), "the ") {
			rest = rest[4:]
		}
	default:
		return "", false
	}
	code, err := ParseCountry(strings.TrimSpace(rest))
	if err != nil || code == "" {
		return "", false
	}
	return code, true
}

// GovernmentID is the id of the implicit body that stands for the
// government of a country.
func GovernmentID(code string) string { return "gov-" + code }

// government resolves x when it names the government of a country: to the
// body of that id in the upload or the store, or else to one created with
// the first row that names it.
func (r *reader) government(x *ref) (bool, error) {
	code, ok := GovernmentRef(x.value)
	if !ok {
		return false, nil
	}
	id := GovernmentID(code)
	x.id, x.kind = id, graph.GovernmentBody
	if e, ok := r.byID[id]; ok {
		x.kind = e.e.Kind
		return true, nil
	}
	if _, ok := r.govs[id]; ok {
		return true, nil
	}
	if r.lookup != nil {
		e, err := r.lookup.Entity(r.ctx, id)
		switch {
		case err == nil:
			x.kind = e.Kind
			r.govs[id] = nil
			return true, nil
		case !errors.Is(err, graph.ErrNotFound):
			return true, fmt.Errorf("looking up entity %q: %w", id, err)
		}
	}
	at := x.issue("")
	src := graph.Source{Upload: r.id, File: at.File, Sheet: at.Sheet, Row: at.Row}
	r.govs[id] = &graph.Entity{ID: id, Kind: graph.GovernmentBody, Name: "Government of " + CountryName(code),
		Country: code, BodyKind: "government", Source: src}
	r.govOrder = append(r.govOrder, id)
	if _, ok := r.countryRefs[code]; !ok {
		r.countryRefs[code] = src
	}
	return true, nil
}

// assembleGovernments adds the bodies created for government references.
func (r *reader) assembleGovernments(u *graph.Upload) {
	for _, id := range r.govOrder {
		u.Entities = append(u.Entities, *r.govs[id])
	}
}
