package graph

// List is a sanctions or export-control list, e.g. us_ofac_sdn.
type List struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Authority string `json:"authority,omitempty"`
	Source    Source `json:"source"`
}

// Listing says that an entity is on a list: under which program, by which
// authority, from and to when (YYYY-MM-DD, inclusive, either may be open),
// and why. A listed entity is a restrictive end-user on the days its
// listing holds, when the policy names the list (SPEC §3).
type Listing struct {
	Entity     string `json:"entity"`
	List       string `json:"list"`
	Program    string `json:"program,omitempty"`
	Authority  string `json:"authority,omitempty"`
	ListedFrom string `json:"listed_from,omitempty"`
	ListedTo   string `json:"listed_to,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Source     Source `json:"source"`
}

// Key identifies a listing: two rows putting one entity on one list under
// one program from one date are the same fact, and the later one updates it.
func (l Listing) Key() string {
	return l.Entity + "|" + l.List + "|" + l.Program + "|" + l.ListedFrom
}

// ValidOn reports whether the listing holds on day, as Link.ValidOn does.
func (l Listing) ValidOn(day string) bool {
	return (l.ListedFrom == "" || l.ListedFrom <= day) && (l.ListedTo == "" || day <= l.ListedTo)
}
