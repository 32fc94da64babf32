// Package neo4jstore is the Neo4j store: the graph kept in Neo4j 5 (tested
// against 5.26 LTS) under the public schema of SPEC §1, written in batched
// parameterised statements and searched in the database: the exposure path
// search is one Cypher query per call of Reach. Cypher lives here and
// nowhere else. docs/NEO4J.md describes the stored schema.
package neo4jstore

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/hopcheck/hopcheck/graph"
)

// Config says where Neo4j is and how to write to it.
type Config struct {
	URI      string // bolt://host:7687, neo4j://…, neo4j+s://… (Aura)
	User     string
	Password string
	Database string // empty: the server's default database

	// TxRows is the most changed rows an upload may have to be written in
	// one transaction; a larger upload is written in idempotent batches,
	// each its own transaction (see Apply). 0 means 20,000: a server with
	// a 1 GB heap holds 60,000 rows in one transaction, not 300,000.
	TxRows int
	// BatchRows is the number of rows one UNWIND statement writes.
	// 0 means 2,000.
	BatchRows int
	// Writers is the number of sessions that write the batches of a large
	// upload (more than TxRows rows) at once, where the rows allow it
	// (Apply). 0 means 2.
	Writers int
	// Readers is the number of queries one Reach call with many starts is
	// split into, run at once (flagging every transaction). 0 means 2.
	Readers int
	// HorizonStarts is the fewest queries of a Reach call that builds the
	// policy's horizon when the graph changed since it was last built
	// (horizon.go): smaller calls search without it until a larger one
	// builds it. 0 means 100; a negative value never builds it.
	HorizonStarts int
	// RetryTime bounds the driver's retries of a transaction that failed
	// for a transient reason. 0 means 15 seconds.
	RetryTime time.Duration
}

// Store is the Neo4j store.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
	down   atomic.Bool // Neo4j was found unavailable; see reachable
	// linkKeys: every link type has its unique constraint on key, so
	// Apply may CREATE the links it found missing (apply.go).
	linkKeys bool
	// horizonMu makes this store build one horizon at a time (horizon.go).
	horizonMu sync.Mutex
	// planned, when set (by tests), is called after an upload's plan is
	// made and before it is written.
	planned func()
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j, checks that it answers with the credentials, and
// creates the constraints and indexes the store relies on (idempotently).
// A Neo4j that cannot be reached or refuses the credentials gives one
// graph.Error with code EUNAVAILABLE that names the URI.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, graph.Errorf(graph.EINVALID, "neo4j: no URI given")
	}
	if cfg.TxRows <= 0 {
		cfg.TxRows = 20000
	}
	if cfg.BatchRows <= 0 {
		cfg.BatchRows = 2000
	}
	if cfg.Writers <= 0 {
		cfg.Writers = 2
	}
	if cfg.Readers <= 0 {
		cfg.Readers = 2
	}
	if cfg.HorizonStarts == 0 {
		cfg.HorizonStarts = 100
	}
	if cfg.RetryTime <= 0 {
		cfg.RetryTime = 15 * time.Second
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""),
		func(c *config.Config) {
			c.MaxTransactionRetryTime = cfg.RetryTime
			c.SocketConnectTimeout = 5 * time.Second
			c.ConnectionAcquisitionTimeout = 30 * time.Second
			c.UserAgent = "hopcheck"
		})
	if err != nil {
		return nil, graph.Wrap(graph.EINVALID, err, "neo4j URI %q", cfg.URI)
	}
	s := &Store{driver: driver, cfg: cfg}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(context.Background())
		return nil, s.fail(err, "connecting")
	}
	if err := s.createSchema(ctx); err != nil {
		driver.Close(context.Background())
		return nil, err
	}
	if err := s.addMatchKeys(ctx); err != nil {
		driver.Close(context.Background())
		return nil, err
	}
	if err := s.addVocabulary(ctx); err != nil {
		driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// Close releases the driver's connections.
func (s *Store) Close() error {
	return s.driver.Close(context.Background())
}

// schema holds the constraints and indexes of the store; every statement is
// idempotent.
var schema = []string{
	"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE",
	"CREATE CONSTRAINT country_code IF NOT EXISTS FOR (c:Country) REQUIRE c.code IS UNIQUE",
	"CREATE CONSTRAINT list_id IF NOT EXISTS FOR (l:List) REQUIRE l.id IS UNIQUE",
	"CREATE INDEX assessment_country IF NOT EXISTS FOR (a:Assessment) ON (a.country, a.year)",
	"CREATE CONSTRAINT transaction_id IF NOT EXISTS FOR (t:Transaction) REQUIRE t.id IS UNIQUE",
	"CREATE CONSTRAINT flag_transaction_id IF NOT EXISTS FOR (f:Flag) REQUIRE f.transaction_id IS UNIQUE",
	"CREATE CONSTRAINT upload_job_id IF NOT EXISTS FOR (j:UploadJob) REQUIRE j.id IS UNIQUE",
	"CREATE CONSTRAINT audit_log_id IF NOT EXISTS FOR (l:AuditLog) REQUIRE l.id IS UNIQUE",
	"CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.seq IS UNIQUE",
	// name_keys is "|key|key|…|": the NameKey of the name and of each alias.
	"CREATE TEXT INDEX entity_name_keys IF NOT EXISTS FOR (e:Entity) ON (e.name_keys)",
	"CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.aliases, e.name_keys]",
	// match_keys is the retrieval keys of graph/match, separated by spaces;
	// the whitespace analyzer keeps them as they are.
	"CREATE FULLTEXT INDEX entity_match IF NOT EXISTS FOR (e:Entity) ON EACH [e.match_keys] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
	// The vocabulary of fuzzy retrieval keys, each with its deletions (search.go).
	"CREATE CONSTRAINT match_key IF NOT EXISTS FOR (k:MatchKey) REQUIRE k.key IS UNIQUE",
	"CREATE FULLTEXT INDEX match_key_near IF NOT EXISTS FOR (k:MatchKey) ON EACH [k.near] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
	// cluster is the id of the entity's SAME_AS cluster: its own when it is in none (identity.go).
	"CREATE INDEX entity_cluster IF NOT EXISTS FOR (e:Entity) ON (e.cluster)",
	"CREATE INDEX transaction_ship_to IF NOT EXISTS FOR (t:Transaction) ON (t.ship_to)",
	"CREATE INDEX flag_listing IF NOT EXISTS FOR (f:Flag) ON (f.severity_rank, f.transaction_id)",
	"CREATE INDEX flag_status IF NOT EXISTS FOR (f:Flag) ON (f.status)",
	"CREATE INDEX flag_country IF NOT EXISTS FOR (f:Flag) ON (f.country)",
	"CREATE INDEX upload_job_created IF NOT EXISTS FOR (j:UploadJob) ON (j.created)",
	"CREATE INDEX revision_of IF NOT EXISTS FOR (h:Revision) ON (h.of, h.seq)",
	// The graph version and the horizons built at a version (horizon.go).
	"CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (g:GraphVersion) REQUIRE g.id IS UNIQUE",
	"CREATE CONSTRAINT horizon_key IF NOT EXISTS FOR (h:Horizon) REQUIRE h.key IS UNIQUE",
}

// linkKeyConstraint makes the key of links of type t unique.
func linkKeyConstraint(t graph.LinkType) string {
	return "CREATE CONSTRAINT link_key_" + strings.ToLower(string(t)) + " IF NOT EXISTS FOR ()-[r:" + string(t) + "]-() REQUIRE r.key IS UNIQUE"
}

// addClusters gives every entity without one its cluster: itself.
const addClusters = `
MATCH (e:Entity) WHERE e.cluster IS NULL
CALL (e) { SET e.cluster = e.id } IN TRANSACTIONS OF 10000 ROWS`

const upgradeCountries = `
MATCH (c:Country)
WHERE (c.restrictive IS NOT NULL OR c.score IS NOT NULL OR c.basis IS NOT NULL) AND NOT (c)-[:HAS_ASSESSMENT]->()
CREATE (c)-[:HAS_ASSESSMENT]->(a:Assessment)
SET a = {country: c.code, restrictive: c.restrictive, score: c.score, basis: c.basis,
  upload: c.upload, file: c.file, sheet: c.sheet, row: c.row, evidence: c.evidence}
REMOVE c.restrictive, c.score, c.basis`

func (s *Store) createSchema(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
			return s.fail(err, "creating the schema")
		}
	}
	// The key of a link is unique (it names the type and both ends): the
	// constraints let Apply CREATE new links instead of MERGEing them, and
	// refuse a second one with the same key. A database holding a key
	// twice (written by concurrent uploads before the constraints) cannot
	// take them: its links are then MERGEd, as before.
	s.linkKeys = true
	for _, t := range graph.LinkTypes {
		if _, err := neo4j.ExecuteQuery(ctx, s.driver, linkKeyConstraint(t), nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
			var nerr *neo4j.Neo4jError
			if errors.As(err, &nerr) && strings.Contains(nerr.Code, ".Schema.") {
				s.linkKeys = false
				continue
			}
			return s.fail(err, "creating the schema")
		}
	}
	// A country stored before yearly assessments held its one assessment in
	// its own properties: it becomes the assessment without a year.
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, upgradeCountries, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
		return s.fail(err, "upgrading the countries' assessments")
	}
	// Every entity names its SAME_AS cluster; one stored before clusters
	// is a cluster of its own.
	if err := s.autocommit(ctx, addClusters); err != nil {
		return s.fail(err, "giving entities their clusters")
	}
	if err := s.upgradeFlags(ctx); err != nil {
		return err
	}
	if _, err := neo4j.ExecuteQuery(ctx, s.driver, "CALL db.awaitIndexes(300)", nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database)); err != nil {
		return s.fail(err, "waiting for the indexes")
	}
	return nil
}

// session opens a session on the configured database.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: mode})
}

// read runs one query in a read transaction and returns its records.
func (s *Store) read(ctx context.Context, what, query string, params map[string]any) ([]*neo4j.Record, error) {
	if err := s.reachable(ctx, what); err != nil {
		return nil, err
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	recs, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	if err != nil {
		return nil, s.fail(err, what)
	}
	return recs, nil
}

// classify turns a driver error into a graph.Error: EUNAVAILABLE when Neo4j
// cannot be reached or refuses us, EINTERNAL otherwise. what says what the
// store was doing.
func (s *Store) classify(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) && len(limit.Errors) > 0 {
		if inner := s.classify(limit.Errors[len(limit.Errors)-1], what); graph.ErrorCode(inner) == graph.EUNAVAILABLE {
			return inner
		}
	}
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		return graph.Wrap(graph.EUNAVAILABLE, cause{root(conn.Inner), err}, "neo4j at %s is unreachable", s.cfg.URI)
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) {
		switch {
		case nerr.Code == "Neo.ClientError.Security.Unauthorized" || nerr.Code == "Neo.ClientError.Security.AuthenticationRateLimit":
			return graph.Wrap(graph.EUNAVAILABLE, cause{errors.New(nerr.Msg), err},
				"neo4j at %s refused the credentials of user %q", s.cfg.URI, s.cfg.User)
		case nerr.Code == "Neo.ClientError.Database.DatabaseNotFound":
			return graph.Wrap(graph.EUNAVAILABLE, cause{errors.New(nerr.Msg), err},
				"neo4j at %s has no database %q", s.cfg.URI, s.cfg.Database)
		case strings.HasPrefix(nerr.Code, "Neo.TransientError.General.DatabaseUnavailable"):
			return graph.Wrap(graph.EUNAVAILABLE, cause{errors.New(nerr.Msg), err}, "neo4j at %s: database unavailable", s.cfg.URI)
		}
	}
	var nerr2 net.Error
	if errors.As(err, &nerr2) {
		return graph.Wrap(graph.EUNAVAILABLE, cause{root(err), err}, "neo4j at %s is unreachable", s.cfg.URI)
	}
	return graph.Wrap(graph.EINTERNAL, err, "neo4j: %s", what)
}

// cause shows the root of a driver error in messages and keeps the whole
// error for errors.As.
type cause struct {
	short error
	full  error
}

func (c cause) Error() string { return c.short.Error() }
func (c cause) Unwrap() error { return c.full }

// root returns the innermost error of a chain: for a refused dial,
// "connection refused" rather than the driver's stack of wrappers.
func root(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// errNotFound is the ENOTFOUND error for a missing thing.
func errNotFound(format string, args ...any) error {
	return graph.Errorf(graph.ENOTFOUND, format, args...)
}

// quantifier checks a bound that is written into query text (Cypher cannot
// take a quantifier as a parameter): only integers in the policy's range.
func quantifier(n, lo, hi int, what string) (int, error) {
	if n < lo || n > hi {
		return 0, graph.Errorf(graph.EINVALID, "policy: %s must be between %d and %d, got %d", what, lo, hi, n)
	}
	return n, nil
}
