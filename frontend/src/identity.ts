// Entity resolution as the entity page shows it: an entity's SAME_AS
// cluster, the decisions on its members in words, and which search
// results may be decided on. No DOM here: identitypanel.ts draws it.
import type { Cluster, Decision, Entity, Match, Stats } from './types';

/** otherEnd is the entity a decision joins to (or keeps apart from) id. */
export function otherEnd(d: Pick<Decision, 'a' | 'b'>, id: string): string {
  return d.a === id ? d.b : d.a;
}

/** decisionSentence reads a decision: "Cypra Trading Ltd is the same party as Nordis B.V." */
export function decisionSentence(d: Pick<Decision, 'a' | 'b' | 'decision'>, name: (id: string) => string): string {
  return d.decision === 'same'
    ? `${name(d.a)} is the same party as ${name(d.b)}`
    : `${name(d.a)} is not the same party as ${name(d.b)}`;
}

/** decidedWhen shows an RFC 3339 time as "2024-06-01 09:00 UTC"; other text as it is. */
export function decidedWhen(at: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(at);
  return m ? `${m[1]} ${m[2]} UTC` : at;
}

/** decisionMeta says who decided, when, and from where: "by alice · 2024-06-01 09:00 UTC · identity.csv row 4". */
export function decisionMeta(d: Decision): string {
  const parts = [`by ${d.decided_by || 'unknown'}`, decidedWhen(d.decided_at)];
  const s = d.source;
  if (s?.file && s.row) parts.push(`${s.file}${s.sheet ? `, sheet ${s.sheet}` : ''}, row ${s.row}`);
  else if (s?.file) parts.push(`via ${s.file}`);
  return parts.join(' · ');
}

/** clusterSummary says what the cluster is, for the heading of the section. */
export function clusterSummary(c: Cluster, id: string): string {
  if (c.members.length <= 1) return 'No same-party decision joins this entity to another record.';
  const others = c.members.length - 1;
  return `One party with ${others} other record${others === 1 ? '' : 's'}; the cluster is named ${c.cluster}${c.cluster === id ? ' (this entity)' : ''}.`;
}

/** nameOf names the ids a cluster knows, else the id itself. */
export function nameOf(c: Cluster, extra: Entity[] = []): (id: string) => string {
  const names = new Map<string, string>();
  for (const e of [...c.members, ...extra]) names.set(e.id, e.name);
  return (id) => names.get(id) ?? id;
}

/**
 * candidates are the search results an investigator may decide on with
 * the entity: not the entity itself, and for "same as" not a record that
 * is in its cluster already. Each carries the standing decision on the
 * pair, if any, so the UI can say it would be replaced.
 */
export function candidates(ms: Match[], c: Cluster, id: string, decision: 'same' | 'not_same'): { match: Match; standing?: Decision }[] {
  const members = new Set(c.members.map((e) => e.id));
  const byOther = new Map<string, Decision>();
  for (const d of c.decisions) if (d.a === id || d.b === id) byOther.set(otherEnd(d, id), d);
  return ms
    .filter((m) => m.entity.id !== id && !(decision === 'same' && members.has(m.entity.id)))
    .map((m) => ({ match: m, standing: byOther.get(m.entity.id) }));
}

/** pairText names a pair for confirmations: "ORG-CYP and ORG-NOR". */
export function pairText(d: Pick<Decision, 'a' | 'b'>, name: (id: string) => string): string {
  return `${name(d.a)} (${d.a}) and ${name(d.b)} (${d.b})`;
}

/** sentence ends text with one full stop: "B.V." stays "B.V.", "Ltd" becomes "Ltd.". */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** identityStats tells the store's decisions for the dashboard: "3 same-party decisions in 2 clusters, 1 not the same"; "" with none. */
export function identityStats(s: Pick<Stats, 'decisions' | 'clusters'>): string {
  const same = s.decisions?.same ?? 0;
  const not = s.decisions?.not_same ?? 0;
  const parts: string[] = [];
  if (same) {
    const c = s.clusters ?? 0;
    parts.push(`${same} same-party decision${same === 1 ? '' : 's'} in ${c} cluster${c === 1 ? '' : 's'}`);
  }
  if (not) parts.push(`${not} not the same`);
  return parts.join(', ');
}
