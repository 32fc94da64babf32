import type { PageContext } from '../page';
import { debounce, errorBox, h, navigate, replace } from '../dom';
import { edgeId, GraphModel, hideInvalid, moreId, visible } from '../graphmodel';
import type { GraphView, LayoutName } from '../graphview';
import { entityPanel, linkDetails } from '../panel';
import { LINK_TYPES, type Connection, type LinkType } from '../types';
import { linkSentence, plural, sourceText } from '../format';
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

/** exportButtons download the drawing as an SVG or PNG image. */
export function exportButtons(view: () => GraphView | null, name: string): HTMLElement {
  const save = (kind: 'svg' | 'png') => {
    const v = view();
    if (!v) return;
    const url = URL.createObjectURL(v.image(kind));
    const a = h('a', { href: url, download: `${name}.${kind}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return h('span', { class: 'row export' },
    h('button', { type: 'button', onclick: () => save('svg'), title: 'Download the graph as an SVG image' }, 'SVG'),
    h('button', { type: 'button', onclick: () => save('png'), title: 'Download the graph as a PNG image' }, 'PNG'));
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
      h('button', { type: 'button', onclick: () => view?.zoom(0.8), 'aria-label': 'Zoom out' }, '−'),
      exportButtons(() => view, `hopcheck-${start}`));

    // As of: only the links valid on that day are drawn; without one,
    // links that ended are drawn dashed with their end.
    let asOf = /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.get('as_of') ?? '') ? ctx.query.get('as_of')! : '';
    const asOfInput = h('input', { type: 'date', id: 'asof', value: asOf, 'aria-describedby': 'asof-help' }) as HTMLInputElement;
    asOfInput.addEventListener('change', () => {
      asOf = /^\d{4}-\d{2}-\d{2}$/.test(asOfInput.value) ? asOfInput.value : '';
      void redraw(false);
    });
    const asOfBox = h('div', { class: 'asof' },
      h('label', { for: 'asof' }, 'As of'), asOfInput,
      h('button', { type: 'button', class: 'linkish small', onclick: () => { asOfInput.value = ''; asOf = ''; void redraw(false); } }, 'any date'),
      h('p', { id: 'asof-help', class: 'muted small' }, 'With a date, only the links valid then are drawn. Without, ended links are dashed.'));

    // The shortest path from the selected entity to one picked here.
    let selected = start;
    const fromName = h('strong', null, start);
    const pathMsg = h('div', { class: 'small', 'aria-live': 'polite', 'data-testid': 'path-msg' });
    const pathBox = h('div', { class: 'pathfind' },
      h('h2', { class: 'h-small' }, 'Shortest path'),
      h('p', { class: 'small' }, 'From ', fromName, ' to:'),
      entityPicker(ctx, (id) => void findPath(selected, id), { id: 'path-to', label: 'Entity to find a path to' }),
      pathMsg);

    main.append(h('div', { class: 'explorer' },
      h('div', { class: 'toolbar' },
        h('h1', { class: 'h-small' }, 'Explorer'),
        startBox(ctx),
        h('label', { for: 'layout' }, 'Layout'), layoutSel,
        zoomBtns, asOfBox, filters, pathBox, legend(), status),
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
      const today = new Date().toISOString().slice(0, 10);
      await view.sync(model, hideInvalid(model, visible(model, types, roots), asOf, roots), roots, relayout, { asOf, today });
      const ms = performance.now() - t0;
      describe(relayout ? ms : undefined);
      (window as unknown as { __hopcheck: object }).__hopcheck = { view, model, lastRender: { ms, elements: view.cy.elements().length } };
    }

    async function findPath(from: string, to: string): Promise<void> {
      replace(pathMsg, h('p', { class: 'muted' }, `Looking for a path from ${names(from)}…`));
      let c: Connection;
      try {
        c = await ctx.client.connection(from, to, { date: asOf });
      } catch (err) {
        replace(pathMsg, errorBox(err, 'Shortest path'));
        return;
      }
      if (!alive || !view) return;
      if (!c.found) {
        replace(pathMsg, h('p', null, `No chain of at most ${c.max_hops} links joins ${names(from)} and ${c.date ? `${to} on ${c.date}` : to}.`));
        return;
      }
      // The path's entities in full, so that restrictive ones are drawn so.
      await Promise.all(c.entities.map(async (r) => {
        roots.add(r.id);
        if (model.nodes.get(r.id)?.entity) return;
        const d = await ctx.client.entity(r.id).catch(() => null);
        if (d) model.addEntity(d.entity);
        else model.addRef(r);
      }));
      if (!alive) return;
      for (const l of c.links) model.addLink(l);
      await learnCountries(ctx.client, model);
      await redraw(false);
      const ids = c.entities.map((r) => r.id);
      const edges = c.links.map((l) => edgeId(l));
      view.highlight({ nodes: ids, edges });
      await view.chain(ids, edges);
      (window as unknown as { __hopcheck: object }).__hopcheck = { view, model, chain: ids };
      replace(pathMsg,
        h('p', null, `${plural(c.links.length, 'link')} from ${c.entities[0].name} to ${c.entities[c.entities.length - 1].name}${c.date ? ` on ${c.date}` : ''}:`),
        h('ol', { class: 'steps', 'data-testid': 'path-steps' }, c.links.map((l) => h('li', null,
          linkSentence(l, names(l.from), names(l.to)), h('span', { class: 'muted small' }, ` · ${sourceText(l.source)}`), ' ',
          h('button', { type: 'button', class: 'linkish small', onclick: () => replace(panel, linkDetails(l, names)) }, 'Provenance')))),
        h('button', { type: 'button', onclick: () => { view?.highlight({ nodes: [], edges: [] }); void view?.runLayout(); replace(pathMsg); } }, 'Clear the path'));
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
      selected = id;
      fromName.textContent = n.name;
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
      fromName.textContent = names(start);
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
  return entityPicker(ctx, (id) => navigate(`/explore/${encodeURIComponent(id)}`), { id: 'start', label: 'Find an entity to explore' });
}

/** entityPicker is a small as-you-type search that calls pick with the entity picked. */
export function entityPicker(ctx: PageContext, pick: (id: string) => void, opts: { id: string; label: string }): HTMLElement {
  const input = h('input', { type: 'search', id: opts.id, placeholder: 'Find an entity…', autocomplete: 'off', 'aria-label': opts.label }) as HTMLInputElement;
  const list = h('ul', { class: 'suggest', role: 'listbox' });
  const run = debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return replace(list);
    try {
      const { matches } = await ctx.client.search(q, { limit: 8 });
      replace(list, matches.map((m) => h('li', null, h('button', {
        type: 'button', class: 'linkish',
        onclick: () => {
          replace(list);
          input.value = m.entity.name;
          pick(m.entity.id);
        },
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
