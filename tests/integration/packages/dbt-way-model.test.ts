/**
 * Issue 13's "done when": models written the way dbt users write them, with the real dbt-utils 1.4.1
 * and dbt-date 0.21.0 installed by `dops deps` from packages.yml, compile to the SQL dbt produces
 * and run, on DuckDB and on PostgreSQL (a throwaway server).
 *
 * The expected SQL is derived by hand from the macros' source: the packages' own files
 * (/work/shared/dbt-packages/dbt-utils/macros/sql/*.sql, dbt-date/macros/**), dbt's global project
 * (dbt-labs/dbt-adapters: dbt/include/global_project/macros/utils/{hash,concat,data_types,
 * dateadd,last_day,literal}.sql) and the adapters' overrides (duckdb/dbt-duckdb:
 * dbt/include/duckdb/macros/utils/{dateadd,datediff,lastday}.sql; dbt-labs/dbt-adapters:
 * dbt-postgres/.../macros/utils/{dateadd,datediff,last_day}.sql). Type names come from the base
 * adapter's `Column`: `translate_type` maps only `string` to `TEXT`, and an unsized string column's
 * `data_type` is `character varying(256)` (dbt-duckdb; dbt-postgres' `PostgresColumn` keeps `text`).
 * SQL is compared with whitespace normalised, as macros' indentation is not part of their output's
 * meaning. One documented dops difference remains: relations render as `"schema"."identifier"`
 * (README, "Schema, alias and database names"), where dbt writes `"database"."schema"."identifier"`.
 *
 * Docs: packages https://docs.getdbt.com/docs/build/packages; dbt-utils README
 * (https://github.com/dbt-labs/dbt-utils#star, #generate_surrogate_key, #date_spine, #pivot,
 * #get_column_values, #union_relations); dbt-date README (https://github.com/godatadriven/dbt-date#get_date_dimension);
 * cross-database macros https://docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, query, removeProjects, writeFile } from '../helpers.js';
import { addPostgresProfile, duckdbRows, pgQuery, postgresRows } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const shared = '/work/shared/dbt-packages';
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

const PROJECT: Record<string, string> = {
  'dbt_project.yml': `name: dbt_way
version: '1.0.0'
config-version: 2
profile: dbt_way
models:
  dbt_way:
    +materialized: table
`,
  // Hub ids, resolved through the local package index (no hub is reachable here).
  'packages.yml': `packages:
  - package: dbt-labs/dbt_utils
    version: [">=1.0.0", "<2.0.0"]
  - package: godatadriven/dbt_date
    version: [">=0.20.0", "<1.0.0"]
`,
  'seeds/orders_2023.csv': 'order_id,customer_id,status,amount,ordered_at\n1,10,placed,100,2023-12-30\n2,11,shipped,250,2023-12-31\n3,,returned,75,2023-12-31\n',
  'seeds/orders_2024.csv': 'order_id,customer_id,status,amount,ordered_at,channel\n4,10,shipped,120,2024-01-02,web\n5,12,shipped,80,2024-01-03,store\n6,11,placed,60,2024-01-03,web\n7,10,returned,40,2024-01-04,web\n',
  'models/all_orders.sql': "{{ dbt_utils.union_relations(relations=[ref('orders_2023'), ref('orders_2024')]) }}\n",
  'models/orders_slim.sql': "select {{ dbt_utils.star(from=ref('all_orders'), except=['_dbt_source_relation', 'channel']) }}\nfrom {{ ref('all_orders') }}\n",
  'models/orders_keyed.sql': "select\n    {{ dbt_utils.generate_surrogate_key(['order_id', 'customer_id']) }} as order_key,\n    order_id,\n    customer_id\nfrom {{ ref('orders_slim') }}\n",
  'models/status_by_customer.sql': "select\n    customer_id,\n    {{ dbt_utils.pivot('status', dbt_utils.get_column_values(ref('orders_slim'), 'status', order_by='value')) }}\nfrom {{ ref('orders_slim') }}\ngroup by customer_id\n",
  'models/order_days.sql': "{{ dbt_utils.date_spine(datepart=\"day\", start_date=\"cast('2023-12-30' as date)\", end_date=\"cast('2024-01-05' as date)\") }}\n",
  'models/dim_date.sql': "{{ dbt_date.get_date_dimension('2023-12-25', '2024-01-08') }}\n",
};

// No column_types: dops infers the seeds' columns as dbt does (dbt-adapters'
// SQLAdapter.convert_number_type: whole numbers `integer`; README, Seeds), so union_relations'
// casts match dbt's on both engines.
const MODELS = ['all_orders', 'orders_slim', 'orders_keyed', 'status_by_customer', 'order_days', 'dim_date'];
const RELATIONS = ['orders_2023', 'orders_2024', ...MODELS];

/** SQL with whitespace runs collapsed, and none inside parentheses or before a comma. */
function norm(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').replace(/\s+,/g, ',').trim();
}

/** A model's compiled SQL (target/compiled/<project>/models/<name>.sql), normalised. */
function compiled(dir: string, model: string): string {
  return norm(readFileSync(join(dir, 'target', 'compiled', 'dbt_way', 'models', `${model}.sql`), 'utf8'));
}

/** Runs `dops build` on a target through the CLI; every node must succeed. */
function buildOn(dir: string, target: string): void {
  let output = '';
  try {
    output = execFileSync('node', [cli, 'build', '--profiles-dir', '.', '--target', target, '--quiet'], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? error);
  }
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')).results as { unique_id: string; status: string; message?: string }[];
  expect(results.filter((r) => r.status !== 'success').map((r) => `${r.unique_id}: ${r.status} ${r.message ?? ''}`), output).toEqual([]);
  expect(results.map((r) => r.unique_id.split('.')[2]).sort()).toEqual([...RELATIONS].sort());
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

// dbt_utils.generate_surrogate_key: each field `coalesce(cast(f as <type_string>), '_dbt_utils_surrogate_key_null_')`,
// joined with `'-'` by dbt.concat (default__concat: `' || '`), hashed by dbt.hash (default__hash:
// `md5(cast(x as <translate_type('string')>))`); neither adapter overrides concat or hash.
const SURROGATE_KEY =
  "md5(cast(coalesce(cast(order_id as TEXT), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(customer_id as TEXT), '_dbt_utils_surrogate_key_null_') as TEXT)) as order_key";

// dbt_utils.pivot over get_column_values(order_by='value'): one `sum(case when ... then 1 else 0 end) as "<value>"` per value.
const PIVOT = ['placed', 'returned', 'shipped'].map((value) => `sum(case when status = '${value}' then 1 else 0 end) as "${value}"`).join(', ');

// dbt_utils.generate_series(6) (its own default__generate_series, powers of two: n = 3).
const SERIES_6 =
  'with p as (select 0 as generated_number union all select 1), unioned as (select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + p2.generated_number * power(2, 2) + 1 as generated_number from p as p0 cross join p as p1 cross join p as p2) select * from unioned where generated_number <= 6 order by generated_number';

/** dbt_utils.union_relations: one select per relation, each column cast to the superset's type. */
function unionShape(types: Record<string, string>): string {
  const part = (relation: string, hasChannel: boolean) => {
    const columns = ['order_id', 'customer_id', 'status', 'amount', 'ordered_at', 'channel'].map((c) => `cast(${c === 'channel' && !hasChannel ? 'null' : `"${c}"`} as ${types[c]}) as "${c}"`);
    return `(select cast('"main"."${relation}"' as TEXT) as _dbt_source_relation, /* No columns from any of the relations. This star is only output during dbt compile, and exists to keep SQLFluff happy. */ ${columns.join(', ')} from "main"."${relation}")`;
  };
  return `${part('orders_2023', false)} union all ${part('orders_2024', true)}`;
}

/** The shapes both engines share: star, surrogate key, pivot. */
function expectCommonShapes(dir: string): void {
  // dbt_utils.star: the relation's columns but the excepted ones, each `adapter.quote(col)`, joined by `,\n  `.
  expect(compiled(dir, 'orders_slim')).toBe('select "order_id", "customer_id", "status", "amount", "ordered_at" from "main"."all_orders"');
  expect(compiled(dir, 'orders_keyed')).toBe(`select ${SURROGATE_KEY}, order_id, customer_id from "main"."orders_slim"`);
  expect(compiled(dir, 'status_by_customer')).toBe(`select customer_id, ${PIVOT} from "main"."orders_slim" group by customer_id`);
}

afterAll(removeProjects);

describe.skipIf(!existsSync(shared))('a model written the dbt way, with dbt-utils and dbt-date', () => {
  const server = usePostgres();
  let dir: string;
  let dbname: string;
  beforeAll(async () => {
    dir = makeTempDir();
    for (const [path, contents] of Object.entries(PROJECT)) writeFile(dir, path, contents);
    dbname = await addPostgresProfile(server, dir, 'dbt_way');
    const installed = execFileSync('node', [cli, 'deps', '--package-index', shared], { cwd: dir, encoding: 'utf8' });
    expect(installed).toMatch(/dbt_utils.*1\.4\.1/);
    expect(installed).toMatch(/dbt_date.*0\.21\.0/);
  });

  // https://docs.getdbt.com/reference/commands/compile: compile "must run introspective queries".
  // Before anything is built, star and union_relations find no columns and write what they write
  // under `dbt compile` (flags.WHICH == 'compile'): a `*` with their SQLFluff comment.
  it('dops compile before a build: star and union_relations write their compile-time placeholders', () => {
    execFileSync('node', [cli, 'compile', '--profiles-dir', '.', '--target', 'dev', '-s', 'all_orders', 'orders_slim'], { cwd: dir, encoding: 'utf8' });
    expect(compiled(dir, 'orders_slim')).toBe(
      "select * /* No columns were returned. Maybe the relation doesn't exist yet or all columns were excluded. This star is only output during dbt compile, and exists to keep SQLFluff happy. */ from \"main\".\"all_orders\"",
    );
    expect(compiled(dir, 'all_orders')).toContain(norm('This star is only output during dbt compile, and exists to keep SQLFluff happy. */ * from "main"."orders_2023")'));
  });

  it('DuckDB: compiles to dbt-duckdb\'s SQL shape', () => {
    buildOn(dir, 'dev');
    expectCommonShapes(dir);
    // DuckDB's columns (DESCRIBE): INTEGER, VARCHAR (base Column: character varying(256)), DATE.
    expect(compiled(dir, 'all_orders')).toBe(
      unionShape({ order_id: 'INTEGER', customer_id: 'INTEGER', status: 'character varying(256)', amount: 'INTEGER', ordered_at: 'DATE', channel: 'character varying(256)' }),
    );
    // date_spine: get_intervals_between runs dbt.datediff (duckdb: date_diff over timestamps) = 6;
    // dbt.dateadd (duckdb): `(start + cast(n as bigint) * interval 1 day)`.
    expect(compiled(dir, 'order_days')).toBe(
      `with rawdata as (${SERIES_6}), all_periods as (select ((cast('2023-12-30' as date) + cast(row_number() over (order by generated_number) - 1 as bigint) * interval 1 day)) as date_day from rawdata), filtered as (select * from all_periods where date_day <= cast('2024-01-05' as date)) select * from filtered`,
    );
    const dim = compiled(dir, 'dim_date');
    for (const expression of [
      // get_base_dates: `cast('<date>' as <type_timestamp>)`, type_timestamp = translate_type('timestamp') = timestamp
      "(cast('2023-12-25' as timestamp) + cast((row_number() over (order by 1) - 1) as bigint) * interval 1 day)",
      "where date_day <= cast('2024-01-08' as timestamp)",
      'cast(d.date_day as timestamp) as date_day',
      // dbt.dateadd("year", -1, ...) and dbt_date.yesterday
      'cast((d.date_day + cast(-1 as bigint) * interval 1 year) as date) as prior_year_date_day',
      'cast((d.date_day + cast(-1 as bigint) * interval 1 day) as date) as prior_date_day',
      // dbt_date.day_of_week (duckdb) with dbt.type_int() = translate_type('integer') = integer
      "cast(date_part('dow', d.date_day) + 1 as integer) as day_of_week",
      "cast(date_part('isodow', d.date_day) as integer) as day_of_week_iso",
      // last_day (unprefixed: dbt's) -> duckdb__last_day -> default_last_day, and its quarter branch
      "cast(cast(((date_trunc('month', d.date_day) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date) as date) as month_end_date",
      "cast(-- duckdb dateadd does not support quarter interval. cast(((date_trunc('quarter', d.date_day) + cast(3 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date) as date) as quarter_end_date",
      "cast(date_trunc('quarter', d.date_day) as date) as quarter_start_date",
    ]) expect(dim, expression).toContain(norm(expression));
  });

  it('dops compile after the build renders the same SQL as the build, running the macros\' queries', () => {
    const before = Object.fromEntries(MODELS.map((model) => [model, compiled(dir, model)]));
    rmSync(join(dir, 'target', 'compiled'), { recursive: true });
    execFileSync('node', [cli, 'compile', '--profiles-dir', '.', '--target', 'dev'], { cwd: dir, encoding: 'utf8' });
    expect(Object.fromEntries(MODELS.map((model) => [model, compiled(dir, model)]))).toEqual(before);
  });

  it('DuckDB: the relations hold the expected rows', async () => {
    const rows = async (sql: string) => query(dir, sql);
    expect(await rows('select _dbt_source_relation as s, count(*) as n, count(channel) as c from main.all_orders group by 1 order by 1')).toEqual([
      { s: '"main"."orders_2023"', n: 3, c: 0 },
      { s: '"main"."orders_2024"', n: 4, c: 4 },
    ]);
    expect((await rows('select * from main.orders_slim limit 1')).map((r) => Object.keys(r))[0]).toEqual(['order_id', 'customer_id', 'status', 'amount', 'ordered_at']);
    // md5 of `order_id || '-' || customer_id`, a null as the placeholder, computed here independently.
    expect(await rows('select order_id, order_key from main.orders_keyed where order_id in (1, 3) order by 1')).toEqual([
      { order_id: 1, order_key: md5('1-10') },
      { order_id: 3, order_key: md5('3-_dbt_utils_surrogate_key_null_') },
    ]);
    expect(await rows('select customer_id, placed, returned, shipped from main.status_by_customer order by customer_id nulls last')).toEqual([
      { customer_id: 10, placed: 1, returned: 1, shipped: 1 },
      { customer_id: 11, placed: 1, returned: 0, shipped: 1 },
      { customer_id: 12, placed: 0, returned: 0, shipped: 1 },
      { customer_id: null, placed: 0, returned: 1, shipped: 0 },
    ]);
    // date_spine's end date is exclusive: 2023-12-30 .. 2024-01-04.
    expect((await rows("select strftime(min(date_day), '%Y-%m-%d') as lo, strftime(max(date_day), '%Y-%m-%d') as hi, count(*) as n from main.order_days"))[0]).toEqual({ lo: '2023-12-30', hi: '2024-01-04', n: 6 });
    const dim = await rows(
      "select strftime(date_day, '%Y-%m-%d') as d, day_of_week, day_of_week_iso, day_of_week_name, iso_year_week, strftime(week_start_date, '%Y-%m-%d') as ws, strftime(month_end_date, '%Y-%m-%d') as me, strftime(quarter_end_date, '%Y-%m-%d') as qe, year_number from main.dim_date where date_day in ('2023-12-31', '2024-01-01') order by 1",
    );
    expect(dim).toEqual([
      { d: '2023-12-31', day_of_week: 1, day_of_week_iso: 7, day_of_week_name: 'Sunday', iso_year_week: '2023-W52', ws: '2023-12-31', me: '2023-12-31', qe: '2023-12-31', year_number: 2023 },
      { d: '2024-01-01', day_of_week: 2, day_of_week_iso: 1, day_of_week_name: 'Monday', iso_year_week: '2024-W01', ws: '2023-12-31', me: '2024-01-31', qe: '2024-03-31', year_number: 2024 },
    ]);
    expect((await rows('select count(*) as n from main.dim_date'))[0]).toEqual({ n: 14 });
  });

  it('PostgreSQL: compiles to dbt-postgres\' SQL shape and holds the same rows', async () => {
    buildOn(dir, 'pg');
    expectCommonShapes(dir);
    // information_schema.columns: integer, text, date; PostgresColumn keeps `text` unsized.
    expect(compiled(dir, 'all_orders')).toBe(unionShape({ order_id: 'integer', customer_id: 'integer', status: 'text', amount: 'integer', ordered_at: 'date', channel: 'text' }));
    // dbt.dateadd (postgres): `start + ((interval '1 day') * (n))`.
    expect(compiled(dir, 'order_days')).toBe(
      `with rawdata as (${SERIES_6}), all_periods as (select (cast('2023-12-30' as date) + ((interval '1 day') * (row_number() over (order by generated_number) - 1))) as date_day from rawdata), filtered as (select * from all_periods where date_day <= cast('2024-01-05' as date)) select * from filtered`,
    );
    const dim = compiled(dir, 'dim_date');
    for (const expression of [
      "where date_day <= cast('2024-01-08' as timestamp)",
      "cast(d.date_day + ((interval '1 year') * (-1)) as date) as prior_year_date_day",
      // postgres__get_date_dimension's own quarter end, and last_day -> postgres__last_day -> default_last_day
      "cast(date_trunc('quarter', d.date_day) + ((interval '1 month') * (3)) + ((interval '1 day') * (-1)) as date) as quarter_end_date",
      "cast(cast(date_trunc('year', d.date_day) + ((interval '1 year') * (1)) + ((interval '1 day') * (-1)) as date) as date) as year_end_date",
      "to_char(d.date_day, 'FMDay') as day_of_week_name",
    ]) expect(dim, expression).toContain(norm(expression));

    for (const relation of RELATIONS.filter((r) => r !== 'dim_date')) {
      expect(await postgresRows(server, dbname, `main.${relation}`), relation).toEqual(await duckdbRows(dir, `main.${relation}`));
    }
    // dbt_date's postgres__get_date_dimension numbers day_of_week from Monday (ISO) and has no
    // day_of_week_iso or iso_year_week; every other column matches DuckDB's row for row.
    const skip = ['day_of_week', 'day_of_week_iso', 'iso_year_week'];
    const pgDim = await postgresRows(server, dbname, 'main.dim_date', skip);
    expect(pgDim).toHaveLength(14);
    expect(pgDim).toEqual(await duckdbRows(dir, 'main.dim_date', skip));
    expect(await pgQuery(server, "select day_of_week from main.dim_date where date_day = '2024-01-01'", dbname)).toEqual([{ day_of_week: 1 }]);
  });
});
