// The side panel shared by the explorer and the flag page: an entity's
// details and links, and a link's provenance.
import type { Client } from './api';
import { badge, errorBox, h, link, replace } from './dom';
import { kindName, linkKeyText, linkLabel, linkSentence, sourceText, uploadText, validity } from './format';
import type { Entity, EntityTransaction, Link, List, Listing, Ref, Revision, Source } from './types';
import { identitySection } from './identitypanel';
import { uploadLink } from './uploadslist';

export function provenance(s: Source | undefined): HTMLElement {
  if (!s || !s.file) return h('p', { class: 'muted' }, 'No source recorded.');
  return h('dl', { class: 'kv provenance' },
    h('dt', null, 'Upload'), h('dd', null, uploadLink(s.upload)),
    h('dt', null, 'File'), h('dd', null, s.file),
    h('dt', null, 'Sheet'), h('dd', null, s.sheet || '— (CSV file)'),
    h('dt', null, 'Row'), h('dd', null, String(s.row || '—')),
    h('dt', null, 'Evidence'), h('dd', null, s.evidence || h('span', { class: 'muted' }, 'none given')));
}

export function linkDetails(l: Link, names: (id: string) => string): HTMLElement {
  return h('section', { class: 'panel-section', 'data-testid': 'link-panel' },
    h('h2', null, linkLabel(l)),
    h('p', null, linkSentence(l, names(l.from), names(l.to)), '.'),
    h('dl', { class: 'kv' },
      h('dt', null, 'From'), h('dd', null, link(`/explore/${encodeURIComponent(l.from)}`, names(l.from)), h('span', { class: 'muted small' }, ` ${l.from}`)),
      h('dt', null, 'To'), h('dd', null, link(`/explore/${encodeURIComponent(l.to)}`, names(l.to)), h('span', { class: 'muted small' }, ` ${l.to}`)),
      l.role ? [h('dt', null, 'Role'), h('dd', null, l.role)] : null,
      h('dt', null, 'Valid'), h('dd', null, validity(l) || 'always')),
    h('h3', null, 'Provenance'),
    provenance(l.source));
}

function entityFacts(e: Entity, restrictive: boolean | undefined): HTMLElement {
  const row = (k: string, v: unknown) => (v ? [h('dt', null, k), h('dd', null, String(v))] : null);
  return h('dl', { class: 'kv' },
    row('Id', e.id),
    row('Kind', kindName[e.kind]),
    row('Country', e.country),
    row('Aliases', e.aliases?.join('; ')),
    row('Role', e.role),
    row('Registration id', e.registration_id),
    row('Address', e.address),
    row('Founded', e.founded),
    row('Position', e.position),
    row('Body kind', e.body_kind),
    e.kind === 'government_body'
      ? row('Restrictive end-user', restrictive === undefined ? 'follows its country' : restrictive ? 'yes' : 'no')
      : null,
    row('Basis', e.basis),
    row('Source', sourceText(e.source)));
}

/** listingItem tells one listing: list, program, period, reason and source. */
export function listingItem(l: Listing, list: List | undefined): HTMLElement {
  const period = l.listed_from || l.listed_to ? `${l.listed_from || '…'} – ${l.listed_to || 'today'}` : 'no dates given';
  return h('li', { 'data-testid': 'listing' },
    h('div', null, h('strong', null, list?.name || l.list), ' ', h('code', { class: 'small' }, l.list),
      l.program ? [' · program ', h('strong', null, l.program)] : null),
    h('div', { class: 'muted small' }, [l.authority || list?.authority, period, sourceText(l.source)].filter(Boolean).join(' · ')),
    l.reason ? h('div', { class: 'small' }, l.reason) : null);
}

export interface EntityPanelActions {
  /** called when the investigator picks a link to see its provenance. */
  showLink: (l: Link) => void;
  /** called to move to another entity (select it in the graph). */
  goTo?: (id: string) => void;
  expand?: (id: string) => void;
  restrictive?: (id: string) => boolean | undefined;
}

/** entityPanel loads an entity with its links into el. */
export async function entityPanel(el: HTMLElement, client: Client, id: string, act: EntityPanelActions): Promise<void> {
  replace(el, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const [d, hist, txs] = await Promise.all([client.entity(id), client.history(id).catch(() => null),
      client.entityTransactions(id).catch(() => null)]);
    const e = d.entity;
    const r = act.restrictive?.(id) ?? e.restrictive;
    const name = (x: string) => (x === e.id ? e.name : d.related[x]?.name ?? x);
    const other = (l: Link): Ref => d.related[l.from === e.id ? l.to : l.from] ?? { id: l.from === e.id ? l.to : l.from, name: '' };
    replace(el, h('section', { class: 'panel-section', 'data-testid': 'entity-panel' },
      h('h2', null, e.name, ' ', badge(kindName[e.kind], e.kind), r ? badge('⚠ restrictive end-user', 'critical') : null,
        d.listings?.length ? badge(`⚠ listed (${d.listings.length})`, 'critical') : null),
      h('div', { class: 'row' },
        act.expand ? h('button', { type: 'button', onclick: () => act.expand!(e.id) }, 'Expand neighbours') : null,
        link(`/explore/${encodeURIComponent(e.id)}`, 'Explore from here'),
        link(`/screen?id=${encodeURIComponent(e.id)}`, 'Assess exposure')),
      entityFacts(e, r),
      d.listings?.length
        ? [h('h3', null, `Listings (${d.listings.length})`),
          h('ul', { class: 'links' }, d.listings.map((l) => listingItem(l, d.lists?.[l.list])))]
        : null,
      transactionsList(txs),
      identitySection(client, e.id),
      h('h3', null, `Links (${d.links.length})`),
      d.links.length
        ? h('ul', { class: 'links' }, d.links.map((l) => {
          const o = other(l);
          return h('li', null,
            h('div', null, linkSentence(l, name(l.from), name(l.to))),
            h('div', { class: 'muted small' }, [validity(l), sourceText(l.source)].filter(Boolean).join(' · ')),
            h('div', { class: 'row small' },
              h('button', { type: 'button', class: 'linkish', onclick: () => act.showLink(l) }, 'Provenance'),
              act.goTo ? h('button', { type: 'button', class: 'linkish', onclick: () => act.goTo!(o.id) }, `Go to ${o.name || o.id}`) : null));
        }))
        : h('p', { class: 'muted' }, 'No links.'),
      revisionsList(hist?.revisions ?? null, name)));
  } catch (err) {
    replace(el, errorBox(err, `Entity ${id}`));
  }
}

const roleName = { buyer: 'buyer', seller: 'seller', end_user: 'declared end-user' } as const;

/** transactionsList shows the transactions an entity takes part in, newest first, each with its flag. */
export function transactionsList(r: { transactions: EntityTransaction[]; total: number } | null): HTMLElement[] {
  if (r === null) return [h('h3', null, 'Transactions'), h('p', { class: 'muted small' }, 'The transactions could not be read.')];
  if (!r.total) return [h('h3', null, 'Transactions'), h('p', { class: 'muted small' }, 'In no transaction.')];
  const flagged = r.transactions.filter((x) => x.flag && x.flag.verdict !== 'clear').length;
  return [h('h3', null, `Transactions (${r.total})`, flagged ? [' ', badge(`${flagged} flagged`, 'critical')] : null),
    h('ul', { class: 'links', 'data-testid': 'entity-transactions' }, r.transactions.map((x) => h('li', null,
      h('div', null, link(`/flags/${encodeURIComponent(x.transaction.id)}`, x.transaction.id), ` · ${x.transaction.date} · as `,
        x.roles.map((ro) => roleName[ro]).join(', '),
        x.flag && x.flag.verdict !== 'clear' ? [' ', badge(x.flag.severity, x.flag.severity), ' ', badge(x.flag.status, x.flag.status)] : null),
      h('div', { class: 'muted small' }, [x.transaction.product, x.transaction.ship_to ? `ships to ${x.transaction.ship_to}` : ''].filter(Boolean).join(' · '))))),
    r.total > r.transactions.length ? h('p', { class: 'muted small' }, `The newest ${r.transactions.length} of ${r.total}.`) : null].filter(Boolean) as HTMLElement[];
}

/** revisionsList shows an entity's and its links' earlier values, newest first, with the rows that stated and changed them. */
export function revisionsList(rs: Revision[] | null, names: (id: string) => string): HTMLElement[] {
  if (rs === null) return [h('h3', null, 'History'), h('p', { class: 'muted small' }, 'The history could not be read.')];
  if (!rs.length) return [h('h3', null, 'History'), h('p', { class: 'muted small' }, 'No value has changed since it was first stated.')];
  return [h('h3', null, `History (${rs.length})`),
    h('ul', { class: 'links revisions', 'data-testid': 'revisions' }, [...rs].reverse().map((r) => h('li', null,
      h('div', null, r.target === 'link' ? linkKeyText(r.key, names) : 'This entity'),
      h('ul', null, r.changes.map((c) => h('li', { class: 'small' }, `${c.field.replace('_', ' ')}: ${c.old || '(blank)'} → ${c.new || '(blank)'}`))),
      h('div', { class: 'muted small' }, `changed by ${uploadText(r.by)}; earlier stated by ${uploadText(r.was)}`))))];
}
