package importer

import (
	"strings"
	"unicode"

	"github.com/hopcheck/hopcheck/graph"
)

// KnownLists are the sanctions and export-control lists the importer knows
// by name, with the ids SPEC §1 uses; a list it does not know gets an id
// made from its name (ListID).
var KnownLists = []graph.List{
	{ID: "us_ofac_sdn", Name: "OFAC Specially Designated Nationals and Blocked Persons List", Authority: "US Treasury, OFAC"},
	{ID: "us_ofac_cons", Name: "OFAC Consolidated (non-SDN) Sanctions List", Authority: "US Treasury, OFAC"},
	{ID: "us_bis_entity_list", Name: "BIS Entity List", Authority: "US Commerce, BIS"},
	{ID: "us_bis_meu", Name: "BIS Military End-User List", Authority: "US Commerce, BIS"},
	{ID: "us_bis_mieu", Name: "BIS Military-Intelligence End-User List", Authority: "US Commerce, BIS"},
	{ID: "us_bis_unverified", Name: "BIS Unverified List", Authority: "US Commerce, BIS"},
	{ID: "us_bis_denied", Name: "BIS Denied Persons List", Authority: "US Commerce, BIS"},
	{ID: "us_ddtc_debarred", Name: "ITAR Debarred List", Authority: "US State, DDTC"},
	{ID: "us_isn_nonproliferation", Name: "Nonproliferation Sanctions", Authority: "US State, ISN"},
	{ID: "us_dod_1260h", Name: "DoD Section 1260H Chinese Military Companies", Authority: "US Department of Defense"},
	{ID: "us_fcc_covered", Name: "FCC Covered List", Authority: "US Federal Communications Commission"},
	{ID: "us_ndaa_889", Name: "NDAA Section 889 prohibited companies", Authority: "US Congress"},
	{ID: "eu_fsf", Name: "EU Financial Sanctions Files", Authority: "European Union"},
	{ID: "un_sc_sanctions", Name: "UN Security Council Consolidated List", Authority: "United Nations Security Council"},
	{ID: "gb_hmt_sanctions", Name: "UK Consolidated List of Financial Sanctions Targets", Authority: "HM Treasury, OFSI"},
}

var knownListKeys = func() map[string]graph.List {
	m := map[string]graph.List{}
	for _, l := range KnownLists {
		m[norm(l.ID)] = l
		m[norm(l.Name)] = l
	}
	for alias, id := range map[string]string{
		"sdn": "us_ofac_sdn", "ofac sdn": "us_ofac_sdn", "specially designated nationals (sdn) - treasury department": "us_ofac_sdn",
		"entity list": "us_bis_entity_list", "entity list (el) - bureau of industry and security": "us_bis_entity_list",
		"military end user (meu) list - bureau of industry and security": "us_bis_meu",
		"unverified list (uvl) - bureau of industry and security":        "us_bis_unverified",
		"mieu": "us_bis_mieu", "military intelligence end user": "us_bis_mieu", "us-bis-mieu": "us_bis_mieu",
		"denied persons list (dpl) - bureau of industry and security": "us_bis_denied",
		"itar debarred (dtc) - state department":                      "us_ddtc_debarred",
		"nonproliferation sanctions (isn) - state department":         "us_isn_nonproliferation",
		"1260h": "us_dod_1260h", "fcc covered list": "us_fcc_covered", "section 889": "us_ndaa_889",
	} {
		for _, l := range KnownLists {
			if l.ID == id {
				m[norm(alias)] = l
			}
		}
	}
	return m
}()

// KnownList returns the known list of an id.
func KnownList(id string) (graph.List, bool) {
	for _, l := range KnownLists {
		if l.ID == id {
			return l, true
		}
	}
	return graph.List{}, false
}

// ListID returns the id of a list named by its id or name: the known
// list's, or the name in lower case with every run of other characters
// than letters and digits made one "_" (EU Iran human rights → eu_iran_human_rights).
func ListID(name string) string {
	if l, ok := knownListKeys[norm(name)]; ok {
		return l.ID
	}
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}

// noteList records the list a row names, once, with the first row's source.
func (r *reader) noteList(name, authority string, src graph.Source) {
	id := ListID(name)
	if _, ok := r.lists[id]; ok {
		return
	}
	l := graph.List{ID: id, Name: strings.TrimSpace(name), Authority: authority, Source: src}
	if k, ok := knownListKeys[norm(name)]; ok {
		l.Name, l.Authority = k.Name, k.Authority
	}
	r.lists[id] = l
	r.listOrder = append(r.listOrder, id)
}

// assembleListings adds the listings whose entity resolved, and their lists.
func (r *reader) assembleListings(u *graph.Upload) {
	for _, id := range r.listOrder {
		u.Lists = append(u.Lists, r.lists[id])
	}
	seen := map[string]int{}
	for _, l := range r.listings {
		if l.entity.id == "" {
			continue
		}
		l.l.Entity = l.entity.id
		if i, ok := seen[l.l.Key()]; ok {
			u.Listings[i] = graph.MergeListing(u.Listings[i], l.l)
			continue
		}
		seen[l.l.Key()] = len(u.Listings)
		u.Listings = append(u.Listings, l.l)
	}
}
