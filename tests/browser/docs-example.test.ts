import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/api/commands.js';
import { generateDocs } from '../../src/api/docs.js';
import { makeTempDir, readJson, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage } from './chromium.js';

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
    const hits = await page.$$eval('[data-testid=search-results] a', (links) => links.map((a) => a.textContent));
    const marts = Object.values<any>(readJson(dir, 'target/manifest.json').nodes).filter((n) => n.name.startsWith('mart_')).map((n) => n.name).sort();
    expect(marts.length).toBeGreaterThanOrEqual(2);
    expect(hits).toEqual(marts);
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
});
