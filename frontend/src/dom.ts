// A few helpers to build the DOM without a framework.
import { ApiError } from './api';

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown>;

/** h creates an element: attributes, on* listeners, then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else if (k === 'class') el.className = String(v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k in el && typeof v !== 'string') (el as unknown as Record<string, unknown>)[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** replace puts children in place of el's content. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** errorBox shows a failure where it happened, in words. */
export function errorBox(err: unknown, what = ''): HTMLElement {
  const msg = err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
  const detail = err instanceof ApiError && err.serverMessage && err.serverMessage !== err.message ? err.serverMessage : '';
  return h('div', { class: 'error', role: 'alert' },
    what ? h('strong', null, `${what}: `) : null, msg,
    detail ? h('div', { class: 'muted small' }, `Server said: ${detail}`) : null);
}

/** link is an in-app link handled by the router. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href, 'data-link': '' }, ...children);
}

export function badge(text: string, cls: string): HTMLElement {
  return h('span', { class: `badge ${cls}` }, text);
}

/** debounce calls fn after ms of quiet. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, ms: number): (...a: A) => void {
  let t: ReturnType<typeof setTimeout> | undefined;
  return (...a: A) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}

/** navigate moves to an in-app path. */
export function navigate(path: string, replaceState = false): void {
  if (replaceState) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('hopcheck:navigate'));
}
