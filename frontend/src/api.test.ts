import { describe, expect, it } from 'vitest';
import { ApiError, CLIENT_HEADER, Client, qs, toApiError, type KeyStore } from './api';

const keys = (k = ''): KeyStore => {
  let v = k;
  return { get: () => v, set: (x) => (v = x) };
};

describe('toApiError', () => {
  it('asks for a key on 401 without one, and doubts the key with one', () => {
    expect(toApiError(401, { error: { code: 'unauthorized', message: 'x' } }, 'read', false).message).toMatch(/needs an API key/);
    expect(toApiError(401, null, 'read', true).message).toMatch(/did not accept this API key/);
  });
  it('names the role needed on 403', () => {
    const e = toApiError(403, { error: { code: 'forbidden', message: 'role viewer may not' } }, 'review', true);
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe("Your API key's role may not do this: it needs the investigator or admin role.");
    expect(e.serverMessage).toBe('role viewer may not');
    expect(toApiError(403, null, 'screen', true).message).toMatch(/screening, investigator or admin/);
  });
  it("passes the server's own message for client errors", () => {
    const e = toApiError(400, { error: { code: 'invalid', message: 'q is required' } }, 'read', false);
    expect([e.status, e.code, e.message]).toEqual([400, 'invalid', 'q is required']);
  });
  it('hides internals on 500 and explains 503 and network failures', () => {
    expect(toApiError(500, { error: { code: 'internal', message: 'internal error' } }, 'read', false).message).toMatch(/failed to answer/);
    expect(toApiError(503, { error: { code: 'unavailable', message: 'neo4j down' } }, 'read', false).message).toBe('The store is unavailable: neo4j down');
    expect(toApiError(0, null, 'read', false).code).toBe('network');
  });
});

describe('Client', () => {
  it('sends the key and JSON, and throws ApiError on failure', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (init.method === 'PATCH') return new Response(JSON.stringify({ error: { code: 'forbidden', message: 'no' } }), { status: 403 });
      return new Response(JSON.stringify({ matches: [] }), { status: 200 });
    }) as unknown as typeof fetch;
    const c = new Client(keys('k1'), fetcher);
    await c.search('Orion Tech', { limit: 5 });
    expect(calls[0].url).toBe('/api/v1/entities?q=Orion+Tech&limit=5');
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer k1');
    const err = await c.review('T/1', 'confirmed', 'ok').catch((e) => e);
    // The server refuses a browser's writes without it (cross-site requests cannot send it).
    expect((calls[1].init.headers as Record<string, string>)[CLIENT_HEADER]).toBe('ui');
    expect(calls[1].url).toBe('/api/v1/flags/T%2F1');
    expect(calls[1].init.body).toBe('{"status":"confirmed","note":"ok"}');
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/investigator or admin/);
  });
  it('sends no Authorization header without a key', async () => {
    let headers: Record<string, string> = {};
    const c = new Client(keys(), (async (_u: string, init: RequestInit) => {
      headers = init.headers as Record<string, string>;
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch);
    await c.stats();
    expect(headers.Authorization).toBeUndefined();
  });
  it('maps a refused connection', async () => {
    const c = new Client(keys(), (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch);
    await expect(c.stats()).rejects.toMatchObject({ code: 'network' });
  });
});

describe('qs', () => {
  it('leaves out empty values', () => {
    expect(qs({ a: 'x', b: '', c: undefined, d: 0, e: null })).toBe('a=x&d=0');
  });
});
