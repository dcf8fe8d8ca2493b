import { ColumnLineageIndex } from './column-lineage.js';
import { h, nodeHref } from './dom.js';
import type { SiteIndex } from './site-index.js';
import { boxWidthFor } from './data.js';
import { drawGraph, layoutLeftToRight } from './svg-graph.js';

/** Box height of a column in the column-lineage graph, px (width is sized to the labels). */
const BOX_HEIGHT = 44;

/** Levels of column lineage drawn around a column unless the page asks for more. */
export const DEFAULT_COLUMN_LEVELS = 3;

/** The route of a node page with one column's lineage open, `levels` up and down. */
export function columnHref(node: string, column: string, levels = DEFAULT_COLUMN_LEVELS): string {
  const more = levels === DEFAULT_COLUMN_LEVELS ? '' : `&levels=${levels}`;
  return `${nodeHref(node)}?column=${encodeURIComponent(column)}${more}`;
}

const DESCRIBE: Record<string, string> = {
  passthrough: 'passed through',
  renamed: 'renamed',
  transformed: 'transformed',
  'join-key': 'join key',
};

/**
 * The lineage of one column, drawn as a graph `levels` deep each way: the upstream columns it is
 * derived from (across models, seeds and sources) and the downstream columns derived from it, each
 * edge styled by its transform; plus every upstream column, at any depth, as a list.
 */
export function renderColumnLineage(index: SiteIndex, columns: ColumnLineageIndex, node: string, column: string, levels = DEFAULT_COLUMN_LEVELS): HTMLElement {
  const hood = columns.neighbourhood(node, column, levels, levels);
  const rootKey = hood.vertices[0].key;
  // Where the column ultimately comes from, at any depth: the upstream columns with no upstream.
  const everyUpstream = columns.neighbourhood(node, column, Infinity, 0);
  const derived = new Set(everyUpstream.links.map((l) => l.to));
  const roots = everyUpstream.vertices.filter((v) => v.key !== rootKey && !derived.has(v.key));
  const label = (id: string): string => index.byId.get(id)?.label ?? id;
  const sublabel = (v: { node: string }): string => `${index.byId.get(v.node)?.type ?? ''} ${label(v.node)}`;
  const BOX = { width: boxWidthFor(hood.vertices.map((v) => ({ label: v.column, sublabel: sublabel(v) })), 170, 380, 14 / 12), height: BOX_HEIGHT };
  const layout = layoutLeftToRight(hood.vertices.map((v) => v.key), hood.links, BOX.width, BOX.height);
  const drawn = hood.vertices.map((v) => ({
    id: v.key,
    label: v.column,
    sublabel: sublabel(v),
    x: layout.positions.get(v.key)!.x,
    y: layout.positions.get(v.key)!.y,
    className: `type-${index.byId.get(v.node)?.type ?? 'unknown'}${v.key === rootKey ? ' focused' : ''}`,
    title: `${label(v.node)}.${v.column}`,
    onClick: () => (location.hash = columnHref(v.node, v.column)),
  }));
  const links = hood.links.map((l) => ({ from: l.from, to: l.to, className: `t-${l.transform}`, points: layout.routes.get(`${l.from}\u0000${l.to}`) }));
  // Drawn at (nearly) full size so labels stay readable: a wide graph is panned, not shrunk.
  const graph = drawGraph(drawn, links, { ...BOX, drawingWidth: layout.width, drawingHeight: layout.height, minFitScale: 0.92, maxFitScale: 1, fontScale: 14 / 12, anchor: layout.positions.get(rootKey) });
  requestAnimationFrame(() => graph.fit());
  const graphHeight = Math.min(Math.max(layout.height + 8, 120), 640);
  const byKey = new Map(hood.vertices.map((v) => [v.key, v]));
  const drawnUpstream = upstreamKeys(hood.links, rootKey);
  const upstream = hood.links.filter((l) => drawnUpstream.has(l.to));
  return h(
    'section',
    { class: 'column-lineage', 'data-testid': 'column-lineage', 'data-column': column },
    h('h3', {}, 'Lineage of ', h('code', {}, column)),
    ...[...hood.modelLevel].map(([id, reason]) =>
      h('p', { class: 'notice', 'data-testid': 'model-level-notice' }, `Column lineage of ${label(id)} is not available (${reason}); only its model-level parents are known: `, ...(index.byId.get(id)?.parents ?? []).map((p) => h('a', { href: nodeHref(p), class: 'tag' }, label(p)))),
    ),
    h('div', { class: 'column-graph', style: `height: ${Math.round(graphHeight)}px` }, graph.svg),
    hood.truncated ? h('p', { class: 'muted', 'data-testid': 'column-levels' }, `Showing ${levels} levels each way. `, h('a', { href: columnHref(node, column, levels + 3) }, 'Show 3 more levels')) : null,
    h('div', { class: 'legend' }, ...Object.entries(DESCRIBE).map(([k, v]) => h('span', { class: `edge-key t-${k}` }, v))),
    h(
      'p',
      { 'data-testid': 'root-columns' },
      roots.length ? 'Ultimately derived from: ' : 'Derived from no upstream column (a constant or a row count).',
      ...roots.map((v) => h('a', { href: columnHref(v.node, v.column), class: 'tag', 'data-node': v.node, 'data-column': v.column }, `${label(v.node)}.${v.column}`)),
    ),
    h(
      'ul',
      { class: 'upstream-columns', 'data-testid': 'upstream-columns' },
      ...upstream.map((l) => {
        const from = byKey.get(l.from)!;
        const to = byKey.get(l.to)!;
        return h('li', { 'data-node': from.node, 'data-column': from.column }, h('a', { href: columnHref(from.node, from.column) }, `${label(from.node)}.${from.column}`), ` → ${label(to.node)}.${to.column} (${DESCRIBE[l.transform]})`);
      }),
    ),
  );
}


/** The root and every column upstream of it among the given links. */
function upstreamKeys(links: { from: string; to: string }[], root: string): Set<string> {
  const upstream = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of links) if (upstream.has(l.to) && !upstream.has(l.from)) (upstream.add(l.from), (grew = true));
  }
  return upstream;
}
