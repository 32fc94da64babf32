// The API client: one place that adds the key, reads JSON and turns
// failures into messages an investigator can act on.
import type {
  CandidatePage, XrefJob, EntityDetail, Flag, FlagPage, Job, LinkType, Match, Preview, Assessment, Screening, ScreenRequest,
  Connection, EntityTransaction, Stats, Status, Subgraph, Transaction, Ref, Revision, Cluster, Decision, Identity,
} from './types';
import type { SavedMapping } from './mapping';

const KEY = 'hopcheck.apiKey';
const REVIEWER = 'hopcheck.reviewer';

/**
 * The header naming the reviewer when the server has no API keys (with
 * keys, the key's name is the reviewer and the server ignores it).
 */
export const REVIEWER_HEADER = 'X-Hopcheck-Reviewer';

/** Where the reviewer's name lives: asked once, kept in this browser. */
export interface NameStore {
  get(): string;
  set(name: string): void;
}

export function localNameStore(storage: Storage | undefined = globalThis.localStorage): NameStore {
  return {
    get: () => storage?.getItem(REVIEWER) ?? '',
    set: (n) => (n.trim() ? storage?.setItem(REVIEWER, n.trim()) : storage?.removeItem(REVIEWER)),
  };
}

/**
 * needsReviewerName says whether the UI must ask who is reviewing: with
 * no API key the server knows no name, and refuses a nameless decision.
 */
export function needsReviewerName(key: string, name: string): boolean {
  return !key && !name.trim();
}

/** A bulk review's outcome for one flag. */
export interface BulkResult {
  transaction_id: string;
  flag?: Flag;
  error?: { code: string; message: string };
}

/**
 * The header every request of the UI carries. The server refuses a
 * browser's request that changes data without it: a page of another site
 * cannot send it (it would need a CORS preflight the server never grants).
 */
export const CLIENT_HEADER = 'X-Hopcheck-Client';

/** Where the API key lives: the browser session only, never localStorage. */
export interface KeyStore {
  get(): string;
  set(key: string): void;
}

export function sessionKeyStore(storage: Storage | undefined = globalThis.sessionStorage): KeyStore {
  return {
    get: () => storage?.getItem(KEY) ?? '',
    set: (k) => (k ? storage?.setItem(KEY, k) : storage?.removeItem(KEY)),
  };
}

/** An API failure with the server's stable code and a message for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly serverMessage = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What the role needed for an action is, for 403 messages. */
export type Action = 'read' | 'review' | 'upload' | 'screen';

const whoMay: Record<Action, string> = {
  read: 'viewer, investigator or admin',
  review: 'investigator or admin',
  upload: 'investigator or admin',
  screen: 'screening, investigator or admin',
};

/** toApiError maps a failed response to an ApiError with a plain message. */
export function toApiError(status: number, body: unknown, action: Action, hasKey: boolean): ApiError {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const code = e?.code ?? (status === 0 ? 'network' : `http_${status}`);
  const server = e?.message ?? '';
  switch (status) {
    case 0:
      return new ApiError(0, 'network', 'The hopcheck server did not answer. Is it running?', server);
    case 401:
      return new ApiError(401, code, hasKey
        ? 'The server did not accept this API key. Check it in the key field at the top right.'
        : 'This server needs an API key. Enter yours in the key field at the top right.', server);
    case 403:
      return new ApiError(403, code, `Your API key's role may not do this: it needs the ${whoMay[action]} role.`, server);
    case 413:
      return new ApiError(413, code, server || 'The file is larger than the server accepts.', server);
    case 503:
      return new ApiError(503, code, server ? `The store is unavailable: ${server}` : 'The store is unavailable; try again shortly.', server);
  }
  if (status >= 500) return new ApiError(status, code, 'The server failed to answer this request; its log says why.', server);
  return new ApiError(status, code, server || `The server answered ${status}.`, server);
}

type Fetch = typeof fetch;

export class Client {
  constructor(readonly keys: KeyStore, private readonly fetcher: Fetch = (...a) => fetch(...a),
    readonly names: NameStore = localNameStore()) {}

  async request<T>(method: string, path: string, opts: { body?: unknown; form?: FormData; action?: Action; signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', [CLIENT_HEADER]: 'ui' };
    const key = this.keys.get();
    if (key) headers.Authorization = `Bearer ${key}`;
    const name = this.names.get();
    if (name && !key) headers[REVIEWER_HEADER] = name;
    let body: BodyInit | undefined;
    if (opts.form) body = opts.form;
    else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await this.fetcher(path, { method, headers, body, signal: opts.signal });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw toApiError(0, null, opts.action ?? 'read', !!key);
    }
    let data: unknown = null;
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!res.ok) throw toApiError(res.status, data, opts.action ?? 'read', !!key);
    return data as T;
  }

  stats = () => this.request<Stats>('GET', '/api/v1/stats');
  search = (q: string, opts: { limit?: number; kind?: string; country?: string } = {}, signal?: AbortSignal) =>
    this.request<{ matches: Match[] }>('GET', `/api/v1/entities?${qs({ q, limit: opts.limit ?? 20, kind: opts.kind, country: opts.country })}`, { signal });
  entity = (id: string) => this.request<EntityDetail>('GET', `/api/v1/entities/${enc(id)}`);
  neighborhood = (id: string, o: { depth?: number; limit?: number; types?: LinkType[] } = {}) =>
    this.request<Subgraph>('GET', `/api/v1/entities/${enc(id)}/neighborhood?${qs({
      depth: o.depth ?? 1, limit: o.limit ?? 50, types: o.types?.map((t) => t.toLowerCase()).join(','),
    })}`);
  exposure = (id: string, date?: string) =>
    this.request<Assessment & { entity: Ref; date: string }>('GET', `/api/v1/entities/${enc(id)}/exposure?${qs({ date })}`);
  transaction = (id: string) => this.request<{ transaction: Transaction; flag: Flag | null; four_eyes?: boolean }>('GET', `/api/v1/transactions/${enc(id)}`);
  flags = (f: {
    status?: string; severity?: string; country?: string; capability?: string; q?: string; assignee?: string;
    pending?: string; sort?: string; dir?: string; offset?: number; limit?: number;
  }) =>
    this.request<FlagPage>('GET', `/api/v1/flags?${qs(f)}`);
  flag = (id: string) => this.request<Flag>('GET', `/api/v1/flags/${enc(id)}`);
  review = (id: string, status: Status, note: string) =>
    this.request<Flag>('PATCH', `/api/v1/flags/${enc(id)}`, { body: { status, note }, action: 'review' });
  bulkReview = (ids: string[], status: Status, note: string) =>
    this.request<{ results: BulkResult[]; reviewed: number; refused: number }>('POST', '/api/v1/flags/review', { body: { ids, status, note }, action: 'review' });
  comment = (id: string, note: string) =>
    this.request<Flag>('POST', `/api/v1/flags/${enc(id)}/comments`, { body: { note }, action: 'review' });
  assign = (id: string, assignee: string) =>
    this.request<Flag>('PUT', `/api/v1/flags/${enc(id)}/assignee`, { body: { assignee }, action: 'review' });
  entityTransactions = (id: string, limit = 100) =>
    this.request<{ transactions: EntityTransaction[]; total: number }>('GET', `/api/v1/entities/${enc(id)}/transactions?${qs({ limit })}`);
  connection = (from: string, to: string, opts: { date?: string; maxHops?: number } = {}) =>
    this.request<Connection>('GET', `/api/v1/connection?${qs({ from, to, date: opts.date || undefined, max_hops: opts.maxHops })}`);
  history = (id: string) => this.request<{ revisions: Revision[] }>('GET', `/api/v1/entities/${enc(id)}/history`);
  uploads = (limit = 10, upload?: string) => this.request<{ uploads: Job[] }>('GET', `/api/v1/uploads?${qs({ limit, upload })}`);
  upload = (id: string) => this.request<Job>('GET', `/api/v1/uploads/${enc(id)}`);
  preview = (form: FormData) => this.request<Preview>('POST', '/api/v1/uploads?preview=true', { form, action: 'upload' });
  startUpload = (form: FormData) => this.request<Job>('POST', '/api/v1/uploads', { form, action: 'upload' });
  mappings = () => this.request<{ mappings: SavedMapping[] }>('GET', '/api/v1/mappings');
  saveMapping = (name: string, mapping: Record<string, unknown>) =>
    this.request<SavedMapping>('PUT', `/api/v1/mappings/${enc(name)}`, { body: { mapping }, action: 'upload' });
  candidates = (q: { limit?: number; offset?: number; min_score?: number; exact?: boolean } = {}) =>
    this.request<CandidatePage>('GET', `/api/v1/identity/candidates?${qs({ ...q, exact: q.exact ? 'true' : undefined })}`);
  xrefJob = () => this.request<XrefJob>('GET', '/api/v1/identity/xref');
  startXref = () => this.request<XrefJob>('POST', '/api/v1/identity/xref', { action: 'review' });
  cluster = (id: string) => this.request<Cluster>('GET', `/api/v1/entities/${enc(id)}/cluster`);
  decisions = () => this.request<{ decisions: Decision[] }>('GET', '/api/v1/identity/decisions');
  decide = (a: string, b: string, decision: Identity, note = '') =>
    this.request<Decision>('POST', '/api/v1/identity/decisions', { body: { a, b, decision, note }, action: 'review' });
  /** decideAll records several decisions at once (a bulk action): all or none, the flags re-evaluated once. */
  decideAll = (ds: { a: string; b: string; decision: Identity; note?: string }[]) =>
    this.request<{ decisions: Decision[] }>('POST', '/api/v1/identity/decisions', { body: { decisions: ds }, action: 'review' });
  undecide = (a: string, b: string) =>
    this.request<Decision>('DELETE', `/api/v1/identity/decisions?${qs({ a, b })}`, { action: 'review' });
  screen = (q: ScreenRequest) => this.request<Screening>('POST', '/api/v1/screen', { body: q, action: 'screen' });

  /**
   * download fetches a file with the key (a plain link would send none, and
   * a keyed server answers it 401) and hands it to the browser to save.
   */
  async download(path: string, filename: string): Promise<void> {
    const url = URL.createObjectURL(await this.file(path));
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  /**
   * openTab shows a page of the API (a case report) in a new tab, fetched
   * with the key. The tab opens at once, on the click, so that no pop-up
   * blocker stops it, and gets the page when it has come.
   */
  async openTab(path: string): Promise<void> {
    const tab = window.open('', '_blank');
    try {
      const url = URL.createObjectURL(await this.file(path));
      if (tab) tab.location.href = url;
      else window.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 600_000);
    } catch (err) {
      tab?.close();
      throw err;
    }
  }

  /** file fetches a file with the key. */
  private async file(path: string): Promise<Blob> {
    const headers: Record<string, string> = { [CLIENT_HEADER]: 'ui' };
    const key = this.keys.get();
    if (key) headers.Authorization = `Bearer ${key}`;
    let res: Response;
    try {
      res = await this.fetcher(path, { headers });
    } catch {
      throw toApiError(0, null, 'read', !!key);
    }
    if (!res.ok) {
      let data: unknown = null;
      try {
        data = JSON.parse(await res.text());
      } catch {
        data = null;
      }
      throw toApiError(res.status, data, 'read', !!key);
    }
    return res.blob();
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** qs builds a query string, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  return u.toString();
}
