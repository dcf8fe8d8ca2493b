import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, test as runTests } from '../../src/api/commands.js';
import { generateDocs } from '../../src/api/docs.js';
import { makeTempDir, readJson, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage, SCREENSHOTS } from './chromium.js';

const REPO = resolve(import.meta.dirname, '../..');


/** The example project at the repo root, copied so nothing is written into the repo. */
function copyExample(): string {
  const dir = makeTempDir();
  for (const folder of ['models', 'seeds', 'data-tests', 'macros']) cpSync(join(REPO, folder), join(dir, folder), { recursive: true });
  cpSync(join(REPO, 'dbt_project.yml'), join(dir, 'dbt_project.yml'));
  writeFileSync(join(dir, 'profiles.yml'), readFileSync(join(REPO, 'profiles.yml'), 'utf8').replace(/path: dops\.duckdb/, 'path: example.duckdb'));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('the docs site of the example project, in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let remoteRequests: string[];
  let errors: string[];
  let indexUrl: string;

  beforeAll(async () => {
    dir = copyExample();
    expect((await build({ projectDir: dir })).success).toBe(true);
    const outcome = await generateDocs({ projectDir: dir });
    indexUrl = pathToFileURL(outcome.indexPath).href;
    browser = await launchChromium();
    ({ page, remoteRequests, errors } = await offlinePage(browser));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    removeProjects();
  });

  it('draws every source, seed, snapshot and model in the lineage graph, from file:// with no network', async () => {
    await page.goto(`${indexUrl}#!/graph`);
    await page.waitForSelector('svg.graph g.node');
    const manifest = readJson(dir, 'target/manifest.json');
    const expected = [...Object.values<any>(manifest.nodes), ...Object.values<any>(manifest.sources)].filter((n) => n.resource_type !== 'test').map((n) => n.unique_id).sort();
    expect(expected).toEqual(expect.arrayContaining(['source.flights.lake.flights', 'seed.flights.airports', 'model.flights.stg_flights', 'model.flights.fact_flights']));
    const drawn = await page.$$eval('svg.graph g.node', (nodes) => nodes.map((n) => (n as SVGGElement).dataset.id).sort());
    expect(drawn).toEqual(expected);
    expect(await page.$$eval('svg.graph path.edge', (edges) => edges.length)).toBeGreaterThanOrEqual(11);
    expect(remoteRequests).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens fact_flights on click and lists its columns with their DuckDB types', async () => {
    await page.goto(`${indexUrl}#!/graph`);
    await page.click('svg.graph g.node[data-id="model.flights.fact_flights"]');
    await page.waitForSelector('[data-testid=node-page][data-node="model.flights.fact_flights"]');
    const rows = await page.$$eval('[data-testid=columns] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent?.trim())));
    const catalog = readJson(dir, 'target/catalog.json').nodes['model.flights.fact_flights'].columns;
    expect(rows).toEqual(Object.values<any>(catalog).map((c) => [c.name, c.type]));
    expect(rows).toContainEqual(['flight_id', 'BIGINT']);
    expect(rows).toContainEqual(['origin_airport_key', 'INTEGER']);
    expect(await page.textContent('[data-testid=node-meta]')).toContain('3,000,000');
    expect(await page.textContent('[data-testid=compiled-sql]')).toContain('"staging"."stg_flights"');
  });

  it('follows the lineage of origin_airport_key back to stg_flights and the flights source file', async () => {
    await page.click('[data-testid="column-origin_airport_key"]');
    await page.waitForSelector('[data-testid=column-lineage][data-column=origin_airport_key]');
    const upstream = await page.$$eval('[data-testid=upstream-columns] li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.node}.${(li as HTMLElement).dataset.column}`));
    expect(upstream).toContain('model.flights.stg_flights.origin_iata');
    expect(upstream).toContain('source.flights.lake.flights.origin');
    expect(upstream).toContain('model.flights.dim_airport.airport_key');
    const roots = await page.$$eval('[data-testid=root-columns] a', (links) => links.map((a) => `${(a as HTMLElement).dataset.node}.${(a as HTMLElement).dataset.column}`).sort());
    expect(roots).toEqual(['seed.flights.airports.iata', 'source.flights.lake.flights.origin']);
    const drawn = await page.$$eval('[data-testid=column-lineage] g.node', (nodes) => nodes.map((n) => (n as SVGGElement).dataset.id?.split('\u0000')[0]));
    expect(drawn).toEqual(expect.arrayContaining(['model.flights.stg_flights', 'source.flights.lake.flights', 'model.flights.fact_flights']));
    // The source's page names the file it reads.
    await page.click('[data-testid=upstream-columns] li[data-node="source.flights.lake.flights"] a');
    await page.waitForSelector('[data-testid=node-page][data-node="source.flights.lake.flights"]');
    expect(await page.textContent('[data-testid=node-meta]')).toContain('node_modules/vega-datasets/data/flights-3m.parquet');
    expect(errors).toEqual([]);
  });

  it('focuses a node with N levels up and down, and finds nodes by name', async () => {
    await page.goto(`${indexUrl}#!/graph?focus=model.flights.fact_flights&up=1&down=0`);
    await page.waitForSelector('svg.graph g.node.focused');
    const focused = await page.$$eval('svg.graph g.node', (nodes) => nodes.map((n) => (n as SVGGElement).dataset.id).sort());
    expect(focused).toEqual(['model.flights.dim_airport', 'model.flights.fact_flights', 'model.flights.stg_flights']);
    await page.fill('[data-testid=search]', 'mart_');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=search-results] li').length > 3);
    const hits = await page.$$eval('[data-testid=search-results] a', (links) => links.map((a) => a.textContent));
    const marts = Object.values<any>(readJson(dir, 'target/manifest.json').nodes).filter((n) => n.name.startsWith('mart_')).map((n) => n.name).sort();
    expect(marts.length).toBeGreaterThanOrEqual(2);
    // Names starting with the query rank first; tests on the marts follow.
    expect(hits.slice(0, marts.length).sort()).toEqual(marts);
    await page.click('[data-testid=search-results] a >> text=mart_daily_performance');
    await page.waitForSelector('[data-testid=node-page][data-node="model.flights.mart_daily_performance"]');
  });

  it('shows the project overview with counts and the last run’s test results', async () => {
    await page.goto(`${indexUrl}#!/overview`);
    const models = Object.values<any>(readJson(dir, 'target/manifest.json').nodes).filter((n) => n.resource_type === 'model').length;
    expect(await page.textContent('[data-testid=counts] [data-type=model]')).toBe(`${models}models`);
    const tests = readJson(dir, 'target/run_results.json').results.filter((r: { unique_id: string }) => r.unique_id.startsWith('test.'));
    const count = (status: string): number => tests.filter((r: { status: string }) => r.status === status).length;
    expect(count('warn')).toBe(2);
    expect(await page.textContent('[data-testid=test-results] [data-status=pass]')).toBe(`${count('pass')}pass`);
    expect(await page.textContent('[data-testid=test-results] [data-status=warn]')).toBe('2warn');
  });

  it('shows the project tree by folder and by schema in the sidebar, and marks the open page', async () => {
    await page.goto(`${indexUrl}#!/overview`);
    const models = await page.$$eval('[data-testid=tree-models] a.tree-leaf', (links) => links.map((a) => (a as HTMLElement).dataset.id));
    const manifest = readJson(dir, 'target/manifest.json');
    const modelIds = Object.values<any>(manifest.nodes).filter((n) => n.resource_type === 'model').map((n) => n.unique_id).sort();
    expect([...models].sort()).toEqual(modelIds);
    // Folders follow the files: models/core/fact_flights.sql sits under core.
    expect(await page.$eval('[data-testid=tree-models] details[data-folder=core]', (d) => [...d.querySelectorAll('a.tree-leaf')].map((a) => a.textContent))).toContain('fact_flights');
    expect(await page.textContent('[data-testid=tree-sources]')).toContain('lake.flights');
    await page.click('[data-testid=tab-database]');
    const schemas = await page.$$eval('[data-testid=tree-database] > details', (ds) => ds.map((d) => (d as HTMLElement).dataset.folder));
    expect(schemas).toEqual(expect.arrayContaining(['core', 'marts', 'staging', 'raw']));
    expect(await page.$eval('[data-testid=tree-database] details[data-folder=marts]', (d) => d.textContent)).toContain('mart_daily_performance');
    await page.click('[data-testid=tree-database] details[data-folder=core] a.tree-leaf[data-id="model.flights.dim_airport"]');
    await page.waitForSelector('[data-testid=node-page][data-node="model.flights.dim_airport"]');
    expect(await page.$$eval('a.tree-leaf.current', (links) => links.map((a) => (a as HTMLElement).dataset.id))).toContain('model.flights.dim_airport');
    await page.screenshot({ path: join(SCREENSHOTS, 'tree-and-model-page.png') });
  });

  it('searches descriptions, columns and SQL, ranked, with the keyboard', async () => {
    await page.goto(`${indexUrl}#!/overview`);
    // "Surrogate" appears only in descriptions (stg_flights' flight_id, dim_airport's airport_key).
    await page.fill('[data-testid=search]', 'Surrogate');
    // The full-text index is built in the background after load; the results refresh when it is ready.
    await page.waitForSelector('[data-testid=search-results] li[data-id="model.flights.dim_airport"]');
    const surrogate = await page.$$eval('[data-testid=search-results] li', (lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(surrogate).toEqual(expect.arrayContaining(['model.flights.stg_flights', 'model.flights.dim_airport']));
    await page.screenshot({ path: join(SCREENSHOTS, 'search-description-word.png') });
    // "delay": the source's column, models computing delays in SQL and their columns.
    await page.fill('[data-testid=search]', 'delay');
    await page.waitForSelector('[data-testid=search-results] li[data-id="model.flights.fact_flights"]');
    const delay = await page.$$eval('[data-testid=search-results] li', (lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(delay).toEqual(expect.arrayContaining(['source.flights.lake.flights', 'model.flights.stg_flights', 'model.flights.fact_flights']));
    await page.screenshot({ path: join(SCREENSHOTS, 'search-delay.png') });
    // Arrow down twice, up once: the first result is active; Enter opens it and closes the list.
    await page.press('[data-testid=search]', 'ArrowDown');
    await page.press('[data-testid=search]', 'ArrowDown');
    await page.press('[data-testid=search]', 'ArrowUp');
    expect(await page.$eval('[data-testid=search-results] li.active', (li) => (li as HTMLElement).dataset.id)).toBe(delay[0]);
    await page.press('[data-testid=search]', 'Enter');
    await page.waitForSelector(`[data-testid=node-page][data-node="${delay[0]}"]`);
    expect(await page.$$('[data-testid=search-results] li')).toHaveLength(0);
    expect(await page.isHidden('[data-testid=search-results]')).toBe(true);
    // Escape closes it too; clicking a result closes it.
    await page.fill('[data-testid=search]', 'airport');
    await page.press('[data-testid=search]', 'Escape');
    expect(await page.isHidden('[data-testid=search-results]')).toBe(true);
    await page.fill('[data-testid=search]', 'dim_date');
    await page.click('[data-testid=search-results] li[data-id="model.flights.dim_date"] a');
    await page.waitForSelector('[data-testid=node-page][data-node="model.flights.dim_date"]');
    expect(await page.isHidden('[data-testid=search-results]')).toBe(true);
  });

  it('opens a test’s page from a column: its SQL, the model and column tested, last status and failures', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.flights.fact_flights')}`);
    await page.click('tr[data-column=flight_id] a.test >> text=/^unique/');
    await page.waitForSelector('[data-testid=node-page] [data-testid=tested-node]');
    expect(await page.textContent('[data-testid=tested-node]')).toBe('fact_flights');
    expect(await page.textContent('[data-testid=tested-column]')).toBe('flight_id');
    expect(await page.textContent('[data-testid=test-status]')).toContain('pass');
    expect(await page.textContent('[data-testid=test-failures]')).toBe('0');
    expect(await page.textContent('[data-testid=compiled-sql]')).toContain('"core"."fact_flights"');
    await page.screenshot({ path: join(SCREENSHOTS, 'test-page.png') });
    // The warning test's page shows its failing rows count.
    const warned = readJson(dir, 'target/run_results.json').results.find((r: { status: string }) => r.status === 'warn');
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent(warned.unique_id)}`);
    expect(await page.textContent('[data-testid=test-status]')).toContain('warn');
    expect(await page.textContent('[data-testid=test-failures]')).toBe(String(warned.failures));
  });

  it('shows a data preview and column profiles of a table, with when they were taken', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.flights.dim_airport')}`);
    await page.waitForSelector('[data-testid=profile]');
    expect(await page.textContent('[data-testid=data-taken]')).toMatch(/taken at \d{4}-\d\d-\d\dT/);
    const profile = await page.$$eval('[data-testid=profile] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const iata = profile.find((row) => row[0] === 'iata')!;
    // airport_key and iata are unique and not null (their tests pass): 0 % nulls, ~3,376 distinct values.
    expect(iata[1]).toBe('0');
    expect(Number(iata[2]!.replace(/,/g, ''))).toBeGreaterThan(3000);
    expect(iata[3]! <= iata[4]!).toBe(true);
    await (await page.$('[data-testid=profile]'))!.screenshot({ path: join(SCREENSHOTS, 'profile.png') });
    const rows = await page.$$eval('[data-testid=preview] tbody tr', (trs) => trs.length);
    expect(rows).toBe(10);
    await page.screenshot({ path: join(SCREENSHOTS, 'data-preview.png'), fullPage: true });
  });

  it('draws arrowheads and full names on hover, and fits the graph again when the window narrows to 800 px', async () => {
    await page.goto(`${indexUrl}#!/graph`);
    await page.waitForSelector('svg.graph g.node');
    expect(await page.$$eval('svg.graph path.edge', (edges) => edges.every((e) => /^url\(#arrow-\d+\)$/.test(e.getAttribute('marker-end') ?? '')))).toBe(true);
    expect(await page.$$('svg.graph marker path')).toHaveLength(1);
    const title = await page.$eval('svg.graph g.node[data-id="model.flights.fact_flights"] title', (t) => t.textContent);
    expect(title).toContain('core.fact_flights');
    expect(title).toContain('incremental');
    const fits = async (): Promise<boolean> =>
      page.$eval('svg.graph', (svg) => {
        const box = svg.getBoundingClientRect();
        const drawn = svg.querySelector('g.viewport')!.getBoundingClientRect();
        return drawn.left >= box.left - 1 && drawn.right <= box.right + 1 && drawn.width > 0;
      });
    await page.waitForFunction(() => document.querySelector('svg.graph g.viewport')?.getAttribute('transform'));
    expect(await fits()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-1400.png') });
    await page.setViewportSize({ width: 800, height: 700 });
    await page.waitForFunction(() => {
      const svg = document.querySelector('svg.graph')!;
      return svg.querySelector('g.viewport')!.getBoundingClientRect().right <= svg.getBoundingClientRect().right + 1;
    });
    expect(await fits()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'graph-800.png') });
    await page.setViewportSize({ width: 1400, height: 900 });
    // Keyboard: nodes are focusable links; Enter opens the node's page.
    await page.focus('svg.graph g.node[data-id="model.flights.dim_date"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=node-page][data-node="model.flights.dim_date"]');
  });

  it('draws a column’s lineage at full size with labels of at least 12 px, in a box sized to it', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.flights.fact_flights')}?column=origin_airport_key`);
    await page.waitForSelector('[data-testid=column-lineage] g.node');
    await page.waitForFunction(() => document.querySelector('[data-testid=column-lineage] g.viewport')?.getAttribute('transform'));
    const scale = await page.$eval('[data-testid=column-lineage] g.viewport', (g) => Number(/scale\(([\d.]+)/.exec(g.getAttribute('transform') ?? '')?.[1] ?? 1));
    expect(scale).toBeGreaterThanOrEqual(0.9);
    const sizes = await page.$$eval('[data-testid=column-lineage] g.node text', (texts) => texts.map((t) => (t as SVGTextElement).getBoundingClientRect().height));
    // Rendered glyph boxes of 12 px text are at least ~12 px high.
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12 * 0.9 * 0.95);
    const fontSizes = await page.$$eval('[data-testid=column-lineage] g.node text', (texts) => texts.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    expect(Math.min(...fontSizes)).toBeGreaterThanOrEqual(12);
    // Labels are not cut: no ellipsis in the boxes.
    expect(await page.$$eval('[data-testid=column-lineage] g.node text', (texts) => texts.some((t) => t.textContent?.includes('…')))).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'column-lineage.png'), fullPage: true });
  });

  it('keeps every test’s latest result after a partial run, and counts them all on the overview', async () => {
    const testCount = Object.values<any>(readJson(dir, 'target/manifest.json').nodes).filter((n) => n.resource_type === 'test').length;
    expect((await runTests({ projectDir: dir, select: ['dim_date'] })).success).toBe(true);
    const lastRun = readJson(dir, 'target/run_results.json').results;
    expect(lastRun.length).toBeLessThan(testCount / 2);
    const history = readJson(dir, 'target/dops_results_history.json').results;
    expect(Object.keys(history).filter((id) => id.startsWith('test.'))).toHaveLength(testCount);
    await generateDocs({ projectDir: dir, data: false });
    await page.goto(`${indexUrl}#!/overview`);
    await page.reload();
    const cards = await page.$$eval('[data-testid=test-results] [data-status]', (cs) => Object.fromEntries(cs.map((c) => [(c as HTMLElement).dataset.status, Number(c.querySelector('strong')!.textContent)])));
    expect(cards['not run']).toBeUndefined();
    expect(Object.values(cards).reduce((a, b) => a + b, 0)).toBe(testCount);
    expect(cards.warn).toBe(2);
    // A test outside the partial run still shows its status.
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.flights.fact_flights')}`);
    expect(await page.$$eval('tr[data-column=flight_id] a.test', (links) => links.map((a) => a.textContent))).toEqual(expect.arrayContaining(['unique: pass', 'not_null: pass']));
    // --no-data: no preview, and the page says why.
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.flights.dim_airport')}`);
    expect(await page.$$('[data-testid=profile]')).toHaveLength(0);
    expect(await page.textContent('[data-testid=data-preview]')).toContain('--no-data');
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
