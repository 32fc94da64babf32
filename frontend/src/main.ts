// The app shell: header with navigation and the API key, and a router over
// history paths (the server answers index.html for every non-API path).
import './style.css';
import { Client, sessionKeyStore } from './api';
import { h, navigate, replace } from './dom';
import { matchRoute, type Page } from './routes';

const client = new Client(sessionKeyStore());

const nav: [string, string][] = [
  ['/', 'Dashboard'],
  ['/search', 'Search'],
  ['/explore', 'Explorer'],
  ['/flags', 'Flags'],
  ['/review', 'Review'],
  ['/upload', 'Upload'],
  ['/screen', 'Screen'],
];

function keyField(): HTMLElement {
  const input = h('input', {
    type: 'password', id: 'api-key', autocomplete: 'off', placeholder: 'API key', title: 'Not needed on a server without keys',
    value: client.keys.get(), 'aria-describedby': 'api-key-state',
  });
  const state = h('span', { id: 'api-key-state', class: 'muted small', 'aria-live': 'polite' });
  const show = () => (state.textContent = client.keys.get() ? 'key set for this session' : 'no key');
  show();
  const form = h('form', {
    class: 'keyform',
    onsubmit: (e: Event) => {
      e.preventDefault();
      client.keys.set(input.value.trim());
      show();
      render();
    },
  },
  h('label', { for: 'api-key', class: 'visually-hidden' }, 'API key'), input,
  h('button', { type: 'submit' }, 'Use key'),
  h('button', {
    type: 'button',
    onclick: () => {
      input.value = '';
      client.keys.set('');
      show();
      render();
    },
  }, 'Forget'),
  state);
  return form;
}

const main = h('main', { id: 'main', tabindex: '-1' });
const navEl = h('nav', { 'aria-label': 'Pages' }, nav.map(([href, text]) => h('a', { href, 'data-link': '' }, text)));

document.body.append(
  h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
  h('header', { class: 'top' }, h('a', { href: '/', 'data-link': '', class: 'brand' }, 'hopcheck'), navEl, keyField()),
  main,
);

let cleanup: (() => void) | void;
let current: Page | null = null;

function render(): void {
  if (typeof cleanup === 'function') cleanup();
  const { page, params } = matchRoute(location.pathname);
  current = page;
  for (const a of navEl.querySelectorAll('a')) {
    const href = a.getAttribute('href')!;
    const on = href === '/' ? location.pathname === '/' : location.pathname.startsWith(href);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  replace(main);
  document.title = `${page.title} · hopcheck`;
  cleanup = page.render(main, { client, params, query: new URLSearchParams(location.search) });
}

document.addEventListener('click', (e) => {
  const a = (e.target as Element).closest?.('a[data-link]') as HTMLAnchorElement | null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  e.preventDefault();
  const before = current;
  navigate(a.getAttribute('href')!);
  if (before !== current) main.focus({ preventScroll: true });
});
window.addEventListener('popstate', render);
window.addEventListener('hopcheck:navigate', render);
render();
