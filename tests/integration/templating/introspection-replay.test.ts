// A template that introspects the database at run time (adapter.get_columns_in_relation, run_query)
// from a macro called by a generic test or a model: dops renders it again with each query's answer
// (src/templating/introspection.ts). These cases once re-rendered forever (dbt-utils'
// integration test `expect_table_columns_to_match_set` hung the build); each must finish, with
// dbt's result. Docs: https://docs.getdbt.com/reference/dbt-jinja-functions/adapter
// https://docs.getdbt.com/best-practices/writing-custom-generic-tests
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, query, removeProjects, resultFor } from '../helpers.js';

afterAll(removeProjects);

describe('run-time introspection from macros', () => {
  it('a generic test whose macro reads the columns of its model finishes and passes / fails as dbt', async () => {
    const dir = makeProject({
      'models/people.sql': "select 1 as id, 'a' as name\n",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: people',
        '    data_tests:',
        '      - columns_match:',
        '          column_list: ["id", "name"]',
        '      - columns_match:',
        '          column_list: ["id", "missing"]',
      ].join('\n'),
      'tests/generic/columns_match.sql': [
        '{%- test columns_match(model, column_list, transform="upper") -%}',
        '{%- if execute -%}',
        '  {%- set wanted = column_list | map(transform) | list -%}',
        '  {%- set actual = adapter.get_columns_in_relation(model) | map(attribute="name") | map(transform) | list -%}',
        "  select 'x' as problem where false",
        '  {%- for c in wanted if c not in actual %} union all select {{ "\'" ~ c ~ "\'" }}{% endfor %}',
        '  {%- for c in actual if c not in wanted %} union all select {{ "\'" ~ c ~ "\'" }}{% endfor %}',
        '{%- endif -%}',
        '{%- endtest -%}',
      ].join('\n'),
    });
    const outcome = await build({ projectDir: dir });
    const tests = outcome.results.filter((r) => r.uniqueId.startsWith('test.'));
    expect(tests.map((t) => t.status).sort()).toEqual(['fail', 'pass']);
  }, 60_000);

  it('a model made by a macro that runs two queries renders once with both answers', async () => {
    const dir = makeProject({
      'macros/describe.sql': [
        '{% macro describe(rel) %}',
        '  {%- set cols = adapter.get_columns_in_relation(rel) -%}',
        "  {%- set n = run_query('select count(*) from ' ~ rel).columns[0].values()[0] if execute else 0 -%}",
        "  select {{ cols | length }} as columns, {{ n }} as row_count",
        '{% endmacro %}',
      ].join('\n'),
      'models/src.sql': 'select * from range(3) t(i), (select 1 as j)\n',
      'models/described.sql': "-- depends_on: {{ ref('src') }}\n{{ describe(ref('src')) }}\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'described').status).toBe('success');
    expect(await query(dir, 'select * from main.described')).toEqual([{ columns: 2, row_count: 3 }]);
  }, 60_000);

  // https://docs.getdbt.com/reference/resource-configs/pre-hook-post-hook: hooks render when they run,
  // so a post-hook that drops its own relation (dbt-utils' integration project does) drops it after the build.
  it('a post-hook that introspects renders when it runs, after the build', async () => {
    const dir = makeProject({
      'models/dropped.sql': "{{ config(materialized='table', post_hook=\"{% do adapter.drop_relation(this.incorporate(type='table')) %}\") }}\nselect 1 as id\n",
      'models/kept.sql': "{{ config(materialized='table') }}\nselect 1 as id\n",
    });
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'dropped').status).toBe('success');
    expect(await query(dir, "select table_name from information_schema.tables where table_schema = 'main' and table_name <> 'dops_build_state' order by 1")).toEqual([{ table_name: 'kept' }]);
  }, 60_000);

  // https://docs.getdbt.com/reference/resource-configs/fail_calc: the failure count is fail_calc over the test's rows.
  it('a test counts its failures with its fail_calc', async () => {
    const dir = makeProject({
      'models/diffs.sql': 'select 0 as diff union all select 0\n',
      'models/diffs_b.sql': 'select 0 as diff union all select 0\n',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: diffs',
        '    data_tests:',
        '      - zero_sum',
        '  - name: diffs_b',
        '    data_tests:',
        '      - zero_sum:',
        '          config: {fail_calc: "count(*)"}',
      ].join('\n'),
      'tests/generic/zero_sum.sql': "{% test zero_sum(model) %}{{ config(fail_calc='sum(diff)') }}select diff from {{ model }}{% endtest %}",
    });
    const outcome = await build({ projectDir: dir });
    const tests = outcome.results.filter((r) => r.uniqueId.startsWith('test.'));
    expect(tests.map((t) => [t.status, t.failures]).sort()).toEqual([['fail', 2], ['pass', 0]]);
  }, 60_000);
});
