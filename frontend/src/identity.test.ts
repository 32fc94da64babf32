import { describe, expect, it } from 'vitest';
import { candidates, clusterSummary, decidedWhen, decisionMeta, decisionSentence, nameOf, otherEnd, pairText, sentence, identityStats } from './identity';
import { Client, type KeyStore } from './api';
import type { Cluster, Decision, Entity, Match } from './types';

const ent = (id: string, name: string, country = 'NL'): Entity => ({ id, kind: 'organization', name, country, source: { upload: 'u', file: 'f.csv', row: 2 } });
const dec = (a: string, b: string, decision: 'same' | 'not_same', extra: Partial<Decision> = {}): Decision => ({
  a, b, decision, decided_by: 'alice', decided_at: '2024-06-01T09:00:00Z', source: { upload: 'd-1', file: 'POST /api/v1/identity/decisions', row: 0 }, ...extra,
});
const match = (e: Entity): Match => ({ entity: e, score: 0.9, matched: e.name, features: [] }) as unknown as Match;

const cluster: Cluster = {
  cluster: 'ORG-CYP',
  members: [ent('ORG-CYP', 'Cypra Trading Ltd', 'CY'), ent('ORG-NOR', 'Nordis Distribution B.V.')],
  decisions: [dec('ORG-CYP', 'ORG-NOR', 'same', { note: 'one VAT number' }), dec('ORG-HAN', 'ORG-NOR', 'not_same')],
};

describe('identity decisions in words', () => {
  const name = nameOf(cluster, [ent('ORG-HAN', 'Hanseatic Security')]);
  it('reads a decision as a sentence, with the names it knows', () => {
    expect(decisionSentence(cluster.decisions[0], name)).toBe('Cypra Trading Ltd is the same party as Nordis Distribution B.V.');
    expect(decisionSentence(cluster.decisions[1], name)).toBe('Hanseatic Security is not the same party as Nordis Distribution B.V.');
    expect(decisionSentence(dec('X', 'Y', 'same'), name)).toBe('X is the same party as Y');
    expect(pairText(cluster.decisions[0], name)).toBe('Cypra Trading Ltd (ORG-CYP) and Nordis Distribution B.V. (ORG-NOR)');
  });
  it('says who, when and from where', () => {
    expect(decidedWhen('2024-06-01T09:00:00Z')).toBe('2024-06-01 09:00 UTC');
    expect(decidedWhen('2024-06-01T09:00:00.5Z')).toBe('2024-06-01 09:00 UTC');
    expect(decidedWhen('yesterday')).toBe('yesterday');
    expect(decisionMeta(cluster.decisions[0])).toBe('by alice · 2024-06-01 09:00 UTC · via POST /api/v1/identity/decisions');
    expect(decisionMeta(dec('a', 'b', 'same', { decided_by: '', source: { upload: 'u', file: 'identity.csv', sheet: 'Identity', row: 4 } })))
      .toBe('by unknown · 2024-06-01 09:00 UTC · identity.csv, sheet Identity, row 4');
  });
  it('ends a sentence once, after a name that ends in a full stop too', () => {
    expect(sentence('Nordis is the same party as Cypra Trading Ltd')).toBe('Nordis is the same party as Cypra Trading Ltd.');
    expect(sentence('Cypra is the same party as Nordis B.V.')).toBe('Cypra is the same party as Nordis B.V.');
  });
  it('finds the other end of a decision', () => {
    expect(otherEnd(cluster.decisions[1], 'ORG-NOR')).toBe('ORG-HAN');
    expect(otherEnd(cluster.decisions[1], 'ORG-HAN')).toBe('ORG-NOR');
  });
  it('summarises the cluster, and an entity in none', () => {
    expect(clusterSummary(cluster, 'ORG-NOR')).toBe('One party with 1 other record; the cluster is named ORG-CYP.');
    expect(clusterSummary(cluster, 'ORG-CYP')).toBe('One party with 1 other record; the cluster is named ORG-CYP (this entity).');
    const three = { ...cluster, members: [...cluster.members, ent('ORG-Z', 'Z')] };
    expect(clusterSummary(three, 'ORG-Z')).toMatch(/^One party with 2 other records;/);
    expect(clusterSummary({ cluster: 'ORG-HAN', members: [ent('ORG-HAN', 'H')], decisions: [] }, 'ORG-HAN')).toMatch(/^No same-party decision/);
  });
});

describe('candidates for a decision', () => {
  const ms = [ent('ORG-NOR', 'Nordis'), ent('ORG-CYP', 'Cypra'), ent('ORG-HAN', 'Hanseatic'), ent('ORG-LUM', 'Luminar')].map(match);
  it('leaves out the entity itself and, for same as, its cluster', () => {
    expect(candidates(ms, cluster, 'ORG-NOR', 'same').map((c) => c.match.entity.id)).toEqual(['ORG-HAN', 'ORG-LUM']);
    expect(candidates(ms, cluster, 'ORG-NOR', 'not_same').map((c) => c.match.entity.id)).toEqual(['ORG-CYP', 'ORG-HAN', 'ORG-LUM']);
  });
  it('names the standing decision that a new one would replace', () => {
    const cs = candidates(ms, cluster, 'ORG-NOR', 'same');
    expect(cs[0].standing?.decision).toBe('not_same');
    expect(cs[1].standing).toBeUndefined();
  });
});

describe('Client identity calls', () => {
  it('posts, lists and removes decisions as the API expects', async () => {
    const calls: string[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url} ${init.body ?? ''}`.trim());
      const h = new Headers(init.headers);
      expect(h.get('X-Hopcheck-Client')).toBe('ui');
      return new Response(JSON.stringify(init.method === 'GET' ? { decisions: [] } : dec('A', 'B', 'same')), { status: init.method === 'POST' ? 201 : 200 });
    }) as unknown as typeof fetch;
    const keys: KeyStore = { get: () => '', set: () => {} };
    const c = new Client(keys, fetcher);
    await c.decide('B', 'A', 'same', 'why');
    await c.undecide('A', 'B&C');
    await c.decisions();
    await c.cluster('ORG/1');
    await c.decideAll([{ a: 'A', b: 'B', decision: 'not_same' }]);
    expect(calls).toEqual([
      'POST /api/v1/identity/decisions {"a":"B","b":"A","decision":"same","note":"why"}',
      'DELETE /api/v1/identity/decisions?a=A&b=B%26C',
      'GET /api/v1/identity/decisions',
      'GET /api/v1/entities/ORG%2F1/cluster',
      'POST /api/v1/identity/decisions {"decisions":[{"a":"A","b":"B","decision":"not_same"}]}',
    ]);
  });
});

describe('identity on the dashboard', () => {
  it('counts decisions and clusters, and says nothing without them', () => {
    expect(identityStats({ decisions: { same: 3, not_same: 1 }, clusters: 2 })).toBe('3 same-party decisions in 2 clusters, 1 not the same');
    expect(identityStats({ decisions: { same: 1 }, clusters: 1 })).toBe('1 same-party decision in 1 cluster');
    expect(identityStats({ decisions: { not_same: 2 }, clusters: 0 })).toBe('2 not the same');
    expect(identityStats({})).toBe('');
  });
});
