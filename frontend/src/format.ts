// Words and numbers as the UI shows them.
import type { Assessment, EvidenceChange, HistoryEntry, Kind, Link, Severity, Source } from './types';

/** percent formats a share: 60 → "60%", 12.345 → "12.35%", null → "". */
export function percent(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '';
  const r = Math.round(p * 100) / 100;
  return `${r}%`;
}

/** linkLabel is what an edge says: "OWNS 60%", "OWNS ?%" for an unknown share, "OFFICER_OF (director)". */
export function linkLabel(l: Pick<Link, 'type' | 'percent' | 'role'>): string {
  if (l.type === 'OWNS') return l.percent === null || l.percent === undefined ? 'OWNS ?%' : `OWNS ${percent(l.percent)}`;
  if (l.role) return `${l.type} (${l.role})`;
  return l.type;
}

/** linkSentence reads a link in words: "A owns 60% of B". */
export function linkSentence(l: Pick<Link, 'type' | 'percent' | 'role'> & { percent_max?: number | null }, from: string, to: string): string {
  const role = l.role ? ` as ${l.role}` : '';
  switch (l.type) {
    case 'OWNS':
      return `${from} owns ${l.percent === null || l.percent === undefined ? 'an unknown share' : percent(l.percent)}${typeof l.percent_max === 'number' ? `–${percent(l.percent_max)}` : ''} of ${to}`;
    case 'CONTROLS':
      return `${from} controls ${to}${role}`;
    case 'SUPPLIES':
      return `${from} supplies ${to}`;
    case 'PART_OF':
      return `${from} is part of ${to}`;
    case 'OFFICER_OF':
      return `${from} holds office in ${to}${role}`;
    case 'RELATED_TO':
      return `${from} is related to ${to}${role}`;
    case 'AGENT_OF':
      return `${from} acts for ${to}`;
  }
  return `${from} ${l.type} ${to}`;
}

/** validity says when a link holds: "from 2019-01-01", "2019-01-01 to 2021-12-31", "". */
export function validity(l: Pick<Link, 'valid_from' | 'valid_to'>): string {
  if (l.valid_from && l.valid_to) return `${l.valid_from} to ${l.valid_to}`;
  if (l.valid_from) return `from ${l.valid_from}`;
  if (l.valid_to) return `until ${l.valid_to}`;
  return '';
}

/** sourceText locates a fact: "demo.xlsx, sheet Links, row 7". */
export function sourceText(s: Source | undefined): string {
  if (!s || !s.file) return 'no source recorded';
  const parts = [s.file];
  if (s.sheet) parts.push(`sheet ${s.sheet}`);
  if (s.row) parts.push(`row ${s.row}`);
  return parts.join(', ');
}

export const kindName: Record<Kind, string> = {
  organization: 'Organization',
  person: 'Person',
  government_body: 'Government body',
};

/** kindOfLabel maps a Ref's label (Organization, Person, GovernmentBody) to a kind. */
export function kindOfLabel(label: string | undefined): Kind {
  if (label === 'Person') return 'person';
  if (label === 'GovernmentBody') return 'government_body';
  return 'organization';
}

const severityRank: Record<string, number> = { critical: 3, high: 2, medium: 1, none: 0 };

export function rankOf(s: Severity | string): number {
  return severityRank[s] ?? 0;
}

export const SEVERITIES: Severity[] = ['critical', 'high', 'medium'];

/** dateTime shows an RFC 3339 time in the browser's zone, to the minute. */
export function dateTime(s: string | undefined): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** plural: plural(1, 'flag') → "1 flag", plural(3, 'entity', 'entities') → "3 entities". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** linkKeyText reads a link key (TYPE|from|to|role|valid_from) as "OWNS a → b". */
export function linkKeyText(key: string, names: (id: string) => string = (x) => x): string {
  const p = key.split('|');
  if (p.length < 3) return key;
  return `${p[0]} ${names(p[1])} → ${names(p[2])}${p[3] ? ` (${p[3]})` : ''}`;
}

/** changeText says what one evidence change was: "OWNS a → b percent: 30% → 35%". */
export function changeText(c: EvidenceChange, names: (id: string) => string = (x) => x): string {
  const what = c.what === 'link' ? `${linkKeyText(c.link ?? '', names)}${c.field ? ` ${c.field.replace('_', ' ')}` : ''}`
    : c.what === 'effective_ownership' ? 'effective ownership' : c.what === 'end_user' ? 'end-user' : c.what;
  if (c.old && c.new) return `${what}: ${c.old} → ${c.new}`;
  if (c.new) return `${what}: added (${c.new})`;
  if (c.old) return `${what}: removed (was ${c.old})`;
  return what;
}

/** uploadText names the row of a change: "upload u-1, links.csv, row 4". */
export function uploadText(s: Source | undefined): string {
  if (!s) return '';
  return [s.upload ? `upload ${s.upload}` : '', sourceText(s)].filter(Boolean).join(', ');
}

const actionWords: Record<string, string> = {
  review: 'set', approve: 'approved clearing (1 of 2)', comment: 'commented', assign: 'assigned', reopen: 'reopened',
};

/** historyLine says who did what in one line: "ana approved clearing (1 of 2)". */
export function historyLine(e: HistoryEntry): string {
  const act = e.action ?? 'review';
  const who = e.by || 'unknown';
  if (act === 'review') return `${who} set it ${e.status}`;
  if (act === 'assign') return e.assignee ? `${who} assigned it to ${e.assignee}` : `${who} took it back from its assignee`;
  return `${who} ${actionWords[act] ?? act}`;
}

/**
 * ownershipText says how much of a start restrictive end-users hold: "—" when no restrictive
 * owner chain exists, "unknown" when the chains' stakes are all unknown (never "0%"), and
 * "at least 30% (some stakes unknown)" when only some are.
 */
export function ownershipText(a: Pick<Assessment, 'effective_ownership' | 'ownership_paths'>): string {
  const p = a.effective_ownership;
  if (p === null || p === undefined) return '—';
  const unknown = (a.ownership_paths ?? []).some((x) => x.steps.some((s) => s.percent === null || s.percent === undefined));
  if (!unknown) return percent(p);
  return p > 0 ? `at least ${percent(p)} (some stakes unknown)` : 'unknown';
}

/** money formats a value with its currency: 12500.5, "EUR" → "12,500.5 EUR"; none → "". */
export function money(v: number | null | undefined, currency?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '';
  return `${v.toLocaleString('en', { maximumFractionDigits: 2 })}${currency ? ` ${currency}` : ''}`;
}
