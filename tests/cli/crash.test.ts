/**
 * The crash test: builds of the real binary killed (SIGKILL) at random moments, a bounded number of
 * times, on DuckDB and on PostgreSQL (a throwaway server). After each kill every relation must be
 * its previous version or its new one, for every materialization: view, table, incremental (merge
 * and append), snapshot, seed, and on DuckDB external (plain and partitioned, the files at the
 * path included); the next build recovers. Each run prints a summary line of its kill points and
 * outcomes.
 * References: docs.getdbt.com/docs/build/materializations, docs.getdbt.com/docs/build/incremental-strategy,
 * docs.getdbt.com/docs/build/snapshots, github.com/duckdb/dbt-duckdb#writing-to-external-files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, query, removeProjects } from '../integration/helpers.js';
import { addPostgresProfile, PASSWORD_ENV, pgQuery } from '../postgres/helpers.js';
import { postgresBin, usePostgres } from '../postgres/server.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');

afterAll(removeProjects);

/** The models of both engines; `{{ var('v') }}` is the build's version number. */
const COMMON: Record<string, string> = {
  'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id, {{ var('v') }} as v\n",
  'models/w.sql': "select id, v from {{ ref('t') }}\n",
  'models/inc_merge.sql': "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\nselect 1 as id, {{ var('v') }} as v\n",
  'models/inc_append.sql': "{{ config(materialized='incremental', incremental_strategy='append') }}\nselect {{ var('v') }} as v\n",
  'models/from_seed.sql': "{{ config(materialized='table') }}\nselect id, v from {{ ref('s') }}\n",
  'snapshots/snap.sql': "{% snapshot snap %}\n{{ config(target_schema='main', unique_key='id', strategy='check', check_cols=['v']) }}\nselect id, v from {{ ref('t') }}\n{% endsnapshot %}\n",
};
const DUCKDB_ONLY: Record<string, string> = {
  'models/ext.sql': "{{ config(materialized='external') }}\nselect 1 as id, {{ var('v') }} as v\n",
  'models/part.sql': "{{ config(materialized='external', partition_by='id') }}\nselect 1 as id, {{ var('v') }} as v union all select 2, {{ var('v') }}\n",
};
const seedFile = (v: number) => `id,v\n1,${v}\n2,${v}\n`;

/** What each relation holds, as text; `next` gives what a complete build of version `v` makes of it. */
type State = Record<string, string>;
type Reader = (sql: string) => Promise<Record<string, unknown>[]>;

async function readState(read: Reader, dir: string, external: boolean): Promise<State> {
  const distinct = async (sql: string) => (await read(sql)).map((row) => Number(row.v)).join(',');
  const state: State = {};
  for (const name of ['t', 'w', 'inc_merge', 'from_seed', 's']) state[name] = await distinct(`select distinct v from main.${name} order by v`);
  state.inc_append = await distinct('select v from main.inc_append order by v');
  state.snap = (await read('select v, dbt_valid_to is null as current from main.snap order by v')).map((row) => `${Number(row.v)}${row.current ? '*' : ''}`).join(',');
  if (external) {
    for (const name of ['ext', 'part']) state[name] = await distinct(`select distinct v from main.${name} order by v`);
    state['ext file'] = await distinct(`select distinct v from read_parquet('${join(dir, 'lake/main/ext.parquet')}') order by v`);
    state['part files'] = await distinct(`select distinct v from read_parquet('${join(dir, 'lake/main/part')}/**/*.parquet') order by v`);
  }
  return state;
}

/** The state a complete build of version `v` leaves after `before`. */
function completed(before: State, v: number): State {
  const after: State = {};
  for (const [name, value] of Object.entries(before)) {
    if (name === 'inc_append') after[name] = [...value.split(',').filter(Boolean).map(Number), v].sort((a, b) => a - b).join(',');
    else if (name === 'snap') after[name] = [...value.split(',').filter(Boolean).map((entry) => entry.replace('*', '')), `${v}*`].join(',');
    else after[name] = String(v);
  }
  return after;
}

interface Engine {
  name: string;
  args: string[];
  env: Record<string, string>;
  read: (dir: string) => Reader;
  external: boolean;
  kills: number;
}

function dops(args: string[], dir: string, env: Record<string, string>) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 180_000 });
}

async function crashRun(engine: Engine, dir: string): Promise<void> {
  const build = (v: number) => {
    writeFileSync(join(dir, 'seeds/s.csv'), seedFile(v));
    return ['build', ...engine.args, '--vars', `{v: ${v}}`];
  };
  const read = engine.read(dir);
  const started = Date.now();
  const first = dops(build(1), dir, engine.env);
  expect(first.status, first.stdout + first.stderr).toBe(0);
  const duration = Date.now() - started;
  let previous = await readState(read, dir, engine.external);
  expect(previous).toEqual(completed(Object.fromEntries(Object.keys(previous).map((k) => [k, ''])), 1));
  const points: string[] = [];
  const outcomes = { old: 0, new: 0 };
  for (let kill = 0; kill < engine.kills; kill++) {
    const next = kill + 2;
    const child = spawn(process.execPath, [CLI, ...build(next)], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...engine.env }, stdio: 'ignore' });
    // Random moments across the whole build (and a little after it, where the build completes).
    const delay = Math.floor(Math.random() * duration * 1.2);
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(timer);
    const now = await readState(read, dir, engine.external);
    const done = completed(previous, next);
    const fresh: string[] = [];
    for (const [name, value] of Object.entries(now)) {
      expect([previous[name], done[name]], `${engine.name}: ${name} after a kill at ${delay} ms`).toContain(value);
      if (value === done[name] && value !== previous[name]) fresh.push(name);
      outcomes[value === done[name] ? 'new' : 'old']++;
    }
    points.push(`${delay}ms ${code === null ? 'killed' : `exit ${code}`} (new: ${fresh.length ? fresh.join(' ') : 'none'})`);
    previous = now;
  }
  console.log(`crash test ${engine.name}: ${engine.kills} kills, first build ${duration} ms; relations old ${outcomes.old}, new ${outcomes.new}; kill points: ${points.join('; ')}`);
  const last = dops(build(99), dir, engine.env);
  expect(last.status, last.stdout + last.stderr).toBe(0);
  expect(await readState(read, dir, engine.external)).toEqual(completed(previous, 99));
}

describe('a build killed at random points', () => {
  it('DuckDB: every relation and external file is old or new after each kill, and the next build recovers', async () => {
    const dir = makeProject({ ...COMMON, ...DUCKDB_ONLY, 'seeds/s.csv': seedFile(1) });
    await crashRun({ name: 'duckdb', args: [], env: {}, read: (d) => (sql) => query(d, sql), external: true, kills: 10 }, dir);
    // No leftovers beside the external models: the live version of each and the path itself.
    expect(readdirSync(join(dir, 'lake/main')).sort()).toEqual(['ext.__dops_v', 'ext.parquet', 'part', 'part.__dops_v'].map((n) => expect.stringContaining(n)));
  }, 600_000);

  describe.skipIf(!postgresBin())('PostgreSQL', () => {
    const server = usePostgres();

    it('every relation is old or new after each kill, and the next build recovers', async () => {
      const dir = makeProject({ ...COMMON, 'seeds/s.csv': seedFile(1), 'dops_project.yml': 'name: proj\nprofile: proj\n' });
      const dbname = await addPostgresProfile(server, dir, 'proj');
      await crashRun({ name: 'postgres', args: ['-t', 'pg'], env: { [PASSWORD_ENV]: server.password }, read: () => (sql) => pgQuery(server, sql, dbname), external: false, kills: 6 }, dir);
    }, 600_000);
  });
});
