package importer

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hopcheck/hopcheck/graph"
	"github.com/hopcheck/hopcheck/graph/match"
)

// lookupBatch bounds the name keys asked of the store at once.
const lookupBatch = 1000

// resolve turns every reference into an entity id: an id in the upload or
// the store first, else a name or alias with the same NameKey, which must
// name exactly one entity.
func (r *reader) resolve() error {
	refs := make([]*ref, 0, len(r.entities)+2*len(r.links)+3*len(r.txs)+len(r.listings)+2*len(r.decisions))
	for _, e := range r.entities {
		if e.parent != nil {
			e.parent.value = strings.TrimSpace(e.parent.value)
			refs = append(refs, e.parent)
		}
	}
	for _, l := range r.links {
		refs = append(refs, l.from, l.to)
	}
	for _, t := range r.txs {
		for _, x := range []*ref{t.buyer, t.seller, t.endUser} {
			if x != nil {
				refs = append(refs, x)
			}
		}
	}
	for _, l := range r.listings {
		refs = append(refs, l.entity)
	}
	for _, d := range r.decisions {
		refs = append(refs, d.a, d.b)
	}
	total := len(refs)
	for _, x := range refs {
		if id, ok := r.opts.References[x.value]; ok {
			x.value = id
		}
	}
	// By id, in the upload.
	var pending []*ref
	for _, x := range refs {
		if ok, err := r.government(x); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if e, ok := r.byID[x.value]; ok {
			x.id, x.kind = e.e.ID, e.e.Kind
			continue
		}
		pending = append(pending, x)
	}
	r.opts.progress(Validating, total-len(pending), total)
	// By id, in the store.
	stored := map[string]*graph.Entity{}
	if r.lookup != nil {
		for _, x := range pending {
			if _, done := stored[x.value]; done {
				continue
			}
			if err := r.ctx.Err(); err != nil {
				return err
			}
			e, err := r.lookup.Entity(r.ctx, x.value)
			switch {
			case err == nil:
				stored[x.value] = &e
			case errors.Is(err, graph.ErrNotFound):
				stored[x.value] = nil
			default:
				return fmt.Errorf("looking up entity %q: %w", x.value, err)
			}
		}
	}
	var byName []*ref
	for _, x := range pending {
		if e := stored[x.value]; e != nil {
			x.id, x.kind = e.ID, e.Kind
			continue
		}
		byName = append(byName, x)
	}
	// By name: the upload's names and aliases, and the store's.
	var upload map[string][]*graph.Entity
	if len(byName) > 0 {
		upload = r.nameIndex()
	}
	keys := map[string]bool{}
	for _, x := range byName {
		keys[graph.NameKey(x.value)] = true
	}
	storeByKey, err := r.entitiesByName(sortedKeys(keys))
	if err != nil {
		return err
	}
	for i, x := range byName {
		if i%1000 == 0 {
			r.opts.progress(Validating, total-len(byName)+i, total)
		}
		key := graph.NameKey(x.value)
		cands := map[string]graph.Entity{}
		for _, e := range upload[key] {
			cands[e.ID] = *e
		}
		for _, e := range storeByKey[key] {
			if _, ok := cands[e.ID]; !ok {
				cands[e.ID] = e
			}
		}
		switch len(cands) {
		case 0:
			is := x.issue(fmt.Sprintf("%q names no entity: no id or name matches it in this upload or in the store", x.value))
			// Suggestions for as many references as the report lists errors:
			// each is a search.
			if r.suggested < r.lim.MaxErrors {
				r.suggested++
				if is.Suggestions, err = r.suggest(x.value); err != nil {
					return err
				}
			}
			if len(is.Suggestions) > 0 {
				var said []string
				for _, s := range is.Suggestions {
					said = append(said, fmt.Sprintf("%s (%s, score %.2f)", s.Name, s.ID, s.Score))
				}
				is.Message += "; did you mean " + strings.Join(said, ", or ") + "?"
			}
			r.rep.errorf(is)
		case 1:
			for _, e := range cands {
				x.id, x.kind = e.ID, e.Kind
			}
		default:
			ids := sortedKeys(cands)
			clusters, err := r.storedClusters()
			if err != nil {
				return err
			}
			if c := clusters.Of(ids[0]); clusters.Clustered(ids[0]) && allIn(clusters, ids, c) {
				// Records of one party (SAME_AS): the reference names it.
				x.id, x.kind = ids[0], cands[ids[0]].Kind
				r.rep.warnf(x.issue(fmt.Sprintf("%q names %d records of one party (identity cluster %s: %s): bound to %s", x.value, len(ids), c,
					strings.Join(clusters.Members(c), ", "), ids[0])))
				continue
			}
			var list []string
			for _, id := range ids {
				list = append(list, describe(cands[id]))
			}
			r.rep.errorf(x.issue(fmt.Sprintf("%q is ambiguous: it names %d entities: %s; use the id", x.value, len(ids), strings.Join(list, "; "))))
		}
	}
	r.opts.progress(Validating, total, total)
	for _, e := range r.entities {
		if p := e.parent; p != nil && p.id != "" {
			switch {
			case p.kind != graph.GovernmentBody:
				r.rep.errorf(p.issue(fmt.Sprintf("parent %q is %s, not a government body", p.value, describeKind(p.kind))))
			case p.id == e.e.ID:
				r.rep.errorf(p.issue("a government body cannot be its own parent"))
			}
		}
	}
	r.parentLoops()
	for _, l := range r.links {
		if l.from.id != "" && l.from.id == l.to.id {
			r.rep.errorf(l.to.issue(fmt.Sprintf("the link goes from %s to itself", l.from.id)))
		}
	}
	return nil
}

// allIn reports whether every id is in cluster c.
func allIn(cs *graph.Clusters, ids []string, c string) bool {
	for _, id := range ids {
		if cs.Of(id) != c {
			return false
		}
	}
	return true
}

// storedClusters returns the SAME_AS clusters of the stored decisions,
// made once.
func (r *reader) storedClusters() (*graph.Clusters, error) {
	if r.clusters == nil {
		ds, err := r.storedDecisions()
		if err != nil {
			return nil, err
		}
		r.clusters = graph.NewClusters(ds)
	}
	return r.clusters, nil
}

// parentLoops reports each loop of parent references in the upload, such
// as A part of B part of A, once, at the first of its rows.
func (r *reader) parentLoops() {
	parent := map[string]*entityRow{}
	for _, e := range r.entities {
		if p := e.parent; p != nil && p.id != "" && p.id != e.e.ID {
			parent[e.e.ID] = e
		}
	}
	reported := map[string]bool{}
	for _, e := range r.entities {
		var path []string
		seen := map[string]bool{}
		for id := e.e.ID; !seen[id]; {
			row, ok := parent[id]
			if !ok || reported[id] {
				path = nil
				break
			}
			seen[id] = true
			path = append(path, id)
			id = row.parent.id
		}
		if len(path) == 0 || path[0] != parent[path[len(path)-1]].parent.id {
			continue // not a loop, or a path into a loop found from its own first row
		}
		for _, id := range path {
			reported[id] = true
		}
		r.rep.errorf(e.parent.issue(fmt.Sprintf("parent references form a loop: %s → %s", strings.Join(path, " → "), path[0])))
	}
}

func describeKind(k graph.Kind) string {
	switch k {
	case graph.Organization:
		return "an organization"
	case graph.Person:
		return "a person"
	}
	return string(k)
}

// describe names an entity for messages: id (name, country).
func describe(e graph.Entity) string {
	s := e.ID + " (" + e.Name
	if e.Country != "" {
		s += ", " + e.Country
	}
	return s + ")"
}

// nameIndex maps the name keys of the upload's entities (names and
// aliases) to the entities.
// suggestions bounds the "did you mean" candidates of a reference.
const suggestions = 3

// suggest returns the entities of the upload and the store that a
// reference naming none might mean, by the screening matcher, best first.
func (r *reader) suggest(name string) ([]Suggestion, error) {
	if r.uploadIndex == nil {
		r.uploadIndex = match.NewIndex()
		r.uploadByID = map[string]graph.Entity{}
		for _, row := range r.entities {
			r.uploadIndex.Add(row.e.ID, append([]string{row.e.Name}, row.e.Aliases...))
			r.uploadByID[row.e.ID] = row.e
		}
	}
	var cands []graph.Entity
	for _, id := range r.uploadIndex.Lookup(name, false) {
		cands = append(cands, r.uploadByID[id])
	}
	q := graph.SearchQuery{Text: name, MinScore: graph.DefaultReviewThreshold, Limit: suggestions}
	ms := match.Rank(q, cands, nil)
	if r.lookup != nil {
		more, err := r.lookup.Search(r.ctx, q)
		if err != nil {
			return nil, fmt.Errorf("looking up entities like %q: %w", name, err)
		}
		ms = append(ms, more...)
	}
	match.Order(ms)
	var out []Suggestion
	seen := map[string]bool{}
	for _, m := range ms {
		if !seen[m.Entity.ID] && len(out) < suggestions {
			seen[m.Entity.ID] = true
			out = append(out, Suggestion{ID: m.Entity.ID, Name: m.Entity.Name, Country: m.Entity.Country, Score: m.Score})
		}
	}
	return out, nil
}

func (r *reader) nameIndex() map[string][]*graph.Entity {
	idx := map[string][]*graph.Entity{}
	for _, row := range r.entities {
		e := &row.e
		seen := map[string]bool{}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			k := graph.NameKey(n)
			if k != "" && !seen[k] {
				seen[k] = true
				idx[k] = append(idx[k], e)
			}
		}
	}
	return idx
}

func (r *reader) entitiesByName(keys []string) (map[string][]graph.Entity, error) {
	out := map[string][]graph.Entity{}
	if r.lookup == nil {
		return out, nil
	}
	for i := 0; i < len(keys); i += lookupBatch {
		batch := keys[i:min(i+lookupBatch, len(keys))]
		m, err := r.lookup.EntitiesByName(r.ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("looking up entities by name: %w", err)
		}
		for k, v := range m {
			out[k] = append(out[k], v...)
		}
	}
	return out, nil
}

// assemble builds the upload from the rows, in the order they were read.
func (r *reader) assemble(u *graph.Upload) {
	u.Entities = make([]graph.Entity, 0, len(r.entities))
	for _, e := range r.entities {
		u.Entities = append(u.Entities, e.e)
	}
	seen := make(map[string]int, len(r.links))
	add := func(l graph.Link) {
		k := l.Key()
		if i, ok := seen[k]; ok {
			prev := u.Links[i]
			x, y := prev, l
			x.Source, y.Source = graph.Source{}, graph.Source{}
			if !equalLinks(x, y) {
				r.rep.errorf(Issue{File: l.Source.File, Sheet: l.Source.Sheet, Row: l.Source.Row,
					Message: fmt.Sprintf("states %s from %s to %s differently from %s", strings.ToLower(string(l.Type)), l.From, l.To, rowName(prev.Source))})
			}
			return
		}
		seen[k] = len(u.Links)
		u.Links = append(u.Links, l)
	}
	// The rows are let go as the upload takes their values: nothing
	// after assemble reads them, and at a million rows and upload
	// together were most of an import's memory.
	u.Links = make([]graph.Link, 0, len(r.links))
	for i, l := range r.links {
		r.links[i] = nil
		if l.from.id == "" || l.to.id == "" {
			continue
		}
		l.l.From, l.l.To = l.from.id, l.to.id
		add(l.l)
	}
	r.links = nil
	for i, e := range r.entities {
		r.entities[i] = nil
		if e.parent != nil && e.parent.id != "" {
			add(graph.Link{Type: graph.PartOf, From: e.e.ID, To: e.parent.id, Source: e.e.Source})
		}
	}
	r.entities, r.byID = nil, nil
	u.Transactions = make([]graph.Transaction, 0, len(r.txs))
	for _, t := range r.txs {
		t.t.Buyer = refID(t.buyer)
		t.t.Seller = refID(t.seller)
		t.t.EndUser = refID(t.endUser)
		u.Transactions = append(u.Transactions, t.t)
	}
	r.txs = nil
	r.assembleGovernments(u)
	r.assembleListings(u)
	for _, c := range r.countries {
		u.Countries = append(u.Countries, c.c)
	}
	var missing []string
	for code := range r.countryRefs {
		if _, ok := r.byCode[code]; !ok {
			missing = append(missing, code)
		}
	}
	sort.Strings(missing)
	for _, code := range missing {
		u.Countries = append(u.Countries, graph.Country{Code: code, Name: CountryName(code), Source: r.countryRefs[code]})
	}
}

func equalLinks(a, b graph.Link) bool {
	pa, pb := -1.0, -1.0
	if a.Percent != nil {
		pa = *a.Percent
	}
	if b.Percent != nil {
		pb = *b.Percent
	}
	a.Percent, b.Percent = nil, nil
	return a == b && pa == pb
}

func refID(x *ref) string {
	if x == nil {
		return ""
	}
	return x.id
}
