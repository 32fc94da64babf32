package neo4jstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/hopcheck/hopcheck/graph"
)

// A revision of an entity or link (graph.Revision) is a (:Revision) node:
// of is its Revision.HistoryKey, seq its place among that key's
// revisions, id the hash of its JSON (so that writing it again MERGEs
// it), json the revision itself. Revisions are hopcheck's bookkeeping,
// not part of the public schema, and Export leaves them out.

func revisionRow(r graph.Revision) map[string]any {
	data, _ := json.Marshal(r) // a Revision of strings always marshals
	h := sha256.Sum256(data)
	return map[string]any{"of": r.HistoryKey(), "id": hex.EncodeToString(h[:16]), "json": string(data)}
}

const writeRevisions = `
UNWIND $rows AS row
CALL (row) {
  OPTIONAL MATCH (old:Revision {of: row.of})
  RETURN count(old) AS n
}
MERGE (h:Revision {of: row.of, id: row.id})
ON CREATE SET h.seq = n, h.json = row.json`

// History implements graph.Store.
func (s *Store) History(ctx context.Context, id string) ([]graph.Revision, error) {
	if _, err := s.Entity(ctx, id); err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, "reading history", `
		MATCH (e:Entity {id: $id})
		OPTIONAL MATCH (e)-[r:`+allLinkTypes+`]-(:Entity)
		WITH e, collect(DISTINCT $link + r.key) AS links
		UNWIND [$entity + e.id] + links AS k
		MATCH (h:Revision {of: k})
		RETURN h.json ORDER BY k, h.seq`,
		map[string]any{"id": id, "entity": graph.EntityTarget + "|", "link": graph.LinkTarget + "|"})
	if err != nil {
		return nil, err
	}
	var out []graph.Revision
	for _, r := range recs {
		var rev graph.Revision
		if err := json.Unmarshal([]byte(r.Values[0].(string)), &rev); err != nil {
			return nil, graph.Wrap(graph.EINTERNAL, err, "revision of %s", id)
		}
		out = append(out, rev)
	}
	graph.SortRevisions(out)
	return out, nil
}
