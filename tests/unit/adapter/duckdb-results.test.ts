/**
 * What the DuckDB adapter reads back from a statement: the row count a statement reports (a CREATE
 * TABLE AS answers a one-row `Count` column; INSERT / UPDATE / DELETE answer CHANGED_ROWS, whose
 * `Count` the C API also gives as rows_changed: https://duckdb.org/docs/stable/clients/c/query)
 * and the rows of a query, as plain JS values, whatever the number of chunks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../src/adapter/adapter.js';
import { DuckDBAdapter } from '../../../src/adapter/duckdb/index.js';

let dir: string;
let adapter: DuckDBAdapter;
let connection: Connection;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dops-duckdb-results-'));
  adapter = await DuckDBAdapter.open(':memory:', dir);
  connection = await adapter.connect();
});

afterAll(async () => {
  await adapter.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DuckDB statement row counts', () => {
  it('reports the rows a CREATE TABLE AS wrote, through execute and run', async () => {
    expect(await connection.execute('create or replace table t as select range as id from range(5)')).toBe(5);
    expect((await connection.run('create or replace table t as select range as id from range(3000)')).rowCount()).toBe(3000);
    expect(await connection.execute('create or replace table empty as select 1 as id where false')).toBe(0);
  });

  it('reports the rows INSERT, UPDATE and DELETE changed, zero included', async () => {
    await connection.execute('create or replace table c (id integer, v varchar)');
    expect(await connection.execute("insert into c values (1, 'a'), (2, 'b'), (3, 'c')")).toBe(3);
    expect(await connection.execute('insert into c select * from c where false')).toBe(0);
    expect((await connection.run("update c set v = 'z' where id >= 2")).rowCount()).toBe(2);
    expect(await connection.execute('delete from c where id = 1')).toBe(1);
    expect(await connection.execute('delete from c where id = 99')).toBe(0);
  });

  it('reports no count for statements that change no rows, and for queries', async () => {
    for (const sql of ['begin transaction', 'commit', 'create schema if not exists s', 'create or replace view s.v as select 1 as a', 'drop view s.v', 'select 1 as a']) {
      expect(await connection.execute(sql), sql).toBeUndefined();
    }
    await connection.execute('create or replace table r (id integer)');
    expect(await connection.execute('insert into r values (1), (2) returning id')).toBeUndefined();
  });

  it('reads a query answering a single column named Count as a count (as before)', async () => {
    expect(await connection.execute('select 7 as "Count"')).toBe(7);
  });
});

describe('DuckDB query rows', () => {
  it('gives one object per row, keyed by column name, values as plain JS', async () => {
    const rows = await connection.query("select 1 as a, 'x' as b, null as c, 9007199254740993::bigint as big, 2::bigint as small, [1, 2] as l");
    expect(rows).toEqual([{ a: 1, b: 'x', c: null, big: 9007199254740993n, small: 2, l: rows[0].l }]);
    expect(Object.keys(rows[0])).toEqual(['a', 'b', 'c', 'big', 'small', 'l']);
  });

  it('names repeated columns apart and reads every chunk of a long answer', async () => {
    expect(await connection.query('select 1 as a, 2 as a')).toEqual([{ a: 1, 'a:1': 2 }]);
    const rows = await connection.query('select range as n, range % 3 as m from range(5000) order by n');
    expect(rows).toHaveLength(5000);
    expect(rows[0]).toEqual({ n: 0, m: 0 });
    expect(rows[4999]).toEqual({ n: 4999, m: 4999 % 3 });
    expect(await connection.query('select 1 as a where false')).toEqual([]);
  });

  it('answers the single-SELECT check from one short row', async () => {
    await expect(connection.assertSingleSelect('select 1 as a')).resolves.toBeUndefined();
    await expect(connection.assertSingleSelect('select 1; select 2')).rejects.toThrow('it holds 2 statements');
    await expect(connection.assertSingleSelect('selec 1')).rejects.toThrow(/Parser Error/);
  });
});
