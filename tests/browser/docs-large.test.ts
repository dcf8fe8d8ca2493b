import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The benchmark's generator: 50 chains of 40 models over 50 declared sources (no build needed).
import { docsModelName, generateDocsProject } from '../../bench/generate-docs-project.mjs';
import { generateDocs } from '../../src/api/docs.js';
import { makeTempDir, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage } from './chromium.js';

describe('the docs site of a 2,000-model project, in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let indexUrl: string;

  beforeAll(async () => {
    const dir = makeTempDir();
    expect(generateDocsProject(dir).models).toBe(2000);
    indexUrl = pathToFileURL((await generateDocs({ projectDir: dir })).indexPath).href;
    browser = await launchChromium();
    ({ page, errors } = await offlinePage(browser));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    removeProjects();
  });

  it('does not draw the whole project, and focuses the node a search finds', async () => {
    await page.goto(`${indexUrl}#!/graph`);
    await page.waitForSelector('[data-testid=graph-too-big]');
    expect(await page.$$('svg.graph g.node')).toHaveLength(0);
    await page.fill('[data-testid=graph-search]', docsModelName(7, 20, 40));
    await page.press('[data-testid=graph-search]', 'Enter');
    await page.waitForSelector('svg.graph g.node.focused');
    const drawn = await page.$$eval('svg.graph g.node', (nodes) => nodes.map((n) => (n as SVGGElement).dataset.id));
    // int_007_020 with 2 levels up and down: its chain neighbours and the staging model it joins.
    expect(drawn).toEqual(expect.arrayContaining(['model.docs_bench.int_007_020', 'model.docs_bench.int_007_018', 'model.docs_bench.int_007_022']));
    expect(drawn.length).toBeLessThan(20);
  });

  it('draws a column’s lineage a few levels deep and offers more', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.docs_bench.mart_003')}?column=total_amount`);
    await page.waitForSelector('[data-testid=column-lineage] g.node');
    const before = (await page.$$('[data-testid=column-lineage] g.node')).length;
    await page.click('[data-testid=column-levels] a');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=column-lineage] g.node').length > n, before);
    const roots = await page.$$eval('[data-testid=root-columns] a', (links) => links.map((a) => (a as HTMLElement).dataset.node));
    expect(roots).toContain('source.docs_bench.raw.t003');
    expect(errors).toEqual([]);
  });
});
