// The review queue's logic, apart from the page: where the reviewer is
// among the candidate pairs, what a key press does, and which pairs the
// bulk action merges.
import type { PairCandidate } from './types';

/** What the reviewer can do to the pair in front of them. */
export type ReviewAction = 'merge' | 'not_same' | 'skip' | 'next' | 'prev';

/** The keys of the queue: m merge, n not the same, s skip, j/k next/previous. */
export const KEYS: Record<string, ReviewAction> = { m: 'merge', n: 'not_same', s: 'skip', j: 'next', k: 'prev' };

/**
 * keyAction reads a key press as an action, or null: none while typing in
 * a field, none with a modifier (Ctrl-K and the like stay the browser's).
 */
export function keyAction(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; target?: EventTarget | null }): ReviewAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const t = e.target as { tagName?: string; isContentEditable?: boolean } | null;
  if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(String(t.tagName).toUpperCase()))) return null;
  return KEYS[e.key.toLowerCase()] ?? null;
}

export function pairKey(c: Pick<PairCandidate, 'a' | 'b'>): string {
  return `${c.a.id}|${c.b.id}`;
}

/**
 * Queue is the pairs loaded so far and the one shown. A decided pair
 * leaves it; a skipped one stays, and the queue moves on.
 */
export class Queue {
  private items: PairCandidate[] = [];
  private at = 0;

  /** add appends pairs not already in the queue (a later page). */
  add(cs: PairCandidate[]): void {
    const have = new Set(this.items.map(pairKey));
    for (const c of cs) if (!have.has(pairKey(c))) this.items.push(c);
  }

  /** clear empties the queue, for a reload. */
  clear(): void {
    this.items = [];
    this.at = 0;
  }

  get length(): number { return this.items.length; }
  get index(): number { return this.at; }
  current(): PairCandidate | undefined { return this.items[this.at]; }
  /** atEnd: the reviewer has moved past the last pair loaded. */
  atEnd(): boolean { return this.at >= this.items.length; }

  next(): void { this.at = Math.min(this.at + 1, this.items.length); }
  prev(): void { this.at = Math.max(this.at - 1, 0); }

  /** decided takes a pair out; the next one takes its place. */
  decided(key: string): void {
    const i = this.items.findIndex((c) => pairKey(c) === key);
    if (i < 0) return;
    this.items.splice(i, 1);
    if (i < this.at) this.at--;
  }
}

/** exactPairs are the pairs the bulk action merges: the same registration id. */
export function exactPairs(cs: PairCandidate[]): PairCandidate[] {
  return cs.filter((c) => c.exact_identifier);
}
