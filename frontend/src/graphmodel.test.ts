import { describe, expect, it } from 'vitest';
import { GraphModel, edgeId, isRestrictive, moreId, pathSelection, pathShare, visible, worstFirst } from './graphmodel';
import type { Entity, Exposure, Link, LinkType, Subgraph } from './types';
import { LINK_TYPES } from './types';

const src = { upload: 'u-1', file: 'demo.xlsx', sheet: 'Links', row: 2 };
const org = (id: string, country = 'DE'): Entity => ({ id, kind: 'organization', name: `Org ${id}`, country, source: src });
const gov = (id: string, country: string, restrictive?: boolean): Entity => ({ id, kind: 'government_body', name: `Gov ${id}`, country, restrictive, source: src });
const link = (type: LinkType, from: string, to: string, percent?: number): Link => ({ type, from, to, percent, source: src });

// A neighbourhood answer as the API gives it (GET /entities/ORG-BSI/neighborhood).
const bsi: Subgraph = {
  entities: [org('ORG-BSI', 'BY'), gov('GOV-BY-BSH', 'BY'), { id: 'PER-AV', kind: 'person', name: 'Alena', country: 'BY', source: src }],
  links: [link('OWNS', 'GOV-BY-BSH', 'ORG-BSI', 50), link('OFFICER_OF', 'PER-AV', 'ORG-BSI')],
  truncated: false,
};

describe('GraphModel', () => {
  it('builds nodes and labelled edges from a neighbourhood', () => {
    const m = new GraphModel();
    m.addNeighborhood('ORG-BSI', bsi, 40);
    expect([...m.nodes.keys()].sort()).toEqual(['GOV-BY-BSH', 'ORG-BSI', 'PER-AV']);
    expect([...m.edges.values()].map((e) => e.label).sort()).toEqual(['OFFICER_OF', 'OWNS 50%']);
    expect(m.nodes.get('ORG-BSI')!.expanded).toBe(40);
    expect(m.nodes.get('GOV-BY-BSH')!.expanded).toBe(0);
  });

  it('merges answers without duplicating links and drops links to unknown entities', () => {
    const m = new GraphModel();
    m.addNeighborhood('ORG-BSI', bsi, 40);
    const again = m.addNeighborhood('GOV-BY-BSH', { entities: [gov('GOV-BY-BSH', 'BY'), org('ORG-BSI', 'BY')], links: [bsi.links[0], link('SUPPLIES', 'X', 'ORG-BSI')], truncated: false }, 40);
    expect(again).toEqual({ nodes: 0, edges: 0 });
    expect(m.edges.size).toBe(2);
  });

  it('marks a party listed today as a restrictive end-user, not one whose listing ended', () => {
    const m = new GraphModel();
    const listing = (entity: string, listed_to?: string) => ({ entity, list: 'eu_fsf', program: 'EU-IRN', listed_from: '2023-04-24', listed_to, source: src });
    m.addNeighborhood('A', { entities: [org('A', 'IR'), org('B', 'IR')], links: [link('SUPPLIES', 'A', 'B')], listings: [listing('A'), listing('B', '2023-12-31')], truncated: false }, 40, '2024-06-01');
    expect(m.nodes.get('A')!.restrictive).toBe(true);
    expect(m.nodes.get('B')!.restrictive).toBe(false);
  });

  it('adds a "more…" node while the answer is truncated, and removes it when complete', () => {
    const m = new GraphModel();
    m.addNeighborhood('ORG-BSI', { ...bsi, truncated: true }, 2);
    expect(m.nodes.get(moreId('ORG-BSI'))?.moreOf).toBe('ORG-BSI');
    expect(m.edges.get(moreId('ORG-BSI'))?.type).toBe('MORE');
    m.addNeighborhood('ORG-BSI', bsi, 4);
    expect(m.nodes.has(moreId('ORG-BSI'))).toBe(false);
    expect(m.edges.has(moreId('ORG-BSI'))).toBe(false);
    expect(m.nodes.get('ORG-BSI')!.expanded).toBe(4);
  });

  it('learns which government bodies are restrictive end-users from their country', () => {
    const m = new GraphModel();
    m.addNeighborhood('ORG-BSI', { ...bsi, entities: [...bsi.entities, gov('GOV-BY-X', 'BY', false), gov('GOV-DE-1', 'DE')] }, 40);
    expect(m.nodes.get('GOV-BY-BSH')!.restrictive).toBeUndefined();
    expect(m.unknownCountries()).toEqual([{ country: 'BY', probe: 'GOV-BY-BSH' }, { country: 'DE', probe: 'GOV-DE-1' }]);
    m.setCountry('BY', true);
    m.setCountry('DE', false);
    expect(m.unknownCountries()).toEqual([]);
    expect(m.nodes.get('GOV-BY-BSH')!.restrictive).toBe(true);
    expect(m.nodes.get('GOV-BY-X')!.restrictive).toBe(false); // says no itself
    expect(m.nodes.get('GOV-DE-1')!.restrictive).toBe(false);
    expect(m.nodes.get('ORG-BSI')!.restrictive).toBe(false);
  });

  it('marks exposure end-users restrictive', () => {
    const m = new GraphModel();
    m.addExposure(exposure);
    expect(m.nodes.get('GOV-BY-BSH')!.restrictive).toBe(true);
    expect(m.nodes.get('ORG-ORT')!.kind).toBe('organization');
    expect(m.edges.size).toBe(2);
    // A later, fuller answer keeps what the exposure said.
    m.addEntity(gov('GOV-BY-BSH', 'BY'));
    expect(m.nodes.get('GOV-BY-BSH')!.restrictive).toBe(true);
  });
});

describe('isRestrictive', () => {
  const c = new Map([['BY', true], ['DE', false]]);
  it.each([
    [gov('a', 'BY'), true],
    [gov('a', 'BY', false), false],
    [gov('a', 'DE', true), true],
    [gov('a', 'DE'), false],
    [gov('a', 'UZ'), undefined],
    [org('a', 'BY'), false],
  ])('%j → %s', (e, want) => expect(isRestrictive(e, c)).toBe(want));
});

// Orion Tech ← 40% Orion Holding ← 60% Beltech: a flag's exposure.
const exposure: Exposure = {
  end_user: { id: 'GOV-BY-BSH', name: 'Beltech', country: 'BY', label: 'GovernmentBody' },
  hops: 2,
  path: [
    { id: 'ORG-ORT', name: 'Orion Tech', label: 'Organization' },
    { id: 'ORG-ORH', name: 'Orion Holding', label: 'Organization' },
    { id: 'GOV-BY-BSH', name: 'Beltech', label: 'GovernmentBody' },
  ],
  steps: [
    { step: 'owner', type: 'OWNS', from: 'ORG-ORH', to: 'ORG-ORT', percent: 40, source: src },
    { step: 'owner', type: 'OWNS', from: 'GOV-BY-BSH', to: 'ORG-ORH', percent: 60, source: src },
  ],
};

describe('pathSelection', () => {
  it('selects the path entities and every link of each step, in either answer', () => {
    const m = new GraphModel();
    m.addExposure(exposure);
    // The same statement with a validity period is a parallel edge: both light up.
    m.addLink({ ...exposure.steps[0], valid_from: '2020-01-01' });
    m.addEntity(org('ORG-OTHER'));
    m.addLink(link('SUPPLIES', 'ORG-OTHER', 'ORG-ORT'));
    const sel = pathSelection(m, exposure);
    expect(sel.nodes).toEqual(['ORG-ORT', 'ORG-ORH', 'GOV-BY-BSH']);
    expect(sel.edges.sort()).toEqual([
      edgeId(exposure.steps[1]), edgeId(exposure.steps[0]), edgeId({ ...exposure.steps[0], valid_from: '2020-01-01' }),
    ].sort());
  });
  it('selects only the entity for a zero-step path', () => {
    const m = new GraphModel();
    const self: Exposure = { end_user: exposure.end_user, hops: 0, path: [exposure.path[2]], steps: [] };
    m.addExposure(self);
    expect(pathSelection(m, self)).toEqual({ nodes: ['GOV-BY-BSH'], edges: [] });
  });
  it('orders exposures fewest hops first, then by end-user id', () => {
    const a = { ...exposure, hops: 3, end_user: { ...exposure.end_user, id: 'A' } };
    const b = { ...exposure, hops: 1, end_user: { ...exposure.end_user, id: 'Z' } };
    const c = { ...exposure, hops: 1, end_user: { ...exposure.end_user, id: 'B' } };
    expect(worstFirst([a, b, c]).map((x) => x.end_user.id)).toEqual(['B', 'Z', 'A']);
  });
});

describe('pathShare', () => {
  it('multiplies shares along an ownership path', () => {
    expect(pathShare(exposure)).toBeCloseTo(24);
  });
  it('adds nothing for an unknown share', () => {
    expect(pathShare({ steps: [{ ...exposure.steps[0], percent: null }] })).toBeNull();
  });
});

describe('visible', () => {
  it('hides links of filtered types and the entities they alone connect, never the roots', () => {
    const m = new GraphModel();
    m.addNeighborhood('ORG-BSI', bsi, 40);
    const all = visible(m, new Set(LINK_TYPES), new Set(['ORG-BSI']));
    expect(all.nodes.size).toBe(3);
    expect(all.edges.size).toBe(2);
    const ownsOnly = visible(m, new Set<LinkType>(['OWNS']), new Set(['ORG-BSI']));
    expect([...ownsOnly.nodes].sort()).toEqual(['GOV-BY-BSH', 'ORG-BSI']);
    expect(ownsOnly.edges.size).toBe(1);
    const none = visible(m, new Set<LinkType>(), new Set(['ORG-BSI']));
    expect([...none.nodes]).toEqual(['ORG-BSI']);
  });
});
