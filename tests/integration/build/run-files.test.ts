/**
 * dbt writes `target/run/<package>/<path>` for build, run, seed, snapshot and test: the SQL a node
 * actually ran, its materialization's DDL around the compiled SQL
 * (https://docs.getdbt.com/reference/global-configs/json-artifacts, the `target-path` page).
 * dops writes the statements each executed node ran, in order (less transaction control). The
 * test records every statement dops sends to DuckDB and compares each run file with them.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBAdapter } from '../../../src/adapter/duckdb/index.js';
import type { Connection } from '../../../src/adapter/adapter.js';
import { build, run, seed, snapshot, test as testCommand } from '../../../src/api/index.js';
import { makeProject, removeProjects } from '../helpers.js';

/** Every statement sent through a DuckDB connection (execute, run, query), in order. */
const sent: string[] = [];
const connect = DuckDBAdapter.prototype.connect;
beforeAll(() => {
  DuckDBAdapter.prototype.connect = async function recordingConnect(this: DuckDBAdapter): Promise<Connection> {
    const connection = await connect.call(this);
    for (const method of ['execute', 'run', 'query'] as const) {
      const original = (connection[method] as (sql: string) => Promise<unknown>).bind(connection);
      (connection as unknown as Record<string, unknown>)[method] = (sql: string) => {
        sent.push(sql);
        return original(sql);
      };
    }
    return connection;
  };
});
afterAll(() => {
  DuckDBAdapter.prototype.connect = connect;
  removeProjects();
});

const FILES = {
  'seeds/raw.csv': 'id,v\n1,10\n2,20\n',
  'models/stg.sql': "select id, v from {{ ref('raw') }}\n",
  'models/wide.sql': "{{ config(materialized='table', pre_hook='select 42') }}\nselect id, v * 2 as w from {{ ref('stg') }}\n",
  'models/inc.sql': "{{ config(materialized='incremental', unique_key='id') }}\nselect id, v from {{ ref('stg') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: wide\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'snapshots/snap.sql': "{% snapshot snap %}{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }} select * from {{ ref('stg') }} {% endsnapshot %}\n",
};

const CONTROL = new Set(['begin transaction', 'begin', 'commit', 'rollback']);

function runFile(dir: string, path: string): string {
  return readFileSync(join(dir, 'target', 'run', 'proj', path), 'utf8');
}

/**
 * Fails unless the run file holds statements dops sent to DuckDB, in the order it sent them (the
 * adapter's own look-ups, e.g. the column descriptions an incremental merge reads, run between).
 */
function expectRan(dir: string, path: string): string[] {
  const text = runFile(dir, path);
  expect(text.endsWith('\n')).toBe(true);
  const statements = text.slice(0, -1).split(';\n\n');
  const stream = sent.filter((sql) => !CONTROL.has(sql));
  let at = stream.indexOf(statements[0]);
  expect(at, `${path}: ${statements[0]}`).toBeGreaterThanOrEqual(0);
  for (const statement of statements.slice(1)) {
    at = stream.indexOf(statement, at + 1);
    expect(at, `${path}: ${statement}`).toBeGreaterThanOrEqual(0);
  }
  return statements;
}

describe('target/run', () => {
  it('holds, per executed node, the statements it ran around its compiled SQL', async () => {
    const dir = makeProject(FILES);
    sent.length = 0;
    const outcome = await build({ projectDir: dir, threads: 1 });
    expect(outcome.success).toBe(true);
    const compiled = (path: string) => readFileSync(join(dir, 'target', 'compiled', 'proj', path), 'utf8').trimEnd();
    // A view: its DDL wraps the compiled SQL.
    const stg = expectRan(dir, 'models/stg.sql');
    expect(stg.some((sql) => sql.includes('create or replace view') && sql.includes(compiled('models/stg.sql')))).toBe(true);
    // A table with a pre-hook: the hook, then the table built from the compiled SQL.
    const wide = expectRan(dir, 'models/wide.sql');
    expect(wide).toContain('select 42');
    expect(wide.some((sql) => /create (or replace )?table/.test(sql) && sql.includes(compiled('models/wide.sql')))).toBe(true);
    expectRan(dir, 'models/inc.sql');
    expectRan(dir, 'seeds/raw.csv');
    expectRan(dir, 'snapshots/snap.sql');
    // A test: the failure count query around its compiled SQL.
    const unique = expectRan(dir, 'models/schema.yml/unique_wide_id.sql');
    expect(unique.join('\n')).toContain(compiled('models/schema.yml/unique_wide_id.sql'));
  }, 60_000);

  // https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets: secret values are never written to a file.
  it('masks the values of secret env vars', async () => {
    const dir = makeProject({ 'models/m.sql': "select 'sekrit-4711' as s\n" });
    process.env.DBT_ENV_SECRET_RUN_FILES = 'sekrit-4711';
    try {
      expect((await build({ projectDir: dir, threads: 1 })).success).toBe(true);
    } finally {
      delete process.env.DBT_ENV_SECRET_RUN_FILES;
    }
    expect(runFile(dir, 'models/m.sql')).toContain("select '*****' as s");
    expect(runFile(dir, 'models/m.sql')).not.toContain('sekrit-4711');
  }, 60_000);

  it('run, seed, snapshot and test rewrite the files of what they execute; reused nodes keep theirs', async () => {
    const dir = makeProject(FILES);
    await build({ projectDir: dir, threads: 1 });
    // Reused nodes ran nothing: their run files stay as the last run that executed them left them.
    const stg = join(dir, 'target', 'run', 'proj', 'models', 'stg.sql');
    const before = statSync(stg).mtimeMs;
    const again = await build({ projectDir: dir, threads: 1 });
    expect(again.results.find((r) => r.uniqueId === 'model.proj.stg')?.reused).toBe(true);
    expect(statSync(stg).mtimeMs).toBe(before);
    // The incremental model's second run merges into the table: its run file now says so.
    sent.length = 0;
    expect((await run({ projectDir: dir, threads: 1, reuse: false, select: ['inc'] })).success).toBe(true);
    expect(expectRan(dir, 'models/inc.sql').join('\n')).not.toMatch(/create or replace table "main"."inc" as/);
    for (const [command, path] of [[seed, 'seeds/raw.csv'], [snapshot, 'snapshots/snap.sql'], [testCommand, 'models/schema.yml/unique_wide_id.sql']] as const) {
      sent.length = 0;
      expect((await command({ projectDir: dir, threads: 1, reuse: false })).success).toBe(true);
      expectRan(dir, path);
    }
  }, 90_000);
});
