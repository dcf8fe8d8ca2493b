import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile } from '../../../src/api/commands.js';
import { columnLineage, generateDocs, serveDocs } from '../../../src/api/docs.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { caught, duckdbExec, makeProject, readJson, removeProjects } from '../helpers.js';

const FILES = {
  'models/_sources.yml': `version: 2
sources:
  - name: lake
    tables:
      - name: events
        config: {external_location: 'lake/events.parquet'}
      - name: plans
        config:
          external_location: 'lake/plans.txt'
          format: csv
          options: {delimiter: ';', header: true, columns: {plan_id: INTEGER, price: 'DECIMAL(8,2)'}}
models:
  - name: stg_events
    description: One row per event.
    columns:
      - name: event_id
        description: Key of the event.
        data_tests: [unique, not_null]
`,
  'seeds/users.csv': 'user_id,country\n1,FR\n2,DE\n',
  'models/stg_events.sql': `select event_id, user_id, upper(kind) as kind_code from {{ source('lake', 'events') }}`,
  'models/enriched.sql': `{{ config(materialized='ephemeral') }}
select e.*, u.country from {{ ref('stg_events') }} e join {{ ref('users') }} u on u.user_id = e.user_id`,
  'models/by_country.sql': `{{ config(materialized='table') }}
with counted as (select country, count(*) as events from {{ ref('enriched') }} group by country)
select country as country_code, events from counted`,
  'lake/plans.txt': 'plan_id;price\n1;9.50\n2;19.00\n',
  'models/plan_prices.sql': `select price as monthly_price from {{ source('lake', 'plans') }}`,
  'snapshots/users_history.sql': `{% snapshot users_history %}
{{ config(unique_key='user_id', strategy='check', check_cols='all') }}
select user_id, upper(country) as country_code from {{ ref('users') }}
{% endsnapshot %}`,
  'models/recursive.sql': `with recursive r as (select 1 as n union all select n + 1 from r where n < 3)
select n from r -- {{ ref('stg_events') }}`,
};

describe('dops docs generate', () => {
  let dir: string;

  beforeAll(async () => {
    dir = makeProject(FILES);
    const lake = join(dir, 'lake/events.parquet').replace(/'/g, "''");
    await duckdbExec(`copy (select i as event_id, 1 + i % 2 as user_id, 'kind' || (i % 3) as kind from range(10) t(i)) to '${lake}' (format parquet)`);
  });
  afterAll(removeProjects);

  it('works before any build: columns from YAML and lake files, lineage from the SQL', async () => {
    const reporter = new CapturingReporter();
    const outcome = await generateDocs({ projectDir: dir, reporter });
    expect(reporter.warningsSeen.join('\n')).toMatch(/database does not exist yet/);
    expect(existsSync(outcome.indexPath)).toBe(true);
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    // The lake file is described even without a build; nothing else is in the catalog yet.
    const catalog = readJson(dir, 'target/catalog.json');
    expect(Object.keys(catalog.nodes)).toEqual([]);
    expect(catalog.sources['source.proj.lake.events'].columns).toMatchObject({ event_id: { type: 'BIGINT', index: 1 }, kind: { type: 'VARCHAR', index: 3 } });
    expect(catalog.sources['source.proj.lake.events'].stats.row_count.value).toBe(10);
    // CSV read with the source's reader options (format, delimiter, column types).
    expect(catalog.sources['source.proj.lake.plans'].columns).toMatchObject({ plan_id: { type: 'INTEGER' }, price: { type: 'DECIMAL(8,2)' } });
    // select e.* over the ephemeral model expands with stg_events' analysed columns.
    const lineage = readJson(dir, 'target/lineage.json').models;
    expect(Object.keys(lineage['model.proj.enriched'].columns)).toEqual(['event_id', 'user_id', 'kind_code', 'country']);
    expect(lineage['model.proj.by_country'].columns.country_code.sources).toEqual([{ node: 'model.proj.enriched', column: 'country', transform: 'renamed' }]);
    expect(lineage['model.proj.plan_prices'].columns.monthly_price.sources).toEqual([{ node: 'source.proj.lake.plans', column: 'price', transform: 'renamed' }]);
    expect(lineage['model.proj.recursive']).toMatchObject({ status: 'model-level', reason: expect.stringMatching(/recursive cte/) });
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.metadata.dops_schema_version).toMatch(/manifest\/v1/);
    expect(manifest.nodes['model.proj.by_country']).toMatchObject({ resource_type: 'model', compiled: true, compiled_code: expect.stringContaining('__dops__cte__enriched') });
    expect(manifest.nodes['model.proj.by_country'].depends_on.nodes).toEqual(['model.proj.enriched']);
    expect(Object.values<any>(manifest.macros).every((m) => m.resource_type === 'macro')).toBe(true);
    const data = readFileSync(join(outcome.siteDir, 'data.js'), 'utf8');
    expect(data.startsWith('window.__DOPS__ = ')).toBe(true);
    // Everything is local: no CDN script or stylesheet.
    expect(readFileSync(join(outcome.siteDir, 'index.html'), 'utf8')).not.toMatch(/(src|href)="?(https?:)?\/\//);
  });

  it('after a build, reads column types and row counts from DuckDB and the tests’ last status', async () => {
    expect((await build({ projectDir: dir })).success).toBe(true);
    await generateDocs({ projectDir: dir });
    const catalog = readJson(dir, 'target/catalog.json');
    expect(catalog.metadata.dops_schema_version).toMatch(/catalog\/v1/);
    expect(catalog.nodes['model.proj.by_country']).toMatchObject({ metadata: { type: 'BASE TABLE', schema: 'main', name: 'by_country' }, stats: { row_count: { value: 2 } } });
    expect(catalog.nodes['model.proj.by_country'].columns).toMatchObject({ country_code: { type: 'VARCHAR', index: 1 }, events: { type: 'BIGINT', index: 2 } });
    expect(catalog.nodes['model.proj.stg_events']).toMatchObject({ metadata: { type: 'VIEW' }, stats: {} });
    expect(catalog.nodes['seed.proj.users'].stats.row_count.value).toBe(2);
    const site = JSON.parse(readFileSync(join(dir, 'target/docs/data.js'), 'utf8').replace(/^window.__DOPS__ = /, '').replace(/;\s*$/, ''));
    const stg = site.nodes.find((n: { name: string }) => n.name === 'stg_events');
    expect(stg.columns.find((c: { name: string }) => c.name === 'event_id')).toMatchObject({ type: 'BIGINT', description: 'Key of the event.', tests: [{ name: 'unique', status: 'pass' }, { name: 'not_null', status: 'pass' }] });
    expect(site.testResults).toEqual({ pass: 2 });
    // A snapshot: its query's columns, then the history columns it adds.
    const history = readJson(dir, 'target/lineage.json').models['snapshot.proj.users_history'];
    expect(Object.entries<any>(history.columns).map(([name, c]) => [name, c.sources.map((e: { node: string; column: string }) => `${e.node}.${e.column}`)])).toEqual([
      ['user_id', ['seed.proj.users.user_id']],
      ['country_code', ['seed.proj.users.country']],
      ['dbt_scd_id', []],
      ['dbt_updated_at', []],
      ['dbt_valid_from', []],
      ['dbt_valid_to', []],
    ]);
    expect(site.built).toBe(true);
  });

  it('traces a column upstream and downstream', async () => {
    const up = await columnLineage({ projectDir: dir, column: 'by_country.country_code' });
    expect(up.trace.next.map((s) => [s.node, s.column, s.transform])).toEqual([['model.proj.enriched', 'country', 'renamed']]);
    const enriched = up.trace.next[0];
    expect(enriched.next.map((s) => [s.node, s.column, s.transform])).toEqual([
      ['seed.proj.users', 'country', 'passthrough'],
      ['model.proj.stg_events', 'user_id', 'join-key'],
    ]);
    expect(enriched.next[1].next.map((s) => [s.node, s.column])).toEqual([['source.proj.lake.events', 'user_id']]);
    const down = await columnLineage({ projectDir: dir, column: 'lake.events.kind', downstream: true });
    expect(down.trace.next.map((s) => [s.node, s.column, s.transform])).toEqual([['model.proj.stg_events', 'kind_code', 'transformed']]);
    expect((await caught(() => columnLineage({ projectDir: dir, column: 'by_country.nope' }))).message).toMatch(/by_country has no column 'nope'/);
  });

  it('dops compile also records compiled_code in manifest.json, for the selected nodes', async () => {
    compile({ projectDir: dir, select: ['stg_events'] });
    const nodes = readJson(dir, 'target/manifest.json').nodes;
    expect(nodes['model.proj.stg_events']).toMatchObject({ compiled: true, compiled_code: expect.stringContaining(`read_parquet('${join(dir, 'lake/events.parquet')}')`) });
    expect(nodes['model.proj.by_country']).toMatchObject({ compiled: false, compiled_code: null });
  });

  it('serves the site over HTTP', async () => {
    const server = await serveDocs({ projectDir: dir, port: 0 });
    try {
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script src="app.js"></script>');
      expect((await fetch(`${server.url}data.js`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
  it('--select limits catalog.json to the selected nodes, the site still holds every node', async () => {
    expect((await build({ projectDir: dir, reporter: new CapturingReporter() })).success).toBe(true);
    const outcome = await generateDocs({ projectDir: dir, select: ['by_country'] });
    expect([...outcome.catalog.keys()]).toEqual(['model.proj.by_country']);
    const catalog = readJson(dir, 'target/catalog.json') as { nodes: Record<string, unknown>; sources: Record<string, unknown> };
    expect(Object.keys({ ...catalog.nodes, ...catalog.sources })).toEqual(['model.proj.by_country']);
    expect(outcome.project.manifest.nodes.has('model.proj.stg_events')).toBe(true);
  });
});
