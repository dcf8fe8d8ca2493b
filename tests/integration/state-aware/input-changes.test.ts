/**
 * State-aware builds, one kind of input change at a time: after each change exactly the nodes it
 * reaches are built again (their tests too), everything else is reused, and the relations hold
 * what a full rebuild gives. Kinds: model SQL, config, macro, var, seed row, file source added /
 * changed / removed, upstream rebuilt by another invocation, relation dropped by hand, table
 * sources with and without `loaded_at_field`, incremental models and snapshots.
 * References: dbt Fusion's state-aware orchestration https://docs.getdbt.com/docs/deploy/state-aware-about
 * (reuse when code and upstream data are unchanged), https://docs.getdbt.com/reference/resource-properties/freshness
 * (`loaded_at_field`), https://docs.getdbt.com/reference/artifacts/run-results-json (status, adapter_response).
 */
import { rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, run, snapshot } from '../../../src/api/commands.js';
import type { RunOutcome } from '../../../src/api/execute.js';
import type { SelectOptions } from '../../../src/api/options.js';
import { duckdbExec, makeProject, query, readRunResults, removeProjects, writeFile } from '../helpers.js';

afterAll(removeProjects);

function names(outcome: RunOutcome, reused: boolean): string[] {
  return outcome.results.filter((r) => Boolean(r.reused) === reused).map((r) => outcome.project.manifest.get(r.uniqueId).name).sort();
}

/** Builds and returns the names of the nodes that ran (not reused), tests included. */
async function built(dir: string, options: SelectOptions = {}, command = build): Promise<string[]> {
  const outcome = await command({ projectDir: dir, ...options });
  expect(outcome.success).toBe(true);
  return names(outcome, false);
}

const SCHEMA = `version: 2
models:
  - name: stg
    columns:
      - name: id
        data_tests: [unique]
  - name: agg
    columns:
      - name: n
        data_tests: [not_null]
`;

const BASE = {
  'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
  'seeds/other.csv': 'k\n1\n',
  'macros/shout.sql': '{% macro shout(column) %}upper({{ column }}){% endmacro %}\n',
  'models/stg.sql': "select id, {{ shout('name') }} as name from {{ ref('people') }}\n",
  'models/agg.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg') }} where id > {{ var('min_id', 0) }}\n",
  'models/lone.sql': "{{ config(materialized='table') }}\nselect k from {{ ref('other') }}\n",
  'models/schema.yml': SCHEMA,
};

describe('state-aware build: each kind of input change', () => {
  it('nothing changed: every node is reused (tests too), with run_results status success and a reused flag', async () => {
    const dir = makeProject(BASE);
    expect(await built(dir)).toEqual(['agg', 'lone', 'not_null_agg_n', 'other', 'people', 'stg', 'unique_stg_id']);
    const again = await build({ projectDir: dir });
    expect(names(again, false)).toEqual([]);
    expect(again.summary).toMatchObject({ pass: 7, reused: 7, error: 0, total: 7 });
    const results = readRunResults(dir).results;
    expect(results.find((r) => r.unique_id === 'model.proj.agg')).toMatchObject({ status: 'success', reused: true });
    expect(results.find((r) => r.unique_id.startsWith('test.proj.unique_stg_id'))).toMatchObject({ status: 'pass', reused: true });
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 2 }]);
  });

  it('model config: that model and what reads it', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    writeFile(dir, 'models/schema.yml', SCHEMA.replace('  - name: stg\n', '  - name: stg\n    config: {materialized: table}\n'));
    expect(await built(dir)).toEqual(['agg', 'not_null_agg_n', 'stg', 'unique_stg_id']);
    expect(await query(dir, "select table_type from information_schema.tables where table_name = 'stg'")).toEqual([{ table_type: 'BASE TABLE' }]);
  });

  it('a macro a model calls: that model and what reads it', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    writeFile(dir, 'macros/shout.sql', '{% macro shout(column) %}lower({{ column }}){% endmacro %}\n');
    expect(await built(dir)).toEqual(['agg', 'not_null_agg_n', 'stg', 'unique_stg_id']);
    expect(await query(dir, 'select name from stg order by id')).toEqual([{ name: 'ann' }, { name: 'bob' }]);
  });

  it('a var: the model that reads it (and its tests); the same var again reuses', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    expect(await built(dir, { vars: { min_id: 1 } })).toEqual(['agg', 'not_null_agg_n']);
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 1 }]);
    expect(await built(dir, { vars: { min_id: 1 } })).toEqual([]);
  });

  it('a seed row: that seed and its descendants, with their tests; other branches are reused', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    writeFile(dir, 'seeds/people.csv', 'id,name\n1,ann\n2,bob\n3,cy\n');
    expect(await built(dir)).toEqual(['agg', 'not_null_agg_n', 'people', 'stg', 'unique_stg_id']);
    expect(await query(dir, 'select n from agg')).toEqual([{ n: 3 }]);
  });

  it('upstream rebuilt by another invocation: the next build rebuilds its children', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    // `stg` alone, forced: a new build of it that `agg` has not read yet
    expect(await built(dir, { select: ['stg'], reuse: false })).toEqual(['stg', 'unique_stg_id']);
    expect(await built(dir)).toEqual(['agg', 'not_null_agg_n']);
    expect(await built(dir)).toEqual([]);
  });

  it('a relation dropped by hand: rebuilt, and its tests run again', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    await query(dir, 'drop view main.stg');
    // stg is rebuilt with the same SQL and data; agg then reads a new build of it
    expect(await built(dir)).toEqual(['agg', 'not_null_agg_n', 'stg', 'unique_stg_id']);
    expect(await query(dir, 'select count(*) as n from stg')).toEqual([{ n: 2 }]);
  });

  it('a test whose own SQL changed runs even though its model is reused', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    writeFile(dir, 'models/schema.yml', SCHEMA.replace('data_tests: [unique]', 'data_tests: [unique, not_null]'));
    expect(await built(dir)).toEqual(['not_null_stg_id']);
  });

  it('dops run reuses too; --full-refresh and --no-reuse build everything', async () => {
    const dir = makeProject(BASE);
    await built(dir);
    expect(await built(dir, {}, run)).toEqual([]);
    expect(await built(dir, { fullRefresh: true }, run)).toEqual(['agg', 'lone', 'stg']);
    expect(await built(dir, { reuse: false })).toEqual(['agg', 'lone', 'not_null_agg_n', 'other', 'people', 'stg', 'unique_stg_id']);
  });
});

describe('state-aware build: file sources', () => {
  const FILES = {
    'data/events/a.csv': 'id\n1\n2\n',
    'models/_sources.yml': "version: 2\nsources:\n  - name: lake\n    tables:\n      - name: events\n        config: {external_location: 'data/events/*.csv'}\n",
    'models/events.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('lake', 'events') }}\n",
    'models/direct.sql': "{{ config(materialized='table') }}\nselect count(*) as n from read_csv('data/single.csv')\n",
    'data/single.csv': 'x\n1\n',
  };

  /**
   * The project with its data files dated 10 s back: a file written moments before a build gets a
   * "racy" version no later build matches (src/state/data-version.ts), which would make the first
   * reuse depend on how fast the machine reaches the build.
   */
  function project(): string {
    const dir = makeProject(FILES);
    const past = new Date(Date.now() - 10_000);
    for (const file of Object.keys(FILES).filter((path) => path.startsWith('data/'))) utimesSync(join(dir, file), past, past);
    return dir;
  }

  it('a file added to, changed in or removed from a source location rebuilds what reads it', async () => {
    const dir = project();
    expect(await built(dir)).toEqual(['direct', 'events']);
    expect(await built(dir)).toEqual([]);
    writeFile(dir, 'data/events/b.csv', 'id\n3\n');
    expect(await built(dir)).toEqual(['events']);
    expect(await query(dir, 'select n from events')).toEqual([{ n: 3 }]);
    writeFile(dir, 'data/events/b.csv', 'id\n3\n4\n');
    expect(await built(dir)).toEqual(['events']);
    expect(await query(dir, 'select n from events')).toEqual([{ n: 4 }]);
    rmSync(join(dir, 'data/events/a.csv'));
    expect(await built(dir)).toEqual(['events']);
    expect(await query(dir, 'select n from events')).toEqual([{ n: 2 }]);
    expect(await built(dir)).toEqual([]);
  });

  it('a file a model reads by path in its SQL: a change of its size or mtime rebuilds the model', async () => {
    const dir = project();
    await built(dir);
    writeFile(dir, 'data/single.csv', 'x\n1\n2\n');
    expect(await built(dir)).toEqual(['direct']);
    expect(await query(dir, 'select n from direct')).toEqual([{ n: 2 }]);
    // same size, new mtime
    writeFile(dir, 'data/single.csv', 'x\n3\n4\n');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'data/single.csv'), later, later);
    expect(await built(dir)).toEqual(['direct']);
  });
});

describe('state-aware build: table sources', () => {
  const SOURCES = (loadedAt: string) =>
    `version: 2\nsources:\n  - name: app\n    schema: app\n    tables:\n      - name: orders\n${loadedAt}      - name: users\n`;
  const FILES = (loadedAt: string) => ({
    'models/_sources.yml': SOURCES(loadedAt),
    'models/orders_count.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('app', 'orders') }}\n",
    'models/users_count.sql': "{{ config(materialized='table') }}\nselect count(*) as n from {{ source('app', 'users') }}\n",
  });

  async function withTables(dir: string): Promise<void> {
    const file = join(dir, 'dops.duckdb');
    await duckdbExec(`attach '${file}' as t; create schema t.app; create table t.app.orders as select 1 as id, timestamp '2001-01-01' as loaded_at; create table t.app.users as select 1 as id`);
  }

  it('with loaded_at_field: reused until max(loaded_at_field) changes; without one: built every time', async () => {
    const dir = makeProject(FILES('        loaded_at_field: loaded_at\n'));
    await withTables(dir);
    expect(await built(dir)).toEqual(['orders_count', 'users_count']);
    expect(await built(dir)).toEqual(['users_count']);
    await query(dir, "insert into app.orders values (2, timestamp '2001-01-02')");
    expect(await built(dir)).toEqual(['orders_count', 'users_count']);
    expect(await query(dir, 'select n from orders_count')).toEqual([{ n: 2 }]);
  });
});

describe('state-aware build: incremental models and snapshots', () => {
  const FILES = {
    'seeds/events.csv': 'id,v\n1,a\n2,b\n',
    'models/inc.sql':
      "{{ config(materialized='incremental') }}\nselect id, v from {{ ref('events') }}\n{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}\n",
    'snapshots/events_snapshot.sql':
      "{% snapshot events_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols=['v']) }}\nselect * from {{ ref('events') }}\n{% endsnapshot %}\n",
  };

  it('reused while their inputs are unchanged; a new seed row runs them (the incremental appends just that row)', async () => {
    const dir = makeProject(FILES);
    expect(await built(dir)).toEqual(['events', 'events_snapshot', 'inc']);
    expect(await built(dir)).toEqual([]);
    expect(await built(dir, {}, snapshot)).toEqual([]);
    writeFile(dir, 'seeds/events.csv', 'id,v\n1,a\n2,c\n3,d\n');
    expect(await built(dir)).toEqual(['events', 'events_snapshot', 'inc']);
    expect(await query(dir, 'select id, v from inc order by id')).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'd' },
    ]);
    expect(await query(dir, 'select id, v, dbt_valid_to is null as current from events_snapshot order by id, v')).toEqual([
      { id: 1, v: 'a', current: true },
      { id: 2, v: 'b', current: false },
      { id: 2, v: 'c', current: true },
      { id: 3, v: 'd', current: true },
    ]);
    expect(await built(dir)).toEqual([]);
  });
});
