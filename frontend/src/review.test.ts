import { describe, expect, it } from 'vitest';
import { exactPairs, keyAction, pairKey, Queue } from './review';
import type { PairCandidate, Entity } from './types';

const ent = (id: string): Entity => ({ id, kind: 'organization', name: id, source: { upload: 'u', file: 'f', row: 1 } });
const pair = (a: string, b: string, exact = false): PairCandidate => ({ a: ent(a), b: ent(b), score: 0.9, features: [], exact_identifier: exact });

describe('review queue keys', () => {
  it('reads m, n, s, j, k as the actions, either case', () => {
    expect(keyAction({ key: 'm' })).toBe('merge');
    expect(keyAction({ key: 'N' })).toBe('not_same');
    expect(keyAction({ key: 's' })).toBe('skip');
    expect(keyAction({ key: 'j' })).toBe('next');
    expect(keyAction({ key: 'k' })).toBe('prev');
    expect(keyAction({ key: 'x' })).toBeNull();
  });
  it('leaves keys alone while typing a note or with a modifier', () => {
    expect(keyAction({ key: 'm', target: { tagName: 'INPUT' } as unknown as EventTarget })).toBeNull();
    expect(keyAction({ key: 'n', target: { tagName: 'textarea' } as unknown as EventTarget })).toBeNull();
    expect(keyAction({ key: 'k', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: 'm', metaKey: true })).toBeNull();
    expect(keyAction({ key: 'm', target: { tagName: 'BUTTON' } as unknown as EventTarget })).toBe('merge');
  });
});

describe('review queue', () => {
  it('moves on after a skip, and a decision takes the pair out', () => {
    const q = new Queue();
    q.add([pair('a', 'b'), pair('c', 'd'), pair('e', 'f')]);
    expect(pairKey(q.current()!)).toBe('a|b');
    q.next(); // skip a|b
    expect(pairKey(q.current()!)).toBe('c|d');
    q.decided('c|d');
    expect(q.length).toBe(2);
    expect(pairKey(q.current()!)).toBe('e|f');
    q.prev();
    expect(pairKey(q.current()!)).toBe('a|b');
    q.decided('a|b');
    expect(pairKey(q.current()!)).toBe('e|f');
    q.next();
    expect(q.atEnd()).toBe(true);
    expect(q.current()).toBeUndefined();
    q.prev();
    expect(pairKey(q.current()!)).toBe('e|f');
  });
  it('deciding a pair before the one shown keeps the one shown', () => {
    const q = new Queue();
    q.add([pair('a', 'b'), pair('c', 'd')]);
    q.next();
    q.decided('a|b');
    expect(pairKey(q.current()!)).toBe('c|d');
    expect(q.index).toBe(0);
  });
  it('a later page adds only pairs not already held', () => {
    const q = new Queue();
    q.add([pair('a', 'b')]);
    q.add([pair('a', 'b'), pair('c', 'd')]);
    expect(q.length).toBe(2);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.atEnd()).toBe(true);
  });
  it('bulk merge takes the exact-identifier pairs only', () => {
    expect(exactPairs([pair('a', 'b', true), pair('c', 'd'), pair('e', 'f', true)]).map(pairKey)).toEqual(['a|b', 'e|f']);
  });
});
