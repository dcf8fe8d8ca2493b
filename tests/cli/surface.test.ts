/**
 * The real binary (dist/cli/main.js) on: progress while a node runs (piped and on a pseudo-terminal),
 * project flags (`flags:` in dbt_project.yml, `DBT_<FLAG>` env vars, CLI precedence), the project
 * file's `log-path`, `require-dbt-version` and model access errors.
 * References:
 * - https://docs.getdbt.com/reference/global-configs/about-global-configs (flags; CLI > env > project)
 * - https://docs.getdbt.com/reference/global-configs/project-flags
 * - https://docs.getdbt.com/reference/global-configs/failing-fast, /reference/global-configs/logs
 * - https://docs.getdbt.com/reference/project-configs/log-path
 * - https://docs.getdbt.com/reference/project-configs/require-dbt-version
 * - https://docs.getdbt.com/reference/resource-configs/access
 *
 * The progress tests never depend on timing: the model reads a named pipe (FIFO), so it runs until
 * the test has seen the progress text and only then writes the pipe's rows.
 */
import { spawn, spawnSync, execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile as writeFileAsync } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DBT_VERSION } from '../../src/version.js';
import { makeProject, makeTempDir, query, readJson, removeProjects, writeFile } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'dist/cli/main.js');

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `dops` binary (plain output: NO_COLOR; no DBT_* flag variables from the caller). */
function dops(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined || (key.startsWith('DBT_') && !(key in (options.env ?? {})))) delete env[key];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Spawns `command args`, waits until its stdout contains `marker`, then calls `release` and waits
 * for the exit. A watchdog (generous, never reached when things work) fails the test instead of hanging.
 */
function runUntil(command: string, args: string[], env: NodeJS.ProcessEnv, marker: RegExp, release: () => void): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let released = false;
    const watchdog = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no ${marker} in the output:\n${stdout}\n${stderr}`));
    }, 240_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!released && marker.test(stdout)) {
        released = true;
        release();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(watchdog);
      done({ status, stdout, stderr });
    });
  });
}

/** A project whose one table model reads a FIFO: it runs until the test writes the FIFO. */
function blockedProject(): { dir: string; release: () => void } {
  const dir = makeProject({});
  const fifo = join(makeTempDir(), 'rows.pipe'); // outside the project: nothing scans it
  execSync(`mkfifo ${JSON.stringify(fifo)}`);
  writeFile(dir, 'models/slow.sql', `{{ config(materialized='table') }}\nselect * from read_csv('${fifo}', header = true)\n`);
  // Opening a FIFO for writing waits for its reader (the model): asynchronous, so the watchdog still runs.
  return { dir, release: () => void writeFileAsync(fifo, 'id\n1\n2\n') };
}

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0;

beforeAll(() => {
  execSync('npm run build', { cwd: REPO, stdio: 'pipe' });
}, 300_000);
afterAll(removeProjects);

describe('progress while a node runs', () => {
  // Piped output (CI logs): a `still running: NAME (N s)` line every DOPS_STILL_RUNNING_EVERY seconds (30 by default).
  it.skipIf(!hasMkfifo)('piped: prints still running lines for a long model, then its OK line', async () => {
    const { dir, release } = blockedProject();
    const env = { ...process.env, NO_COLOR: '1', DOPS_STILL_RUNNING_EVERY: '1' };
    const run = await runUntil(process.execPath, [BIN, 'run', '--project-dir', dir], env, /still running: slow \(1 s\)\n/, release);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    const start = lines.findIndex((line) => /1 of 1 START sql table model main\.slow/.test(line));
    const still = lines.findIndex((line) => line === 'still running: slow (1 s)');
    const ok = lines.findIndex((line) => /1 of 1 OK created table main\.slow/.test(line));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(still).toBeGreaterThan(start);
    expect(ok).toBeGreaterThan(still);
    expect(run.stdout).not.toMatch(/\x1b\[/); // no live-line escape codes in a pipe
    expect(await query(dir, 'select count(*) as n from slow')).toEqual([{ n: 2 }]);
  }, 300_000);

  // A pseudo-terminal (util-linux `script`) makes stdout a TTY: a live `⠙ running NAME (N s)` line,
  // shown once a node has run DOPS_PROGRESS_AFTER seconds (2 by default, 0 here).
  it.skipIf(!hasMkfifo || !existsSync('/usr/bin/script'))('on a terminal: a live line with the elapsed time', async () => {
    const { dir, release } = blockedProject();
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run --project-dir ${JSON.stringify(dir)}`;
    const env = { ...process.env, NO_COLOR: '1', DOPS_PROGRESS_AFTER: '0' };
    const run = await runUntil('script', ['-qfec', command, '/dev/null'], env, /running slow \(\d+ s\)/, release);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] running slow \(\d+ s\)/);
    expect(run.stdout).toContain('1 of 1 OK created table main.slow');
    expect(run.stdout).not.toContain('still running:');
  }, 300_000);
});

describe('project flags (flags: in dbt_project.yml)', () => {
  const FILES = {
    'models/a_broken.sql': 'select nope\n',
    'models/z_fine.sql': 'select 1 as x\n',
  };

  it('fail_fast and quiet apply from the project; DBT_<FLAG> env vars override them; the command line wins over both', () => {
    const dir = makeProject({ ...FILES, 'dops_project.yml': 'name: proj\nflags:\n  fail_fast: true\n  quiet: true\n' });
    const run = dops(['run', '--threads', '1', '--project-dir', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('START'); // quiet: errors only
    expect(run.stdout).toContain('Error in model a_broken');
    const status = (name: string) => readJson(dir, 'target/run_results.json').results.find((r: { unique_id: string }) => r.unique_id === `model.proj.${name}`)?.status;
    expect(status('z_fine')).toBe('skipped'); // fail_fast
    const env = dops(['run', '--threads', '1', '--project-dir', dir], { env: { DBT_FAIL_FAST: 'false', DBT_QUIET: '0' } });
    expect(env.stdout).toContain('START');
    expect(status('z_fine')).toBe('success');
    const cli = dops(['run', '--threads', '1', '-x', '--project-dir', dir], { env: { DBT_FAIL_FAST: 'false', DBT_QUIET: '0' } });
    expect(cli.status).toBe(1);
    expect(status('z_fine')).toBe('skipped');
  });

  it('templates see flags.<NAME>; a flag dops does not apply is a warning naming it; a bad value is an error with its line (exit 2)', () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nflags:\n  send_anonymous_usage_stats: false\n  source_freshness_run_project_hooks: true\n',
      'models/m.sql': "{{ print('hooks=' ~ flags.SOURCE_FRESHNESS_RUN_PROJECT_HOOKS ~ ' fail_fast=' ~ flags.FAIL_FAST ~ ' which=' ~ flags.WHICH) }}select 1 as x\n",
    });
    const run = dops(['run', '-x', '--project-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('hooks=True fail_fast=True which=run');
    expect(run.stdout).toContain("Warning: dops_project.yml:4: flags: 'source_freshness_run_project_hooks' is read but not applied");
    expect(run.stdout).not.toContain("'send_anonymous_usage_stats'");
    const bad = makeProject({ 'dops_project.yml': 'name: proj\nflags:\n  fail_fast: sometimes\n', 'models/m.sql': 'select 1 as x\n' });
    const failed = dops(['run', '--project-dir', bad]);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain('dops_project.yml:3');
    expect(failed.stderr).toContain(`flags: 'fail_fast' must be true or false, got "sometimes"`);
  });

  it("use_colors: false and log-path: the file log goes to the project file's log-path; --log-path wins", () => {
    const dir = makeProject({ 'dops_project.yml': 'name: proj\nlog-path: my_logs\nflags:\n  use_colors: false\n', 'models/m.sql': 'select 1 as x\n' });
    const plain = dops(['run', '--project-dir', dir], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(plain.status).toBe(0);
    expect(plain.stdout).not.toMatch(/\x1b\[/);
    expect(plain.stdout).not.toContain('log-path');
    expect(readFileSync(join(dir, 'my_logs/dops.log'), 'utf8')).toMatch(/1 of 1 success model\.proj\.m/);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    const elsewhere = makeTempDir();
    dops(['run', '--project-dir', dir, '--log-path', elsewhere]);
    expect(readFileSync(join(elsewhere, 'dops.log'), 'utf8')).toMatch(/1 of 1 success model\.proj\.m/);
  });
});

describe('require-dbt-version and access from the command line', () => {
  it('a project outside its require-dbt-version range exits 2 naming the range; --no-version-check runs it', () => {
    const dir = makeProject({ 'dops_project.yml': 'name: proj\nrequire-dbt-version: [">=2.0.0", "<3.0.0"]\n', 'models/m.sql': 'select 1 as x\n' });
    const run = dops(['run', '--project-dir', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dops_project.yml:2: This version of dbt is not supported with the 'proj' package: dops mirrors dbt ${DBT_VERSION}; 'proj' requires [">=2.0.0","<3.0.0"]`);
    expect(run.stderr).toContain('--no-version-check');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(dops(['run', '--no-version-check', '--project-dir', dir]).status).toBe(0);
    expect(dops(['parse', '--project-dir', dir], { env: { DBT_VERSION_CHECK: '0' } }).status).toBe(0);
  });

  it('a ref to a private model of another group exits 2 with dbt\'s message and the file:line of the ref', () => {
    const dir = makeProject({
      'models/groups.yml': 'version: 2\ngroups:\n  - name: finance\n    owner: {name: Fin}\n',
      'models/ledger.sql': "{{ config(group='finance', access='private') }}\nselect 1 as id\n",
      'models/report.sql': "select *\nfrom {{ ref('ledger') }}\n",
    });
    const run = dops(['build', '--project-dir', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("models/report.sql:2");
    expect(run.stderr).toContain("Node model.proj.report attempted to reference node model.proj.ledger, which is not allowed because the referenced node is private to the 'finance' group.");
  });
});
