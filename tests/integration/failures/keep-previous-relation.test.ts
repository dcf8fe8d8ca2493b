import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import { makeProject, query, relations, removeProjects, resultFor, writeFile } from '../helpers.js';

afterAll(removeProjects);

async function leftovers(dir: string): Promise<unknown[]> {
  return query(dir, "select table_schema, table_name from information_schema.tables where contains(table_name, '__dops_tmp')");
}

/** Builds `m` with `good`, then with `bad`; returns the second build's result for `m`. */
async function buildTwice(good: string, bad: string) {
  const dir = makeProject({ 'models/m.sql': good, 'models/downstream.sql': "select * from {{ ref('m') }}\n" });
  const first = await build({ projectDir: dir });
  expect(first.success).toBe(true);
  writeFile(dir, 'models/m.sql', bad);
  const second = await build({ projectDir: dir });
  return { dir, result: resultFor(second, 'm'), second };
}

describe('a failing model never destroys the previous good relation', () => {
  it('table: binder error keeps the old table and its data', async () => {
    const { dir, result, second } = await buildTwice(
      "{{ config(materialized='table') }}\nselect 1 as v union all select 2\n",
      "{{ config(materialized='table') }}\nselect no_such_column as v\n",
    );
    expect(result.status).toBe('error');
    expect(resultFor(second, 'downstream').status).toBe('skipped');
    expect((await relations(dir))['main.m']).toBe('BASE TABLE');
    expect(await query(dir, 'select v from m order by v')).toEqual([{ v: 1 }, { v: 2 }]);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('table: an error raised while the query runs keeps the old table', async () => {
    const { dir, result } = await buildTwice(
      "{{ config(materialized='table') }}\nselect 'ok' as v\n",
      "{{ config(materialized='table') }}\nselect cast(s as integer) as v from (values ('1'), ('not a number')) t(s)\n",
    );
    expect(result.status).toBe('error');
    expect(result.message).toContain('Conversion Error');
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'ok' }]);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('view: a broken query keeps the old view', async () => {
    const { dir, result } = await buildTwice("select 'old' as v\n", 'select no_such_column as v\n');
    expect(result.status).toBe('error');
    expect((await relations(dir))['main.m']).toBe('VIEW');
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'old' }]);
  });

  it('table whose previous version was a view: the view survives', async () => {
    const { dir, result } = await buildTwice("select 'old view' as v\n", "{{ config(materialized='table') }}\nselect no_such_column as v\n");
    expect(result.status).toBe('error');
    expect((await relations(dir))['main.m']).toBe('VIEW');
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'old view' }]);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('view whose previous version was a table: the table survives', async () => {
    const { dir, result } = await buildTwice("{{ config(materialized='table') }}\nselect 'old table' as v\n", 'select no_such_column as v\n');
    expect(result.status).toBe('error');
    expect((await relations(dir))['main.m']).toBe('BASE TABLE');
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'old table' }]);
  });

  it('switches a view to a table and back when the new SQL is good', async () => {
    const dir = makeProject({ 'models/m.sql': "select 'view' as v\n" });
    await build({ projectDir: dir });
    expect((await relations(dir))['main.m']).toBe('VIEW');
    writeFile(dir, 'models/m.sql', "{{ config(materialized='table') }}\nselect 'table' as v\n");
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await relations(dir)).toEqual({ 'main.m': 'BASE TABLE' });
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'table' }]);
    writeFile(dir, 'models/m.sql', "select 'view again' as v\n");
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await relations(dir)).toEqual({ 'main.m': 'VIEW' });
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'view again' }]);
    expect(await leftovers(dir)).toEqual([]);
  });

  it('rebuilding a table replaces its rows', async () => {
    const dir = makeProject({ 'models/m.sql': "{{ config(materialized='table') }}\nselect * from range(3) t(v)\n" });
    await build({ projectDir: dir });
    writeFile(dir, 'models/m.sql', "{{ config(materialized='table') }}\nselect * from range(10, 12) t(v)\n");
    const again = await build({ projectDir: dir });
    expect(resultFor(again, 'm').rowsAffected).toBe(2);
    expect(await query(dir, 'select v from m order by v')).toEqual([{ v: 10 }, { v: 11 }]);
    expect(await leftovers(dir)).toEqual([]);
  });
});
