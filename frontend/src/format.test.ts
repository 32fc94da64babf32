import { describe, expect, it } from 'vitest';
import { dateTime, kindOfLabel, linkLabel, linkSentence, percent, plural, sourceText, validity } from './format';

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
