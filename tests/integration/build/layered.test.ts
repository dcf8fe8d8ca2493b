import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeProject, query, readJson, readRunResults, relations, removeProjects, statuses } from '../helpers.js';

const PROJECT_FILE = `name: shop
database-path: warehouse/shop.duckdb
models:
  shop:
    staging:
      +materialized: view
      +schema: staging
    core:
      +materialized: table
      +schema: core
seeds:
  +schema: raw
`;

const FILES = {
  'dops_project.yml': PROJECT_FILE,
  'seeds/raw_orders.csv': 'id,customer,amount,status\n1,alice,10,completed\n2,bob,20,completed\n3,alice,5,returned\n4,carol,7,pending\n5,alice,3,completed\n',
  'models/staging/stg_orders.sql': `select id as order_id, customer, amount, status\nfrom {{ ref('raw_orders') }}\n`,
  'models/core/orders.sql': `select * from {{ ref('stg_orders') }} where status = 'completed'\n`,
  'models/core/int_customer_totals.sql': `{{ config(materialized='ephemeral') }}\nselect customer, sum(amount)::integer as total, count(*)::integer as orders\nfrom {{ ref('orders') }}\ngroup by customer\n`,
  'models/marts/customer_revenue.sql': `{{ config(materialized='table', schema='marts') }}\nwith ranked as (\n  select * from {{ ref('int_customer_totals') }}\n)\nselect customer, total, orders from ranked order by customer\n`,
  'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
  - name: customer_revenue
    columns:
      - name: customer
        data_tests: [unique]
`,
};

describe('build of a layered project (seed -> view -> table -> ephemeral -> mart)', () => {
  let dir: string;
  let outcome: RunOutcome;
  const reporter = new CapturingReporter();

  beforeAll(async () => {
    dir = makeProject(FILES);
    outcome = await build({ projectDir: dir, reporter });
  });
  afterAll(removeProjects);

  it('succeeds with every node passing', () => {
    expect(outcome.success).toBe(true);
    expect(statuses(outcome)).toEqual({
      raw_orders: 'success',
      stg_orders: 'success',
      orders: 'success',
      customer_revenue: 'success',
      unique_orders_order_id: 'pass',
      not_null_orders_order_id: 'pass',
      unique_customer_revenue_customer: 'pass',
    });
    expect(outcome.summary).toMatchObject({ pass: 7, warn: 0, error: 0, skip: 0, total: 7 });
    expect(reporter.summary).toMatchObject({ pass: 7, total: 7 });
    expect(reporter.finished.map((f) => f.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('creates the database file at database-path', () => {
    expect(existsSync(join(dir, 'warehouse/shop.duckdb'))).toBe(true);
  });

  it('creates each relation in its schema with the right kind, and nothing for the ephemeral model', async () => {
    expect(await relations(dir, 'warehouse/shop.duckdb')).toEqual({
      'raw.raw_orders': 'BASE TABLE',
      'staging.stg_orders': 'VIEW',
      'core.orders': 'BASE TABLE',
      'marts.customer_revenue': 'BASE TABLE',
    });
  });

  it('loads exact row contents through every layer', async () => {
    const db = 'warehouse/shop.duckdb';
    expect(await query(dir, 'select count(*) as n from raw.raw_orders', db)).toEqual([{ n: 5 }]);
    expect(await query(dir, 'select order_id, customer from staging.stg_orders order by order_id', db)).toEqual([
      { order_id: 1, customer: 'alice' },
      { order_id: 2, customer: 'bob' },
      { order_id: 3, customer: 'alice' },
      { order_id: 4, customer: 'carol' },
      { order_id: 5, customer: 'alice' },
    ]);
    expect(await query(dir, 'select order_id from core.orders order by order_id', db)).toEqual([{ order_id: 1 }, { order_id: 2 }, { order_id: 5 }]);
    expect(await query(dir, 'select * from marts.customer_revenue order by customer', db)).toEqual([
      { customer: 'alice', total: 13, orders: 2 },
      { customer: 'bob', total: 20, orders: 1 },
    ]);
  });

  it('inlines the ephemeral model as a CTE in the compiled SQL of its child', () => {
    const compiled = readFileSync(join(dir, 'target/compiled/shop/models/marts/customer_revenue.sql'), 'utf8');
    expect(compiled).toMatch(/^with __dops__cte__int_customer_totals as \(/);
    expect(compiled).toContain('from "core"."orders"');
    expect(compiled).toContain('ranked as (');
    expect(compiled).toContain('select * from __dops__cte__int_customer_totals');
    expect(compiled).not.toContain('{{');
    // the ephemeral model itself is never run
    expect(outcome.results.some((r) => r.uniqueId === 'model.shop.int_customer_totals')).toBe(false);
  });

  it('writes run_results.json with statuses, rows and relation names', () => {
    const runResults = readRunResults(dir);
    const byId = Object.fromEntries(runResults.results.map((r) => [r.unique_id, r]));
    expect(Object.keys(byId).sort()).toEqual(outcome.results.map((r) => r.uniqueId).sort());
    expect(byId['seed.shop.raw_orders']).toMatchObject({ status: 'success', adapter_response: { rows_affected: 5 }, relation_name: 'raw.raw_orders' });
    expect(byId['model.shop.stg_orders']).toMatchObject({ status: 'success', message: 'created view', relation_name: 'staging.stg_orders', compiled_path: 'target/compiled/shop/models/staging/stg_orders.sql' });
    expect(byId['model.shop.orders']).toMatchObject({ status: 'success', message: 'created table', adapter_response: { rows_affected: 3 }, relation_name: 'core.orders' });
    expect(byId['model.shop.customer_revenue']).toMatchObject({ status: 'success', adapter_response: { rows_affected: 2 }, relation_name: 'marts.customer_revenue' });
    const tests = runResults.results.filter((r) => r.unique_id.startsWith('test.'));
    expect(tests).toHaveLength(3);
    for (const t of tests) expect(t).toMatchObject({ status: 'pass', failures: 0 });
    expect(runResults.args).toMatchObject({ command: 'build', target: 'dev' });
  });

  it('runs each model after its parents', () => {
    const order = outcome.results.map((r) => r.uniqueId);
    const at = (id: string) => order.indexOf(id);
    expect(at('seed.shop.raw_orders')).toBeLessThan(at('model.shop.stg_orders'));
    expect(at('model.shop.stg_orders')).toBeLessThan(at('model.shop.orders'));
    expect(at('model.shop.orders')).toBeLessThan(at('model.shop.customer_revenue'));
  });

  it('writes manifest.json with the ephemeral model and its dependencies', () => {
    const manifest = readJson(dir, 'target/manifest.json');
    expect(manifest.nodes['model.shop.int_customer_totals']).toMatchObject({ config: { materialized: 'ephemeral' }, depends_on: { nodes: ['model.shop.orders'] } });
    expect(manifest.nodes['model.shop.customer_revenue']).toMatchObject({ schema: 'marts', depends_on: { nodes: ['model.shop.int_customer_totals'] } });
    expect(manifest.parent_map['model.shop.stg_orders']).toEqual(['seed.shop.raw_orders']);
  });
});
