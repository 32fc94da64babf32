// Counting and ordering flags for the dashboard and the flags list.
import { rankOf } from './format';
import type { Flag } from './types';

export interface Tally {
  bySeverity: Record<string, number>;
  /** countries, most flags first: [country, {severity: count}, total] */
  byCountry: { country: string; counts: Record<string, number>; total: number }[];
}

/** tally counts flags by severity and by the buyer's country. */
export function tally(flags: Pick<Flag, 'severity' | 'country'>[]): Tally {
  const bySeverity: Record<string, number> = {};
  const countries = new Map<string, Record<string, number>>();
  for (const f of flags) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    const c = f.country || '—';
    const row = countries.get(c) ?? {};
    row[f.severity] = (row[f.severity] ?? 0) + 1;
    countries.set(c, row);
  }
  const byCountry = [...countries].map(([country, counts]) => ({
    country, counts, total: Object.values(counts).reduce((a, b) => a + b, 0),
  }));
  byCountry.sort((a, b) => b.total - a.total || (b.counts.critical ?? 0) - (a.counts.critical ?? 0) || a.country.localeCompare(b.country));
  return { bySeverity, byCountry };
}

export type SortKey = 'severity' | 'transaction' | 'date' | 'buyer' | 'country' | 'status' | 'hops';

function hopsOf(f: Flag): number {
  return f.exposures.length ? Math.min(...f.exposures.map((x) => x.hops)) : Number.POSITIVE_INFINITY;
}

/** sortFlags orders flags by a column; ties keep the most severe, then the transaction id, first. */
export function sortFlags(flags: Flag[], key: SortKey, desc: boolean): Flag[] {
  const cmp: Record<SortKey, (a: Flag, b: Flag) => number> = {
    severity: (a, b) => rankOf(a.severity) - rankOf(b.severity),
    transaction: (a, b) => a.transaction_id.localeCompare(b.transaction_id, 'en', { numeric: true }),
    date: (a, b) => a.date.localeCompare(b.date),
    buyer: (a, b) => a.buyer.name.localeCompare(b.buyer.name),
    country: (a, b) => (a.country ?? '').localeCompare(b.country ?? ''),
    status: (a, b) => a.status.localeCompare(b.status),
    hops: (a, b) => hopsOf(a) - hopsOf(b),
  };
  const tie = (a: Flag, b: Flag) => rankOf(b.severity) - rankOf(a.severity) || a.transaction_id.localeCompare(b.transaction_id, 'en', { numeric: true });
  return [...flags].sort((a, b) => (desc ? -1 : 1) * cmp[key](a, b) || tie(a, b));
}

export { hopsOf };
