// Unit test, contract and model version pages of the docs site, in real headless Chromium.
// https://docs.getdbt.com/docs/build/unit-tests (given / expect / overrides),
// https://docs.getdbt.com/reference/resource-properties/unit-test-input,
// https://docs.getdbt.com/reference/resource-configs/contract and
// https://docs.getdbt.com/docs/mesh/govern/model-versions
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, test as runTests } from '../../src/api/commands.js';
import { generateDocs } from '../../src/api/docs.js';
import { makeProject, readJson, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage, SCREENSHOTS } from './chromium.js';

const PROJECT = {
  'seeds/orders.csv': 'id,customer_id,amount\n1,10,5\n2,10,7\n3,20,8\n',
  'models/customer_totals.sql': "select customer_id, sum(amount)::integer as total from {{ ref('orders') }} where amount > {{ var('min_amount', 0) }} group by 1",
  'models/dim_customers_v1.sql': "select 1 as id, 'a' as name, 'x' as old_col",
  'models/dim_customers_v2.sql': "select 1 as id, 'a' as name",
  'models/schema.yml': `version: 2
models:
  - name: customer_totals
    description: Order totals per customer.
    config:
      materialized: table
      contract: {enforced: true}
    columns:
      - name: customer_id
        data_type: integer
        constraints:
          - type: not_null
          - type: primary_key
      - name: total
        data_type: integer
        constraints:
          - type: check
            expression: "total >= 0"
  - name: dim_customers
    latest_version: 2
    versions:
      - v: 1
      - v: 2
unit_tests:
  - name: totals_add_up
    description: "Sums **each** customer's orders. <script>window.__pwned = 'unit'</script>"
    model: customer_totals
    overrides:
      vars: {min_amount: 1}
    given:
      - input: ref('orders')
        rows:
          - {id: 1, customer_id: 10, amount: 5}
          - {id: 2, customer_id: 10, amount: 7}
          - {id: 3, customer_id: 20, amount: null}
    expect:
      format: csv
      rows: |
        customer_id,total
        10,12
  - name: totals_wrong_on_purpose
    model: customer_totals
    given:
      - input: ref('orders')
        format: sql
        rows: select 1 as id, 20 as customer_id, 7 as amount
    expect:
      rows:
        - {customer_id: 20, total: 8}
`,
};

describe('unit test, contract and version pages of the docs site, in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let indexUrl: string;

  beforeAll(async () => {
    dir = makeProject(PROJECT);
    // The passing unit test runs in the build; the failing one in a later `dops test`: the site
    // shows both latest results (results history across runs).
    expect((await build({ projectDir: dir, exclude: ['unit_test:totals_wrong_on_purpose'] })).success).toBe(true);
    expect((await runTests({ projectDir: dir, select: ['unit_test:totals_wrong_on_purpose'] })).success).toBe(false);
    indexUrl = pathToFileURL((await generateDocs({ projectDir: dir })).indexPath).href;
    browser = await launchChromium();
    ({ page, errors } = await offlinePage(browser));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    removeProjects();
  });

  it('lists a model’s unit tests with their last status and opens one: model tested, given and expected rows, overrides', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.customer_totals')}`);
    await page.waitForSelector('[data-testid=node-page]');
    expect(await page.textContent('.tests a[href*="totals_add_up"]')).toBe('totals_add_up: pass');
    expect(await page.textContent('.tests a[href*="totals_wrong_on_purpose"]')).toBe('totals_wrong_on_purpose: fail');
    await page.click('.tests a[href*="totals_add_up"]');
    await page.waitForSelector('[data-testid=node-page][data-node="unit_test.proj.customer_totals.totals_add_up"]');
    expect(await page.textContent('[data-testid=tested-node]')).toBe('customer_totals');
    expect(await page.textContent('[data-testid=test-status]')).toContain('pass');
    expect(await page.textContent('[data-testid=description] strong')).toBe('each');
    // The given rows, in the columns written, NULL shown as NULL; the input links to the seed.
    const given = await page.$$eval('[data-testid=given-0] tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent)));
    expect(given).toEqual([['id', 'customer_id', 'amount'], ['1', '10', '5'], ['2', '10', '7'], ['3', '20', 'NULL']]);
    expect(await page.textContent('h4 a[href*="seed.proj.orders"]')).toBe('orders');
    const expected = await page.$$eval('[data-testid=expect] tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent)));
    expect(expected).toEqual([['customer_id', 'total'], ['10', '12']]);
    expect(await page.textContent('[data-testid=overrides]')).toContain('vars.min_amount = 1');
    expect(await page.$$('main script')).toHaveLength(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    await page.screenshot({ path: join(SCREENSHOTS, 'unit-test-page.png'), fullPage: true });
  });

  it('shows a failed unit test’s differing rows, failures count and its SQL input', async () => {
    const result = readJson(dir, 'target/run_results.json').results.find((r: { unique_id: string }) => r.unique_id.endsWith('totals_wrong_on_purpose'));
    expect(result.status).toBe('fail');
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent(result.unique_id)}`);
    await page.waitForSelector('[data-testid=test-message]');
    expect(await page.textContent('[data-testid=test-status]')).toContain('fail');
    expect(await page.textContent('[data-testid=test-failures]')).toBe(String(result.failures));
    expect(await page.textContent('[data-testid=test-message]')).toBe(result.message);
    expect(await page.textContent('[data-testid=given-0-sql]')).toContain('20 as customer_id');
    await page.screenshot({ path: join(SCREENSHOTS, 'unit-test-failed.png'), fullPage: true });
    // The overview counts unit tests and lists the failed one with the first line of its message.
    await page.goto(`${indexUrl}#!/overview`);
    expect(await page.textContent('[data-testid=counts] [data-type=unit_test]')).toBe('2unit tests');
    expect(await page.textContent('[data-testid=failing-tests]')).toContain('totals_wrong_on_purpose on customer_totals: actual differs from expected');
  });

  it('shows an enforced contract with each column’s type and constraints', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.customer_totals')}`);
    await page.waitForSelector('[data-testid=contract]');
    expect(await page.textContent('[data-testid=contract]')).toContain('enforced');
    // The seed's whole numbers are INTEGER, as dbt-duckdb types them (SQLAdapter.convert_number_type).
    expect(await page.textContent('tr[data-column=customer_id] td.type')).toBe('INTEGER');
    expect(await page.textContent('[data-testid=constraints-customer_id]')).toBe('not_null, primary_key');
    expect(await page.textContent('[data-testid=constraints-total]')).toBe('check: total >= 0');
    await page.screenshot({ path: join(SCREENSHOTS, 'contract.png') });
  });

  it('links every version of a versioned model and labels the latest', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.dim_customers.v1')}`);
    await page.waitForSelector('[data-testid=versions]');
    expect(await page.textContent('[data-testid=versions]')).toBe('v1, v2 (latest)');
    await page.click('[data-testid=versions] a');
    await page.waitForSelector('[data-testid=node-page][data-node="model.proj.dim_customers.v2"]');
    expect(await page.textContent('[data-testid=versions] strong')).toBe('v2 (latest)');
    // Both versions sit in the project tree, labelled with their version.
    expect(await page.$$eval('[data-testid=tree-models] a.tree-leaf', (links) => links.map((a) => a.textContent).filter((t) => t?.startsWith('dim_customers')))).toEqual(['dim_customers v1', 'dim_customers v2']);
    expect(errors.filter((e) => !/ERR_FILE_NOT_FOUND|Failed to load resource/.test(e))).toEqual([]);
  });
  // dbt docs lists a model's unit tests on its page (dbt-docs src/app/components/references,
  // "Unit Tests") but not in its Project tree (src/app/services/project_service.js getModelTree);
  // dops' sidebar lists them too, by the model they test, like exposures.
  it('lists unit tests in the sidebar by the model they test; opening one marks it and opens its folder', async () => {
    // A fresh load: no folder opened by earlier pages.
    await page.goto(`${indexUrl}#!/overview`);
    await page.reload();
    await page.waitForSelector('[data-testid=tree-unit-tests]');
    const tree = await page.$$eval('[data-testid=tree-unit-tests] details.tree-folder', (folders) => folders.map((f) => [f.getAttribute('data-folder'), [...f.querySelectorAll(':scope > ul > li > a.tree-leaf')].map((a) => a.textContent)]));
    expect(tree).toEqual([['customer_totals', ['totals_add_up', 'totals_wrong_on_purpose']]]);
    expect(await page.$eval('[data-testid=tree-unit-tests] details[data-folder=customer_totals]', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    await page.click('[data-testid=tree-unit-tests] details[data-folder=customer_totals] > summary');
    await page.click('[data-testid=tree-unit-tests] a.tree-leaf[data-id="unit_test.proj.customer_totals.totals_wrong_on_purpose"]');
    await page.waitForSelector('[data-testid=node-page][data-node="unit_test.proj.customer_totals.totals_wrong_on_purpose"]');
    expect(await page.textContent('[data-testid=tested-node]')).toBe('customer_totals');
    expect(await page.$$eval('a.tree-leaf.current', (links) => links.map((a) => (a as HTMLElement).dataset.id))).toEqual(['unit_test.proj.customer_totals.totals_wrong_on_purpose']);
    // Opened from a link elsewhere, the entry is marked and its folder opened.
    await page.goto(`${indexUrl}#!/overview`);
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('unit_test.proj.customer_totals.totals_add_up')}`);
    await page.waitForSelector('[data-testid=node-page][data-node="unit_test.proj.customer_totals.totals_add_up"]');
    expect(await page.$eval('[data-testid=tree-unit-tests] details[data-folder=customer_totals]', (d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await page.$$eval('a.tree-leaf.current', (links) => links.map((a) => a.textContent))).toEqual(['totals_add_up']);
    await page.screenshot({ path: join(SCREENSHOTS, 'unit-test-sidebar.png'), fullPage: true });
    expect(errors.filter((e) => !/ERR_FILE_NOT_FOUND|Failed to load resource/.test(e))).toEqual([]);
  });
});
