import dagre from '@dagrejs/dagre';
import { select } from 'd3-selection';
import { curveBasis, line } from 'd3-shape';
import { zoom, zoomIdentity, type ZoomBehavior } from 'd3-zoom';
import { s } from './dom.js';

/** A box to draw: centre position, label, CSS classes and what a click does. */
export interface DrawnNode {
  id: string;
  label: string;
  sublabel?: string;
  x: number;
  y: number;
  className: string;
  title?: string;
  onClick?: () => void;
}

/** An edge between two drawn nodes, with an optional CSS class (e.g. the transform). */
export interface DrawnEdge {
  from: string;
  to: string;
  className?: string;
  /** The layout's route around other nodes; a plain curve between the boxes without it. */
  points?: { x: number; y: number }[];
}

const curve = line<{ x: number; y: number }>()
  .x((p) => p.x)
  .y((p) => p.y)
  .curve(curveBasis);

/** A pannable, zoomable SVG drawing of a graph. */
export interface SvgGraph {
  svg: SVGSVGElement;
  /** Zooms so the whole drawing fits the element (within the scale limits); done again on resize. */
  fit(): void;
}

/** Options of {@link drawGraph}: box size, drawing size and the scale limits of fitting. */
export interface DrawOptions {
  width: number;
  height: number;
  drawingWidth: number;
  drawingHeight: number;
  /** Fitting never zooms out below this (the rest is reached by panning); default 0.02. */
  minFitScale?: number;
  /** Fitting never zooms in above this; default 1.5. */
  maxFitScale?: number;
  /** A point of the drawing kept in view when it does not fit (e.g. the column whose lineage it is). */
  anchor?: { x: number; y: number };
  /** Font size of the labels relative to 12 px (CSS sets it), for cutting long labels; default 1. */
  fontScale?: number;
}

let drawings = 0;

/**
 * Lays nodes out left to right with dagre (for drawings computed in the browser: focus mode,
 * column lineage).
 * @returns centres by id and the drawing's size
 */
export function layoutLeftToRight(ids: string[], edges: DrawnEdge[], width: number, height: number): { positions: Map<string, { x: number; y: number }>; routes: Map<string, { x: number; y: number }[]>; width: number; height: number } {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) graph.setNode(id, { width, height });
  for (const edge of edges) if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  dagre.layout(graph);
  const positions = new Map(ids.map((id) => [id, { x: graph.node(id).x, y: graph.node(id).y }]));
  const routes = new Map((graph.edges() as { v: string; w: string }[]).map((e): [string, { x: number; y: number }[]] => [`${e.v}\u0000${e.w}`, (graph.edge(e) as { points: { x: number; y: number }[] }).points]));
  return { positions, routes, width: graph.graph().width ?? 0, height: graph.graph().height ?? 0 };
}

function edgePath(from: { x: number; y: number }, to: { x: number; y: number }, halfWidth: number): string {
  const x1 = from.x + halfWidth;
  const x2 = to.x - halfWidth;
  const mid = (x1 + x2) / 2;
  return `M${x1},${from.y} C${mid},${from.y} ${mid},${to.y} ${x2},${to.y}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Average width of a character of the 12 px label font, px (system-ui). */
const LABEL_CHAR = 7;
/** Same for the 11 px subtitle font. */
const SUBLABEL_CHAR = 6.2;

/**
 * Draws boxes and edges into an SVG with pan and zoom (d3-zoom: drag to pan, wheel to zoom).
 * @param size box width and height in px
 */
export function drawGraph(nodes: DrawnNode[], edges: DrawnEdge[], size: DrawOptions): SvgGraph {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const marker = `arrow-${++drawings}`;
  // Arrowheads: one marker per drawing, coloured like the edge (context-stroke where supported).
  const defs = s('defs', {}, s('marker', { id: marker, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' })));
  const viewport = s('g', { class: 'viewport' });
  const edgeLayer = s('g', { class: 'edges' });
  const nodeLayer = s('g', { class: 'nodes' });
  viewport.append(edgeLayer, nodeLayer);
  for (const edge of edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) continue;
    // The route's bends keep long edges off other boxes; the ends attach to the boxes' sides.
    const bends = edge.points?.slice(1, -1) ?? [];
    const d = bends.length ? curve([{ x: from.x + size.width / 2, y: from.y }, ...bends, { x: to.x - size.width / 2, y: to.y }]) ?? '' : edgePath(from, to, size.width / 2);
    edgeLayer.append(s('path', { class: `edge ${edge.className ?? ''}`, d, 'data-from': edge.from, 'data-to': edge.to, 'marker-end': `url(#${marker})` }));
  }
  const maxChars = Math.floor((size.width - 16) / (LABEL_CHAR * (size.fontScale ?? 1)));
  const maxSubChars = Math.floor((size.width - 16) / (SUBLABEL_CHAR * (size.fontScale ?? 1)));
  for (const node of nodes) {
    // The full name and subtitle are in the <title> (shown on hover); the box shows as much as fits.
    const title = [node.title ?? node.label, node.sublabel && !(node.title ?? '').includes(node.sublabel) ? node.sublabel : ''].filter(Boolean).join('\n');
    const activate = (event: Event): void => {
      if (event instanceof KeyboardEvent && event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      node.onClick?.();
    };
    const group = s(
      'g',
      { class: `node ${node.className}`, transform: `translate(${node.x - size.width / 2},${node.y - size.height / 2})`, 'data-id': node.id, tabindex: 0, role: 'link', 'aria-label': title.replace(/\n/g, ', '), onclick: activate, onkeydown: activate },
      s('title', {}, title),
      s('rect', { width: size.width, height: size.height, rx: 6 }),
      s('text', { x: 10, y: node.sublabel ? size.height / 2 - 3 : size.height / 2 + 4 }, truncate(node.label, maxChars)),
      node.sublabel ? s('text', { class: 'sub', x: 10, y: size.height / 2 + 12 }, truncate(node.sublabel, maxSubChars)) : null,
    );
    nodeLayer.append(group);
  }
  const svg = s('svg', { class: 'graph', 'data-testid': 'graph-svg' }, defs, viewport) as SVGSVGElement;
  const behaviour: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.02, 4])
    .on('zoom', (event) => viewport.setAttribute('transform', event.transform.toString()));
  select(svg).call(behaviour);
  const fit = (): void => {
    const box = svg.getBoundingClientRect();
    if (!box.width || !size.drawingWidth) return;
    const scale = Math.max(size.minFitScale ?? 0.02, Math.min(box.width / size.drawingWidth, box.height / size.drawingHeight, size.maxFitScale ?? 1.5));
    // Centred when it fits; otherwise the anchor (or the upstream end) shows first.
    const place = (view: number, drawing: number, anchor?: number): number => {
      const free = view - drawing * scale;
      if (free >= 0) return free / 2;
      return anchor === undefined ? 0 : Math.min(0, Math.max(free, view / 2 - anchor * scale));
    };
    const x = place(box.width, size.drawingWidth, size.anchor?.x);
    const y = place(box.height, size.drawingHeight, size.anchor?.y);
    select(svg).call(behaviour.transform, zoomIdentity.translate(x, y).scale(scale));
  };
  // Fit again when the element's size changes (window resized, sidebar toggled).
  let lastWidth = 0;
  let lastHeight = 0;
  new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    if (!width || (Math.abs(width - lastWidth) < 1 && Math.abs(height - lastHeight) < 1)) return;
    lastWidth = width;
    lastHeight = height;
    fit();
  }).observe(svg);
  return { svg, fit };
}
