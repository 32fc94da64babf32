package graph

// The merge rule of Store.Apply, one for every store: a stated value
// replaces the stored one, a blank one keeps it, and the source is that of
// the latest statement. A country row that states no assessment (a country
// merely named by a reference) changes neither its assessments nor its source.

func keep(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func keepPtr[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

// MergeEntity merges row e into the stored entity old.
func MergeEntity(old, e Entity) Entity {
	m := old
	keep(&m.Name, e.Name)
	if len(e.Aliases) > 0 {
		m.Aliases = e.Aliases
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&m.Country, e.Country}, {&m.Role, e.Role}, {&m.RegistrationID, e.RegistrationID}, {&m.Address, e.Address},
		{&m.Founded, e.Founded}, {&m.Position, e.Position}, {&m.BodyKind, e.BodyKind}, {&m.Basis, e.Basis}} {
		keep(f.dst, f.v)
	}
	keepPtr(&m.Restrictive, e.Restrictive)
	m.Source = e.Source
	return m
}

// MergeCountry merges row c into the stored country old: each assessment
// into the stored one of its year.
func MergeCountry(old, c Country) Country {
	m := old
	if len(c.Assessments) == 0 {
		if m.Name == "" {
			m.Name = c.Name
		}
		return m
	}
	keep(&m.Name, c.Name)
	m.Source = c.Source
	m.Assessments = append([]CountryAssessment(nil), old.Assessments...)
	for _, a := range c.Assessments {
		found := false
		for i := range m.Assessments {
			if m.Assessments[i].Year == a.Year {
				m.Assessments[i] = MergeAssessment(m.Assessments[i], a)
				found = true
				break
			}
		}
		if !found {
			m.Assessments = append(m.Assessments, a)
		}
	}
	SortAssessments(m.Assessments)
	return m
}

// MergeAssessment merges row a into the stored assessment of its year.
func MergeAssessment(old, a CountryAssessment) CountryAssessment {
	m := old
	keepPtr(&m.Restrictive, a.Restrictive)
	keepPtr(&m.Score, a.Score)
	keep(&m.Basis, a.Basis)
	m.Source = a.Source
	return m
}

// MergeLink merges row l into the stored link of its key.
func MergeLink(old, l Link) Link {
	m := old
	keepPtr(&m.Percent, l.Percent)
	keepPtr(&m.PercentMax, l.PercentMax)
	keep(&m.ValidTo, l.ValidTo)
	m.Source = l.Source
	return m
}

// MergeTransaction merges row t into the stored transaction of its id.
func MergeTransaction(old, t Transaction) Transaction {
	m := old
	for _, f := range []struct {
		dst *string
		v   string
	}{{&m.Date, t.Date}, {&m.Buyer, t.Buyer}, {&m.Seller, t.Seller}, {&m.EndUser, t.EndUser}, {&m.ShipTo, t.ShipTo},
		{&m.Product, t.Product}, {&m.Capability, t.Capability}, {&m.Currency, t.Currency}} {
		keep(f.dst, f.v)
	}
	keepPtr(&m.Quantity, t.Quantity)
	keepPtr(&m.Value, t.Value)
	m.Source = t.Source
	return m
}

// MergeList merges row l into the stored list of its id.
func MergeList(old, l List) List {
	m := old
	keep(&m.Name, l.Name)
	keep(&m.Authority, l.Authority)
	m.Source = l.Source
	return m
}

// MergeListing merges row l into the stored listing of its key.
func MergeListing(old, l Listing) Listing {
	m := old
	keep(&m.Authority, l.Authority)
	keep(&m.ListedTo, l.ListedTo)
	keep(&m.Reason, l.Reason)
	m.Source = l.Source
	return m
}
