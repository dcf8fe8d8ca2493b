import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDocs } from '../../src/api/docs.js';
import { makeProject, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage } from './chromium.js';

const PROJECT = {
  'seeds/numbers.csv': 'n,label\n1,one\n2,two\n',
  // A recursive CTE: column lineage cannot follow it, so this model has model-level lineage only.
  'models/series.sql': `with recursive r as (select 1 as n union all select n + 1 from r where n < 5)
select r.n, s.label from r left join {{ ref('numbers') }} s on s.n = r.n`,
  'models/report.sql': `select n as number, label from {{ ref('series') }}`,
};

describe('model-level lineage in the docs site', () => {
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let indexUrl: string;

  beforeAll(async () => {
    const dir = makeProject(PROJECT);
    indexUrl = pathToFileURL((await generateDocs({ projectDir: dir })).indexPath).href;
    browser = await launchChromium();
    ({ page, errors } = await offlinePage(browser));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    removeProjects();
  });

  it('says on the model’s page why its column lineage is missing and lists its parents', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.series')}`);
    const notice = await page.textContent('[data-testid=model-level-notice]');
    expect(notice).toMatch(/Column lineage is not available for this model: .*recursive cte/);
    expect(await page.$$eval('[data-testid=upstream] a', (links) => links.map((a) => a.textContent))).toEqual(['numbers']);
  });

  it('stops a downstream column’s lineage at that model and says so', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.report')}?column=number`);
    await page.waitForSelector('[data-testid=column-lineage] g.node');
    const drawn = await page.$$eval('[data-testid=column-lineage] g.node', (nodes) => nodes.map((n) => (n as SVGGElement).dataset.id?.replace('\u0000', '.')));
    expect(drawn.sort()).toEqual(['model.proj.report.number', 'model.proj.series.n']);
    expect(await page.textContent('[data-testid=column-lineage] [data-testid=model-level-notice]')).toMatch(/Column lineage of series is not available \(.*recursive cte.*\); only its model-level parents are known: numbers/);
    expect(errors).toEqual([]);
  });
});
