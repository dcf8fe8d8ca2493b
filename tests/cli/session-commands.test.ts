/**
 * `run-operation`, `show`, `compile --inline` and `clone` go through the one session
 * (src/session/session.ts) like the node-running commands: the target's adapter is the profile's
 * `type` (DuckDB and PostgreSQL here), opened only when the command needs it and closed; the
 * session's options (`--exclude-resource-type`, `--target`) apply; artifacts come from the one
 * writer, only those the command declares, and only once it ran.
 * References: docs.getdbt.com/reference/commands/run-operation, /show, /compile ("compile requires
 * a connection to your data platform because it must run introspective queries"), /clone;
 * dbt-core's RunOperationTask (core/dbt/task/run_operation.py) writes run_results.json with one
 * result for the macro (`macro.<package>.<name>`) and runs no on-run-start/end hooks.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, query, readJson, removeProjects } from '../integration/helpers.js';
import { addPostgresProfile, pgQuery } from '../postgres/helpers.js';
import { usePostgres } from '../postgres/server.js';

const BIN = join(resolve(import.meta.dirname, '../..'), 'dist/cli/main.js');

const server = usePostgres();
afterAll(removeProjects);

function dops(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FILES = {
  'dops_project.yml': [
    'name: proj',
    'profile: proj',
    // A hook that counts runs: run-operation must not fire it (dbt's RunOperationTask runs no hooks).
    'on-run-start:',
    '  - "create table if not exists hook_log (n int)"',
    '  - "insert into hook_log values (1)"',
    '',
  ].join('\n'),
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n',
  'models/stg_orders.sql': "select id as order_id, amount from {{ ref('raw_orders') }}\n",
  'models/orders.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }}\n",
  'macros/ops.sql': [
    // Introspection at compile time, as dbt_utils.star does (adapter.get_columns_in_relation).
    "{% macro column_list(relation) %}{{ adapter.get_columns_in_relation(relation) | map(attribute='name') | join(', ') }}{% endmacro %}",
    '{% macro count_orders() %}',
    '{% set result = run_query("select count(*) as n from " ~ ref("orders")) %}',
    '{% do log("orders: " ~ result.columns[0].values()[0], info=True) %}',
    '{% endmacro %}',
    '{% macro bad_op() %}insert into no_such_table values (1){% endmacro %}',
    '',
  ].join('\n'),
};

const ENGINES = ['duckdb', 'postgres'] as const;

/** A built project on `engine` and how to query its database. */
async function builtProject(engine: (typeof ENGINES)[number]): Promise<{ dir: string; target: string[]; sql: (text: string) => Promise<Record<string, unknown>[]> }> {
  const dir = makeProject(FILES);
  const dbname = await addPostgresProfile(server, dir, 'proj');
  const target = engine === 'postgres' ? ['-t', 'pg'] : [];
  const built = dops(['build', '-q', ...target], dir);
  expect(built.status, built.stdout + built.stderr).toBe(0);
  const sql = engine === 'postgres' ? (text: string) => pgQuery(server, text, dbname) : (text: string) => query(dir, text);
  return { dir, target, sql };
}

describe.each(ENGINES)('commands outside the node run, through the session, on %s', (engine) => {
  it('compile --inline runs the introspective queries its template makes on the target', async () => {
    const { dir, target } = await builtProject(engine);
    const inline = "select {{ column_list(ref('orders')) }} from {{ ref('orders') }} where {{ run_query('select count(*) from ' ~ ref('orders')).rows[0][0] }} > 0";
    // Before: exit 2, "This template queries the database at compile time ... which needs a build".
    const compiled = dops(['compile', '-q', '--inline', inline, ...target], dir);
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toBe('select order_id, amount from "main"."orders" where 3 > 0\n');
  }, 240_000);

  it('show honours --exclude-resource-type and previews on the target engine', async () => {
    const { dir, target } = await builtProject(engine);
    // Before: --exclude-resource-type was accepted and dropped (the seed was previewed too); on
    // PostgreSQL every preview failed (it ran DuckDB's DESCRIBE).
    const shown = dops(['show', '-s', '+orders', '--exclude-resource-type', 'seed', ...target], dir);
    expect(shown.stderr).toBe('');
    expect(shown.status).toBe(0);
    expect(shown.stdout).not.toContain("Previewing node 'raw_orders'");
    expect(shown.stdout).toContain("Previewing node 'stg_orders':");
    expect(shown.stdout).toMatch(/Previewing node 'orders':\n\| order_id \| amount \|/);
    const inline = dops(['show', '--inline', "select count(*) as n from {{ ref('orders') }}", ...target], dir);
    expect(inline.status, inline.stderr).toBe(0);
    expect(inline.stdout).toMatch(/Previewing inline node:\n\| +n \|\n\| -+ \|\n\| +3 \|/);
    const bad = dops(['show', '-s', 'orders', '--exclude-resource-type', 'modle', ...target], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toContain("Unknown --exclude-resource-type 'modle'");
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 240_000);

  it('run-operation records one result in run_results.json, runs no run hooks, exits 1 on a database error and 2 (writing nothing) on a usage error', async () => {
    const { dir, target, sql } = await builtProject(engine);
    const ran = dops(['run-operation', 'count_orders', ...target], dir);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('orders: 3');
    // Before: run-operation wrote no run_results.json (the build's stayed).
    const results = readJson(dir, 'target/run_results.json');
    expect(results.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status])).toEqual([['macro.proj.count_orders', 'success']]);
    expect(results.args).toMatchObject({ command: 'run-operation', macro: 'count_orders', target: engine === 'postgres' ? 'pg' : 'dev' });
    expect(readJson(dir, 'target/manifest.json').metadata).toBeDefined();
    // The build ran the on-run-start hook once; run-operation did not run it.
    expect(await sql('select count(*) as n from hook_log')).toEqual([{ n: engine === 'postgres' ? '1' : 1 }]);

    const failed = dops(['run-operation', 'bad_op', ...target], dir);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('Database error in macro bad_op');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const after = readJson(dir, 'target/run_results.json');
    expect(after.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status])).toEqual([['macro.proj.bad_op', 'error']]);

    const before = readFileSync(join(dir, 'target/run_results.json'), 'utf8');
    const unknown = dops(['run-operation', 'count_order', ...target], dir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("Did you mean 'count_orders'?");
    expect(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).toBe(before);
  }, 240_000);
});

describe('every command opens the target through the session', () => {
  it('an unreachable PostgreSQL target: an error naming the target, exit 2, no stack trace, nothing written', async () => {
    const dir = makeProject(FILES);
    await addPostgresProfile(server, dir, 'proj', { port: 1 });
    expect(dops(['build', '-q'], dir).status).toBe(0); // DuckDB dev target: artifacts to compare against
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    const before = readFileSync(join(dir, 'target/run_results.json'), 'utf8');
    const commands = [
      ['compile', '--inline', "select {{ column_list(ref('orders')) }} from {{ ref('orders') }}"],
      ['show', '-s', 'orders'],
      ['show', '--inline', 'select 1 as x'],
      ['run-operation', 'count_orders'],
      ['clone', '--state', 'prod-state'],
    ];
    for (const args of commands) {
      const run = dops([...args, '-t', 'pg'], dir);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain("Cannot connect to target 'pg'");
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).toBe(before);
    }
  }, 240_000);
});

describe('compile --inline through the session', () => {
  it('opens no database when the template does not query it', () => {
    const dir = makeProject({ ...FILES, 'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: dops.duckdb}\n' });
    const compiled = dops(['compile', '-q', '--inline', "select * from {{ ref('orders') }}"], dir);
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(compiled.stdout).toBe('select * from "main"."orders"\n');
    expect(existsSync(join(dir, 'dops.duckdb'))).toBe(false);
  });
});

describe('clone through the session', () => {
  // docs.getdbt.com/reference/commands/clone
  it('honours --exclude-resource-type and --threads, and writes manifest.json and run_results.json', async () => {
    const profiles = ['proj:', '  target: prod', '  outputs:', '    prod: {type: duckdb, path: dops.duckdb, schema: main}', '    ci: {type: duckdb, path: dops.duckdb, schema: ci}', ''].join('\n');
    const dir = makeProject({ ...FILES, 'profiles.yml': profiles });
    expect(dops(['build', '-q'], dir).status).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    // Before: --exclude-resource-type was dropped and the seed was cloned too.
    // Before: --threads was dropped too (one connection, every result on Thread-1).
    const cloned = dops(['clone', '--state', 'prod-state', '-t', 'ci', '--exclude-resource-type', 'seed', '--threads', '2'], dir);
    expect(cloned.status, cloned.stderr).toBe(0);
    const results = readJson(dir, 'target/run_results.json');
    expect(results.results.map((r: { unique_id: string }) => r.unique_id).sort()).toEqual(['model.proj.orders', 'model.proj.stg_orders']);
    // Each of the 2 threads takes one of the 2 clones as it starts (no timing involved).
    expect(results.results.map((r: { thread_id: string }) => r.thread_id).sort()).toEqual(['Thread-1', 'Thread-2']);
    expect(results.args.threads).toBe(2);
    expect(readJson(dir, 'target/manifest.json').metadata.target.name).toBe('ci');
    expect(await query(dir, "select table_name from information_schema.tables where table_schema = 'ci' order by 1")).toEqual([{ table_name: 'orders' }, { table_name: 'stg_orders' }]);
  }, 240_000);

  it('on PostgreSQL, clones the state relations as views on the same database', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'proj');
    // A second PostgreSQL target on the same database, in schema ci.
    const profiles = readFileSync(join(dir, 'profiles.yml'), 'utf8');
    const pgBlock = profiles.slice(profiles.indexOf('    pg:\n'));
    writeFileSync(join(dir, 'profiles.yml'), `${profiles}${pgBlock.replace('    pg:\n', '    pg_ci:\n').replace('schema: main', 'schema: ci')}`);
    expect(dops(['build', '-q', '-t', 'pg'], dir).status).toBe(0);
    cpSync(join(dir, 'target'), join(dir, 'prod-state'), { recursive: true });
    // Before: exit 2, "The state manifest ... records no target database" (it looked for the state's DuckDB file).
    const cloned = dops(['clone', '--state', 'prod-state', '-t', 'pg_ci'], dir);
    expect(cloned.stderr).toBe('');
    expect(cloned.status).toBe(0);
    expect(cloned.stdout).toMatch(/OK cloned view ci\.orders/);
    expect(await pgQuery(server, "select table_name, table_type from information_schema.tables where table_schema = 'ci' order by 1", dbname)).toEqual([
      { table_name: 'orders', table_type: 'VIEW' },
      { table_name: 'raw_orders', table_type: 'VIEW' },
      { table_name: 'stg_orders', table_type: 'VIEW' },
    ]);
    expect(await pgQuery(server, 'select count(*)::int as n from ci.orders', dbname)).toEqual([{ n: 3 }]);
    expect(readJson(dir, 'target/run_results.json').results.map((r: { status: string }) => r.status)).toEqual(['success', 'success', 'success']);
  }, 240_000);
});
