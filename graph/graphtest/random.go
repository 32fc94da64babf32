package graphtest

import (
	"fmt"
	"math/rand/v2"

	"github.com/hopcheck/hopcheck/graph"
)

// RandomUploads makes a random graph of about forty entities with every
// link type, unknown and known percents, validity windows, restrictive
// flags and countries, and transactions; as three uploads, the second
// restating part of the first with changes, the third deciding identities
// (SAME_AS clusters, NOT_SAME_AS pairs).
func RandomUploads(seed uint64) []graph.Upload {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	src := func(upload, sheet string, row int) graph.Source {
		return graph.Source{Upload: upload, File: upload + ".xlsx", Sheet: sheet, Row: row, Evidence: fmt.Sprintf("row %d", row)}
	}
	yes, no := true, false
	tri := func() *bool {
		switch r.IntN(3) {
		case 0:
			return &yes
		case 1:
			return &no
		}
		return nil
	}
	u := graph.Upload{ID: "u-1", Files: []string{"u-1.xlsx"}}
	codes := []string{"AA", "BB", "CC", "DD"} // DD is never stored
	row := 2
	assess := func(upload string, year int) graph.CountryAssessment {
		row++
		return graph.CountryAssessment{Year: year, Restrictive: tri(), Source: src(upload, "Countries", row)}
	}
	for _, c := range codes[:3] {
		// Yearly assessments around the sales' years, and often one without a year.
		co := graph.Country{Code: c, Name: "Country " + c, Source: src("u-1", "Countries", row)}
		if r.IntN(3) > 0 {
			co.Assessments = append(co.Assessments, assess("u-1", 0))
		}
		for _, y := range []int{2019, 2021, 2022, 2024, 2025} {
			if r.IntN(3) == 0 {
				co.Assessments = append(co.Assessments, assess("u-1", y))
			}
		}
		if len(co.Assessments) == 0 {
			co.Assessments = append(co.Assessments, assess("u-1", 2023))
		}
		u.Countries = append(u.Countries, co)
	}
	u.Lists = []graph.List{{ID: "l_one", Name: "List one", Authority: "A", Source: src("u-1", "Lists", 2)},
		{ID: "l_two", Name: "List two", Source: src("u-1", "Lists", 3)}}
	n := 30 + r.IntN(20)
	ids := make([]string, n)
	for i := range ids {
		// Ids of varied length, so that ties between paths order by id text.
		ids[i] = fmt.Sprintf("%c%d", 'a'+r.IntN(6), i)
		e := graph.Entity{ID: ids[i], Name: fmt.Sprintf("Entity %d", i), Country: codes[r.IntN(len(codes))], Source: src("u-1", "Entities", i+2)}
		switch r.IntN(3) {
		case 0:
			e.Kind, e.Role = graph.Organization, "distributor"
			e.Founded = []string{"", "1989", "2001-02", "2010-05-06"}[r.IntN(4)]
		case 1:
			e.Kind, e.Position = graph.Person, "director"
		default:
			e.Kind, e.BodyKind, e.Restrictive = graph.GovernmentBody, "police", tri()
		}
		u.Entities = append(u.Entities, e)
	}
	days := []string{"", "", "", "2020-01-01", "2022-06-30", "2024-06-01", "2024-06-02", "2019-12-31"}
	m := n * 2
	for i := 0; i < m; i++ {
		l := graph.Link{Type: graph.LinkTypes[r.IntN(len(graph.LinkTypes))], From: ids[r.IntN(n)], To: ids[r.IntN(n)],
			Source: src("u-1", "Links", i+2)}
		if l.From == l.To {
			continue
		}
		if l.Type == graph.Owns && r.IntN(4) > 0 {
			p := float64(r.IntN(101))
			if r.IntN(3) == 0 {
				p += 0.5
			}
			l.Percent = &p
		}
		if r.IntN(3) == 0 {
			l.Role = []string{"director", "brother", "agent"}[r.IntN(3)]
		}
		if r.IntN(3) == 0 {
			l.ValidFrom = days[r.IntN(len(days))]
			l.ValidTo = days[r.IntN(len(days))]
			if l.ValidTo != "" && l.ValidTo < l.ValidFrom {
				l.ValidFrom, l.ValidTo = l.ValidTo, l.ValidFrom
			}
		}
		u.Links = append(u.Links, l)
		if r.IntN(8) == 0 { // the same ends once more, as another fact
			l2 := l
			l2.Role, l2.Source = "second", src("u-1", "Links", 1000+i)
			u.Links = append(u.Links, l2)
		}
	}
	// Listings on either list, some of them ended or not yet begun; partial
	// dates arrive expanded to the first or last day of their period.
	listDays := []string{"", "", "2020-01-01", "2021-03-15", "2021-12-31", "2024-05-31", "2024-06-01", "2024-06-30", "2025-01-01"}
	for i := 0; i < n/4; i++ {
		l := graph.Listing{Entity: ids[r.IntN(n)], List: []string{"l_one", "l_two"}[r.IntN(2)],
			Program: []string{"", "P1", "P2"}[r.IntN(3)], Reason: "listed in test", Source: src("u-1", "Listings", i+2)}
		l.ListedFrom, l.ListedTo = listDays[r.IntN(len(listDays))], listDays[r.IntN(len(listDays))]
		if l.ListedTo != "" && l.ListedTo < l.ListedFrom {
			l.ListedFrom, l.ListedTo = l.ListedTo, l.ListedFrom
		}
		u.Listings = append(u.Listings, l)
	}
	for i := 0; i < 10; i++ {
		t := graph.Transaction{ID: fmt.Sprintf("T-%02d", i), Date: []string{"2024-06-01", "2021-03-15"}[r.IntN(2)],
			Buyer: ids[r.IntN(n)], Product: "camera", Source: src("u-1", "Transactions", i+2)}
		if r.IntN(2) == 0 {
			t.EndUser = ids[r.IntN(n)]
		}
		if r.IntN(2) == 0 {
			t.Seller = ids[r.IntN(n)]
		}
		if r.IntN(2) == 0 {
			t.ShipTo = codes[r.IntN(len(codes))]
		}
		u.Transactions = append(u.Transactions, t)
	}

	// The second upload restates some rows, with changes or as they were.
	u2 := graph.Upload{ID: "u-2", Files: []string{"u-2.xlsx"}}
	u2.Countries = append(u2.Countries,
		graph.Country{Code: codes[r.IntN(3)], Source: src("u-2", "Countries", 2),
			Assessments: []graph.CountryAssessment{assess("u-2", []int{0, 2021, 2023}[r.IntN(3)])}},
		graph.Country{Code: codes[r.IntN(3)], Name: "mentioned", Source: src("u-2", "Transactions", 9)}) // a mention: no change
	for i, l := range u.Listings {
		if r.IntN(4) == 0 {
			l.ListedTo, l.Reason, l.Source = listDays[r.IntN(len(listDays))], "", src("u-2", "Listings", i+2)
			if l.ListedTo != "" && l.ListedTo < l.ListedFrom {
				l.ListedTo = l.ListedFrom
			}
			u2.Listings = append(u2.Listings, l)
		}
	}
	for i, e := range u.Entities {
		switch r.IntN(6) {
		case 0:
			e.Restrictive, e.Name, e.Source = tri(), "", src("u-2", "Entities", i+2)
			u2.Entities = append(u2.Entities, e)
		case 1:
			u2.Entities = append(u2.Entities, e) // unchanged
		}
	}
	for i, l := range u.Links {
		if r.IntN(5) == 0 {
			if l.Type == graph.Owns && r.IntN(2) == 0 {
				p := float64(r.IntN(101))
				l.Percent = &p
			}
			l.Source = src("u-2", "Links", i+2)
			u2.Links = append(u2.Links, l)
		}
	}
	for i, t := range u.Transactions {
		if r.IntN(4) == 0 {
			t.Buyer, t.Source = ids[r.IntN(n)], src("u-2", "Transactions", i+2)
			u2.Transactions = append(u2.Transactions, t)
		}
	}
	// The third decides identities: a few SAME_AS pairs (some clusters of
	// three or more, some joining an entity to a restrictive one) and
	// NOT_SAME_AS pairs between clusters, which change nothing.
	u3 := graph.Upload{ID: "u-3", Files: []string{"u-3.xlsx"}}
	var same []graph.Decision
	for i := 0; i < 3+r.IntN(5); i++ {
		a, b := ids[r.IntN(n)], ids[r.IntN(n)]
		if a != b {
			same = append(same, graph.NewDecision(a, b, graph.Same))
		}
	}
	clusters := graph.NewClusters(same)
	for i, d := range same {
		d.DecidedBy, d.DecidedAt, d.Source = "tester", "2024-05-01T10:00:00Z", src("u-3", "Identity", i+2)
		u3.Decisions = append(u3.Decisions, d)
	}
	for i := 0; i < 2; i++ {
		a, b := ids[r.IntN(n)], ids[r.IntN(n)]
		if a != b && clusters.Of(a) != clusters.Of(b) {
			d := graph.NewDecision(a, b, graph.NotSame)
			d.DecidedBy, d.DecidedAt, d.Note, d.Source = "tester", "2024-05-02T10:00:00Z", "different registries", src("u-3", "Identity", 100+i)
			u3.Decisions = append(u3.Decisions, d)
		}
	}
	return []graph.Upload{u, u2, u3}
}
