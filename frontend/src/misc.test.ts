import { describe, expect, it } from 'vitest';
import { buildMapping, guessColumn, mergeMappings, reusableMapping, sheetKey, TABLE_COLUMNS, type SheetChoice } from './mapping';
import { tally } from './flagstats';
import { referenceText } from './pages/upload';
import type { Flag } from './types';

describe('mapping step', () => {
  it('names sheets as the importer matches them', () => {
    expect(sheetKey({ file: 'demo.xlsx', sheet: 'Shareholders' })).toBe('Shareholders');
    expect(sheetKey({ file: 'lieferanten.csv' })).toBe('lieferanten');
    expect(sheetKey({ file: 'export.2024.csv' })).toBe('export.2024');
  });
  it('writes the choices as a mapping file, leaving out what was not chosen', () => {
    const c = new Map<string, SheetChoice>([
      ['lieferanten', { kind: 'organizations', headerRow: 1, columns: { 'Legal Designation': 'name', Seat: 'country', Notes: 'ignore', Other: '' } }],
      ['Untouched', { columns: {} }],
    ]);
    expect(JSON.parse(buildMapping(c)!)).toEqual({
      sheets: { lieferanten: { kind: 'organizations', header_row: 1, columns: { 'Legal Designation': 'name', Seat: 'country', Notes: 'ignore' } } },
    });
    expect(buildMapping(new Map([['x', { columns: {} }]]))).toBeNull();
  });
  it('guesses only columns the kind has', () => {
    expect(guessColumn('Firma', 'organizations')).toBe('name');
    expect(guessColumn('Land', 'organizations')).toBe('country');
    expect(guessColumn('Stake', 'links')).toBe('percent');
    expect(guessColumn('Stake', 'organizations')).toBe('');
    expect(guessColumn('Zzz', 'persons')).toBe('');
    expect(TABLE_COLUMNS.links.slice(0, 3)).toEqual(['from', 'to', 'type']);
  });
});

const flag = (id: string, severity: Flag['severity'], country: string, hops: number[], date = '2024-01-01'): Flag => ({
  transaction_id: id, severity, verdict: severity === 'critical' ? 'block' : 'review', reasons: [], effective_ownership: null, status: 'open', date, country,
  buyer: { id: `B-${id}`, name: `Buyer ${id}` },
  exposures: hops.map((h) => ({ end_user: { id: 'G', name: 'G' }, hops: h, path: [], steps: [] })),
});

describe('flags', () => {
  const fs = [flag('T-2', 'high', 'CY', [2]), flag('T-10', 'critical', 'BY', [0, 1]), flag('T-1', 'medium', 'CY', [4], '2023-05-01'), flag('T-3', 'critical', 'BY', [])];
  it('tallies open flags by severity and country, busiest country first', () => {
    const t = tally(fs);
    expect(t.bySeverity).toEqual({ critical: 2, high: 1, medium: 1 });
    expect(t.byCountry.map((r) => [r.country, r.total])).toEqual([['BY', 2], ['CY', 2]]);
  });
});

describe('did you mean', () => {
  it('reads the reference a "names no entity" error is about', () => {
    expect(referenceText({ message: '"Stored Holdngs" names no entity: no id or name matches it; did you mean Stored Holdings Ltd (org-stored, score 0.93)?' })).toBe('Stored Holdngs');
    expect(referenceText({ message: '"Say \\"hi\\" Ltd" names no entity: …' })).toBe('Say "hi" Ltd');
    expect(referenceText({ message: '"Twin Trading" is ambiguous: it names 2 entities' })).toBeNull();
  });
});

describe('saved mappings', () => {
  it('saves the chosen columns as headers for any file of the partner, kinds by sheet', () => {
    const choices = new Map<string, SheetChoice>([
      ['partner list 2024-05', { kind: 'organizations', columns: { Firma: 'name', Land: 'country', Notes: '' } }],
    ]);
    expect(reusableMapping(choices, 'DD/MM/YYYY')).toEqual({
      headers: { Firma: 'name', Land: 'country' },
      sheets: { 'partner list 2024-05': { kind: 'organizations' } },
      date_format: 'DD/MM/YYYY',
    });
    expect(reusableMapping(new Map())).toBeNull();
  });
  it('lays the choices over a saved mapping', () => {
    const saved = { headers: { Firma: 'name', Land: 'country' }, date_format: 'DD/MM/YYYY' };
    expect(JSON.parse(mergeMappings(saved, JSON.stringify({ sheets: { x: { columns: { Land: 'ignore' } } } })))).toEqual({
      headers: { Firma: 'name', Land: 'country' }, date_format: 'DD/MM/YYYY', sheets: { x: { columns: { Land: 'ignore' } } },
    });
  });
});
