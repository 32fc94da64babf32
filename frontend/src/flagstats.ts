// Counting and ordering flags for the dashboard and the flags list.
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

/** SortKey is a column the server orders a flag list by (graph.FlagColumns). */
export type SortKey = 'severity' | 'transaction' | 'date' | 'buyer' | 'seller' | 'end_user' | 'country' | 'capability'
  | 'product' | 'value' | 'hops' | 'ownership' | 'status' | 'verdict' | 'assignee';

/** hopsOf is the shortest exposure path of a flag, Infinity when it has none. */
export function hopsOf(f: Flag): number {
  return f.exposures.length ? Math.min(...f.exposures.map((x) => x.hops)) : Number.POSITIVE_INFINITY;
}
