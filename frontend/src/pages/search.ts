import type { PageContext } from '../page';
import { badge, debounce, errorBox, h, link, replace } from '../dom';
import { kindName } from '../format';
import type { Flag } from '../types';

export const search = {
  title: 'Search',
  render(main: HTMLElement, ctx: PageContext) {
    const input = h('input', {
      type: 'search', id: 'q', placeholder: 'Name or alias, e.g. Orion or Белтех', autocomplete: 'off',
      value: ctx.query.get('q') ?? '', 'aria-controls': 'results',
    });
    const kind = h('select', { id: 'kind', 'aria-label': 'Kind' },
      h('option', { value: '' }, 'any kind'),
      Object.entries(kindName).map(([v, t]) => h('option', { value: v }, t)));
    const status = h('p', { class: 'muted small', 'aria-live': 'polite', id: 'search-status' }, 'Type at least two letters.');
    const results = h('ol', { id: 'results', class: 'results' });
    main.append(
      h('h1', null, 'Search'),
      h('form', { class: 'row', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
        h('label', { for: 'q' }, 'Entity'), input, kind),
      status, results,
    );

    // Open flags per buyer, read once: the search shows how many each result has.
    let flagCount: Promise<Map<string, number>> | null = null;
    const openFlags = () => (flagCount ??= ctx.client.flags({ status: 'open', limit: 500 }).then((p) => {
      const m = new Map<string, number>();
      p.flags.forEach((f: Flag) => m.set(f.buyer.id, (m.get(f.buyer.id) ?? 0) + 1));
      return m;
    }).catch(() => new Map()));

    let ctl: AbortController | null = null;
    const run = async () => {
      const q = input.value.trim();
      history.replaceState(null, '', q ? `/search?q=${encodeURIComponent(q)}` : '/search');
      ctl?.abort();
      if (q.length < 2) {
        replace(results);
        status.textContent = 'Type at least two letters.';
        return;
      }
      ctl = new AbortController();
      status.textContent = 'Searching…';
      try {
        const [{ matches }, counts] = await Promise.all([
          ctx.client.search(q, { limit: 25, kind: kind.value || undefined }, ctl.signal), openFlags()]);
        status.textContent = matches.length ? `${matches.length} match${matches.length === 1 ? '' : 'es'}` : 'No entity matches.';
        replace(results, matches.map((m) => {
          const e = m.entity;
          const n = counts.get(e.id) ?? 0;
          return h('li', null,
            link(`/explore/${encodeURIComponent(e.id)}`, h('strong', null, e.name)),
            ' ', badge(kindName[e.kind], e.kind),
            e.restrictive ? badge('restrictive', 'critical') : null,
            h('span', { class: 'muted' }, ` ${e.country ?? ''} · ${e.id}`),
            m.matched && m.matched !== e.name ? h('span', { class: 'muted small' }, ` matched “${m.matched}”`) : null,
            n ? h('span', null, ' · ', link(`/flags?status=open&q=${encodeURIComponent(e.name)}`, badge(`${n} open flag${n === 1 ? '' : 's'}`, 'high'))) : null);
        }));
      } catch (err) {
        if ((err as Error).name === 'AbortError') return;
        status.textContent = '';
        replace(results, h('li', null, errorBox(err, 'Search')));
      }
    };
    const later = debounce(run, 180);
    input.addEventListener('input', later);
    kind.addEventListener('change', run);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        (results.querySelector('a') as HTMLElement | null)?.focus();
        e.preventDefault();
      }
    });
    results.addEventListener('keydown', (e) => {
      const links = [...results.querySelectorAll<HTMLElement>('li > a')];
      const i = links.indexOf(document.activeElement as HTMLElement);
      if (i < 0) return;
      if (e.key === 'ArrowDown' && i + 1 < links.length) links[i + 1].focus();
      else if (e.key === 'ArrowUp') (i > 0 ? links[i - 1] : input).focus();
      else return;
      e.preventDefault();
    });
    input.focus();
    if (input.value) run();
    return () => ctl?.abort();
  },
};
