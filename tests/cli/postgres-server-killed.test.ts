/**
 * The PostgreSQL server dying in the middle of `dops build --target pg` (killed with
 * `pg_ctl stop -m immediate`, as a crash): the running node errors, the nodes not yet started are
 * skipped, dops exits 1 without a stack trace, and once the server is back the relation that was
 * being rebuilt is still its previous version, with nothing half-built beside it.
 * https://docs.getdbt.com/reference/exit-codes (1: the run completed with errors)
 * https://www.postgresql.org/docs/15/app-pg-ctl.html (immediate mode: no shutdown, recovery on restart)
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, readJson, removeProjects } from '../integration/helpers.js';
import { addPostgresProfile, pgQuery } from '../postgres/helpers.js';
import { usePostgres } from '../postgres/server.js';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist/cli/index.js');

/** Runs the built binary; resolves with its exit code and output. */
function dops(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

const server = usePostgres();
afterAll(removeProjects);

describe('the PostgreSQL server killed mid-run', () => {
  it('the running node errors, the rest skip, exit 1, and the table keeps its previous version', async () => {
    const dir = makeProject({
      'dops_project.yml': 'name: killed\n',
      'models/slow.sql': "{{ config(materialized='table') }}\nselect {{ var('v', 1) }} as id from (select pg_sleep({{ var('sleep', 0) }})) as s\n",
      'models/after.sql': "select * from {{ ref('slow') }}\n",
      'models/z_other.sql': 'select 2 as id\n',
    });
    const dbname = await addPostgresProfile(server, dir, 'killed', { threads: 1 });
    const first = await dops(['build', '--project-dir', dir, '--target', 'pg']);
    expect(first.status, first.stdout + first.stderr).toBe(0);

    const running = dops(['build', '--project-dir', dir, '--target', 'pg', '--vars', '{v: 2, sleep: 60}', '-s', 'slow+', 'z_other']);
    // Wait until the slow table's query is running on the server, then kill the server.
    let sleeping = 0;
    for (let tries = 0; tries < 600 && sleeping === 0; tries++) {
      await new Promise((done) => setTimeout(done, 100));
      sleeping = (await pgQuery(server, "select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(60)%' and pid <> pg_backend_pid()", dbname))[0].n as number;
    }
    expect(sleeping).toBe(1);
    server.kill();
    const outcome = await running;
    server.restart();

    const output = outcome.stdout + outcome.stderr;
    expect(outcome.status, output).toBe(1);
    expect(output).not.toMatch(/^\s{4}at /m);
    expect(output).not.toContain('Internal error');
    expect(output).not.toContain(server.password);
    expect(output).toMatch(/ERROR.*slow/i);
    expect(output).toMatch(/ERROR=1 SKIP=2/);
    const results = readJson(dir, 'target/run_results.json').results as { unique_id: string; status: string; message: string }[];
    expect(results.map((r) => `${r.unique_id} ${r.status}`).sort()).toEqual(['model.killed.after skipped', 'model.killed.slow error', 'model.killed.z_other skipped']);
    expect(results.find((r) => r.unique_id === 'model.killed.z_other')!.message).toBe("Skipped because the connection to target 'pg' was lost");
    // The crash aborted the transaction that built the new table aside: the old one is intact.
    expect(await pgQuery(server, 'select id from main.slow', dbname)).toEqual([{ id: 1 }]);
    expect(await pgQuery(server, "select count(*)::int as n from pg_class where relname like '%dops_tmp%'", dbname)).toEqual([{ n: 0 }]);
  }, 240_000);
});
