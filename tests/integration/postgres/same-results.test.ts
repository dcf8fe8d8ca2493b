/**
 * The same projects on DuckDB and on PostgreSQL 15 (a throwaway server): the starter project and a
 * star schema with seeds, views, tables, an incremental fact (merge, delete+insert, append), a
 * snapshot and tests give identical relation contents, row for row, after a first and a second run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, seed } from '../../../src/api/commands.js';
import { generateDocs } from '../../../src/api/docs.js';
import { sourceFreshness } from '../../../src/api/freshness.js';
import { TEMPLATE_DIR } from '../../../src/api/commands.js';
import { caught, makeProject, makeTempDir, readJson, removeProjects, writeFile } from '../helpers.js';
import { addPostgresProfile, copyInto, duckdbRows, pgQuery, postgresRows } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const server = usePostgres();
afterAll(removeProjects);

const CUSTOMERS_1 = 'id,name,segment,updated_at\n1,ann,retail,2024-01-01\n2,bob,retail,2024-01-01\n3,cat,wholesale,2024-01-01\n';
const CUSTOMERS_2 = 'id,name,segment,updated_at\n1,ann,wholesale,2024-02-01\n2,bob,retail,2024-01-01\n3,cat,wholesale,2024-01-01\n4,dan,retail,2024-02-01\n';
const ORDERS_1 = 'order_id,customer_id,product_id,quantity,ordered_at\n1,1,1,2,2024-01-03\n2,2,2,1,2024-01-04\n3,3,1,5,2024-01-05\n';
/** Order 3 corrected (same day), orders 4 and 5 new. */
const ORDERS_2 = `${ORDERS_1.replace('3,3,1,5,2024-01-05', '3,3,1,6,2024-01-05')}4,4,2,1,2024-02-02\n5,1,2,3,2024-02-03\n`;

function starSchema(strategy: string): Record<string, string> {
  return {
    'dops_project.yml': 'name: star\nmodels:\n  star:\n    staging:\n      +materialized: view\n    marts:\n      +materialized: table\n',
    'seeds/customers.csv': CUSTOMERS_1,
    'seeds/products.csv': 'id,name,category,price_cents\n1,pen,office,150\n2,desk,furniture,12999\n',
    'seeds/orders.csv': ORDERS_1,
    'models/staging/stg_orders.sql': "select cast(order_id as integer) as order_id, customer_id, product_id, quantity, cast(ordered_at as date) as ordered_at from {{ ref('orders') }}\n",
    'models/marts/dim_customers.sql': "select id as customer_id, lower(name) as name, segment from {{ ref('customers') }}\n",
    'models/marts/dim_products.sql': "select id as product_id, name, category, round(price_cents / 100.0, 2) as price from {{ ref('products') }}\n",
    'models/marts/fct_orders.sql': `{{ config(materialized='incremental', unique_key='order_id', incremental_strategy='${strategy}') }}
select o.order_id, o.customer_id, o.product_id, o.quantity, o.quantity * p.price_cents as revenue_cents, o.ordered_at
from {{ ref('stg_orders') }} as o join {{ ref('products') }} as p on p.id = o.product_id
{% if is_incremental() %}where o.ordered_at >= (select max(ordered_at) from {{ this }}){% endif %}
`,
    'models/marts/revenue_by_segment.sql': "{{ config(materialized='view') }}\nselect c.segment, count(*) as orders, sum(f.revenue_cents) as revenue_cents\nfrom {{ ref('fct_orders') }} as f join {{ ref('dim_customers') }} as c using (customer_id)\ngroup by c.segment\n",
    'models/marts/_schema.yml': `version: 2
models:
  - name: dim_customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
      - name: segment
        data_tests:
          - accepted_values: {values: [retail, wholesale]}
  - name: fct_orders
    columns:
      - name: order_id
        data_tests: [unique]
      - name: customer_id
        data_tests:
          - relationships: {to: "ref('dim_customers')", field: customer_id}
`,
    'tests/assert_no_negative_revenue.sql': "select * from {{ ref('fct_orders') }} where revenue_cents < 0\n",
    'snapshots/customers_snapshot.sql': "{% snapshot customers_snapshot %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
  };
}

const STAR_RELATIONS = ['customers', 'products', 'orders', 'stg_orders', 'dim_customers', 'dim_products', 'fct_orders', 'revenue_by_segment', 'customers_snapshot'];

async function expectSameContents(dir: string, dbname: string, relations: string[]): Promise<void> {
  for (const relation of relations) {
    const duck = await duckdbRows(dir, `main.${relation}`);
    expect(duck.length, relation).toBeGreaterThan(0);
    expect(await postgresRows(server, dbname, `main.${relation}`), relation).toEqual(duck);
  }
}

describe('the same project on DuckDB and PostgreSQL', () => {
  // https://docs.getdbt.com/docs/build/incremental-strategy (append, merge, delete+insert)
  it.each(['merge', 'delete+insert', 'append'])('star schema with incremental %s and a snapshot: identical contents after two runs', async (strategy) => {
    const dir = makeProject(starSchema(strategy));
    const dbname = await addPostgresProfile(server, dir, 'star');
    for (const target of ['dev', 'pg']) {
      const outcome = await build({ projectDir: dir, target });
      expect(outcome.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.uniqueId}: ${r.message}`), target).toEqual([]);
      expect(outcome.results).toHaveLength(15);
    }
    await expectSameContents(dir, dbname, STAR_RELATIONS);

    writeFile(dir, 'seeds/customers.csv', CUSTOMERS_2);
    writeFile(dir, 'seeds/orders.csv', ORDERS_2);
    for (const target of ['dev', 'pg']) {
      const outcome = await build({ projectDir: dir, target });
      const failed = outcome.results.filter((r) => r.status !== 'success' && r.status !== 'pass').map((r) => `${r.uniqueId.replace(/\.[0-9a-f]{10}$/, '')} ${r.status}: ${r.message}`);
      // append keeps the uncorrected order 3 too: its unique test fails (and gates the view downstream) on both engines alike
      const expected = strategy === 'append' ? [/^test\.star\.unique_fct_orders_order_id fail/, /^model\.star\.revenue_by_segment skipped/] : [];
      if (!expected.length) expect(failed, target).toEqual([]);
      expect(failed, target).toHaveLength(expected.length);
      failed.forEach((line, i) => expect(line, target).toMatch(expected[i]));
    }
    // A table rebuilt on PostgreSQL drops the views reading it (dbt-postgres does the same); the run
    // recreates them, except a view it skips, as revenue_by_segment after the failed test under append.
    await expectSameContents(dir, dbname, STAR_RELATIONS.filter((r) => strategy !== 'append' || r !== 'revenue_by_segment'));
    const history = await postgresRows(server, dbname, 'main.customers_snapshot', ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'name', 'updated_at']);
    expect(history).toEqual([
      'dbt_valid_to=2024-02-01T00:00:00.000Z|id=1|segment=retail',
      'dbt_valid_to=NULL|id=1|segment=wholesale',
      'dbt_valid_to=NULL|id=2|segment=retail',
      'dbt_valid_to=NULL|id=3|segment=wholesale',
      'dbt_valid_to=NULL|id=4|segment=retail',
    ]);
  });

  it('the starter project (dops init) builds the same on both', async () => {
    const dir = makeTempDir();
    copyInto(TEMPLATE_DIR, dir);
    const dbname = await addPostgresProfile(server, dir, 'my_project');
    for (const target of ['dev', 'pg']) expect((await build({ projectDir: dir, target })).success, target).toBe(true);
    await expectSameContents(dir, dbname, ['raw_orders', 'stg_orders', 'customer_revenue']);
  });
});

describe('dops on PostgreSQL', () => {
  it('documents the project: catalog.json has the columns PostgreSQL reports, and no secret is written under target/', async () => {
    const dir = makeProject(starSchema('merge'));
    await addPostgresProfile(server, dir, 'star');
    expect((await build({ projectDir: dir, target: 'pg' })).success).toBe(true);
    await generateDocs({ projectDir: dir, target: 'pg' });
    const catalog = readJson(dir, 'target/catalog.json');
    expect(Object.keys(catalog.nodes['model.star.dim_products'].columns)).toEqual(['product_id', 'name', 'category', 'price']);
    expect(catalog.nodes['model.star.dim_products'].stats.row_count.value).toBe(2);
    expect(catalog.nodes['model.star.revenue_by_segment'].metadata.type).toBe('VIEW');
    expect(readJson(dir, 'target/manifest.json').metadata.target).toEqual({ name: 'pg', type: 'postgres', schema: 'main' });
    for (const file of readdirSync(join(dir, 'target'), { recursive: true, withFileTypes: true })) {
      if (file.isFile()) expect(readFileSync(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(server.password);
    }
  });

  // https://docs.getdbt.com/reference/resource-properties/freshness
  it('checks source freshness', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: fresh\nseeds:\n  +schema: raw\n',
      'seeds/loads.csv': `id,loaded_at\n1,${new Date(Date.now() - 30 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')}\n`,
      'models/_sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: loads\n        loaded_at_field: loaded_at\n        freshness: {warn_after: {count: 1, period: day}, error_after: {count: 2, period: day}}\n',
    });
    await addPostgresProfile(server, dir, 'fresh', { schema: 'public' });
    expect((await seed({ projectDir: dir, target: 'pg' })).success).toBe(true);
    const outcome = await sourceFreshness({ projectDir: dir, target: 'pg' });
    expect(outcome.results.map((r) => `${r.name} ${r.status}`)).toEqual(['raw.loads warn']);
    expect(outcome.results[0].ageSeconds).toBeGreaterThan(30 * 3600 - 120);
  });

  it('rejects file sources and external models at parse time, naming the file', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: lake\n',
      'models/_sources.yml': "version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n        config: {external_location: 'lake/e.parquet'}\n",
      'models/out.sql': "{{ config(materialized='external') }}\nselect 1 as id\n",
    });
    await addPostgresProfile(server, dir, 'lake');
    const error = await caught(() => build({ projectDir: dir, target: 'pg' }));
    const messages = (error.errors ?? [error]).map((e: Error) => e.message).join('\n');
    expect(error.errors.map((e: { location: { file: string } }) => e.location.file).sort()).toEqual(['models/_sources.yml', 'models/out.sql']);
    expect(messages).toContain("Source lake.events reads files (external_location), which target 'pg' (postgres) cannot: only duckdb reads files");
    expect(messages).toContain("Model out is materialized 'external' (a file), which target 'pg' (postgres) cannot write");
  });

  it('a failing model rolls back: the previous table stays, its children are skipped', async () => {
    const dir = makeProject({ 'dops_project.yml': 'name: rb\n', 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id\n", 'models/child.sql': "select * from {{ ref('t') }}\n" });
    const dbname = await addPostgresProfile(server, dir, 'rb');
    expect((await build({ projectDir: dir, target: 'pg' })).success).toBe(true);
    writeFile(dir, 'models/t.sql', "{{ config(materialized='table') }}\nselect 1 as id,\n  no_such_column\n");
    const outcome = await build({ projectDir: dir, target: 'pg' });
    expect(outcome.results.map((r) => `${r.uniqueId} ${r.status}`)).toEqual(['model.rb.t error', 'model.rb.child skipped']);
    expect(outcome.results[0].message).toMatch(/Database error in model t \(compiled SQL: target\/compiled\/rb\/models\/t\.sql:2\): column "no_such_column" does not exist/);
    expect(await pgQuery(server, 'select id from main.t', dbname)).toEqual([{ id: 1 }]);
  });
});

describe('dops on PostgreSQL: statements and connections', () => {
  /** The dops backends still connected to `dbname` (application_name `dops`), polled until they have all gone or 100 tries passed. */
  async function dopsBackends(dbname: string): Promise<Record<string, unknown>[]> {
    let rows: Record<string, unknown>[] = [];
    for (let tries = 0; tries < 100; tries++) {
      rows = await pgQuery(server, `select pid, state from pg_stat_activity where datname = '${dbname}' and application_name = 'dops'`, dbname);
      if (!rows.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return rows;
  }

  // A body is one query (security/single-select.test.ts does the same on DuckDB): most skip the
  // server's check, a body with a ';' or a stray ')' is still refused before anything of it runs.
  it('refuses a body that is not one query, reports a syntax error at its line, and leaves no connection or open transaction behind', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: one\n',
      'models/victim.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
      'models/two.sql': "{{ config(materialized='table') }}\nselect 1 as a;\ndrop table main.victim\n",
      'models/escape.sql': "{{ config(materialized='table') }}\nselect 1 as a) ; drop table main.victim; create table main.y as (select 1\n",
      'models/typo.sql': "{{ config(materialized='table') }}\nselect 1 as a,\n  2 as b frm x\n",
      'models/fine.sql': "select id from {{ ref('victim') }}\n",
      'tests/fine_test.sql': "select * from {{ ref('fine') }} where id < 0\n",
    });
    const dbname = await addPostgresProfile(server, dir, 'one', { threads: 2 });
    const outcome = await build({ projectDir: dir, target: 'pg' });
    const byName = Object.fromEntries(outcome.results.map((r) => [r.uniqueId.split('.')[2], r]));
    // the server's check (a ';' inside the wrapping parentheses does not parse), before anything ran
    expect(byName.two.message).toMatch(/^Database error in model two \(compiled SQL: target\/compiled\/one\/models\/two\.sql:1\): syntax error: syntax error at or near ";"/);
    expect(byName.escape.status).toBe('error');
    expect(byName.typo.message).toMatch(/^Database error in model typo \(compiled SQL: target\/compiled\/one\/models\/typo\.sql:2\): syntax error at or near "frm"/);
    expect([byName.victim.status, byName.fine.status, byName.fine_test.status]).toEqual(['success', 'success', 'pass']);
    expect(await pgQuery(server, "select count(*)::int as n from pg_class where relname in ('two', 'escape', 'typo', 'y') or relname like '%dops_tmp%'", dbname)).toEqual([{ n: 0 }]);
    expect(await pgQuery(server, 'select id from main.victim', dbname)).toEqual([{ id: 1 }]);
    // The run's connections are closed when build() returns: none stays, none idle in a transaction.
    expect(await dopsBackends(dbname)).toEqual([]);
  });
});

describe('the server ending the session mid-run', () => {
  it('the running node errors, the rest skip, exit 1, and no relation is left half-built', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: gone\n',
      'models/slow.sql': "{{ config(materialized='table') }}\nselect {{ var('v', 1) }} as id from (select pg_sleep({{ var('sleep', 0) }})) as s\n",
      'models/after.sql': "select * from {{ ref('slow') }}\n",
      'models/z_other.sql': 'select 2 as id\n',
    });
    const dbname = await addPostgresProfile(server, dir, 'gone', { threads: 1 });
    expect((await build({ projectDir: dir, target: 'pg' })).success).toBe(true);
    const running = build({ projectDir: dir, target: 'pg', vars: { v: 2, sleep: 30 }, select: ['slow+', 'z_other'] });
    // End the backend that runs pg_sleep, as a server restart or an admin would.
    let terminated = 0;
    for (let tries = 0; tries < 300 && terminated === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const rows = await pgQuery(server, "select pg_terminate_backend(pid) as ok from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()", dbname);
      terminated = rows.length;
    }
    const outcome = await running;
    expect(outcome.success).toBe(false);
    const byName = Object.fromEntries(outcome.results.map((r) => [r.uniqueId.split('.')[2], r]));
    expect(byName.slow.status).toBe('error');
    expect(byName.after.status).toBe('skipped');
    expect(byName.z_other.status).toBe('skipped');
    expect(byName.z_other.message).toBe("Skipped because the connection to target 'pg' was lost");
    expect(await pgQuery(server, 'select id from main.slow', dbname)).toEqual([{ id: 1 }]);
    expect(await pgQuery(server, "select count(*)::int as n from pg_class where relname like '%dops_tmp%'", dbname)).toEqual([{ n: 0 }]);
  });
});

describe('dops build --target pg, bad connection settings', () => {
  const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'index.js');
  const run = (dir: string) => spawnSync(process.execPath, [CLI, 'build', '--project-dir', dir, '--target', 'pg'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it.each([
    ['password', { password: 'wrong' }, /password authentication failed for user "dops"/],
    ['database', { dbname: 'no_such_db' }, /database "no_such_db" does not exist/],
    ['port', { port: 1 }, /ECONNREFUSED/],
    ['host', { host: 'no-such-host.invalid' }, /ENOTFOUND|EAI_AGAIN/],
  ])('a wrong %s: one line naming the target and the server message, exit 2', async (_what, override, message) => {
    const dir = makeProject({ 'dops_project.yml': 'name: bad\n', 'models/a.sql': 'select 1 as id\n' });
    await addPostgresProfile(server, dir, 'bad', override);
    const result = run(dir);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: Cannot connect to target 'pg' \(postgres [\w.-]+:\d+\/\w+ as dops\): /);
    expect(lines[0]).toMatch(message);
    expect(result.stderr + result.stdout).not.toContain(server.password);
  });
});

describe('dops debug --target pg', () => {
  // https://docs.getdbt.com/reference/commands/debug: the connection check runs a test query on the target.
  const CLI = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'index.js');
  const debug = (dir: string) => spawnSync(process.execPath, [CLI, 'debug', '--project-dir', dir, '--target', 'pg'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('checks the connection through the postgres adapter, naming the server; a wrong password fails the check', async () => {
    const good = makeProject({ 'dops_project.yml': 'name: dbg\n', 'models/a.sql': 'select 1 as id\n' });
    await addPostgresProfile(server, good, 'dbg');
    const ok = debug(good);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/test query ran \(PostgreSQL \d+/);
    expect(ok.stdout).toMatch(/pg driver version/);
    const bad = makeProject({ 'dops_project.yml': 'name: dbg\n', 'models/a.sql': 'select 1 as id\n' });
    await addPostgresProfile(server, bad, 'dbg', { password: 'wrong' });
    const failed = debug(bad);
    expect(failed.status).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(/password authentication failed for user "dops"/);
    expect(failed.stdout + failed.stderr).not.toContain(server.password);
  });
});
