package graph

import (
	"slices"
	"strings"

	"github.com/mozillazg/go-unidecode"
)

// FlagFilter selects flags. Zero values match everything; flags whose
// verdict is clear are only returned when All is set. The rules are
// written here once: the embedded store applies Matches and SortFlags,
// the Neo4j store matches the same values (SearchText, SortKey) stored
// beside each flag.
type FlagFilter struct {
	Status   Status
	Severity Severity
	Country  string // the buyer's country
	// Capability keeps the flags whose capability text points to this
	// category of the guidance (see CapabilityCategories).
	Capability string
	// Text is matched, folded (see FoldText), against SearchText: the
	// transaction id, the ids and names of its parties and of the
	// end-users reached, the product and the capability.
	Text     string
	Assignee string // only the flags given to this reviewer
	// Pending keeps the flags whose clearing awaits a second reviewer
	// (four eyes).
	Pending bool
	All     bool
	Sort    FlagSort // zero: most severe first
	Offset  int
	Limit   int // 0: no limit
}

// FlagColumn is a column a flag list sorts by.
type FlagColumn string

// The columns of a flag list.
const (
	ColSeverity    FlagColumn = "severity"
	ColTransaction FlagColumn = "transaction"
	ColDate        FlagColumn = "date"
	ColBuyer       FlagColumn = "buyer"
	ColSeller      FlagColumn = "seller"
	ColEndUser     FlagColumn = "end_user"
	ColCountry     FlagColumn = "country"
	ColCapability  FlagColumn = "capability"
	ColProduct     FlagColumn = "product"
	ColValue       FlagColumn = "value"
	ColHops        FlagColumn = "hops"
	ColOwnership   FlagColumn = "ownership"
	ColStatus      FlagColumn = "status"
	ColVerdict     FlagColumn = "verdict"
	ColAssignee    FlagColumn = "assignee"
)

// FlagColumns lists every column a flag list sorts by.
var FlagColumns = []FlagColumn{ColSeverity, ColTransaction, ColDate, ColBuyer, ColSeller, ColEndUser, ColCountry,
	ColCapability, ColProduct, ColValue, ColHops, ColOwnership, ColStatus, ColVerdict, ColAssignee}

// Valid reports whether c is one of FlagColumns.
func (c FlagColumn) Valid() bool { return slices.Contains(FlagColumns, c) }

// FlagSort orders a flag list by a column. Flags without a value in the
// column (no seller, an unknown value) come last in either direction;
// ties go to the most severe, then to the lowest transaction id. The zero
// FlagSort is severity, most severe first.
type FlagSort struct {
	Column FlagColumn
	Desc   bool
}

// Of returns the sort with its default applied.
func (s FlagSort) Of() FlagSort {
	if s.Column == "" {
		return FlagSort{Column: ColSeverity, Desc: true}
	}
	return s
}

// FoldText is text as flag searches and sorts compare it: transliterated
// to ASCII and in lower case ("Содружество" reads "sodruzhestvo").
func FoldText(s string) string {
	return strings.ToLower(unidecode.Unidecode(s))
}

// SearchText is what a flag list's text search looks in, folded: the
// transaction id, the ids and names of the buyer, seller, declared
// end-user and every end-user reached, the product and the capability,
// one a line (so that no match spans two of them).
func (f Flag) SearchText() string {
	parts := []string{f.TransactionID, f.Buyer.ID, f.Buyer.Name, f.Product, f.Capability}
	for _, r := range []*Ref{f.Seller, f.EndUser} {
		if r != nil {
			parts = append(parts, r.ID, r.Name)
		}
	}
	for _, x := range f.Exposures {
		parts = append(parts, x.EndUser.ID, x.EndUser.Name)
	}
	return FoldText(strings.Join(parts, "\n"))
}

// SortKey returns what flag f sorts by in column c: a string (folded, with
// runs of digits padded so that T-2 comes before T-10), a float64, or nil
// when the flag has no value there.
func (f Flag) SortKey(c FlagColumn) any {
	text := func(s string) any {
		if s == "" {
			return nil
		}
		return naturalKey(FoldText(s))
	}
	ref := func(r *Ref) any {
		if r == nil {
			return nil
		}
		return text(cmpOr(r.Name, r.ID))
	}
	num := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	switch c {
	case ColSeverity:
		return float64(f.Severity.Rank())
	case ColTransaction:
		return text(f.TransactionID)
	case ColDate:
		return text(f.Date)
	case ColBuyer:
		return ref(&f.Buyer)
	case ColSeller:
		return ref(f.Seller)
	case ColEndUser:
		return ref(f.EndUser)
	case ColCountry:
		return text(f.Country)
	case ColCapability:
		return text(f.Capability)
	case ColProduct:
		return text(f.Product)
	case ColValue:
		return num(f.Value)
	case ColHops:
		if len(f.Exposures) == 0 {
			return nil
		}
		h := f.Exposures[0].Hops
		for _, x := range f.Exposures[1:] {
			h = min(h, x.Hops)
		}
		return float64(h)
	case ColOwnership:
		return num(f.EffectiveOwnership)
	case ColStatus:
		return text(string(f.Status))
	case ColVerdict:
		return text(string(f.Verdict))
	case ColAssignee:
		return text(f.Assignee)
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// naturalKey pads every run of digits to 20 places, so that byte order
// reads numbers by value.
func naturalKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		if n := j - i; n < 20 {
			b.WriteString(strings.Repeat("0", 20-n))
		}
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}

// Matches reports whether flag f passes the filter; text is
// FoldText(ff.Text), folded once by the caller.
func (ff FlagFilter) Matches(f Flag, text string) bool {
	switch {
	case !ff.All && f.Verdict == Clear:
		return false
	case ff.Status != "" && f.Status != ff.Status:
		return false
	case ff.Severity != "" && f.Severity != ff.Severity:
		return false
	case ff.Country != "" && f.Country != ff.Country:
		return false
	case ff.Assignee != "" && f.Assignee != ff.Assignee:
		return false
	case ff.Capability != "" && !slices.Contains(f.Capabilities, ff.Capability):
		return false
	case ff.Pending && f.PendingClear == nil:
		return false
	case text != "" && !strings.Contains(f.SearchText(), text):
		return false
	}
	return true
}

// CompareFlags orders two flags by s (see FlagSort).
func CompareFlags(a, b Flag, s FlagSort) int {
	s = s.Of()
	ka, kb := a.SortKey(s.Column), b.SortKey(s.Column)
	switch {
	case ka == nil && kb != nil:
		return 1
	case ka != nil && kb == nil:
		return -1
	case ka != nil:
		c := compareKeys(ka, kb)
		if s.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return rb - ra
	}
	return strings.Compare(a.TransactionID, b.TransactionID)
}

func compareKeys(a, b any) int {
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

// SortFlags orders flags by s (see FlagSort).
func SortFlags(fs []Flag, s FlagSort) {
	slices.SortStableFunc(fs, func(a, b Flag) int { return CompareFlags(a, b, s) })
}
