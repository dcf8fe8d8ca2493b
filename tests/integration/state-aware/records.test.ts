/**
 * The build records' table (src/state/build-state.ts): append-only while a run builds (one row per
 * built node, in the node's transaction), a node's record is its row with the largest `seq`, a
 * tombstone (null fingerprint) forgets a node, superseded rows are deleted at the run's end, and a
 * table of the first layout (one row per node, no `seq`) keeps counting after the upgrade.
 * Reference for the idea: dbt Fusion's state-aware orchestration,
 * https://docs.getdbt.com/docs/deploy/state-aware-about
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../src/api/commands.js';
import type { SelectOptions } from '../../../src/api/options.js';
import type { SeedNode } from '../../../src/manifest/nodes.js';
import { SEED_TYPE_RULES } from '../../../src/materializations/seed-rules.js';
import { latestRecords, seedFingerprint } from '../../../src/state/build-state.js';
import { makeProject, query, removeProjects, writeFile } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const server = usePostgres();
afterAll(removeProjects);

const FILES = {
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'models/stg.sql': "select id, upper(name) as name from {{ ref('people') }}\n",
  'models/agg.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: stg\n    columns:\n      - name: id\n        data_tests: [unique]\n',
};

/** Names of the nodes a build ran (not reused), tests included. */
async function built(dir: string, options: SelectOptions = {}): Promise<string[]> {
  const outcome = await build({ projectDir: dir, ...options });
  expect(outcome.success).toBe(true);
  return outcome.results.filter((r) => !r.reused).map((r) => outcome.project.manifest.get(r.uniqueId).name).sort();
}

const ALL = ['agg', 'people', 'stg', 'unique_stg_id'];

/** The table's rows per node and its largest seq. */
async function table(dir: string): Promise<{ rows: number; nodes: number; tombstones: number; maxSeq: number }> {
  const [row] = await query(dir, 'select count(*) as rows, count(distinct unique_id) as nodes, count(*) filter (where fingerprint is null) as tombstones, max(seq) as maxSeq from main.dops_build_state');
  return { rows: Number(row.rows), nodes: Number(row.nodes), tombstones: Number(row.tombstones), maxSeq: Number(row.maxSeq) };
}

describe('build records table', () => {
  it('grows by one row per built node, ordered by seq, and keeps one row per node after each run', async () => {
    const dir = makeProject(FILES);
    expect(await built(dir)).toEqual(ALL);
    const first = await table(dir);
    expect(first).toEqual({ rows: 4, nodes: 4, tombstones: 0, maxSeq: 4 });
    expect(await built(dir, { reuse: false })).toEqual(ALL);
    const second = await table(dir);
    expect(second).toEqual({ rows: 4, nodes: 4, tombstones: 0, maxSeq: 8 });
    // A reused node writes nothing.
    expect(await built(dir)).toEqual([]);
    expect(await table(dir)).toEqual(second);
  });

  it("a node's record is its row with the largest seq, whatever order the rows were written in", async () => {
    const dir = makeProject(FILES);
    await built(dir);
    // An older row (lower seq) written later does not count ...
    await query(dir, "insert into main.dops_build_state (seq, unique_id, fingerprint, inputs, build_id, status) select 0, unique_id, 'stale', inputs, build_id, status from main.dops_build_state where unique_id like 'model.%.agg'");
    expect(await built(dir)).toEqual([]);
    // ... a newer one does.
    await query(dir, "insert into main.dops_build_state (seq, unique_id, fingerprint, inputs, build_id, status) select seq + 100, unique_id, 'stale', inputs, build_id, status from main.dops_build_state where unique_id like 'model.%.agg' and seq > 0");
    expect(await built(dir)).toEqual(['agg']);
    expect(await table(dir)).toMatchObject({ rows: 4, nodes: 4, tombstones: 0 });
  });

  it('--empty leaves tombstones for what it built: the next build runs those again, and they are cleaned up', async () => {
    const dir = makeProject(FILES);
    await built(dir);
    expect(await built(dir, { empty: true, select: ['agg'] })).toEqual(['agg']);
    expect(await built(dir)).toEqual(['agg']);
    expect(await table(dir)).toMatchObject({ rows: 4, nodes: 4, tombstones: 0 });
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 2 }]);
  });

  it('a table of the first layout (no seq column) keeps its records: nothing rebuilt after the upgrade', async () => {
    const dir = makeProject(FILES);
    await built(dir);
    // The layout dops wrote before records were append-only: one row per node, a built_at column, no seq.
    await query(
      dir,
      `create table main.old_state as select unique_id, fingerprint, inputs, build_id, status, '2026-01-01T00:00:00Z' as built_at from main.dops_build_state;
       drop table main.dops_build_state;
       alter table main.old_state rename to dops_build_state`,
    );
    expect(await built(dir)).toEqual([]);
    writeFile(dir, 'models/agg.sql', "{{ config(materialized='table') }}\nselect count(*) + 0 as n from {{ ref('stg') }}\n");
    expect(await built(dir)).toEqual(['agg']);
    expect(await table(dir)).toMatchObject({ rows: 4, nodes: 4, tombstones: 0 });
    expect(await built(dir)).toEqual([]);
  });

  it('a seed recorded under older seed type rules is loaded again with the new types, not reused', async () => {
    const dir = makeProject(FILES);
    const first = await build({ projectDir: dir });
    const people = first.project.manifest.get(first.results.find((r) => r.uniqueId.startsWith('seed.'))!.uniqueId) as SeedNode;
    expect(await built(dir)).toEqual([]);
    // As a dops with older rules left it: the sniffer's BIGINT, and a record keyed on those rules.
    await query(
      dir,
      `create or replace table main.people as select id::bigint as id, name from main.people;
       insert into main.dops_build_state (seq, unique_id, fingerprint, inputs, build_id, status)
       select (select max(seq) + 1 from main.dops_build_state), unique_id, '${seedFingerprint(people, 'duckdb', SEED_TYPE_RULES - 1)}', inputs, build_id, status
       from main.dops_build_state where unique_id = '${people.uniqueId}' order by seq desc limit 1`,
    );
    // The seed loads again (INTEGER, as dbt types whole numbers), and what reads it builds again.
    expect(await built(dir)).toEqual(ALL);
    expect(await query(dir, "select data_type from information_schema.columns where table_name = 'people' and column_name = 'id'")).toEqual([{ data_type: 'INTEGER' }]);
    expect(await built(dir)).toEqual([]);
  });
});

describe('build records table on PostgreSQL', () => {
  it('two threads append, the next build reuses everything, and a first-layout table keeps its records', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    const counts = async () => (await pgQuery(server, 'select count(*)::int as rows, count(distinct unique_id)::int as nodes, max(seq)::int as max_seq from main.dops_build_state', dbname))[0];
    expect(await built(dir, { target: 'pg' })).toEqual(ALL);
    expect(await built(dir, { target: 'pg', reuse: false })).toEqual(ALL);
    expect(await counts()).toEqual({ rows: 4, nodes: 4, max_seq: 8 });
    expect(await built(dir, { target: 'pg' })).toEqual([]);
    await pgQuery(server, 'alter table main.dops_build_state drop column seq; alter table main.dops_build_state add column built_at varchar', dbname);
    expect(await built(dir, { target: 'pg' })).toEqual([]);
    writeFile(dir, 'models/agg.sql', "{{ config(materialized='table') }}\nselect count(*) + 0 as n from {{ ref('stg') }}\n");
    expect(await built(dir, { target: 'pg' })).toEqual(['agg']);
    // The rows' seq comes from the database sequence (two runs at once never share one), which keeps counting past 8.
    expect(await counts()).toEqual({ rows: 4, nodes: 4, max_seq: 9 });
    // Rows numbered before the sequence existed (an older dops): the new sequence starts past them.
    await pgQuery(server, 'drop sequence main.dops_build_state_seq', dbname);
    expect(await built(dir, { target: 'pg', reuse: false })).toEqual(ALL);
    expect(await counts()).toEqual({ rows: 4, nodes: 4, max_seq: 13 });
  });
});

describe('latestRecords', () => {
  const columns = ['seq', 'unique_id', 'fingerprint', 'inputs', 'build_id', 'status'];
  it('keeps the row with the largest seq per node; a tombstone as the latest row means no record', () => {
    const stored = latestRecords(columns, [
      [3, 'a', 'f3', 'i', 'b3', 'success'],
      [1, 'a', 'f1', 'i', 'b1', 'success'],
      [2, 'b', 'f2', 'i', 'b2', 'success'],
      [4, 'b', null, null, null, null],
      [5, 'c', 'f5', '', 'b5', 'pass'],
    ]);
    expect([...stored.records]).toEqual([
      ['a', { fingerprint: 'f3', inputs: 'i', buildId: 'b3', status: 'success' }],
      ['c', { fingerprint: 'f5', inputs: '', buildId: 'b5', status: 'pass' }],
    ]);
    expect(stored.lastSeq).toBe(5);
    expect(stored.superseded).toBe(true);
  });

  it('reads the first layout (no seq) as one record per node', () => {
    const stored = latestRecords(['unique_id', 'fingerprint', 'inputs', 'build_id', 'status', 'built_at'], [['a', 'f', 'i', 'b', 'success', 'x']]);
    expect(stored.records.get('a')).toEqual({ fingerprint: 'f', inputs: 'i', buildId: 'b', status: 'success' });
    expect(stored).toMatchObject({ lastSeq: 0, superseded: false });
  });
});
