package graph

import "context"

// Store keeps the graph, and the upload jobs and audit log beside it (see
// JobStore), so that every server sharing a store answers alike. The
// embedded store and the Neo4j store implement it and pass the same
// conformance suite (graph/graphtest). The rules that can be written once
// live above it (graph/exposure); the store runs only the path search,
// which Neo4j must do in the database.
type Store interface {
	JobStore

	// Apply writes an upload atomically and idempotently: either all of it
	// is stored or none, and writing it again changes nothing. Entity rows
	// merge into existing entities: an empty field keeps the stored value.
	// progress, when not nil, is called with rows written so far and the total.
	Apply(ctx context.Context, u Upload, progress func(done, total int)) (WriteResult, error)

	// Entity returns the entity with the id, or ErrNotFound.
	Entity(ctx context.Context, id string) (Entity, error)
	// EachEntity calls fn with every entity, in id order, reading them a
	// page at a time so that no lock or transaction is held while fn runs
	// (cross-referencing reads a million entities this way, where Export
	// would copy the whole graph). An entity written meanwhile may or may
	// not be seen. An error from fn stops the walk and is returned.
	EachEntity(ctx context.Context, fn func(Entity) error) error
	// EntitiesByName returns, for each name key (see NameKey), the entities
	// whose name or one of whose aliases has that key, sorted by id.
	EntitiesByName(ctx context.Context, keys []string) (map[string][]Entity, error)
	// Search returns up to limit entities whose name or alias matches the
	// text, best first; see SearchQuery.
	Search(ctx context.Context, q SearchQuery) ([]Match, error)
	// Links returns every link from or to the entity, sorted by key.
	Links(ctx context.Context, id string) ([]Link, error)
	// Listings returns the entity's listings, sorted by key.
	Listings(ctx context.Context, id string) ([]Listing, error)
	// Lists returns every stored list, sorted by id.
	Lists(ctx context.Context) ([]List, error)
	// Neighborhood returns the entities and links within depth links of the
	// entity, at most limit entities, and whether it stopped at the limit.
	Neighborhood(ctx context.Context, id string, q NeighborhoodQuery) (Subgraph, error)

	// History returns the revisions of the entity and of every link from
	// or to it (see Revision), sorted by target and key, each one's oldest
	// first; Apply records them. None for an entity never updated.
	History(ctx context.Context, id string) ([]Revision, error)

	// Decisions returns every identity decision, sorted by key. Apply
	// stores them (Upload.Decisions) and refuses a set that contradicts
	// itself (see MergeDecisions).
	Decisions(ctx context.Context) ([]Decision, error)
	// Undecide removes the decision on the pair a, b and returns it, or
	// ErrNotFound: the only way a decision is undone.
	Undecide(ctx context.Context, a, b string) (Decision, error)

	// Country returns the country with the alpha-2 code, or ErrNotFound.
	Country(ctx context.Context, code string) (Country, error)
	// Countries returns every stored country, sorted by code.
	Countries(ctx context.Context) ([]Country, error)

	// Transaction returns the transaction with the id, or ErrNotFound.
	Transaction(ctx context.Context, id string) (Transaction, error)
	// Transactions returns the transactions whose buyer, seller or end-user
	// is one of the entities, or every transaction when ids is nil; sorted by id.
	Transactions(ctx context.Context, ids []string) ([]Transaction, error)

	// Reach runs the exposure path search (SPEC §3) for each query, in order.
	Reach(ctx context.Context, qs []ReachQuery, p Policy) ([]Reach, error)

	// SaveFlags stores flags, replacing those of the same transactions.
	SaveFlags(ctx context.Context, fs []Flag) error
	// Flag returns the flag of a transaction, or ErrNotFound.
	Flag(ctx context.Context, transactionID string) (Flag, error)
	// Flags returns the flags that match, ordered by severity (most severe
	// first), then transaction id, and how many match in all.
	Flags(ctx context.Context, f FlagFilter) ([]Flag, int, error)

	// Export returns everything stored but flags as one upload: entities,
	// countries, links, transactions, lists, listings and identity
	// decisions, each sorted by id (links, listings and decisions by key),
	// with their sources. It serves backups, moving between stores, and
	// comparing stores in tests.
	Export(ctx context.Context) (Upload, error)

	// Stats counts what is stored.
	Stats(ctx context.Context) (Stats, error)

	// Close releases the store.
	Close() error
}

// SearchQuery asks for entities by name. Candidates come from the
// store's retrieval index (words, phonetic keys, names written together,
// initials, keys a typo away) and are scored by the matcher (graph/match)
// on name, country, kind and identifier. With Restrict, Country and Kind
// restrict the candidates instead of scoring them.
type SearchQuery struct {
	Text       string
	Country    string
	Kind       Kind
	Identifier string
	Restrict   bool
	// Prefix reads the last word as the start of a word (search as you
	// type): a name that starts with the text scores at least 0.9.
	Prefix bool
	// MinScore is the least score returned; MinMatchScore when zero.
	MinScore float64
	Limit    int
}

// Match is a search result with a score in [0, 1]; 1 is the same name.
type Match struct {
	Entity Entity  `json:"entity"`
	Score  float64 `json:"score"`
	// Matched is the name or alias that matched.
	Matched string `json:"matched"`
	// Features explain the score.
	Features []MatchFeature `json:"features"`
}

// MatchFeature is one part of a match's explanation: what was compared
// (name, country, kind, identifier), how alike it was, and what it did to
// the score (sets, raises, lowers, keeps).
type MatchFeature struct {
	Name   string  `json:"name"`
	Score  float64 `json:"score"`
	Effect string  `json:"effect"`
	Detail string  `json:"detail"`
}

// NeighborhoodQuery bounds a neighbourhood.
type NeighborhoodQuery struct {
	Depth int        // links from the entity; 1 when zero
	Limit int        // most entities returned; 200 when zero
	Types []LinkType // only these link types; all when empty
}

// Subgraph is a bounded part of the graph.
type Subgraph struct {
	Entities []Entity `json:"entities"`
	Links    []Link   `json:"links"`
	// Listings are the listings of the entities, sorted by key.
	Listings  []Listing `json:"listings"`
	Truncated bool      `json:"truncated"`
}

// Stats counts the stored graph.
type Stats struct {
	Entities     map[Kind]int     `json:"entities"`
	Links        map[LinkType]int `json:"links"`
	Countries    int              `json:"countries"`
	Transactions int              `json:"transactions"`
	Lists        int              `json:"lists"`
	Listings     int              `json:"listings"`
	Decisions    map[Identity]int `json:"decisions"`
	Clusters     int              `json:"clusters"` // SAME_AS clusters of two or more
	Flags        map[Severity]int `json:"flags"`    // flags not cleared-as-clear, by severity
}
