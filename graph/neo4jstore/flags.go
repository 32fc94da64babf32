package neo4jstore

import (
	"context"
	"encoding/json"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// A flag is a (:Flag) node keyed by transaction_id. The whole graph.Flag
// is kept as JSON in its json property; the fields that lists filter and
// sort on are copied into indexed properties. (:Transaction)-[:HAS_FLAG]->
// (:Flag) joins a flag to its transaction when that is stored.

// SaveFlags implements graph.Store; the flags are written in one
// transaction.
func (s *Store) SaveFlags(ctx context.Context, fs []graph.Flag) error {
	if len(fs) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(fs))
	for i, f := range fs {
		data, err := json.Marshal(f)
		if err != nil {
			return graph.Wrap(graph.EINTERNAL, err, "flag of transaction %s", f.TransactionID)
		}
		props := map[string]any{
			"transaction_id": f.TransactionID, "severity": string(f.Severity), "severity_rank": int64(f.Severity.Rank()),
			"verdict": string(f.Verdict), "status": string(f.Status), "country": strValue(f.Country),
			"buyer_id": strValue(f.Buyer.ID), "buyer_name": strValue(f.Buyer.Name), "date": dateValue(f.Date),
			"evidence": strValue(f.Evidence), "evaluated_at": f.EvaluatedAt, "assignee": strValue(f.Assignee),
			"search": f.SearchText(), "capabilities": listValue(f.Capabilities), "pending": f.PendingClear != nil,
			"json": string(data),
		}
		for _, c := range graph.FlagColumns {
			props[sortProperty(c)] = f.SortKey(c)
		}
		rows[i] = map[string]any{"id": f.TransactionID, "props": props}
	}
	if err := s.reachable(ctx, "saving flags"); err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		for lo := 0; lo < len(rows); lo += s.cfg.BatchRows {
			b := batch{query: writeFlags, rows: rows[lo:min(lo+s.cfg.BatchRows, len(rows))]}
			if err := b.run(ctx, tx); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	return s.fail(err, "saving flags")
}

const writeFlags = `
UNWIND $rows AS row
MERGE (f:Flag {transaction_id: row.id})
SET f = row.props
WITH f, row
CALL (f, row) {
  MATCH (t:Transaction {id: row.id})
  MERGE (t)-[:HAS_FLAG]->(f)
}`

// Flag implements graph.Store.
func (s *Store) Flag(ctx context.Context, transactionID string) (graph.Flag, error) {
	recs, err := s.read(ctx, "reading a flag", "MATCH (f:Flag {transaction_id: $id}) RETURN f.json",
		map[string]any{"id": transactionID})
	if err != nil {
		return graph.Flag{}, err
	}
	if len(recs) == 0 {
		return graph.Flag{}, errNotFound("no flag for transaction %q", transactionID)
	}
	return decodeFlag(recs[0].Values[0])
}

func decodeFlag(v any) (graph.Flag, error) {
	var f graph.Flag
	data, _ := v.(string)
	if err := json.Unmarshal([]byte(data), &f); err != nil {
		return f, graph.Wrap(graph.EINTERNAL, err, "a stored flag is not valid JSON")
	}
	return f, nil
}

// sortProperty names the property holding a flag's graph.Flag.SortKey
// for a column.
func sortProperty(c graph.FlagColumn) string { return "sort_" + string(c) }

// listValue is a list property, nil (no property) when empty.
func listValue(xs []string) any {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// Flags implements graph.Store: filtered, sorted and paged in Neo4j on
// the values graph computes for each flag (SearchText, SortKey).
func (s *Store) Flags(ctx context.Context, ff graph.FlagFilter) ([]graph.Flag, int, error) {
	sort := ff.Sort.Of()
	if !sort.Column.Valid() {
		return nil, 0, graph.Errorf(graph.EINVALID, "unknown flag column %q", sort.Column)
	}
	params := map[string]any{
		"all": ff.All, "status": strValue(string(ff.Status)), "severity": strValue(string(ff.Severity)),
		"country": strValue(ff.Country), "text": strValue(graph.FoldText(ff.Text)), "assignee": strValue(ff.Assignee),
		"capability": strValue(ff.Capability), "pending": ff.Pending,
		"sort": sortProperty(sort.Column), "desc": sort.Desc,
		"offset": int64(max(ff.Offset, 0)), "limit": nil,
	}
	if ff.Limit > 0 {
		params["limit"] = int64(ff.Limit)
	}
	recs, err := s.read(ctx, "listing flags", listFlags, params)
	if err != nil {
		return nil, 0, err
	}
	var fs []graph.Flag
	for _, v := range recs[0].Values[1].([]any) {
		f, err := decodeFlag(v)
		if err != nil {
			return nil, 0, err
		}
		fs = append(fs, f)
	}
	return fs, int(recs[0].Values[0].(int64)), nil
}

// listFlags is graph.FlagFilter.Matches and graph.CompareFlags in
// Cypher: flags without a value in the sort column last either way, then
// the most severe, then the lowest transaction id.
const listFlags = `
CALL () {
  MATCH (f:Flag) WHERE ` + flagFilter + `
  RETURN count(f) AS total
}
CALL () {
  MATCH (f:Flag) WHERE ` + flagFilter + `
  WITH f, f[$sort] AS k
  ORDER BY k IS NULL, CASE WHEN $desc THEN NULL ELSE k END, CASE WHEN $desc THEN k END DESC,
    f.severity_rank DESC, f.transaction_id
  SKIP $offset LIMIT coalesce($limit, 9223372036854775807)
  RETURN collect(f.json) AS page
}
RETURN total, page`

// flagFilter is graph.FlagFilter.Matches in Cypher. Every flag has its
// search text: those saved before it was kept get it at open (upgradeFlags).
const flagFilter = `($all OR f.verdict <> 'clear')
  AND ($status IS NULL OR f.status = $status)
  AND ($severity IS NULL OR f.severity = $severity)
  AND ($country IS NULL OR f.country = $country)
  AND ($assignee IS NULL OR f.assignee = $assignee)
  AND ($capability IS NULL OR $capability IN coalesce(f.capabilities, []))
  AND (NOT $pending OR f.pending)
  AND ($text IS NULL OR f.search CONTAINS $text)`

// flagsWithoutSearch are flags stored before flags kept their search text
// and sort keys (which SaveFlags now writes), a page at a time.
const flagsWithoutSearch = `
MATCH (f:Flag) WHERE f.search IS NULL
RETURN f.json AS json
LIMIT $limit`

// upgradeFlags saves again, from their JSON, the flags stored without
// their search text and sort keys, so that the list filters and sorts
// them as it does the others. It runs at open; each page is one write.
func (s *Store) upgradeFlags(ctx context.Context) error {
	for {
		recs, err := s.read(ctx, "upgrading the flags", flagsWithoutSearch, map[string]any{"limit": int64(s.cfg.BatchRows)})
		if err != nil || len(recs) == 0 {
			return err
		}
		fs := make([]graph.Flag, len(recs))
		for i, r := range recs {
			data, _ := r.Get("json")
			text, _ := data.(string)
			if err := json.Unmarshal([]byte(text), &fs[i]); err != nil {
				return graph.Wrap(graph.EINTERNAL, err, "a stored flag cannot be read (its json property); nothing was changed")
			}
		}
		if err := s.SaveFlags(ctx, fs); err != nil {
			return err
		}
	}
}
