/**
 * dbt unit tests (https://docs.getdbt.com/docs/build/unit-tests,
 * https://docs.getdbt.com/reference/resource-properties/unit-tests,
 * https://docs.getdbt.com/reference/resource-properties/unit-test-input,
 * https://docs.getdbt.com/reference/resource-properties/unit-test-overrides): every input format,
 * overrides, `this` on an incremental model, gating in build, selection, artifacts, and running
 * with no database file at all (dops's in-memory DuckDB).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, list, test } from '../../../src/api/commands.js';
import { caught, makeProject, readJson, readRunResults, removeProjects, statuses } from '../helpers.js';

afterAll(removeProjects);

const MODELS = {
  'seeds/raw_orders.csv': 'id,customer_id,amount,status\n1,10,5.5,open\n2,10,4.5,cancelled\n3,20,7,open\n',
  'models/stg_orders.sql': "select id, customer_id, amount, status from {{ ref('raw_orders') }}",
  'models/customer_totals.sql': "{{ config(materialized='table') }}\nselect customer_id, sum(amount) as total, count(*) as n from {{ ref('stg_orders') }} where status <> '{{ var(\"skip_status\", \"cancelled\") }}' group by customer_id",
  'models/child.sql': "select customer_id, total from {{ ref('customer_totals') }}",
  'models/labelled.sql': "select id, '{{ env_var(\"DOPS_UT_REGION\", \"eu\") }}' as region, {{ flag_value() }} as flag from {{ ref('stg_orders') }}",
  'macros/flag_value.sql': '{% macro flag_value() %}1{% endmacro %}',
  'models/from_source.sql': "select c.id, c.name, o.total from {{ source('crm', 'customers') }} c join {{ ref('customer_totals') }} o on o.customer_id = c.id",
  'models/fact_incr.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect id, amount from {{ ref('stg_orders') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
  'models/sources.yml': `version: 2
sources:
  - name: crm
    tables:
      - name: customers
        columns:
          - name: id
            data_type: integer
          - name: name
            data_type: varchar
          - name: country
            data_type: varchar
`,
  'tests/fixtures/orders_fixture.csv': 'id,customer_id,amount,status\n1,10,1.25,open\n2,10,2.75,open\n',
  'tests/fixtures/totals_fixture.csv': 'customer_id,total\n10,4.0\n',
  'tests/fixtures/orders_sql.sql': "select 1 as id, 30 as customer_id, 2.0 as amount, 'open' as status",
};

const UNIT = `version: 2
unit_tests:
  - name: totals_dict
    description: sums open orders per customer
    model: customer_totals
    config: {tags: [fast]}
    given:
      - input: ref('stg_orders')
        rows:
          - {id: 1, customer_id: 10, amount: 5, status: open}
          - {id: 2, customer_id: 10, amount: 3, status: cancelled}
          - {id: 3, customer_id: 20, amount: 7, status: open}
    expect:
      rows:
        - {customer_id: 20, total: 7}
        - {customer_id: 10, total: 5}
  - name: totals_csv
    model: customer_totals
    given:
      - input: ref('stg_orders')
        format: csv
        rows: |
          id,customer_id,amount,status
          1,10,5,open
          2,10,1,open
    expect:
      format: csv
      rows: |
        customer_id,total,n
        10,6,2
  - name: totals_fixture
    model: customer_totals
    given:
      - input: ref('stg_orders')
        format: csv
        fixture: orders_fixture
    expect:
      format: csv
      fixture: totals_fixture
  - name: totals_sql
    model: customer_totals
    given:
      - input: ref('stg_orders')
        format: sql
        fixture: orders_sql
    expect:
      format: sql
      rows: select 30 as customer_id, 2.0 as total
  - name: totals_vars
    model: customer_totals
    overrides:
      vars: {skip_status: open}
    given:
      - input: ref('stg_orders')
        rows:
          - {id: 1, customer_id: 10, amount: 5, status: open}
          - {id: 2, customer_id: 10, amount: 3, status: cancelled}
    expect:
      rows:
        - {customer_id: 10, total: 3}
  - name: labelled_overrides
    model: labelled
    overrides:
      macros: {flag_value: 42}
      env_vars: {DOPS_UT_REGION: us}
    given:
      - input: ref('stg_orders')
        rows: [{id: 1}]
    expect:
      rows: [{id: 1, region: us, flag: 42}]
  - name: from_source_nulls
    model: from_source
    given:
      - input: source('crm', 'customers')
        rows: [{id: 10, name: Ann}]
      - input: ref('customer_totals')
        rows: [{customer_id: 10, total: 3}]
    expect:
      rows: [{id: 10, name: Ann, total: 3}]
  - name: incr_new_rows
    model: fact_incr
    overrides:
      macros: {is_incremental: true}
    given:
      - input: ref('stg_orders')
        rows: [{id: 1, amount: 1}, {id: 2, amount: 2}, {id: 3, amount: 3}]
      - input: this
        rows: [{id: 2, amount: 2}]
    expect:
      rows: [{id: 3, amount: 3}]
  - name: incr_full
    model: fact_incr
    given:
      - input: ref('stg_orders')
        rows: [{id: 1, amount: 1}, {id: 2, amount: 2}]
      - input: this
        rows: [{id: 2, amount: 2}]
    expect:
      rows: [{id: 2, amount: 2}, {id: 1, amount: 1}]
`;

describe('unit tests', () => {
  it('pass in every input format with overrides and this, on no database file (dops test -s test_type:unit)', async () => {
    const dir = makeProject({ ...MODELS, 'models/unit.yml': UNIT });
    const outcome = await test({ projectDir: dir, select: ['test_type:unit'] });
    const byName = statuses(outcome);
    expect(byName).toEqual({ totals_dict: 'pass', totals_csv: 'pass', totals_fixture: 'pass', totals_sql: 'pass', totals_vars: 'pass', labelled_overrides: 'pass', from_source_nulls: 'pass', incr_new_rows: 'pass', incr_full: 'pass' });
    expect(outcome.success).toBe(true);
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
    const results = readRunResults(dir).results;
    expect(results.find((r) => r.unique_id === 'unit_test.proj.customer_totals.totals_dict')?.status).toBe('pass');
    const manifest = readJson(dir, 'target/manifest.json');
    const node = manifest.unit_tests['unit_test.proj.customer_totals.totals_dict'];
    expect(node).toMatchObject({ resource_type: 'unit_test', model: 'customer_totals', depends_on: { nodes: ['model.proj.customer_totals'] }, tags: ['fast'] });
    expect(node.given[0]).toMatchObject({ input: "ref('stg_orders')", format: 'dict' });
    expect(manifest.nodes['unit_test.proj.customer_totals.totals_dict']).toBeUndefined();
  });

  it('a failure shows the differing rows, in the result, run_results.json and JUnit', async () => {
    const failing = UNIT.replace('        - {customer_id: 20, total: 7}\n', '        - {customer_id: 20, total: 8}\n');
    const dir = makeProject({ ...MODELS, 'models/unit.yml': failing });
    const junit = join(dir, 'junit.xml');
    const outcome = await test({ projectDir: dir, select: ['unit_test:totals_dict'], junit });
    expect(outcome.success).toBe(false);
    const result = outcome.results[0];
    expect(result.status).toBe('fail');
    expect(result.failures).toBe(2);
    expect(result.message).toMatch(/\| ---\s+\|\s+20\s+\|\s+8/);
    expect(result.message).toMatch(/\| \+\+\+\s+\|\s+20\s+\|\s+7/);
    expect(readRunResults(dir).results[0]).toMatchObject({ status: 'fail', unique_id: 'unit_test.proj.customer_totals.totals_dict' });
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('classname="unit_test.proj"');
    expect(xml).toContain('<failure');
  });

  it('gates its model in build: a failing unit test skips the model and its descendants', async () => {
    const failing = UNIT.replace('        - {customer_id: 20, total: 7}\n', '        - {customer_id: 20, total: 8}\n');
    const dir = makeProject({ ...MODELS, 'models/unit.yml': failing });
    const outcome = await build({ projectDir: dir, select: ['+child'] });
    const byName = statuses(outcome);
    expect(byName.totals_dict).toBe('fail');
    expect(byName.totals_csv).toBe('pass');
    expect(byName.stg_orders).toBe('success');
    expect(byName.customer_totals).toBe('skipped');
    expect(byName.child).toBe('skipped');
    const order = outcome.results.map((r) => r.uniqueId);
    expect(order.indexOf('unit_test.proj.customer_totals.totals_csv')).toBeLessThan(order.indexOf('model.proj.customer_totals'));
  });

  it('build passes and runs the unit tests before their model', async () => {
    const dir = makeProject({ ...MODELS, 'models/unit.yml': UNIT });
    const outcome = await build({ projectDir: dir, select: ['+child', 'fact_incr'] });
    expect(outcome.success).toBe(true);
    const order = outcome.results.map((r) => r.uniqueId);
    expect(order.indexOf('unit_test.proj.fact_incr.incr_new_rows')).toBeLessThan(order.indexOf('model.proj.fact_incr'));
    expect(statuses(outcome).incr_new_rows).toBe('pass');
  });

  it('selection: model name, test_type, resource_type, unit_test:, exclude', () => {
    const dir = makeProject({ ...MODELS, 'models/unit.yml': UNIT });
    const names = (options: Parameters<typeof list>[0]) => list({ projectDir: dir, ...options }).map((n) => n.name).sort();
    expect(names({ select: ['customer_totals'], resourceTypes: ['unit_test'] })).toEqual(['totals_csv', 'totals_dict', 'totals_fixture', 'totals_sql', 'totals_vars']);
    expect(names({ select: ['unit_test:incr_*'] })).toEqual(['incr_full', 'incr_new_rows']);
    expect(names({ select: ['resource_type:unit_test', 'tag:fast'] }).length).toBe(9);
    expect(names({ select: ['tag:fast'] })).toEqual(['totals_dict']);
    expect(names({ select: ['test_type:data'] })).toEqual([]);
    expect(names({ select: ['test_type:unit'], exclude: ['customer_totals'] })).toEqual(['from_source_nulls', 'incr_full', 'incr_new_rows', 'labelled_overrides']);
  });

  const bad = async (unit: string, extra: Record<string, string> = {}) => {
    const dir = makeProject({ ...MODELS, 'models/unit.yml': unit, ...extra });
    return caught(() => test({ projectDir: dir }));
  };
  const messages = (error: any): string => [error.message, ...(error.errors ?? []).map((e: any) => `${e.location?.file}:${e.location?.line}: ${e.message}`), `${error.location?.file}:${error.location?.line}`].join('\n');

  it('bad input: unknown model, input not a parent, unknown columns, unparsable CSV, missing fixture', async () => {
    expect(messages(await bad(`unit_tests:\n  - name: t\n    model: customer_totalz\n    given: []\n    expect: {rows: []}\n`))).toMatch(/models\/unit.yml:2.*customer_totalz', which was not found|not found[\s\S]*models\/unit.yml:2/);
    expect(messages(await bad(`unit_tests:\n  - name: t\n    model: customer_totals\n    given:\n      - input: ref('child')\n        rows: []\n    expect: {rows: []}\n`))).toMatch(/models\/unit.yml:5: .*input ref\('child'\) is not a ref or source of model 'customer_totals'/);
    expect(messages(await bad(`unit_tests:\n  - name: t\n    model: from_source\n    given:\n      - input: source('crm', 'customers')\n        rows: [{id: 1, nmae: x}]\n      - input: ref('customer_totals')\n        rows: []\n    expect: {rows: []}\n`))).toMatch(/'nmae'[\s\S]*models\/unit.yml:5/);
    expect(messages(await bad(`unit_tests:\n  - name: t\n    model: customer_totals\n    given:\n      - input: ref('stg_orders')\n        format: csv\n        rows: |\n          id,amount\n          1,"2\n    expect: {rows: []}\n`))).toMatch(/Cannot read CSV rows[\s\S]*models\/unit.yml:\d+/);
    expect(messages(await bad(`unit_tests:\n  - name: t\n    model: customer_totals\n    given:\n      - input: ref('stg_orders')\n        format: csv\n        fixture: nope\n    expect: {rows: []}\n`))).toMatch(/Fixture 'nope' not found[\s\S]*models\/unit.yml:7/);
  });
});
