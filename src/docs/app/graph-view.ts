import { FULL_GRAPH_LIMIT, graphSublabel, NODE_HEIGHT, type SiteNode } from './data.js';
import { h, nodeHref } from './dom.js';
import type { SiteIndex } from './site-index.js';
import { drawGraph, layoutLeftToRight, type DrawnEdge, type DrawnNode } from './svg-graph.js';

/** What the graph shows: everything, or a node with N levels up and down. */
export interface GraphState {
  focus?: string;
  up: number;
  down: number;
}

/** Parses `focus=<id>&up=2&down=2` from the route's query part. */
export function parseGraphState(query: string): GraphState {
  const params = new URLSearchParams(query);
  const depth = (key: string): number => Math.max(0, Math.min(20, Number(params.get(key) ?? 2) || 0));
  return { focus: params.get('focus') ?? undefined, up: depth('up'), down: depth('down') };
}

/** The route of a graph state. */
export function graphHref(state: GraphState): string {
  if (!state.focus) return '#!/graph';
  return `#!/graph?${new URLSearchParams({ focus: state.focus, up: String(state.up), down: String(state.down) })}`;
}

function drawnNode(node: SiteNode, x: number, y: number, focus?: string): DrawnNode {
  return {
    id: node.id,
    label: node.label,
    sublabel: graphSublabel(node),
    x,
    y,
    className: `type-${node.type}${node.id === focus ? ' focused' : ''}`,
    title: `${node.type} ${node.label}${node.relation ? ` (${node.relation})` : ''}${node.materialized ? `, ${node.materialized}` : ''}${node.description ? `\n${node.description.slice(0, 300)}` : ''}`,
    onClick: () => (location.hash = nodeHref(node.id)),
  };
}

function graphContent(index: SiteIndex, state: GraphState): { nodes: DrawnNode[]; edges: DrawnEdge[]; width: number; height: number } | undefined {
  const ids = state.focus && index.byId.has(state.focus) ? index.neighbourhood(state.focus, state.up, state.down) : undefined;
  if (!ids && index.data.nodes.length > FULL_GRAPH_LIMIT) return undefined;
  const members = ids ? [...ids].map((id) => index.byId.get(id)!) : index.data.nodes;
  if (!ids) {
    const routed = members.flatMap((n) => n.parents.map((p, i) => ({ from: p, to: n.id, points: pairs(n.routes?.[i]) })));
    return { nodes: members.map((n) => drawnNode(n, n.x, n.y)), edges: routed, width: index.data.width, height: index.data.height };
  }
  // Focus mode lays out just the neighbourhood: a few dozen nodes, a few milliseconds.
  const edges = members.flatMap((n) => n.parents.filter((p) => ids.has(p)).map((p) => ({ from: p, to: n.id })));
  const layout = layoutLeftToRight([...ids], edges, index.data.nodeWidth, NODE_HEIGHT);
  const nodes = members.map((n) => drawnNode(n, layout.positions.get(n.id)!.x, layout.positions.get(n.id)!.y, state.focus));
  return { nodes, edges: edges.map((e) => ({ ...e, points: layout.routes.get(`${e.from}\u0000${e.to}`) })), width: layout.width, height: layout.height };
}

/** `[x1, y1, x2, y2, ...]` as points. */
function pairs(flat: number[] | undefined): { x: number; y: number }[] | undefined {
  if (!flat?.length) return undefined;
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) points.push({ x: flat[i], y: flat[i + 1] });
  return points;
}

function toolbar(index: SiteIndex, state: GraphState, highlight: (query: string) => void): HTMLElement {
  const depthInput = (key: 'up' | 'down', label: string) =>
    h('label', {}, `${label} `, h('input', { type: 'number', min: 0, max: 20, value: state[key], 'data-testid': `focus-${key}`, onchange: (e) => (location.hash = graphHref({ ...state, [key]: Number((e.target as HTMLInputElement).value) })) }));
  const search = h('input', {
    type: 'search',
    placeholder: 'Find a node: type, Enter to focus',
    'data-testid': 'graph-search',
    oninput: (e) => highlight((e.target as HTMLInputElement).value),
    onkeydown: (e) => {
      if ((e as KeyboardEvent).key !== 'Enter') return;
      const hit = index.search((e.target as HTMLInputElement).value, 1)[0];
      if (hit) location.hash = graphHref({ ...state, focus: hit.id });
    },
  });
  return h(
    'div',
    { class: 'toolbar' },
    search,
    state.focus ? h('span', { class: 'focus-label' }, 'Focus: ', h('a', { href: nodeHref(state.focus) }, index.byId.get(state.focus)?.label ?? state.focus)) : null,
    depthInput('up', 'levels up'),
    depthInput('down', 'levels down'),
    state.focus ? h('a', { href: '#!/graph', class: 'button', 'data-testid': 'show-all' }, 'Whole project') : null,
    h('span', { class: 'legend' }, ...['source', 'seed', 'model', 'snapshot'].map((t) => h('span', { class: `chip type-${t}` }, t))),
  );
}

/**
 * The project's lineage graph: every node laid out left to right (sources and seeds first), or, in
 * focus mode, one node with N levels of parents and children. Pan by dragging, zoom with the wheel;
 * clicking a node opens its page; typing in the search box highlights matching nodes.
 */
export function renderGraphView(index: SiteIndex, state: GraphState): HTMLElement {
  const content = graphContent(index, state);
  const container = h('div', { class: 'graph-container' });
  const highlight = (query: string): void => {
    const hits = new Set(index.search(query, 10_000).map((n) => n.id));
    container.querySelectorAll<SVGGElement>('g.node').forEach((g) => g.classList.toggle('match', hits.has(g.dataset.id ?? '')));
  };
  const view = h('section', { class: 'graph-view', 'data-testid': 'graph-view' }, toolbar(index, state, highlight), container);
  if (!content) {
    container.append(h('p', { class: 'notice', 'data-testid': 'graph-too-big' }, `${index.data.nodes.length} nodes are too many to draw at once: find a node above (Enter) to see it with its neighbours.`));
    return view;
  }
  const graph = drawGraph(content.nodes, content.edges, { width: index.data.nodeWidth, height: NODE_HEIGHT, drawingWidth: content.width, drawingHeight: content.height });
  container.append(graph.svg);
  requestAnimationFrame(() => graph.fit());
  return view;
}
