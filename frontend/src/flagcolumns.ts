// The columns of the flags list: what each shows and the server column it sorts by.
import { badge, h, link } from './dom';
import { hopsOf, type SortKey } from './flagstats';
import { money, ownershipText } from './format';
import type { Flag, Ref } from './types';

export interface FlagColumn {
  key: SortKey;
  title: string;
  num?: boolean;
  cell: (fl: Flag) => Node | string;
}

/** party shows an entity by name with its id beside it, linked to the explorer; "—" when none. */
export function party(r: Ref | undefined): Node | string {
  if (!r || !r.id) return '—';
  return h('span', { class: 'party' },
    link(`/explore/${encodeURIComponent(r.id)}`, r.name || r.id),
    r.name && r.name !== r.id ? h('span', { class: 'muted small id' }, ` ${r.id}`) : null);
}

/** capabilityCell shows the capability as written, with the guidance's categories it points to. */
function capabilityCell(fl: Flag): Node | string {
  if (!fl.capability) return '—';
  // The categories, unless the text names just them.
  const cats = (fl.capabilities ?? []).join(', ').toLowerCase() === fl.capability.trim().toLowerCase() ? [] : fl.capabilities ?? [];
  return h('span', null, fl.capability,
    cats.length ? h('span', { class: 'muted small' }, ` (${cats.join(', ')})`) : null);
}

/** flagColumns lists the flags list's columns, in order; every one sorts on the server. */
export const flagColumns: FlagColumn[] = [
  { key: 'severity', title: 'Severity', cell: (fl) => badge(fl.severity, fl.severity) },
  { key: 'transaction', title: 'Transaction', cell: (fl) => link(`/flags/${encodeURIComponent(fl.transaction_id)}`, fl.transaction_id) },
  { key: 'date', title: 'Date', cell: (fl) => fl.date },
  { key: 'buyer', title: 'Buyer', cell: (fl) => party(fl.buyer) },
  { key: 'seller', title: 'Seller', cell: (fl) => party(fl.seller) },
  { key: 'end_user', title: 'End-user', cell: (fl) => party(fl.end_user) },
  { key: 'country', title: 'Country', cell: (fl) => fl.country ?? '' },
  { key: 'capability', title: 'Capability', cell: capabilityCell },
  { key: 'product', title: 'Product', cell: (fl) => fl.product || '—' },
  { key: 'value', title: 'Value', num: true, cell: (fl) => money(fl.value, fl.currency) || 'unknown' },
  { key: 'hops', title: 'Hops', num: true, cell: (fl) => (Number.isFinite(hopsOf(fl)) ? String(hopsOf(fl)) : '—') },
  { key: 'status', title: 'Status', cell: (fl) => badge(fl.status, fl.status) },
  { key: 'ownership', title: 'Effective ownership', num: true, cell: (fl) => ownershipText(fl) },
  { key: 'verdict', title: 'Verdict', cell: (fl) => h('span', null, fl.verdict, fl.pending_clear ? [' ', badge('1 of 2 clears', 'medium')] : null) },
  { key: 'assignee', title: 'Assigned to', cell: (fl) => fl.assignee ?? '' },
];

/** The guidance's capability categories, as the capability filter offers them. */
export const CAPABILITIES = ['sensors', 'biometric identification', 'data analytics', 'internet surveillance',
  'non-cooperative location tracking', 'recording devices'];
