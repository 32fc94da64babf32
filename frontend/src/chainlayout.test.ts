import { describe, expect, test } from 'vitest';
import { CHAIN, chainLayout, estimate, overlaps, wrapLines } from './chainlayout';
import { addShipment, dateBound, edgeView, ended, GraphModel, hideInvalid, linkValidOn, visible } from './graphmodel';
import type { Link } from './types';

const names = ['⚠ Ministry of Internal Order of the Republic', 'Alpha Holdings International GmbH', 'Beta', 'Gamma Trading and Logistics FZE',
  'Delta Systems', 'Epsilon Surveillance Solutions Ltd', 'Zeta', 'Eta Security Research Institute', 'Theta', 'Iota Capital Partners LLP', 'Kappa'];

function chain(n: number, width: number, rest = 0) {
  const ids = Array.from({ length: n }, (_, i) => ({ id: `N${i}`, label: names[i % names.length], bold: i === 0 }));
  const links = ids.slice(1).map((_, i) => (i % 2 ? 'CONTROLS' : `OWNS ${10 + i}.5%`));
  const others = Array.from({ length: rest }, (_, i) => ({ id: `R${i}`, label: `Other party number ${i}` }));
  return { inp: { chain: ids, links, rest: others, width }, lay: chainLayout({ chain: ids, links, rest: others, width }) };
}

describe('chainLayout', () => {
  test.each([
    [2, 1200], [6, 1200], [6, 600], [12, 900], [25, 700], [6, 300], [40, 1600],
  ])('%i entities in %ipx: no two labels overlap, every position inside the width', (n, width) => {
    const { lay } = chain(n, width, 7);
    expect(overlaps(lay.labels)).toEqual([]);
    expect(lay.labels.filter((l) => !l.id.startsWith('link:')).length).toBe(n + 7);
    expect(lay.labels.filter((l) => l.id.startsWith('link:')).length).toBe(n - 1);
    for (const l of lay.labels) {
      expect(l.box.x1).toBeGreaterThanOrEqual(0);
      expect(l.box.x2).toBeLessThanOrEqual(Math.max(width, CHAIN.maxLabel + 2 * CHAIN.margin) + 0.01);
    }
    expect(lay.height).toBeGreaterThan(0);
  });

  test('the chain reads left to right, row by row, in path order', () => {
    const { inp, lay } = chain(12, 900);
    const pos = inp.chain.map((n) => lay.positions.get(n.id)!);
    for (let i = 1; i < pos.length; i++) {
      if (lay.row[i] === lay.row[i - 1]) {
        expect(pos[i].x).toBeGreaterThan(pos[i - 1].x);
        expect(pos[i].y).toBe(pos[i - 1].y);
      } else {
        expect(lay.row[i]).toBe(lay.row[i - 1] + 1);
        expect(pos[i].y).toBeGreaterThan(pos[i - 1].y);
        expect(pos[i].x).toBeLessThan(pos[i - 1].x);
      }
    }
    expect(Math.max(...lay.row)).toBeGreaterThan(0); // 12 long names do not fit 900px: it wrapped
  });

  test('a short path in a wide view stays on one row; the rest sits below it', () => {
    const { lay } = chain(6, 2400, 3);
    expect(new Set(lay.row)).toEqual(new Set([0]));
    const chainBottom = Math.max(...[0, 1, 2, 3, 4, 5].map((i) => lay.positions.get(`N${i}`)!.y));
    for (let i = 0; i < 3; i++) expect(lay.positions.get(`R${i}`)!.y).toBeGreaterThan(chainBottom);
  });

  test('a link label fits between the entities it joins', () => {
    const { lay } = chain(3, 2000);
    const a = lay.positions.get('N0')!;
    const b = lay.positions.get('N1')!;
    const l = lay.labels.find((x) => x.id === 'link:0')!;
    expect(l.box.x1).toBeGreaterThanOrEqual(a.x + CHAIN.node / 2);
    expect(l.box.x2).toBeLessThanOrEqual(b.x - CHAIN.node / 2);
  });

  test('a narrow view gives a column, not a squeeze', () => {
    const { lay } = chain(4, 100);
    expect(lay.row).toEqual([0, 1, 2, 3]);
    expect(overlaps(lay.labels)).toEqual([]);
  });

  test('overlaps finds overlapping boxes and not touching ones', () => {
    const b = (id: string, x1: number, y1: number, x2: number, y2: number) => ({ id, box: { x1, y1, x2, y2 } });
    expect(overlaps([b('a', 0, 0, 10, 10), b('b', 10, 0, 20, 10), b('c', 5, 5, 15, 15)])).toEqual([['a', 'c'], ['b', 'c']]);
  });

  test('wrapLines breaks at spaces within the width, a long word on its own line', () => {
    const m = (t: string) => t.length * 10;
    expect(wrapLines('Ministry of Internal Order', 120, m)).toEqual(['Ministry of', 'Internal', 'Order']);
    expect(wrapLines('Supercalifragilistic x', 100, m)).toEqual(['Supercalifragilistic', 'x']);
    expect(wrapLines('', 100, m)).toEqual(['']);
  });

  test('a long name wraps onto more lines and its row grows to hold it', () => {
    const long = { id: 'L', label: 'The Very Long Name of a Ministry of Internal Order and Public Security of the Republic', bold: true };
    const lay = chainLayout({ chain: [{ id: 'A', label: 'A' }, long, { id: 'B', label: 'B' }], links: ['OWNS 50%', 'CONTROLS'], rest: [], width: 2000 });
    const box = lay.labels.find((l) => l.id === 'L')!.box;
    expect(box.x2 - box.x1).toBeLessThanOrEqual(CHAIN.maxLabel + 4);
    expect(box.y2 - box.y1).toBeGreaterThan(3 * CHAIN.nodeFont);
    const one = chainLayout({ chain: [{ id: 'A', label: 'A' }, { id: 'B', label: 'B' }], links: ['X'], rest: [], width: 2000 });
    expect(lay.height).toBeGreaterThan(one.height);
    expect(overlaps(lay.labels)).toEqual([]);
  });

  test('estimate grows with the text and the font', () => {
    expect(estimate('abcd', 12)).toBeGreaterThan(estimate('abc', 12));
    expect(estimate('abc', 14)).toBeGreaterThan(estimate('abc', 12));
  });
});

const src = { upload: 'u', file: 'links.csv', row: 2 };
const link = (from: string, to: string, extra: Partial<Link> = {}): Link => ({ type: 'RELATED_TO', from, to, source: src, ...extra } as Link);

describe('validity', () => {
  test.each([
    ['2022', false, '2022-01-01'], ['2022', true, '2022-12-31'], ['2024-02', true, '2024-02-29'], ['2023-02', true, '2023-02-28'],
    ['2023-11', false, '2023-11-01'], ['2023-11-05', true, '2023-11-05'], ['', true, ''],
  ])('dateBound(%s, end %s) = %s', (s, end, want) => expect(dateBound(s, end)).toBe(want));

  test.each([
    [{}, '2020-01-01', true],
    [{ valid_to: '2022-12-31' }, '2022-12-31', true],
    [{ valid_to: '2022-12-31' }, '2023-01-01', false],
    [{ valid_to: '2022' }, '2022-12-31', true],
    [{ valid_from: '2023-06' }, '2023-05-31', false],
    [{ valid_from: '2023-06' }, '2023-06-01', true],
  ])('linkValidOn(%o, %s) = %s', (l, day, want) => expect(linkValidOn(l, day)).toBe(want));

  test('an ended link is labelled with its end unless an as-of date is set', () => {
    const m = new GraphModel();
    const e = m.addLink(link('A', 'B', { valid_to: '2022-12-31' }));
    expect(ended(e.link, '2024-06-01')).toBe(true);
    expect(ended(e.link, '2022-06-01')).toBe(false);
    expect(edgeView(e, '', '2024-06-01')).toEqual({ label: 'RELATED_TO · ended 2022-12-31', ended: true });
    expect(edgeView(e, '2022-01-01', '2024-06-01')).toEqual({ label: 'RELATED_TO', ended: false });
  });

  test('as of a date, a link not valid then is hidden, and the entity it alone joined', () => {
    const m = new GraphModel();
    for (const id of ['A', 'B', 'C', 'D']) m.addRef({ id, name: id });
    m.addLink(link('A', 'B', { valid_to: '2022-12-31' }));
    m.addLink(link('A', 'C', { type: 'OWNS', percent: 50 }));
    m.addLink(link('C', 'D', { valid_from: '2023-01-01' }));
    const roots = new Set(['A']);
    const all = visible(m, new Set(['RELATED_TO', 'OWNS']), roots);
    expect(hideInvalid(m, all, '', roots)).toBe(all);
    const in2024 = hideInvalid(m, all, '2024-06-01', roots);
    expect([...in2024.nodes].sort()).toEqual(['A', 'C', 'D']);
    expect(in2024.edges.size).toBe(2);
    const in2021 = hideInvalid(m, all, '2021-06-01', roots);
    expect([...in2021.nodes].sort()).toEqual(['A', 'B', 'C']);
  });
});

describe('addShipment', () => {
  test('a flag without a path draws seller → buyer → end-user → ship-to country', () => {
    const m = new GraphModel();
    const s = addShipment(m, { seller: 'S', buyer: 'B', end_user: 'E', ship_to: 'IR' }, { B: 'Buyer Ltd' });
    expect(s.ids).toEqual(['S', 'B', 'E', 'country:IR']);
    expect(s.edges.map((e) => `${e.source}>${e.target}:${e.label}`)).toEqual(['S>B:sells to', 'B>E:for end-user', 'E>country:IR:ships to']);
    expect(m.nodes.get('B')!.name).toBe('Buyer Ltd');
    expect(m.nodes.get('country:IR')).toMatchObject({ kind: 'country', restrictive: true, name: 'Ships to IR' });
  });

  test('only a buyer and a country', () => {
    const m = new GraphModel();
    expect(addShipment(m, { buyer: 'B', end_user: 'B', ship_to: 'KP' }, {}).ids).toEqual(['B', 'country:KP']);
  });
});
