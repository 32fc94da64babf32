package memstore

import (
	"context"
	"slices"
	"sort"

	"github.com/hopcheck/hopcheck/graph"
)

// SaveJob implements graph.Store. Each save is one log record, so a
// job's state survives a restart like the graph does.
func (s *Store) SaveJob(ctx context.Context, j graph.Job) error {
	if err := graph.CheckJob(j); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.commit(ctx, &record{Jobs: []graph.Job{j}}, copyValues)
}

// Job implements graph.Store.
func (s *Store) Job(ctx context.Context, id string) (graph.Job, error) {
	var j *graph.Job
	s.readAux(func(g *state) { j = g.jobs[id] })
	if j == nil {
		return graph.Job{}, graph.Errorf(graph.ENOTFOUND, "no upload job %q", id)
	}
	return cloneJob(*j), nil
}

// Jobs implements graph.Store.
func (s *Store) Jobs(ctx context.Context, limit int) ([]graph.Job, error) {
	var js []graph.Job
	s.readAux(func(g *state) {
		for _, j := range g.jobs {
			js = append(js, cloneJob(*j))
		}
	})
	sort.Slice(js, func(a, b int) bool {
		if !js[a].Created.Equal(js[b].Created) {
			return js[a].Created.After(js[b].Created)
		}
		return js[a].ID > js[b].ID
	})
	if limit > 0 && len(js) > limit {
		js = js[:limit]
	}
	return js, nil
}

// cloneJob copies the slices a caller might change.
func cloneJob(j graph.Job) graph.Job {
	j.Files = slices.Clone(j.Files)
	j.Report = slices.Clone(j.Report)
	j.Flags = slices.Clone(j.Flags)
	return j
}

// AppendAudit implements graph.Store.
func (s *Store) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.commit(ctx, &record{Audit: []graph.AuditEntry{e}}, copyValues)
}

// Audit implements graph.Store.
func (s *Store) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	var out []graph.AuditEntry
	s.readAux(func(g *state) {
		n := len(g.audit)
		if limit > 0 {
			n = min(n, limit)
		}
		out = make([]graph.AuditEntry, 0, n)
		for i := len(g.audit) - 1; i >= 0 && len(out) < n; i-- {
			out = append(out, g.audit[i])
		}
	})
	return out, nil
}

// SaveMapping implements graph.Store.
func (s *Store) SaveMapping(ctx context.Context, m graph.SavedMapping) error {
	if err := graph.CheckMapping(m); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.commit(ctx, &record{Mappings: []graph.SavedMapping{m}}, copyValues)
}

// Mappings implements graph.Store.
func (s *Store) Mappings(ctx context.Context) ([]graph.SavedMapping, error) {
	var out []graph.SavedMapping
	s.readAux(func(g *state) {
		for _, m := range g.mappings {
			m.Mapping = slices.Clone(m.Mapping)
			out = append(out, m)
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
