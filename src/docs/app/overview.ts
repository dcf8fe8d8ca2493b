import { h, nodeHref } from './dom.js';
import type { SiteIndex } from './site-index.js';

const ORDER = ['source', 'seed', 'model', 'snapshot', 'test'];

/** The project overview: counts by resource type and the last run's test results (failures listed). */
export function renderOverview(index: SiteIndex): HTMLElement {
  const { data } = index;
  const types = Object.keys(data.counts).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  const failing = data.nodes.flatMap((n) => [...n.tests, ...n.columns.flatMap((c) => c.tests)].filter((t) => t.status && t.status !== 'pass').map((t) => ({ node: n, test: t })));
  const unique = [...new Map(failing.map((f) => [f.test.id, f])).values()];
  const results = Object.entries(data.testResults);
  return h(
    'section',
    { class: 'page overview', 'data-testid': 'overview' },
    h('h2', {}, `Project ${data.project}`),
    h('p', { class: 'muted' }, `Generated ${data.generatedAt}. ${data.built ? 'Column types and row counts read from the database.' : 'Not built yet: columns come from YAML and lineage only.'}`),
    h('div', { class: 'cards', 'data-testid': 'counts' }, ...types.map((t) => h('div', { class: `card type-${t}`, 'data-type': t }, h('strong', {}, data.counts[t]), h('span', {}, `${t}${data.counts[t] === 1 ? '' : 's'}`)))),
    h('h3', {}, 'Last run’s tests'),
    results.length
      ? h('div', { class: 'cards', 'data-testid': 'test-results' }, ...results.map(([status, count]) => h('div', { class: `card status-${status}`, 'data-status': status }, h('strong', {}, count), h('span', {}, status))))
      : h('p', { class: 'muted', 'data-testid': 'test-results' }, 'No tests have run yet (dops build or dops test).'),
    data.lastRunAt ? h('p', { class: 'muted' }, `Run at ${data.lastRunAt}.`) : null,
    unique.length
      ? h('ul', { class: 'links' }, ...unique.map(({ node, test }) => h('li', {}, h('span', { class: `status status-${test.status}` }, test.status ?? ''), ' ', h('a', { href: nodeHref(node.id) }, node.label), ` ${test.name}${test.column ? ` (${test.column})` : ''}: ${test.message ?? ''}`)))
      : null,
  );
}
