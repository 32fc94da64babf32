// The layout of a path drawn as a chain: its entities left to right in
// path order, wrapped into rows when they do not fit the width, at a size
// where every label stays readable; the other entities in a band below.
// Pure geometry: no DOM, no Cytoscape, so that it is unit-tested on its own.

/** The sizes the graph style draws with (graphview.ts uses them too). */
export const CHAIN = {
  /** the largest node (a restrictive end-user's octagon). */
  node: 42,
  /** a node label's font size and how far below the node it starts. */
  nodeFont: 12,
  labelGap: 5,
  /** the widest a node label is drawn; longer ones wrap at spaces onto more lines. */
  maxLabel: 220,
  edgeFont: 11,
  /** the least free space between two labels. */
  gap: 16,
  margin: 30,
} as const;

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface ChainNode {
  id: string;
  label: string;
  /** drawn in bold (a restrictive end-user). */
  bold?: boolean;
}

export interface ChainInput {
  /** the path's entities, in order. */
  chain: ChainNode[];
  /** links[i]: the label of the link drawn between chain[i] and chain[i+1]. */
  links: string[];
  /** the entities not on the path, drawn faded below it. */
  rest: ChainNode[];
  /** the width to fill, in model units (pixels at zoom 1). */
  width: number;
  /** measure returns a text's width in pixels at a font size; an estimate by default. Link labels are bold. */
  measure?: (text: string, px: number, bold: boolean) => number;
}

export interface ChainLayout {
  positions: Map<string, { x: number; y: number }>;
  /** row[i] is the row chain[i] is on. */
  row: number[];
  /** the boxes the labels are expected to take: nodes' and links'. */
  labels: { id: string; box: Box }[];
  width: number;
  height: number;
}

/** estimate is a text's width in a sans-serif font, a little generous. */
export const estimate = (text: string, px: number, bold = false) => text.length * px * (bold ? 0.68 : 0.62);

const lineHeight = (px: number) => Math.ceil(px * 1.35);

/**
 * wrapLines breaks a label at spaces into lines no wider than max, as the
 * graph draws it (Cytoscape's text-wrap: wrap); a word wider than max
 * stands on its own line.
 */
export function wrapLines(text: string, max: number, measure: (t: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

/**
 * chainLayout places the chain left to right, starting a new row when the
 * next entity would pass the width; each pair is far enough apart for both
 * node labels and the link's label between them. A row never holds less
 * than one entity, so a narrow width gives a column rather than a squeeze.
 */
export function chainLayout(inp: ChainInput): ChainLayout {
  const measure = inp.measure ?? estimate;
  const C = CHAIN;
  const lines = (n: ChainNode) => wrapLines(n.label, C.maxLabel, (t) => measure(t, C.nodeFont, !!n.bold));
  const labelW = (n: ChainNode) => Math.max(...lines(n).map((t) => measure(t, C.nodeFont, !!n.bold))) + 4;
  const labelH = (n: ChainNode) => lines(n).length * lineHeight(C.nodeFont) + 2;
  const edgeW = (s: string) => (s ? measure(s, C.edgeFont, true) + 6 : 0);
  // Rows are as tall as the tallest label of the chain needs.
  const nodeH = Math.max(lineHeight(C.nodeFont) + 2, ...inp.chain.map(labelH));
  const edgeH = lineHeight(C.edgeFont) + 2;
  // A row: the node, its label, and room below for the label of a link
  // that runs to the next row, then the gap.
  // That label sits at the link's midpoint, half a row down: a row is at
  // least twice what reaches from a node's centre to below its label.
  const rowH = Math.max(C.node + C.labelGap + nodeH + C.gap + edgeH + C.gap,
    2 * (C.node / 2 + C.labelGap + nodeH + C.gap / 2) + edgeH);
  const width = Math.max(inp.width, C.maxLabel + 2 * C.margin);

  const positions = new Map<string, { x: number; y: number }>();
  const labels: { id: string; box: Box }[] = [];
  const row: number[] = [];
  const nodeBox = (n: ChainNode, x: number, y: number) => {
    const w = labelW(n);
    labels.push({ id: n.id, box: { x1: x - w / 2, x2: x + w / 2, y1: y + C.node / 2 + C.labelGap, y2: y + C.node / 2 + C.labelGap + labelH(n) } });
  };

  let r = 0;
  let x = 0;
  let right = 0;
  inp.chain.forEach((n, i) => {
    const w = Math.max(C.node, labelW(n));
    if (i === 0) x = C.margin + w / 2;
    else {
      const prev = inp.chain[i - 1];
      const pw = Math.max(C.node, labelW(prev));
      const step = Math.max(pw / 2 + w / 2 + C.gap, C.node + edgeW(inp.links[i - 1] ?? '') + 2 * C.gap);
      if (x + step + w / 2 > width - C.margin) {
        r++;
        x = C.margin + w / 2;
      } else x += step;
    }
    const y = C.margin + C.node / 2 + r * rowH;
    positions.set(n.id, { x, y });
    row.push(r);
    right = Math.max(right, x + w / 2);
    nodeBox(n, x, y);
  });
  // The links' labels: on the line between two entities of a row, or, for
  // a link to the next row, half way down between the rows.
  inp.links.forEach((label, i) => {
    const a = positions.get(inp.chain[i]?.id);
    const b = positions.get(inp.chain[i + 1]?.id);
    if (!label || !a || !b) return;
    const w = edgeW(label);
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    labels.push({ id: `link:${i}`, box: { x1: mx - w / 2, x2: mx + w / 2, y1: my - edgeH / 2, y2: my + edgeH / 2 } });
  });

  // The rest: a grid below the chain, each cell as wide as the widest label.
  let top = inp.chain.length ? C.margin + (r + 1) * rowH : C.margin;
  if (inp.rest.length) {
    const cell = Math.max(C.node, ...inp.rest.map(labelW)) + C.gap;
    const perRow = Math.max(1, Math.floor((width - 2 * C.margin) / cell));
    const restH = C.node + C.labelGap + Math.max(...inp.rest.map(labelH)) + C.gap;
    top += C.gap;
    inp.rest.forEach((n, i) => {
      const x2 = C.margin + cell / 2 + (i % perRow) * cell;
      const y2 = top + C.node / 2 + Math.floor(i / perRow) * restH;
      positions.set(n.id, { x: x2, y: y2 });
      right = Math.max(right, x2 + cell / 2);
      nodeBox(n, x2, y2);
    });
    top += Math.ceil(inp.rest.length / perRow) * restH;
  }
  return { positions, row, labels, width: right + C.margin, height: top + C.margin };
}

/** intersect reports whether two boxes overlap (touching is not overlapping). */
export function intersect(a: Box, b: Box): boolean {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/** overlaps lists the pairs of boxes that overlap. */
export function overlaps(boxes: { id: string; box: Box }[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (intersect(boxes[i].box, boxes[j].box)) out.push([boxes[i].id, boxes[j].id]);
    }
  }
  return out;
}
