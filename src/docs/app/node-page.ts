import hljs from 'highlight.js/lib/core';
import sql from 'highlight.js/lib/languages/sql';
import type { ColumnLineageIndex } from './column-lineage.js';
import { columnHref, renderColumnLineage } from './column-view.js';
import type { SiteDataSample, SiteNode, SiteTest, SiteUnitRows } from './data.js';
import { h, nodeHref } from './dom.js';
import { graphHref } from './graph-view.js';
import { markdown } from './markdown.js';
import type { SiteIndex } from './site-index.js';

hljs.registerLanguage('sql', sql);

function statusBadge(status: string | undefined): HTMLElement {
  return h('span', { class: `status status-${status ?? 'none'}` }, status ?? 'not run');
}

function testList(tests: SiteTest[]): HTMLElement | null {
  if (tests.length === 0) return null;
  return h('span', { class: 'tests' }, ...tests.map((t) => h('a', { href: nodeHref(t.id), class: `test status-${t.status ?? 'none'}`, title: t.message ?? t.id }, `${t.name}: ${t.status ?? 'not run'}`)));
}

/** Highlighted SQL by its text: re-opening a page (e.g. for another column) does not highlight again. */
const highlighted = new Map<string, string>();

function sqlBlock(title: string, code: string | undefined, testId: string, open = testId === 'compiled-sql'): HTMLElement | null {
  if (code === undefined) return null;
  const pre = h('pre', {}, h('code', { class: 'hljs language-sql' }));
  let html = highlighted.get(code);
  if (html === undefined) highlighted.set(code, (html = hljs.highlight(code, { language: 'sql' }).value));
  // highlight.js escapes the code it returns, so its HTML is safe to insert.
  (pre.firstChild as HTMLElement).innerHTML = html;
  return h('details', { class: 'sql', open, 'data-testid': testId }, h('summary', {}, title), pre);
}

function nodeLinks(index: SiteIndex, ids: string[], testId: string): HTMLElement {
  if (ids.length === 0) return h('p', { class: 'muted', 'data-testid': testId }, 'none');
  return h('ul', { class: 'links', 'data-testid': testId }, ...ids.map((id) => h('li', {}, h('a', { href: nodeHref(id) }, index.byId.get(id)?.label ?? id), ` ${index.byId.get(id)?.type ?? ''}`)));
}

function columnsTable(node: SiteNode): HTMLElement {
  const lineage = node.lineage;
  const constrained = node.contract === true || node.columns.some((c) => c.constraints?.length);
  return h(
    'table',
    { class: 'columns', 'data-testid': 'columns' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Description'), constrained ? h('th', {}, 'Constraints') : null, h('th', {}, 'Tests'), h('th', {}, 'Lineage'))),
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
          h('td', {}, markdown(c.description, { class: 'column-description' })),
          constrained ? h('td', { class: 'constraints', 'data-testid': `constraints-${c.name}` }, (c.constraints ?? []).join(', ')) : null,
          h('td', {}, testList(c.tests)),
          h('td', { class: 'muted' }, kind),
        );
      }),
    ),
  );
}

/** Links to every version of a versioned model, the open one marked, the latest labelled. */
function versionLinks(index: SiteIndex, node: SiteNode): HTMLElement {
  const versions = index.data.nodes.filter((n) => n.type === 'model' && n.name === node.name && n.version !== undefined).sort((a, b) => String(a.version).localeCompare(String(b.version), 'en', { numeric: true }));
  const label = (n: SiteNode): string => `v${n.version}${String(n.version) === String(n.latestVersion) ? ' (latest)' : ''}`;
  const links = versions.map((n) => (n.id === node.id ? h('strong', {}, label(n)) : h('a', { href: nodeHref(n.id) }, label(n))));
  return h('span', { 'data-testid': 'versions' }, ...links.flatMap((link, i) => (i ? [', ', link] : [link])));
}

function metaTable(index: SiteIndex, node: SiteNode): HTMLElement {
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
    row('Version', node.version === undefined ? undefined : versionLinks(index, node)),
    row('Contract', node.contract ? h('span', { 'data-testid': 'contract' }, 'enforced: the build checks the column names and data types below before it runs') : undefined),
    row('Constraints', node.constraints?.length ? h('span', { 'data-testid': 'model-constraints' }, node.constraints.join('; ')) : undefined),
    row('Group', node.group),
    row('Access', node.access),
    row('Last run', node.status ? h('span', {}, statusBadge(node.status), node.statusAt ? h('span', { class: 'muted' }, ` ${node.statusAt}`) : null) : undefined),
  );
}

function formatNumber(value: number | undefined, digits = 0): string {
  return value === undefined || Number.isNaN(value) ? '' : value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function cell(value: string | null): HTMLElement {
  return value === null ? h('td', { class: 'null' }, 'NULL') : h('td', { title: value }, value);
}

/** The data preview and column profiles `docs generate` took, with when. */
function dataSection(node: SiteNode, note?: string): HTMLElement | null {
  const sample: SiteDataSample | undefined = node.sample;
  if (!sample) return note && ['model', 'seed', 'snapshot'].includes(node.type) ? h('div', { 'data-testid': 'data-preview' }, h('h3', {}, 'Data'), h('p', { class: 'muted' }, note)) : null;
  const taken = h('p', { class: 'muted', 'data-testid': 'data-taken' }, `Sample and profile taken at ${sample.takenAt} by dops docs generate; the table may have changed since.`);
  if (sample.skipped) return h('div', { 'data-testid': 'data-preview' }, h('h3', {}, 'Data'), h('p', { class: 'muted' }, `No data shown: ${sample.skipped}.`));
  const hidden = sample.hidden.length ? h('p', { class: 'muted', 'data-testid': 'data-hidden' }, `Not shown (sensitive or docs.show_data: false): ${sample.hidden.join(', ')}.`) : null;
  const profiles = new Map(sample.profiles.map((p) => [p.column.toLowerCase(), p]));
  return h(
    'div',
    { 'data-testid': 'data-preview' },
    h('h3', {}, 'Column profiles'),
    taken,
    h(
      'table',
      { class: 'columns profile', 'data-testid': 'profile' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Null %'), h('th', {}, 'Distinct (approx.)'), h('th', {}, 'Min'), h('th', {}, 'Max'))),
      h(
        'tbody',
        {},
        ...sample.columns.map((c) => {
          const p = profiles.get(c.toLowerCase());
          return h('tr', { 'data-column': c }, h('td', {}, c), h('td', { class: 'num' }, formatNumber(p?.nullPercent, 2)), h('td', { class: 'num' }, formatNumber(p?.distinct)), cell(p?.min ?? null), cell(p?.max ?? null));
        }),
      ),
    ),
    hidden,
    h('h3', {}, `Data preview (${sample.rows.length} rows)`),
    sample.columns.length
      ? h(
          'div',
          { class: 'scroll-x' },
          h('table', { class: 'columns preview', 'data-testid': 'preview' }, h('thead', {}, h('tr', {}, ...sample.columns.map((c) => h('th', {}, c)))), h('tbody', {}, ...sample.rows.map((row) => h('tr', {}, ...row.map(cell))))),
        )
      : h('p', { class: 'muted' }, 'No column can be shown.'),
  );
}

function testPage(index: SiteIndex, node: SiteNode): HTMLElement {
  const tested = node.testOf ? index.byId.get(node.testOf) : undefined;
  const row = (label: string, value: Node | string | undefined | null): HTMLElement | null => (value === undefined || value === null || value === '' ? null : h('tr', {}, h('th', {}, label), h('td', {}, value)));
  return h(
    'section',
    { class: 'page node-page test-page', 'data-testid': 'node-page', 'data-node': node.id },
    h('h2', {}, h('span', { class: 'chip type-test' }, node.type === 'unit_test' ? 'unit test' : 'test'), ' ', node.name),
    markdown(node.description, { class: 'description' }),
    h(
      'table',
      { class: 'meta', 'data-testid': 'node-meta' },
      row('Tests', tested ? h('a', { href: nodeHref(tested.id), 'data-testid': 'tested-node' }, tested.label) : node.testOf),
      row('Column', node.testColumn ? (tested ? h('a', { href: columnHref(tested.id, node.testColumn), 'data-testid': 'tested-column' }, node.testColumn) : node.testColumn) : undefined),
      row('Last status', h('span', { 'data-testid': 'test-status' }, statusBadge(node.status), node.statusAt ? h('span', { class: 'muted' }, ` at ${node.statusAt}`) : null)),
      row('Failures', node.failures === undefined || node.failures === null ? undefined : h('span', { 'data-testid': 'test-failures' }, String(node.failures))),
      row('Message', node.message && node.status !== 'pass' ? node.message : undefined),
      row('Tags', node.tags.length ? node.tags.join(', ') : undefined),
      row('File', h('code', {}, node.path)),
    ),
    sqlBlock('Compiled SQL (returns the failing rows)', node.compiledSql, 'compiled-sql'),
    sqlBlock('Source SQL', node.rawSql, 'raw-sql'),
  );
}

/** A unit test's input or expected rows: a table of the rows (or the SQL that gives them). */
function unitRowsBlock(index: SiteIndex, rows: SiteUnitRows, testId: string): HTMLElement {
  const from = rows.fixture ? h('p', { class: 'muted' }, `From ${rows.fixture} (${rows.format}).`) : null;
  if (rows.format === 'sql') return h('div', { 'data-testid': testId }, from, sqlBlock('SQL giving the rows', rows.sql ?? '', `${testId}-sql`, true));
  const table = rows.columns.length
    ? h(
        'div',
        { class: 'scroll-x' },
        h('table', { class: 'columns preview unit-rows' }, h('thead', {}, h('tr', {}, ...rows.columns.map((c) => h('th', {}, c)))), h('tbody', {}, ...rows.rows.map((row) => h('tr', {}, ...row.map(cell))))),
      )
    : h('p', { class: 'muted' }, 'No rows.');
  return h('div', { 'data-testid': testId }, from, table, rows.more ? h('p', { class: 'muted' }, `and ${rows.more.toLocaleString('en-US')} more rows.`) : null);
}

/** A unit test's page: the model tested, the rows given for each input, the rows expected, overrides, last status. */
function unitTestPage(index: SiteIndex, node: SiteNode): HTMLElement {
  const tested = node.testOf ? index.byId.get(node.testOf) : undefined;
  const unit = node.unitTest;
  const row = (label: string, value: Node | string | undefined | null): HTMLElement | null => (value === undefined || value === null || value === '' ? null : h('tr', {}, h('th', {}, label), h('td', {}, value)));
  const inputTitle = (given: SiteUnitRows): HTMLElement => {
    const target = given.node ? index.byId.get(given.node) : undefined;
    return h('h4', {}, h('code', {}, given.input ?? ''), target ? h('span', { class: 'muted' }, ' stands for ', h('a', { href: nodeHref(target.id) }, target.label)) : null);
  };
  return h(
    'section',
    { class: 'page node-page test-page unit-test-page', 'data-testid': 'node-page', 'data-node': node.id },
    h('h2', {}, h('span', { class: 'chip type-test' }, 'unit test'), ' ', node.name),
    markdown(node.description, { class: 'description', 'data-testid': 'description' }),
    h(
      'table',
      { class: 'meta', 'data-testid': 'node-meta' },
      row('Tests model', tested ? h('a', { href: nodeHref(tested.id), 'data-testid': 'tested-node' }, tested.label) : node.testOf),
      row('Last status', h('span', { 'data-testid': 'test-status' }, statusBadge(node.status), node.statusAt ? h('span', { class: 'muted' }, ` at ${node.statusAt}`) : null)),
      row('Failures', node.failures === undefined || node.failures === null ? undefined : h('span', { 'data-testid': 'test-failures' }, String(node.failures))),
      row('Message', node.message && node.status !== 'pass' ? h('pre', { class: 'message', 'data-testid': 'test-message' }, node.message) : undefined),
      row('Tags', node.tags.length ? node.tags.join(', ') : undefined),
      row('File', h('code', {}, node.path)),
    ),
    h('p', { class: 'muted' }, 'dops runs the model’s SQL on the rows given for its inputs and compares the result with the rows expected.'),
    unit
      ? [
          h('h3', {}, 'Given'),
          ...unit.given.flatMap((given, i) => [inputTitle(given), unitRowsBlock(index, given, `given-${i}`)]),
          h('h3', {}, 'Expect'),
          unitRowsBlock(index, unit.expect, 'expect'),
          unit.overrides.length ? h('div', {}, h('h3', {}, 'Overrides'), h('ul', { 'data-testid': 'overrides' }, ...unit.overrides.map((o) => h('li', {}, h('code', {}, o))))) : null,
        ]
      : null,
  );
}

function exposurePage(index: SiteIndex, node: SiteNode): HTMLElement {
  const e = node.exposure ?? {};
  const row = (label: string, value: Node | string | undefined | null): HTMLElement | null => (value === undefined || value === null || value === '' ? null : h('tr', {}, h('th', {}, label), h('td', {}, value)));
  return h(
    'section',
    { class: 'page node-page', 'data-testid': 'node-page', 'data-node': node.id },
    h('h2', {}, h('span', { class: 'chip type-exposure' }, 'exposure'), ' ', node.label),
    markdown(node.description, { class: 'description' }, 'No description.'),
    h('table', { class: 'meta', 'data-testid': 'node-meta' }, row('Type', e.type), row('Owner', e.owner), row('Maturity', e.maturity), row('URL', e.url ? h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.url) : undefined), row('File', node.path ? h('code', {}, node.path) : undefined)),
    h('h3', {}, 'Depends on'),
    nodeLinks(index, node.parents, 'upstream'),
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
  if (node.type === 'unit_test') return unitTestPage(index, node);
  if (node.type === 'test') return testPage(index, node);
  if (node.type === 'exposure') return exposurePage(index, node);
  const lineageNote =
    node.lineage?.status === 'model-level'
      ? h('p', { class: 'notice', 'data-testid': 'model-level-notice' }, `Column lineage is not available for this model: ${node.lineage.reason}. Model-level lineage only (upstream nodes below).`)
      : null;
  return h(
    'section',
    { class: 'page node-page', 'data-testid': 'node-page', 'data-node': node.id },
    h('h2', {}, h('span', { class: `chip type-${node.type}` }, node.type), ' ', node.label),
    markdown(node.description, { class: 'description', 'data-testid': 'description' }, 'No description.'),
    h('p', {}, h('a', { href: graphHref({ focus: node.id, up: 2, down: 2 }), class: 'button', 'data-testid': 'focus-link' }, 'Show in lineage graph')),
    metaTable(index, node),
    h('h3', {}, 'Columns'),
    lineageNote,
    node.columns.length ? columnsTable(node) : h('p', { class: 'muted' }, 'No columns known: build the project or document them in YAML.'),
    column ? renderColumnLineage(index, columns, node.id, column, levels) : node.type === 'model' && node.lineage?.status === 'analysed' ? h('p', { class: 'muted' }, 'Click a column to see its lineage.') : null,
    node.tests.length ? h('div', {}, h('h3', {}, 'Tests'), testList(node.tests)) : null,
    dataSection(node, index.data.dataNote),
    h('div', { class: 'two-col' }, h('div', {}, h('h3', {}, 'Upstream'), nodeLinks(index, node.parents, 'upstream')), h('div', {}, h('h3', {}, 'Downstream'), nodeLinks(index, index.children.get(node.id) ?? [], 'downstream'))),
    sqlBlock('Source SQL', node.rawSql, 'raw-sql'),
    sqlBlock('Compiled SQL', node.compiledSql, 'compiled-sql'),
  );
}
