import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { CapturingReporter } from '../../../src/reporter/reporter.js';
import { makeProject, query, readRunResults, removeProjects, resultFor } from '../helpers.js';

afterAll(removeProjects);

const compiled = (dir: string, model: string) => readFileSync(join(dir, 'target', 'compiled', 'proj', 'models', `${model}.sql`), 'utf8');

describe("dbt's context in a real DuckDB build", () => {
  // docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros and .../dispatch
  it('builds a model with dbt.date_trunc, dbt.dateadd and adapter.dispatch to a project macro', async () => {
    const dir = makeProject({
      'macros/cents.sql': [
        "{% macro to_cents(col) %}{{ adapter.dispatch('to_cents')(col) }}{% endmacro %}",
        '{% macro default__to_cents(col) %}({{ col }} * 100){% endmacro %}',
        '{% macro duckdb__to_cents(col) %}cast({{ col }} * 100 as integer){% endmacro %}',
      ].join('\n'),
      'models/orders.sql': "select date '2024-03-17' as ordered_at, 12.5 as amount\n",
      'models/monthly.sql': [
        "{{ config(materialized='table') }}",
        'select',
        "  {{ dbt.date_trunc('month', 'ordered_at') }} as month,",
        "  {{ dbt.dateadd('day', 30, 'ordered_at') }} as due_at,",
        "  {{ dbt.datediff(\"date '2024-01-01'\", 'ordered_at', 'day') }} as days_in,",
        "  {{ dbt.last_day('ordered_at', 'month') }} as month_end,",
        "  {{ to_cents('amount') }} as cents,",
        "  cast(amount as {{ dbt.type_string() }}) as amount_text",
        "from {{ ref('orders') }}",
      ].join('\n'),
    });
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'monthly').status).toBe('success');
    const [row] = await query(dir, 'select cast(month as date)::varchar as month, cast(due_at as date)::varchar as due_at, days_in, month_end::varchar as month_end, cents, amount_text from main.monthly');
    expect(row).toEqual({ month: '2024-03-01', due_at: '2024-04-16', days_in: 76, month_end: '2024-03-31', cents: 1250, amount_text: '12.5' });
    expect(compiled(dir, 'monthly')).toContain('cast(amount * 100 as integer) as cents');
  });

  // docs.getdbt.com/reference/dbt-jinja-functions/run_query
  it('renders a model from run_query results at run time, and as at parse when execute is false', async () => {
    const dir = makeProject({
      'models/payments.sql': "select * from (values ('card', 10), ('cash', 5), ('gift', 1)) as t(method, amount)\n",
      'models/pivot.sql': [
        "-- depends_on: {{ ref('payments') }}",
        '{% set methods_query %}select distinct method from {{ ref("payments") }} order by 1{% endset %}',
        '{% set results = run_query(methods_query) %}',
        '{% if execute %}{% set methods = results.columns[0].values() %}{% else %}{% set methods = [] %}{% endif %}',
        'select',
        '{% for m in methods %}  sum(case when method = \'{{ m }}\' then amount else 0 end) as {{ m }}_amount,',
        '{% endfor %}  count(*) as n',
        "from {{ ref('payments') }}",
      ].join('\n'),
    });
    const outcome = await build({ projectDir: dir });
    expect(resultFor(outcome, 'pivot').status).toBe('success');
    expect(await query(dir, 'select * from main.pivot')).toEqual([{ card_amount: 10, cash_amount: 5, gift_amount: 1, n: 3 }]);
  });

  // docs.getdbt.com/reference/dbt-jinja-functions/statement-blocks, .../adapter
  it('answers statement / load_result and adapter introspection from the database', async () => {
    const reporter = new CapturingReporter();
    const dir = makeProject({
      'models/base.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'a' as name, 2.5 as score\n",
      'models/intro.sql': [
        "-- depends_on: {{ ref('base') }}",
        "{% call statement('n_rows', fetch_result=True) %}select count(*) as n from {{ ref('base') }}{% endcall %}",
        '{% if execute %}',
        "{% set n = load_result('n_rows')['data'][0][0] %}",
        "{% set rel = adapter.get_relation(database=none, schema='main', identifier='base') %}",
        "{% set missing = adapter.get_relation(database=none, schema='main', identifier='nope') %}",
        '{% set cols = adapter.get_columns_in_relation(rel) %}',
        "{{ log('base has ' ~ n ~ ' rows', info=True) }}",
        '{% else %}{% set n = 0 %}{% set rel = none %}{% set missing = none %}{% set cols = [] %}{% endif %}',
        "select {{ n }} as n, '{{ rel.type }}' as kind, {{ 'true' if missing is none else 'false' }} as missing_is_none,",
        "  '{% for c in cols %}{{ c.name }}:{{ c.dtype }}{% if not loop.last %},{% endif %}{% endfor %}' as cols",
      ].join('\n'),
    });
    const outcome = await build({ projectDir: dir, reporter });
    expect(resultFor(outcome, 'intro').status).toBe('success');
    expect(await query(dir, 'select * from main.intro')).toEqual([{ n: 1, kind: 'table', missing_is_none: true, cols: 'id:INTEGER,name:VARCHAR,score:DECIMAL(2,1)' }]);
    // logged once, from the completed render
    expect(reporter.logged.filter((line) => line === 'base has 1 rows')).toHaveLength(1);
  });

  // docs.getdbt.com/reference/dbt-jinja-functions/invocation_id, .../run_started_at
  it('gives invocation_id (as in run_results.json) and run_started_at, fresh on every build', async () => {
    const dir = makeProject({
      'models/stamp.sql': "select '{{ invocation_id }}' as id, '{{ run_started_at.strftime(\"%Y\") }}' as year, '{{ run_started_at.tzinfo }}' as tz\n",
    });
    await build({ projectDir: dir });
    const [row] = await query(dir, 'select * from main.stamp');
    expect(row.id).toBe(readRunResults(dir).metadata.invocation_id);
    expect(row.year).toBe(String(new Date().getUTCFullYear()));
    expect(row.tz).toBe('UTC');
  });

  // docs.getdbt.com/reference/dbt-jinja-functions/exceptions
  it('stops a model with the message given to exceptions.raise_compiler_error', async () => {
    const dir = makeProject({
      'models/bad.sql': "select 1 as x\n{% if execute %}{{ exceptions.raise_compiler_error('Invalid `x`. Got: ' ~ 3) }}{% endif %}\n",
    });
    const outcome = await build({ projectDir: dir });
    const result = resultFor(outcome, 'bad');
    expect(result.status).toBe('error');
    expect(result.message).toContain('models/bad.sql:2');
    expect(result.message).toContain('Invalid `x`. Got: 3');
  });
});
