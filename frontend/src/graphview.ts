// The drawing of a GraphModel with Cytoscape.js. Loaded only by the pages
// that draw graphs, so the rest of the UI stays small.
import cytoscape from 'cytoscape';
import type { Core, EdgeSingular, ElementDefinition, LayoutOptions, NodeSingular, StylesheetJson } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import svg from 'cytoscape-svg';
import { edgeView, nodeLabel, type GraphModel } from './graphmodel';
import { CHAIN, chainLayout, estimate, intersect, type Box } from './chainlayout';

cytoscape.use(dagre);
cytoscape.use(fcose);
cytoscape.use(svg);

/** The labels' font: the chain layout measures its text in it. */
export const FONT = 'Helvetica, Arial, sans-serif';

export type LayoutName = 'dagre' | 'fcose' | 'cose' | 'concentric';

export const LAYOUTS: { name: LayoutName; label: string }[] = [
  { name: 'fcose', label: 'Force (fcose)' },
  { name: 'dagre', label: 'Layered (dagre): ownership chains' },
  { name: 'cose', label: 'Force (cose)' },
  { name: 'concentric', label: 'Concentric' },
];

const style: StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)', 'font-size': 11, 'font-family': FONT, 'text-valign': 'bottom', 'text-margin-y': 4,
      'text-wrap': 'ellipsis', 'text-max-width': '200px', 'min-zoomed-font-size': 7,
      color: '#1d2433', width: 30, height: 30, 'border-width': 1.5, 'border-color': '#fff',
      'text-background-color': '#fff', 'text-background-opacity': 0.75, 'text-background-padding': '1px',
    },
  },
  { selector: 'node[kind = "organization"]', style: { shape: 'round-rectangle', 'background-color': '#3a6fd8' } },
  { selector: 'node[kind = "person"]', style: { shape: 'ellipse', 'background-color': '#2f9e6e' } },
  { selector: 'node[kind = "government_body"]', style: { shape: 'diamond', 'background-color': '#8a8fa3', width: 34, height: 34 } },
  {
    // Restrictive end-users: a red octagon with a thick black ring and a bold
    // label, so colour is not the only sign.
    selector: 'node[?restrictive]',
    style: {
      shape: 'octagon', 'background-color': '#d32f2f', 'border-color': '#111', 'border-width': 4,
      width: 42, height: 42, 'font-weight': 'bold', color: '#9b1111',
    },
  },
  { selector: 'node.root', style: { 'underlay-color': '#f5b400', 'underlay-padding': 8, 'underlay-opacity': 0.45, 'underlay-shape': 'ellipse' } },
  {
    selector: 'node.more',
    style: {
      shape: 'round-rectangle', 'background-color': '#fff', 'border-color': '#6b7280', 'border-style': 'dashed',
      'border-width': 1.5, width: 46, height: 20, label: 'more…', 'text-valign': 'center', 'text-margin-y': 0, color: '#374151',
    },
  },
  {
    selector: 'edge',
    style: {
      width: 1.6, 'line-color': '#9aa3b5', 'target-arrow-color': '#9aa3b5', 'target-arrow-shape': 'triangle',
      'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, 'font-family': FONT, 'text-rotation': 'autorotate',
      'min-zoomed-font-size': 8, color: '#374151', 'text-background-color': '#fff', 'text-background-opacity': 0.85,
      'text-background-padding': '1px',
    },
  },
  { selector: 'edge[type = "OWNS"]', style: { 'line-color': '#5b6fa8', 'target-arrow-color': '#5b6fa8' } },
  { selector: 'edge[type = "SUPPLIES"]', style: { 'line-color': '#c07a1a', 'target-arrow-color': '#c07a1a', 'line-style': 'dashed' } },
  { selector: 'edge[type = "MORE"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none', label: '' } },
  {
    // A link that ended before today (shown when no as-of date is set):
    // dashed and grey, its label saying when it ended.
    selector: 'edge[?ended]',
    style: { 'line-style': 'dashed', 'line-dash-pattern': [7, 5], 'line-color': '#a0a6b3', 'target-arrow-color': '#a0a6b3', color: '#6b7280', 'font-style': 'italic' },
  },
  { selector: 'node[kind = "country"]', style: { shape: 'tag', 'background-color': '#d32f2f', 'border-color': '#111', 'border-width': 3, width: 40, height: 30, 'font-weight': 'bold', color: '#9b1111' } },
  { selector: 'edge[type = "SELLS_TO"], edge[type = "SHIPS_TO"]', style: { 'line-color': '#6b7280', 'target-arrow-color': '#6b7280', 'line-style': 'solid' } },
  { selector: '.hidden', style: { display: 'none' } },
  { selector: '.faded', style: { opacity: 0.22 } },
  {
    selector: 'edge.path',
    style: { width: 5, 'line-color': '#e8590c', 'target-arrow-color': '#e8590c', 'z-index': 10, color: '#7a2b00', 'font-weight': 'bold', 'font-size': 11 },
  },
  { selector: 'node.path', style: { 'overlay-color': '#e8590c', 'overlay-opacity': 0.18, 'overlay-padding': 6, 'z-index': 10 } },
  {
    // A path laid out as a chain: labels upright and at full size, so
    // that every one reads at zoom 1 (chainlayout.ts measures them so).
    selector: 'node.chain, node.chainrest',
    style: { 'font-size': CHAIN.nodeFont, 'text-margin-y': CHAIN.labelGap, 'text-wrap': 'wrap', 'text-max-width': `${CHAIN.maxLabel}px`, 'min-zoomed-font-size': 0 },
  },
  // Off the chain, a link's label would cross the chain's: the line stays, faded.
  { selector: 'edge.offchain', style: { label: '' } },
  // A label that would cover another (declutter):
  // shown again while the link is selected.
  { selector: '.quiet', style: { label: '' } },
  { selector: '.quiet:selected', style: { label: 'data(label)', 'z-index': 20 } },
  { selector: 'edge.chain', style: { 'text-rotation': 'none', 'font-size': CHAIN.edgeFont, 'min-zoomed-font-size': 0, 'curve-style': 'straight' } },
  { selector: ':selected', style: { 'border-color': '#f5b400', 'border-width': 5 } },
  { selector: 'edge:selected', style: { 'line-color': '#f5b400', 'target-arrow-color': '#f5b400', width: 5 } },
];

export function layoutOptions(name: LayoutName, size: number): LayoutOptions {
  const animate = size < 300;
  switch (name) {
    case 'dagre':
      return { name: 'dagre', rankDir: 'TB', nodeSep: 40, rankSep: 110, animate, fit: true, padding: 30 } as LayoutOptions;
    case 'fcose':
      return { name: 'fcose', quality: 'default', randomize: true, animate, fit: true, padding: 30, nodeRepulsion: 6000, idealEdgeLength: 90, numIter: size > 1000 ? 1500 : 2500 } as LayoutOptions;
    case 'cose':
      return { name: 'cose', animate: false, fit: true, padding: 30, randomize: false } as LayoutOptions;
    case 'concentric':
      return { name: 'concentric', fit: true, padding: 30, animate, minNodeSpacing: 20 } as LayoutOptions;
  }
}

export interface ViewEvents {
  node?: (id: string) => void;
  edge?: (id: string) => void;
  background?: () => void;
}

/** GraphView keeps a Cytoscape instance in step with a GraphModel. */
export class GraphView {
  readonly cy: Core;
  layout: LayoutName;

  constructor(container: HTMLElement, layout: LayoutName, events: ViewEvents) {
    this.layout = layout;
    this.cy = cytoscape({
      container, style, wheelSensitivity: 0.3, minZoom: 0.05, maxZoom: 4,
      hideEdgesOnViewport: false, textureOnViewport: false, boxSelectionEnabled: false,
    });
    this.cy.on('tap', 'node', (e) => events.node?.(e.target.id()));
    this.cy.on('tap', 'edge', (e) => events.edge?.(e.target.id()));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) events.background?.();
    });
  }

  /**
   * sync adds and removes elements to match the model and the visible sets,
   * and lays out the graph again when elements were added. Resolves when
   * the layout has stopped.
   */
  sync(m: GraphModel, shown: { nodes: Set<string>; edges: Set<string> }, roots: ReadonlySet<string>, relayout = true,
    dates: { asOf: string; today: string } = { asOf: '', today: new Date().toISOString().slice(0, 10) }): Promise<void> {
    const cy = this.cy;
    const add: ElementDefinition[] = [];
    cy.batch(() => {
      cy.elements().forEach((el) => {
        const id = el.id();
        if (el.isNode() ? !m.nodes.has(id) : !m.edges.has(id)) el.remove();
      });
      for (const n of m.nodes.values()) {
        const label = nodeLabel(n);
        const data = { id: n.id, label, kind: n.kind, restrictive: n.restrictive === true, country: n.country ?? '' };
        const el = cy.getElementById(n.id);
        if (el.nonempty()) el.data(data);
        else add.push({ group: 'nodes', data, classes: n.moreOf ? 'more' : '' });
      }
      for (const e of m.edges.values()) {
        const v = edgeView(e, dates.asOf, dates.today);
        const el = cy.getElementById(e.id);
        if (el.nonempty()) el.data({ label: v.label, ended: v.ended });
        else add.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, type: e.type, label: v.label, ended: v.ended } });
      }
    });
    const added = cy.add(add);
    cy.batch(() => {
      cy.elements().forEach((el) => {
        const id = el.id();
        el.toggleClass('hidden', el.isNode() ? !shown.nodes.has(id) : !shown.edges.has(id));
        if (el.isNode()) el.toggleClass('root', roots.has(id));
      });
    });
    if (relayout && added.nonempty()) return this.runLayout();
    if (this.cy.$('.chain').empty()) this.declutter();
    return Promise.resolve();
  }

  /** layouts counts the layouts running (animating): the drawing is settled at 0. */
  layouts = 0;

  runLayout(name: LayoutName = this.layout): Promise<void> {
    this.layout = name;
    this.cy.elements().removeClass('chain chainrest offchain');
    const els = this.cy.elements().not('.hidden');
    this.layouts++;
    return new Promise((resolve) => {
      const l = els.layout(layoutOptions(name, els.length));
      l.one('layoutstop', () => {
        this.layouts--;
        this.declutter();
        resolve();
      });
      l.run();
    });
  }

  /**
   * declutter hides the labels that would cover an entity's shape or a
   * label already drawn, so that no two labels overlap and none hides an
   * entity, whatever the layout. Entities' names come
   * first (a highlighted path's, then the roots', the restrictive ones',
   * then by how many links an entity has), then links' labels (a path's
   * first). A hidden label shows while its element is selected (click it),
   * and the panel says it all.
   */
  declutter(): void {
    const cy = this.cy;
    const only = { includeLabels: true, includeNodes: false, includeEdges: false, includeOverlays: false, includeUnderlays: false } as never;
    const rank = (n: NodeSingular) => (n.hasClass('path') ? 4 : 0) + (n.hasClass('root') ? 2 : 0) + (n.data('restrictive') ? 1 : 0);
    const kept: Box[] = [];
    const shapes = new Map<string, Box>();
    const quiet: (NodeSingular | EdgeSingular)[] = [];
    const place = (el: NodeSingular | EdgeSingular) => {
      const b = el.boundingBox(only);
      // A node's label touches its own shape by design; another's is a cover.
      const own = shapes.get(el.id());
      if (kept.some((k) => k !== own && intersect(k, b))) quiet.push(el);
      else kept.push(b);
    };
    const body = { includeLabels: false, includeNodes: true, includeEdges: false, includeOverlays: false, includeUnderlays: false } as never;
    // Measured outside a batch: inside one, the style of elements just
    // shown again is not computed yet and their boxes are empty.
    cy.elements().removeClass('quiet');
    // Entities' shapes first: no label is drawn over one.
    cy.nodes().not('.hidden').forEach((n) => {
      const b: Box = n.boundingBox(body);
      shapes.set(n.id(), b);
      kept.push(b);
    });
    const labelled = (el: NodeSingular | EdgeSingular) => !!el.style('label') && el.style('display') !== 'none';
    (cy.nodes().not('.hidden').toArray() as NodeSingular[]).filter(labelled)
      .sort((a, b) => rank(b) - rank(a) || b.degree(false) - a.degree(false) || (a.id() < b.id() ? -1 : 1))
      .forEach(place);
    (cy.edges().not('.hidden').toArray() as EdgeSingular[]).filter(labelled)
      .sort((a, b) => Number(b.hasClass('path')) - Number(a.hasClass('path')) || (a.id() < b.id() ? -1 : 1))
      .forEach(place);
    cy.batch(() => quiet.forEach((el) => el.addClass('quiet')));
  }

  /** highlight marks a path; others fade. Empty lists clear it. */
  highlight(sel: { nodes: string[]; edges: string[] }): void {
    const cy = this.cy;
    cy.batch(() => {
      cy.elements().removeClass('path faded');
      if (!sel.nodes.length && !sel.edges.length) return;
      const on = cy.collection();
      for (const id of [...sel.nodes, ...sel.edges]) on.merge(cy.getElementById(id));
      on.addClass('path');
      cy.elements().difference(on).addClass('faded');
    });
    // A path's labels are drawn larger, and keep theirs first.
    if (cy.$('.chain').empty()) this.declutter();
  }

  /**
   * chain lays a path out left to right (chainlayout.ts), the other shown
   * entities faded below it, at zoom 1 so that every label reads; the view
   * scrolls (pans) rather than shrinking. ids: the path's entities in
   * order; edges: the edge drawn between each pair. Returns the height the
   * drawing needs, for a container that grows to show it whole.
   */
  chain(ids: string[], edges: string[]): Promise<{ width: number; height: number }> {
    const cy = this.cy;
    const ctx = document.createElement('canvas').getContext('2d');
    // Measured in the font the label is drawn with, so that the layout
    // wraps the lines where Cytoscape does.
    const measure = (text: string, px: number, bold: boolean) => {
      if (!ctx) return estimate(text, px, bold);
      ctx.font = `${bold ? 'bold ' : ''}${px}px ${FONT}`;
      return ctx.measureText(text).width;
    };
    const on = new Set([...ids, ...edges]);
    const node = (id: string) => cy.getElementById(id);
    const label = (id: string) => ({ id, label: String(node(id).data('label') ?? ''), bold: node(id).style('font-weight') === 'bold' || !!node(id).data('restrictive') || node(id).data('kind') === 'country' });
    const restNodes = cy.nodes().not('.hidden').filter((n) => !on.has(n.id()));
    const rest = restNodes.map((n) => label(n.id()));
    const lay = chainLayout({
      chain: ids.map(label),
      links: edges.map((id) => String(cy.getElementById(id).data('label') ?? '')),
      rest, width: cy.width(), measure,
    });
    cy.batch(() => {
      cy.elements().removeClass('chain chainrest offchain quiet');
      cy.edges().addClass('offchain');
      restNodes.addClass('chainrest');
      for (const id of on) cy.getElementById(id).removeClass('offchain').addClass('chain');
    });
    const pos = Object.fromEntries(lay.positions);
    return new Promise((resolve) => {
      const l = cy.elements().not('.hidden').layout({ name: 'preset', positions: (n: { id(): string }) => pos[n.id()] ?? { x: 0, y: lay.height }, fit: false, animate: false } as LayoutOptions);
      l.one('layoutstop', () => {
        cy.zoom(1);
        cy.pan({ x: 0, y: 0 });
        resolve({ width: lay.width, height: lay.height });
      });
      l.run();
    });
  }

  /**
   * labelBoxes are the drawn labels of the shown elements in screen
   * pixels relative to the canvas, with their font size on screen: what a
   * reader sees. Tests check them for overlaps and size.
   */
  labelBoxes(sel = ''): { id: string; text: string; px: number; box: Box }[] {
    const cy = this.cy;
    const z = cy.zoom();
    return cy.elements(sel).not('.hidden').filter((el) => !!el.style('label') && el.style('display') !== 'none').map((el) => {
      const b = el.renderedBoundingBox({ includeLabels: true, includeNodes: false, includeEdges: false, includeOverlays: false, includeUnderlays: false } as never);
      return { id: el.id(), text: String(el.data('label')), px: parseFloat(el.style('font-size')) * z, box: { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 } };
    });
  }

  /** image draws the whole graph as an SVG text or a PNG blob, on white. */
  image(kind: 'svg' | 'png'): Blob {
    const cy = this.cy as Core & { svg(o: object): string };
    if (kind === 'svg') return new Blob([cy.svg({ full: true, bg: '#ffffff', scale: 1 })], { type: 'image/svg+xml' });
    return cy.png({ full: true, bg: '#ffffff', scale: 2, output: 'blob' }) as unknown as Blob;
  }

  select(id: string | null): void {
    this.cy.elements().unselect();
    if (id) this.cy.getElementById(id).select();
  }

  fit(ids?: string[]): void {
    if (ids?.length) {
      const c = this.cy.collection();
      for (const id of ids) c.merge(this.cy.getElementById(id));
      this.cy.fit(c, 60);
    } else this.cy.fit(undefined, 30);
    // A short path fitted alone would fill the screen with two huge nodes.
    if (this.cy.zoom() > 1.3) this.cy.zoom({ level: 1.3, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
  }

  zoom(factor: number): void {
    const cy = this.cy;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  destroy(): void {
    this.cy.destroy();
  }
}
