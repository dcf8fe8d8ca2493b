/**
 * dbt types a seed's columns from its CSV (agate's type tester; dbt-duckdb then copies the file
 * into a table of those types: https://docs.getdbt.com/docs/build/seeds,
 * https://docs.getdbt.com/reference/resource-configs/column_types). dops keeps the inferred types
 * in target/compile_cache.json, by the CSV's checksum, delimiter, column_types and engine, so a
 * rebuild with an unchanged CSV does not parse it again. These tests read which types a build
 * gave the table, and tamper with the kept entry to tell a kept answer from a fresh one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { build } from '../../../src/api/commands.js';
import { COMPILE_CACHE_FILE } from '../../../src/compiler/compile-cache.js';
import { makeProject, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

const SEED_ID = 'seed.proj.people';

/** Column name -> DuckDB type of main.people in the project's database. */
async function columnTypes(dir: string): Promise<Record<string, string>> {
  const instance = await DuckDBInstance.create(join(dir, 'dops.duckdb'));
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(`select column_name, data_type from information_schema.columns where table_name = 'people' order by ordinal_position`);
    connection.closeSync();
    return Object.fromEntries(reader.getRowObjects().map((row) => [String(row.column_name), String(row.data_type)]));
  } finally {
    instance.closeSync();
  }
}

type CacheFile = { entries: Record<string, { key: string; sql: string }> };
const cacheOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'target', COMPILE_CACHE_FILE), 'utf8')) as CacheFile;

/** Rewrites the kept columns of the seed's entry (same key), so a build that keeps using it shows it. */
function tamper(dir: string, columns: { name: string; type: string }[]): void {
  const cache = cacheOf(dir);
  cache.entries[SEED_ID].sql = JSON.stringify(columns);
  writeFileSync(join(dir, 'target', COMPILE_CACHE_FILE), JSON.stringify(cache));
}

describe('seed column types kept between builds', () => {
  it('types an unchanged CSV from the kept entry, and types it afresh once the CSV or column_types change', async () => {
    const dir = makeProject({ 'seeds/people.csv': 'id,age\n1,30\n2,40\n' });
    expect((await build({ projectDir: dir })).success).toBe(true);
    expect(await columnTypes(dir)).toEqual({ id: 'INTEGER', age: 'INTEGER' });
    expect(JSON.parse(cacheOf(dir).entries[SEED_ID].sql)).toEqual([{ name: 'id', type: 'INTEGER' }, { name: 'age', type: 'INTEGER' }]);

    // Unchanged CSV: the kept types are used (the CSV is not read again).
    tamper(dir, [{ name: 'id', type: 'INTEGER' }, { name: 'age', type: 'VARCHAR' }]);
    expect((await build({ projectDir: dir, reuse: false })).success).toBe(true);
    expect(await columnTypes(dir)).toEqual({ id: 'INTEGER', age: 'VARCHAR' });

    // An edited CSV is typed again.
    writeFile(dir, 'seeds/people.csv', 'id,age\n1,30.5\n2,40\n');
    expect((await build({ projectDir: dir, reuse: false })).success).toBe(true);
    expect(await columnTypes(dir)).toEqual({ id: 'INTEGER', age: 'DOUBLE' });

    // So is one whose column_types change.
    tamper(dir, [{ name: 'id', type: 'VARCHAR' }, { name: 'age', type: 'VARCHAR' }]);
    writeFile(dir, 'seeds/schema.yml', 'version: 2\nseeds:\n  - name: people\n    config:\n      column_types: {id: bigint}\n');
    expect((await build({ projectDir: dir, reuse: false })).success).toBe(true);
    expect(await columnTypes(dir)).toEqual({ id: 'BIGINT', age: 'DOUBLE' });
  });

  it('keeps nothing for a CSV that fails its checks, so the next build checks it again', async () => {
    const dir = makeProject({ 'seeds/people.csv': 'id,age\n1,30\n2\n', 'models/m.sql': 'select 1 as x\n' });
    const first = await build({ projectDir: dir });
    expect(first.success).toBe(false);
    expect(first.results.find((r) => r.uniqueId === SEED_ID)?.message).toMatch(/Bad CSV/);
    expect(cacheOf(dir).entries[SEED_ID]).toBeUndefined();
    const second = await build({ projectDir: dir });
    expect(second.results.find((r) => r.uniqueId === SEED_ID)?.message).toMatch(/Bad CSV/);
  });
});
