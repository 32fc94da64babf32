import { describe, expect, it } from 'vitest';
import { dateTime, kindOfLabel, linkLabel, linkSentence, money, ownershipText, percent, plural, sourceText, validity } from './format';

describe('linkLabel', () => {
  it.each([
    [{ type: 'OWNS', percent: 60 }, 'OWNS 60%'],
    [{ type: 'OWNS', percent: 12.345 }, 'OWNS 12.35%'],
    [{ type: 'OWNS', percent: 0 }, 'OWNS 0%'],
    [{ type: 'OWNS' }, 'OWNS ?%'],
    [{ type: 'OWNS', percent: null }, 'OWNS ?%'],
    [{ type: 'SUPPLIES' }, 'SUPPLIES'],
    [{ type: 'OFFICER_OF', role: 'director' }, 'OFFICER_OF (director)'],
  ] as const)('%j → %s', (l, want) => {
    expect(linkLabel(l)).toBe(want);
  });
});

describe('words', () => {
  it('reads links as sentences', () => {
    expect(linkSentence({ type: 'OWNS', percent: 50 }, 'Beltech', 'Belsec')).toBe('Beltech owns 50% of Belsec');
    expect(linkSentence({ type: 'OWNS' }, 'A', 'B')).toBe('A owns an unknown share of B');
    expect(linkSentence({ type: 'OWNS', percent: 75, percent_max: 100 }, 'A', 'B')).toBe('A owns 75%–100% of B');
    expect(linkSentence({ type: 'PART_OF' }, 'A', 'B')).toBe('A is part of B');
    expect(linkSentence({ type: 'CONTROLS', role: 'manager' }, 'A', 'B')).toBe('A controls B as manager');
  });
  it('says when a link holds', () => {
    expect(validity({})).toBe('');
    expect(validity({ valid_from: '2019-01-01' })).toBe('from 2019-01-01');
    expect(validity({ valid_to: '2020-01-01' })).toBe('until 2020-01-01');
    expect(validity({ valid_from: '2018-01-01', valid_to: '2022-12-31' })).toBe('2018-01-01 to 2022-12-31');
  });
  it('locates sources', () => {
    expect(sourceText({ upload: 'u', file: 'demo.xlsx', sheet: 'Links', row: 7 })).toBe('demo.xlsx, sheet Links, row 7');
    expect(sourceText({ upload: 'u', file: 'links.csv', row: 2 })).toBe('links.csv, row 2');
    expect(sourceText(undefined)).toBe('no source recorded');
  });
  it('formats numbers and kinds', () => {
    expect(percent(undefined)).toBe('');
    expect(percent(100)).toBe('100%');
    expect(plural(1, 'flag')).toBe('1 flag');
    expect(plural(2000, 'entity', 'entities')).toBe('2,000 entities');
    expect(kindOfLabel('GovernmentBody')).toBe('government_body');
    expect(kindOfLabel('Person')).toBe('person');
    expect(kindOfLabel(undefined)).toBe('organization');
    expect(dateTime('not a date')).toBe('not a date');
  });
});

describe('ownership and value in the flags list', () => {
  const step = (percent: number | null) => ({ type: 'OWNS' as const, from: 'a', to: 'b', percent, step: 'owner', source: {} as never });
  it('shows unknown stakes as unknown, never 0%', () => {
    expect(ownershipText({ effective_ownership: null })).toBe('—');
    expect(ownershipText({ effective_ownership: 60, ownership_paths: [{ end_user: { id: 'g', name: 'G' }, hops: 1, path: [], steps: [step(60)] }] })).toBe('60%');
    expect(ownershipText({ effective_ownership: 0, ownership_paths: [{ end_user: { id: 'g', name: 'G' }, hops: 1, path: [], steps: [step(null)] }] })).toBe('unknown');
    expect(ownershipText({
      effective_ownership: 30,
      ownership_paths: [{ end_user: { id: 'g', name: 'G' }, hops: 1, path: [], steps: [step(30)] }, { end_user: { id: 'g', name: 'G' }, hops: 2, path: [], steps: [step(null), step(50)] }],
    })).toBe('at least 30% (some stakes unknown)');
  });
  it('formats a value with its currency', () => {
    expect(money(12500.5, 'EUR')).toBe('12,500.5 EUR');
    expect(money(undefined, 'EUR')).toBe('');
    expect(money(0)).toBe('0');
  });
});
