import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, test as runTests } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeProject, readRunResults, removeProjects, resultFor, statuses } from '../helpers.js';

const ITEMS = `{{ config(materialized='table') }}
select * from (values
  (1, 'red', 10, 1),
  (2, 'green', 20, 2),
  (3, 'blue', null, 2),
  (3, 'purple', 40, 9)
) as t(id, color, price, category_id)
`;

const CATEGORIES = `select * from (values (1, 'a'), (2, 'b')) as t(category_id, label)\n`;

/** Every generic test, once passing and once failing; custom names keep variants apart. */
const SCHEMA = `version: 2
models:
  - name: items
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
      - name: color
        data_tests:
          - unique
          - not_null
          - accepted_values:
              name: color_primary
              values: ['red', 'green', 'blue']
          - accepted_values:
              name: color_all
              values: ['red', 'green', 'blue', 'purple']
      - name: price
        data_tests:
          - not_null
          - not_null:
              name: price_not_null_where
              config:
                where: "color <> 'blue'"
      - name: category_id
        data_tests:
          - accepted_values:
              name: category_unquoted_pass
              values: [1, 2, 9]
              quote: false
          - accepted_values:
              name: category_unquoted_fail
              values: [1, 2]
              quote: false
          - relationships:
              to: ref('categories')
              field: category_id
          - relationships:
              name: category_fk_where
              to: ref('categories')
              field: category_id
              config:
                where: "category_id < 9"
  - name: categories
    columns:
      - name: category_id
        tests:
          - unique
          - not_null
`;

describe('generic and singular data tests', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject({
      'models/items.sql': ITEMS,
      'models/categories.sql': CATEGORIES,
      'models/schema.yml': SCHEMA,
      'tests/assert_prices_positive.sql': `select * from {{ ref('items') }} where price <= 0\n`,
      'tests/assert_no_duplicate_ids.sql': `select id from {{ ref('items') }} group by id having count(*) > 1\n`,
      'tests/assert_prices_below_20.sql': `-- 20 and 40 are too expensive; the null price is not\nselect * from {{ ref('items') }} where price >= 20\n`,
    });
    outcome = await build({ projectDir: dir, reporter: new CapturingReporter() });
  });
  afterAll(removeProjects);

  const expectPass = (name: string) => {
    const result = resultFor(outcome, name);
    expect(result.status, `${name}: ${result.message}`).toBe('pass');
    expect(result.failures).toBe(0);
  };
  const expectFail = (name: string, failures: number) => {
    const result = resultFor(outcome, name);
    expect(result.status, `${name}: ${result.message}`).toBe('fail');
    expect(result.failures).toBe(failures);
    expect(result.message).toBe(`Got ${failures} result${failures === 1 ? '' : 's'}, configured to fail if != 0`);
  };

  it('unique: passes on distinct values, fails with one row per duplicated value', () => {
    expectPass('unique_items_color');
    expectPass('unique_categories_category_id');
    expectFail('unique_items_id', 1);
  });

  it('not_null: passes without nulls, fails with the number of null rows', () => {
    expectPass('not_null_items_id');
    expectPass('not_null_items_color');
    expectFail('not_null_items_price', 1);
  });

  it('not_null with a where config only looks at the filtered rows', () => {
    expectPass('price_not_null_where');
  });

  it('accepted_values: quoted strings pass and fail', () => {
    expectPass('color_all');
    expectFail('color_primary', 1);
  });

  it('accepted_values with quote: false compares numbers', () => {
    expectPass('category_unquoted_pass');
    expectFail('category_unquoted_fail', 1);
  });

  it('relationships: fails for orphans, passes when where drops them', () => {
    expectFail('relationships_items_category_id__category_id__ref_categories_', 1);
    expectPass('category_fk_where');
  });

  it('the relationships test depends on both models', () => {
    const test = outcome.project.manifest.get(resultFor(outcome, 'category_fk_where').uniqueId);
    expect(test.resourceType === 'test' && [...test.dependsOn.nodes].sort()).toEqual(['model.proj.categories', 'model.proj.items']);
  });

  it('singular tests pass when they return no rows and fail with the row count', () => {
    expectPass('assert_prices_positive');
    expectFail('assert_no_duplicate_ids', 1);
    expectFail('assert_prices_below_20', 2);
  });

  it('counts failed tests as errors and the run as unsuccessful', () => {
    expect(outcome.success).toBe(false);
    // 2 models and 17 tests, 7 of which fail
    expect(outcome.summary).toMatchObject({ pass: 12, warn: 0, error: 7, skip: 0, total: 19 });
  });

  it('records failures and compiled paths in run_results.json', () => {
    const entry = readRunResults(dir).results.find((r) => r.unique_id === resultFor(outcome, 'not_null_items_price').uniqueId)!;
    expect(entry).toMatchObject({ status: 'fail', failures: 1 });
    expect(entry.compiled_path).toBe('target/compiled/proj/models/schema.yml/not_null_items_price.sql');
  });

  it('compiles a where config into a filtered subquery', () => {
    const result = resultFor(outcome, 'category_fk_where');
    expect(result.compiledPath).toBe('target/compiled/proj/models/schema.yml/category_fk_where.sql');
    const sql = readFileSync(join(dir, result.compiledPath!), 'utf8');
    expect(sql).toContain('(select * from "main"."items" where category_id < 9) dbt_subquery');
    expect(sql).toContain('from "main"."categories"');
  });
});

describe('severity warn', () => {
  let dir: string;
  let outcome: RunOutcome;

  beforeAll(async () => {
    dir = makeProject({
      'models/items.sql': ITEMS,
      'models/items_child.sql': `select count(*) as n from {{ ref('items') }}\n`,
      'models/schema.yml': `version: 2
models:
  - name: items
    columns:
      - name: price
        data_tests:
          - not_null:
              config:
                severity: warn
      - name: id
        data_tests:
          - unique:
              severity: warn
`,
      'tests/warn_expensive.sql': `{{ config(severity='warn') }}\nselect * from {{ ref('items') }} where price > 15\n`,
    });
    outcome = await build({ projectDir: dir, reporter: new CapturingReporter() });
  });
  afterAll(removeProjects);

  it('reports failing warn tests as warn, with their failure count', () => {
    expect(resultFor(outcome, 'not_null_items_price')).toMatchObject({ status: 'warn', failures: 1, message: 'Got 1 result, configured to warn if != 0' });
    expect(resultFor(outcome, 'unique_items_id')).toMatchObject({ status: 'warn', failures: 1 });
    expect(resultFor(outcome, 'warn_expensive')).toMatchObject({ status: 'warn', failures: 2, message: 'Got 2 results, configured to warn if != 0' });
  });

  it('keeps the run successful and does not skip children', () => {
    expect(outcome.success).toBe(true);
    expect(resultFor(outcome, 'items_child').status).toBe('success');
    expect(outcome.summary).toMatchObject({ pass: 2, warn: 3, error: 0, skip: 0, total: 5 });
  });

  it('writes warn to run_results.json', () => {
    const warns = readRunResults(dir).results.filter((r) => r.status === 'warn');
    expect(warns).toHaveLength(3);
  });

  it('`test` on already built relations gives the same statuses', async () => {
    const again = await runTests({ projectDir: dir });
    expect(statuses(again)).toEqual({ not_null_items_price: 'warn', unique_items_id: 'warn', warn_expensive: 'warn' });
    expect(again.success).toBe(true);
  });
});
