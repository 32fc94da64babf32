// Package gen writes synthetic data sets in the spreadsheet format of
// SPEC §2, for benchmarks and load tests: deterministic for a seed, and
// shaped like the real thing — government hierarchies with state
// enterprises, holding pyramids with cross-holdings, distribution trees
// from manufacturers down to resellers, officers and their relatives,
// agents, validity windows, and a ledger of transactions.
package gen

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Config sizes a data set.
type Config struct {
	Entities int    // about this many entities; links are about three times as many
	Seed     uint64 // the same seed gives the same files
}

// Counts says what was written.
type Counts struct {
	Organizations, Persons, GovernmentBodies, Countries, Links, Transactions int
}

// Rows is the number of data rows written.
func (c Counts) Rows() int {
	return c.Organizations + c.Persons + c.GovernmentBodies + c.Countries + c.Links + c.Transactions
}

var countryCodes = []string{
	"DE", "NL", "FR", "GB", "US", "CA", "SE", "FI", "PL", "CZ", "IT", "ES", "PT", "IE", "AT", "CH", "BE", "DK",
	"NO", "EE", "CY", "RS", "TR", "KZ", "IN", "BR", "MX", "ZA", "KE", "NG", "SG", "JP", "KR", "AU",
	"BY", "UZ", "MM", "AE", "VN", "EG", "IR", "TM", "TJ", "AZ",
}

// restrictive are the countries the generator marks restrictive (last 10).
func restrictive(code string) bool {
	for _, c := range countryCodes[len(countryCodes)-10:] {
		if c == code {
			return true
		}
	}
	return false
}

var (
	stems    = []string{"Arct", "Bor", "Cel", "Dyn", "Elv", "Fal", "Gal", "Hel", "Ion", "Jun", "Kor", "Lum", "Mer", "Nor", "Orb", "Pol", "Quan", "Ros", "Sol", "Tal", "Ult", "Ver", "Wex", "Xen", "Yar", "Zep"}
	suffixes = []string{"on", "ex", "ia", "is", "ar", "um", "os", "ix", "en", "ara"}
	nouns    = []string{"Systems", "Vision", "Security", "Networks", "Analytics", "Trading", "Technologies", "Solutions", "Distribution", "Holdings", "Optics", "Data"}
	forms    = []string{"LLC", "Ltd", "GmbH", "JSC", "B.V.", "S.A.", "LLP", "OOO", "Inc.", "Pte Ltd"}
	given    = []string{"Anna", "Boris", "Chen", "Dilnoza", "Erik", "Fatima", "Gustav", "Hana", "Ivan", "Jamal", "Kira", "Luis", "Maya", "Nikolai", "Olga", "Pavel", "Rustam", "Sara", "Timur", "Vera"}
	family   = []string{"Abdullaev", "Berg", "Costa", "Dvorak", "Ermekov", "Fischer", "Gromov", "Haddad", "Ivanova", "Jensen", "Karimov", "Lindqvist", "Morozov", "Novak", "Orlov", "Petrov", "Rahimov", "Sokolov", "Tanaka", "Usmanov"}
	bodies   = []string{"Ministry of Interior", "State Security Committee", "National Police", "Border Service", "Ministry of Defence", "Communications Regulator", "Investigative Committee", "Presidential Guard"}
	units    = []string{"Technical Department", "Regional Directorate", "Operational Unit", "Procurement Office", "Cyber Division", "Surveillance Centre"}
	caps     = []string{"sensors", "biometric identification", "data analytics", "internet surveillance", "non-cooperative location tracking", "recording devices"}
)

type writer struct {
	f *os.File
	w *csv.Writer
}

func create(dir, name string, header ...string) (*writer, error) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	w := &writer{f: f, w: csv.NewWriter(f)}
	return w, w.w.Write(header)
}

func (w *writer) row(cells ...string) { _ = w.w.Write(cells) }

func (w *writer) close() error {
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		w.f.Close()
		return err
	}
	return w.f.Close()
}

// Write writes countries.csv, organizations.csv, persons.csv,
// government_bodies.csv, links.csv and transactions.csv into dir.
func Write(dir string, cfg Config) (Counts, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Counts{}, err
	}
	g := &generator{r: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), n: max(cfg.Entities, 100)}
	return g.write(dir)
}

type generator struct {
	r *rand.Rand
	n int
	c Counts
}

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) date(fromYear, years int) string {
	return fmt.Sprintf("%04d-%02d-%02d", fromYear+g.r.IntN(years), 1+g.r.IntN(12), 1+g.r.IntN(28))
}

func (g *generator) write(dir string) (Counts, error) {
	files := map[string]*writer{}
	open := func(name string, header ...string) error {
		w, err := create(dir, name, header...)
		files[name] = w
		return err
	}
	for _, spec := range [][]string{
		{"countries.csv", "country", "restrictive", "score", "basis"},
		{"organizations.csv", "id", "name", "aliases", "country", "role", "registration_id"},
		{"persons.csv", "id", "name", "country", "position"},
		{"government_bodies.csv", "id", "name", "country", "kind", "parent", "restrictive", "basis"},
		{"links.csv", "from", "to", "type", "percent", "role", "valid_from", "valid_to", "evidence"},
		{"transactions.csv", "id", "date", "buyer", "seller", "end_user", "ship_to", "product", "capability", "quantity", "value", "currency"},
	} {
		if err := open(spec[0], spec[1:]...); err != nil {
			return g.c, err
		}
	}
	defer func() {
		for _, w := range files {
			w.f.Close()
		}
	}()
	cw, ow, pw, gw, lw, tw := files["countries.csv"], files["organizations.csv"], files["persons.csv"], files["government_bodies.csv"], files["links.csv"], files["transactions.csv"]

	for _, c := range countryCodes {
		score := 60 + g.r.IntN(40)
		if restrictive(c) {
			score = 3 + g.r.IntN(17)
		}
		cw.row(c, strconv.FormatBool(restrictive(c)), strconv.Itoa(score), "synthetic score")
		g.c.Countries++
	}

	nGov := g.n / 10
	nPer := g.n / 5
	nOrg := g.n - nGov - nPer
	link := func(from, to, typ, pct, role string) {
		if from == to {
			return
		}
		validFrom, validTo := "", ""
		if g.r.IntN(10) == 0 {
			validFrom = g.date(2010, 10)
			if g.r.IntN(2) == 0 {
				validTo = g.date(2020, 6)
			}
		}
		lw.row(from, to, typ, pct, role, validFrom, validTo, "synthetic row "+strconv.Itoa(g.c.Links+2))
		g.c.Links++
	}

	// Government bodies: per country a few roots, units under them, and
	// state enterprises. About one in twenty of a restrictive country's
	// bodies says restrictive = no; a few elsewhere say yes.
	govs := make([]string, nGov)
	govCountry := make([]string, nGov)
	for i := range govs {
		id := "G" + strconv.Itoa(i)
		c := g.pick(countryCodes)
		govs[i], govCountry[i] = id, c
		kind, name, parent := "ministry", g.pick(bodies), ""
		if i >= len(countryCodes) && g.r.IntN(3) > 0 {
			p := g.r.IntN(i)
			parent, c = govs[p], govCountry[p]
			govCountry[i] = c
			kind, name = "police", g.pick(units)
		}
		if g.r.IntN(5) == 0 {
			kind, name = "state_enterprise", g.pick(stems)+g.pick(suffixes)+" State "+g.pick(nouns)
		}
		flag, basis := "", ""
		if restrictive(c) && g.r.IntN(20) == 0 {
			flag, basis = "no", "civil body"
		} else if !restrictive(c) && g.r.IntN(50) == 0 {
			flag, basis = "yes", "documented abuses"
		}
		gw.row(id, fmt.Sprintf("%s %d (%s)", name, i, c), c, kind, parent, flag, basis)
		g.c.GovernmentBodies++
	}

	// Organizations: a tenth manufacturers, then distributors, resellers, integrators, holdings.
	orgs := make([]string, nOrg)
	for i := range orgs {
		id := "O" + strconv.Itoa(i)
		orgs[i] = id
		role := "reseller"
		switch x := g.r.IntN(20); {
		case x < 2:
			role = "manufacturer"
		case x < 6:
			role = "distributor"
		case x < 9:
			role = "integrator"
		case x < 12:
			role = "holding"
		}
		name := fmt.Sprintf("%s%s %s %d %s", g.pick(stems), g.pick(suffixes), g.pick(nouns), i, g.pick(forms))
		alias := ""
		if g.r.IntN(8) == 0 {
			alias = fmt.Sprintf("%s%s %d", g.pick(stems), g.pick(suffixes), i)
		}
		ow.row(id, name, alias, g.pick(countryCodes), role, "REG-"+strconv.Itoa(1000000+i))
		g.c.Organizations++
	}

	// Ownership pyramids: each organization has one or two owners among
	// earlier organizations or state enterprises; percentages, some unknown.
	for i := 1; i < nOrg; i++ {
		owners := 1 + g.r.IntN(2)
		left := 100
		prev := ""
		for k := 0; k < owners && left > 0; k++ {
			owner := orgs[g.r.IntN(i)]
			if g.r.IntN(15) == 0 {
				owner = govs[g.r.IntN(nGov)]
			}
			if owner == prev {
				continue
			}
			prev = owner
			pct := ""
			if g.r.IntN(8) > 0 {
				p := 1 + g.r.IntN(left)
				left -= p
				pct = strconv.Itoa(p)
			}
			link(owner, orgs[i], "owns", pct, "")
		}
		if g.r.IntN(50) == 0 { // a cross-holding back up the pyramid
			link(orgs[i], orgs[g.r.IntN(i)], "owns", strconv.Itoa(1+g.r.IntN(30)), "")
		}
	}

	// Distribution: each organization sells to one or two others, sometimes to a government body.
	for i := range orgs {
		for k := 0; k < 1+g.r.IntN(2); k++ {
			if g.r.IntN(12) == 0 {
				link(orgs[i], govs[g.r.IntN(nGov)], "supplies", "", "")
			} else {
				link(orgs[i], orgs[g.r.IntN(nOrg)], "supplies", "", "")
			}
		}
		if g.r.IntN(40) == 0 {
			link(orgs[i], govs[g.r.IntN(nGov)], "agent_of", "", "")
		}
	}

	// People: directors control organizations, officials hold office in
	// government bodies, and some are related.
	for i := 0; i < nPer; i++ {
		id := "P" + strconv.Itoa(i)
		position := "director"
		if g.r.IntN(3) == 0 {
			position = "official"
		}
		pw.row(id, fmt.Sprintf("%s %s %d", g.pick(given), g.pick(family), i), g.pick(countryCodes), position)
		g.c.Persons++
		if position == "director" {
			link(id, orgs[g.r.IntN(nOrg)], "controls", "", "director")
		} else {
			link(id, govs[g.r.IntN(nGov)], "officer_of", "", "deputy head")
		}
		if i > 0 && g.r.IntN(3) == 0 {
			link(id, "P"+strconv.Itoa(g.r.IntN(i)), "related_to", "", g.pick([]string{"spouse", "brother", "sister", "associate"}))
		}
	}

	// Transactions: manufacturers sell to anyone; a tenth declare an end-user.
	for i := 0; i < g.n/10; i++ {
		buyer := orgs[g.r.IntN(nOrg)]
		endUser := ""
		if g.r.IntN(10) == 0 {
			endUser = govs[g.r.IntN(nGov)]
		}
		tw.row(fmt.Sprintf("T%d", i), g.date(2019, 6), buyer, orgs[g.r.IntN(max(nOrg/10, 1))], endUser,
			g.pick(countryCodes), "Product "+strconv.Itoa(g.r.IntN(50)), g.pick(caps),
			strconv.Itoa(1+g.r.IntN(100)), strconv.Itoa(1000+g.r.IntN(1000000)), "EUR")
		g.c.Transactions++
	}

	for _, name := range []string{"countries.csv", "organizations.csv", "persons.csv", "government_bodies.csv", "links.csv", "transactions.csv"} {
		if err := files[name].close(); err != nil {
			return g.c, err
		}
	}
	return g.c, nil
}
