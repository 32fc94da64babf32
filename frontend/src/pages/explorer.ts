import type { PageContext } from '../page';
import { debounce, errorBox, h, navigate, replace } from '../dom';
import { GraphModel, moreId, visible } from '../graphmodel';
import type { GraphView, LayoutName } from '../graphview';
import { entityPanel, linkDetails } from '../panel';
import { LINK_TYPES, type LinkType } from '../types';
import { plural } from '../format';
import type { Client } from '../api';

/** How many neighbours one expansion shows before "more…". */
export const EXPAND_LIMIT = 40;
const MAX_LIMIT = 2000;

/** legend explains colours and shapes, the same on every graph. */
export function legend(): HTMLElement {
  const item = (cls: string, text: string) => h('li', null, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return h('ul', { class: 'legend', 'aria-label': 'Legend' },
    item('organization', 'Organization'), item('person', 'Person'), item('government_body', 'Government body'),
    item('restrictive', '⚠ Restrictive end-user'), item('pathline', 'Exposure path'));
}

/** learnCountries asks, for each country not assessed yet, whether its government bodies are restrictive. */
export async function learnCountries(client: Client, m: GraphModel): Promise<boolean> {
  const todo = m.unknownCountries();
  await Promise.all(todo.map(async ({ country, probe }) => {
    try {
      const a = await client.exposure(probe);
      m.setCountry(country, a.exposures.some((x) => x.hops === 0 && x.end_user.id === probe));
    } catch {
      /* unknown stays unknown: the node is drawn as a plain government body */
    }
  }));
  return todo.length > 0;
}

export const explorer = {
  title: 'Explorer',
  render(main: HTMLElement, ctx: PageContext) {
    const start = ctx.params.id;
    main.classList.add('wide');
    if (!start) {
      main.append(h('h1', null, 'Graph explorer'), h('p', null, 'Start from an entity: '), startBox(ctx));
      return () => main.classList.remove('wide');
    }
    const depth = Math.min(4, Math.max(1, Number(ctx.query.get('depth')) || 1));
    const firstLimit = Math.min(MAX_LIMIT, Math.max(1, Number(ctx.query.get('limit')) || EXPAND_LIMIT));

    const model = new GraphModel();
    const roots = new Set([start]);
    const types = new Set<LinkType>(LINK_TYPES);
    let view: GraphView | null = null;
    let alive = true;

    const canvas = h('div', { class: 'canvas', 'aria-label': 'Graph. Use the side panel to move through links by keyboard.', role: 'img' });
    const status = h('p', { class: 'muted small status', 'aria-live': 'polite' }, 'Loading…');
    const panel = h('aside', { class: 'panel', 'aria-label': 'Details', tabindex: '-1' }, h('p', { class: 'muted' }, 'Click an entity or a link.'));
    const layoutSel = h('select', { id: 'layout', 'aria-label': 'Layout' },
      [['fcose', 'Force (fcose)'], ['dagre', 'Layered (dagre)'], ['cose', 'Force (cose)'], ['concentric', 'Concentric']].map(([v, t]) => h('option', { value: v }, t)));
    const filters = h('fieldset', { class: 'filters' }, h('legend', null, 'Link types'),
      LINK_TYPES.map((t) => h('label', null, h('input', {
        type: 'checkbox', checked: true, value: t,
        onchange: (e: Event) => {
          const cb = e.target as HTMLInputElement;
          if (cb.checked) types.add(t);
          else types.delete(t);
          redraw(false);
        },
      }), ` ${t}`)));
    const zoomBtns = h('div', { class: 'row' },
      h('button', { type: 'button', onclick: () => view?.fit(), title: 'Fit the graph in view' }, 'Fit'),
      h('button', { type: 'button', onclick: () => view?.zoom(1.25), 'aria-label': 'Zoom in' }, '+'),
      h('button', { type: 'button', onclick: () => view?.zoom(0.8), 'aria-label': 'Zoom out' }, '−'));

    main.append(h('div', { class: 'explorer' },
      h('div', { class: 'toolbar' },
        h('h1', { class: 'h-small' }, 'Explorer'),
        startBox(ctx),
        h('label', { for: 'layout' }, 'Layout'), layoutSel,
        zoomBtns, filters, legend(), status),
      canvas, panel));

    const names = (id: string) => model.nodes.get(id)?.name ?? id;

    const describe = (ms?: number) => {
      const n = [...model.nodes.values()].filter((x) => !x.moreOf).length;
      const e = [...model.edges.values()].filter((x) => x.link).length;
      status.textContent = `${plural(n, 'entity', 'entities')}, ${plural(e, 'link')}${ms !== undefined ? ` · drawn in ${Math.round(ms)} ms` : ''}`;
    };

    async function redraw(relayout = true): Promise<void> {
      if (!view) return;
      const t0 = performance.now();
      await view.sync(model, visible(model, types, roots), roots, relayout);
      const ms = performance.now() - t0;
      describe(relayout ? ms : undefined);
      (window as unknown as { __hopcheck: object }).__hopcheck = { view, model, lastRender: { ms, elements: view.cy.elements().length } };
    }

    async function expand(id: string, limit = EXPAND_LIMIT, d = 1): Promise<void> {
      status.textContent = `Loading the neighbours of ${names(id)}…`;
      try {
        const sg = await ctx.client.neighborhood(id, { depth: d, limit });
        if (!alive) return;
        model.addNeighborhood(id, sg, limit);
        await learnCountries(ctx.client, model);
        if (!alive) return;
        await redraw();
      } catch (err) {
        replace(status, errorBox(err, `Neighbours of ${id}`));
      }
    }

    function select(id: string): void {
      const n = model.nodes.get(id);
      if (!n) return;
      if (n.moreOf) {
        const owner = model.nodes.get(n.moreOf)!;
        void expand(n.moreOf, Math.min(MAX_LIMIT, Math.max(EXPAND_LIMIT, owner.expanded) * 2));
        return;
      }
      view?.select(id);
      void entityPanel(panel, ctx.client, id, {
        showLink: (l) => {
          replace(panel, linkDetails(l, names));
          panel.focus();
        },
        goTo: (other) => {
          if (!model.nodes.has(other)) void expand(id).then(() => select(other));
          else select(other);
        },
        expand: (x) => void expand(x, Math.min(MAX_LIMIT, Math.max(EXPAND_LIMIT, (model.nodes.get(x)?.expanded ?? 0) * 2))),
        restrictive: (x) => model.nodes.get(x)?.restrictive,
      });
      if (!n.expanded) void expand(id);
    }

    layoutSel.addEventListener('change', () => {
      if (!view) return;
      const t0 = performance.now();
      void view.runLayout(layoutSel.value as LayoutName).then(() => describe(performance.now() - t0));
    });

    void (async () => {
      const { GraphView } = await import('../graphview');
      if (!alive) return;
      view = new GraphView(canvas, 'fcose', {
        node: select,
        edge: (eid) => {
          const e = model.edges.get(eid);
          if (!e?.link) return;
          view?.select(eid);
          replace(panel, linkDetails(e.link, names));
        },
      });
      await expand(start, firstLimit, depth);
      if (!alive) return;
      if (!model.nodes.has(start)) return;
      view.select(start);
      void entityPanel(panel, ctx.client, start, {
        showLink: (l) => replace(panel, linkDetails(l, names)),
        goTo: (other) => select(other),
        expand: (x) => void expand(x, Math.min(MAX_LIMIT, Math.max(EXPAND_LIMIT, (model.nodes.get(x)?.expanded ?? 0) * 2))),
        restrictive: (x) => model.nodes.get(x)?.restrictive,
      });
    })();

    return () => {
      alive = false;
      view?.destroy();
      main.classList.remove('wide');
      void moreId;
    };
  },
};

/** startBox is a small as-you-type search that opens the explorer at the entity picked. */
export function startBox(ctx: PageContext): HTMLElement {
  const input = h('input', { type: 'search', id: 'start', placeholder: 'Find an entity…', autocomplete: 'off', 'aria-label': 'Find an entity to explore' });
  const list = h('ul', { class: 'suggest', role: 'listbox' });
  const run = debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return replace(list);
    try {
      const { matches } = await ctx.client.search(q, { limit: 8 });
      replace(list, matches.map((m) => h('li', null, h('button', {
        type: 'button', class: 'linkish',
        onclick: () => navigate(`/explore/${encodeURIComponent(m.entity.id)}`),
      }, m.entity.name, h('span', { class: 'muted small' }, ` ${m.entity.country ?? ''} ${m.entity.id}`)))));
    } catch (err) {
      replace(list, h('li', null, errorBox(err)));
    }
  }, 180);
  input.addEventListener('input', run);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      (list.querySelector('button') as HTMLElement | null)?.focus();
      e.preventDefault();
    }
  });
  return h('div', { class: 'startbox' }, input, list);
}
