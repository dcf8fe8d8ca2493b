import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, seed } from '../../../src/api/commands.js';
import { makeProject, query, relations, removeProjects, resultFor, statuses, writeFile } from '../helpers.js';

afterAll(removeProjects);

async function columnTypes(dir: string, table: string): Promise<Record<string, string>> {
  const rows = await query(dir, `select column_name, data_type from information_schema.columns where table_name = '${table}' order by ordinal_position`);
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.data_type)]));
}

describe('seeds', () => {
  it('infers column types, and column_types overrides them', async () => {
    const csv = 'id,code,amount,day\n1,7,1.5,2024-01-02\n2,42,2.25,2024-01-03\n';
    const dir = makeProject({
      'seeds/inferred.csv': csv,
      'seeds/typed.csv': csv,
      'seeds/props.yml': "version: 2\nseeds:\n  - name: typed\n    config:\n      column_types:\n        id: VARCHAR\n        code: VARCHAR\n        amount: 'DECIMAL(10,2)'\n",
    });
    const outcome = await seed({ projectDir: dir });
    expect(statuses(outcome)).toEqual({ inferred: 'success', typed: 'success' });
    expect(await columnTypes(dir, 'inferred')).toEqual({ id: 'INTEGER', code: 'INTEGER', amount: 'DOUBLE', day: 'DATE' });
    expect(await columnTypes(dir, 'typed')).toEqual({ id: 'VARCHAR', code: 'VARCHAR', amount: 'DECIMAL(10,2)', day: 'DATE' });
    expect(await query(dir, 'select id, code from typed order by code')).toEqual([{ id: '2', code: '42' }, { id: '1', code: '7' }]);
  });

  // dbt types seed columns with agate (dbt-common clients/agate_helper.py build_type_tester) and
  // dbt-adapters' SQLAdapter.convert_*_type, which dbt-duckdb keeps; dbt-duckdb creates the table
  // with those types and copies the CSV in (dbt-duckdb macros/seed.sql, duckdb__load_csv_rows).
  it('types every kind of column as dbt-duckdb does', async () => {
    const dir = makeProject({
      'seeds/kinds.csv': [
        'whole,normalized,decimal,flag,day,at,iso,word,clock,empty,yes_no',
        '1,1.0,1.5,true,2024-01-02,2024-01-02 10:00:00,2024-01-02T10:00:00,a,10:00:00,,yes',
        '-2,1e3,2,False,2024-1-3,2024-01-03 11:30:00,2024-01-03T11:30:00.250Z,b,11:00:00,,no',
        ',,,,,,,,,,',
      ].join('\n') + '\n',
    });
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ kinds: 'success' });
    expect(await columnTypes(dir, 'kinds')).toEqual({
      whole: 'INTEGER', // convert_number_type: no decimal places -> "integer"
      normalized: 'INTEGER', // agate MaxPrecision normalizes: 1.0 and 1e3 have none
      decimal: 'DOUBLE', // "float8"
      flag: 'BOOLEAN', // agate Boolean: true / false in any case
      day: 'DATE', // agate Date, %Y-%m-%d
      at: 'TIMESTAMP', // agate DateTime %Y-%m-%d %H:%M:%S -> "timestamp without time zone"
      iso: 'TIMESTAMP', // dbt-common ISODateTime
      word: 'VARCHAR', // "text"
      clock: 'VARCHAR', // no time type in dbt's tester
      empty: 'INTEGER', // agate Number over nulls: no decimal places
      yes_no: 'VARCHAR', // dbt's Boolean takes only true / false
    });
    expect(await query(dir, 'select whole, normalized, decimal, flag, day::varchar as day, "at"::varchar as "at", iso::varchar as iso, empty from kinds order by whole nulls last')).toEqual([
      { whole: -2, normalized: 1000, decimal: 2, flag: false, day: '2024-01-03', at: '2024-01-03 11:30:00', iso: '2024-01-03 11:30:00.25', empty: null },
      { whole: 1, normalized: 1, decimal: 1.5, flag: true, day: '2024-01-02', at: '2024-01-02 10:00:00', iso: '2024-01-02 10:00:00', empty: null },
      { whole: null, normalized: null, decimal: null, flag: null, day: null, at: null, iso: null, empty: null },
    ]);
  });

  it('whole numbers past 32 bits anywhere in the column load as BIGINT (dbt would fail to copy them into its integer column)', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => String(i)).join('\n');
    const dir = makeProject({ 'seeds/wide.csv': `id,n\n${rows}\n5000,2147483648\n`.replace(/^(\d+)$/gm, '$1,$1') });
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ wide: 'success' });
    expect(await columnTypes(dir, 'wide')).toEqual({ id: 'INTEGER', n: 'BIGINT' });
    expect(await query(dir, 'select max(n)::varchar as n from wide')).toEqual([{ n: '2147483648' }]);
  });

  it('the delimiter config splits fields before types are inferred (https://docs.getdbt.com/reference/resource-configs/delimiter)', async () => {
    const dir = makeProject({
      'seeds/piped.csv': 'id|name|rate\n1|a, b|0.5\n2|c|1\n',
      'seeds/props.yml': "version: 2\nseeds:\n  - name: piped\n    config:\n      delimiter: '|'\n",
    });
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ piped: 'success' });
    expect(await columnTypes(dir, 'piped')).toEqual({ id: 'INTEGER', name: 'VARCHAR', rate: 'DOUBLE' });
    expect(await query(dir, 'select name from piped order by id')).toEqual([{ name: 'a, b' }, { name: 'c' }]);
  });

  it('quote_columns leaves column names as written on DuckDB, which keeps the case of unquoted names too (https://docs.getdbt.com/reference/resource-configs/quote_columns)', async () => {
    const dir = makeProject({
      'seeds/quoted.csv': 'Code,Population\nnl,17\n',
      'seeds/unquoted.csv': 'Code,Population\nnl,17\n',
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: quoted\n    config: {quote_columns: true}\n  - name: unquoted\n    config: {quote_columns: false}\n',
    });
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ quoted: 'success', unquoted: 'success' });
    expect(await columnTypes(dir, 'quoted')).toEqual({ Code: 'VARCHAR', Population: 'INTEGER' });
    expect(await columnTypes(dir, 'unquoted')).toEqual({ Code: 'VARCHAR', Population: 'INTEGER' });
  });

  // dbt ignores a column_types key naming no column: agate's TypeTester.run warns and skips it
  // (agate agate/type_tester.py), and dbt-adapters' default__create_csv_table looks overrides up by
  // header name. dops loads the seed and warns once, naming the file and the key.
  it('a column_types key naming no column of the header is ignored, with a warning naming the seed file and the key', async () => {
    const dir = makeProject({
      'seeds/s.csv': 'a\n1\n',
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types: {b: VARCHAR}\n',
    });
    const warnings: string[] = [];
    const outcome = await seed({ projectDir: dir, reporter: { warnings: (messages: string[]) => warnings.push(...messages) } });
    expect(statuses(outcome)).toEqual({ s: 'success' });
    expect(await columnTypes(dir, 's')).toEqual({ a: 'INTEGER' });
    expect(warnings.filter((w) => w.includes('column_types'))).toEqual(["seeds/s.csv:1: seed 's' has column_types key 'b', which names no column of its header; it is ignored"]);
  });

  // agate's Number reads `1,000` and `$5` as numbers (agate agate/data_types/number.py strips `,`
  // groups and currency symbols), so dbt creates an INTEGER column; dbt-duckdb then COPYs the file
  // in as written (dbt-duckdb dbt/include/duckdb/macros/seed.sql, duckdb__load_csv_rows), which
  // DuckDB fails: dbt-duckdb fails the seed. dops fails it too, before anything runs, naming the
  // file, line, column and value; the previous table stays.
  it('a number agate reads but DuckDB cannot (`1,000`) fails the seed as in dbt-duckdb, naming file, line, column and value', async () => {
    const dir = makeProject({ 'seeds/amounts.csv': 'id,amount\n1,5\n2,7\n' });
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ amounts: 'success' });
    writeFile(dir, 'seeds/amounts.csv', 'id,amount\n1,5\n\n2,"1,000"\n');
    const result = resultFor(await seed({ projectDir: dir }), 'amounts');
    expect(result.status).toBe('error');
    expect(result.message).toBe(
      "Cannot load seed amounts from seeds/amounts.csv:4: column \"amount\" has '1,000', the number 1000 to dbt's agate, so the column is INTEGER, which DuckDB cannot read '1,000' into; dbt-duckdb fails this seed too (write it as 1000, or set column_types: {amount: varchar})",
    );
    expect(await query(dir, 'select amount from amounts order by id')).toEqual([{ amount: 5 }, { amount: 7 }]);
    // Forms DuckDB reads as written load as numbers: underscores between digits.
    writeFile(dir, 'seeds/amounts.csv', 'id,amount\n1,1_000\n');
    expect(statuses(await seed({ projectDir: dir }))).toEqual({ amounts: 'success' });
    expect(await query(dir, 'select amount from amounts')).toEqual([{ amount: 1000 }]);
  });

  it('column_types can come from the project file', async () => {
    const dir = makeProject({
      'dops_project.yml': "name: proj\nseeds:\n  proj:\n    +schema: raw\n    codes:\n      +column_types: {code: VARCHAR}\n",
      'seeds/codes.csv': 'code\n001\n002\n',
    });
    await seed({ projectDir: dir });
    expect(await relations(dir)).toEqual({ 'raw.codes': 'BASE TABLE' });
    expect(await query(dir, 'select code from raw.codes order by code')).toEqual([{ code: '001' }, { code: '002' }]);
  });

  it('re-seeding replaces the data', async () => {
    const dir = makeProject({ 'seeds/people.csv': 'id,name\n1,ann\n2,bob\n3,cy\n' });
    const first = await seed({ projectDir: dir });
    expect(resultFor(first, 'people').rowsAffected).toBe(3);
    writeFile(dir, 'seeds/people.csv', 'id,name\n10,dee\n11,eve\n');
    const second = await seed({ projectDir: dir });
    expect(resultFor(second, 'people')).toMatchObject({ status: 'success', rowsAffected: 2, relationName: 'main.people' });
    expect(await query(dir, 'select * from people order by id')).toEqual([
      { id: 10, name: 'dee' },
      { id: 11, name: 'eve' },
    ]);
  });

  it('re-seeding with a different header replaces the columns', async () => {
    const dir = makeProject({ 'seeds/s.csv': 'a,b\n1,2\n' });
    await seed({ projectDir: dir });
    writeFile(dir, 'seeds/s.csv', 'x\nhello\n');
    await seed({ projectDir: dir });
    expect(await query(dir, 'select * from s')).toEqual([{ x: 'hello' }]);
  });

  it('a ragged CSV gives an error result naming the file and line', async () => {
    const dir = makeProject({ 'seeds/good.csv': 'a\n1\n', 'seeds/bad.csv': 'a,b\n1,2\n3,4,5\n' });
    const outcome = await seed({ projectDir: dir });
    expect(resultFor(outcome, 'good').status).toBe('success');
    const bad = resultFor(outcome, 'bad');
    expect(bad.status).toBe('error');
    expect(bad.message).toContain('seeds/bad.csv:3');
    expect(outcome.success).toBe(false);
    expect(Object.keys(await relations(dir))).toEqual(['main.good']);
  });

  it("a ragged re-seed fails with the CSV check's message (checked before DuckDB loads it) and keeps the previous table", async () => {
    const dir = makeProject({ 'seeds/s.csv': 'a,b\n1,2\n' });
    await seed({ projectDir: dir });
    // DuckDB reads this file without complaint (null_padding); the check must still reject it
    writeFile(dir, 'seeds/s.csv', 'a,b\n1,2\n3\n4,5\n');
    const outcome = await seed({ projectDir: dir });
    expect(resultFor(outcome, 's')).toMatchObject({ status: 'error', message: 'seeds/s.csv:3: Bad CSV: Invalid Record Length: expect 2, got 1' });
    expect(await query(dir, 'select * from s')).toEqual([{ a: 1, b: 2 }]);
    expect(await relations(dir)).toEqual({ 'main.s': 'BASE TABLE' });
  });

  it('a value that does not fit column_types gives an error result naming the seed and file', async () => {
    const dir = makeProject({
      'seeds/dates.csv': 'd\n2024-01-01\nnot a date\n',
      'seeds/props.yml': 'version: 2\nseeds:\n  - name: dates\n    config:\n      column_types: {d: DATE}\n',
    });
    const outcome = await seed({ projectDir: dir });
    const result = resultFor(outcome, 'dates');
    expect(result.status).toBe('error');
    expect(result.message).toContain('seeds/dates.csv');
    expect(result.message).toMatch(/Conversion Error|Could not convert|date/i);
  });

  it('a failing re-seed keeps the previous table', async () => {
    const dir = makeProject({ 'seeds/s.csv': 'a,b\n1,2\n' });
    await seed({ projectDir: dir });
    writeFile(dir, 'seeds/s.csv', 'a,b\n1,2\n3\n');
    const outcome = await seed({ projectDir: dir });
    expect(resultFor(outcome, 's').status).toBe('error');
    expect(await query(dir, 'select * from s')).toEqual([{ a: 1, b: 2 }]);
  });

  it('seed only loads seeds: no models, no tests', async () => {
    const dir = makeProject({
      'seeds/people.csv': 'id\n1\n2\n',
      'models/m.sql': "select * from {{ ref('people') }}\n",
      'models/schema.yml': 'version: 2\nseeds:\n  - name: people\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'tests/t.sql': "select * from {{ ref('people') }} where id < 0\n",
    });
    const outcome = await seed({ projectDir: dir });
    expect(statuses(outcome)).toEqual({ people: 'success' });
    expect(await relations(dir)).toEqual({ 'main.people': 'BASE TABLE' });
    expect(existsSync(join(dir, 'target/compiled/proj/models/m.sql'))).toBe(false);
  });

  it('seed tests run in build', async () => {
    const dir = makeProject({
      'seeds/people.csv': 'id\n1\n1\n',
      'seeds/schema.yml': 'version: 2\nseeds:\n  - name: people\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
    });
    const outcome = await build({ projectDir: dir });
    expect(statuses(outcome)).toEqual({ people: 'success', unique_people_id: 'fail', not_null_people_id: 'pass' });
  });
});
