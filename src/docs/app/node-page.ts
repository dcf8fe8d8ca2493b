import hljs from 'highlight.js/lib/core';
import sql from 'highlight.js/lib/languages/sql';
import type { ColumnLineageIndex } from './column-lineage.js';
import { columnHref, renderColumnLineage } from './column-view.js';
import type { SiteNode, SiteTest } from './data.js';
import { h, nodeHref } from './dom.js';
import { graphHref } from './graph-view.js';
import type { SiteIndex } from './site-index.js';

hljs.registerLanguage('sql', sql);

function statusBadge(status: string | undefined): HTMLElement {
  return h('span', { class: `status status-${status ?? 'none'}` }, status ?? 'not run');
}

function testList(tests: SiteTest[]): HTMLElement | null {
  if (tests.length === 0) return null;
  return h('span', { class: 'tests' }, ...tests.map((t) => h('span', { class: `test status-${t.status ?? 'none'}`, title: t.message ?? t.id }, `${t.name}: ${t.status ?? 'not run'}`)));
}

/** Highlighted SQL by its text: re-opening a page (e.g. for another column) does not highlight again. */
const highlighted = new Map<string, string>();

function sqlBlock(title: string, code: string | undefined, testId: string): HTMLElement | null {
  if (code === undefined) return null;
  const pre = h('pre', {}, h('code', { class: 'hljs language-sql' }));
  let html = highlighted.get(code);
  if (html === undefined) highlighted.set(code, (html = hljs.highlight(code, { language: 'sql' }).value));
  // highlight.js escapes the code it returns, so its HTML is safe to insert.
  (pre.firstChild as HTMLElement).innerHTML = html;
  return h('details', { class: 'sql', open: testId === 'compiled-sql', 'data-testid': testId }, h('summary', {}, title), pre);
}

function nodeLinks(index: SiteIndex, ids: string[], testId: string): HTMLElement {
  if (ids.length === 0) return h('p', { class: 'muted', 'data-testid': testId }, 'none');
  return h('ul', { class: 'links', 'data-testid': testId }, ...ids.map((id) => h('li', {}, h('a', { href: nodeHref(id) }, index.byId.get(id)?.label ?? id), ` ${index.byId.get(id)?.type ?? ''}`)));
}

function columnsTable(node: SiteNode): HTMLElement {
  const lineage = node.lineage;
  return h(
    'table',
    { class: 'columns', 'data-testid': 'columns' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Description'), h('th', {}, 'Tests'), h('th', {}, 'Lineage'))),
    h(
      'tbody',
      {},
      ...node.columns.map((c) => {
        const edges = lineage?.columns[Object.keys(lineage.columns).find((k) => k.toLowerCase() === c.name.toLowerCase()) ?? ''];
        const kind = edges ? (edges.length === 0 ? 'computed' : [...new Set(edges.filter((e) => e[2] !== 'join-key').map((e) => e[2]))].join(', ') || 'join key') : '';
        return h(
          'tr',
          { 'data-column': c.name },
          h('td', {}, h('a', { href: columnHref(node.id, c.name), class: 'column-link', 'data-testid': `column-${c.name}` }, c.name)),
          h('td', { class: 'type' }, c.type ?? ''),
          h('td', {}, c.description ?? ''),
          h('td', {}, testList(c.tests)),
          h('td', { class: 'muted' }, kind),
        );
      }),
    ),
  );
}

function metaTable(node: SiteNode): HTMLElement {
  const row = (label: string, value: Node | string | undefined | null): HTMLElement | null => (value === undefined || value === null || value === '' ? null : h('tr', {}, h('th', {}, label), h('td', {}, value)));
  return h(
    'table',
    { class: 'meta', 'data-testid': 'node-meta' },
    row('Type', node.type),
    row('Materialization', node.materialized),
    row(node.type === 'source' && node.relation?.includes('/') ? 'Location' : 'Relation', node.relation ? h('code', {}, node.relation) : undefined),
    row('File', h('code', {}, node.path)),
    row('Tags', node.tags.length ? node.tags.join(', ') : undefined),
    row('Rows', node.rowCount === undefined ? undefined : node.rowCount.toLocaleString('en-US')),
    row('Last run', node.status ? statusBadge(node.status) : undefined),
  );
}

/**
 * A node's page: description, materialization, relation, tags, file, row count, columns (types,
 * descriptions, tests with their last status), node tests, upstream and downstream nodes, raw
 * and compiled SQL highlighted, and the lineage of the selected column.
 */
export function renderNodePage(index: SiteIndex, columns: ColumnLineageIndex, id: string, column?: string, levels?: number): HTMLElement {
  const node = index.byId.get(id);
  if (!node) return h('section', { class: 'page' }, h('h2', {}, 'Not found'), h('p', {}, `No node ${id} in this project.`));
  const lineageNote =
    node.lineage?.status === 'model-level'
      ? h('p', { class: 'notice', 'data-testid': 'model-level-notice' }, `Column lineage is not available for this model: ${node.lineage.reason}. Model-level lineage only (upstream nodes below).`)
      : null;
  return h(
    'section',
    { class: 'page node-page', 'data-testid': 'node-page', 'data-node': node.id },
    h('h2', {}, h('span', { class: `chip type-${node.type}` }, node.type), ' ', node.label),
    h('p', { class: 'description' }, node.description || h('span', { class: 'muted' }, 'No description.')),
    h('p', {}, h('a', { href: graphHref({ focus: node.id, up: 2, down: 2 }), class: 'button', 'data-testid': 'focus-link' }, 'Show in lineage graph')),
    metaTable(node),
    h('h3', {}, 'Columns'),
    lineageNote,
    node.columns.length ? columnsTable(node) : h('p', { class: 'muted' }, 'No columns known: build the project or document them in YAML.'),
    column ? renderColumnLineage(index, columns, node.id, column, levels) : node.type === 'model' && node.lineage?.status === 'analysed' ? h('p', { class: 'muted' }, 'Click a column to see its lineage.') : null,
    node.tests.length ? h('div', {}, h('h3', {}, 'Tests'), testList(node.tests)) : null,
    h('div', { class: 'two-col' }, h('div', {}, h('h3', {}, 'Upstream'), nodeLinks(index, node.parents, 'upstream')), h('div', {}, h('h3', {}, 'Downstream'), nodeLinks(index, index.children.get(node.id) ?? [], 'downstream'))),
    sqlBlock('Source SQL', node.rawSql, 'raw-sql'),
    sqlBlock('Compiled SQL', node.compiledSql, 'compiled-sql'),
  );
}
