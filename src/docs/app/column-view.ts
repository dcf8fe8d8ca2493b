import { ColumnLineageIndex } from './column-lineage.js';
import { h, nodeHref } from './dom.js';
import type { SiteIndex } from './site-index.js';
import { drawGraph, layoutLeftToRight } from './svg-graph.js';

const BOX = { width: 230, height: 36 };

/** The route of a node page with one column's lineage open. */
export function columnHref(node: string, column: string): string {
  return `${nodeHref(node)}?column=${encodeURIComponent(column)}`;
}

const DESCRIBE: Record<string, string> = {
  passthrough: 'passed through',
  renamed: 'renamed',
  transformed: 'transformed',
  'join-key': 'join key',
};

/**
 * The lineage of one column, drawn as a graph: the upstream columns it is derived from (across
 * models, seeds and sources) and the downstream columns derived from it, each edge styled by its
 * transform; plus the same upstream list as text.
 */
export function renderColumnLineage(index: SiteIndex, columns: ColumnLineageIndex, node: string, column: string): HTMLElement {
  const hood = columns.neighbourhood(node, column);
  const rootKey = hood.vertices[0].key;
  const label = (id: string): string => index.byId.get(id)?.label ?? id;
  const layout = layoutLeftToRight(hood.vertices.map((v) => v.key), hood.links, BOX.width, BOX.height);
  const drawn = hood.vertices.map((v) => ({
    id: v.key,
    label: v.column,
    sublabel: `${index.byId.get(v.node)?.type ?? ''} ${label(v.node)}`,
    x: layout.positions.get(v.key)!.x,
    y: layout.positions.get(v.key)!.y,
    className: `type-${index.byId.get(v.node)?.type ?? 'unknown'}${v.key === rootKey ? ' focused' : ''}`,
    title: `${label(v.node)}.${v.column}`,
    onClick: () => (location.hash = columnHref(v.node, v.column)),
  }));
  const graph = drawGraph(drawn, hood.links.map((l) => ({ from: l.from, to: l.to, className: `t-${l.transform}` })), { ...BOX, drawingWidth: layout.width, drawingHeight: layout.height });
  requestAnimationFrame(() => graph.fit());
  const byKey = new Map(hood.vertices.map((v) => [v.key, v]));
  const above = upstreamKeys(hood.links, rootKey);
  const upstream = hood.links.filter((l) => above.has(l.to) && above.has(l.from));
  return h(
    'section',
    { class: 'column-lineage', 'data-testid': 'column-lineage', 'data-column': column },
    h('h3', {}, 'Lineage of ', h('code', {}, column)),
    ...[...hood.modelLevel].map(([id, reason]) =>
      h('p', { class: 'notice', 'data-testid': 'model-level-notice' }, `Column lineage of ${label(id)} is not available (${reason}); only its model-level parents are known: `, ...(index.byId.get(id)?.parents ?? []).map((p) => h('a', { href: nodeHref(p), class: 'tag' }, label(p)))),
    ),
    h('div', { class: 'column-graph' }, graph.svg),
    h('div', { class: 'legend' }, ...Object.entries(DESCRIBE).map(([k, v]) => h('span', { class: `edge-key t-${k}` }, v))),
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

/** The root and every column upstream of it. */
function upstreamKeys(links: { from: string; to: string }[], root: string): Set<string> {
  const upstream = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const l of links) if (upstream.has(l.to) && !upstream.has(l.from)) (upstream.add(l.from), (grew = true));
  }
  return upstream;
}
