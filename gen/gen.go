// Package gen writes synthetic data sets in the spreadsheet format of
// SPEC §2, for benchmarks and load tests. A data set is deterministic for a
// seed and shaped like a real sales network, which is sparse and regional
// (docs/BENCHMARKS.md describes the shape and its figures):
//
//   - countries in five regions; ten restrictive countries hold about a
//     tenth of the entities;
//   - government hierarchies per country: ministries, units PART_OF them,
//     state enterprises; bodies of restrictive countries are restrictive
//     unless one in twenty says no, and one in fifty elsewhere says yes;
//   - distribution trees: manufacturers supply distributors (anywhere),
//     distributors, resellers and integrators supply the resellers,
//     integrators and end customers of their country (one sale in eight
//     goes elsewhere in the region, one in a hundred anywhere), and
//     integrators and resellers supply the government bodies of their
//     country;
//   - ownership pyramids: holdings own subsidiaries of their country with
//     percentages (some unknown), sometimes through sub-holdings, with a
//     few cross-holdings; private owners; state enterprises with stakes,
//     rarely abroad;
//   - people: directors control companies, officials hold office in
//     government bodies, relatives and associates link them; a few
//     companies act as agents of government bodies;
//   - one link in ten has a validity window;
//   - a ledger of one transaction per ten entities: manufacturers sell to
//     distributors, resellers and integrators; one in ten declares an
//     end-user, one in twenty ships outside the buyer's country.
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
	XLSX     bool   // also write the same rows as one workbook, hopcheck.xlsx
}

// Counts says what was written.
type Counts struct {
	Organizations, Persons, GovernmentBodies, Countries, Links, Transactions int
}

// Rows is the number of data rows written.
func (c Counts) Rows() int {
	return c.Organizations + c.Persons + c.GovernmentBodies + c.Countries + c.Links + c.Transactions
}

type country struct {
	code        string
	region      int
	restrictive bool
}

// countries by region: Europe, Americas, Asia-Pacific, Middle East and
// Central Asia, Africa. The restrictive ones are the same as before the
// regions were added, so that ids and scores stay comparable.
var countries = func() []country {
	regions := [][]string{
		{"DE", "NL", "FR", "GB", "SE", "FI", "PL", "CZ", "IT", "ES", "PT", "IE", "AT", "CH", "BE", "DK", "NO", "EE"},
		{"US", "CA", "BR", "MX"},
		{"JP", "KR", "AU", "SG", "IN", "VN", "MM"},
		{"CY", "RS", "TR", "KZ", "AE", "EG", "BY", "UZ", "IR", "TM", "TJ", "AZ"},
		{"ZA", "KE", "NG"},
	}
	restrictive := map[string]bool{"BY": true, "UZ": true, "MM": true, "AE": true, "VN": true, "EG": true, "IR": true, "TM": true, "TJ": true, "AZ": true}
	var cs []country
	for r, codes := range regions {
		for _, c := range codes {
			cs = append(cs, country{c, r, restrictive[c]})
		}
	}
	return cs
}()

// countryWeight is a country's share of the entities, relative: a
// restrictive country has a third of the others' share.
func countryWeight(c country) int {
	if c.restrictive {
		return 1
	}
	return 3
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
	kinsfolk = []string{"spouse", "brother", "sister", "son", "daughter", "associate"}
)

// sheets are the files written, with their headers, in the order an
// import reads them best (references after what they name).
var sheets = []struct {
	name, sheet string
	header      []string
}{
	{"countries.csv", "Countries", []string{"country", "restrictive", "score", "basis"}},
	{"organizations.csv", "Organizations", []string{"id", "name", "aliases", "country", "role", "registration_id"}},
	{"persons.csv", "Persons", []string{"id", "name", "country", "position"}},
	{"government_bodies.csv", "Government bodies", []string{"id", "name", "country", "kind", "parent", "restrictive", "basis"}},
	{"links.csv", "Links", []string{"from", "to", "type", "percent", "role", "valid_from", "valid_to", "evidence"}},
	{"transactions.csv", "Transactions", []string{"id", "date", "buyer", "seller", "end_user", "ship_to", "product", "capability", "quantity", "value", "currency"}},
}

// Write writes countries.csv, organizations.csv, persons.csv,
// government_bodies.csv, links.csv and transactions.csv into dir, and
// hopcheck.xlsx with the same rows when cfg.XLSX is set.
func Write(dir string, cfg Config) (Counts, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Counts{}, err
	}
	out := make([]sink, len(sheets))
	var book *workbook
	if cfg.XLSX {
		var err error
		if book, err = newWorkbook(); err != nil {
			return Counts{}, err
		}
		defer book.close()
	}
	files := make([]*os.File, 0, len(sheets))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for i, s := range sheets {
		f, err := os.Create(filepath.Join(dir, s.name))
		if err != nil {
			return Counts{}, err
		}
		files = append(files, f)
		w := csv.NewWriter(f)
		var sh *sheetWriter
		if book != nil {
			if sh, err = book.sheet(s.sheet); err != nil {
				return Counts{}, err
			}
		}
		out[i] = sink{csv: w, sheet: sh}
		if err := out[i].row(s.header...); err != nil {
			return Counts{}, err
		}
	}
	g := &generator{r: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), n: max(cfg.Entities, 100), out: out, seen: map[string]struct{}{}}
	g.write()
	if g.err != nil {
		return g.c, g.err
	}
	for i, s := range out {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			return g.c, err
		}
		if err := files[i].Close(); err != nil {
			return g.c, err
		}
	}
	files = nil
	if book != nil {
		if err := book.save(filepath.Join(dir, "hopcheck.xlsx")); err != nil {
			return g.c, err
		}
	}
	return g.c, nil
}

// sink is one kind of row: its CSV file and, optionally, its sheet.
type sink struct {
	csv   *csv.Writer
	sheet *sheetWriter
}

func (s sink) row(cells ...string) error {
	if err := s.csv.Write(cells); err != nil {
		return err
	}
	if s.sheet != nil {
		return s.sheet.row(cells)
	}
	return nil
}

const (
	sCountries = iota
	sOrganizations
	sPersons
	sGovernment
	sLinks
	sTransactions
)

// Organization roles.
const (
	manufacturer = iota
	distributor
	reseller
	integrator
	holding
	customer // an end customer: buys, sells to nobody
)

var roleNames = []string{"manufacturer", "distributor", "reseller", "integrator", "holding", "other"}

type generator struct {
	r   *rand.Rand
	n   int
	out []sink
	err error
	c   Counts

	picker []int               // country indexes, each repeated by its weight
	seen   map[string]struct{} // keys of the links written

	govCountry []int
	govRoots   [][]int // per country: its ministries
	govAll     [][]int // per country: every body that buys (not state enterprises)
	stateEnts  [][]int // per country: its state enterprises

	orgCountry []int
	orgRole    []int
	byCountry  [][][]int // country → role → organizations
	byRegion   [][][]int // region → role → organizations
}

func (g *generator) row(sheet int, cells ...string) {
	if g.err == nil {
		g.err = g.out[sheet].row(cells...)
	}
}

func (g *generator) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *generator) chance(oneIn int) bool { return g.r.IntN(oneIn) == 0 }

func (g *generator) date(fromYear, years int) string {
	return fmt.Sprintf("%04d-%02d-%02d", fromYear+g.r.IntN(years), 1+g.r.IntN(12), 1+g.r.IntN(28))
}

func (g *generator) country() int { return g.picker[g.r.IntN(len(g.picker))] }

func orgID(i int) string { return "O" + strconv.Itoa(i) }
func govID(i int) string { return "G" + strconv.Itoa(i) }
func perID(i int) string { return "P" + strconv.Itoa(i) }

// any returns a random element of xs, or -1 when it is empty.
func (g *generator) any(xs []int) int {
	if len(xs) == 0 {
		return -1
	}
	return xs[g.r.IntN(len(xs))]
}

// link writes one link; one in ten has a validity window, half of those closed.
func (g *generator) link(from, to, typ, pct, role string) {
	if from == to {
		return
	}
	validFrom, validTo := "", ""
	if g.chance(10) {
		validFrom = g.date(2010, 10)
		if g.chance(2) {
			validTo = g.date(2020, 6)
		}
	}
	key := typ + "|" + from + "|" + to + "|" + role + "|" + validFrom // graph.Link.Key
	if _, dup := g.seen[key]; dup {
		return // one fact per key: a second row would restate it differently
	}
	g.seen[key] = struct{}{}
	g.c.Links++
	g.row(sLinks, from, to, typ, pct, role, validFrom, validTo, "synthetic row "+strconv.Itoa(g.c.Links+1))
}

func (g *generator) write() {
	for i, c := range countries {
		for range countryWeight(c) {
			g.picker = append(g.picker, i)
		}
		score := 60 + g.r.IntN(40)
		if c.restrictive {
			score = 3 + g.r.IntN(17)
		}
		g.row(sCountries, c.code, strconv.FormatBool(c.restrictive), strconv.Itoa(score), "synthetic score")
		g.c.Countries++
	}
	nGov := g.n / 20
	nPer := g.n / 4
	nOrg := g.n - nGov - nPer
	g.government(nGov)
	g.organizations(nOrg)
	g.distribution()
	g.ownership()
	g.people(nPer)
	g.agents()
	g.transactions(g.n / 10)
}

// government writes per country a few ministries, units under them and
// state enterprises.
func (g *generator) government(n int) {
	nc := len(countries)
	g.govRoots, g.govAll, g.stateEnts = make([][]int, nc), make([][]int, nc), make([][]int, nc)
	g.govCountry = make([]int, n)
	for i := range n {
		c := g.country()
		if i < nc {
			c = i // every country has a ministry
		}
		g.govCountry[i] = c
		kind, name, parent := "ministry", g.pick(bodies), ""
		switch roots := g.govRoots[c]; {
		case len(roots) == 0 || (len(roots) < 4 && g.chance(8)):
			g.govRoots[c] = append(g.govRoots[c], i)
			g.govAll[c] = append(g.govAll[c], i)
		case g.chance(4):
			kind, name, parent = "state_enterprise", g.pick(stems)+g.pick(suffixes)+" State "+g.pick(nouns), govID(g.any(roots))
			g.stateEnts[c] = append(g.stateEnts[c], i)
		default:
			kind, name, parent = "police", g.pick(units), govID(g.any(g.govAll[c]))
			g.govAll[c] = append(g.govAll[c], i)
		}
		flag, basis := "", ""
		if countries[c].restrictive && g.chance(20) {
			flag, basis = "no", "civil body"
		} else if !countries[c].restrictive && g.chance(50) {
			flag, basis = "yes", "documented abuses"
		}
		g.row(sGovernment, govID(i), fmt.Sprintf("%s %d (%s)", name, i, countries[c].code), countries[c].code, kind, parent, flag, basis)
		g.c.GovernmentBodies++
	}
}

func (g *generator) organizations(n int) {
	g.orgCountry, g.orgRole = make([]int, n), make([]int, n)
	g.byCountry = make([][][]int, len(countries))
	for i := range g.byCountry {
		g.byCountry[i] = make([][]int, len(roleNames))
	}
	g.byRegion = make([][][]int, 5)
	for i := range g.byRegion {
		g.byRegion[i] = make([][]int, len(roleNames))
	}
	for i := range n {
		role := customer
		switch x := g.r.IntN(100); {
		case x < 2:
			role = manufacturer
		case x < 8:
			role = distributor
		case x < 28:
			role = reseller
		case x < 40:
			role = integrator
		case x < 52:
			role = holding
		}
		c := g.country()
		if role == manufacturer && countries[c].restrictive && !g.chance(4) {
			c = g.country() // few manufacturers in restrictive countries
		}
		g.orgCountry[i], g.orgRole[i] = c, role
		g.byCountry[c][role] = append(g.byCountry[c][role], i)
		g.byRegion[countries[c].region][role] = append(g.byRegion[countries[c].region][role], i)
		name := fmt.Sprintf("%s%s %s %d %s", g.pick(stems), g.pick(suffixes), g.pick(nouns), i, g.pick(forms))
		alias := ""
		if g.chance(8) {
			alias = fmt.Sprintf("%s%s %d", g.pick(stems), g.pick(suffixes), i)
		}
		g.row(sOrganizations, orgID(i), name, alias, countries[c].code, roleNames[role], "REG-"+strconv.Itoa(1000000+i))
		g.c.Organizations++
	}
}

// supplier picks a supplier of role for organization i: of its country
// seven times in eight, else of its region; one sale in a hundred
// crosses regions.
func (g *generator) supplier(i, role int) int {
	c := g.orgCountry[i]
	if g.chance(100) {
		return g.any(g.byRegion[g.r.IntN(len(g.byRegion))][role])
	}
	if s := g.any(g.byCountry[c][role]); s >= 0 && !g.chance(8) {
		return s
	}
	return g.any(g.byRegion[countries[c].region][role])
}

// distribution writes the supply trees, each buyer naming its suppliers.
func (g *generator) distribution() {
	supplies := func(from, to int) {
		if from >= 0 {
			g.link(orgID(from), orgID(to), "supplies", "", "")
		}
	}
	for i, role := range g.orgRole {
		switch role {
		case distributor:
			for range 1 + g.r.IntN(3) {
				all := g.byRegion[g.r.IntN(len(g.byRegion))][manufacturer]
				supplies(g.any(all), i)
			}
		case reseller:
			for range 1 + g.r.IntN(3) {
				supplies(g.supplier(i, distributor), i)
			}
		case integrator:
			supplies(g.supplier(i, distributor), i)
			for range g.r.IntN(4) {
				supplies(g.supplier(i, reseller), i)
			}
		case customer:
			for range 1 + g.r.IntN(4) {
				from := reseller
				if g.chance(3) {
					from = integrator
				}
				supplies(g.supplier(i, from), i)
			}
		}
	}
	// Government bodies buy from integrators and resellers of their country.
	for b, c := range g.govCountry {
		for range g.r.IntN(5) {
			from := g.any(g.byCountry[c][integrator])
			if g.chance(3) || from < 0 {
				from = g.any(g.byCountry[c][reseller])
			}
			if from >= 0 {
				g.link(orgID(from), govID(b), "supplies", "", "")
			}
		}
	}
}

// ownership writes the holding pyramids, cross-holdings and state stakes.
func (g *generator) ownership() {
	owns := func(owner string, i int, pct int) {
		p := ""
		if pct > 0 && !g.chance(8) {
			p = strconv.Itoa(pct)
		}
		g.link(owner, orgID(i), "owns", p, "")
	}
	for i, role := range g.orgRole {
		c := g.orgCountry[i]
		// A subsidiary's parent holding: most companies have one; so do
		// most holdings (sub-holdings), earlier ones only, so the pyramid
		// has no cycles but the cross-holdings below.
		if g.r.IntN(10) < 7 {
			if h := g.any(g.byCountry[c][holding]); h >= 0 && h != i && (role != holding || h < i) {
				pct := 51 + g.r.IntN(50)
				owns(orgID(h), i, pct)
				if pct < 100 && g.chance(2) {
					if h2 := g.any(g.byCountry[c][holding]); h2 >= 0 && h2 != h && h2 != i {
						owns(orgID(h2), i, 1+g.r.IntN(100-pct))
					}
				}
			}
		}
		if role == holding && g.chance(30) { // a cross-holding
			if h := g.any(g.byRegion[countries[c].region][holding]); h >= 0 && h != i {
				owns(orgID(i), h, 1+g.r.IntN(20))
			}
		}
		// State stakes: common in restrictive countries, rare abroad.
		if countries[c].restrictive && g.chance(5) {
			if s := g.any(g.stateEnts[c]); s >= 0 {
				owns(govID(s), i, 10+g.r.IntN(91))
			}
		} else if g.chance(400) {
			rc := g.country()
			if s := g.any(g.stateEnts[rc]); s >= 0 {
				owns(govID(s), i, 1+g.r.IntN(49))
			}
		}
	}
}

// people writes directors, private owners, officials and their relatives.
func (g *generator) people(n int) {
	byCountry := make([][]int, len(countries))
	for i := range n {
		c := g.country()
		id := perID(i)
		var position string
		switch x := g.r.IntN(20); {
		case x < 11:
			position = "director"
		case x < 14:
			position = "owner"
		case x < 17:
			position = "official"
		default:
			position = "associate"
		}
		g.row(sPersons, id, fmt.Sprintf("%s %s %d", g.pick(given), g.pick(family), i), countries[c].code, position)
		g.c.Persons++
		orgs := func() int {
			role := g.r.IntN(len(roleNames))
			return g.any(g.byCountry[c][role])
		}
		switch position {
		case "director":
			for range 1 + g.r.IntN(3) {
				if o := orgs(); o >= 0 {
					g.link(id, orgID(o), "controls", "", "director")
				}
			}
		case "owner":
			for range 1 + g.r.IntN(2) {
				if o := orgs(); o >= 0 {
					g.link(id, orgID(o), "owns", strconv.Itoa(1+g.r.IntN(49)), "")
				}
			}
		case "official":
			if b := g.any(g.govAll[c]); b >= 0 {
				g.link(id, govID(b), "officer_of", "", "deputy head")
			}
		}
		// Relatives and associates, of the same country, one in two.
		if p := g.any(byCountry[c]); p >= 0 && (position == "associate" || g.chance(2)) {
			g.link(id, perID(p), "related_to", "", g.pick(kinsfolk))
		}
		byCountry[c] = append(byCountry[c], i)
	}
}

// agents writes front companies acting for government bodies: a few in
// restrictive countries, very few elsewhere.
func (g *generator) agents() {
	for i, c := range g.orgCountry {
		if (countries[c].restrictive && g.chance(100)) || g.chance(2000) {
			if b := g.any(g.govAll[g.country()]); b >= 0 {
				g.link(orgID(i), govID(b), "agent_of", "", "")
			}
		}
	}
}

// transactions writes the ledger: manufacturers sell to distributors,
// resellers and integrators.
func (g *generator) transactions(n int) {
	buyers := []int{distributor, reseller, reseller, integrator}
	var makers []int
	for _, r := range g.byRegion {
		makers = append(makers, r[manufacturer]...)
	}
	for i := range n {
		buyer := g.any(g.byRegion[countries[g.country()].region][buyers[g.r.IntN(len(buyers))]])
		if buyer < 0 { // a tiny data set: any company buys
			buyer = g.r.IntN(len(g.orgRole))
		}
		seller := ""
		if m := g.any(makers); m >= 0 && m != buyer {
			seller = orgID(m)
		}
		c := g.orgCountry[buyer]
		endUser := ""
		if g.chance(10) {
			if b := g.any(g.govAll[c]); b >= 0 && g.chance(3) {
				endUser = govID(b)
			} else if o := g.any(g.byCountry[c][customer]); o >= 0 {
				endUser = orgID(o)
			}
		}
		shipTo := countries[c].code
		if g.chance(20) {
			shipTo = countries[g.country()].code
		}
		g.row(sTransactions, "T"+strconv.Itoa(i), g.date(2019, 6), orgID(buyer), seller, endUser,
			shipTo, "Product "+strconv.Itoa(g.r.IntN(50)), g.pick(caps),
			strconv.Itoa(1+g.r.IntN(100)), strconv.Itoa(1000+g.r.IntN(1000000)), "EUR")
		g.c.Transactions++
	}
}
