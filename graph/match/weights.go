package match

import "math"

// generic are words that many unrelated names share, with the weight
// they carry in a name (1 for an ordinary word). "Ministry of Public
// Security" and "Ministry of Crude Oil Industry" share only words from
// here, which is why they are different bodies.
var generic = map[string]float64{
	// Joining words.
	"of": 0.05, "the": 0.05, "and": 0.05, "for": 0.05, "de": 0.05, "del": 0.05, "la": 0.05, "le": 0.05,
	"al": 0.1, "el": 0.1, "in": 0.05, "on": 0.05, "at": 0.05, "to": 0.05, "des": 0.05, "du": 0.05,
	"da": 0.05, "do": 0.05, "dos": 0.05, "und": 0.05, "fur": 0.05, "van": 0.2, "von": 0.2, "bin": 0.3, "ibn": 0.3,
	// Bodies of a state.
	"ministry": 0.2, "minister": 0.2, "department": 0.2, "directorate": 0.25, "general": 0.2, "main": 0.2,
	"office": 0.2, "bureau": 0.2, "agency": 0.2, "administration": 0.2, "service": 0.2, "services": 0.2,
	"committee": 0.2, "council": 0.2, "commission": 0.2, "authority": 0.2, "state": 0.2, "national": 0.2,
	"federal": 0.2, "republic": 0.2, "government": 0.2, "central": 0.25, "public": 0.3, "security": 0.35,
	"internal": 0.35, "affairs": 0.3, "interior": 0.35, "defence": 0.35, "defense": 0.35, "police": 0.35,
	"forces": 0.3, "force": 0.3, "armed": 0.35, "army": 0.35, "military": 0.35, "intelligence": 0.35,
	"guard": 0.35, "unit": 0.3, "division": 0.3, "headquarters": 0.3, "command": 0.3, "institute": 0.3,
	"university": 0.3, "center": 0.25, "centre": 0.25, "research": 0.3, "academy": 0.3, "people": 0.3,
	"peoples": 0.3, "popular": 0.3, "islamic": 0.4, "revolutionary": 0.4, "regional": 0.3, "municipal": 0.3,
	"city": 0.3, "province": 0.3, "provincial": 0.3, "county": 0.3, "district": 0.3,
	// Businesses.
	"company": 0.15, "group": 0.2, "holding": 0.2, "holdings": 0.2, "industry": 0.25, "industries": 0.25,
	"industrial": 0.25, "international": 0.2, "global": 0.25, "technology": 0.2, "technologies": 0.2,
	"tech": 0.25, "systems": 0.25, "system": 0.25, "solutions": 0.25, "trading": 0.25, "trade": 0.25,
	"enterprise": 0.25, "enterprises": 0.25, "electronics": 0.3, "electronic": 0.3, "engineering": 0.3,
	"communications": 0.3, "communication": 0.3, "telecommunications": 0.3, "telecom": 0.3, "network": 0.3,
	"networks": 0.3, "digital": 0.3, "science": 0.3, "sciences": 0.3, "scientific": 0.3, "development": 0.3,
	"investment": 0.3, "investments": 0.3, "management": 0.3, "manufacturing": 0.3, "products": 0.3,
	"equipment": 0.3, "import": 0.3, "export": 0.3, "bank": 0.3, "partners": 0.3,
	"associates": 0.3, "consulting": 0.3, "software": 0.3, "information": 0.3, "data": 0.3,
	"new": 0.3, "first": 0.3, "united": 0.3, "joint": 0.3, "stock": 0.3, "co": 0.15, "corp": 0.15,
}

// weightOf is the weight of a word by the table of generic words.
func weightOf(w string) float64 {
	if g, ok := generic[w]; ok {
		return g
	}
	if len(w) == 1 {
		return 0.3 // an initial
	}
	return 1
}

// Stats are the corpus statistics that make rare words weigh more: how
// many entities a store holds, and how many have a word in a name.
type Stats interface {
	// Docs is the number of entities.
	Docs() int
	// DocFreq is the number of entities with the word in a name, counted
	// up to MaxDocFreq.
	DocFreq(word string) int
}

// MaxDocFreq is where document frequencies stop being counted: beyond it
// a word is common, however common. Both stores count to it, so that they
// score alike.
const MaxDocFreq = 1000

// rarity scales a word's weight by how few entities have it: 1 for a word
// of one entity in a thousand or fewer, down to 0.3 for a word of
// MaxDocFreq entities or more.
func rarity(s Stats, w string) float64 {
	if s == nil {
		return 1
	}
	n, df := s.Docs(), s.DocFreq(w)
	if n <= 0 || df <= 1 {
		return 1
	}
	share := float64(df) / float64(n)
	if share <= 0.001 && df < 50 {
		return 1
	}
	r := 1 - 0.7*math.Log10(float64(df))/math.Log10(MaxDocFreq)
	return math.Max(0.3, math.Min(1, r))
}

// WordWeight is the weight a word carries in a name by itself: low for
// generic words ("ministry", "trading", "of"), 0.3 for an initial, 1
// otherwise.
func WordWeight(w string) float64 { return weightOf(w) }
