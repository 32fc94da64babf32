import { describe, expect, it } from 'vitest';
import { Client, REVIEWER_HEADER, needsReviewerName, type KeyStore, type NameStore } from './api';
import { changeText, historyLine, linkKeyText, uploadText } from './format';

const store = (v = ''): KeyStore & NameStore => {
  let x = v;
  return { get: () => x, set: (y) => (x = y) };
};

describe('reviewer identity', () => {
  it('asks for a name only when there is neither a key nor a name', () => {
    expect(needsReviewerName('', '')).toBe(true);
    expect(needsReviewerName('', '   ')).toBe(true);
    expect(needsReviewerName('', 'ana')).toBe(false);
    expect(needsReviewerName('k1', '')).toBe(false);
  });
  it('sends the name without a key, and never beside a key', async () => {
    const seen: Record<string, string>[] = [];
    const fetcher = (async (_u: string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>);
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    await new Client(store(), fetcher, store('Ana Petrova')).review('T-1', 'confirmed', 'why');
    await new Client(store('k1'), fetcher, store('Ana Petrova')).review('T-1', 'confirmed', 'why');
    await new Client(store(), fetcher, store()).review('T-1', 'confirmed', 'why');
    expect(seen[0][REVIEWER_HEADER]).toBe('Ana Petrova');
    expect(seen[1][REVIEWER_HEADER]).toBeUndefined();
    expect(seen[2][REVIEWER_HEADER]).toBeUndefined();
  });
  it('posts bulk reviews, comments and assignments to their routes', async () => {
    const calls: string[] = [];
    const fetcher = (async (u: string, init: RequestInit) => {
      calls.push(`${init.method} ${u} ${init.body}`);
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    const c = new Client(store(), fetcher, store('ana'));
    await c.bulkReview(['T-1', 'T-2'], 'cleared', 'sold');
    await c.comment('T 1', 'asked');
    await c.assign('T-1', 'ben');
    await c.history('ORG-1');
    expect(calls).toEqual([
      'POST /api/v1/flags/review {"ids":["T-1","T-2"],"status":"cleared","note":"sold"}',
      'POST /api/v1/flags/T%201/comments {"note":"asked"}',
      'PUT /api/v1/flags/T-1/assignee {"assignee":"ben"}',
      'GET /api/v1/entities/ORG-1/history undefined',
    ]);
  });
});

describe('what changed', () => {
  const names = (id: string) => ({ G: 'Ministry', X: 'Orion' })[id] ?? id;
  it('reads a link change old → new with names', () => {
    expect(changeText({ what: 'link', link: 'OWNS|G|X||', field: 'percent', old: '30%', new: '35%' }, names)).toBe('OWNS Ministry → Orion percent: 30% → 35%');
    expect(changeText({ what: 'link', link: 'OWNS|G|X||', field: 'valid_to', old: '', new: '2022-12-31' })).toBe('OWNS G → X valid to: added (2022-12-31)');
    expect(changeText({ what: 'link', link: 'SUPPLIES|X|G||', old: 'SUPPLIES X → G' })).toBe('SUPPLIES X → G: removed (was SUPPLIES X → G)');
    expect(changeText({ what: 'severity', old: 'high', new: 'critical' })).toBe('severity: high → critical');
    expect(changeText({ what: 'effective_ownership', old: '40%', new: '70%' })).toBe('effective ownership: 40% → 70%');
  });
  it('names the upload and row', () => {
    expect(uploadText({ upload: 'u-3', file: 'links.csv', row: 4 })).toBe('upload u-3, links.csv, row 4');
    expect(uploadText(undefined)).toBe('');
    expect(linkKeyText('CONTROLS|A|B|director|2020-01-01')).toBe('CONTROLS A → B (director)');
  });
  it('says who did what in the history', () => {
    expect(historyLine({ at: '', by: 'ana', status: 'cleared' })).toBe('ana set it cleared');
    expect(historyLine({ at: '', by: 'ana', action: 'approve', status: 'open' })).toBe('ana approved clearing (1 of 2)');
    expect(historyLine({ at: '', by: 'ben', action: 'assign', status: 'open', assignee: 'carla' })).toBe('ben assigned it to carla');
    expect(historyLine({ at: '', by: 'hopcheck', action: 'reopen', status: 'open' })).toBe('hopcheck reopened');
  });
});
