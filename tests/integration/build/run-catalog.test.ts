import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../../src/adapter/duckdb/index.js';
import { build } from '../../../src/api/commands.js';
import { RelationCatalog } from '../../../src/runner/catalog.js';
import { makeProject, makeTempDir, query, relations, removeProjects } from '../helpers.js';

afterAll(removeProjects);

/** Runs statements on a project's database file, as another DuckDB client would between builds. */
async function onDatabase(dir: string, statements: string[]): Promise<void> {
  const adapter = await DuckDBAdapter.open('dops.duckdb', dir);
  try {
    const connection = await adapter.connect();
    for (const sql of statements) await connection.execute(sql);
  } finally {
    await adapter.close();
  }
}

describe('the run-wide relation catalog', () => {
  it('loads the tables and views of the default database only (no temp tables, no attached databases)', async () => {
    const dir = makeTempDir();
    const adapter = await DuckDBAdapter.open('dops.duckdb', dir);
    try {
      const connection = await adapter.connect();
      for (const sql of [
        'create schema staging',
        'create table staging.orders as select 1 as id',
        'create view main.v as select 1 as id',
        'create temp table scratch as select 1 as id',
        `attach '${join(dir, 'other.duckdb')}' as other`,
        'create table other.main.elsewhere as select 1 as id',
      ]) {
        await connection.execute(sql);
      }
      const entries = await connection.listRelations();
      expect(entries.map((e) => `${e.schema}.${e.identifier}:${e.kind}`).sort()).toEqual(['main.v:view', 'staging.orders:table']);
      const catalog = await RelationCatalog.load(connection);
      expect(catalog.kindOf({ schema: 'STAGING', identifier: 'Orders' })).toBe('table');
      expect(catalog.kindOf({ schema: 'main', identifier: 'scratch' })).toBeUndefined();
      expect(catalog.kindOf({ schema: 'main', identifier: 'elsewhere' })).toBeUndefined();
    } finally {
      await adapter.close();
    }
  });

  it('replaces a relation made outside dops under a model name in other letter case, of the other kind', async () => {
    const dir = makeProject({
      'models/m.sql': "{{ config(materialized='table') }}\nselect 'table' as v\n",
      'models/w.sql': "select 'view' as v\n",
    });
    await onDatabase(dir, ['create view main."M" as select 1 as old', 'create table main."W" as select 1 as old']);
    const outcome = await build({ projectDir: dir });
    expect(outcome.success).toBe(true);
    expect(Object.values(await relations(dir)).sort()).toEqual(['BASE TABLE', 'VIEW']);
    expect(await query(dir, 'select v from m')).toEqual([{ v: 'table' }]);
    expect(await query(dir, 'select v from w')).toEqual([{ v: 'view' }]);
  });
});
