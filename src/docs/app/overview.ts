import { h, nodeHref } from './dom.js';
import { markdown } from './markdown.js';
import type { SiteIndex } from './site-index.js';

const ORDER = ['source', 'seed', 'model', 'snapshot', 'test', 'unit_test', 'exposure'];

/**
 * The home page: the project's `__overview__` doc block when it has one (markdown), then counts by
 * resource type and every test's latest status across runs (failures and warnings listed).
 */
export function renderOverview(index: SiteIndex): HTMLElement {
  const { data } = index;
  const types = Object.keys(data.counts).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  // Failing data tests and unit tests are listed (a unit test's message: its first line).
  const tests = data.pages.filter((p) => p.type === 'test' || p.type === 'unit_test');
  const failing = tests.filter((t) => t.status && t.status !== 'pass' && t.status !== 'success');
  const results = Object.entries(data.testResults).sort(([a], [b]) => ['pass', 'warn', 'fail', 'error', 'skipped', 'not run'].indexOf(a) - ['pass', 'warn', 'fail', 'error', 'skipped', 'not run'].indexOf(b));
  const overview = data.docs.__overview__;
  return h(
    'section',
    { class: 'page overview', 'data-testid': 'overview' },
    overview ? markdown(overview, { 'data-testid': 'overview-doc' }) : h('h2', {}, `Project ${data.project}`),
    overview ? h('h3', {}, `Project ${data.project}`) : null,
    h('p', { class: 'muted' }, `Generated ${data.generatedAt}. ${data.built ? 'Column types and row counts read from the database.' : 'Not built yet: columns come from YAML and lineage only.'}`),
    h('div', { class: 'cards', 'data-testid': 'counts' }, ...types.map((t) => h('div', { class: `card type-${t}`, 'data-type': t }, h('strong', {}, data.counts[t]), h('span', {}, `${t.replace('_', ' ')}${data.counts[t] === 1 ? '' : 's'}`)))),
    h('h3', {}, 'Tests, latest result of each'),
    results.length
      ? h('div', { class: 'cards', 'data-testid': 'test-results' }, ...results.map(([status, count]) => h('div', { class: `card status-${status.replace(' ', '-')}`, 'data-status': status }, h('strong', {}, count), h('span', {}, status))))
      : h('p', { class: 'muted', 'data-testid': 'test-results' }, 'No tests have run yet (dops build or dops test).'),
    data.lastRunAt ? h('p', { class: 'muted' }, `Latest result recorded at ${data.lastRunAt}; each test shows the last run that included it.`) : null,
    failing.length
      ? h(
          'ul',
          { class: 'links', 'data-testid': 'failing-tests' },
          ...failing.map((t) => h('li', {}, h('span', { class: `status status-${t.status}` }, t.status ?? ''), ' ', h('a', { href: nodeHref(t.id) }, t.name), t.testOf ? [' on ', h('a', { href: nodeHref(t.testOf) }, index.byId.get(t.testOf)?.label ?? t.testOf)] : null, t.message ? `: ${t.message.split('\n')[0]}` : '')),
        )
      : null,
  );
}
