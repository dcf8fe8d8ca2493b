/**
 * Reliability and security through the real binary: secret env vars never reach target/ or the
 * output, folders that cannot be made or read are named (exit 2, no hang, no stack trace).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../integration/helpers.js';

const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/index.js');
const STACK_LINE = /^\s{4}at /m;
const IS_ROOT = process.getuid?.() === 0;

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary; `asOther` runs it as user nobody when the tests run as root (root reads any file). */
function dops(args: string[], cwd: string, env: Record<string, string> = {}, asOther = false): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...(asOther ? { HOME: cwd } : {}), ...env },
    encoding: 'utf8',
    timeout: 60_000,
    ...(asOther && IS_ROOT ? { uid: 65534, gid: 65534 } : {}),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => [path, readFileSync(path).toString('latin1')]);
}

afterAll(removeProjects);

// https://docs.getdbt.com/reference/dbt-jinja-functions/env_var#secrets: DBT_ENV_SECRET_* only in
// profiles.yml / packages.yml, scrubbed as ***** from logs.
describe('secret env vars', () => {
  const SECRET = 'tok3n-s3cr3t-value';
  const profile = (path: string) => `proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "${path}"\n`;
  const PROJECT = 'name: proj\nprofile: proj\n';

  it('a secret in profiles.yml works and appears in no file under target/ or logs/ nor in the output', () => {
    const dir = makeProject({
      'dops_project.yml': PROJECT,
      'profiles.yml': profile("db-{{ env_var('DBT_ENV_SECRET_DB') }}.duckdb"),
      'seeds/s.csv': 'id\n1\n',
      'models/m.sql': "{{ config(materialized='table') }}\nselect *, '{{ target.path }}' as p from {{ ref('s') }}\n",
      'models/bad.sql': 'select nope\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [unique]\n',
    });
    const env = { DBT_ENV_SECRET_DB: SECRET };
    const runs = [dops(['build'], dir, env), dops(['build', '--log-format', 'json'], dir, env), dops(['compile'], dir, env), dops(['docs', 'generate'], dir, env), dops(['ls'], dir, env)];
    expect(runs[0].status).toBe(1); // models/bad.sql fails; the rest builds
    expect(runs[2].status).toBe(0);
    for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    const written = [...filesUnder(join(dir, 'target')), ...filesUnder(join(dir, 'logs'))];
    expect(written.map(([path]) => path).some((path) => path.endsWith('logs/dops.log'))).toBe(true);
    for (const [path, text] of written) expect(text.includes(SECRET), path).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.metadata.target.database_path).toBe('db-*****.duckdb');
    expect(statSync(join(dir, `db-${SECRET}.duckdb`)).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'target/compiled/proj/models/m.sql'), 'utf8')).toContain("'db-*****.duckdb' as p");
  });

  for (const name of ['DBT_ENV_SECRET_PASSWORD', 'DOPS_ENV_SECRET_PASSWORD']) {
    it(`${name} read in a model is an error naming the variable and the file, as in dbt`, () => {
      const dir = makeProject({ 'models/leaky.sql': `select '{{ env_var('${name}') }}' as p\n`, 'models/fine.sql': 'select 1 as a\n' });
      const run = dops(['build'], dir, { [name]: SECRET });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`);
      expect(run.stderr).toContain('models/leaky.sql');
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
      for (const [path, text] of filesUnder(dir).filter(([path]) => path.includes('/target/'))) expect(text.includes(SECRET), path).toBe(false);
    });
  }

  it('a secret in an error message is masked', () => {
    const dir = makeProject({ 'dops_project.yml': PROJECT, 'profiles.yml': profile("/proc/no/{{ env_var('DBT_ENV_SECRET_DIR') }}/x.duckdb"), 'models/m.sql': 'select 1 as a\n' });
    const run = dops(['build'], dir, { DBT_ENV_SECRET_DIR: SECRET });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('/proc/no/*****');
    expect(run.stderr).not.toContain(SECRET);
  });
});

describe('folders dops cannot create or read', () => {
  it('a database folder that cannot be created: exit 2 naming it, no hang (Node loops in mkdir under /proc)', () => {
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nprofile: proj\n',
      'profiles.yml': 'proj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: /proc/no/such/x.duckdb\n',
      'models/m.sql': 'select 1 as a\n',
    });
    const run = dops(['build'], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Cannot create the folder /proc/no/such for the database /proc/no/such/x.duckdb: no such file or directory');
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('an external model location that cannot be created names the model and the folder', () => {
    const dir = makeProject({ 'models/ext.sql': "{{ config(materialized='external', location='/proc/no/lake/ext.parquet') }}\nselect 1 as a\n" });
    const run = dops(['build'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Cannot create the folder /proc/no/lake for external model ext');
  });

  // As root every file is readable, so these run the binary as user nobody (uid 65534).
  describe('unreadable files and folders', () => {
    const unreadable = (files: Record<string, string>, lock: string) => {
      const dir = makeProject(files);
      for (const [path] of filesUnder(dir)) chmodSync(path, 0o666);
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]) if (entry.isDirectory()) chmodSync(join(entry.parentPath, entry.name), 0o777);
      chmodSync(dir, 0o777);
      chmodSync(join(dir, lock), 0o000);
      return dir;
    };

    it('a model file: names the file and the permission', () => {
      const dir = unreadable({ 'models/a.sql': 'select 1 as a\n', 'models/b.sql': 'select 2 as b\n' }, 'models/b.sql');
      const run = dops(['build'], dir, {}, true);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Cannot read ${join(dir, 'models/b.sql')}: permission denied`);
      expect(run.stderr).not.toContain('Internal error');
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('a models folder: an error, not a build that silently skips its models', () => {
      const dir = unreadable({ 'models/a.sql': 'select 1 as a\n', 'models/sub/b.sql': 'select 2 as b\n' }, 'models/sub');
      const run = dops(['build'], dir, {}, true);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Cannot read the folder ${join(dir, 'models/sub')}: permission denied`);
    });

    it('profiles.yml: names the file and the permission', () => {
      const dir = unreadable({ 'dops_project.yml': 'name: proj\nprofile: proj\n', 'profiles.yml': 'proj: {}\n', 'models/a.sql': 'select 1 as a\n' }, 'profiles.yml');
      const run = dops(['build'], dir, {}, true);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`Cannot read ${join(dir, 'profiles.yml')}: permission denied`);
      expect(run.stderr).not.toContain('Internal error');
    });
  });
});

/** Runs the binary without waiting (for concurrent invocations). */
function dopsAsync(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

describe('artifacts of concurrent invocations', () => {
  const invocation = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8')).metadata.invocation_id as string;

  it('a command refused because another process holds the database writes no artifact', async () => {
    const dir = makeProject({ 'models/m.sql': 'select 1 as a\n' });
    expect(dops(['build'], dir).status).toBe(0);
    const before = ['manifest.json', 'run_results.json'].map((file) => readFileSync(join(dir, 'target', file), 'utf8'));
    // Another process holds the database until its stdin closes.
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const db = await DuckDBInstance.create(${JSON.stringify(join(dir, 'dops.duckdb'))});
      process.stdout.write('ready\\n');
      process.stdin.resume();
      process.stdin.on('end', () => { db.closeSync(); process.exit(0); });
    `], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((ready) => holder.stdout.once('data', () => ready()));
    try {
      const refused = dops(['build', '-s', 'm'], dir);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('is in use by another process');
      expect(['manifest.json', 'run_results.json'].map((file) => readFileSync(join(dir, 'target', file), 'utf8'))).toEqual(before);
    } finally {
      holder.stdin.end();
      await new Promise((done) => holder.on('close', done));
    }
  });

  it('two targets building into one target path at once: manifest.json and run_results.json come from one invocation', async () => {
    const models: Record<string, string> = {};
    for (let i = 0; i < 8; i++) models[`models/m${i}.sql`] = `select ${i} as a\n`;
    const dir = makeProject({
      'dops_project.yml': 'name: proj\nprofile: proj\n',
      'profiles.yml': 'proj:\n  target: one\n  outputs:\n    one:\n      type: duckdb\n      path: one.duckdb\n    two:\n      type: duckdb\n      path: two.duckdb\n',
      ...models,
    });
    for (let round = 0; round < 3; round++) {
      const [one, two] = await Promise.all([dopsAsync(['build', '-t', 'one'], dir), dopsAsync(['build', '-t', 'two'], dir)]);
      expect([one.status, two.status]).toEqual([0, 0]);
      expect(invocation(dir, 'manifest.json')).toBe(invocation(dir, 'run_results.json'));
      const target = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')).metadata.target.name;
      expect(JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).args.target).toBe(target);
    }
  });
});

// The crash test (builds killed at random points, every materialization, DuckDB and PostgreSQL) is tests/cli/crash.test.ts.
