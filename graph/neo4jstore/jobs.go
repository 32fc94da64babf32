package neo4jstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/hopcheck/hopcheck/graph"
)

// An upload job is an (:UploadJob) node keyed by id. The whole graph.Job is
// its json property; created (indexed), updated, state, upload and by are
// copied out for ordering and for investigators' queries.
//
// An audit entry is an (:AuditEntry) node with at, by, action, target,
// detail and seq: its place in the log, taken from the seq of the one
// (:AuditLog {id: 'audit'}) node in the same transaction, so entries are
// numbered in the order they were committed, even by several servers.

// SaveJob implements graph.Store.
func (s *Store) SaveJob(ctx context.Context, j graph.Job) error {
	if err := graph.CheckJob(j); err != nil {
		return err
	}
	data, err := json.Marshal(j)
	if err != nil {
		return graph.Wrap(graph.EINTERNAL, err, "upload job %q", j.ID)
	}
	props := map[string]any{
		"id": j.ID, "json": string(data), "created": j.Created.UTC(), "updated": j.Updated.UTC(),
		"state": string(j.State), "upload": strValue(j.Upload), "by": strValue(j.By),
	}
	return s.write(ctx, "saving upload job "+j.ID,
		"MERGE (j:UploadJob {id: $id}) SET j = $props", map[string]any{"id": j.ID, "props": props})
}

// Job implements graph.Store.
func (s *Store) Job(ctx context.Context, id string) (graph.Job, error) {
	recs, err := s.read(ctx, "reading an upload job", "MATCH (j:UploadJob {id: $id}) RETURN j.json", map[string]any{"id": id})
	if err != nil {
		return graph.Job{}, err
	}
	if len(recs) == 0 {
		return graph.Job{}, errNotFound("no upload job %q", id)
	}
	return decodeJob(recs[0].Values[0])
}

// Jobs implements graph.Store.
func (s *Store) Jobs(ctx context.Context, limit int) ([]graph.Job, error) {
	recs, err := s.read(ctx, "listing upload jobs", `
		MATCH (j:UploadJob)
		RETURN j.json ORDER BY j.created DESC, j.id DESC
		LIMIT coalesce($limit, 9223372036854775807)`, map[string]any{"limit": limitValue(limit)})
	if err != nil {
		return nil, err
	}
	js := make([]graph.Job, 0, len(recs))
	for _, r := range recs {
		j, err := decodeJob(r.Values[0])
		if err != nil {
			return nil, err
		}
		js = append(js, j)
	}
	return js, nil
}

func decodeJob(v any) (graph.Job, error) {
	var j graph.Job
	data, _ := v.(string)
	if err := json.Unmarshal([]byte(data), &j); err != nil {
		return j, graph.Wrap(graph.EINTERNAL, err, "a stored upload job is not valid JSON")
	}
	return j, nil
}

// AppendAudit implements graph.Store.
func (s *Store) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	return s.write(ctx, "appending to the audit log", `
		MERGE (l:AuditLog {id: 'audit'})
		SET l.seq = coalesce(l.seq, 0) + 1
		CREATE (a:AuditEntry {seq: l.seq})
		SET a += $props`, map[string]any{"props": map[string]any{
		"at": e.At.UTC(), "by": strValue(e.By), "action": strValue(e.Action),
		"target": strValue(e.Target), "detail": strValue(e.Detail),
	}})
}

// Audit implements graph.Store.
func (s *Store) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	recs, err := s.read(ctx, "reading the audit log", `
		MATCH (a:AuditEntry)
		RETURN a.at, a.by, a.action, a.target, a.detail ORDER BY a.seq DESC
		LIMIT coalesce($limit, 9223372036854775807)`, map[string]any{"limit": limitValue(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]graph.AuditEntry, 0, len(recs))
	for _, r := range recs {
		at, _ := r.Values[0].(time.Time)
		by, _ := r.Values[1].(string)
		action, _ := r.Values[2].(string)
		target, _ := r.Values[3].(string)
		detail, _ := r.Values[4].(string)
		out = append(out, graph.AuditEntry{At: at.UTC(), By: by, Action: action, Target: target, Detail: detail})
	}
	return out, nil
}

// limitValue is a LIMIT parameter: nil, for no limit, when n is not positive.
func limitValue(n int) any {
	if n <= 0 {
		return nil
	}
	return int64(n)
}

// write runs one query in a write transaction, discarding its result.
func (s *Store) write(ctx context.Context, what, query string, params map[string]any) error {
	if err := s.reachable(ctx, what); err != nil {
		return err
	}
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		res, err := tx.Run(ctx, query, params)
		if err != nil {
			return struct{}{}, err
		}
		_, err = res.Consume(ctx)
		return struct{}{}, err
	})
	return s.fail(err, what)
}

// A saved column mapping is a (:SavedMapping) node keyed by name, the whole
// graph.SavedMapping its json property.

// SaveMapping implements graph.Store.
func (s *Store) SaveMapping(ctx context.Context, m graph.SavedMapping) error {
	if err := graph.CheckMapping(m); err != nil {
		return err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return graph.Wrap(graph.EINTERNAL, err, "mapping %q", m.Name)
	}
	return s.write(ctx, "saving mapping "+m.Name, "MERGE (m:SavedMapping {name: $name}) SET m.json = $json, m.by = $by, m.saved = $saved",
		map[string]any{"name": m.Name, "json": string(data), "by": strValue(m.By), "saved": m.Saved.UTC()})
}

// Mappings implements graph.Store.
func (s *Store) Mappings(ctx context.Context) ([]graph.SavedMapping, error) {
	recs, err := s.read(ctx, "listing mappings", "MATCH (m:SavedMapping) RETURN m.json ORDER BY m.name", nil)
	if err != nil {
		return nil, err
	}
	out := make([]graph.SavedMapping, 0, len(recs))
	for _, r := range recs {
		var m graph.SavedMapping
		data, _ := r.Values[0].(string)
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			return nil, graph.Wrap(graph.EINTERNAL, err, "a stored mapping is not valid JSON")
		}
		out = append(out, m)
	}
	return out, nil
}
