/**
 * `dops watch` as a real child process on a temp project: each step edits real files and waits for
 * the rebuild's summary line, then checks the output and target/run_results.json. The DuckDB file
 * is queried once the watcher has exited (it holds the file while it runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDops, deleteProjectFile, makeProject, query, removeProjects, runResults, startWatch, writeProjectFile, type DopsProcess } from './watch-helpers.js';

const PROJECT = {
  'dops_project.yml': `name: shop
models:
  shop:
    marts: {+materialized: table}
`,
  'seeds/raw_orders.csv': 'id,customer,amount\n1,ann,10\n2,bob,20\n3,ann,5\n',
  'macros/money.sql': '{% macro cents(column) %}({{ column }} * 100){% endmacro %}\n',
  'models/staging/stg_orders.sql': "select id, customer, {{ cents('amount') }} as amount_cents\nfrom {{ ref('raw_orders') }}\n",
  'models/staging/stg_customers.sql': "select distinct customer from {{ ref('raw_orders') }}\n",
  'models/marts/customer_totals.sql': "select customer, sum(amount_cents) as total_cents\nfrom {{ ref('stg_orders') }}\ngroup by customer\n",
  'models/marts/standalone.sql': 'select 42 as answer\n',
  'models/staging/_schema.yml': `version: 2
models:
  - name: stg_orders
    columns:
      - name: id
        data_tests: [unique, not_null]
  - name: customer_totals
    columns:
      - name: customer
        data_tests: [not_null]
`,
};

/** Unique ids of run results, without the hash suffix of generic test ids. */
const ids = (results: Record<string, string>) => Object.keys(results).map(withoutHash).sort();
const withoutHash = (id: string) => id.replace(/\.[0-9a-f]{10}$/, '');

describe('dops watch', () => {
  let dir: string;
  let watch: DopsProcess;
  let n = 0;
  /** Waits for the next summary line. */
  const next = () => watch.summary(n++);

  beforeAll(async () => {
    await compileDops();
    dir = makeProject(PROJECT);
    watch = startWatch(dir);
  });

  afterAll(async () => {
    await watch?.stop('SIGKILL');
    removeProjects();
  });

  it('builds the selection first, then watches', async () => {
    expect(await next()).toMatch(/^\[watch\] initial build: rebuilt 5 nodes, tests 3 passed 0 failed in \d+ ms$/);
    expect(watch.stdout).toContain('[watch] watching');
    expect(watch.stdout).toContain('OK created table main.customer_totals');
    expect(Object.keys(runResults(dir))).toHaveLength(8);
  });

  it('rebuilds a changed staging model, its downstream and their tests, and nothing else', async () => {
    writeProjectFile(dir, 'models/staging/stg_orders.sql', "select id, customer, {{ cents('amount') }} as amount_cents, 'web' as channel\nfrom {{ ref('raw_orders') }}\n");
    expect(await next()).toMatch(/^\[watch\] models\/staging\/stg_orders\.sql changed: rebuilt 2 nodes, tests 3 passed 0 failed in \d+ ms$/);
    expect(ids(runResults(dir))).toEqual([
      'model.shop.customer_totals',
      'model.shop.stg_orders',
      'test.shop.not_null_customer_totals_customer',
      'test.shop.not_null_stg_orders_id',
      'test.shop.unique_stg_orders_id',
    ]);
  });

  it('reports broken SQL like build does and keeps watching', async () => {
    writeProjectFile(dir, 'models/staging/stg_orders.sql', "select id, customer, no_such_column\nfrom {{ ref('raw_orders') }}\n");
    expect(await next()).toMatch(/stg_orders\.sql changed: rebuilt 0 of 2 nodes \(1 error, 1 skipped\), tests 0 passed 0 failed \(3 skipped\) in \d+ ms$/);
    expect(watch.stdout).toMatch(/Database error in model stg_orders \(compiled SQL: target\/compiled\/shop\/models\/staging\/stg_orders\.sql:1\): Binder Error/);
    expect(runResults(dir)['model.shop.stg_orders']).toBe('error');
  });

  it('reports a template error with file and line and keeps watching', async () => {
    writeProjectFile(dir, 'models/staging/stg_orders.sql', "select id, customer\nfrom {{ ref('raw_orders' }}\n");
    expect(await next()).toMatch(/stg_orders\.sql changed: project error, nothing rebuilt in \d+ ms/);
    expect(watch.stderr).toMatch(/Error: models\/staging\/stg_orders\.sql:2(:\d+)?: Template syntax error/);
    expect(watch.child.exitCode).toBeNull();
  });

  it('recovers on the next good save', async () => {
    writeProjectFile(dir, 'models/staging/stg_orders.sql', "select id, customer, {{ cents('amount') }} as amount_cents\nfrom {{ ref('raw_orders') }}\n");
    expect(await next()).toMatch(/stg_orders\.sql changed: rebuilt 2 nodes, tests 3 passed 0 failed in \d+ ms$/);
  });

  it('debounces a burst of saves into one rebuild', async () => {
    writeProjectFile(dir, 'models/marts/standalone.sql', 'select 43 as answer\n');
    writeProjectFile(dir, 'models/staging/stg_customers.sql', "select distinct customer, 1 as one from {{ ref('raw_orders') }}\n");
    expect(await next()).toMatch(/: rebuilt 2 nodes, tests 0 passed 0 failed in \d+ ms$/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(watch.summaries).toHaveLength(n);
  });

  it('builds a new model', async () => {
    writeProjectFile(dir, 'models/marts/big_customers.sql', "select * from {{ ref('customer_totals') }} where total_cents > 1000\n");
    expect(await next()).toMatch(/^\[watch\] models\/marts\/big_customers\.sql added: rebuilt 1 node, tests 0 passed 0 failed in \d+ ms$/);
    expect(ids(runResults(dir))).toEqual(['model.shop.big_customers']);
  });

  it('drops the relation of a deleted model and tells the user', async () => {
    deleteProjectFile(dir, 'models/marts/big_customers.sql');
    expect(await next()).toMatch(/big_customers\.sql deleted: dropped main\.big_customers; nothing to rebuild in \d+ ms$/);
    expect(watch.stdout).toContain('[watch] dropped main.big_customers (models/marts/big_customers.sql no longer defines model big_customers)');
  });

  it('fails the dependants of a deleted model with the unknown-ref error, and rebuilds them when it returns', async () => {
    deleteProjectFile(dir, 'models/staging/stg_orders.sql');
    expect(await next()).toMatch(/stg_orders\.sql deleted: dropped main\.stg_orders; project error, nothing rebuilt in \d+ ms/);
    expect(watch.stderr).toContain("Model 'customer_totals' depends on 'stg_orders', which was not found");
    writeProjectFile(dir, 'models/staging/stg_orders.sql', "select id, customer, {{ cents('amount') }} as amount_cents\nfrom {{ ref('raw_orders') }}\n");
    expect(await next()).toMatch(/stg_orders\.sql added: rebuilt 2 nodes, tests 3 passed 0 failed in \d+ ms$/);
  });

  it('rebuilds the users of an edited macro', async () => {
    writeProjectFile(dir, 'macros/money.sql', '{% macro cents(column) %}({{ column }} * 1000){% endmacro %}\n');
    expect(await next()).toMatch(/^\[watch\] macros\/money\.sql changed: rebuilt 2 nodes, tests 3 passed 0 failed in \d+ ms$/);
    expect(ids(runResults(dir)).filter((id) => id.startsWith('model.'))).toEqual(['model.shop.customer_totals', 'model.shop.stg_orders']);
  });

  it('re-runs tests when schema YAML changes', async () => {
    writeProjectFile(dir, 'models/staging/_schema.yml', `${PROJECT['models/staging/_schema.yml']}  - name: stg_customers
    columns:
      - name: customer
        data_tests:
          - accepted_values: {values: [ann]}
`);
    // stg_customers gained documented columns (rebuilt) and a new test (run, and failing: bob)
    expect(await next()).toMatch(/_schema\.yml changed: rebuilt 1 node, tests 0 passed 1 failed in \d+ ms$/);
    expect(ids(runResults(dir))).toEqual(['model.shop.stg_customers', 'test.shop.accepted_values_stg_customers_customer__ann']);
    writeProjectFile(dir, 'models/staging/_schema.yml', `${PROJECT['models/staging/_schema.yml']}  - name: stg_customers
    columns:
      - name: customer
        data_tests:
          - accepted_values: {values: [ann, bob]}
`);
    // only the test changed
    expect(await next()).toMatch(/_schema\.yml changed: rebuilt 0 nodes, tests 1 passed 0 failed in \d+ ms$/);
    expect(ids(runResults(dir))).toEqual(['test.shop.accepted_values_stg_customers_customer__ann__bob']);
  });

  it('exits 0 on SIGINT, with the database closed and the last rebuild in it', async () => {
    expect(await watch.stop('SIGINT')).toBe(0);
    expect(watch.stdout).toContain('[watch] stopped');
    expect(await query(dir, 'select customer, total_cents from main.customer_totals order by customer')).toEqual([
      { customer: 'ann', total_cents: 15000 },
      { customer: 'bob', total_cents: 20000 },
    ]);
    expect(await query(dir, "select count(*) as n from information_schema.tables where table_name = 'big_customers'")).toEqual([{ n: 0 }]);
    expect(await query(dir, 'select answer from main.standalone')).toEqual([{ answer: 43 }]);
  });
});
