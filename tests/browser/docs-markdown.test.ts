import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/api/commands.js';
import { generateDocs } from '../../src/api/docs.js';
import { loadProject } from '../../src/api/project.js';
import { analyseLoadedProject } from '../../src/docs/analyse.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { writeSite } from '../../src/docs/site.js';
import { makeProject, makeTempDir, removeProjects } from '../integration/helpers.js';
import { launchChromium, offlinePage, SCREENSHOTS } from './chromium.js';

// Values that must never reach the generated files: they sit in sensitive columns.
const SECRETS = ['alice@example.org', '078-05-1120', 'hunter2-secret', 'tagged-pii-value', 'meta-sensitive-value', 'hidden-by-docs'];

const XSS = `Danger: <script>window.__pwned = 'script'</script> <img src="x" onerror="window.__pwned = 'onerror'"> [click](javascript:window.__pwned='link')`;

const PROJECT = {
  'seeds/customers.csv': `id,email,ssn,password,notes,secret_stuff,nickname,hidden_col,city
1,alice@example.org,078-05-1120,hunter2-secret,tagged-pii-value,meta-sensitive-value,Al,hidden-by-docs,Lyon
2,bob@example.org,219-09-9999,hunter2-secret,tagged-pii-value,meta-sensitive-value,Bobby,hidden-by-docs,Nantes
`,
  'models/customer_cities.sql': `select id, city, nickname from {{ ref('customers') }}`,
  'models/secret_model.sql': `{{ config(materialized='table', docs={'show_data': false}) }}
select id, nickname as nick_secret_free from {{ ref('customers') }}`,
  'models/schema.yml': `version: 2
seeds:
  - name: customers
    description: |
      ## Customers

      One row per **customer**, from the CRM:

      - cities are \`varchar\`
      - see [the CRM](https://crm.example.org/docs)

      ${XSS}
    columns:
      - name: notes
        description: "Free text, _tagged_ pii."
        tags: [pii]
      - name: secret_stuff
        meta: {sensitive: true}
      - name: hidden_col
        config:
          docs: {show_data: false}
      - name: city
        description: "The **city** <img src=y onerror=\\"window.__pwned = 'column'\\">"
models:
  - name: customer_cities
    description: "Cities of customers, see \`customers\`."
`,
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('markdown, sanitizing and data previews in the docs site, in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let indexUrl: string;

  beforeAll(async () => {
    dir = makeProject(PROJECT);
    expect((await build({ projectDir: dir })).success).toBe(true);
    indexUrl = pathToFileURL((await generateDocs({ projectDir: dir })).indexPath).href;
    browser = await launchChromium();
    ({ page, errors } = await offlinePage(browser));
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    removeProjects();
  });

  it('renders descriptions as markdown and runs no script from them', async () => {
    // https://docs.getdbt.com/reference/resource-properties/description: descriptions are markdown.
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('seed.proj.customers')}`);
    await page.waitForSelector('[data-testid=description] h2');
    expect(await page.textContent('[data-testid=description] h2')).toBe('Customers');
    expect(await page.textContent('[data-testid=description] strong')).toBe('customer');
    expect(await page.$$eval('[data-testid=description] li', (lis) => lis.length)).toBe(2);
    expect(await page.getAttribute('[data-testid=description] a[href^="https://crm"]', 'target')).toBe('_blank');
    expect(await page.textContent('tr[data-column=city] .column-description strong')).toBe('city');
    // The payloads are gone: no script element, no handler attribute, no javascript: link.
    expect(await page.$$('main script')).toHaveLength(0);
    expect(await page.$$eval('main img', (imgs) => imgs.map((i) => i.getAttribute('onerror')))).toEqual([null, null]);
    expect(await page.$$eval('main a', (links) => links.filter((a) => (a.getAttribute('href') ?? '').startsWith('javascript:')).length)).toBe(0);
    await page.waitForTimeout(100); // let a broken image's error event fire, were a handler left
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    await page.screenshot({ path: join(SCREENSHOTS, 'markdown.png'), fullPage: true });
    expect(errors.filter((e) => !/ERR_FILE_NOT_FOUND|Failed to load resource/.test(e))).toEqual([]);
  });

  it('never puts a sensitive value in the generated files, and says which columns it hid', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('seed.proj.customers')}`);
    const shown = await page.$$eval('[data-testid=preview] thead th', (ths) => ths.map((th) => th.textContent));
    // Sensitive by name (email, ssn, password), by tag (notes: pii), by meta (secret_stuff), and
    // turned off in YAML (hidden_col): only id, nickname and city remain.
    expect(shown).toEqual(['id', 'nickname', 'city']);
    expect(await page.textContent('[data-testid=data-hidden]')).toContain('email, ssn, password, notes, secret_stuff, hidden_col');
    expect(await page.textContent('[data-testid=preview]')).toContain('Lyon');
    for (const file of filesUnder(join(dir, 'target'))) {
      const text = readFileSync(file, 'utf8');
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  });

  it('shows no data for a model with docs: {show_data: false}', async () => {
    await page.goto(`${indexUrl}#!/node/${encodeURIComponent('model.proj.secret_model')}`);
    expect(await page.textContent('[data-testid=data-preview]')).toContain('show_data: false');
    expect(await page.$$('[data-testid=preview]')).toHaveLength(0);
    const data = JSON.parse(readFileSync(join(dir, 'target/docs/data.js'), 'utf8').replace(/^window.__DOPS__ = /, '').replace(/;\s*$/, ''));
    expect(data.nodes.find((n: { id: string }) => n.id === 'model.proj.secret_model').sample).toEqual(expect.objectContaining({ rows: [], profiles: [], columns: [] }));
  });

  it('makes the __overview__ doc block the home page and lists exposures and groups', async () => {
    // The parser's doc blocks, exposures and groups, as the site receives them.
    const project = loadProject({ projectDir: dir });
    const analysis = await analyseLoadedProject(project, { data: false });
    const data = buildSiteData({
      manifest: project.manifest,
      projectName: project.config.name,
      ...analysis,
      extras: {
        docs: { __overview__: '# Customer analytics\n\nStart with {{ doc("intro") }} <script>window.__pwned = "overview"</script>', intro: 'the _cities_ model' },
        exposures: [{ uniqueId: 'exposure.proj.weekly_report', name: 'weekly_report', type: 'dashboard', owner: 'Data team <data@example.org>', maturity: 'high', description: 'Weekly **KPIs**.', dependsOn: ['model.proj.customer_cities'] }],
        groups: [{ name: 'finance', owner: 'Finance' }],
      },
    });
    data.nodes.find((n) => n.id === 'model.proj.customer_cities')!.group = 'finance';
    data.groups[0].members.push('model.proj.customer_cities');
    const site = pathToFileURL(await writeSite(makeTempDir(), data)).href;
    await page.goto(site);
    expect(await page.textContent('[data-testid=overview-doc] h1')).toBe('Customer analytics');
    // {{ doc("intro") }} is replaced by that block, itself markdown.
    expect((await page.textContent('[data-testid=overview-doc] p'))?.trim()).toBe('Start with the cities model');
    expect(await page.textContent('[data-testid=overview-doc] em')).toBe('cities');
    expect(await page.$$('main script')).toHaveLength(0);
    expect(await page.textContent('[data-testid=tree-exposures]')).toContain('weekly_report');
    expect(await page.textContent('[data-testid=tree-groups]')).toContain('customer_cities');
    await page.click('[data-testid=tree-exposures] a.tree-leaf');
    await page.waitForSelector('[data-testid=node-page][data-node="exposure.proj.weekly_report"]');
    expect(await page.textContent('[data-testid=node-meta]')).toContain('Data team');
    expect(await page.textContent('[data-testid=upstream]')).toContain('customer_cities');
    await page.goto(`${site}#!/node/${encodeURIComponent('model.proj.customer_cities')}`);
    expect(await page.textContent('[data-testid=downstream]')).toContain('weekly_report');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  });
});
