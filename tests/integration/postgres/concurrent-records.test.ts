/**
 * Two dops processes building one PostgreSQL target at once share its build records
 * (`main.dops_build_state`): each row's `seq` comes from a database sequence, so the runs never
 * number rows alike and a node's latest record is the build that committed last. The runs are put
 * in the order that broke a per-process counter by a lock, not by timing: run B opens the records
 * and then waits in its on-run-start hook on a table the test holds locked
 * (https://docs.getdbt.com/reference/project-configs/on-run-start-on-run-end); run A builds and
 * records five nodes meanwhile and ends; the test releases the lock and B rebuilds `x` with other
 * vars. B's build of `x` came last, so its record must be the one a later run goes by (dbt-core's
 * own runs keep no such records: this is dops' state-aware build, README "State-aware builds").
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../helpers.js';
import { addPostgresProfile, pgQuery } from '../../postgres/helpers.js';
import { usePostgres } from '../../postgres/server.js';

const CLI = join(resolve(import.meta.dirname, '../../..'), 'dist/cli/main.js');

const server = usePostgres();
afterAll(removeProjects);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function dops(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts dops in the background; `done` settles when it exits. */
function dopsInBackground(args: string[], cwd: string): { done: Promise<Run>; exited: () => boolean } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let finished = false;
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Run>((resolveRun) => child.on('close', (status) => {
    finished = true;
    resolveRun({ status, stdout, stderr });
  }));
  return { done, exited: () => finished };
}

const FILES = {
  'dops_project.yml': `name: conc
profile: conc
models:
  conc:
    +materialized: table
on-run-start:
  - "{{ 'select count(*) from main.gate' if var('who', 'a') == 'b' else 'select 1' }}"
`,
  'models/x.sql': "select '{{ var(\"who\", \"a\") }}' as who\n",
  ...Object.fromEntries([1, 2, 3, 4].map((n) => [`models/m${n}.sql`, `select ${n} as n\n`])),
};

describe('build records of two runs at once on PostgreSQL', () => {
  it('never share a seq, and the build that committed last is the record later runs go by', async () => {
    const dir = makeProject(FILES);
    const dbname = await addPostgresProfile(server, dir, 'conc');
    const first = dops(['run', '--target', 'pg'], dir);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    await pgQuery(server, 'create table main.gate (n int)', dbname);

    const lock = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: dbname });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table main.gate in access exclusive mode');
      const b = dopsInBackground(['run', '--target', 'pg', '-s', 'x', '--vars', '{who: b}'], dir);
      // B has opened the records once its on-run-start hook waits on the lock.
      for (;;) {
        // From another session: inside its transaction the lock holder sees one snapshot of pg_stat_activity.
        const [{ waiting }] = await pgQuery(server, "select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and query = 'select count(*) from main.gate'", dbname);
        if ((waiting as number) > 0) break;
        if (b.exited()) throw new Error(`run B ended before waiting on the lock: ${(await b.done).stdout}${(await b.done).stderr}`);
        await new Promise((wake) => setTimeout(wake, 50));
      }
      const a = dops(['run', '--target', 'pg', '--no-reuse', '-s', 'x', 'm1', 'm2', 'm3', 'm4'], dir);
      expect(a.status, a.stdout + a.stderr).toBe(0);
      await lock.query('rollback');
      const bRun = await b.done;
      expect(bRun.status, bRun.stdout + bRun.stderr).toBe(0);
    } finally {
      await lock.end();
    }

    const rows = await pgQuery(server, 'select seq, unique_id from main.dops_build_state', dbname);
    expect(new Set(rows.map((row) => String(row.seq))).size).toBe(rows.length);
    expect(await pgQuery(server, 'select who from main.x', dbname)).toEqual([{ who: 'b' }]);
    // x's latest record is B's build: the same vars reuse it, A's vars build it again.
    const same = dops(['run', '--target', 'pg', '-s', 'x', '--vars', '{who: b}', '--log-format', 'json'], dir);
    expect(same.status, same.stdout + same.stderr).toBe(0);
    const finished = same.stdout.trim().split('\n').map((line) => JSON.parse(line)).find((event) => event.info.name === 'StatsLine');
    expect(finished.data.stats).toMatchObject({ reused: 1, total: 1 });
    const other = dops(['run', '--target', 'pg', '-s', 'x'], dir);
    expect(other.status, other.stdout + other.stderr).toBe(0);
    expect(await pgQuery(server, 'select who from main.x', dbname)).toEqual([{ who: 'a' }]);
  });
});
