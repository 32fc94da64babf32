package neo4jstore

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/sync/errgroup"

	"github.com/hopcheck/hopcheck/graph"
)

// Apply implements graph.Store.
//
// The upload is checked on its own, then against the stored graph (unknown
// references, kind changes) before anything is written. Rows are merged in
// Go with the stored values and only the rows that change are written, in
// UNWIND statements of Config.BatchRows rows.
//
// An upload of at most Config.TxRows rows is read, checked and written in
// one transaction: all of it is stored or none. A larger one would hold too
// much transaction state in the server, so it is read and checked first,
// then written in batches that are each a transaction. Every batch sets
// the merged values (it does not add to them) and MERGEs nodes and
// relationships on their keys, so running the same upload again after a
// failure completes it without duplicates.
func (s *Store) Apply(ctx context.Context, u graph.Upload, progress func(done, total int)) (graph.WriteResult, error) {
	if err := checkRows(u); err != nil {
		return graph.WriteResult{}, err
	}
	if err := s.reachable(ctx, "writing an upload"); err != nil {
		return graph.WriteResult{}, err
	}
	total := len(u.Entities) + len(u.Countries) + len(u.Links) + len(u.Transactions) + len(u.Lists) + len(u.Listings) + len(u.Decisions)
	report := func(done int) {
		if progress != nil {
			progress(done, total)
		}
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())

	if total <= s.cfg.TxRows {
		once := func(create bool) (graph.WriteResult, error) {
			return neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (graph.WriteResult, error) {
				p, err := s.plan(ctx, tx, u, create)
				if err != nil {
					return graph.WriteResult{}, err
				}
				if s.planned != nil {
					s.planned()
				}
				for i, b := range p.batches {
					if err := b.run(ctx, tx); err != nil {
						return graph.WriteResult{}, err
					}
					report(p.done(i, total))
				}
				if len(p.batches) > 0 {
					if _, err := collect(ctx, tx, bumpVersion, nil); err != nil {
						return graph.WriteResult{}, err
					}
				}
				return p.res, nil
			})
		}
		res, err := once(true)
		if collided(err) {
			// Another upload stored a row this one was creating, after
			// the plan read it: the transaction is rolled back, so plan
			// again against what is stored now.
			res, err = once(false)
		}
		if err != nil {
			return graph.WriteResult{}, s.applyErr(err)
		}
		report(total)
		return res, nil
	}

	p, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) (*plan, error) { return s.plan(ctx, tx, u, true) })
	if err != nil {
		return graph.WriteResult{}, s.applyErr(err)
	}
	if s.planned != nil {
		s.planned()
	}
	if err := s.writeStagesVersioned(ctx, p, func(rows int) { report(total * rows / max(p.rows, 1)) }); err != nil {
		return graph.WriteResult{}, s.applyErr(err)
	}
	report(total)
	return p.res, nil
}

// writeStagesVersioned is writeStages between two increases of the graph
// version (horizon.go): a horizon built before the batches, or while they
// were written, is not used after them, nor after a failed upload.
func (s *Store) writeStagesVersioned(ctx context.Context, p *plan, written func(rows int)) error {
	if len(p.batches) == 0 {
		return nil
	}
	if err := s.bumpGraphVersion(ctx); err != nil {
		return err
	}
	err := s.writeStages(ctx, p, written)
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return errors.Join(err, s.bumpGraphVersion(bctx))
}

// writeStages writes the batches of a plan each in its own transaction,
// stage after stage, the batches of a stage on up to Config.Writers
// sessions at once. written is called with the rows written so far.
func (s *Store) writeStages(ctx context.Context, p *plan, written func(rows int)) error {
	var (
		mu   sync.Mutex // guards done and the calls of written
		done int
	)
	write := func(ctx context.Context, sess neo4j.SessionWithContext, b batch) error {
		err := s.writeBatch(ctx, sess, b)
		if collided(err) {
			// Another upload stored one of the batch's rows since the plan:
			// merge the batch's rows instead (its transaction is rolled back).
			err = s.writeBatch(ctx, sess, b.merging())
		}
		if err == nil {
			mu.Lock()
			done += len(b.rows)
			written(done)
			mu.Unlock()
		}
		return err
	}
	for lo := 0; lo < len(p.batches); {
		hi := lo + 1
		for hi < len(p.batches) && p.batches[hi].stage == p.batches[lo].stage {
			hi++
		}
		stage := p.batches[lo:hi]
		lo = hi
		g, gctx := errgroup.WithContext(ctx)
		next := make(chan batch)
		for range min(s.cfg.Writers, len(stage)) {
			g.Go(func() error {
				sess := s.session(gctx, neo4j.AccessModeWrite)
				defer sess.Close(context.Background())
				for b := range next {
					if err := write(gctx, sess, b); err != nil {
						return err
					}
				}
				return nil
			})
		}
		g.Go(func() error {
			defer close(next)
			for _, b := range stage {
				select {
				case next <- b:
				case <-gctx.Done():
					return nil
				}
			}
			return nil
		})
		if err := g.Wait(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) writeBatch(ctx context.Context, sess neo4j.SessionWithContext, b batch) error {
	_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, b.run(ctx, tx)
	})
	return err
}

// collided tells the refusal of a CREATE by a unique constraint: another
// upload stored the same entity, transaction or link key after the plan
// read the graph.
func collided(err error) bool {
	var nerr *neo4j.Neo4jError
	return errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed"
}

// applyErr keeps the domain errors of the check and maps driver errors.
func (s *Store) applyErr(err error) error {
	var e *graph.Error
	if errors.As(err, &e) {
		return e
	}
	return s.fail(err, "writing an upload")
}

// checkRows refuses an upload that no store could hold, without looking at
// the stored graph: missing ids, unknown kinds and link types, malformed
// country codes and dates.
func checkRows(u graph.Upload) error {
	kinds := map[string]graph.Kind{}
	for _, e := range u.Entities {
		if e.ID == "" || !e.Kind.Valid() {
			return graph.Errorf(graph.EINVALID, "entity %q: missing id or unknown kind %q", e.ID, e.Kind)
		}
		if k, ok := kinds[e.ID]; ok && k != e.Kind {
			return graph.Errorf(graph.ECONFLICT, "entity %s is given as both %s and %s", e.ID, k, e.Kind)
		}
		kinds[e.ID] = e.Kind
	}
	for _, c := range u.Countries {
		if len(c.Code) != 2 {
			return graph.Errorf(graph.EINVALID, "country %q: not an alpha-2 code", c.Code)
		}
	}
	for _, l := range u.Links {
		if !l.Type.Valid() {
			return graph.Errorf(graph.EINVALID, "link %s: unknown type %q", l.Key(), l.Type)
		}
		for _, d := range []struct{ v, what string }{{l.ValidFrom, "valid_from"}, {l.ValidTo, "valid_to"}} {
			if d.v != "" {
				if _, err := parseDay(d.v, "link "+l.Key()+" "+d.what); err != nil {
					return err
				}
			}
		}
	}
	for _, l := range u.Lists {
		if l.ID == "" {
			return graph.Errorf(graph.EINVALID, "list %q: missing id", l.Name)
		}
	}
	for _, l := range u.Listings {
		for _, d := range []struct{ v, what string }{{l.ListedFrom, "listed_from"}, {l.ListedTo, "listed_to"}} {
			if d.v != "" {
				if _, err := parseDay(d.v, "listing "+l.Key()+" "+d.what); err != nil {
					return err
				}
			}
		}
	}
	for _, t := range u.Transactions {
		if t.ID == "" || t.Buyer == "" {
			return graph.Errorf(graph.EINVALID, "transaction %q: missing id or buyer", t.ID)
		}
		if t.Date != "" {
			if _, err := parseDay(t.Date, "transaction "+t.ID+" date"); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan is what an upload writes: the counts, and the statements in order
// (countries, entities, links, transactions, so that every reference is
// written before the rows that name it).
type plan struct {
	res     graph.WriteResult
	batches []batch
	rows    int // rows written by all batches
	stage   int // the stage of the batches added next; see then
}

// then starts a new stage: the batches added from now on are written after
// those added before. The batches of one stage write distinct rows, none of
// which names another's, so a large upload writes them concurrently.
func (p *plan) then() { p.stage++ }

// done converts the batches written so far into upload rows for progress.
func (p *plan) done(i, total int) int {
	if p.rows == 0 {
		return total
	}
	n := 0
	for _, b := range p.batches[:i+1] {
		n += len(b.rows)
	}
	return total * n / p.rows
}

// batch is one write statement and its rows. A batch that CREATEs what the
// plan found missing has as fallback the statement that MERGEs the same
// rows, for when another upload wrote one of them after the plan read it
// (the unique constraints refuse the CREATE; see Apply).
type batch struct {
	query    string
	fallback string
	rows     []map[string]any
	stage    int
}

func (b batch) run(ctx context.Context, tx neo4j.ManagedTransaction) error {
	res, err := tx.Run(ctx, b.query, map[string]any{"rows": b.rows})
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

func (p *plan) add(query string, rows []map[string]any, size int) {
	p.addCreate(query, "", rows, size)
}

// addCreate adds the batches of a statement that creates its rows, with the
// statement that merges them as fallback ("" for none).
func (p *plan) addCreate(query, fallback string, rows []map[string]any, size int) {
	for lo := 0; lo < len(rows); lo += size {
		p.batches = append(p.batches, batch{query: query, fallback: fallback, rows: rows[lo:min(lo+size, len(rows))], stage: p.stage})
		p.rows += min(size, len(rows)-lo)
	}
}

// merging is the batch with its fallback statement in place of a CREATE.
func (b batch) merging() batch {
	if b.fallback == "" {
		return b
	}
	return batch{query: b.fallback, rows: b.rows, stage: b.stage}
}

// plan reads what the upload touches, checks it against the stored graph
// and merges it. With create, what is not stored is written with CREATE
// (nothing to look up), else everything with MERGE.
func (s *Store) plan(ctx context.Context, tx neo4j.ManagedTransaction, u graph.Upload, create bool) (*plan, error) {
	p := &plan{}
	size := s.cfg.BatchRows

	// Entities: the stored ones the upload restates or names.
	entityKeys, entities := fold(u.Entities, func(e graph.Entity) string { return e.ID }, graph.MergeEntity)
	named := slices.Clone(entityKeys)
	for _, l := range u.Links {
		named = append(named, l.From, l.To)
	}
	for _, t := range u.Transactions {
		named = append(named, t.Buyer, t.Seller, t.EndUser)
	}
	for _, l := range u.Listings {
		named = append(named, l.Entity)
	}
	for _, d := range u.Decisions {
		named = append(named, d.A, d.B)
	}
	// On a first import nothing is stored: the lookups are skipped.
	someEntity, err := exists(ctx, tx, "MATCH (e:Entity) RETURN count(e) > 0")
	if err != nil {
		return nil, err
	}
	stored := map[string]graph.Entity{}
	if someEntity {
		if stored, err = s.storedEntities(ctx, tx, named); err != nil {
			return nil, err
		}
	}
	for _, id := range entityKeys {
		if old, ok := stored[id]; ok && old.Kind != entities[id].Kind {
			return nil, graph.Errorf(graph.ECONFLICT, "entity %s is stored as %s and cannot become %s", id, old.Kind, entities[id].Kind)
		}
	}
	known := func(id string) bool {
		_, inUpload := entities[id]
		_, ok := stored[id]
		return inUpload || ok
	}
	for _, l := range u.Links {
		for _, id := range []string{l.From, l.To} {
			if !known(id) {
				return nil, graph.Errorf(graph.EINVALID, "link %s: no entity %q", l.Key(), id)
			}
		}
	}
	for _, t := range u.Transactions {
		for _, id := range []string{t.Buyer, t.Seller, t.EndUser} {
			if id != "" && !known(id) {
				return nil, graph.Errorf(graph.EINVALID, "transaction %s: no entity %q", t.ID, id)
			}
		}
	}
	for _, d := range u.Decisions {
		for _, id := range []string{d.A, d.B} {
			if id != "" && !known(id) {
				return nil, graph.Errorf(graph.EINVALID, "identity decision %s: no entity %q", d.Key(), id)
			}
		}
	}

	// Lists: the stored ones the upload restates or its listings name.
	listKeys, lists := fold(u.Lists, func(l graph.List) string { return l.ID }, graph.MergeList)
	listNames := slices.Clone(listKeys)
	for _, l := range u.Listings {
		listNames = append(listNames, l.List)
	}
	storedLists, err := s.storedLists(ctx, tx, listNames)
	if err != nil {
		return nil, err
	}
	for _, l := range u.Listings {
		if !known(l.Entity) {
			return nil, graph.Errorf(graph.EINVALID, "listing %s: no entity %q", l.Key(), l.Entity)
		}
		if _, ok := lists[l.List]; !ok {
			if _, ok := storedLists[l.List]; !ok {
				return nil, graph.Errorf(graph.EINVALID, "listing %s: no list %q", l.Key(), l.List)
			}
		}
	}

	// Countries: merged row by row into the stored one, as a row that only
	// names a country changes a stored country but not one of the upload.
	codes, _ := fold(u.Countries, func(c graph.Country) string { return c.Code }, graph.MergeCountry)
	storedCountries, err := s.storedCountries(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	countries := map[string]graph.Country{}
	for _, c := range u.Countries {
		if prev, ok := countries[c.Code]; ok {
			countries[c.Code] = graph.MergeCountry(prev, c)
		} else if old, ok := storedCountries[c.Code]; ok {
			countries[c.Code] = graph.MergeCountry(old, c)
		} else {
			countries[c.Code] = c
		}
	}
	var rows []map[string]any
	for _, code := range sorted(codes) {
		old, ok := storedCountries[code]
		c := countries[code]
		if change(&p.res.Countries, old, ok, c) {
			rows = append(rows, map[string]any{"code": code, "props": countryProps(c), "assessments": assessmentProps(c)})
		}
	}
	p.add(writeCountries, rows, size)
	p.then()

	// Entities, by kind: the label comes from the kind's constant. The ones
	// not stored are CREATEd, the others MERGEd.
	byKind, newByKind := map[graph.Kind][]map[string]any{}, map[graph.Kind][]map[string]any{}
	var revs, vocabulary []map[string]any
	seen := map[string]bool{}
	for _, id := range sorted(entityKeys) {
		old, ok := stored[id]
		e := entities[id]
		if ok {
			e = graph.MergeEntity(old, e)
		}
		if change(&p.res.Entities, old, ok, e) {
			props := entityProps(e)
			row := map[string]any{"id": id, "props": props}
			if keys, ok := props["match_keys"].(string); ok {
				vocabulary = append(vocabulary, vocabularyRows(strings.Fields(keys), seen)...)
			}
			if !ok && create {
				newByKind[e.Kind] = append(newByKind[e.Kind], row)
				continue
			}
			byKind[e.Kind] = append(byKind[e.Kind], row)
			if ok {
				if r, changed := graph.EntityRevision(old, e); changed {
					revs = append(revs, revisionRow(r))
				}
			}
		}
	}
	// Revisions go before the values they replace: a batch run again
	// after a failure finds the same revision and MERGEs it.
	p.add(writeRevisions, revs, size)
	// In key order, so that concurrent uploads lock shared keys in the
	// same order.
	slices.SortFunc(vocabulary, func(a, b map[string]any) int { return strings.Compare(a["key"].(string), b["key"].(string)) })
	p.add(writeVocabulary, vocabulary, size)
	p.then()
	for _, k := range graph.Kinds {
		p.addCreate(createEntities(k), writeEntities(k), newByKind[k], size)
		p.add(writeEntities(k), byKind[k], size)
	}
	p.then()

	// Links, by type. Only a link between two stored entities can be
	// stored: the others are not looked up (none is on a first import).
	linkKeys, links := fold(u.Links, graph.Link.Key, graph.MergeLink)
	var between []string
	for _, k := range linkKeys {
		_, from := stored[links[k].From]
		_, to := stored[links[k].To]
		if from && to {
			between = append(between, k)
		}
	}
	storedLinks, err := s.storedLinks(ctx, tx, links, between)
	if err != nil {
		return nil, err
	}
	// The links not stored are CREATEd when the link-key constraints
	// guard them (linkKeys: a second relationship with the same key is
	// refused), the others MERGEd on their key.
	byType, newByType := map[graph.LinkType][]map[string]any{}, map[graph.LinkType][]map[string]any{}
	revs = nil
	for _, k := range sorted(linkKeys) {
		old, ok := storedLinks[k]
		l := links[k]
		if ok {
			l = graph.MergeLink(old, l)
		}
		if change(&p.res.Links, old, ok, l) {
			row := map[string]any{"from": l.From, "to": l.To, "key": k, "props": linkProps(l)}
			if !ok && create && s.linkKeys {
				newByType[l.Type] = append(newByType[l.Type], row)
				continue
			}
			byType[l.Type] = append(byType[l.Type], row)
			if ok {
				if r, changed := graph.LinkRevision(old, l); changed {
					revs = append(revs, revisionRow(r))
				}
			}
		}
	}
	p.add(writeRevisions, revs, size)
	p.then()
	for _, t := range graph.LinkTypes {
		p.addCreate(createLinks(t), writeLinks(t), newByType[t], size)
		p.add(writeLinks(t), byType[t], size)
	}
	p.then()

	// Lists, then listings.
	rows = nil
	for _, id := range sorted(listKeys) {
		old, ok := storedLists[id]
		l := lists[id]
		if ok {
			l = graph.MergeList(old, l)
		}
		if change(&p.res.Lists, old, ok, l) {
			rows = append(rows, map[string]any{"id": id, "props": listProps(l)})
		}
	}
	p.add(writeLists, rows, size)
	p.then()
	listingKeys, listings := fold(u.Listings, graph.Listing.Key, graph.MergeListing)
	storedListings, err := s.storedListings(ctx, tx, listings, listingKeys)
	if err != nil {
		return nil, err
	}
	rows = nil
	for _, k := range sorted(listingKeys) {
		old, ok := storedListings[k]
		l := listings[k]
		if ok {
			l = graph.MergeListing(old, l)
		}
		if change(&p.res.Listings, old, ok, l) {
			rows = append(rows, map[string]any{"entity": l.Entity, "list": l.List, "key": k, "props": listingProps(l)})
		}
	}
	p.add(writeListings, rows, size)
	p.then()

	// Transactions.
	txKeys, txs := fold(u.Transactions, func(t graph.Transaction) string { return t.ID }, graph.MergeTransaction)
	someTx, err := exists(ctx, tx, "MATCH (t:Transaction) RETURN count(t) > 0")
	if err != nil {
		return nil, err
	}
	storedTxs := map[string]graph.Transaction{}
	if someTx {
		if storedTxs, err = s.storedTransactions(ctx, tx, txKeys); err != nil {
			return nil, err
		}
	}
	rows = nil
	var newTxs []map[string]any
	for _, id := range sorted(txKeys) {
		old, ok := storedTxs[id]
		t := txs[id]
		if ok {
			t = graph.MergeTransaction(old, t)
		}
		if change(&p.res.Transactions, old, ok, t) {
			row := map[string]any{"id": id, "props": transactionProps(t), "src": sourceProps(map[string]any{}, t.Source),
				"buyer": t.Buyer, "seller": strValue(t.Seller), "end_user": strValue(t.EndUser), "ship_to": strValue(t.ShipTo)}
			if !ok && create {
				newTxs = append(newTxs, row)
			} else {
				rows = append(rows, row)
			}
		}
	}
	p.addCreate(createTransactions, writeTransactions, newTxs, size)
	p.add(writeTransactions, rows, size)
	p.then()
	if err := s.planDecisions(ctx, tx, p, u.Decisions); err != nil {
		return nil, err
	}
	return p, nil
}

func sorted(keys []string) []string {
	out := slices.Clone(keys)
	sort.Strings(out)
	return out
}

// chunks calls fn with the distinct non-empty ids, a few thousand at a time.
func chunks(ids []string, fn func([]string) error) error {
	seen := map[string]bool{}
	var all []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			all = append(all, id)
		}
	}
	for lo := 0; lo < len(all); lo += 5000 {
		if err := fn(all[lo:min(lo+5000, len(all))]); err != nil {
			return err
		}
	}
	return nil
}

// exists runs a query that returns one boolean.
func exists(ctx context.Context, tx neo4j.ManagedTransaction, query string) (bool, error) {
	recs, err := collect(ctx, tx, query, nil)
	if err != nil {
		return false, err
	}
	return len(recs) == 1 && recs[0].Values[0] == true, nil
}

func collect(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

func (s *Store) storedEntities(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.Entity, error) {
	out := map[string]graph.Entity{}
	err := chunks(ids, func(ids []string) error {
		recs, err := collect(ctx, tx, "UNWIND $ids AS id MATCH (e:Entity {id: id}) RETURN e", map[string]any{"ids": ids})
		for _, r := range recs {
			e := entityOf(r.Values[0].(neo4j.Node))
			out[e.ID] = e
		}
		return err
	})
	return out, err
}

func (s *Store) storedCountries(ctx context.Context, tx neo4j.ManagedTransaction, codes []string) (map[string]graph.Country, error) {
	out := map[string]graph.Country{}
	err := chunks(codes, func(codes []string) error {
		recs, err := collect(ctx, tx, "UNWIND $codes AS code MATCH (c:Country {code: code}) RETURN c, "+assessmentsOf, map[string]any{"codes": codes})
		for _, r := range recs {
			c := countryOf(props(r.Values[0]), r.Values[1].([]any))
			out[c.Code] = c
		}
		return err
	})
	return out, err
}

func (s *Store) storedLinks(ctx context.Context, tx neo4j.ManagedTransaction, links map[string]graph.Link, keys []string) (map[string]graph.Link, error) {
	out := map[string]graph.Link{}
	err := chunks(keys, func(keys []string) error {
		rows := make([]map[string]any, len(keys))
		for i, k := range keys {
			rows[i] = map[string]any{"from": links[k].From, "to": links[k].To, "key": k}
		}
		recs, err := collect(ctx, tx, `
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r {key: row.key}]->(:Entity {id: row.to})
			RETURN type(r), r, row.from, row.to`, map[string]any{"rows": rows})
		for _, r := range recs {
			l := linkOf(r.Values[0].(string), props(r.Values[1]), r.Values[2].(string), r.Values[3].(string))
			out[l.Key()] = l
		}
		return err
	})
	return out, err
}

func (s *Store) storedLists(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.List, error) {
	out := map[string]graph.List{}
	err := chunks(ids, func(ids []string) error {
		recs, err := collect(ctx, tx, "UNWIND $ids AS id MATCH (l:List {id: id}) RETURN l", map[string]any{"ids": ids})
		for _, r := range recs {
			l := listOf(props(r.Values[0]))
			out[l.ID] = l
		}
		return err
	})
	return out, err
}

func (s *Store) storedListings(ctx context.Context, tx neo4j.ManagedTransaction, listings map[string]graph.Listing, keys []string) (map[string]graph.Listing, error) {
	out := map[string]graph.Listing{}
	err := chunks(keys, func(keys []string) error {
		rows := make([]map[string]any, len(keys))
		for i, k := range keys {
			rows[i] = map[string]any{"entity": listings[k].Entity, "list": listings[k].List, "key": k}
		}
		recs, err := collect(ctx, tx, `
			UNWIND $rows AS row
			MATCH (:Entity {id: row.entity})-[r:LISTED_ON {key: row.key}]->(:List {id: row.list})
			RETURN r, row.entity, row.list`, map[string]any{"rows": rows})
		for _, r := range recs {
			l := listingOf(props(r.Values[0]), r.Values[1].(string), r.Values[2].(string))
			out[l.Key()] = l
		}
		return err
	})
	return out, err
}

func (s *Store) storedTransactions(ctx context.Context, tx neo4j.ManagedTransaction, ids []string) (map[string]graph.Transaction, error) {
	out := map[string]graph.Transaction{}
	err := chunks(ids, func(ids []string) error {
		recs, err := collect(ctx, tx, "UNWIND $ids AS id MATCH (t:Transaction {id: id}) RETURN t, "+partiesOf, map[string]any{"ids": ids})
		for _, r := range recs {
			t := transactionOf(props(r.Values[0]), r.Values[1].([]any))
			out[t.ID] = t
		}
		return err
	})
	return out, err
}

// partiesOf lists a transaction t's parties as [type, entity id] pairs.
const partiesOf = "COLLECT { MATCH (t)-[p:BUYER|SELLER|END_USER]->(e:Entity) RETURN [type(p), e.id] } AS parties"

// The write statements. Labels and relationship types come from the
// domain's constants, never from data; every value is a parameter.

// writeCountries replaces a country's Assessment nodes by its merged ones.
const writeCountries = `
UNWIND $rows AS row
MERGE (c:Country {code: row.code})
SET c = row.props
WITH c, row
CALL (c) {
  MATCH (c)-[:HAS_ASSESSMENT]->(old:Assessment)
  DETACH DELETE old
}
CALL (c, row) {
  UNWIND row.assessments AS props
  CREATE (c)-[:HAS_ASSESSMENT]->(a:Assessment)
  SET a = props
}
WITH c
MATCH (t:Transaction {ship_to: c.code})
MERGE (t)-[s:SHIPS_TO]->(c)
SET s.upload = t.upload, s.file = t.file, s.sheet = t.sheet, s.row = t.row`

// createEntities creates entities the plan found missing; the entity_id
// constraint refuses one that another upload stored since.
func createEntities(k graph.Kind) string {
	return `
UNWIND $rows AS row
CREATE (e:Entity:` + k.Label() + `)
SET e = row.props, e.cluster = row.id`
}

func writeEntities(k graph.Kind) string {
	return `
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
WITH e, row, e.cluster AS cluster
SET e:` + k.Label() + `, e = row.props, e.cluster = coalesce(cluster, row.id)`
}

func writeLinks(t graph.LinkType) string {
	return `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
MERGE (a)-[r:` + string(t) + ` {key: row.key}]->(b)
SET r = row.props`
}

// createLinks creates links the plan found missing; the link-key
// constraint of the type refuses one that another upload stored since.
func createLinks(t graph.LinkType) string {
	return `
UNWIND $rows AS row
MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
CREATE (a)-[r:` + string(t) + `]->(b)
SET r = row.props`
}

const writeLists = `
UNWIND $rows AS row
MERGE (l:List {id: row.id})
SET l = row.props`

const writeListings = `
UNWIND $rows AS row
MATCH (e:Entity {id: row.entity}), (l:List {id: row.list})
MERGE (e)-[r:LISTED_ON {key: row.key}]->(l)
SET r = row.props`

// writeTransactions replaces a transaction's parties; createTransactions
// creates transactions the plan found missing (the transaction_id
// constraint refuses one that another upload stored since).
const writeTransactions = `
UNWIND $rows AS row
MERGE (t:Transaction {id: row.id})
SET t = row.props
WITH t, row
CALL (t) {
  MATCH (t)-[old:BUYER|SELLER|END_USER|SHIPS_TO]->()
  DELETE old
}` + writeParties

const createTransactions = `
UNWIND $rows AS row
CREATE (t:Transaction)
SET t = row.props
WITH t, row` + writeParties

// writeParties links each transaction t of a row to its parties.
const writeParties = `
CALL (t, row) {
  MATCH (b:Entity {id: row.buyer})
  CREATE (t)-[r:BUYER]->(b) SET r = row.src
}
CALL (t, row) {
  MATCH (e:Entity {id: row.seller})
  CREATE (t)-[r:SELLER]->(e) SET r = row.src
}
CALL (t, row) {
  MATCH (e:Entity {id: row.end_user})
  CREATE (t)-[r:END_USER]->(e) SET r = row.src
}
CALL (t, row) {
  MATCH (c:Country {code: row.ship_to})
  CREATE (t)-[r:SHIPS_TO]->(c) SET r = row.src
}`

// fold merges the rows of one kind that share a key, in upload order:
// merging the stored value with the fold is the same as merging it with
// each row in turn, because each field's last stated value wins.
func fold[T any](rows []T, key func(T) string, merge func(old, v T) T) (keys []string, merged map[string]T) {
	merged = make(map[string]T, len(rows))
	for _, r := range rows {
		k := key(r)
		if prev, ok := merged[k]; ok {
			merged[k] = merge(prev, r)
			continue
		}
		merged[k] = r
		keys = append(keys, k)
	}
	return keys, merged
}

// change counts one merged value against the stored one (ok: one is
// stored) and reports whether it must be written.
func change[T any](c *graph.Changes, stored T, ok bool, merged T) bool {
	switch {
	case !ok:
		c.Created++
	case !reflect.DeepEqual(stored, merged):
		c.Updated++
	default:
		c.Unchanged++
		return false
	}
	return true
}
