// The graph the explorer and the flag page draw, built from API answers.
// Pure data: no DOM, no Cytoscape, so that it is unit-tested on its own.
import { kindOfLabel, linkLabel } from './format';
import type { Entity, Exposure, Kind, Link, LinkType, Ref, Subgraph } from './types';

export interface NodeData {
  id: string;
  name: string;
  /** country: the ship-to country of a transaction drawn without a path. */
  kind: Kind | 'country';
  country?: string;
  entity?: Entity;
  /** true: a restrictive end-user; false: not; undefined: not known yet (its country is not assessed yet). */
  restrictive?: boolean;
  /** the neighbourhood was fetched with this limit; 0: not expanded. */
  expanded: number;
  /** "more…" placeholder: expanding its owner again with a larger limit. */
  moreOf?: string;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  /** MORE: to a "more…" node; SELLS_TO, SHIPS_TO: a transaction's parties, not links. */
  type: LinkType | 'MORE' | 'SELLS_TO' | 'SHIPS_TO';
  label: string;
  link?: Link;
}

/** edgeId identifies a link: the same statement from two answers is one edge. */
export function edgeId(l: Pick<Link, 'from' | 'to' | 'type' | 'valid_from' | 'valid_to'>): string {
  return `${l.from}|${l.type}|${l.to}|${l.valid_from ?? ''}|${l.valid_to ?? ''}`;
}

export const moreId = (id: string) => `more:${id}`;

/**
 * isRestrictive tells whether an entity is a restrictive end-user (SPEC §3):
 * a government body marked restrictive, or one of a restrictive country
 * unless it says it is not. Undefined when its country is not known yet.
 */
export function isRestrictive(e: Pick<Entity, 'kind' | 'restrictive' | 'country'>, countries: ReadonlyMap<string, boolean>): boolean | undefined {
  if (e.kind !== 'government_body') return false;
  if (e.restrictive !== undefined && e.restrictive !== null) return e.restrictive;
  if (!e.country) return false;
  return countries.get(e.country);
}

export class GraphModel {
  readonly nodes = new Map<string, NodeData>();
  readonly edges = new Map<string, EdgeData>();
  /** country code → restrictive, as learned from the API. */
  readonly countries = new Map<string, boolean>();
  /** entities known to be restrictive end-users from exposures (flags, screenings). */
  private readonly knownRestrictive = new Set<string>();

  /** addEntity adds or refreshes an entity's node, keeping what was known. */
  addEntity(e: Entity): NodeData {
    const old = this.nodes.get(e.id);
    const n: NodeData = {
      id: e.id, name: e.name, kind: e.kind, country: e.country, entity: e,
      restrictive: this.restrictiveOf(e), expanded: old?.expanded ?? 0,
    };
    this.nodes.set(e.id, n);
    return n;
  }

  /** addRef adds an entity known only by reference (from a path), unless it is known better. */
  addRef(r: Ref): NodeData {
    const old = this.nodes.get(r.id);
    if (old) return old;
    const kind = kindOfLabel(r.label);
    const n: NodeData = {
      id: r.id, name: r.name, kind, country: r.country, expanded: 0,
      restrictive: kind === 'government_body' ? (this.knownRestrictive.has(r.id) ? true : undefined) : false,
    };
    this.nodes.set(r.id, n);
    return n;
  }

  addLink(l: Link): EdgeData {
    const id = edgeId(l);
    const e: EdgeData = { id, source: l.from, target: l.to, type: l.type, label: linkLabel(l), link: l };
    this.edges.set(id, e);
    return e;
  }

  /**
   * addNeighborhood merges a neighbourhood answer for centre, fetched with
   * limit. A truncated answer gets a "more…" node to fetch it again with a
   * larger one; a complete answer removes it.
   */
  addNeighborhood(centre: string, sg: Subgraph, limit: number, today = new Date().toISOString().slice(0, 10)): { nodes: number; edges: number } {
    const before = { nodes: this.nodes.size, edges: this.edges.size };
    // A party listed today is marked as a restrictive end-user (the server's
    // policy may restrict fewer lists; its assessments say so).
    for (const l of sg.listings ?? []) {
      if ((!l.listed_from || l.listed_from <= today) && (!l.listed_to || today <= l.listed_to)) this.knownRestrictive.add(l.entity);
    }
    for (const e of sg.entities) this.addEntity(e);
    for (const l of sg.links) {
      if (this.nodes.has(l.from) && this.nodes.has(l.to)) this.addLink(l);
    }
    const c = this.nodes.get(centre);
    if (c) c.expanded = Math.max(c.expanded, limit);
    const mid = moreId(centre);
    this.nodes.delete(mid);
    this.edges.delete(mid);
    if (sg.truncated) {
      this.nodes.set(mid, { id: mid, name: 'more…', kind: c?.kind ?? 'organization', expanded: 0, moreOf: centre, restrictive: false });
      this.edges.set(mid, { id: mid, source: centre, target: mid, type: 'MORE', label: '' });
    }
    return { nodes: this.nodes.size - before.nodes, edges: this.edges.size - before.edges };
  }

  /** addExposure adds a path's entities and links; its end-user is a restrictive end-user. */
  addExposure(x: Exposure): void {
    this.markRestrictive(x.end_user.id);
    for (const r of x.path) this.addRef(r);
    for (const s of x.steps) {
      this.addRef(x.path.find((p) => p.id === s.from) ?? { id: s.from, name: s.from });
      this.addRef(x.path.find((p) => p.id === s.to) ?? { id: s.to, name: s.to });
      this.addLink(s);
    }
  }

  markRestrictive(id: string): void {
    this.knownRestrictive.add(id);
    const n = this.nodes.get(id);
    if (n) n.restrictive = true;
  }

  setCountry(code: string, restrictive: boolean): void {
    this.countries.set(code, restrictive);
    for (const n of this.nodes.values()) {
      if (n.entity) n.restrictive = this.restrictiveOf(n.entity);
    }
  }

  /**
   * unknownCountries lists, per country not assessed yet, one government
   * body whose restrictiveness follows it: asking that body's exposure tells
   * the country's.
   */
  unknownCountries(): { country: string; probe: string }[] {
    const out = new Map<string, string>();
    for (const n of this.nodes.values()) {
      const e = n.entity;
      if (!e || e.kind !== 'government_body' || e.restrictive !== undefined || !e.country) continue;
      if (this.countries.has(e.country) || out.has(e.country)) continue;
      out.set(e.country, e.id);
    }
    return [...out].map(([country, probe]) => ({ country, probe })).sort((a, b) => a.country.localeCompare(b.country));
  }

  private restrictiveOf(e: Entity): boolean | undefined {
    if (this.knownRestrictive.has(e.id)) return true;
    return isRestrictive(e, this.countries);
  }

  /** neighbours lists the links of an entity present in the model. */
  linksOf(id: string): EdgeData[] {
    return [...this.edges.values()].filter((e) => e.link && (e.source === id || e.target === id));
  }
}

/**
 * visible says which nodes and edges to show with only the link types in
 * types: edges of other types are hidden, and so are nodes left without a
 * visible edge, except the roots (the entities the investigator started
 * from) and those with no links at all.
 */
export function visible(m: GraphModel, types: ReadonlySet<LinkType>, roots: ReadonlySet<string>): { nodes: Set<string>; edges: Set<string> } {
  const edges = new Set<string>();
  const touched = new Set<string>();
  const linked = new Set<string>();
  for (const e of m.edges.values()) {
    linked.add(e.source);
    linked.add(e.target);
    if (!e.link || types.has(e.link.type)) {
      edges.add(e.id);
      touched.add(e.source);
      touched.add(e.target);
    }
  }
  const nodes = new Set<string>();
  for (const n of m.nodes.values()) {
    if (roots.has(n.id) || touched.has(n.id) || !linked.has(n.id)) nodes.add(n.id);
  }
  for (const id of [...edges]) {
    const e = m.edges.get(id)!;
    if (!nodes.has(e.source) || !nodes.has(e.target)) edges.delete(id);
  }
  return { nodes, edges };
}

/**
 * pathSelection is what to highlight for an exposure path: its entities,
 * and each step's link (every parallel edge with the step's type and ends).
 */
export function pathSelection(m: GraphModel, x: Exposure): { nodes: string[]; edges: string[] } {
  const nodes = x.path.map((r) => r.id).filter((id) => m.nodes.has(id));
  const edges: string[] = [];
  for (const s of x.steps) {
    for (const e of m.edges.values()) {
      if (e.source === s.from && e.target === s.to && e.type === s.type) edges.push(e.id);
    }
  }
  return { nodes, edges };
}

/** worstFirst orders exposures as the flag page lists them: fewest hops, then end-user id. */
export function worstFirst(xs: Exposure[]): Exposure[] {
  return [...xs].sort((a, b) => a.hops - b.hops || a.end_user.id.localeCompare(b.end_user.id));
}

/**
 * pathShare is what one ownership path adds to effective ownership: the
 * product of the shares along it, in percent; null when a share is unknown
 * (the path exists but adds nothing).
 */
export function pathShare(x: Pick<Exposure, 'steps'>): number | null {
  let f = 1;
  for (const s of x.steps) {
    if (s.type !== 'OWNS') continue;
    if (s.percent === null || s.percent === undefined) return null;
    f *= s.percent / 100;
  }
  return f * 100;
}

/**
 * dateBound reads a validity bound that may be partial (SPEC §2: `YYYY`
 * or `YYYY-MM`): as a start, the first day of the year or month; as an
 * end, the last day.
 */
export function dateBound(s: string | undefined, end: boolean): string {
  if (!s) return '';
  if (/^\d{4}$/.test(s)) return end ? `${s}-12-31` : `${s}-01-01`;
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  if (m) {
    if (!end) return `${s}-01`;
    const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate();
    return `${s}-${String(last).padStart(2, '0')}`;
  }
  return s;
}

/** linkValidOn tells whether a link holds on day (YYYY-MM-DD); both bounds are inclusive, an empty one open. */
export function linkValidOn(l: Pick<Link, 'valid_from' | 'valid_to'>, day: string): boolean {
  const from = dateBound(l.valid_from, false);
  const to = dateBound(l.valid_to, true);
  return (!from || from <= day) && (!to || day <= to);
}

/** ended tells whether a link stopped holding before today. */
export function ended(l: Pick<Link, 'valid_to'> | undefined, today: string): boolean {
  const to = dateBound(l?.valid_to, true);
  return !!to && to < today;
}

/**
 * edgeView is how an edge is drawn: its label, and whether it is drawn as
 * ended (dashed, labelled with its end). With an as-of date the links not
 * valid then are hidden (visible), so none is drawn as ended.
 */
export function edgeView(e: EdgeData, asOf: string, today: string): { label: string; ended: boolean } {
  if (!asOf && e.link && ended(e.link, today)) return { label: `${e.label} · ended ${e.link.valid_to}`, ended: true };
  return { label: e.label, ended: false };
}

/**
 * hideInvalid removes from a visible set the links not valid on asOf, and
 * the nodes it leaves without a link, but the roots, the entities that have
 * no links at all and the "more…" nodes of those kept.
 */
export function hideInvalid(m: GraphModel, shown: { nodes: Set<string>; edges: Set<string> }, asOf: string, roots: ReadonlySet<string>): { nodes: Set<string>; edges: Set<string> } {
  if (!asOf) return shown;
  const edges = new Set<string>();
  const touched = new Set<string>();
  for (const id of shown.edges) {
    const e = m.edges.get(id)!;
    if (!e.link || !linkValidOn(e.link, asOf)) continue;
    edges.add(id);
    touched.add(e.source);
    touched.add(e.target);
  }
  const nodes = new Set<string>();
  for (const id of shown.nodes) {
    const n = m.nodes.get(id)!;
    if (n.moreOf) continue;
    if (roots.has(id) || touched.has(id) || !m.linksOf(id).length) nodes.add(id);
  }
  for (const id of shown.nodes) {
    const n = m.nodes.get(id)!;
    if (n.moreOf && nodes.has(n.moreOf)) nodes.add(id);
  }
  for (const id of shown.edges) {
    const e = m.edges.get(id)!;
    if (!e.link && nodes.has(e.source) && nodes.has(e.target)) edges.add(id);
  }
  return { nodes, edges };
}

/** chainOf is a path's entities in order and the link label between each pair, as the chain layout takes them. */
export function chainOf(m: GraphModel, ids: string[], links: (EdgeData | undefined)[]): { chain: { id: string; label: string }[]; links: string[] } {
  return {
    chain: ids.map((id) => ({ id, label: nodeLabel(m.nodes.get(id)) })),
    links: links.map((e) => e?.label ?? ''),
  };
}

/** nodeLabel is the label a node is drawn with. */
export function nodeLabel(n: NodeData | undefined): string {
  if (!n) return '';
  return n.moreOf ? 'more…' : n.restrictive ? `⚠ ${n.name}` : n.name;
}

/** pathEdges finds, for each step of a path, the edge drawn for it. */
export function pathEdges(m: GraphModel, steps: Pick<Link, 'from' | 'to' | 'type'>[]): (EdgeData | undefined)[] {
  return steps.map((s) => [...m.edges.values()].find((e) => e.source === s.from && e.target === s.to && e.type === s.type));
}

export const countryId = (code: string) => `country:${code}`;

/**
 * addShipment draws a flag that has no path (flagged for its ship-to
 * country only): the seller, the buyer, the declared end-user and the
 * country the goods ship to, linked as the transaction states them.
 * Returns the chain to lay out, seller first.
 */
export function addShipment(m: GraphModel, t: { seller?: string; buyer: string; end_user?: string; ship_to?: string }, names: Record<string, string>): { ids: string[]; edges: EdgeData[] } {
  const ref = (id: string) => m.addRef({ id, name: names[id] ?? id });
  const ids: string[] = [];
  const edges: EdgeData[] = [];
  const add = (e: EdgeData) => {
    m.edges.set(e.id, e);
    edges.push(e);
  };
  if (t.seller) {
    ref(t.seller);
    ids.push(t.seller);
  }
  ref(t.buyer);
  if (t.seller) add({ id: `tx:${t.seller}>${t.buyer}`, source: t.seller, target: t.buyer, type: 'SELLS_TO', label: 'sells to' });
  ids.push(t.buyer);
  let last = t.buyer;
  if (t.end_user && t.end_user !== t.buyer) {
    ref(t.end_user);
    add({ id: `tx:${t.buyer}>${t.end_user}`, source: t.buyer, target: t.end_user, type: 'SELLS_TO', label: 'for end-user' });
    ids.push(t.end_user);
    last = t.end_user;
  }
  if (t.ship_to) {
    const c = countryId(t.ship_to);
    m.nodes.set(c, { id: c, name: `Ships to ${t.ship_to}`, kind: 'country', expanded: 0, restrictive: true });
    add({ id: `tx:${last}>${c}`, source: last, target: c, type: 'SHIPS_TO', label: 'ships to' });
    ids.push(c);
  }
  return { ids, edges };
}
