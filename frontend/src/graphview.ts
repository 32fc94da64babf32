// The drawing of a GraphModel with Cytoscape.js. Loaded only by the pages
// that draw graphs, so the rest of the UI stays small.
import cytoscape from 'cytoscape';
import type { Core, ElementDefinition, LayoutOptions, StylesheetJson } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import type { GraphModel } from './graphmodel';

cytoscape.use(dagre);
cytoscape.use(fcose);

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
      label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4,
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
      'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, 'text-rotation': 'autorotate',
      'min-zoomed-font-size': 8, color: '#374151', 'text-background-color': '#fff', 'text-background-opacity': 0.85,
      'text-background-padding': '1px',
    },
  },
  { selector: 'edge[type = "OWNS"]', style: { 'line-color': '#5b6fa8', 'target-arrow-color': '#5b6fa8' } },
  { selector: 'edge[type = "SUPPLIES"]', style: { 'line-color': '#c07a1a', 'target-arrow-color': '#c07a1a', 'line-style': 'dashed' } },
  { selector: 'edge[type = "MORE"]', style: { 'line-style': 'dotted', 'target-arrow-shape': 'none', label: '' } },
  { selector: '.hidden', style: { display: 'none' } },
  { selector: '.faded', style: { opacity: 0.22 } },
  {
    selector: 'edge.path',
    style: { width: 5, 'line-color': '#e8590c', 'target-arrow-color': '#e8590c', 'z-index': 10, color: '#7a2b00', 'font-weight': 'bold', 'font-size': 11 },
  },
  { selector: 'node.path', style: { 'overlay-color': '#e8590c', 'overlay-opacity': 0.18, 'overlay-padding': 6, 'z-index': 10 } },
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
  sync(m: GraphModel, shown: { nodes: Set<string>; edges: Set<string> }, roots: ReadonlySet<string>, relayout = true): Promise<void> {
    const cy = this.cy;
    const add: ElementDefinition[] = [];
    cy.batch(() => {
      cy.elements().forEach((el) => {
        const id = el.id();
        if (el.isNode() ? !m.nodes.has(id) : !m.edges.has(id)) el.remove();
      });
      for (const n of m.nodes.values()) {
        const label = n.moreOf ? 'more…' : n.restrictive ? `⚠ ${n.name}` : n.name;
        const data = { id: n.id, label, kind: n.kind, restrictive: n.restrictive === true, country: n.country ?? '' };
        const el = cy.getElementById(n.id);
        if (el.nonempty()) el.data(data);
        else add.push({ group: 'nodes', data, classes: n.moreOf ? 'more' : '' });
      }
      for (const e of m.edges.values()) {
        if (cy.getElementById(e.id).nonempty()) continue;
        add.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, type: e.type, label: e.label } });
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
    return Promise.resolve();
  }

  runLayout(name: LayoutName = this.layout): Promise<void> {
    this.layout = name;
    const els = this.cy.elements().not('.hidden');
    return new Promise((resolve) => {
      const l = els.layout(layoutOptions(name, els.length));
      l.one('layoutstop', () => resolve());
      l.run();
    });
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
